//! Work plans (工作计划, R-RP-13): a project's or department's annual or monthly plan with its
//! items, written and submitted by the project or department (`WorkPlansWrite`), reviewed or
//! returned by the customer center (`WorkPlansReview`); each item's completion is recorded,
//! and the completion rate is reported per project and department. Read with `ReportsRead`.

use actix_web::{HttpResponse, get, http::StatusCode, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::{
    access::Permission,
    work_plan::{Completion, WorkPlanAction, WorkPlanKind, WorkPlanState, period_is_valid},
};
use kefu_persistence::work_plans::{
    self, CompletionRow, ItemDone, NewItem, NewWorkPlan, Planner, WorkPlanDetail, WorkPlanEdit,
    WorkPlanFailure, WorkPlanFilter, WorkPlanItem,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::{
    body::{Body, not_blank},
    ctx::Ctx,
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
    time::{Day, local},
};

const READ: Permission = Permission::ReportsRead;
const WRITE: Permission = Permission::WorkPlansWrite;
const REVIEW: Permission = Permission::WorkPlansReview;

impl From<WorkPlanFailure> for ApiError {
    fn from(e: WorkPlanFailure) -> Self {
        let detail = e.to_string();
        let conflict = |code| ApiError::Refused(StatusCode::CONFLICT, code, detail.clone());
        match e {
            WorkPlanFailure::Store(e) => e.into(),
            WorkPlanFailure::NotAllowed { state, action, allowed } => {
                ApiError::ActionNotAllowed { state, action, allowed }
            }
            WorkPlanFailure::NotEditable(_) => conflict("plan_not_editable"),
            WorkPlanFailure::NotActive(_) => conflict("plan_not_active"),
        }
    }
}

/// How far the items that fell due are done (R-RP-13).
#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionView {
    /// Items whose due date has come.
    pub due: u32,
    /// Of those, done on or before their due date.
    pub on_time: u32,
    /// Done after it.
    pub late: u32,
    /// Not done yet (overdue).
    pub open: u32,
    /// `on_time / due`, 0–1; `null` when nothing is due yet.
    pub rate: Option<f64>,
}

impl From<Completion> for CompletionView {
    fn from(c: Completion) -> Self {
        Self { due: c.due, on_time: c.on_time, late: c.late, open: c.open, rate: c.rate() }
    }
}

/// An item of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkPlanItemView {
    /// UUIDv7.
    pub id: String,
    /// What is to be done.
    pub title: String,
    /// Who answers for it (else the plan's author).
    pub owner_id: Option<String>,
    /// By when.
    pub due_on: String,
    /// Whether it is done.
    pub done: bool,
    /// When it was recorded done.
    pub done_at: Option<DateTime<FixedOffset>>,
    /// The completion note.
    pub note: Option<String>,
    /// Whether it is open past its due date.
    pub overdue: bool,
    /// When its lateness was reminded.
    pub reminded_at: Option<DateTime<FixedOffset>>,
}

fn item_view(item: WorkPlanItem, today: chrono::NaiveDate) -> WorkPlanItemView {
    let overdue = item.due().is_some_and(|d| kefu_domain::work_plan::overdue(d, item.done, today));
    WorkPlanItemView {
        id: item.id,
        title: item.title,
        owner_id: item.owner_id,
        due_on: item.due_on,
        done: item.done,
        done_at: item.done_at.map(local),
        note: item.note,
        overdue,
        reminded_at: item.reminded_at.map(local),
    }
}

/// A work plan as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ad3a0-0000-7000-8000-000000000301", "kind": "monthly",
    "year": 2026, "month": 10, "company_id": "019ab2f1-0000-7000-8000-000000000011",
    "project_id": "019ab2f1-0000-7000-8000-000000000012", "department_id": null,
    "title": "10月客服工作计划", "state": "reviewed", "review_note": null,
    "reviewed_by": "019ab2f1-0000-7000-8000-000000000042", "reviewed_at": "2026-10-08T10:00:00+08:00",
    "items": [{"id": "019ad3a0-0000-7000-8000-000000000302", "title": "完成三季度回访",
        "owner_id": "019ab2f1-0000-7000-8000-000000000041", "due_on": "2026-10-15", "done": true,
        "done_at": "2026-10-14T16:00:00+08:00", "note": "已完成", "overdue": false, "reminded_at": null}],
    "completion": {"due": 1, "on_time": 1, "late": 0, "open": 0, "rate": 1.0}, "completion_rate": 1.0,
    "created_by": "019ab2f1-0000-7000-8000-000000000041",
    "created_at": "2026-10-01T09:00:00+08:00", "updated_at": "2026-10-14T16:00:00+08:00", "version": 4}))]
