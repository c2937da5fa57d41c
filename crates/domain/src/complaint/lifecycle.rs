//! The complaint's state machine: which action each state allows, where it leads, and which
//! SLA events it fires. Pure: persistence loads a [`Snapshot`], calls [`apply`] and stores the
//! [`Transition`] with its events and clock changes in one transaction.

use serde::{Deserialize, Serialize};

use super::error::invalid;
use super::events as ev;
use super::{Command, ComplaintAction, ComplaintKind, ComplaintState, Grade, LifecycleError};
use crate::sla::PolicyProblem;

/// What the lifecycle needs to know of a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Where it stands.
    pub state: ComplaintState,
    /// Its grade: only a general complaint is handled alone.
    pub grade: Grade,
    /// What it is: front-desk kinds fire the front desk's events.
    pub kind: ComplaintKind,
    /// While `awaiting_customer`: the state a `resume` returns to.
    pub paused_from: Option<ComplaintState>,
}

/// A group's settings for the lifecycle (part of its policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Context {
    /// Whether a callback that reached a dissatisfied customer reopens the complaint (back to
    /// `investigating`) instead of leading to `called_back`.
    pub reopen_on_dissatisfaction: bool,
    /// The satisfaction (1 to 5) at or below which a customer is dissatisfied.
    pub dissatisfied_at_or_below: u8,
}

impl Default for Context {
    /// Reopen at a satisfaction of 2 or below.
    fn default() -> Self {
        Self { reopen_on_dissatisfaction: true, dissatisfied_at_or_below: 2 }
    }
}

impl Context {
    /// Every problem of the settings (`out_of_range`: the threshold is 1 to 4, so that a
    /// satisfied customer never reopens a complaint).
    pub fn validate(&self) -> Vec<PolicyProblem> {
        if (1..=4).contains(&self.dissatisfied_at_or_below) {
            return Vec::new();
        }
        vec![PolicyProblem {
            path: "dissatisfied_at_or_below".into(),
            code: "out_of_range",
            message: format!("must be 1 to 4, not {}", self.dissatisfied_at_or_below),
        }]
    }
}

/// What an accepted command does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// The action taken.
    pub action: ComplaintAction,
    /// The state before.
    pub from: ComplaintState,
    /// The state after (the same for hand-overs, progress reports, unanswered callbacks).
    pub to: ComplaintState,
    /// The SLA policy's events to fire, in order (names of [`super::events`]).
    pub events: Vec<&'static str>,
    /// Whether every running clock of the complaint stops (a withdrawal).
    pub stop_all_clocks: bool,
    /// Clocks to cancel by name: neither met nor breached (an escalation cancels
    /// `self_resolve`).
    pub cancels: Vec<&'static str>,
    /// The snapshot's `paused_from` after the transition: set while `awaiting_customer`.
    pub paused_from: Option<ComplaintState>,
}

/// Where `action` leads from `s`, when the state (and, for `handle`, the grade) allows it.
/// A `record_callback` is shown leading to `called_back`; its payload may change that.
fn target(s: &Snapshot, action: ComplaintAction) -> Option<ComplaintState> {
    use ComplaintAction as A;
    use ComplaintState as S;
    Some(match (action, s.state) {
        (A::HandOver | A::ReportProgress, state) if state.is_open() => state,
        (A::Withdraw, state) if state.is_open() => S::Withdrawn,
        (A::WriteTicket, S::Received) => S::Ticketed,
        (A::CollectEvidence, S::Ticketed) => S::Investigating,
        (A::Handle, S::Investigating) if s.grade == Grade::General => S::Handling,
        (A::Escalate, S::Investigating | S::Handling) => S::Escalated,
        (A::ProposePlan, S::Escalated) => S::PlanProposed,
        (A::Agree, S::PlanProposed) => S::Agreed,
        (A::ApprovePlan, S::Agreed) => S::PlanApproved,
        (A::StartRectification, S::PlanApproved) => S::Rectifying,
        (A::CompleteRectification, S::Rectifying) => S::Rectified,
        (A::Accept, S::Rectified) => S::Resolved,
        (A::Reject, S::Rectified) => S::Rectifying,
        (A::Resolve, S::Handling) => S::Resolved,
        (A::RecordCallback, S::Resolved) => S::CalledBack,
        (A::Archive, S::CalledBack) => S::Archived,
        (A::Reopen, S::CalledBack | S::Archived) => S::Investigating,
        (A::AwaitCustomer, state) if S::PAUSABLE.contains(&state) => S::AwaitingCustomer,
        (A::Resume, S::AwaitingCustomer) => resumes_to(s),
        _ => return None,
    })
}

