//! Callbacks (回访, R-CB, R-T-6, R-T-12): the tasks that call customers back — made when a
//! complaint is resolved, for a major one by the customer director, by the Monday batch, and a
//! week or a month after the journey's nodes — and the record of each call. A record on a
//! complaint's task takes the complaint's own `record_callback` transition.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::{
    access::Permission,
    callback::{CallbackOutcome, CallbackReason, CallbackState},
    complaint::CallbackMethod,
};
use kefu_persistence::{
    Conn,
    callbacks::{
        self, CallbackFilter, CallbackTask, CallbackTaskChanges,
        batches::{self, Batch, BatchItem, BatchRequest, BatchWithItems},
        records::{self, CallbackRecord, NewRecord},
        summary,
    },
    scope::Scope,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
    time::{Day, local},
};

const READ: Permission = Permission::ComplaintsRead;
const RECORD: Permission = Permission::ComplaintsCallback;
const PLAN: Permission = Permission::CallbacksPlan;

/// A callback task as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ad0c1-0000-7000-8000-000000000101", "reason": "completion",
    "reasons": ["completion"], "state": "due", "due_at": "2026-10-05T17:00:00+08:00",
    "nominal_due_at": "2026-10-05T17:00:00+08:00", "started_at": "2026-09-30T17:00:00+08:00",
    "complaint_id": "019ad0b0-0000-7000-8000-000000000091", "customer_id": "019ab2f7-4444-7000-8000-000000000061",
    "unit_id": null, "company_id": "019ab2f1-0000-7000-8000-000000000011",
    "project_id": "019ab2f2-0000-7000-8000-000000000021", "assignee": "019ab2f0-0000-7000-8000-000000000003",
    "assignee_id": "019ab2f0-0000-7000-8000-000000000003", "attempts": 0, "attempts_allowed": 3,
    "next_attempt_at": null, "finished_at": null, "created_at": "2026-09-30T17:00:00+08:00",
    "updated_at": "2026-09-30T17:00:00+08:00", "version": 1}))]
pub struct CallbackView {
    /// UUIDv7.
    pub id: String,
    /// Why the customer is called: the reason with the earliest due.
    pub reason: CallbackReason,
    /// Every reason that asked for this call (R-T-6, R-CB-2 and the Monday batch share one task).
    pub reasons: Vec<CallbackReason>,
    /// `due`, `done`, `failed` or `cancelled`.
    pub state: CallbackState,
    /// By when (a node callback's due moved by the survey periods it spans, R-CB-4).
    pub due_at: DateTime<FixedOffset>,
    /// The due without survey pauses.
    pub nominal_due_at: DateTime<FixedOffset>,
    /// When its cause happened.
    pub started_at: DateTime<FixedOffset>,
    /// The complaint it calls back about.
    pub complaint_id: Option<String>,
    /// The customer called.
    pub customer_id: Option<String>,
    /// The unit (a contract's callback).
    pub unit_id: Option<String>,
    /// The company.
    pub company_id: String,
    /// The project.
    pub project_id: String,
    /// Who calls (a user id).
    pub assignee: Option<String>,
    /// The same, by the house's naming.
    pub assignee_id: Option<String>,
    /// Attempts made.
    pub attempts: i64,
    /// Attempts the policy allows before the task fails (`callback_attempts`).
    pub attempts_allowed: i64,
    /// When the next attempt is planned, after one that did not reach the customer.
    pub next_attempt_at: Option<DateTime<FixedOffset>>,
    /// When it was done, failed or cancelled.
    pub finished_at: Option<DateTime<FixedOffset>>,
    /// When it was made.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

fn view(t: CallbackTask, attempts_allowed: i64) -> CallbackView {
    CallbackView {
        reason: CallbackReason::try_from(t.reason.clone()).unwrap_or(CallbackReason::Completion),
        reasons: t.reasons(),
        state: t.state(),
        due_at: local(t.due_at),
        nominal_due_at: local(t.nominal_due_at),
        started_at: local(t.started_at),
        assignee: t.assignee_id.clone(),
        assignee_id: t.assignee_id,
        next_attempt_at: t.next_attempt_at.map(local),
        finished_at: t.finished_at.map(local),
        created_at: local(t.created_at),
        updated_at: local(t.updated_at),
        id: t.id,
        complaint_id: t.complaint_id,
        customer_id: t.customer_id,
        unit_id: t.unit_id,
        company_id: t.company_id,
        project_id: t.project_id,
        attempts: t.attempts,
        attempts_allowed,
        version: t.version,
    }
}

page_type!(CallbackPage, CallbackView, "A page of callback tasks.");

/// One call, visit, letter or e-mail (R-CB-3).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ad0c1-1111-7000-8000-000000000102", "task_id": "019ad0c1-0000-7000-8000-000000000101",
    "attempt": 1, "method": "phone", "recording_ref": "rec-20261005-0931", "signature_ref": null,
    "reached": true, "satisfaction": {"overall": 2, "timeliness": 3}, "lowest": 2,
    "comment": "维修后仍渗水", "outcome": "reopened", "complaint_id": "019ad0b0-0000-7000-8000-000000000091",
    "new_complaint_id": null, "recorded_by": "019ab2f0-0000-7000-8000-000000000003",
    "recorded_at": "2026-10-05T09:31:00+08:00"}))]
