//! Work orders (工作联系单, R-WO): sent about a complaint to a department, replied within R-T-7,
//! approved by the department head, rectified by a contractor and accepted by the customer.
//! A department works from its queue: `GET /work-orders?department_id=&state=&overdue=true`.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, FixedOffset, Utc};
use kefu_domain::{
    access::Permission,
    complaint::{
        ApologyMeans, LifecycleError, WorkOrderAction, WorkOrderCommand, WorkOrderState,
        work_order::allowed_actions,
    },
};
use kefu_persistence::{
    complaints::work_orders::{self, NewWorkOrder, WorkOrder, WorkOrderFailure, WorkOrderFilter},
    scope::Scope,
    sla::ClockNow,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{dto::ClockView, invalid};
use crate::{
    auth::Caller,
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
    routes::calendars::instant_param,
    time::local,
};

impl From<WorkOrderFailure> for ApiError {
    fn from(e: WorkOrderFailure) -> Self {
        match e {
            WorkOrderFailure::Lifecycle(LifecycleError::NotAllowed { state, action, allowed }) => {
                ApiError::ActionNotAllowed {
                    state: state.as_str(),
                    action: action.as_str(),
                    allowed: allowed.iter().map(|a| a.as_str()).collect(),
                }
            }
            WorkOrderFailure::Lifecycle(LifecycleError::Invalid(problems)) => invalid(problems),
            WorkOrderFailure::Store(e) => e.into(),
        }
    }
}

/// A work order as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000071",
    "complaint_id": "019ab2f1-0000-7000-8000-000000000051",
    "project_id": "019ab2f1-0000-7000-8000-000000000012",
    "department_id": "019ab2f1-0000-7000-8000-000000000021", "request": "请工程部核实3号楼外墙渗水原因并提出整改方案",
    "site_survey": false, "complex": false, "state": "sent", "sent_at": "2026-09-30T17:00:00+08:00",
    "due_at": "2026-10-09T13:00:00+08:00", "overdue": false, "reply": null, "reply_by": null,
    "contractor_id": null, "deadline": null, "failed_acceptances": 0, "disqualified_contractor_ids": [],
    "allowed_actions": ["reply", "apologize", "close"],
    "clocks": [{"clock": "internal_reply", "rule_id": "R-T-7", "label": "内部书面回复",
        "state": "running", "started_at": "2026-09-30T17:00:00+08:00", "stopped_at": null,
        "due_at": "2026-10-09T13:00:00+08:00", "remaining_working_minutes": 240}],
    "created_at": "2026-09-30T17:00:00+08:00", "updated_at": "2026-09-30T17:00:00+08:00", "version": 1}))]
pub struct WorkOrderView {
    /// UUIDv7.
    pub id: String,
    /// Its complaint.
    pub complaint_id: String,
    /// Its complaint's project.
    pub project_id: String,
    /// The department it was sent to.
    pub department_id: String,
    /// What the customer center asks.
    pub request: String,
    /// Whether the reply needs a site survey (R-WO-3: 1.5 WD instead of 0.5).
    pub site_survey: bool,
    /// Whether the department commits a reply time first (within 0.5 WD).
    pub complex: bool,
    /// Where it stands.
    pub state: WorkOrderState,
    /// When it was sent.
    pub sent_at: DateTime<FixedOffset>,
    /// What is due next, while something is: the reply (R-T-7), the committed reply time or the
    /// rectification's deadline.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// Whether `due_at` is past.
    pub overdue: bool,
    /// The department's proposal (R-WO-2).
    pub reply: Option<String>,
    /// The reply time a complex order committed to.
    pub reply_by: Option<DateTime<FixedOffset>>,
    /// The contractor rectifying.
    pub contractor_id: Option<String>,
    /// The rectification's deadline.
    pub deadline: Option<DateTime<FixedOffset>>,
    /// How many times the current contractor failed the customer's acceptance on this order.
    pub failed_acceptances: u8,
    /// Contractors that failed twice on this order and may not be assigned again (R-WO-4).
    pub disqualified_contractor_ids: Vec<String>,
    /// The actions its state allows to the caller.
    pub allowed_actions: Vec<WorkOrderAction>,
    /// Its R-T-7 clocks, computed now.
    pub clocks: Vec<ClockView>,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

fn view(
    caller: &Caller,
    (order, clocks): (WorkOrder, Vec<ClockNow>),
    now: DateTime<Utc>,
) -> WorkOrderView {
    let snapshot = order.snapshot();
    let place = order.place();
    let actions = allowed_actions(&snapshot)
        .into_iter()
        .filter(|a| caller.scope(a.permission()).is_ok_and(|s| s.require(&place).is_ok()))
        .collect();
    WorkOrderView {
        overdue: order.overdue(now),
        failed_acceptances: snapshot.failed_acceptances,
        disqualified_contractor_ids: order.disqualified_ids(),
        id: order.id,
        complaint_id: order.complaint_id,
        project_id: order.project_id,
        department_id: order.department_id,
        request: order.request,
        site_survey: order.site_survey,
        complex: order.complex,
        state: order.state,
        sent_at: local(order.sent_at),
        due_at: order.due_at.map(local),
        reply: order.reply,
        reply_by: order.reply_due_at.map(local),
        contractor_id: order.contractor_id,
        deadline: order.deadline.map(local),
        allowed_actions: actions,
        clocks: clocks.into_iter().map(ClockView::from).collect(),
        created_at: local(order.created_at),
        updated_at: local(order.updated_at),
        version: order.version,
    }
}

page_type!(WorkOrderPage, WorkOrderView, "A page of work orders.");

/// A work order to send to a department.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"department_id": "019ab2f1-0000-7000-8000-000000000021",
    "request": "请工程部核实3号楼外墙渗水原因并提出整改方案", "site_survey": true, "complex": false}))]
