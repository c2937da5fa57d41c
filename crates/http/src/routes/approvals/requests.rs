//! Approval requests (报批) and their decisions: submit, the inbox, decide (`If-Match`), resubmit
//! a returned one. A step is decided by users holding one of its roles over the request's
//! project; the preparer never decides his own; one user decides one step once (R-AP).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::{
    access::{Permission, Role, roles_over},
    approval::{ApprovalState, Credit, Decision, DocumentKind, Progress, Step},
    complaint::Grade,
};
use kefu_persistence::{
    approvals::{self, ApprovalFilter, ApprovalRequest, DecisionRecord, NewApproval},
    sla::ClockNow,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    auth::Caller,
    body::{Body, not_blank},
    ctx::Ctx,
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
    routes::complaints::dto::ClockView,
    time::local,
};

/// Users named for one step (R-AP-1: the VPs concerned all countersign it).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NamedUsers {
    /// The step (0-based).
    #[schema(minimum = 0, maximum = 9)]
    pub step: usize,
    /// The users; every one of them approves the step.
    #[schema(min_items = 1, max_items = 20)]
    pub user_ids: Vec<String>,
}

/// One decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    /// The round (1, then one more per resubmission).
    pub round: i64,
    /// The step (0-based).
    pub step: i64,
    /// Who decided.
    pub user_id: String,
    /// The role it counted for.
    pub role: Role,
    /// What he decided.
    pub decision: Decision,
    /// His comment.
    pub comment: Option<String>,
    /// When.
    pub decided_at: DateTime<FixedOffset>,
}

impl From<DecisionRecord> for DecisionView {
    fn from(d: DecisionRecord) -> Self {
        Self {
            round: d.round,
            step: d.step_index,
            user_id: d.user_id,
            role: d.role,
            decision: d.decision,
            comment: d.comment,
            decided_at: local(d.decided_at),
        }
    }
}

/// An approval request as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000091",
    "document": "fund_disbursement", "complaint_id": "019ab2f1-0000-7000-8000-000000000051",
    "project_id": "019ab2f1-0000-7000-8000-000000000012",
    "company_id": "019ab2f1-0000-7000-8000-000000000011", "department_id": null,
    "subject_type": "disbursement", "subject_id": "019ab2f1-0000-7000-8000-000000000093",
    "grade": "important", "amount_fen": 1_200_000, "to_grade": null, "special": false, "summary": "赔偿业主装修损失",
    "policy_version": 0, "policy_company_id": null,
    "steps": [{"kind": "review", "roles": ["office_director", "vp"], "mode": "all"},
              {"kind": "approve", "roles": ["president"], "mode": "all"}],
    "named_users": [], "state": "pending", "round": 1, "current_step": 0,
    "awaited_roles": ["vp"], "preparer_id": "019ab2f1-0000-7000-8000-000000000031",
    "return_comment": null, "can_decide": true, "clocks": [],
    "created_at": "2026-09-30T17:00:00+08:00", "updated_at": "2026-09-30T17:20:00+08:00",
    "version": 2}))]