pub struct RecordView {
    /// UUIDv7.
    pub id: String,
    /// Its task.
    pub task_id: String,
    /// Which attempt of the task.
    pub attempt: i64,
    /// How.
    pub method: CallbackMethod,
    /// The phone recording's reference.
    pub recording_ref: Option<String>,
    /// The signed record's image (a visit).
    pub signature_ref: Option<String>,
    /// Whether the customer was reached.
    pub reached: bool,
    /// The answers, 1 to 5 by question code.
    pub satisfaction: BTreeMap<String, u8>,
    /// The lowest answer: the customer's satisfaction, which decides a reopening.
    pub lowest: Option<i64>,
    /// What the customer said.
    pub comment: Option<String>,
    /// What it led to.
    pub outcome: CallbackOutcome,
    /// The complaint it was about (its timeline has the record's id).
    pub complaint_id: Option<String>,
    /// The new complaint a dissatisfied customer's point became.
    pub new_complaint_id: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When.
    pub recorded_at: DateTime<FixedOffset>,
}

impl From<CallbackRecord> for RecordView {
    fn from(r: CallbackRecord) -> Self {
        Self {
            method: CallbackMethod::try_from(r.method.clone()).unwrap_or(CallbackMethod::Phone),
            satisfaction: serde_json::from_str(&r.scores).unwrap_or_default(),
            outcome: CallbackOutcome::try_from(r.outcome.clone())
                .unwrap_or(CallbackOutcome::Recorded),
            recorded_at: local(r.recorded_at),
            id: r.id,
            task_id: r.task_id,
            attempt: r.attempt,
            recording_ref: r.recording_ref,
            signature_ref: r.signature_ref,
            reached: r.reached,
            lowest: r.satisfaction,
            comment: r.comment,
            complaint_id: r.complaint_id,
            new_complaint_id: r.new_complaint_id,
            recorded_by: r.recorded_by,
        }
    }
}

/// A task with its records, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallbackDetail {
    /// The task.
    #[serde(flatten)]
    pub task: CallbackView,
    /// Its records.
    pub records: Vec<RecordView>,
}

/// The record made and its task afterwards.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedView {
    /// The task (`done`, still `due` with the next attempt planned, or `failed`).
    pub task: CallbackView,
    /// The record.
    pub record: RecordView,
}

/// A satisfaction: one number (the answer to the questionnaire's first question) or one
/// per question code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum SatisfactionBody {
    /// The answer to the first question (`overall` by default), 1 to 5.
    Overall(i64),
    /// 1 to 5 per question code of the policy's questionnaire.
    PerQuestion(BTreeMap<String, i64>),
}