/// Where a paused complaint resumes. One whose record lost where it came from carries on
/// investigating.
fn resumes_to(s: &Snapshot) -> ComplaintState {
    s.paused_from
        .filter(|p| ComplaintState::PAUSABLE.contains(p))
        .unwrap_or(ComplaintState::Investigating)
}

/// The actions `snapshot` allows, in API order; [`apply`] accepts exactly these (given a
/// valid payload). The caller's permissions narrow them further
/// ([`allowed_actions_for`](super::allowed_actions_for)).
pub fn allowed_actions(snapshot: &Snapshot) -> Vec<ComplaintAction> {
    ComplaintAction::ALL.iter().copied().filter(|a| target(snapshot, *a).is_some()).collect()
}

/// The SLA events of an action (before the callback's payload is looked at).
fn events_of(kind: ComplaintKind, action: ComplaintAction) -> Vec<&'static str> {
    use ComplaintAction as A;
    let front_desk = kind.is_front_desk();
    // Front-desk requests run R-T-11 (feedback and callback within 3 days) instead of the
    // complaint's callback clock (R-T-6): they do not start it on resolving, and their callback
    // stops the front desk's clock. A closed repair starts its node callback (R-T-12).
    let resolved = if front_desk { None } else { Some(ev::COMPLAINT_RESOLVED) };
    let closed = match kind {
        ComplaintKind::Complaint | ComplaintKind::EarlyWarning => Some(ev::COMPLAINT_CLOSED),
        ComplaintKind::Repair => Some(ev::REPAIR_CLOSED),
        _ => None,
    };
    let callback = if front_desk { ev::FRONT_DESK_CALLBACK_DONE } else { ev::CALLBACK_DONE };
    let one = |e: &'static str| vec![e];
    match action {
        A::WriteTicket => one(ev::TICKET_WRITTEN),
        A::HandOver => one(ev::COMPLAINT_HANDED_OVER),
        A::CollectEvidence => one(ev::EVIDENCE_COLLECTED),
        A::Escalate => one(ev::COMPLAINT_ESCALATED),
        A::ProposePlan => one(ev::PLAN_DRAFTED),
        A::Agree => one(ev::CUSTOMER_AGREED),
        A::StartRectification => one(ev::RECTIFICATION_STARTED),
        A::CompleteRectification => one(ev::RECTIFICATION_COMPLETED),
        A::Accept => Some(ev::ACCEPTANCE_SIGNED).into_iter().chain(resolved).collect(),
        A::Resolve => resolved.into_iter().collect(),
        A::RecordCallback => one(callback),
        A::Archive => closed.into_iter().collect(),
        A::ReportProgress => one(ev::PROGRESS_REPORTED),
        A::Handle
        | A::ApprovePlan
        | A::Reject
        | A::Reopen
        | A::AwaitCustomer
        | A::Resume
        | A::Withdraw => Vec::new(),
    }
}

/// Applies `command` to a complaint: the transition, or why not. The state is checked first
/// (409 `action_not_allowed`), then the payload (422).
///
/// A callback that did not reach the customer is recorded (R-CB-3: every callback leaves a
/// record) and changes nothing: the complaint stays `resolved` and its callback clock runs on.
/// One that reached a customer at or below [`Context::dissatisfied_at_or_below`] reopens the
/// complaint when the group's [`Context`] says so; the callback is done either way.
pub fn apply(
    current: &Snapshot,
    command: &Command,
    ctx: &Context,
) -> Result<Transition, LifecycleError> {
    let action = command.action();
    let Some(mut to) = target(current, action) else {
        return Err(LifecycleError::NotAllowed {
            state: current.state,
            action,
            allowed: allowed_actions(current),
        });
    };
    invalid(command.validate())?;
    let mut events = events_of(current.kind, action);
    if let Command::RecordCallback { reached, satisfaction, .. } = command {
        if !reached {
            to = current.state;
            events.clear();
        } else if ctx.reopen_on_dissatisfaction
            && satisfaction.is_some_and(|s| s <= ctx.dissatisfied_at_or_below)
        {
            to = ComplaintState::Investigating;
        }
    }
    let paused_from = match (to, current.state) {
        (ComplaintState::AwaitingCustomer, ComplaintState::AwaitingCustomer) => {
            Some(resumes_to(current))
        }
        (ComplaintState::AwaitingCustomer, from) => Some(from),
        _ => None,
    };
    Ok(Transition {
        action,
        from: current.state,
        to,
        events,
        stop_all_clocks: action == ComplaintAction::Withdraw,
        cancels: if action == ComplaintAction::Escalate {
            vec![ev::SELF_RESOLVE_CLOCK]
        } else {
            Vec::new()
        },
        paused_from,
    })
}
