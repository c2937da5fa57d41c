//! Transitions (`POST /complaints/{id}/transitions`): the lifecycle's [`apply`] on the stored
//! complaint, then in one transaction the compare-and-swap of its state, its clocks, its
//! timeline entry, its outbox row and its audit event.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    approval::DocumentKind,
    complaint::{Command, Context, LifecycleError, Transition, apply},
    ids::GroupId,
    sla::Happening,
};

use super::{
    Complaint, Entry, TimelineActor, at_version, enqueue, find, intake::calendar_of,
    is_active_member, stale, timeline,
};
use crate::{
    audit::Actor,
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::to_db,
    kit::Expected,
    schema::complaints,
    scope::Scope,
    sla::{self, ClockNow, clocks},
};

/// Why a transition was refused.
#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    /// Not in this state, or a wrong payload.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// The store refused (404, 403, 412, …).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// `approve_plan` waits for the final plan's approval (R-AP): the step it is at, or
    /// `None` when none was submitted.
    #[error("the final plan's approval is not complete")]
    ApprovalPending(Option<Box<crate::funds::Pending>>),
}

impl From<diesel::result::Error> for TransitionError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

/// Takes `command` on a complaint visible under `read`, if it is still at `expected`. The
/// checks come in this order: visible (404), the version (412), the state and the payload
/// (409 `action_not_allowed`, 422), then the caller's reach for the action (`write`, `None`
/// when no grant carries its permission: 403). The complaint afterwards, with its clocks.
pub fn transition(
    conn: &mut Conn,
    (read, write): (&Scope, Option<&Scope>),
    id: &str,
    expected: Expected,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<(Complaint, Vec<ClockNow>), TransitionError> {
    transaction(conn.raw(), |conn| {
        take(conn, (read, write), id, expected, (command, None), now)?;
        Ok(super::with_clocks(conn, read, id, now)?)
    })
}

/// The transition inside the caller's transaction (a callback record takes `record_callback`
/// through here, with the callback settings' `ctx`): the complaint afterwards and what the
/// lifecycle did.
pub(crate) fn take(
    conn: &mut DbConnection,
    (read, write): (&Scope, Option<&Scope>),
    id: &str,
    expected: Expected,
    (command, ctx): (&Command, Option<Context>),
    now: DateTime<Utc>,
) -> Result<(Complaint, Transition), TransitionError> {
    {
        let current = find(conn, read, id)?;
        at_version(&current, expected)?;
        let policy = sla::current(conn, Some(&current.group_id))?.ok_or(StoreError::NotFound)?;
        let ctx = ctx.unwrap_or(policy.policy.0.lifecycle);
        let done = apply(&current.snapshot(), command, &ctx)?;
        let write = write.ok_or(StoreError::Forbidden)?;
        write.require(&current.place())?;
        if matches!(command, Command::ApprovePlan) {
            crate::approvals::requests::final_plan_approved(conn, &current).map_err(|e| {
                e.map_or_else(TransitionError::Store, TransitionError::ApprovalPending)
            })?;
        }
        let owner = match command {
            Command::HandOver { to_user_id, .. } => {
                if !is_active_member(conn, to_user_id.as_str(), &current.group_id)? {
                    return Err(LifecycleError::Invalid(vec![
                        kefu_domain::complaint::FieldProblem::new(
                            "to_user_id",
                            "unknown",
                            "no such active user in the group",
                        ),
                    ])
                    .into());
                }
                to_user_id.to_string()
            }
            _ => current.owner_id.clone(),
        };
        // R-IN-3: whoever opens the ticket owns and tracks it, and calls back unless someone
        // else was named for the callback.
        let (mut tracker, mut callback_owner) =
            (current.tracker_id.clone(), current.callback_owner_id.clone());
        let mut owner = owner;
        if let (Command::WriteTicket, Actor::User(writer)) = (command, write.actor()) {
            if callback_owner == tracker {
                callback_owner = writer.clone();
            }
            (owner, tracker) = (writer.clone(), writer.clone());
        }
        let changed = diesel::update(
            complaints::table
                .filter(complaints::id.eq(id))
                .filter(complaints::version.eq(current.version)),
        )
        .set((
            complaints::state.eq(done.to.as_str()),
            complaints::paused_from.eq(done.paused_from.map(|s| s.as_str())),
            complaints::owner_id.eq(&owner),
            complaints::tracker_id.eq(&tracker),
            complaints::callback_owner_id.eq(&callback_owner),
            complaints::updated_at.eq(to_db(now)),
            complaints::version.eq(complaints::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(stale(conn, id).into());
        }
        let happening = Happening {
            at: now,
            events: &done.events,
            state: done.to.as_str(),
            skip: &[],
            cancel: &done.cancels,
            cancel_all: done.stop_all_clocks,
        };
        let calendar = calendar_of(conn, &current.project_id, &current.group_id)?;
        let group = GroupId::from(current.group_id.clone());
        let clocks = clocks::react(conn, &group, ("complaint", id), &calendar, &happening)?;
        crate::stats::figures::on_transition(conn, &current, &done, &calendar, now)?;
        let payload = serde_json::to_value(command)
            .map_err(|e| StoreError::Corrupt(format!("command: {e}")))?;
        let (kind, actor_id) = write.actor().parts();
        let entry = Entry {
            kind: "transition",
            action: Some(done.action.as_str()),
            states: (Some(done.from), Some(done.to)),
            payload: payload.clone(),
        };
        timeline(conn, id, TimelineActor { kind, id: actor_id }, entry, now)?;
        // The proposal and the final plan go for approval as they are made (R-AP table).
        let document = match command {
            Command::ProposePlan { plan } => Some((DocumentKind::Proposal, plan)),
            Command::Agree { terms } => Some((DocumentKind::FinalPlan, terms)),
            _ => None,
        };
        if let (Some((document, summary)), Actor::User(_)) = (document, write.actor()) {
            crate::approvals::requests::open_for(
                conn,
                (read, write),
                id,
                (document, summary),
                now,
            )?;
        }
        let told = serde_json::json!({
            "action": done.action, "from": done.from, "to": done.to, "events": done.events,
        });
        write.audit(
            conn,
            now,
            "complaint.transitioned",
            ("complaint", id),
            &current.place(),
            told.clone(),
        )?;
        let complaint = find(conn, read, id)?;
        let reached = matches!(command, Command::RecordCallback { reached: true, .. });
        crate::callbacks::on_transition(conn, &complaint, (&done, reached), &clocks, now)?;
        enqueue(conn, &complaint, "complaint.transitioned", told, now)?;
        Ok((complaint, done))
    }
}
