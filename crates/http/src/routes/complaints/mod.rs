//! Complaints (投诉), early warnings and front-desk requests: intake, the list, one complaint
//! with its clocks, its transitions and its timeline (RULES.md §1–§4).

pub mod attachments;
pub mod dto;
pub mod events;
pub mod export;
pub mod work_orders;

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use kefu_domain::{
    access::Permission,
    complaint::{Command, ComplaintAction, FieldProblem, LifecycleError, allowed_actions_for},
    ids::{CustomerId, UserId},
};
use kefu_persistence::{
    complaints::{
        self, Complaint, ComplaintFilter, ComplaintPatch, ComplaintSort, EventRecord, Intake,
        IntakeError, TransitionError,
    },
    scope::Scope,
    sla::ClockNow,
};

use self::dto::{
    ComplaintEventView, ComplaintEvents, ComplaintOrder, ComplaintPage, ComplaintPatchBody,
    ComplaintQuery, ComplaintView, NewComplaint, NewNote, TransitionRequest,
};
use super::calendars::instant_param;
use crate::{
    auth::{Caller, Principal},
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    list::text_filter,
    problem::{ApiError, ApiResult, FieldError},
    respond::{created, ok},
    time::local,
};

fn invalid(problems: Vec<FieldProblem>) -> ApiError {
    ApiError::Validation(
        problems.into_iter().map(|p| FieldError::new(p.field, p.code, p.message)).collect(),
    )
}

impl From<IntakeError> for ApiError {
    fn from(e: IntakeError) -> Self {
        match e {
            IntakeError::Invalid(problems) => invalid(problems),
            IntakeError::Store(e) => e.into(),
        }
    }
}

impl From<TransitionError> for ApiError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::Lifecycle(LifecycleError::NotAllowed { state, action, allowed }) => {
                ApiError::ActionNotAllowed {
                    state: state.as_str(),
                    action: action.as_str(),
                    allowed: allowed.iter().map(|a| a.as_str()).collect(),
                }
            }
            TransitionError::Lifecycle(LifecycleError::Invalid(problems)) => invalid(problems),
            TransitionError::Store(e) => e.into(),
            TransitionError::ApprovalPending(Some(pending)) => {
                crate::routes::approvals::pending(&pending)
            }
            TransitionError::ApprovalPending(None) => ApiError::Refused(
                actix_web::http::StatusCode::CONFLICT,
                "approval_required",
                "approve_plan waits for an approved final_plan request: submit one with \
                 POST /api/v1/approvals"
                    .to_owned(),
            ),
        }
    }
}

/// The actions the complaint's state allows and the caller's grants reach.
fn actions_for(caller: &Caller, complaint: &Complaint) -> Vec<ComplaintAction> {
    let place = complaint.place();
    allowed_actions_for(&complaint.snapshot(), |permission| {
        caller.scope(permission).is_ok_and(|scope| scope.require(&place).is_ok())
    })
}

fn view(caller: &Caller, (complaint, clocks): (Complaint, Vec<ClockNow>)) -> ComplaintView {
    let actions = actions_for(caller, &complaint);
    ComplaintView::new(complaint, clocks, actions)
}

/// 200 with the complaint's `ETag`.
fn answer(caller: &Caller, found: (Complaint, Vec<ClockNow>)) -> HttpResponse {
    let version = found.0.version;
    ok(version, &view(caller, found))
}

/// The command a flat transition request (`{"action": …, …payload}`) stands for: a 422
/// naming the field its action needs and lacks (`action` for anything else).
pub(crate) fn command_of<T: serde::de::DeserializeOwned>(
    request: &impl serde::Serialize,
) -> Result<T, ApiError> {
    let value = serde_json::to_value(request).map_err(|e| ApiError::Internal(e.to_string()))?;
    serde_json::from_value(value).map_err(|e| {
        let message = e.to_string();
        let field = message
            .split('`')
            .nth(1)
            .filter(|_| message.starts_with("missing field"))
            .unwrap_or("action")
            .to_owned();
        ApiError::Validation(vec![FieldError::new(field, "required", message)])
    })
}

