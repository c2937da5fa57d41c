//! Improvement plans (整改计划, R-SAT-3): a department's plan for a year, drafted and
//! submitted by the department (`ImprovementPlansWrite`), approved or returned by management
//! (`ImprovementPlansApprove`), then reported on quarterly. Read with `SurveysRead`.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset, NaiveDate};
use kefu_domain::{
    access::Permission,
    survey::plan::{PlanAction, PlanState},
};
use kefu_persistence::surveys::plans::{
    self, NewItem, NewPlan, NewProgress, PlanDetail, PlanFilter, PlanItem, Progress,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    body::{Body, not_blank},
    ctx::Ctx,
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
    time::local,
};

const READ: Permission = Permission::SurveysRead;
const WRITE: Permission = Permission::ImprovementPlansWrite;
const APPROVE: Permission = Permission::ImprovementPlansApprove;

/// A quarterly report on an item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressView {
    /// 1–4.
    pub quarter: i32,
    /// How far, 0–100.
    pub percent: i32,
    /// What was done.
    pub note: String,
    /// Who reported.
    pub reported_by: Option<String>,
    /// When.
    pub reported_at: DateTime<FixedOffset>,
}

/// An item of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    /// UUIDv7.
    pub id: String,
    /// What is to be improved.
    pub title: String,
    /// Who answers for it.
    pub owner_id: String,
    /// By when.
    pub due_on: String,
    /// Its quarterly reports.
    pub progress: Vec<ProgressView>,
}

fn item((item, progress): (PlanItem, Vec<Progress>)) -> ItemView {
    ItemView {
        id: item.id,
        title: item.title,
        owner_id: item.owner_id,
        due_on: item.due_on,
        progress: progress
            .into_iter()
            .map(|p| ProgressView {
                quarter: p.quarter,
                percent: p.percent,
                note: p.note,
                reported_by: p.reported_by,
                reported_at: local(p.reported_at),
            })
            .collect(),
    }
}

/// A plan as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ad3a0-0000-7000-8000-000000000201",
    "company_id": "019ab2f1-0000-7000-8000-000000000011",
    "department_id": "019ab2f1-0000-7000-8000-000000000021", "year": 2027, "state": "draft",
    "return_reason": null, "decided_by": null, "decided_at": null,
    "items": [{"id": "019ad3a0-0000-7000-8000-000000000202", "title": "车库照明改造",
        "owner_id": "019ab2f1-0000-7000-8000-000000000041", "due_on": "2027-03-31", "progress": []}],
    "created_at": "2026-12-20T09:00:00+08:00", "updated_at": "2026-12-20T09:00:00+08:00", "version": 1}))]
pub struct PlanView {
    /// UUIDv7.
    pub id: String,
    /// The department's company.
    pub company_id: String,
    /// The department.
    pub department_id: String,
    /// The year it plans.
    pub year: i32,
    /// Where it stands.
    pub state: PlanState,
    /// Why management returned it last.
    pub return_reason: Option<String>,
    /// Who approved or returned it last.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<FixedOffset>>,
    /// Its items with their progress.
    pub items: Vec<ItemView>,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<PlanDetail> for PlanView {
    fn from(d: PlanDetail) -> Self {
        let p = d.plan;
        Self {
            id: p.id,
            company_id: p.company_id,
            department_id: p.department_id,
            year: p.year,
            state: p.state,
            return_reason: p.return_reason,
            decided_by: p.decided_by,
            decided_at: p.decided_at.map(local),
            items: d.items.into_iter().map(item).collect(),
            created_at: local(p.created_at),
            updated_at: local(p.updated_at),
            version: p.version,
        }
    }
}

page_type!(PlanPage, PlanView, "A page of improvement plans.");

/// An item to plan.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ItemBody {
    /// What is to be improved.
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    /// An active user of the group who answers for it.
    #[schema(min_length = 1, max_length = 64)]
    pub owner_id: String,
    /// By when.
    pub due_on: NaiveDate,
}

fn items(items: Vec<ItemBody>) -> Result<Vec<NewItem>, ApiError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            not_blank(&format!("items[{i}].title"), &b.title)?;
            Ok(NewItem { title: b.title, owner_id: b.owner_id, due_on: b.due_on })
        })
        .collect()
}