/// A call to record.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"method": "phone", "recording_ref": "rec-20261005-0931", "reached": true,
    "satisfaction": {"overall": 2, "timeliness": 3, "attitude": 4, "result": 2},
    "comment": "维修后仍渗水"}))]
pub struct RecordBody {
    /// How: `phone` (with its recording), `visit` or `on_site` (with the customer's signed
    /// record), `letter`, `email`.
    pub method: CallbackMethod,
    /// The phone recording's reference.
    #[serde(alias = "recording", alias = "recording_url")]
    #[schema(min_length = 1, max_length = 500)]
    pub recording_ref: Option<String>,
    /// The customer's signed record: an image's reference or attachment id.
    #[serde(alias = "signature", alias = "signature_image", alias = "signature_attachment_id")]
    #[schema(min_length = 1, max_length = 500)]
    pub signature_ref: Option<String>,
    /// Whether the customer was reached; one who was not gets another attempt until the
    /// policy's `callback_attempts`.
    pub reached: bool,
    /// The customer's answers (only when reached).
    pub satisfaction: Option<SatisfactionBody>,
    /// What the customer said.
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// A reassignment.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"assignee_id": "019ab2f0-0000-7000-8000-000000000003"}))]
pub struct CallbackPatch {
    /// Who calls now: an active user of the group.
    #[schema(min_length = 1, max_length = 64)]
    pub assignee_id: Option<String>,
}

list_query!(
    /// Filters and paging of the callback tasks.
    CallbackQuery {
        /// Only this user's (a user id, or `me`).
        #[param(max_length = 64)]
        assignee: Option<String>,
        /// Only in this state.
        state: Option<CallbackState>,
        /// Only this project's.
        #[param(max_length = 64)]
        project_id: Option<String>,
        /// Only this complaint's.
        #[param(max_length = 64)]
        complaint_id: Option<String>,
        /// Only this customer's.
        #[param(max_length = 64)]
        customer_id: Option<String>,
        /// Only those with this reason among theirs.
        reason: Option<CallbackReason>,
        /// Only those due before this instant (RFC 3339, a year from 1900 to 2200).
        #[param(max_length = 40)]
        due_before: Option<String>,
    }
);

/// The attempts the caller's group allows.
fn attempts_allowed(conn: &mut Conn, scope: &Scope) -> i64 {
    kefu_persistence::sla::current_policy(conn, Some(&scope.group_id))
        .ok()
        .flatten()
        .map_or(3, |p| i64::from(p.policy.0.callbacks.callback_attempts))
}

/// The callback tasks within reach: `?assignee=me&state=due` is the caller's work list.
#[utoipa::path(tag = "callbacks", operation_id = "list_callbacks", security(("bearer" = [])),
    params(CallbackQuery),
    responses((status = 200, description = "A page of callback tasks", body = CallbackPage)))]
#[get("/api/v1/callbacks")]
pub async fn list_callbacks(
    ctx: Ctx,
    q: web::Query<CallbackQuery>,
) -> ApiResult<web::Json<CallbackPage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let assignee_id = match text_filter("assignee", q.assignee, 64)? {
        Some(me) if me == "me" => Some(ctx.caller.principal.id().to_owned()),
        other => other,
    };
    let due_before = match q.due_before.as_deref() {
        None => None,
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| ApiError::field("due_before", "invalid", "an RFC 3339 instant"))?
                .to_utc(),
        ),
    };
    let filter = CallbackFilter {
        assignee_id,
        state: q.state,
        project_id: text_filter("project_id", q.project_id, 64)?,
        complaint_id: text_filter("complaint_id", q.complaint_id, 64)?,
        customer_id: text_filter("customer_id", q.customer_id, 64)?,
        reason: q.reason,
        due_before,
    };
    let scope = ctx.caller.scope(READ)?;
    let (page, allowed) = ctx
        .run(move |conn| {
            let page = callbacks::list(conn, &scope, &filter, &req)?;
            Ok((page, attempts_allowed(conn, &scope)))
        })
        .await?;
    Ok(web::Json(CallbackPage::from_page(page, |t| view(t, allowed))))
}

