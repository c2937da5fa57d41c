//! Shared problems (共性问题) and major customer events (重大客户事件, R-EVT).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::Permission;
use kefu_persistence::{
    Conn,
    complaints::customer_events::{
        self, CustomerEvent, EventReport,
        problem::{self, Problem},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    body::Body,
    ctx::{Ctx, Scopes},
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::ApiResult,
    respond::ok,
    time::local,
};

const READ: Permission = Permission::ComplaintsRead;
const WORK: (Permission, Permission) = (Permission::ComplaintsRead, Permission::ComplaintsWork);

/// A shared problem as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000061", "project_id": "019ab2f1-0000-7000-8000-000000000012",
    "company_id": "019ab2f1-0000-7000-8000-000000000011", "title": "3号楼外墙渗水", "customer_event_id": null,
    "created_at": "2026-11-23T09:00:00+08:00", "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct ProblemView {
    /// UUIDv7.
    pub id: String,
    /// Its project.
    pub project_id: String,
    /// The project's company.
    pub company_id: String,
    /// What it is.
    pub title: String,
    /// The major customer event it opened (R-EVT-1), once enough households named it.
    pub customer_event_id: Option<String>,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<Problem> for ProblemView {
    fn from(p: Problem) -> Self {
        Self {
            id: p.id,
            project_id: p.project_id,
            company_id: p.company_id,
            title: p.title,
            customer_event_id: p.customer_event_id,
            created_at: local(p.created_at),
            updated_at: local(p.updated_at),
            version: p.version,
        }
    }
}

page_type!(ProblemPage, ProblemView, "A page of shared problems.");

/// A shared problem to record.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"project_id": "019ab2f1-0000-7000-8000-000000000012", "title": "3号楼外墙渗水"}))]
pub struct NewProblem {
    /// Its project.
    #[schema(min_length = 1, max_length = 64)]
    pub project_id: String,
    /// What it is.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
}

/// A major customer event as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000071", "project_id": "019ab2f1-0000-7000-8000-000000000012",
    "company_id": "019ab2f1-0000-7000-8000-000000000011", "problem_id": "019ab2f1-0000-7000-8000-000000000061",
    "rules": ["R-EVT-1"], "title": "3号楼外墙渗水", "state": "open", "opened_at": "2026-11-23T09:00:00+08:00",
    "complaint_ids": ["019ab2f1-0000-7000-8000-000000000051"],
    "report": null, "created_at": "2026-11-23T09:00:00+08:00", "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct CustomerEventView {
    /// UUIDv7.
    pub id: String,
    /// Its project.
    pub project_id: String,
    /// The project's company.
    pub company_id: String,
    /// The shared problem that opened it (R-EVT-1).
    pub problem_id: Option<String>,
    /// The rules that opened it.
    pub rules: Vec<String>,
    /// What it is about.
    pub title: String,
    /// `open`, `reported` or `closed`.
    pub state: String,
    /// When it opened.
    pub opened_at: DateTime<FixedOffset>,
    /// Its complaints, oldest first.
    pub complaint_ids: Vec<String>,
    /// Its report (R-RP-5), once submitted.
    pub report: Option<EventReportView>,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

/// The report of a major customer event (重大客户事件报告, R-RP-5): event type, description,
/// handling result, submitting department, author, time (000 annex 2).
#[derive(Debug, Serialize, ToSchema)]
pub struct EventReportView {
    /// The kinds of event, from the rules that opened it: `group_complaint` (R-EVT-1),
    /// `large_loss` (R-EVT-2), `media` (R-EVT-3), `litigation` (R-EVT-4).
    pub event_types: Vec<String>,
    /// What happened.
    pub description: String,
    /// How it was handled, and where it stands.
    pub handling_result: String,
    /// The department that submits it.
    pub submitting_department_id: String,
    /// Who wrote it.
    pub author_id: Option<String>,
    /// When it was submitted.
    pub reported_at: DateTime<FixedOffset>,
}

impl From<EventReport> for EventReportView {
    fn from(r: EventReport) -> Self {
        Self {
            event_types: r.event_types,
            description: r.description,
            handling_result: r.handling_result,
            submitting_department_id: r.submitting_department_id,
            author_id: r.author_id,
            reported_at: local(r.reported_at),
        }
    }
}

impl CustomerEventView {
    /// The view of an event with its complaints.
    fn new((e, complaint_ids): (CustomerEvent, Vec<String>)) -> Self {
        Self {
            complaint_ids,
            id: e.id,
            project_id: e.project_id,
            company_id: e.company_id,
            problem_id: e.problem_id,
            rules: serde_json::from_str(&e.rules).unwrap_or_default(),
            title: e.title,
            state: e.state,
            opened_at: local(e.opened_at),
            report: e
                .report
                .as_deref()
                .and_then(|r| serde_json::from_str::<EventReport>(r).ok())
                .map(EventReportView::from),
            created_at: local(e.created_at),
            updated_at: local(e.updated_at),
            version: e.version,
        }
    }
}

page_type!(CustomerEventPage, CustomerEventView, "A page of major customer events.");

list_query!(
    /// Filters and paging of problems and customer events.
    ByProjectQuery {
        /// Only this project's.
        #[param(max_length = 64)]
        project_id: Option<String>,
    }
);

/// Record a shared problem that several households may complain about (R-EVT-1).
#[utoipa::path(tag = "complaints", operation_id = "create_problem", security(("bearer" = [])),
    request_body = NewProblem,
    responses((status = 201, description = "Recorded; `Location` and `ETag` are set", body = ProblemView)))]