/// A reference in another system: `source_system` and `external_ref` come together or not at
/// all (422 naming the one missing).
fn external_ref(
    system: Option<String>,
    reference: Option<String>,
) -> Result<Option<(String, String)>, ApiError> {
    match (system, reference) {
        (Some(system), Some(reference)) => Ok(Some((system, reference))),
        (None, None) => Ok(None),
        (system, _) => {
            let field = if system.is_some() { "external_ref" } else { "source_system" };
            Err(ApiError::field(field, "required", "source_system and external_ref go together"))
        }
    }
}

fn optional_instant(name: &str, value: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    value.map(|v| instant_param(name, v)).transpose()
}

/// Receive a complaint, an early warning or a front-desk request (R-IN): graded, numbered, its
/// clocks started. `Idempotency-Key` makes a retry safe.
#[utoipa::path(tag = "complaints", operation_id = "create_complaint", security(("bearer" = [])),
    request_body = NewComplaint,
    responses((status = 201, description = "Received; `Location` and `ETag` are set", body = ComplaintView)))]
#[post("/api/v1/complaints")]
pub async fn create_complaint(ctx: Ctx, body: Body<NewComplaint>) -> ApiResult<HttpResponse> {
    let (b, now) = (body.into_inner(), ctx.now());
    let (read, write) =
        ctx.caller.scopes(Permission::ComplaintsRead, Permission::ComplaintsReceive)?;
    let received_by = match (&b.received_by, &ctx.caller.principal) {
        (Some(user), _) => user.clone(),
        (None, Principal::User(me)) => me.clone(),
        (None, Principal::Client(_)) => {
            return Err(ApiError::field(
                "received_by",
                "required",
                "an integration client names the user who received it",
            ));
        }
    };
    let external = external_ref(b.source_system, b.external_ref)?;
    let intake = Intake {
        kind: b.kind,
        channel: b.channel,
        project_id: b.project_id,
        customer_id: b.customer_id.map(CustomerId::from),
        warning_source: b.warning_source,
        unit_id: b.unit_id,
        category: b.category,
        description: b.description,
        amount_claimed_fen: b.amount_claimed_fen.unwrap_or(0),
        flags: dedup(b.flags),
        received_at: optional_instant("received_at", b.received_at.as_deref())?,
        received_by: UserId::from(received_by),
        problem_id: b.problem_id,
        external,
        negotiated: (
            optional_instant("negotiated_due", b.negotiated_due.as_deref())?,
            b.agreed_by.map(UserId::from),
        ),
    };
    let caller = ctx.caller.clone();
    let found =
        ctx.run(move |conn| Ok(complaints::receive(conn, (&read, &write), &intake, now)?)).await?;
    let (location, version) = (format!("/api/v1/complaints/{}", found.0.id), found.0.version);
    Ok(created(location, version, &view(&caller, found)))
}

fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// List the complaints within the caller's reach, each with its clocks; `format=csv` or
/// `format=xlsx` (or the `Accept` header) exports every complaint of the filter with Chinese
/// column labels (CSV streamed page by page).
#[utoipa::path(tag = "complaints", operation_id = "list_complaints", security(("bearer" = [])),
    params(ComplaintQuery), responses((status = 200, description = "A page of complaints, or all of them as CSV or a workbook", content(
        (ComplaintPage = "application/json"),
        (String = "text/csv", example = "\u{feff}ID,编号,类型,渠道,等级,类别,状态,公司ID,项目ID,责任部门ID,受理日期,受理时间,索赔金额（分）,描述\r\n"),
        (ComplaintWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
#[get("/api/v1/complaints")]
pub async fn list_complaints(
    ctx: Ctx,
    req: HttpRequest,
    q: web::Query<ComplaintQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let format = crate::export::Format::choose(q.format.as_deref(), &req)?;
    let list = q.list_request()?;
    let owner_id = match text_filter("owner_id", q.owner_id, 64)? {
        Some(me) if me == "me" => Some(ctx.caller.principal.id().to_owned()),
        other => other,
    };
    let instant = |name: &str, v: Option<String>| {
        optional_instant(name, v.as_deref()).map(|at| at.map(|at| at.naive_utc()))
    };
    let filter = ComplaintFilter {
        project_id: text_filter("project_id", q.project_id, 64)?,
        company_id: text_filter("company_id", q.company_id, 64)?,
        kind: q.kind,
        grade: q.grade,
        state: q.state,
        owner_id,
        customer_id: text_filter("customer_id", q.customer_id, 64)?,
        received_from: instant("received_from", q.received_from)?,
        received_to: instant("received_to", q.received_to)?,
        category: q.category,
        channel: q.channel,
        department_id: text_filter("department_id", q.department_id, 64)?,
        q: text_filter("q", q.q, 100)?.filter(|t| !t.trim().is_empty()),
        external: external_ref(
            text_filter("source_system", q.source_system, 64)?,
            text_filter("external_ref", q.external_ref, 128)?,
        )?,
        problem_id: text_filter("problem_id", q.problem_id, 64)?,
        overdue: q.overdue,
        sort: match q.sort {
            None => ComplaintSort::Recorded,
            Some(ComplaintOrder::ReceivedAt) => ComplaintSort::ReceivedAt,
            Some(ComplaintOrder::ReceivedAtDesc) => ComplaintSort::ReceivedAtDesc,
            Some(ComplaintOrder::Due) => ComplaintSort::Due,
        },
    };
    let (scope, now, caller) =
        (ctx.caller.scope(Permission::ComplaintsRead)?, ctx.now(), ctx.caller.clone());
    if format != crate::export::Format::Json {
        return export::answer(ctx, format, (scope, filter), now).await;
    }
    let page =
        ctx.run(move |conn| Ok(complaints::list(conn, &scope, &filter, &list, now)?)).await?;
    Ok(HttpResponse::Ok().json(ComplaintPage::from_page(page, |item| view(&caller, item))))
}

/// The complaint list as a spreadsheet (`format=xlsx`).
#[derive(Debug, utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct ComplaintWorkbook(Vec<u8>);

/// One complaint with its clocks (computed now) and the actions open to the caller.
#[utoipa::path(tag = "complaints", operation_id = "get_complaint", security(("bearer" = [])),
    params(("id" = String, Path, description = "Complaint id")),
    responses((status = 200, description = "The complaint; `ETag` is set", body = ComplaintView)))]
#[get("/api/v1/complaints/{id}")]
pub async fn get_complaint(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let (scope, now, caller) =
        (ctx.caller.scope(Permission::ComplaintsRead)?, ctx.now(), ctx.caller.clone());
    let found =
        ctx.run(move |conn| Ok(complaints::get_with_clocks(conn, &scope, &id, now)?)).await?;
    Ok(answer(&caller, found))
}

/// Take an action on a complaint (with `If-Match`): `{"action": "...", ...payload}`. A stale
/// `If-Match` is 412, a missing one 428; an action its state does not allow is 409
/// `action_not_allowed` naming the `state` and the `allowed_actions`; one the caller may not
/// take is 403.
#[utoipa::path(tag = "complaints", operation_id = "transition_complaint", security(("bearer" = [])),
    params(("id" = String, Path, description = "Complaint id")), request_body = TransitionRequest,
    responses((status = 200, description = "The complaint after the action; new `ETag`", body = ComplaintView)))]