pub struct NewWorkOrderBody {
    /// The department, of the complaint's company.
    #[schema(min_length = 1, max_length = 64)]
    pub department_id: String,
    /// What the customer center asks.
    #[schema(min_length = 1, max_length = 4000)]
    pub request: String,
    /// Whether the reply needs a site survey (1.5 WD instead of 0.5; R-T-7, R-WO-3).
    #[serde(default)]
    pub site_survey: bool,
    /// Whether the department first commits a reply time, within 0.5 WD (R-T-7).
    #[serde(default)]
    pub complex: bool,
}

/// An action on a work order and its payload: `{"action": "reply", "proposal": "…"}`. Which
/// fields an action needs: `commit_reply_time` `reply_by`; `reply` `proposal`;
/// `record_survey` `findings` (and `attachment_ids`); `assign_rectification` `contractor_id`
/// and `deadline`; `record_acceptance` `passed` (and `comment`, required when it failed);
/// `apologize` `means` (and `note`); `close` `reason` unless the reply was approved or the
/// rectification accepted; `approve_reply` nothing.
#[derive(Debug, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "record_acceptance", "passed": false, "comment": "墙面仍有渗水痕迹"}))]
pub struct WorkOrderTransitionRequest {
    /// The action.
    pub action: WorkOrderAction,
    /// `commit_reply_time`: by when the department will reply (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime, max_length = 40)]
    pub reply_by: Option<String>,
    /// `reply`: the proposal (建议方案).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 4000)]
    pub proposal: Option<String>,
    /// `record_survey`: what the survey found.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 4000)]
    pub findings: Option<String>,
    /// `record_survey`: photos and scans.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 50)]
    pub attachment_ids: Option<Vec<String>>,
    /// `assign_rectification`: the contractor.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 64)]
    pub contractor_id: Option<String>,
    /// `assign_rectification`: when it must be done (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime, max_length = 40)]
    pub deadline: Option<String>,
    /// `record_acceptance`: whether the rectification passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    /// `record_acceptance`: what the customer said (required when it failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
    /// `apologize`: how (R-WO-5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub means: Option<ApologyMeans>,
    /// `apologize`: what was said or written.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// `close`: why (required unless the reply was approved or the rectification accepted).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
}

impl WorkOrderTransitionRequest {
    /// The command, or a 422 naming the field that is missing or not an instant.
    fn command(mut self) -> Result<WorkOrderCommand, ApiError> {
        for (name, value) in [("reply_by", &mut self.reply_by), ("deadline", &mut self.deadline)] {
            if let Some(text) = value.as_deref() {
                *value = Some(instant_param(name, text)?.to_rfc3339());
            }
        }
        super::command_of(&self)
    }
}

list_query!(
    /// Filters and paging of the work-order list (a department's queue).
    WorkOrderQuery {
        /// Only those sent to this department.
        #[param(max_length = 64)]
        department_id: Option<String>,
        /// Only those in this state.
        state: Option<WorkOrderState>,
        /// Only those whose due is past (`true`) or not (`false`).
        overdue: Option<bool>,
        /// Only this complaint's.
        #[param(max_length = 64)]
        complaint_id: Option<String>,
        /// Only this project's.
        #[param(max_length = 64)]
        project_id: Option<String>,
    }
);

