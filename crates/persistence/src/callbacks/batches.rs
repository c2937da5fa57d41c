//! The Monday batch (周回访, R-CB-1): on the first working day of each week, a callback task for
//! every complaint received the week before and for a sample of those still in progress
//! (`weekly_sample_percent`, 20 % by default, rounded up). The sample is reproducible: the
//! batch stores its seed and the ids it chose, and the same seed over the same complaints
//! chooses the same ones. The batch's items are its tracking list. A complaint that already
//! has an open callback task gets the batch's reason joined to it (the earliest due wins).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Asia::Shanghai;
use diesel::prelude::*;
use kefu_domain::{
    access::Role,
    callback::{CallbackReason, batch_week, sample},
    complaint::{ComplaintKind, ComplaintState, Grade},
};
use serde::Serialize;

use super::{CallbackTask, Need, complaint_key, first_holder, need};
use crate::{
    audit::{Acting, Event},
    calendars,
    complaints::{self, Complaint},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{ListRequest, Page, page},
    schema::{callback_batch_items, callback_batches, callback_tasks, complaints as rows, groups},
    scope::{Filter, Place, Scope},
    sla,
};

/// A stored batch.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = callback_batches)]
pub struct Batch {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// The Monday of its week.
    pub week_of: String,
    /// The day it ran for (the week's first working day).
    pub run_on: String,
    /// The first day of the week of receipts it covers.
    pub period_start: String,
    /// Its last day (inclusive).
    pub period_end: String,
    /// The sample's seed (a 64-bit number, as text).
    pub seed: String,
    /// The share sampled, in percent.
    pub sample_percent: i64,
    /// How many complaints were in progress (the sample's population).
    pub in_progress: i64,
    /// The sampled complaint ids, a JSON array.
    pub sample_ids: String,
    /// Who asked for it (`None`: the periodic job).
    pub created_by: Option<String>,
    /// When it was made (naive UTC).
    pub created_at: NaiveDateTime,
}

impl Batch {
    /// The sampled complaint ids.
    pub fn sample_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.sample_ids).unwrap_or_default()
    }
}

/// One line of a batch's tracking list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItem {
    /// The complaint.
    pub complaint_id: String,
    /// Its number.
    pub number: String,
    /// Whether it was sampled (in progress) rather than received last week.
    pub sampled: bool,
    /// The task that calls back (this batch's or the one it joined).
    pub task: CallbackTask,
}

/// A batch and its tracking list (the items within the reader's reach).
#[derive(Debug, Clone)]
pub struct BatchWithItems {
    /// The batch.
    pub batch: Batch,
    /// Its tracking list.
    pub items: Vec<BatchItem>,
}

/// A batch to make.
#[derive(Debug, Clone, Copy)]
pub struct BatchRequest {
    /// Any date of the batch's week (`None`: this week).
    pub week_of: Option<NaiveDate>,
    /// The sample's seed (`None`: a random one).
    pub seed: Option<u64>,
    /// Only show what the batch would hold; store nothing.
    pub dry_run: bool,
}

fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Shanghai).date_naive()
}

fn start_of(date: NaiveDate) -> NaiveDateTime {
    super::day_start(date).naive_utc()
}

fn random_seed() -> u64 {
    // The random bits of a UUIDv7.
    (uuid::Uuid::now_v7().as_u128() & u128::from(u64::MAX)) as u64
}

/// Makes the batch of a week for the caller's group (group-wide reach), or answers 409 when
/// the week has one. With `dry_run` nothing is stored and the batch's id is empty.
pub fn run(
    conn: &mut Conn,
    scope: &Scope,
    req: BatchRequest,
    now: DateTime<Utc>,
) -> Result<BatchWithItems, StoreError> {
    scope.require_group()?;
    transaction(conn.raw(), |conn| {
        let date = req.week_of.unwrap_or_else(|| local_date(now));
        let (_, by) = scope.actor().parts();
        let made = make(conn, &scope.group_id, date, (req.seed, by), req.dry_run, now)?;
        let batch = made.ok_or_else(|| {
            StoreError::Conflict(
                "the week has its batch: read it at /api/v1/callbacks/batches".into(),
            )
        })?;
        if !req.dry_run {
            let payload = serde_json::json!({
                "week_of": batch.batch.week_of, "seed": batch.batch.seed,
                "items": batch.items.len(), "sampled": batch.batch.sample_ids().len(),
            });
            scope.audit(
                conn,
                now,
                "callback_batch.created",
                ("callback_batch", &batch.batch.id),
                &Place::group(),
                payload,
            )?;
        }
        Ok(batch)
    })
}