#[post("/api/v1/complaints/{id}/transitions")]
pub async fn transition_complaint(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<TransitionRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.into_inner();
    let command: Command = command_of(&request)?;
    let read = ctx.caller.scope(Permission::ComplaintsRead)?;
    let write: Option<Scope> = ctx.caller.scope(request.action.permission()).ok();
    let (now, caller) = (ctx.now(), ctx.caller.clone());
    let found = ctx
        .run(move |conn| {
            let id = id.into_inner();
            Ok(complaints::transition(
                conn,
                (&read, write.as_ref()),
                &id,
                if_match.0,
                &command,
                now,
            )?)
        })
        .await?;
    Ok(answer(&caller, found))
}

/// The complaint's whole timeline, oldest first: intake, every action with its payload.
#[utoipa::path(tag = "complaints", operation_id = "list_complaint_events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Complaint id")),
    responses((status = 200, description = "The timeline", body = ComplaintEvents)))]
#[get("/api/v1/complaints/{id}/events")]
pub async fn list_complaint_events(
    ctx: Ctx,
    id: web::Path<String>,
) -> ApiResult<web::Json<ComplaintEvents>> {
    let scope = ctx.caller.scope(Permission::ComplaintsRead)?;
    let events = ctx.run(move |conn| Ok(complaints::events(conn, &scope, &id)?)).await?;
    Ok(web::Json(ComplaintEvents { items: events.into_iter().map(event_view).collect() }))
}

fn event_view(e: EventRecord) -> ComplaintEventView {
    ComplaintEventView {
        id: e.id,
        complaint_id: e.complaint_id,
        at: local(e.at),
        actor_kind: e.actor_kind,
        actor_id: e.actor_id,
        kind: e.kind,
        action: e.action,
        from_state: e.from_state,
        to_state: e.to_state,
        payload: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null),
    }
}

/// Change a complaint (with `If-Match`): its facts (re-graded), its responsible department, its
/// people. Lowering the grade is refused (409) until approvals exist.
#[utoipa::path(tag = "complaints", operation_id = "update_complaint", security(("bearer" = [])),
    params(("id" = String, Path, description = "Complaint id")), request_body = ComplaintPatchBody,
    responses((status = 200, description = "The changed complaint; new `ETag`", body = ComplaintView)))]
#[patch("/api/v1/complaints/{id}")]
pub async fn update_complaint(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<ComplaintPatchBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let patch = ComplaintPatch {
        description: b.description,
        category: b.category,
        amount_claimed_fen: b.amount_claimed_fen,
        flags: b.flags.map(dedup),
        unit_id: b.unit_id,
        responsible_department_id: b.responsible_department_id,
        owner_id: b.owner_id,
        tracker_id: b.tracker_id,
        callback_owner_id: b.callback_owner_id,
        grade: b.grade,
        grade_reason: b.grade_reason,
    };
    let (read, write) =
        ctx.caller.scopes(Permission::ComplaintsRead, Permission::ComplaintsWork)?;
    let (now, caller) = (ctx.now(), ctx.caller.clone());
    let found = ctx
        .run(move |conn| {
            Ok(complaints::patch(conn, (&read, &write), &id, if_match.0, &patch, now)?)
        })
        .await?;
    Ok(answer(&caller, found))
}

/// Add an internal note to a complaint's timeline.
#[utoipa::path(tag = "complaints", operation_id = "create_complaint_note", security(("bearer" = [])),
    params(("id" = String, Path, description = "Complaint id")), request_body = NewNote,
    responses((status = 201, description = "The note as it stands on the timeline", body = ComplaintEventView)))]
#[post("/api/v1/complaints/{id}/notes")]
pub async fn create_complaint_note(
    ctx: Ctx,
    id: web::Path<String>,
    body: Body<NewNote>,
) -> ApiResult<HttpResponse> {
    let text = body.into_inner().text;
    let (read, write) =
        ctx.caller.scopes(Permission::ComplaintsRead, Permission::ComplaintsWork)?;
    let now = ctx.now();
    let note = ctx
        .run(move |conn| Ok(complaints::add_note(conn, (&read, &write), &id, &text, now)?))
        .await?;
    let location = format!("/api/v1/complaints/{}/events", note.complaint_id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(event_view(note)))
}
