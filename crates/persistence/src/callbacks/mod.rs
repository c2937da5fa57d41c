//! Callback tasks (回访任务, RULES.md §6): who calls which customer back, why, by when, and
//! where it stands. Tasks are made in the transaction of their cause — a complaint resolved
//! (R-T-6, R-CB-2) or closed, a contract signed, a project's mass handover (R-T-12) — or by
//! the Monday batch ([`batches`], R-CB-1); each call is a record ([`records`], R-CB-3).
//!
//! A complaint has at most one open task for its callback (the R-T-6 task, R-CB-2 and the
//! Monday batch): a second cause joins the open task's `reasons`, its due is the earliest of
//! them, and a major complaint's task is the customer director's. A unique index on the open
//! task's key keeps that true when two transactions race.

pub mod batches;
pub mod nodes;
pub mod records;
pub mod summary;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    access::Role,
    callback::{CallbackReason, CallbackState},
    complaint::{ComplaintAction, Grade, Transition, events as ev},
};
use serde::Serialize;

use crate::{
    complaints::Complaint,
    db::{Conn, DbConnection},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{Audited, ListRequest, Page, page, resource},
    schema::callback_tasks,
    scope::{Place, Scope},
    sla::clocks::ClockRecord,
};

resource!(callback_tasks => CallbackTask, CallbackTaskChanges, "callback_task" {
    group: group_id, company: company_id, project: project_id
});

/// A stored callback task.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = callback_tasks)]
pub struct CallbackTask {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// The company of its project.
    pub company_id: String,
    /// Its project.
    pub project_id: String,
    /// The complaint it calls back about.
    pub complaint_id: Option<String>,
    /// The customer called.
    pub customer_id: Option<String>,
    /// The unit, for a contract callback.
    pub unit_id: Option<String>,
    /// The reason with the earliest due.
    pub reason: String,
    /// Every reason that asked for this call, a JSON array.
    pub reasons: String,
    /// `due`, `done`, `failed` or `cancelled`.
    pub state: String,
    /// While open: what it is about (unique among open tasks).
    pub open_key: Option<String>,
    /// When its cause happened (naive UTC).
    pub started_at: NaiveDateTime,
    /// The due without survey pauses (naive UTC).
    pub nominal_due_at: NaiveDateTime,
    /// The due (naive UTC).
    pub due_at: NaiveDateTime,
    /// Who calls.
    pub assignee_id: Option<String>,
    /// Attempts made.
    pub attempts: i64,
    /// When the next attempt is planned, after one that did not reach the customer.
    pub next_attempt_at: Option<NaiveDateTime>,
    /// When it was done, failed or cancelled (naive UTC).
    pub finished_at: Option<NaiveDateTime>,
    /// When it was made (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl CallbackTask {
    /// Every reason that asked for this call.
    pub fn reasons(&self) -> Vec<CallbackReason> {
        let codes: Vec<String> = serde_json::from_str(&self.reasons).unwrap_or_default();
        codes.into_iter().filter_map(|c| CallbackReason::try_from(c).ok()).collect()
    }

    /// Where it stands.
    pub fn state(&self) -> CallbackState {
        CallbackState::try_from(self.state.clone()).unwrap_or(CallbackState::Due)
    }
}

/// A reassignment; `None` leaves it.
#[derive(Debug, Clone, Default, AsChangeset, Serialize)]
#[diesel(table_name = callback_tasks)]
pub struct CallbackTaskChanges {
    /// Who calls now.
    pub assignee_id: Option<String>,
}

impl Audited for CallbackTaskChanges {
    fn check(&self, conn: &mut DbConnection, write: &Scope) -> Result<(), StoreError> {
        if let Some(user) = &self.assignee_id
            && !crate::complaints::is_active_member(conn, user, &write.group_id)?
        {
            return Err(StoreError::Invalid {
                field: "assignee_id".into(),
                message: "no such active user in the group".into(),
            });
        }
        Ok(())
    }
}

/// Reassigns a task visible under `read` and within `write`, if still at `expected`.
pub use self::update as reassign;

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct CallbackFilter {
    /// Only this user's tasks.
    pub assignee_id: Option<String>,
    /// Only tasks in this state.
    pub state: Option<CallbackState>,
    /// Only this project's.
    pub project_id: Option<String>,
    /// Only this complaint's.
    pub complaint_id: Option<String>,
    /// Only this customer's.
    pub customer_id: Option<String>,
    /// Only those with this reason among theirs.
    pub reason: Option<CallbackReason>,
    /// Only those due before this instant.
    pub due_before: Option<DateTime<Utc>>,
}