/// The periodic job: every group whose week's batch day has come and that has no batch for
/// this week (nor for last week, when a week without working days rolled into this one) gets
/// it. How many batches were made.
pub fn run_due(conn: &mut Conn, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let ids: Vec<String> =
        groups::table.select(groups::id).order(groups::id.asc()).load(conn.raw())?;
    let today = local_date(now);
    let mut made = 0;
    for group in ids {
        for date in [today - chrono::Days::new(7), today] {
            let one = transaction(conn.raw(), |conn| {
                let Some(calendar) = calendars::default_of(conn, Some(&group))? else {
                    return Ok(0);
                };
                let calendar = calendars::load_any(conn, &calendar)?;
                let week =
                    batch_week(&calendar, date).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                // Last week only when it had no working day and rolled into this one.
                let rolled = week.run_on >= week.week_of + chrono::Days::new(7);
                let late = date < today && !rolled;
                if late || week.run_on > today || exists(conn, &group, week.week_of)? {
                    return Ok(0);
                }
                let Some(batch) = make(conn, &group, date, (None, None), false, now)? else {
                    return Ok(0);
                };
                let payload = serde_json::json!({
                    "week_of": batch.batch.week_of, "seed": batch.batch.seed, "items": batch.items.len(),
                });
                let subject = ("callback_batch", batch.batch.id.as_str());
                let event = Event {
                    at: now,
                    action: "callback_batch.created",
                    subject,
                    group: Some(&group),
                    place: &Place::group(),
                    payload,
                };
                Acting::system().record(conn, event)?;
                Ok::<_, StoreError>(1)
            });
            // Another node made it at the same moment: the unique week holds.
            made += match one {
                Err(StoreError::Conflict(_)) => 0,
                other => other?,
            };
        }
    }
    Ok(made)
}

