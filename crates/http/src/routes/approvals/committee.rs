//! The decision committee (投诉处理决策委员会, R-AP-2): a major complaint or a customer event
//! put to it in writing (customer center → office director → president, an approval request)
//! or decided at a meeting (members, chair, minutes, the president's decision on the spot).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::{
    access::Permission,
    approval::{CommitteeForm, CommitteeState},
};
use kefu_persistence::approvals::committee::{self, CommitteeDecision, NewCommitteeDecision};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    body::{Body, not_blank},
    ctx::Ctx,
    list::text_filter,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
    routes::calendars::instant_param,
    time::local,
};

/// A committee decision.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-0000000000a1",
    "complaint_id": "019ab2f1-0000-7000-8000-000000000051", "customer_event_id": null,
    "project_id": "019ab2f1-0000-7000-8000-000000000012", "form": "meeting",
    "matter": "3号楼群体投诉处理方案", "state": "decided", "approval_id": null,
    "chair_id": "019ab2f1-0000-7000-8000-000000000036",
    "member_ids": ["019ab2f1-0000-7000-8000-000000000037"],
    "held_at": "2026-10-08T10:00:00+08:00", "minutes": "会议纪要：……",
    "decision": "统一维修并减免一年物业费", "decided_at": "2026-10-08T11:00:00+08:00",
    "recorded_by": "019ab2f1-0000-7000-8000-000000000031",
    "created_at": "2026-10-08T11:00:00+08:00", "updated_at": "2026-10-08T11:00:00+08:00",
    "version": 1}))]
pub struct CommitteeDecisionView {
    /// UUIDv7.
    pub id: String,
    /// The major complaint it decides.
    pub complaint_id: Option<String>,
    /// The customer event it decides.
    pub customer_event_id: Option<String>,
    /// The project.
    pub project_id: String,
    /// Written countersign or meeting.
    pub form: CommitteeForm,
    /// The matter.
    pub matter: String,
    /// Where it stands.
    pub state: CommitteeState,
    /// The written countersign's approval request (`GET /api/v1/approvals/{id}`).
    pub approval_id: Option<String>,
    /// The meeting's chair.
    pub chair_id: Option<String>,
    /// The meeting's members.
    pub member_ids: Vec<String>,
    /// When the meeting was held.
    pub held_at: Option<DateTime<FixedOffset>>,
    /// The meeting's minutes.
    pub minutes: Option<String>,
    /// The president's decision.
    pub decision: Option<String>,
    /// When it was decided.
    pub decided_at: Option<DateTime<FixedOffset>>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When it was recorded.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<CommitteeDecision> for CommitteeDecisionView {
    fn from(d: CommitteeDecision) -> Self {
        Self {
            id: d.id,
            complaint_id: d.complaint_id,
            customer_event_id: d.customer_event_id,
            project_id: d.project_id,
            form: d.form,
            matter: d.matter,
            state: d.state,
            approval_id: d.approval_id,
            chair_id: d.chair_id,
            member_ids: d.member_ids.0,
            held_at: d.held_at.map(local),
            minutes: d.minutes,
            decision: d.decision,
            decided_at: d.decided_at.map(local),
            recorded_by: d.recorded_by,
            created_at: local(d.created_at),
            updated_at: local(d.updated_at),
            version: d.version,
        }
    }
}

page_type!(CommitteeDecisionPage, CommitteeDecisionView, "A page of committee decisions.");

/// A matter for the committee: a major complaint or a customer event; a meeting brings its
/// chair, members, time, minutes and decision.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"form": "written", "complaint_id": "019ab2f1-0000-7000-8000-000000000051",
    "matter": "主体结构裂缝：加固方案与赔偿标准"}))]
pub struct NewCommitteeDecisionBody {
    /// `written` (countersign) or `meeting`.
    pub form: CommitteeForm,
    /// A major complaint.
    #[schema(min_length = 1, max_length = 64)]
    pub complaint_id: Option<String>,
    /// Or a customer event.
    #[schema(min_length = 1, max_length = 64)]
    pub customer_event_id: Option<String>,
    /// The matter put to the committee.
    #[schema(min_length = 1, max_length = 4000)]
    pub matter: String,
    /// A meeting's chair (the VP).
    #[schema(min_length = 1, max_length = 64)]
    pub chair_id: Option<String>,
    /// A meeting's members.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub member_ids: Vec<String>,
    /// When the meeting was held (RFC 3339).
    #[schema(format = DateTime, max_length = 40)]
    pub held_at: Option<String>,
    /// A meeting's minutes.
    #[schema(min_length = 1, max_length = 20000)]
    pub minutes: Option<String>,
    /// The president's decision on the spot.
    #[schema(min_length = 1, max_length = 4000)]
    pub decision: Option<String>,
}