/// One callback task with its records.
#[utoipa::path(tag = "callbacks", operation_id = "get_callback", security(("bearer" = [])),
    params(("id" = String, Path, description = "Callback task id")),
    responses((status = 200, description = "The task and its records; `ETag` is set", body = CallbackDetail)))]
#[get("/api/v1/callbacks/{id}")]
pub async fn get_callback(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(READ)?;
    let (task, records, allowed) = ctx
        .run(move |conn| {
            let task = callbacks::get(conn, &scope, &id)?;
            let records = records::list(conn, &scope, &id)?;
            Ok((task, records, attempts_allowed(conn, &scope)))
        })
        .await?;
    let version = task.version;
    let body = CallbackDetail {
        task: view(task, allowed),
        records: records.into_iter().map(RecordView::from).collect(),
    };
    Ok(ok(version, &body))
}

/// Reassign a callback task (with `If-Match`).
#[utoipa::path(tag = "callbacks", operation_id = "update_callback", security(("bearer" = [])),
    params(("id" = String, Path, description = "Callback task id")), request_body = CallbackPatch,
    responses((status = 200, description = "The task; new `ETag`", body = CallbackView)))]
#[patch("/api/v1/callbacks/{id}")]
pub async fn update_callback(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<CallbackPatch>,
) -> ApiResult<HttpResponse> {
    let (p, now) = (body.into_inner(), ctx.now());
    let changes = CallbackTaskChanges { assignee_id: p.assignee_id };
    let (read, write) = ctx.caller.scopes(READ, PLAN)?;
    let (task, allowed) = ctx
        .run(move |conn| {
            let task = callbacks::reassign(conn, (&read, &write), &id, if_match.0, &changes, now)?;
            Ok((task, attempts_allowed(conn, &read)))
        })
        .await?;
    Ok(ok(task.version, &view(task, allowed)))
}

/// The answers of a record, checked for range (the questionnaire is checked by the store).
fn scores(
    satisfaction: Option<SatisfactionBody>,
    overall: &str,
) -> Result<BTreeMap<String, u8>, ApiError> {
    let pairs: Vec<(String, i64)> = match satisfaction {
        None => Vec::new(),
        Some(SatisfactionBody::Overall(s)) => vec![(overall.to_owned(), s)],
        Some(SatisfactionBody::PerQuestion(map)) => map.into_iter().collect(),
    };
    let mut out = BTreeMap::new();
    for (code, score) in pairs {
        let Some(score) = u8::try_from(score).ok().filter(|s| (1..=5).contains(s)) else {
            let field = format!("satisfaction.{code}");
            return Err(ApiError::field(
                &field,
                "out_of_range",
                format!("must be 1 to 5, not {score}"),
            ));
        };
        out.insert(code, score);
    }
    Ok(out)
}

/// Record a call on a task (R-CB-3). Not reached: another attempt is planned a working day
/// later, until `callback_attempts` (then `failed`). Reached: the task is `done`; on a
/// resolved complaint the record takes its `record_callback` transition, and a satisfaction at
/// or below `reopen_at_or_below` reopens it (or opens a new complaint, as the policy says),
/// linked on both timelines. `If-Match` (the task's `ETag`) is optional.
#[utoipa::path(tag = "callbacks", operation_id = "record_callback", security(("bearer" = [])),
    params(("id" = String, Path, description = "Callback task id")), request_body = RecordBody,
    responses((status = 201, description = "Recorded; the task's new `ETag` is set", body = RecordedView)))]