pub struct WorkPlanView {
    /// UUIDv7.
    pub id: String,
    /// `annual` or `monthly`.
    pub kind: WorkPlanKind,
    /// The year it plans.
    pub year: i32,
    /// The month a monthly plan plans (1–12); `null` for an annual one.
    pub month: Option<i32>,
    /// The company of its project or department.
    pub company_id: String,
    /// Its project (a project's plan).
    pub project_id: Option<String>,
    /// Its department (a department's plan).
    pub department_id: Option<String>,
    /// Its title.
    pub title: String,
    /// Where it stands.
    pub state: WorkPlanState,
    /// The customer center's note on its last review or return.
    pub review_note: Option<String>,
    /// Who reviewed or returned it last.
    pub reviewed_by: Option<String>,
    /// When.
    pub reviewed_at: Option<DateTime<FixedOffset>>,
    /// Its items.
    pub items: Vec<WorkPlanItemView>,
    /// How far its items that fell due are done, as of now.
    pub completion: CompletionView,
    /// The same rate: items done by their due over items due (0–1), `null` when none is due.
    pub completion_rate: Option<f64>,
    /// Who wrote it.
    pub created_by: Option<String>,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag` (of its items too).
    pub version: i64,
}

fn view(d: WorkPlanDetail, now: DateTime<chrono::Utc>) -> WorkPlanView {
    let today = local(now).date_naive();
    let p = d.plan;
    WorkPlanView {
        id: p.id,
        kind: p.kind,
        year: p.year,
        month: p.month,
        company_id: p.company_id,
        project_id: p.project_id,
        department_id: p.department_id,
        title: p.title,
        state: p.state,
        review_note: p.review_note,
        reviewed_by: p.reviewed_by,
        reviewed_at: p.reviewed_at.map(local),
        items: d.items.into_iter().map(|i| item_view(i, today)).collect(),
        completion_rate: d.completion.rate(),
        completion: d.completion.into(),
        created_by: p.created_by,
        created_at: local(p.created_at),
        updated_at: local(p.updated_at),
        version: p.version,
    }
}

page_type!(WorkPlanPage, WorkPlanView, "A page of work plans.");

/// An item to plan.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct WorkPlanItemBody {
    /// What is to be done.
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    /// An active user of the group who answers for it (default: the plan's author).
    #[schema(min_length = 1, max_length = 64)]
    pub owner_id: Option<String>,
    /// By when.
    pub due_on: Day,
}

fn items(items: Vec<WorkPlanItemBody>) -> Result<Vec<NewItem>, ApiError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            not_blank(&format!("items[{i}].title"), &b.title)?;
            Ok(NewItem { title: b.title, owner_id: b.owner_id, due_on: b.due_on.0 })
        })
        .collect()
}

/// A work plan to draft: exactly one of `project_id` and `department_id`; `month` iff monthly.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "monthly", "year": 2026, "month": 10,
    "project_id": "019ab2f1-0000-7000-8000-000000000012", "title": "10月客服工作计划",
    "items": [{"title": "完成三季度回访", "owner_id": "019ab2f1-0000-7000-8000-000000000041", "due_on": "2026-10-15"}]}))]
pub struct NewWorkPlanBody {
    /// `annual` or `monthly`.
    pub kind: WorkPlanKind,
    /// The year it plans.
    #[schema(minimum = 2000, maximum = 2150)]
    pub year: i32,
    /// The month of a monthly plan (1–12); absent for an annual one.
    #[schema(minimum = 1, maximum = 12)]
    pub month: Option<i32>,
    /// A project's plan: the project.
    #[schema(min_length = 1, max_length = 64)]
    pub project_id: Option<String>,
    /// A department's plan: the department.
    #[schema(min_length = 1, max_length = 64)]
    pub department_id: Option<String>,
    /// Its title.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Its items.
    #[schema(min_items = 1, max_items = 200)]
    pub items: Vec<WorkPlanItemBody>,
}

/// A new title or new items for a plan in draft or returned.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"items": [{"title": "完成三季度回访", "due_on": "2026-10-20"}]}))]
pub struct WorkPlanPatch {
    /// A new title.
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// The items, replacing the old ones.
    #[schema(min_items = 1, max_items = 200)]
    pub items: Option<Vec<WorkPlanItemBody>>,
}

/// An action on a plan.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "return", "note": "缺少投诉回访的事项"}))]
pub struct WorkPlanTransition {
    /// `submit` (the project or department), `review` or `return` (the customer center).
    pub action: WorkPlanAction,
    /// A note on the review or return.
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// An item's completion.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"done": true, "note": "已完成全部回访"}))]
pub struct WorkPlanItemPatch {
    /// Done (recorded now), or open again.
    pub done: bool,
    /// A note on it.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// The years a plan may be for.
const PLAN_YEARS: std::ops::RangeInclusive<i32> = 2000..=2150;

fn plan_year(year: i32) -> Result<i32, ApiError> {
    if PLAN_YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::field("year", "out_of_range", format!("must be 2000 to 2150, not {year}")))
    }
}

fn plan_month(month: Option<i32>) -> Result<Option<i32>, ApiError> {
    match month {
        Some(m) if !(1..=12).contains(&m) => {
            Err(ApiError::field("month", "out_of_range", format!("must be 1 to 12, not {m}")))
        }
        other => Ok(other),
    }
}

list_query!(
    /// Filters and paging of the work-plan list.
    WorkPlanQuery {
        /// Only this kind.
        kind: Option<WorkPlanKind>,
        /// Only this year's.
        #[param(minimum = 2000, maximum = 2150)]
        year: Option<i32>,
        /// Only this month's (monthly plans).
        #[param(minimum = 1, maximum = 12)]
        month: Option<i32>,
        /// Only this project's.
        #[param(max_length = 64)]
        project_id: Option<String>,
        /// Only this department's.
        #[param(max_length = 64)]
        department_id: Option<String>,
        /// Only this state.
        state: Option<WorkPlanState>,
    }
);

/// Draft a project's or department's annual or monthly work plan (R-RP-13; `WorkPlansWrite`
/// over the project or department). Exactly one of `project_id` and `department_id`; `month`
/// iff `kind` is `monthly`; 422 names `items[i].owner_id` when the owner is not an active user
/// of the group.
#[utoipa::path(tag = "work-plans", operation_id = "create_work_plan", security(("bearer" = [])),
    request_body = NewWorkPlanBody,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = WorkPlanView)))]
#[post("/api/v1/work-plans")]
pub async fn create_work_plan(ctx: Ctx, body: Body<NewWorkPlanBody>) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    not_blank("title", &b.title)?;
    let month = plan_month(b.month)?;
    if !period_is_valid(b.kind, month) {
        let message = "a monthly plan names its month (1–12), an annual one none";
        return Err(ApiError::field("month", "invalid", message));
    }
    let planner = match (b.project_id, b.department_id) {
        (Some(p), None) => Planner::Project(p),
        (None, Some(d)) => Planner::Department(d),
        _ => {
            let message = "name exactly one of project_id and department_id";
            return Err(ApiError::field("project_id", "invalid", message));
        }
    };
    let new = NewWorkPlan {
        kind: b.kind,
        year: plan_year(b.year)?,
        month,
        planner,
        title: b.title,
        items: items(b.items)?,
    };
    let (read, write) = ctx.caller.scopes(READ, WRITE)?;
    let now = ctx.now();
    let made =
        ctx.run(move |conn| Ok(work_plans::create(conn, (&read, &write), &new, now)?)).await?;
    let location = format!("/api/v1/work-plans/{}", made.plan.id);
    Ok(created(location, made.plan.version, &view(made, now)))
}

/// List the work plans within reach, each with its items and completion.
#[utoipa::path(tag = "work-plans", operation_id = "list_work_plans", security(("bearer" = [])),
    params(WorkPlanQuery), responses((status = 200, description = "A page of plans", body = WorkPlanPage)))]
#[get("/api/v1/work-plans")]
pub async fn list_work_plans(
    ctx: Ctx,
    q: web::Query<WorkPlanQuery>,
) -> ApiResult<web::Json<WorkPlanPage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let filter = WorkPlanFilter {
        kind: q.kind,
        year: q.year.map(plan_year).transpose()?,
        month: plan_month(q.month)?,
        project_id: text_filter("project_id", q.project_id, 64)?,
        department_id: text_filter("department_id", q.department_id, 64)?,
        state: q.state,
    };
    let now = ctx.now();
    let scope = ctx.caller.scope(READ)?;
    let page = ctx.run(move |conn| Ok(work_plans::list(conn, &scope, &filter, &req, now)?)).await?;
    Ok(web::Json(WorkPlanPage::from_page(page, |d| view(d, now))))
}

/// The completion period of the report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompletionQuery {
    /// The year.
    #[param(minimum = 2000, maximum = 2150)]
    pub year: i32,
    /// A month of it (1–12); the whole year when absent.
    #[param(minimum = 1, maximum = 12)]
    pub month: Option<i32>,
}

/// One project's or department's completion in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionLine {
    /// The company of the project or department.
    pub company_id: String,
    /// The project (its plans).
    pub project_id: Option<String>,
    /// The department (its plans).
    pub department_id: Option<String>,
    /// Items due in the period (fallen due or not).
    pub planned: u32,
    /// How far those fallen due are done.
    pub completion: CompletionView,
    /// Items done by their due over items fallen due (0–1), `null` when none is due yet.
    pub completion_rate: Option<f64>,
}

/// The completion report of a year or month.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"year": 2026, "month": 10, "items": [{"company_id": "019ab2f1-0000-7000-8000-000000000011",
    "project_id": "019ab2f1-0000-7000-8000-000000000012", "department_id": null, "planned": 4,
    "completion": {"due": 3, "on_time": 2, "late": 0, "open": 1, "rate": 0.6666666666666666},
    "completion_rate": 0.6666666666666666}]}))]
pub struct CompletionReport {
    /// The year.
    pub year: i32,
    /// The month, when one was asked.
    pub month: Option<i32>,
    /// Per project and department with items due in the period.
    pub items: Vec<CompletionLine>,
}

fn line(r: CompletionRow) -> CompletionLine {
    CompletionLine {
        company_id: r.company_id,
        project_id: r.project_id,
        department_id: r.department_id,
        planned: r.planned,
        completion_rate: r.completion.rate(),
        completion: r.completion.into(),
    }
}

/// The completion rate per project and department (R-RP-13): over the items of submitted and
/// reviewed plans within reach that are due in the year (or month), items done on or before
/// their due date over items that have fallen due.
#[utoipa::path(tag = "work-plans", operation_id = "get_work_plan_completion", security(("bearer" = [])),
    params(CompletionQuery),
    responses((status = 200, description = "The completion per project and department", body = CompletionReport)))]
#[get("/api/v1/work-plans/completion")]
pub async fn get_work_plan_completion(
    ctx: Ctx,
    q: web::Query<CompletionQuery>,
) -> ApiResult<web::Json<CompletionReport>> {
    let q = q.into_inner();
    let (year, month) = (plan_year(q.year)?, plan_month(q.month)?);
    let scope = ctx.caller.scope(READ)?;
    let now = ctx.now();
    let rows =
        ctx.run(move |conn| Ok(work_plans::completion(conn, &scope, (year, month), now)?)).await?;
    Ok(web::Json(CompletionReport { year, month, items: rows.into_iter().map(line).collect() }))
}

/// One work plan with its items and its completion rate.
#[utoipa::path(tag = "work-plans", operation_id = "get_work_plan", security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    responses((status = 200, description = "The plan; `ETag` is set", body = WorkPlanView)))]
#[get("/api/v1/work-plans/{id}")]
pub async fn get_work_plan(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let now = ctx.now();
    ctx.one(READ, move |conn, scope| work_plans::one(conn, scope, &id, now), move |d| view(d, now))
        .await
}

/// Change a plan's title or items (with `If-Match`), in draft or returned only (409
/// `plan_not_editable` otherwise).
#[utoipa::path(tag = "work-plans", operation_id = "update_work_plan", security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")), request_body = WorkPlanPatch,
    responses((status = 200, description = "The changed plan; new `ETag`", body = WorkPlanView),
        (status = 409, description = "Not in draft or returned (`plan_not_editable`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[patch("/api/v1/work-plans/{id}")]
pub async fn update_work_plan(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<WorkPlanPatch>,
) -> ApiResult<HttpResponse> {
    let patch = body.into_inner();
    if let Some(title) = &patch.title {
        not_blank("title", title)?;
    }
    let change = WorkPlanEdit { title: patch.title, items: patch.items.map(items).transpose()? };
    let (read, write) = ctx.caller.scopes(READ, WRITE)?;
    let now = ctx.now();
    let changed = ctx
        .run(move |conn| {
            Ok(work_plans::edit(conn, (&read, &write), &id, if_match.0, &change, now)?)
        })
        .await?;
    Ok(ok(changed.plan.version, &view(changed, now)))
}

/// Submit (`WorkPlansWrite`), review or return (`WorkPlansReview`, the customer center) a plan,
/// with `If-Match`: draft → submitted → reviewed, or returned and submitted again. An action
/// the state does not allow is 409 `action_not_allowed`.
#[utoipa::path(tag = "work-plans", operation_id = "transition_work_plan", security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")), request_body = WorkPlanTransition,
    responses((status = 200, description = "The plan after the action; new `ETag`", body = WorkPlanView),
        (status = 409, description = "Not allowed in this state (`action_not_allowed`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[post("/api/v1/work-plans/{id}/transitions")]
pub async fn transition_work_plan(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<WorkPlanTransition>,
) -> ApiResult<HttpResponse> {
    let t = body.into_inner();
    if let Some(note) = &t.note {
        not_blank("note", note)?;
    }
    let permission = if t.action.is_review() { REVIEW } else { WRITE };
    let (read, write) = ctx.caller.scopes(READ, permission)?;
    let now = ctx.now();
    let moved = ctx
        .run(move |conn| {
            let step = (t.action, t.note.as_deref());
            Ok(work_plans::transition(conn, (&read, &write), &id, if_match.0, step, now)?)
        })
        .await?;
    Ok(ok(moved.plan.version, &view(moved, now)))
}

/// Record an item done (now; the monthly completion report counts it on today's date) or open
/// again, with the plan's `If-Match` (`WorkPlansWrite`); only once the plan is submitted or
/// reviewed (409 `plan_not_active`). Answers the plan with its new `ETag`.
#[utoipa::path(tag = "work-plans", operation_id = "update_work_plan_item", security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id"), ("item_id" = String, Path, description = "Item id")),
    request_body = WorkPlanItemPatch,
    responses((status = 200, description = "The plan with the item; new `ETag`", body = WorkPlanView),
        (status = 409, description = "The plan is not submitted or reviewed (`plan_not_active`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[patch("/api/v1/work-plans/{id}/items/{item_id}")]
pub async fn update_work_plan_item(
    ctx: Ctx,
    (path, if_match): (web::Path<(String, String)>, IfMatch),
    body: Body<WorkPlanItemPatch>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let (id, item) = path.into_inner();
    let change = ItemDone { done: b.done, note: b.note };
    let (read, write) = ctx.caller.scopes(READ, WRITE)?;
    let now = ctx.now();
    let plan = ctx
        .run(move |conn| {
            let ids = (id.as_str(), item.as_str());
            Ok(work_plans::complete_item(conn, (&read, &write), ids, if_match.0, &change, now)?)
        })
        .await?;
    Ok(ok(plan.plan.version, &view(plan, now)))
}