pub struct ApprovalView {
    /// UUIDv7.
    pub id: String,
    /// The document kind.
    pub document: DocumentKind,
    /// The complaint it is about.
    pub complaint_id: Option<String>,
    /// Its project: whose roles decide.
    pub project_id: String,
    /// Its company.
    pub company_id: String,
    /// The requesting department (a contact sheet's center).
    pub department_id: Option<String>,
    /// What waits for it (`disbursement`).
    pub subject_type: Option<String>,
    /// Its id.
    pub subject_id: Option<String>,
    /// The grade it was routed by.
    pub grade: Grade,
    /// The amount it was routed by, in fen.
    pub amount_fen: Option<i64>,
    /// For a grade lowering: the grade the complaint takes once approved.
    pub to_grade: Option<Grade>,
    /// A special matter (R-T-8: answer within 1 day, decide within 3).
    pub special: bool,
    /// What is asked.
    pub summary: String,
    /// The matrix version it started under (0: the shipped preset); a later edit never changes
    /// its steps.
    pub policy_version: i64,
    /// The company whose override routed it; `null`: the group's matrix.
    pub policy_company_id: Option<String>,
    /// Its steps.
    pub steps: Vec<Step>,
    /// Users named per step.
    pub named_users: Vec<NamedUsers>,
    /// Where it stands.
    pub state: ApprovalState,
    /// 1, then one more per resubmission.
    pub round: i64,
    /// The step awaiting decisions (0-based), while pending.
    pub current_step: Option<i64>,
    /// The roles it still awaits.
    pub awaited_roles: Vec<Role>,
    /// Who prepared it.
    pub preparer_id: String,
    /// The comment of the last return.
    pub return_comment: Option<String>,
    /// Whether the caller may decide the current step now.
    pub can_decide: bool,
    /// The current step's R-T-8 clocks, computed now (on a single request; empty in lists).
    pub clocks: Vec<ClockView>,
    /// Every decision, oldest first (on `GET /api/v1/approvals/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decisions: Option<Vec<DecisionView>>,
    /// When it was submitted.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

/// Whether the caller may decide the request's current step now.
fn can_decide(caller: &Caller, r: &ApprovalRequest, decided: &[String]) -> bool {
    let Some((index, step)) = r.current_step() else { return false };
    let user = caller.principal.id();
    if user == r.preparer_id || decided.iter().any(|d| d == user) {
        return false;
    }
    let held = roles_over(&caller.grants, &r.company_id, &r.project_id, r.department_id.as_deref());
    let progress = Progress { step, named: r.named_for(index), approvals: &[] };
    matches!(progress.credit(user, &held), Credit::Counts(_))
}

fn view(
    caller: &Caller,
    (r, clocks): (ApprovalRequest, Vec<ClockNow>),
    decisions: Option<Vec<DecisionRecord>>,
) -> ApprovalView {
    let decided: Vec<String> =
        r.decided_by.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect();
    let can_decide = can_decide(caller, &r, &decided);
    let named_users = r
        .named_users
        .0
        .iter()
        .enumerate()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(step, ids)| NamedUsers { step, user_ids: ids.clone() })
        .collect();
    ApprovalView {
        current_step: (r.state == ApprovalState::Pending).then_some(r.step_index),
        awaited_roles: r.awaited(),
        can_decide,
        named_users,
        policy_company_id: (!r.policy_company_id.is_empty()).then(|| r.policy_company_id.clone()),
        id: r.id,
        document: r.document,
        complaint_id: r.complaint_id,
        project_id: r.project_id,
        company_id: r.company_id,
        department_id: r.department_id,
        subject_type: r.subject_type,
        subject_id: r.subject_id,
        grade: r.grade,
        amount_fen: r.amount_fen,
        to_grade: r.to_grade.0,
        special: r.special,
        summary: r.summary,
        policy_version: r.policy_version,
        steps: r.steps.0,
        state: r.state,
        round: r.round,
        preparer_id: r.preparer_id,
        return_comment: r.return_comment,
        clocks: clocks.into_iter().map(ClockView::from).collect(),
        decisions: decisions.map(|d| d.into_iter().map(DecisionView::from).collect()),
        created_at: local(r.created_at),
        updated_at: local(r.updated_at),
        version: r.version,
    }
}

page_type!(ApprovalPage, ApprovalView, "A page of approval requests.");

/// A request to submit. Name the complaint (its project and grade route it), or for a
/// key-account request the project.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"document": "final_plan", "complaint_id": "019ab2f1-0000-7000-8000-000000000051",
    "summary": "外墙渗水：重新做防水并赔偿室内损失", "special": false}))]
pub struct NewApprovalBody {
    /// The document kind (a fund disbursement is requested through its fund account).
    pub document: DocumentKind,
    /// The complaint.
    #[schema(min_length = 1, max_length = 64)]
    pub complaint_id: Option<String>,
    /// The project, when no complaint is named.
    #[schema(min_length = 1, max_length = 64)]
    pub project_id: Option<String>,
    /// The requesting department (a contact sheet's center: its head decides a step).
    #[schema(min_length = 1, max_length = 64)]
    pub department_id: Option<String>,
    /// The grade when no complaint is named (default `general`).
    pub grade: Option<Grade>,
    /// The amount in fen, when money is asked.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub amount_fen: Option<i64>,
    /// For `grade_lowering`: the lower grade the complaint takes once approved.
    pub to_grade: Option<Grade>,
    /// A special matter (R-T-8: answer within 1 day, decide within 3).
    #[serde(default)]
    pub special: bool,
    /// What is asked.
    #[schema(min_length = 1, max_length = 4000)]
    pub summary: String,
    /// Users named per step (R-AP-1: the VPs concerned countersign).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub named_users: Vec<NamedUsers>,
}