/// A plan to draft.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"department_id": "019ab2f1-0000-7000-8000-000000000021", "year": 2027,
    "items": [{"title": "车库照明改造", "owner_id": "019ab2f1-0000-7000-8000-000000000041", "due_on": "2027-03-31"}]}))]
pub struct NewPlanBody {
    /// The department.
    #[schema(min_length = 1, max_length = 64)]
    pub department_id: String,
    /// The year it plans.
    #[schema(minimum = 2000, maximum = 2150)]
    pub year: i32,
    /// Its items.
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<ItemBody>,
}

/// New items for a plan in draft or returned.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PlanPatch {
    /// The items, replacing the old ones.
    #[schema(min_items = 1, max_items = 100)]
    pub items: Option<Vec<ItemBody>>,
}

/// An action on a plan.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "return", "reason": "缺少物业服务的整改项"}))]
pub struct PlanTransition {
    /// `submit` (the department), `approve` or `return` (management).
    pub action: PlanAction,
    /// Why it is returned (required for `return`).
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
}

/// A quarterly report on an item.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"quarter": 1, "item_id": "019ad3a0-0000-7000-8000-000000000202",
    "percent": 40, "note": "完成B区照明改造"}))]
pub struct ProgressBody {
    /// 1–4.
    #[schema(minimum = 1, maximum = 4)]
    pub quarter: i32,
    /// The item.
    #[schema(min_length = 1, max_length = 64)]
    pub item_id: String,
    /// How far, 0–100.
    #[schema(minimum = 0, maximum = 100)]
    pub percent: i32,
    /// What was done.
    #[schema(max_length = 4000)]
    pub note: String,
}

/// The years a plan may be for.
const PLAN_YEARS: std::ops::RangeInclusive<i32> = 2000..=2150;

/// `year`, or a 422 naming it.
fn plan_year(year: i32) -> Result<i32, ApiError> {
    if PLAN_YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::field("year", "out_of_range", format!("must be 2000 to 2150, not {year}")))
    }
}

list_query!(
    /// Filters and paging of the plan list.
    PlanQuery {
        /// Only this year's.
        #[param(minimum = 2000, maximum = 2150)]
        year: Option<i32>,
        /// Only this department's.
        #[param(max_length = 64)]
        department_id: Option<String>,
        /// Only this state.
        state: Option<PlanState>,
    }
);

/// Draft a department's plan for a year (R-SAT-3; `ImprovementPlansWrite` over the
/// department): 409 `plan_exists` when it has one for that year; 422 names
/// `items[i].owner_id` when the owner is not an active user of the group.
#[utoipa::path(tag = "improvement-plans", operation_id = "create_improvement_plan", security(("bearer" = [])),
    request_body = NewPlanBody,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = PlanView)))]
#[post("/api/v1/improvement-plans")]
pub async fn create_improvement_plan(ctx: Ctx, body: Body<NewPlanBody>) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let new = NewPlan {
        department_id: b.department_id,
        year: plan_year(b.year)?,
        items: items(b.items)?,
    };
    let (read, write) = ctx.caller.scopes(READ, WRITE)?;
    let now = ctx.now();
    let made = ctx.run(move |conn| Ok(plans::create(conn, (&read, &write), &new, now)?)).await?;
    let location = format!("/api/v1/improvement-plans/{}", made.plan.id);
    Ok(created(location, made.plan.version, &PlanView::from(made)))
}

/// List the plans within reach.
#[utoipa::path(tag = "improvement-plans", operation_id = "list_improvement_plans", security(("bearer" = [])),
    params(PlanQuery), responses((status = 200, description = "A page of plans", body = PlanPage)))]
#[get("/api/v1/improvement-plans")]
pub async fn list_improvement_plans(
    ctx: Ctx,
    q: web::Query<PlanQuery>,
) -> ApiResult<web::Json<PlanPage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let filter = PlanFilter {
        year: q.year.map(plan_year).transpose()?,
        department_id: text_filter("department_id", q.department_id, 64)?,
        state: q.state,
    };
    ctx.list(READ, move |conn, scope| plans::list(conn, scope, &filter, &req)).await
}