/// Put a major complaint or a customer event to the decision committee. `written` opens the
/// countersign (approval kind `committee_decision`: the customer center assesses, the office
/// director approves, the president decides, his comment being the decision); `meeting`
/// records the decision at once. Either outcome lands on the complaint's timeline (every
/// complaint's, for an event).
#[utoipa::path(tag = "approvals", operation_id = "create_committee_decision", security(("bearer" = [])),
    request_body = NewCommitteeDecisionBody,
    responses((status = 201, description = "Recorded; `Location` and `ETag` are set", body = CommitteeDecisionView)))]
#[post("/api/v1/committee-decisions")]
pub async fn create_committee_decision(
    ctx: Ctx,
    body: Body<NewCommitteeDecisionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    not_blank("matter", &b.matter)?;
    for (field, value) in [("minutes", &b.minutes), ("decision", &b.decision)] {
        if let Some(text) = value {
            not_blank(field, text)?;
        }
    }
    if b.member_ids.len() > 50 || b.member_ids.iter().any(|m| m.is_empty() || m.len() > 64) {
        return Err(ApiError::field("member_ids", "invalid", "up to 50 user ids"));
    }
    let held_at = b.held_at.as_deref().map(|t| instant_param("held_at", t)).transpose()?;
    let new = NewCommitteeDecision {
        form: b.form,
        complaint_id: text_filter("complaint_id", b.complaint_id, 64)?,
        customer_event_id: text_filter("customer_event_id", b.customer_event_id, 64)?,
        matter: b.matter,
        chair_id: text_filter("chair_id", b.chair_id, 64)?,
        member_ids: b.member_ids,
        held_at,
        minutes: b.minutes,
        decision: b.decision,
    };
    let (read, write) =
        ctx.caller.scopes(Permission::ComplaintsRead, Permission::ComplaintsWork)?;
    let now = ctx.now();
    let found =
        ctx.run(move |conn| Ok(committee::record(conn, (&read, &write), &new, now)?)).await?;
    let (location, version) = (format!("/api/v1/committee-decisions/{}", found.id), found.version);
    Ok(created(location, version, &CommitteeDecisionView::from(found)))
}

list_query!(
    /// Filters and paging of committee decisions.
    CommitteeDecisionQuery {
        /// Only this complaint's.
        #[param(max_length = 64)]
        complaint_id: Option<String>,
        /// Only this customer event's.
        #[param(max_length = 64)]
        customer_event_id: Option<String>,
    }
);

/// The committee decisions within reach.
#[utoipa::path(tag = "approvals", operation_id = "list_committee_decisions", security(("bearer" = [])),
    params(CommitteeDecisionQuery),
    responses((status = 200, description = "A page of committee decisions", body = CommitteeDecisionPage)))]
#[get("/api/v1/committee-decisions")]
pub async fn list_committee_decisions(
    ctx: Ctx,
    q: web::Query<CommitteeDecisionQuery>,
) -> ApiResult<web::Json<CommitteeDecisionPage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let complaint = text_filter("complaint_id", q.complaint_id, 64)?;
    let event = text_filter("customer_event_id", q.customer_event_id, 64)?;
    let scope = ctx.caller.scope(Permission::ComplaintsRead)?;
    let page = ctx
        .run(move |conn| {
            Ok(committee::list(conn, &scope, (complaint.as_deref(), event.as_deref()), &req)?)
        })
        .await?;
    Ok(web::Json(CommitteeDecisionPage::from_page(page, CommitteeDecisionView::from)))
}

/// One committee decision.
#[utoipa::path(tag = "approvals", operation_id = "get_committee_decision", security(("bearer" = [])),
    params(("id" = String, Path, description = "Committee decision id")),
    responses((status = 200, description = "The decision; `ETag` is set", body = CommitteeDecisionView)))]
#[get("/api/v1/committee-decisions/{id}")]
pub async fn get_committee_decision(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(Permission::ComplaintsRead)?;
    let found = ctx.run(move |conn| Ok(committee::get(conn, &scope, &id)?)).await?;
    Ok(ok(found.version, &CommitteeDecisionView::from(found)))
}