/// Checks text lengths and the named users; the pairs persistence takes.
pub fn named_pairs(named: Vec<NamedUsers>) -> Result<Vec<(usize, Vec<String>)>, ApiError> {
    let mut pairs: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, n) in named.into_iter().enumerate() {
        if n.user_ids.is_empty()
            || n.user_ids.len() > 20
            || n.user_ids.iter().any(|u| u.is_empty() || u.len() > 64)
        {
            return Err(ApiError::field(
                &format!("named_users[{i}].user_ids"),
                "invalid",
                "1 to 20 user ids",
            ));
        }
        if pairs.iter().any(|(s, _)| *s == n.step) {
            return Err(ApiError::field(
                &format!("named_users[{i}].step"),
                "duplicate",
                "each step once",
            ));
        }
        pairs.push((n.step, n.user_ids));
    }
    Ok(pairs)
}

/// The largest amount kefu takes, in fen (ten billion yuan): sums of them stay exact.
pub const MAX_FEN: i64 = 1_000_000_000_000;

/// Submit a document for approval (报批): routed now by the matrix in force for its company,
/// it keeps that route. The first step's R-T-8 clock starts (P1D; a special matter: answer
/// P1D, decide P3D).
#[utoipa::path(tag = "approvals", operation_id = "create_approval", security(("bearer" = [])),
    request_body = NewApprovalBody,
    responses((status = 201, description = "Submitted; `Location` and `ETag` are set", body = ApprovalView)))]
#[post("/api/v1/approvals")]
pub async fn create_approval(ctx: Ctx, body: Body<NewApprovalBody>) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    not_blank("summary", &b.summary)?;
    if b.amount_fen.is_some_and(|a| !(0..=MAX_FEN).contains(&a)) {
        return Err(ApiError::field("amount_fen", "out_of_range", "0 to 10^12 fen"));
    }
    let new = NewApproval {
        document: b.document,
        complaint_id: text_filter("complaint_id", b.complaint_id, 64)?,
        project_id: text_filter("project_id", b.project_id, 64)?,
        department_id: text_filter("department_id", b.department_id, 64)?,
        grade: b.grade,
        amount_fen: b.amount_fen,
        to_grade: b.to_grade,
        special: b.special,
        summary: b.summary,
        named_users: named_pairs(b.named_users)?,
    };
    let (read, write) =
        ctx.caller.scopes(Permission::ComplaintsRead, Permission::ComplaintsWork)?;
    let (now, caller) = (ctx.now(), ctx.caller.clone());
    let found =
        ctx.run(move |conn| Ok(approvals::submit(conn, (&read, &write), &new, now)?)).await?;
    let (location, version) = (format!("/api/v1/approvals/{}", found.0.id), found.0.version);
    Ok(created(location, version, &view(&caller, found, None)))
}

list_query!(
    /// Filters and paging of approval requests.
    ApprovalQuery {
        /// `me`: those whose current step awaits one of the caller's roles and that he has
        /// not decided (his inbox).
        #[param(pattern = "^me$")]
        assignee: Option<String>,
        /// Only in this state.
        state: Option<ApprovalState>,
        /// Only about this complaint.
        #[param(max_length = 64)]
        complaint_id: Option<String>,
        /// Only of this document kind.
        document: Option<DocumentKind>,
        /// Only of this project.
        #[param(max_length = 64)]
        project_id: Option<String>,
    }
);

/// The approval requests within reach; `?assignee=me&state=pending` is the caller's inbox.
#[utoipa::path(tag = "approvals", operation_id = "list_approvals", security(("bearer" = [])),
    params(ApprovalQuery),
    responses((status = 200, description = "A page of approval requests", body = ApprovalPage)))]
#[get("/api/v1/approvals")]
pub async fn list_approvals(
    ctx: Ctx,
    q: web::Query<ApprovalQuery>,
) -> ApiResult<web::Json<ApprovalPage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let assignee = match q.assignee.as_deref() {
        None => None,
        Some("me") => {
            let mut roles: Vec<Role> = ctx.caller.grants.iter().map(|g| g.role).collect();
            roles.sort_by_key(|r| r.as_str());
            roles.dedup();
            Some((ctx.caller.principal.id().to_owned(), roles))
        }
        Some(_) => return Err(ApiError::field("assignee", "invalid", "only `me` is supported")),
    };
    let filter = ApprovalFilter {
        assignee,
        state: q.state,
        complaint_id: text_filter("complaint_id", q.complaint_id, 64)?,
        document: q.document,
        project_id: text_filter("project_id", q.project_id, 64)?,
    };
    let (scope, caller) = (ctx.caller.scope(Permission::ComplaintsRead)?, ctx.caller.clone());
    let page = ctx.run(move |conn| Ok(approvals::list(conn, &scope, &filter, &req)?)).await?;
    Ok(web::Json(ApprovalPage::from_page(page, |r| view(&caller, (r, Vec::new()), None))))
}