#[post("/api/v1/problems")]
pub async fn create_problem(ctx: Ctx, body: Body<NewProblem>) -> ApiResult<HttpResponse> {
    let (new, now) = (body.into_inner(), ctx.now());
    let make = move |conn: &mut Conn, s: Scopes| {
        problem::create(conn, s.pair(), &new.project_id, &new.title, now)
    };
    ctx.create((WORK, "/api/v1/problems"), make, ProblemView::from).await
}

/// List the shared problems within the caller's reach.
#[utoipa::path(tag = "complaints", operation_id = "list_problems", security(("bearer" = [])),
    params(ByProjectQuery), responses((status = 200, description = "A page of problems", body = ProblemPage)))]
#[get("/api/v1/problems")]
pub async fn list_problems(
    ctx: Ctx,
    q: web::Query<ByProjectQuery>,
) -> ApiResult<web::Json<ProblemPage>> {
    let (req, project) = (q.list_request()?, text_filter("project_id", q.project_id.clone(), 64)?);
    ctx.list(READ, move |conn, scope| problem::list(conn, scope, project.as_deref(), &req)).await
}

/// One shared problem.
#[utoipa::path(tag = "complaints", operation_id = "get_problem", security(("bearer" = [])),
    params(("id" = String, Path, description = "Problem id")),
    responses((status = 200, description = "The problem; `ETag` is set", body = ProblemView)))]
#[get("/api/v1/problems/{id}")]
pub async fn get_problem(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    ctx.one(READ, move |conn, scope| problem::get(conn, scope, &id), ProblemView::from).await
}

/// List the major customer events within the caller's reach.
#[utoipa::path(tag = "complaints", operation_id = "list_customer_events", security(("bearer" = [])),
    params(ByProjectQuery), responses((status = 200, description = "A page of customer events", body = CustomerEventPage)))]
#[get("/api/v1/customer-events")]
pub async fn list_customer_events(
    ctx: Ctx,
    q: web::Query<ByProjectQuery>,
) -> ApiResult<web::Json<CustomerEventPage>> {
    let (req, project) = (q.list_request()?, text_filter("project_id", q.project_id.clone(), 64)?);
    let scope = ctx.caller.scope(READ)?;
    let page = ctx
        .run(move |conn| {
            let page = customer_events::list(conn, &scope, project.as_deref(), &req)?;
            let ids: Vec<&str> = page.items.iter().map(|e| e.id.as_str()).collect();
            let mut members = customer_events::members(conn, &ids)?;
            Ok(page.map(|e| {
                let mine = members.remove(&e.id).unwrap_or_default();
                (e, mine)
            }))
        })
        .await?;
    Ok(web::Json(CustomerEventPage::from_page(page, CustomerEventView::new)))
}

/// One major customer event.
#[utoipa::path(tag = "complaints", operation_id = "get_customer_event", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer event id")),
    responses((status = 200, description = "The customer event; `ETag` is set", body = CustomerEventView)))]
#[get("/api/v1/customer-events/{id}")]
pub async fn get_customer_event(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(READ)?;
    let found =
        ctx.run(move |conn| Ok(customer_events::get_with_members(conn, &scope, &id)?)).await?;
    Ok(ok(found.0.version, &CustomerEventView::new(found)))
}

/// A customer event's timeline, oldest first: every entry of its complaints' timelines (each
/// names its `complaint_id`), from their intake to the event's joining and on.
#[utoipa::path(tag = "complaints", operation_id = "list_customer_event_events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer event id")),
    responses((status = 200, description = "The timeline", body = super::dto::ComplaintEvents)))]
#[get("/api/v1/customer-events/{id}/events")]
pub async fn list_customer_event_events(
    ctx: Ctx,
    id: web::Path<String>,
) -> ApiResult<web::Json<super::dto::ComplaintEvents>> {
    let scope = ctx.caller.scope(READ)?;
    let found = ctx.run(move |conn| Ok(customer_events::timeline_of(conn, &scope, &id)?)).await?;
    Ok(web::Json(super::dto::ComplaintEvents {
        items: found.into_iter().map(super::event_view).collect(),
    }))
}

/// The report of a major customer event (R-RP-5), due at once.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "3号楼12户业主集体投诉外墙渗水，部分业主在论坛发帖",
    "handling_result": "已与业主代表协商整改方案，施工单位10月20日前完成整改",
    "submitting_department_id": "019ab2f1-0000-7000-8000-000000000021"}))]
pub struct NewEventReport {
    /// What happened.
    #[schema(min_length = 1, max_length = 4000)]
    pub description: String,
    /// How it was handled, and where it stands.
    #[schema(min_length = 1, max_length = 4000)]
    pub handling_result: String,
    /// The department that submits it, of the event's company.
    #[schema(min_length = 1, max_length = 64)]
    pub submitting_department_id: String,
}

/// Submit the report of a major customer event (with `If-Match`; R-RP-5): its event types come
/// from the rules that opened it, its author and time from the request. Submitting again
/// replaces it; the event is `reported`.
#[utoipa::path(tag = "complaints", operation_id = "report_customer_event", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer event id")), request_body = NewEventReport,
    responses((status = 200, description = "The event with its report; new `ETag`", body = CustomerEventView)))]
#[post("/api/v1/customer-events/{id}/report")]
pub async fn report_customer_event(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<NewEventReport>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    for (field, text) in [("description", &b.description), ("handling_result", &b.handling_result)]
    {
        crate::body::not_blank(field, text)?;
    }
    let (read, write) = ctx.caller.scopes(WORK.0, WORK.1)?;
    let now = ctx.now();
    let found = ctx
        .run(move |conn| {
            let text = (b.description.as_str(), b.handling_result.as_str());
            let facts = (text.0, text.1, b.submitting_department_id.as_str());
            Ok(customer_events::report(conn, (&read, &write), &id, if_match.0, facts, now)?)
        })
        .await?;
    Ok(ok(found.0.version, &CustomerEventView::new(found)))
}
