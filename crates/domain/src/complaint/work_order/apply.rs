//! The work order's state machine (see the module).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{FAILURES_TO_DISQUALIFY, WorkOrderAction, WorkOrderCommand, WorkOrderState};
use crate::complaint::error::{FieldProblem, LifecycleError, invalid};
use crate::complaint::events as ev;
use crate::ids::ContractorId;

/// Why a work order refused a command: 409 `action_not_allowed` or 422.
pub type WorkOrderError = LifecycleError<WorkOrderState, WorkOrderAction>;

/// What the work order's lifecycle needs to know of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderSnapshot {
    /// Where it stands.
    pub state: WorkOrderState,
    /// Whether the reply needs a site survey (R-WO-3, 1.5 WD).
    pub site_survey: bool,
    /// Whether the department commits a reply time first (R-T-7's special case).
    pub complex: bool,
    /// The contractor rectifying, if any.
    pub contractor_id: Option<ContractorId>,
    /// How many times the current contractor failed acceptance on this order.
    pub failed_acceptances: u8,
    /// Contractors that failed twice on this order and may not be assigned again (R-WO-4).
    pub disqualified: Vec<ContractorId>,
}

impl WorkOrderSnapshot {
    /// A work order just sent.
    pub fn sent(site_survey: bool, complex: bool) -> Self {
        Self {
            state: WorkOrderState::Sent,
            site_survey,
            complex,
            contractor_id: None,
            failed_acceptances: 0,
            disqualified: Vec::new(),
        }
    }
}

/// What an accepted work-order command does. The contractor fields are the snapshot's values
/// after the transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkOrderTransition {
    /// The action taken.
    pub action: WorkOrderAction,
    /// The state before.
    pub from: WorkOrderState,
    /// The state after.
    pub to: WorkOrderState,
    /// The SLA policy's events to fire.
    pub events: Vec<&'static str>,
    /// Whether every running clock of the work order stops (closing it).
    pub stop_all_clocks: bool,
    /// The contractor rectifying after the transition.
    pub contractor_id: Option<ContractorId>,
    /// The current contractor's failed acceptances after the transition.
    pub failed_acceptances: u8,
    /// A contractor that lost the job on this order (R-WO-4): add it to the disqualified; the
    /// next contractor finishes at its cost.
    pub disqualify_contractor: Option<ContractorId>,
}

/// Where `action` leads from `s`, when allowed (a failed acceptance may lead elsewhere).
fn target(s: &WorkOrderSnapshot, action: WorkOrderAction) -> Option<WorkOrderState> {
    use WorkOrderAction as A;
    use WorkOrderState as S;
    // The state a reply or a survey comes from on this order's linear path.
    let before_survey = if s.complex { S::ReplyCommitted } else { S::Sent };
    let before_reply = if s.site_survey { S::Surveyed } else { before_survey };
    Some(match (action, s.state) {
        (_, S::Closed) => return None,
        (A::Apologize, state) => state,
        (A::Close, _) => S::Closed,
        (A::CommitReplyTime, S::Sent) if s.complex => S::ReplyCommitted,
        (A::RecordSurvey, state) if s.site_survey && state == before_survey => S::Surveyed,
        (A::Reply, state) if state == before_reply => S::Replied,
        (A::ApproveReply, S::Replied) => S::ReplyApproved,
        (A::AssignRectification, S::ReplyApproved | S::AwaitingContractor) => S::Rectifying,
        (A::RecordAcceptance, S::Rectifying) => S::Accepted,
        _ => return None,
    })
}

/// The actions the work order allows, in API order; [`apply`] accepts exactly these (given a
/// valid payload).
pub fn allowed_actions(snapshot: &WorkOrderSnapshot) -> Vec<WorkOrderAction> {
    WorkOrderAction::ALL.iter().copied().filter(|a| target(snapshot, *a).is_some()).collect()
}

/// Applies `command` to a work order at `now`: the transition, or why not. The state is
/// checked first (409), then the payload (422): blank text, a reply time or deadline not in
/// the future, a failed acceptance without a comment, an early close without a reason
/// (`required`), a disqualified contractor (`contractor_disqualified`, R-WO-4).
pub fn apply(
    current: &WorkOrderSnapshot,
    command: &WorkOrderCommand,
    now: DateTime<Utc>,
) -> Result<WorkOrderTransition, WorkOrderError> {
    use WorkOrderCommand as C;
    let action = command.action();
    let Some(mut to) = target(current, action) else {
        return Err(LifecycleError::NotAllowed {
            state: current.state,
            action,
            allowed: allowed_actions(current),
        });
    };
    let mut problems = command.validate(now);
    let mut contractor_id = current.contractor_id.clone();
    let mut failed_acceptances = current.failed_acceptances;
    let mut disqualify_contractor = None;
    let mut events = Vec::new();
    match command {
        C::CommitReplyTime { .. } => events.push(ev::REPLY_TIME_COMMITTED),
        C::Reply { .. } => events.push(ev::WORK_ORDER_REPLIED),
        C::AssignRectification { contractor_id: assigned, .. } => {
            if current.disqualified.contains(assigned) {
                problems.push(FieldProblem::new(
                    "contractor_id",
                    "contractor_disqualified",
                    "this contractor failed acceptance twice on this work order (R-WO-4)",
                ));
            }
            contractor_id = Some(assigned.clone());
            failed_acceptances = 0;
        }
        C::RecordAcceptance { passed: false, .. } => {
            failed_acceptances = failed_acceptances.saturating_add(1);
            if failed_acceptances >= FAILURES_TO_DISQUALIFY {
                disqualify_contractor = contractor_id.take();
                failed_acceptances = 0;
                to = WorkOrderState::AwaitingContractor;
            } else {
                to = WorkOrderState::Rectifying;
            }
        }
        C::Close { reason } => {
            let settled =
                matches!(current.state, WorkOrderState::ReplyApproved | WorkOrderState::Accepted);
            if !settled && reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                problems.push(FieldProblem::new(
                    "reason",
                    "required",
                    "closing before the reply is approved or the rectification accepted needs a \
                     reason",
                ));
            }
        }
        C::ApproveReply
        | C::RecordSurvey { .. }
        | C::RecordAcceptance { passed: true, .. }
        | C::Apologize { .. } => {}
    }
    invalid(problems)?;
    Ok(WorkOrderTransition {
        action,
        from: current.state,
        to,
        events,
        stop_all_clocks: action == WorkOrderAction::Close,
        contractor_id,
        failed_acceptances,
        disqualify_contractor,
    })
}