/// One approval request with its current step's clocks and every decision.
#[utoipa::path(tag = "approvals", operation_id = "get_approval", security(("bearer" = [])),
    params(("id" = String, Path, description = "Approval request id")),
    responses((status = 200, description = "The request; `ETag` is set", body = ApprovalView)))]
#[get("/api/v1/approvals/{id}")]
pub async fn get_approval(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let (scope, now, caller) =
        (ctx.caller.scope(Permission::ComplaintsRead)?, ctx.now(), ctx.caller.clone());
    let (r, clocks, decisions) =
        ctx.run(move |conn| Ok(approvals::requests::get(conn, &scope, &id, now)?)).await?;
    let version = r.version;
    Ok(ok(version, &view(&caller, (r, clocks), Some(decisions))))
}

/// A decision on the current step.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "approve", "comment": "同意，按方案执行"}))]
pub struct DecisionBody {
    /// `approve`, `reject` (ends the request) or `return` (to the preparer; a comment is
    /// required).
    pub decision: Decision,
    /// Why.
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// Decide the current step (with `If-Match`). 403 `own_request` for the preparer, 403
/// `not_your_step` without one of its roles over the project (or not named for it), 409
/// `already_decided` the second time, 409 `approval_not_pending` once it ended. A countersign
/// step (`all`) completes when every role approved; the last step approves the request.
#[utoipa::path(tag = "approvals", operation_id = "decide_approval", security(("bearer" = [])),
    params(("id" = String, Path, description = "Approval request id")), request_body = DecisionBody,
    responses((status = 200, description = "The request after the decision; new `ETag`", body = ApprovalView)))]
#[post("/api/v1/approvals/{id}/decisions")]
pub async fn decide_approval(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<DecisionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let comment = match b.comment {
        Some(c) if c.trim().is_empty() => None,
        other => other,
    };
    if b.decision == Decision::Return && comment.is_none() {
        return Err(ApiError::field("comment", "required", "a return says why"));
    }
    let scope = ctx.caller.scope(Permission::ComplaintsRead)?;
    let (now, caller) = (ctx.now(), ctx.caller.clone());
    let grants = caller.grants.clone();
    let found = ctx
        .run(move |conn| {
            let decision = (b.decision, comment.as_deref());
            Ok(approvals::decide(conn, &scope, &grants, &id, if_match.0, decision, now)?)
        })
        .await?;
    Ok(ok(found.0.version, &view(&caller, found, None)))
}

/// A resubmission of a returned request.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"summary": "补充了维修报价单", "comment": "已按意见修改"}))]
pub struct ResubmissionBody {
    /// A new summary (default: unchanged).
    #[schema(min_length = 1, max_length = 4000)]
    pub summary: Option<String>,
    /// What changed.
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// Resubmit a returned request (its preparer, with `If-Match`): a new round from the first
/// step of the same route.
#[utoipa::path(tag = "approvals", operation_id = "resubmit_approval", security(("bearer" = [])),
    params(("id" = String, Path, description = "Approval request id")), request_body = ResubmissionBody,
    responses((status = 200, description = "The request, pending again; new `ETag`", body = ApprovalView)))]
#[post("/api/v1/approvals/{id}/resubmissions")]
pub async fn resubmit_approval(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<ResubmissionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    if let Some(s) = &b.summary {
        not_blank("summary", s)?;
    }
    let (read, write) =
        ctx.caller.scopes(Permission::ComplaintsRead, Permission::ComplaintsWork)?;
    let (now, caller) = (ctx.now(), ctx.caller.clone());
    let found = ctx
        .run(move |conn| {
            let texts = (b.summary.as_deref(), b.comment.as_deref());
            Ok(approvals::resubmit(conn, (&read, &write), &id, if_match.0, texts, now)?)
        })
        .await?;
    Ok(ok(found.0.version, &view(&caller, found, None)))
}
