//! A callback record (回访记录, R-CB-3): one call, visit, letter or e-mail on a task. One
//! transaction: the record, the task's attempt (another planned, or `failed` after the
//! policy's `callback_attempts`), and for a complaint's task the complaint's own
//! `record_callback` transition (the same code path as `POST /complaints/{id}/transitions`).
//! A dissatisfied customer (the lowest answer at or below `reopen_at_or_below`) gets his
//! complaint reopened or a new one opened, as the group's policy says, linked both ways.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    callback::{CallbackOutcome, CallbackPolicy, CallbackState, Dissatisfaction},
    complaint::{
        CallbackMethod, Command, ComplaintKind, ComplaintState, Context, FieldProblem,
        LifecycleError, SATISFACTION,
    },
    duration::SlaDuration,
    ids::UserId,
};

use super::{CallbackTask, find};
use crate::{
    audit::Actor,
    calendars,
    complaints::{
        self, Entry, TimelineActor, TransitionError,
        intake::{Intake, IntakeError, calendar_of, receive_in},
        timeline,
        transitions::take,
    },
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::Expected,
    schema::{callback_records, callback_tasks},
    scope::Scope,
    sla,
};

/// A call to record.
#[derive(Debug, Clone)]
pub struct NewRecord {
    /// How the customer was called back.
    pub method: CallbackMethod,
    /// The phone recording's reference (R-CB-3: phone callbacks are recorded).
    pub recording_ref: Option<String>,
    /// The signed record's image, for a visit (the customer signs it).
    pub signature_ref: Option<String>,
    /// Whether the customer was reached.
    pub reached: bool,
    /// Satisfaction 1 to 5 per question of the questionnaire, by question code.
    pub scores: BTreeMap<String, u8>,
    /// What the customer said.
    pub comment: Option<String>,
}

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = callback_records)]
pub struct CallbackRecord {
    /// UUIDv7.
    pub id: String,
    /// Its task.
    pub task_id: String,
    /// Its group.
    pub group_id: String,
    /// Which attempt of the task it was (1, 2, …).
    pub attempt: i64,
    /// How.
    pub method: String,
    /// The phone recording's reference.
    pub recording_ref: Option<String>,
    /// The signed record's image.
    pub signature_ref: Option<String>,
    /// Whether the customer was reached.
    pub reached: bool,
    /// The answers, a JSON object of question code to 1–5.
    pub scores: String,
    /// The lowest answer: the customer's satisfaction.
    pub satisfaction: Option<i64>,
    /// What the customer said.
    pub comment: Option<String>,
    /// What it led to.
    pub outcome: String,
    /// The complaint it was about.
    pub complaint_id: Option<String>,
    /// The complaint a dissatisfied customer's point became.
    pub new_complaint_id: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (naive UTC).
    pub recorded_at: NaiveDateTime,
}

/// The task afterwards and the record made.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The task.
    pub task: CallbackTask,
    /// The record.
    pub record: CallbackRecord,
}

fn invalid(problems: Vec<FieldProblem>) -> TransitionError {
    TransitionError::Lifecycle(LifecycleError::Invalid(problems))
}

/// The answers' problems against the questionnaire, and the lowest answer.
fn check(new: &NewRecord, policy: &CallbackPolicy) -> Result<Option<u8>, TransitionError> {
    let mut problems = Vec::new();
    if !new.reached && !new.scores.is_empty() {
        problems.push(FieldProblem::new(
            "satisfaction",
            "not_allowed",
            "a customer who was not reached gives no satisfaction",
        ));
    }
    for (code, score) in &new.scores {
        let field = format!("satisfaction.{code}");
        if !policy.questionnaire.iter().any(|q| q.code == *code) {
            problems.push(FieldProblem::new(
                &field,
                "unknown",
                "not a question of the questionnaire",
            ));
        } else if !SATISFACTION.contains(score) {
            problems.push(FieldProblem::new(
                &field,
                "out_of_range",
                format!("must be 1 to 5, not {score}"),
            ));
        }
    }
    if new.comment.as_ref().is_some_and(|c| c.chars().count() > 2000) {
        problems.push(FieldProblem::new("comment", "too_long", "at most 2000 characters"));
    }
    if problems.is_empty() {
        Ok(new.scores.values().min().copied())
    } else {
        Err(invalid(problems))
    }
}