/// Send a work order (联系单) about a complaint to a department: its reply is due 0.5 WD later,
/// 1.5 WD with a site survey; a complex one commits a reply time within 0.5 WD (R-T-7).
#[utoipa::path(tag = "work-orders", operation_id = "create_work_order", security(("bearer" = [])),
    params(("id" = String, Path, description = "Complaint id")), request_body = NewWorkOrderBody,
    responses((status = 201, description = "Sent; `Location` and `ETag` are set", body = WorkOrderView)))]
#[post("/api/v1/complaints/{id}/work-orders")]
pub async fn create_work_order(
    ctx: Ctx,
    id: web::Path<String>,
    body: Body<NewWorkOrderBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    crate::body::not_blank("request", &b.request)?;
    let new = NewWorkOrder {
        department_id: b.department_id,
        request: b.request,
        site_survey: b.site_survey,
        complex: b.complex,
    };
    let (read, write) =
        ctx.caller.scopes(Permission::ComplaintsRead, Permission::WorkOrdersManage)?;
    let (now, caller) = (ctx.now(), ctx.caller.clone());
    let found =
        ctx.run(move |conn| Ok(work_orders::send(conn, (&read, &write), &id, &new, now)?)).await?;
    let (location, version) = (format!("/api/v1/work-orders/{}", found.0.id), found.0.version);
    Ok(created(location, version, &view(&caller, found, now)))
}

/// List the work orders within reach: a department's queue.
#[utoipa::path(tag = "work-orders", operation_id = "list_work_orders", security(("bearer" = [])),
    params(WorkOrderQuery),
    responses((status = 200, description = "A page of work orders", body = WorkOrderPage)))]
#[get("/api/v1/work-orders")]
pub async fn list_work_orders(
    ctx: Ctx,
    q: web::Query<WorkOrderQuery>,
) -> ApiResult<web::Json<WorkOrderPage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let filter = WorkOrderFilter {
        department_id: text_filter("department_id", q.department_id, 64)?,
        state: q.state,
        overdue: q.overdue,
        complaint_id: text_filter("complaint_id", q.complaint_id, 64)?,
        project_id: text_filter("project_id", q.project_id, 64)?,
    };
    let (scope, now, caller) =
        (ctx.caller.scope(Permission::WorkOrdersRead)?, ctx.now(), ctx.caller.clone());
    let page =
        ctx.run(move |conn| Ok(work_orders::list(conn, &scope, &filter, &req, now)?)).await?;
    Ok(web::Json(WorkOrderPage::from_page(page, |item| view(&caller, item, now))))
}

/// One work order with its clocks (computed now) and the actions open to the caller.
#[utoipa::path(tag = "work-orders", operation_id = "get_work_order", security(("bearer" = [])),
    params(("id" = String, Path, description = "Work order id")),
    responses((status = 200, description = "The work order; `ETag` is set", body = WorkOrderView)))]
#[get("/api/v1/work-orders/{id}")]
pub async fn get_work_order(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let (scope, now, caller) =
        (ctx.caller.scope(Permission::WorkOrdersRead)?, ctx.now(), ctx.caller.clone());
    let found = ctx.run(move |conn| Ok(work_orders::get(conn, &scope, &id, now)?)).await?;
    Ok(ok(found.0.version, &view(&caller, found, now)))
}

/// Take an action on a work order (with `If-Match`). A stale `If-Match` is 412, a missing one
/// 428; an action its state does not allow is 409 `action_not_allowed` with the `state` and the
/// `allowed_actions`; one the caller may not take is 403. The second failed acceptance of one
/// contractor disqualifies it on this order (R-WO-4): the order waits for another.
#[utoipa::path(tag = "work-orders", operation_id = "transition_work_order", security(("bearer" = [])),
    params(("id" = String, Path, description = "Work order id")),
    request_body = WorkOrderTransitionRequest,
    responses((status = 200, description = "The work order after the action; new `ETag`", body = WorkOrderView)))]
#[post("/api/v1/work-orders/{id}/transitions")]
pub async fn transition_work_order(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<WorkOrderTransitionRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.into_inner();
    let action = request.action;
    let command = request.command()?;
    let read = ctx.caller.scope(Permission::WorkOrdersRead)?;
    let write: Option<Scope> = ctx.caller.scope(action.permission()).ok();
    let (now, caller) = (ctx.now(), ctx.caller.clone());
    let found = ctx
        .run(move |conn| {
            let expected = if_match.0;
            Ok(work_orders::transition(
                conn,
                (&read, write.as_ref()),
                &id,
                expected,
                &command,
                now,
            )?)
        })
        .await?;
    Ok(ok(found.0.version, &view(&caller, found, now)))
}