/// One plan with its items and their progress.
#[utoipa::path(tag = "improvement-plans", operation_id = "get_improvement_plan", security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    responses((status = 200, description = "The plan; `ETag` is set", body = PlanView)))]
#[get("/api/v1/improvement-plans/{id}")]
pub async fn get_improvement_plan(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    ctx.one(READ, move |conn, scope| plans::one(conn, scope, &id), PlanView::from).await
}

/// Replace a plan's items (with `If-Match`), in draft or returned only (409
/// `plan_not_editable` otherwise).
#[utoipa::path(tag = "improvement-plans", operation_id = "update_improvement_plan", security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")), request_body = PlanPatch,
    responses((status = 200, description = "The changed plan; new `ETag`", body = PlanView)))]
#[patch("/api/v1/improvement-plans/{id}")]
pub async fn update_improvement_plan(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<PlanPatch>,
) -> ApiResult<HttpResponse> {
    let patch = body.into_inner();
    let (read, write) = ctx.caller.scopes(READ, WRITE)?;
    let now = ctx.now();
    let changed = match patch.items {
        Some(list) => {
            let list = items(list)?;
            ctx.run(move |conn| {
                Ok(plans::replace_items(conn, (&read, &write), &id, if_match.0, &list, now)?)
            })
            .await?
        }
        None => ctx.run(move |conn| Ok(plans::one(conn, &read, &id)?)).await?,
    };
    Ok(ok(changed.plan.version, &PlanView::from(changed)))
}

/// Submit (the department), approve or return (management, `ImprovementPlansApprove`) a
/// plan, with `If-Match`; a return needs its `reason`. An action the state does not allow is
/// 409 `action_not_allowed`.
#[utoipa::path(tag = "improvement-plans", operation_id = "transition_improvement_plan", security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")), request_body = PlanTransition,
    responses((status = 200, description = "The plan after the action; new `ETag`", body = PlanView),
        (status = 409, description = "Not allowed in this state (`action_not_allowed`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[post("/api/v1/improvement-plans/{id}/transitions")]
pub async fn transition_improvement_plan(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<PlanTransition>,
) -> ApiResult<HttpResponse> {
    let t = body.into_inner();
    let reason = match (t.action, t.reason) {
        (PlanAction::Return, None) => {
            return Err(ApiError::field("reason", "required", "a return needs its reason"));
        }
        (_, Some(r)) => {
            not_blank("reason", &r)?;
            Some(r)
        }
        (_, None) => None,
    };
    let permission = if t.action.is_management() { APPROVE } else { WRITE };
    let (read, write) = ctx.caller.scopes(READ, permission)?;
    let now = ctx.now();
    let action = t.action;
    let moved = ctx
        .run(move |conn| {
            let step = (action, reason.as_deref());
            Ok(plans::transition(conn, (&read, &write), &id, if_match.0, step, now)?)
        })
        .await?;
    Ok(ok(moved.plan.version, &PlanView::from(moved)))
}

/// Report an item's progress for a quarter (`ImprovementPlansWrite`) on an approved plan (409
/// `plan_not_approved` otherwise); a second report for the same item and quarter replaces the
/// first.
#[utoipa::path(tag = "improvement-plans", operation_id = "create_improvement_plan_progress", security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")), request_body = ProgressBody,
    responses((status = 200, description = "The plan with the report; `ETag` is set", body = PlanView),
        (status = 409, description = "The plan is not approved (`plan_not_approved`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[post("/api/v1/improvement-plans/{id}/progress")]
pub async fn create_improvement_plan_progress(
    ctx: Ctx,
    id: web::Path<String>,
    body: Body<ProgressBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let progress =
        NewProgress { quarter: b.quarter, item_id: b.item_id, percent: b.percent, note: b.note };
    let (read, write) = ctx.caller.scopes(READ, WRITE)?;
    let now = ctx.now();
    let plan =
        ctx.run(move |conn| Ok(plans::report(conn, (&read, &write), &id, &progress, now)?)).await?;
    Ok(ok(plan.plan.version, &PlanView::from(plan)))
}