#[post("/api/v1/callbacks/{id}/records")]
pub async fn record_callback(
    ctx: Ctx,
    id: web::Path<String>,
    if_match: Option<IfMatch>,
    body: Body<RecordBody>,
) -> ApiResult<HttpResponse> {
    let (b, now) = (body.into_inner(), ctx.now());
    let read = ctx.caller.scope(READ)?;
    let write = ctx.caller.scope(RECORD).ok();
    let expected = if_match.map_or(kefu_persistence::kit::Expected::Any, |m| m.0);
    let location = format!("/api/v1/callbacks/{id}");
    let (done, allowed) = ctx
        .run(move |conn| {
            let policy = kefu_persistence::sla::current_policy(conn, Some(&read.group_id))?;
            let overall = policy.map_or_else(
                || "overall".to_owned(),
                |p| p.policy.0.callbacks.overall().to_owned(),
            );
            let new = NewRecord {
                method: b.method,
                recording_ref: b.recording_ref,
                signature_ref: b.signature_ref,
                reached: b.reached,
                scores: scores(b.satisfaction, &overall)?,
                comment: b.comment,
            };
            let done = records::record(conn, (&read, write.as_ref()), &id, expected, &new, now)?;
            Ok((done, attempts_allowed(conn, &read)))
        })
        .await?;
    let version = done.task.version;
    let body = RecordedView { task: view(done.task, allowed), record: done.record.into() };
    Ok(created(location, version, &body))
}

/// A task's records, oldest first.
#[utoipa::path(tag = "callbacks", operation_id = "list_callback_records", security(("bearer" = [])),
    params(("id" = String, Path, description = "Callback task id")),
    responses((status = 200, description = "The records", body = [RecordView])))]
#[get("/api/v1/callbacks/{id}/records")]
pub async fn list_callback_records(
    ctx: Ctx,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<RecordView>>> {
    let scope = ctx.caller.scope(READ)?;
    let list = ctx.run(move |conn| Ok(records::list(conn, &scope, &id)?)).await?;
    Ok(web::Json(list.into_iter().map(RecordView::from).collect()))
}

/// A Monday batch as the API shows it (R-CB-1).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ad0c2-0000-7000-8000-000000000111", "week_of": "2026-10-05",
    "run_on": "2026-10-08", "period_start": "2026-09-28", "period_end": "2026-10-04",
    "seed": "8731944107334117891", "sample_percent": 20, "in_progress": 6,
    "sample_ids": ["019ad0b0-0000-7000-8000-000000000091", "019ad0b0-0000-7000-8000-000000000095"],
    "created_by": null, "created_at": "2026-10-08T00:00:05+08:00", "items": []}))]
pub struct BatchView {
    /// UUIDv7 (empty for a dry run).
    pub id: String,
    /// The Monday of its week.
    pub week_of: String,
    /// The day it runs for: Monday, or the week's first working day (a week without one rolls
    /// to the next working day).
    pub run_on: String,
    /// The first day of the week of receipts it covers.
    pub period_start: String,
    /// Its last day (inclusive).
    pub period_end: String,
    /// The sample's seed: the same seed over the same complaints chooses the same sample.
    pub seed: String,
    /// The share of the complaints in progress sampled, in percent (rounded up).
    pub sample_percent: i64,
    /// How many complaints were in progress (received before the period, still open).
    pub in_progress: i64,
    /// The sampled complaints.
    pub sample_ids: Vec<String>,
    /// Who asked for it (`null`: the periodic job).
    pub created_by: Option<String>,
    /// When it was made.
    pub created_at: DateTime<FixedOffset>,
    /// The tracking list (on a list page: empty).
    pub items: Vec<BatchItemView>,
}

/// One line of a batch's tracking list.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchItemView {
    /// The complaint.
    pub complaint_id: String,
    /// Its number.
    pub number: String,
    /// Sampled among those in progress (else received last week).
    pub sampled: bool,
    /// The task that calls back (the batch's, or the open task it joined).
    pub callback_id: String,
    /// The task's state.
    pub state: CallbackState,
    /// The task's due.
    pub due_at: DateTime<FixedOffset>,
    /// Who calls.
    pub assignee_id: Option<String>,
}