/// A page of the tasks within reach.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &CallbackFilter,
    req: &ListRequest,
) -> Result<Page<CallbackTask>, StoreError> {
    let query = || {
        let mut q = callback_tasks::table.filter(within(scope)).into_boxed();
        if let Some(a) = &filter.assignee_id {
            q = q.filter(callback_tasks::assignee_id.eq(a.clone()));
        }
        if let Some(s) = filter.state {
            q = q.filter(callback_tasks::state.eq(s.as_str()));
        }
        if let Some(p) = &filter.project_id {
            q = q.filter(callback_tasks::project_id.eq(p.clone()));
        }
        if let Some(c) = &filter.complaint_id {
            q = q.filter(callback_tasks::complaint_id.eq(c.clone()));
        }
        if let Some(c) = &filter.customer_id {
            q = q.filter(callback_tasks::customer_id.eq(c.clone()));
        }
        if let Some(r) = filter.reason {
            q = q.filter(callback_tasks::reasons.like(format!("%\"{}\"%", r.as_str())));
        }
        if let Some(before) = filter.due_before {
            q = q.filter(callback_tasks::due_at.lt(to_db(before)));
        }
        q
    };
    page!(conn.raw(), callback_tasks, query, CallbackTask, req)
}

/// What asks for a call: made into a task, or joined to the open task with the same key.
#[derive(Debug, Clone)]
pub(crate) struct Need {
    /// Group, company, project.
    pub(crate) place: (String, String, String),
    /// The complaint, customer and unit it is about.
    pub(crate) about: (Option<String>, Option<String>, Option<String>),
    /// Why.
    pub(crate) reason: CallbackReason,
    /// When the cause happened, its due without and with survey pauses.
    pub(crate) times: (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>),
    /// Who calls.
    pub(crate) assignee: Option<String>,
    /// Whether the assignee is the one R-CB-2 names (it replaces another on joining).
    pub(crate) assignee_wins: bool,
    /// What it is about while open.
    pub(crate) key: String,
}

/// The instant a local date (China time) begins.
pub(crate) fn day_start(date: chrono::NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// The open-task key of a complaint's callback (R-T-6, R-CB-2, R-CB-1 share it).
pub(crate) fn complaint_key(complaint_id: &str) -> String {
    format!("complaint:{complaint_id}")
}

/// Makes the task `need` asks for, or joins it to the open task with its key: the earliest due
/// wins (with its reason), the reasons are kept together. The task's id.
pub(crate) fn need(
    conn: &mut DbConnection,
    need: &Need,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let open: Option<CallbackTask> = callback_tasks::table
        .filter(callback_tasks::open_key.eq(&need.key))
        .select(CallbackTask::as_select())
        .first(conn)
        .optional()?;
    let (started, nominal, due) = need.times;
    let Some(task) = open else {
        let id = new_id();
        let (group, company, project) = &need.place;
        let (complaint, customer, unit) = &need.about;
        let reasons = serde_json::json!([need.reason.as_str()]).to_string();
        diesel::insert_into(callback_tasks::table)
            .values((
                crate::kit::new_row!(callback_tasks, &id, now),
                (callback_tasks::group_id.eq(group), callback_tasks::company_id.eq(company)),
                callback_tasks::project_id.eq(project),
                callback_tasks::complaint_id.eq(complaint),
                (callback_tasks::customer_id.eq(customer), callback_tasks::unit_id.eq(unit)),
                callback_tasks::reason.eq(need.reason.as_str()),
                callback_tasks::reasons.eq(reasons),
                callback_tasks::state.eq(CallbackState::Due.as_str()),
                callback_tasks::open_key.eq(&need.key),
                callback_tasks::started_at.eq(to_db(started)),
                callback_tasks::nominal_due_at.eq(to_db(nominal)),
                callback_tasks::due_at.eq(to_db(due)),
                callback_tasks::assignee_id.eq(&need.assignee),
                callback_tasks::attempts.eq(0_i64),
            ))
            .execute(conn)?;
        return Ok(id);
    };
    let mut reasons = task.reasons();
    if !reasons.contains(&need.reason) {
        reasons.push(need.reason);
    }
    let codes: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
    let earlier = to_db(due) < task.due_at;
    let assignee = match (&need.assignee, need.assignee_wins) {
        (Some(a), true) => Some(a.clone()),
        _ => task.assignee_id.clone().or_else(|| need.assignee.clone()),
    };
    let changed = diesel::update(
        callback_tasks::table
            .filter(callback_tasks::id.eq(&task.id))
            .filter(callback_tasks::version.eq(task.version)),
    )
    .set((
        callback_tasks::reasons.eq(serde_json::json!(codes).to_string()),
        callback_tasks::reason.eq(if earlier {
            need.reason.as_str()
        } else {
            task.reason.as_str()
        }),
        callback_tasks::due_at.eq(if earlier { to_db(due) } else { task.due_at }),
        callback_tasks::nominal_due_at.eq(if earlier {
            to_db(nominal)
        } else {
            task.nominal_due_at
        }),
        callback_tasks::assignee_id.eq(assignee),
        callback_tasks::updated_at.eq(to_db(now)),
        callback_tasks::version.eq(callback_tasks::version + 1),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::StaleVersion { current: task.version });
    }
    Ok(task.id)
}

/// Ends the open tasks about `complaint_id` in `state` (a callback recorded through the
/// complaint itself: `done`; a withdrawal: `cancelled`). How many.
pub(crate) fn finish_open(
    conn: &mut DbConnection,
    key: &str,
    state: CallbackState,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(callback_tasks::table.filter(callback_tasks::open_key.eq(key)))
        .set((
            callback_tasks::state.eq(state.as_str()),
            callback_tasks::open_key.eq(None::<String>),
            callback_tasks::next_attempt_at.eq(None::<NaiveDateTime>),
            callback_tasks::finished_at.eq(Some(to_db(now))),
            callback_tasks::updated_at.eq(to_db(now)),
            callback_tasks::version.eq(callback_tasks::version + 1),
        ))
        .execute(conn)?)
}