/// Records a call on a task visible under `read` (checks: 404, then 412 against `expected`,
/// 409 unless the task is `due`, 422 for the answers, 403 unless `write` reaches it).
pub fn record(
    conn: &mut Conn,
    (read, write): (&Scope, Option<&Scope>),
    id: &str,
    expected: Expected,
    new: &NewRecord,
    now: DateTime<Utc>,
) -> Result<Recorded, TransitionError> {
    transaction(conn.raw(), |conn| {
        let task = find(conn, read, id)?;
        if let Expected::Version(v) = expected
            && v != task.version
        {
            return Err(StoreError::StaleVersion { current: task.version }.into());
        }
        if task.state() != CallbackState::Due {
            let message = format!("the callback task is {}: nothing more to record", task.state);
            return Err(StoreError::Conflict(message).into());
        }
        let policy = sla::current(conn, Some(&task.group_id))?.ok_or(StoreError::NotFound)?;
        let policy = policy.policy.0.callbacks;
        let satisfaction = check(new, &policy)?;
        let write = write.ok_or(StoreError::Forbidden)?;
        write.require(&super::place(&task))?;
        let attempt = task.attempts + 1;
        let (state, next_attempt) = if new.reached {
            (CallbackState::Done, None)
        } else if attempt >= i64::from(policy.callback_attempts) {
            (CallbackState::Failed, None)
        } else {
            let calendar = calendar_of(conn, &task.project_id, &task.group_id)?;
            let calendar = calendars::load_any(conn, calendar.as_str())?;
            let one_day: SlaDuration =
                "1WD".parse().map_err(|_| StoreError::Corrupt("1WD".into()))?;
            let next = calendar
                .add(now, &one_day)
                .map_err(|e| StoreError::Corrupt(format!("calendar: {e}")))?;
            (CallbackState::Due, Some(next.at))
        };
        let finished = state != CallbackState::Due;
        let changed = diesel::update(
            callback_tasks::table
                .filter(callback_tasks::id.eq(id))
                .filter(callback_tasks::version.eq(task.version)),
        )
        .set((
            callback_tasks::state.eq(state.as_str()),
            callback_tasks::open_key.eq(if finished { None } else { task.open_key.clone() }),
            callback_tasks::attempts.eq(attempt),
            callback_tasks::next_attempt_at.eq(next_attempt.map(to_db)),
            callback_tasks::finished_at.eq(finished.then(|| to_db(now))),
            callback_tasks::updated_at.eq(to_db(now)),
            callback_tasks::version.eq(callback_tasks::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::StaleVersion { current: task.version }.into());
        }
        let record_id = new_id();
        let (outcome, new_complaint) = match &task.complaint_id {
            Some(complaint) => on_complaint(
                conn,
                (read, write),
                (&task, complaint, &record_id),
                (new, satisfaction, &policy),
                now,
            )?,
            None if new.reached => (CallbackOutcome::Recorded, None),
            None => (CallbackOutcome::NotReached, None),
        };
        let (_, by) = write.actor().parts();
        let scores = serde_json::to_string(&new.scores).unwrap_or_else(|_| "{}".into());
        diesel::insert_into(callback_records::table)
            .values((
                callback_records::id.eq(&record_id),
                callback_records::task_id.eq(id),
                callback_records::group_id.eq(&task.group_id),
                callback_records::attempt.eq(attempt),
                callback_records::method.eq(new.method.as_str()),
                callback_records::recording_ref.eq(&new.recording_ref),
                callback_records::signature_ref.eq(&new.signature_ref),
                callback_records::reached.eq(new.reached),
                callback_records::scores.eq(scores),
                callback_records::satisfaction.eq(satisfaction.map(i64::from)),
                callback_records::comment.eq(&new.comment),
                callback_records::outcome.eq(outcome.as_str()),
                callback_records::complaint_id.eq(&task.complaint_id),
                callback_records::new_complaint_id.eq(&new_complaint),
                callback_records::recorded_by.eq(by),
                callback_records::recorded_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        let told = serde_json::json!({
            "record_id": record_id, "attempt": attempt, "reached": new.reached,
            "satisfaction": satisfaction, "outcome": outcome, "state": state,
            "new_complaint_id": new_complaint,
        });
        let place = super::place(&task);
        write.audit(
            conn,
            now,
            "callback_task.recorded",
            ("callback_task", id),
            &place,
            told.clone(),
        )?;
        crate::outbox::enqueue(
            conn,
            (&task.group_id, "callback.recorded"),
            &place,
            ("callback_task", id),
            &told,
            now,
        )?;
        let task = find(conn, read, id)?;
        let record = callback_records::table
            .find(&record_id)
            .select(CallbackRecord::as_select())
            .first(conn)?;
        Ok(Recorded { task, record })
    })
}

/// What a record does to its complaint: `record_callback` while it is `resolved` (reopening
/// it when the policy says so); a dissatisfied customer of a closed complaint gets it
/// reopened or a new complaint; otherwise (a progress call of the Monday sample) a timeline
/// entry. Every outcome is on the complaint's timeline with the task and record ids.
fn on_complaint(
    conn: &mut DbConnection,
    (read, write): (&Scope, &Scope),
    (task, complaint_id, record_id): (&CallbackTask, &str, &str),
    (new, satisfaction, policy): (&NewRecord, Option<u8>, &CallbackPolicy),
    now: DateTime<Utc>,
) -> Result<(CallbackOutcome, Option<String>), TransitionError> {
    let complaint = complaints::find(conn, read, complaint_id)?;
    let dissatisfied = new.reached && satisfaction.is_some_and(|s| s <= policy.reopen_at_or_below);
    let reopen = policy.on_dissatisfaction == Dissatisfaction::Reopen;
    let mut outcome =
        if new.reached { CallbackOutcome::Recorded } else { CallbackOutcome::NotReached };
    let mut new_complaint = None;
    match complaint.state {
        ComplaintState::Resolved => {
            let command = Command::RecordCallback {
                method: new.method,
                reached: new.reached,
                satisfaction,
                comment: new.comment.clone(),
            };
            let ctx = Context {
                reopen_on_dissatisfaction: reopen,
                dissatisfied_at_or_below: policy.reopen_at_or_below,
            };
            let (_, done) = take(
                conn,
                (read, Some(write)),
                complaint_id,
                Expected::Any,
                (&command, Some(ctx)),
                now,
            )?;
            if new.reached {
                outcome = if done.to == ComplaintState::Investigating {
                    CallbackOutcome::Reopened
                } else {
                    CallbackOutcome::CalledBack
                };
            }
        }
        ComplaintState::CalledBack | ComplaintState::Archived if dissatisfied && reopen => {
            let reason = format!("回访不满意（满意度 {}）", satisfaction.unwrap_or_default());
            let command = Command::Reopen { reason };
            take(conn, (read, Some(write)), complaint_id, Expected::Any, (&command, None), now)?;
            outcome = CallbackOutcome::Reopened;
        }
        _ => {}
    }
    let closed = !complaint.state.is_open() && complaint.state != ComplaintState::Withdrawn;
    if dissatisfied && !reopen && closed {
        new_complaint =
            Some(open_new(conn, (read, write), &complaint, (task, record_id), new, now)?);
        outcome = CallbackOutcome::NewComplaint;
    }
    let (kind, id) = write.actor().parts();
    let entry = Entry {
        kind: "callback",
        action: Some(outcome.as_str()),
        states: (None, None),
        payload: serde_json::json!({
            "callback_task_id": task.id, "callback_record_id": record_id,
            "reason": task.reason, "method": new.method, "reached": new.reached,
            "satisfaction": satisfaction, "outcome": outcome, "new_complaint_id": new_complaint,
        }),
    };
    timeline(conn, complaint_id, TimelineActor { kind, id }, entry, now)?;
    Ok((outcome, new_complaint))
}

/// Opens the dissatisfied customer's point as a new complaint of the same project, customer
/// and unit, received by the caller, linked to the old one on its timeline.
fn open_new(
    conn: &mut DbConnection,
    (read, write): (&Scope, &Scope),
    old: &complaints::Complaint,
    (task, record_id): (&CallbackTask, &str),
    new: &NewRecord,
    now: DateTime<Utc>,
) -> Result<String, TransitionError> {
    let Actor::User(receiver) = write.actor() else {
        return Err(StoreError::Forbidden.into());
    };
    let said = new.comment.clone().filter(|c| !c.trim().is_empty());
    let intake = Intake {
        kind: ComplaintKind::Complaint,
        channel: kefu_domain::complaint::Channel::Phone,
        project_id: old.project_id.clone(),
        customer_id: old.customer_id.clone().map(Into::into),
        warning_source: None,
        unit_id: old.unit_id.clone(),
        category: old.category.0,
        description: format!(
            "回访不满意（原投诉 {}）：{}",
            old.number,
            said.unwrap_or_else(|| "客户对处理结果不满意".into())
        ),
        amount_claimed_fen: 0,
        flags: Vec::new(),
        received_at: None,
        received_by: UserId::from(receiver.clone()),
        problem_id: None,
        external: None,
        negotiated: (None, None),
    };
    let opened = receive_in(conn, (read, write), &intake, now).map_err(|e| match e {
        IntakeError::Invalid(problems) => invalid(problems),
        IntakeError::Store(e) => e.into(),
    })?;
    let system = TimelineActor { kind: "system", id: None };
    let entry = Entry {
        kind: "callback",
        action: Some("opened_from_callback"),
        states: (None, None),
        payload: serde_json::json!({
            "from_complaint_id": old.id, "from_number": old.number,
            "callback_task_id": task.id, "callback_record_id": record_id,
        }),
    };
    timeline(conn, &opened.id, system, entry, now)?;
    Ok(opened.id)
}

/// A task's records, oldest first (the task itself must be visible).
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    task_id: &str,
) -> Result<Vec<CallbackRecord>, StoreError> {
    let conn = conn.raw();
    find(conn, scope, task_id)?;
    Ok(callback_records::table
        .filter(callback_records::task_id.eq(task_id))
        .order((callback_records::recorded_at.asc(), callback_records::id.asc()))
        .select(CallbackRecord::as_select())
        .load(conn)?)
}