fn batch_view(b: Batch, items: Vec<BatchItem>) -> BatchView {
    BatchView {
        sample_ids: b.sample_ids(),
        created_at: local(b.created_at),
        id: b.id,
        week_of: b.week_of,
        run_on: b.run_on,
        period_start: b.period_start,
        period_end: b.period_end,
        seed: b.seed,
        sample_percent: b.sample_percent,
        in_progress: b.in_progress,
        created_by: b.created_by,
        items: items
            .into_iter()
            .map(|i| BatchItemView {
                state: i.task.state(),
                due_at: local(i.task.due_at),
                callback_id: i.task.id,
                assignee_id: i.task.assignee_id,
                complaint_id: i.complaint_id,
                number: i.number,
                sampled: i.sampled,
            })
            .collect(),
    }
}

fn with_items(b: BatchWithItems) -> BatchView {
    batch_view(b.batch, b.items)
}

page_type!(BatchPage, BatchView, "A page of Monday batches.");

/// A week's batch to make by hand (the periodic job of `kefu serve` makes each week's on its
/// day).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"week_of": "2026-10-05", "seed": "42"}))]
pub struct BatchBody {
    /// Any date of the week (default: this week).
    pub week_of: Option<Day>,
    /// The sample's seed, a number from 0 to 18446744073709551615 as text (default: random).
    #[schema(pattern = "^[0-9]{1,20}$")]
    pub seed: Option<String>,
    /// Only answer what the batch would hold; store nothing (200).
    #[serde(default)]
    pub dry_run: bool,
}

/// Make a week's batch (R-CB-1): a callback task for every complaint received the week before
/// and for the sample of those in progress; 409 when the week has one.
#[utoipa::path(tag = "callbacks", operation_id = "create_callback_batch", security(("bearer" = [])),
    request_body = BatchBody,
    responses((status = 201, description = "Made, with its tracking list", body = BatchView),
        (status = 200, description = "A dry run: what the batch would hold", body = BatchView)))]
#[post("/api/v1/callbacks/batches")]
pub async fn create_callback_batch(ctx: Ctx, body: Body<BatchBody>) -> ApiResult<HttpResponse> {
    let (b, now) = (body.into_inner(), ctx.now());
    let seed = match b.seed.as_deref() {
        None => None,
        Some(text) => Some(text.parse::<u64>().map_err(|_| {
            ApiError::field("seed", "invalid", "a whole number from 0 to 18446744073709551615")
        })?),
    };
    let req = BatchRequest { week_of: b.week_of.map(|d| d.0), seed, dry_run: b.dry_run };
    let scope = ctx.caller.scope(PLAN)?;
    let made = ctx.run(move |conn| Ok(batches::run(conn, &scope, req, now)?)).await?;
    if b.dry_run {
        return Ok(HttpResponse::Ok().json(with_items(made)));
    }
    let location = format!("/api/v1/callbacks/batches/{}", made.batch.id);
    Ok(created(location, 1, &with_items(made)))
}

list_query!(
    /// Paging of the batches.
    BatchQuery {}
);

/// The group's Monday batches, oldest first (without their tracking lists).
#[utoipa::path(tag = "callbacks", operation_id = "list_callback_batches", security(("bearer" = [])),
    params(BatchQuery),
    responses((status = 200, description = "A page of batches", body = BatchPage)))]
#[get("/api/v1/callbacks/batches")]
pub async fn list_callback_batches(
    ctx: Ctx,
    q: web::Query<BatchQuery>,
) -> ApiResult<web::Json<BatchPage>> {
    let req = q.list_request()?;
    let scope = ctx.caller.scope(READ)?;
    let page = ctx.run(move |conn| Ok(batches::list(conn, &scope, &req)?)).await?;
    Ok(web::Json(BatchPage::from_page(page, |b| batch_view(b, Vec::new()))))
}