/// The first holder of `role` who reaches `place`, if any.
pub(crate) fn first_holder(
    conn: &mut DbConnection,
    group_id: &str,
    role: Role,
    place: &Place,
) -> Result<Option<String>, StoreError> {
    let mut holders = crate::grants::holders(conn, group_id, &[role], place)?;
    holders.sort();
    Ok(holders.into_iter().next())
}

/// What a complaint's transition asks of its callbacks, in the transition's transaction:
/// resolving it plans its callback within the policy's `callback` clock (R-T-6), the
/// customer director's for a major one (R-CB-2); closing a complaint or a repair plans the
/// node callback a week later (R-T-12); a callback that reached the customer ends the open
/// task; a withdrawal cancels it.
pub(crate) fn on_transition(
    conn: &mut DbConnection,
    complaint: &Complaint,
    (done, reached): (&Transition, bool),
    clocks: &[ClockRecord],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let key = complaint_key(&complaint.id);
    let place =
        (complaint.group_id.clone(), complaint.company_id.clone(), complaint.project_id.clone());
    let about = (Some(complaint.id.clone()), complaint.customer_id.clone(), None);
    match done.action {
        ComplaintAction::Withdraw => {
            finish_open(conn, &key, CallbackState::Cancelled, now)?;
        }
        ComplaintAction::RecordCallback if reached => {
            finish_open(conn, &key, CallbackState::Done, now)?;
        }
        _ => {}
    }
    if done.events.contains(&ev::COMPLAINT_RESOLVED) {
        let due = clocks
            .iter()
            .find(|c| c.clock == "callback" && c.run.0.is_open())
            .map(|c| c.due_at.and_utc())
            .unwrap_or(now + chrono::TimeDelta::days(1));
        let mut need = Need {
            place: place.clone(),
            about: about.clone(),
            reason: CallbackReason::Completion,
            times: (now, due, due),
            assignee: Some(complaint.callback_owner_id.clone()),
            assignee_wins: false,
            key: key.clone(),
        };
        self::need(conn, &need, now)?;
        if complaint.grade == Grade::Major {
            let director = first_holder(
                conn,
                &complaint.group_id,
                Role::CustomerDirector,
                &complaint.place(),
            )?;
            need.reason = CallbackReason::Major;
            need.assignee_wins = director.is_some();
            need.assignee = director.or(need.assignee);
            self::need(conn, &need, now)?;
        }
    }
    for (event, reason) in [
        (ev::COMPLAINT_CLOSED, CallbackReason::ComplaintClosed),
        (ev::REPAIR_CLOSED, CallbackReason::RepairClosed),
    ] {
        if done.events.contains(&event) {
            let Some((nominal, due)) =
                nodes::due(conn, &complaint.group_id, reason, now, &complaint.project_id)?
            else {
                continue;
            };
            let need = Need {
                place: place.clone(),
                about: about.clone(),
                reason,
                times: (now, nominal, due),
                assignee: Some(complaint.callback_owner_id.clone()),
                assignee_wins: false,
                key: format!("{key}:{}", reason.as_str()),
            };
            self::need(conn, &need, now)?;
        }
    }
    Ok(())
}