fn exists(conn: &mut DbConnection, group: &str, week_of: NaiveDate) -> Result<bool, StoreError> {
    let n: i64 = callback_batches::table
        .filter(callback_batches::group_id.eq(group))
        .filter(callback_batches::week_of.eq(week_of.to_string()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The batch of the week of `date` for `group`, made (or only computed, `dry_run`, whether
/// or not the week has one); `None` when the week has one already.
fn make(
    conn: &mut DbConnection,
    group: &str,
    date: NaiveDate,
    (seed, by): (Option<u64>, Option<&str>),
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Option<BatchWithItems>, StoreError> {
    let calendar = calendars::default_of(conn, Some(group))?.ok_or(StoreError::NotFound)?;
    let calendar = calendars::load_any(conn, &calendar)?;
    let week = batch_week(&calendar, date).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if !dry_run && exists(conn, group, week.week_of)? {
        return Ok(None);
    }
    let policy = sla::current(conn, Some(group))?.ok_or(StoreError::NotFound)?;
    let percent = policy.policy.0.callbacks.weekly_sample_percent;
    let seed = seed.unwrap_or_else(random_seed);
    let (from, until) = (start_of(week.period_start), start_of(week.week_of));
    let of_group = || {
        rows::table
            .filter(rows::group_id.eq(group.to_owned()))
            .filter(rows::kind.eq(ComplaintKind::Complaint.as_str()))
            .select(Complaint::as_select())
    };
    let received: Vec<Complaint> = of_group()
        .filter(rows::received_at.ge(from))
        .filter(rows::received_at.lt(until))
        .filter(rows::state.ne(ComplaintState::Withdrawn.as_str()))
        .order(rows::id.asc())
        .load(conn)?;
    let closed = ["resolved", "called_back", "archived", "withdrawn"];
    let in_progress: Vec<Complaint> = of_group()
        .filter(rows::received_at.lt(from))
        .filter(rows::state.ne_all(closed))
        .order(rows::id.asc())
        .load(conn)?;
    let pool: Vec<String> = in_progress.iter().map(|c| c.id.clone()).collect();
    let chosen = sample(&pool, seed, percent);
    let due = calendar
        .end_of_working_hours(week.run_on)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?
        .unwrap_or(now);
    let id = if dry_run { String::new() } else { new_id() };
    let batch = Batch {
        id: id.clone(),
        group_id: group.to_owned(),
        week_of: week.week_of.to_string(),
        run_on: week.run_on.to_string(),
        period_start: week.period_start.to_string(),
        period_end: week.period_end.to_string(),
        seed: seed.to_string(),
        sample_percent: i64::from(percent),
        in_progress: pool.len() as i64,
        sample_ids: serde_json::json!(chosen).to_string(),
        created_by: by.map(str::to_owned),
        created_at: to_db(now),
    };
    let picked = received
        .into_iter()
        .map(|c| (c, false))
        .chain(in_progress.into_iter().filter(|c| chosen.contains(&c.id)).map(|c| (c, true)));
    let mut items = Vec::new();
    if !dry_run {
        diesel::insert_into(callback_batches::table)
            .values((
                callback_batches::id.eq(&id),
                callback_batches::group_id.eq(group),
                callback_batches::week_of.eq(&batch.week_of),
                callback_batches::run_on.eq(&batch.run_on),
                callback_batches::period_start.eq(&batch.period_start),
                callback_batches::period_end.eq(&batch.period_end),
                callback_batches::seed.eq(&batch.seed),
                callback_batches::sample_percent.eq(batch.sample_percent),
                callback_batches::in_progress.eq(batch.in_progress),
                callback_batches::sample_ids.eq(&batch.sample_ids),
                callback_batches::created_by.eq(by),
                callback_batches::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    for (complaint, sampled) in picked {
        let task = if dry_run {
            planned(&complaint, sampled, due, now)
        } else {
            let task_id = batch_task(conn, &complaint, sampled, due, now)?;
            diesel::insert_into(callback_batch_items::table)
                .values((
                    callback_batch_items::batch_id.eq(&id),
                    callback_batch_items::complaint_id.eq(&complaint.id),
                    callback_batch_items::task_id.eq(&task_id),
                    callback_batch_items::sampled.eq(sampled),
                ))
                .execute(conn)?;
            callback_tasks::table.find(&task_id).select(CallbackTask::as_select()).first(conn)?
        };
        items.push(BatchItem {
            complaint_id: complaint.id.clone(),
            number: complaint.number.clone(),
            sampled,
            task,
        });
    }
    Ok(Some(BatchWithItems { batch, items }))
}

/// The reason a batch calls a complaint back for.
fn reason_of(sampled: bool) -> CallbackReason {
    if sampled { CallbackReason::WeeklySample } else { CallbackReason::Weekly }
}

/// The batch's task for a complaint, made or joined to its open one.
fn batch_task(
    conn: &mut DbConnection,
    complaint: &Complaint,
    sampled: bool,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let director = if complaint.grade == Grade::Major {
        first_holder(conn, &complaint.group_id, Role::CustomerDirector, &complaint.place())?
    } else {
        None
    };
    let need_ = Need {
        place: (
            complaint.group_id.clone(),
            complaint.company_id.clone(),
            complaint.project_id.clone(),
        ),
        about: (Some(complaint.id.clone()), complaint.customer_id.clone(), None),
        reason: reason_of(sampled),
        times: (now, due, due),
        assignee_wins: director.is_some(),
        assignee: director.or_else(|| Some(complaint.callback_owner_id.clone())),
        key: complaint_key(&complaint.id),
    };
    need(conn, &need_, now)
}

/// The task a dry run would make (not stored: its id is empty).
fn planned(
    complaint: &Complaint,
    sampled: bool,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> CallbackTask {
    let reason = reason_of(sampled).as_str();
    CallbackTask {
        id: String::new(),
        group_id: complaint.group_id.clone(),
        company_id: complaint.company_id.clone(),
        project_id: complaint.project_id.clone(),
        complaint_id: Some(complaint.id.clone()),
        customer_id: complaint.customer_id.clone(),
        unit_id: None,
        reason: reason.to_owned(),
        reasons: serde_json::json!([reason]).to_string(),
        state: "due".into(),
        open_key: None,
        started_at: to_db(now),
        nominal_due_at: to_db(due),
        due_at: to_db(due),
        assignee_id: Some(complaint.callback_owner_id.clone()),
        attempts: 0,
        next_attempt_at: None,
        finished_at: None,
        created_at: to_db(now),
        updated_at: to_db(now),
        version: 0,
    }
}

fn of_group(scope: &Scope) -> Filter<callback_batches::table> {
    Box::new(callback_batches::group_id.eq(scope.group_id.clone()))
}

/// A page of the group's batches, oldest first.
/// Its sample cut to the complaints the reader reaches.
pub fn list(conn: &mut Conn, scope: &Scope, req: &ListRequest) -> Result<Page<Batch>, StoreError> {
    let query = || callback_batches::table.filter(of_group(scope)).into_boxed();
    let mut page = page!(conn.raw(), callback_batches, query, Batch, req)?;
    for batch in &mut page.items {
        within_reach(conn.raw(), scope, batch)?;
    }
    Ok(page)
}

/// The complaint ids among `ids` that `scope` reaches.
fn reached(
    conn: &mut DbConnection,
    scope: &Scope,
    ids: &[String],
) -> Result<std::collections::HashSet<String>, StoreError> {
    Ok(rows::table
        .filter(complaints::within(scope))
        .filter(rows::id.eq_any(ids))
        .select(rows::id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Cuts a batch's sample to the complaints the reader reaches: a project's user learns
/// nothing of other projects' complaints, not even their ids.
fn within_reach(
    conn: &mut DbConnection,
    scope: &Scope,
    batch: &mut Batch,
) -> Result<(), StoreError> {
    if scope.reach.whole_group {
        return Ok(());
    }
    let sample = batch.sample_ids();
    let seen = reached(conn, scope, &sample)?;
    let kept: Vec<&String> = sample.iter().filter(|id| seen.contains(*id)).collect();
    batch.sample_ids = serde_json::json!(kept).to_string();
    Ok(())
}

/// A batch with the items of its tracking list whose complaint the reader reaches.
pub fn get(conn: &mut Conn, scope: &Scope, id: &str) -> Result<BatchWithItems, StoreError> {
    let conn = conn.raw();
    let batch: Batch = callback_batches::table
        .filter(of_group(scope))
        .filter(callback_batches::id.eq(id))
        .select(Batch::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let lines: Vec<(String, String, bool, CallbackTask)> = callback_batch_items::table
        .inner_join(rows::table.on(rows::id.eq(callback_batch_items::complaint_id)))
        .inner_join(callback_tasks::table.on(callback_tasks::id.eq(callback_batch_items::task_id)))
        .filter(callback_batch_items::batch_id.eq(id))
        .order(callback_batch_items::complaint_id.asc())
        .select((
            callback_batch_items::complaint_id,
            rows::number,
            callback_batch_items::sampled,
            CallbackTask::as_select(),
        ))
        .load(conn)?;
    let ids: Vec<String> = lines.iter().map(|l| l.0.clone()).collect();
    let visible = reached(conn, scope, &ids)?;
    let mut batch = batch;
    within_reach(conn, scope, &mut batch)?;
    let items = lines
        .into_iter()
        .filter(|l| visible.contains(&l.0))
        .map(|(complaint_id, number, sampled, task)| BatchItem {
            complaint_id,
            number,
            sampled,
            task,
        })
        .collect();
    Ok(BatchWithItems { batch, items })
}