/// A batch with its tracking list (the complaints within the caller's reach).
#[utoipa::path(tag = "callbacks", operation_id = "get_callback_batch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Batch id")),
    responses((status = 200, description = "The batch and its tracking list", body = BatchView)))]
#[get("/api/v1/callbacks/batches/{id}")]
pub async fn get_callback_batch(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(READ)?;
    let batch = ctx.run(move |conn| Ok(batches::get(conn, &scope, &id)?)).await?;
    Ok(ok(1, &with_items(batch)))
}

/// One question's answers in a month's pull.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionTallyView {
    /// The question's code.
    pub code: String,
    /// How many answered it.
    pub count: i64,
    /// The mean answer (1 to 5), unrounded; `null` when none answered.
    pub average: Option<f64>,
}

/// One node's month.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonTallyView {
    /// The node (R-T-12).
    pub reason: CallbackReason,
    /// Calls recorded.
    pub records: i64,
    /// Calls that reached the customer.
    pub reached: i64,
    /// Tasks done by a call of the window.
    pub done: i64,
    /// Tasks failed by a call of the window.
    pub failed: i64,
    /// The answers per question.
    pub questions: Vec<QuestionTallyView>,
}

/// The node-callback questionnaires' monthly pull (R-CB-4).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"month": "2026-11", "from": "2026-10-26", "to": "2026-11-25",
    "summary_due_on": "2026-12-10", "reasons": [{"reason": "complaint_closed", "records": 3,
    "reached": 2, "done": 2, "failed": 0, "questions": [{"code": "overall", "count": 2, "average": 4.5}]}]}))]
pub struct NodeSummaryView {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The window's first day: the 26th of the month before.
    pub from: String,
    /// Its last day: the pull day, the 25th.
    pub to: String,
    /// The monthly summary's due date: the 10th of the next month.
    pub summary_due_on: String,
    /// Per node.
    pub reasons: Vec<ReasonTallyView>,
}

/// Which month.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// The month, `YYYY-MM`.
    #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub month: String,
}

/// The node callbacks' questionnaires pulled for a month (R-CB-4): the calls recorded from
/// the 26th of the month before to the 25th, per node and question, for the monthly summary
/// due on the 10th.
#[utoipa::path(tag = "callbacks", operation_id = "get_callback_summary", security(("bearer" = [])),
    params(SummaryQuery),
    responses((status = 200, description = "The month's pull", body = NodeSummaryView)))]
#[get("/api/v1/callbacks/summary")]
pub async fn get_callback_summary(
    ctx: Ctx,
    q: web::Query<SummaryQuery>,
) -> ApiResult<web::Json<NodeSummaryView>> {
    let month = q.into_inner().month;
    let parsed = month
        .split_once('-')
        .filter(|(y, m)| y.len() == 4 && m.len() == 2)
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
        .filter(|(y, m)| (1900..=2200).contains(y) && (1..=12).contains(m))
        .ok_or_else(|| ApiError::field("month", "invalid", "a month like 2026-11"))?;
    let scope = ctx.caller.scope(READ)?;
    let s = ctx.run(move |conn| Ok(summary::node_summary(conn, &scope, parsed)?)).await?;
    Ok(web::Json(NodeSummaryView {
        month,
        from: s.from.to_string(),
        to: s.to.to_string(),
        summary_due_on: s.summary_due_on.to_string(),
        reasons: s
            .reasons
            .into_iter()
            .map(|r| ReasonTallyView {
                reason: r.reason,
                records: r.records,
                reached: r.reached,
                done: r.done,
                failed: r.failed,
                questions: r
                    .questions
                    .into_iter()
                    .map(|q| QuestionTallyView {
                        average: (q.count > 0).then(|| q.sum as f64 / q.count as f64),
                        code: q.code,
                        count: q.count,
                    })
                    .collect(),
            })
            .collect(),
    }))
}
