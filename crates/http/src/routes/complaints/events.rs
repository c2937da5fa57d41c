//! Shared problems (共性问题) and major customer events (重大客户事件, R-EVT).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::Permission;
use kefu_persistence::{
    Conn,
    complaints::customer_events::{
        self, CustomerEvent,
        problem::{self, Problem},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    body::Body,
    ctx::{Ctx, Scopes},
    list::text_filter,
    list_query, page_type,
    problem::ApiResult,
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
    /// Its report (R-RP-5), once written.
    pub report: Option<String>,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<CustomerEvent> for CustomerEventView {
    fn from(e: CustomerEvent) -> Self {
        Self {
            id: e.id,
            project_id: e.project_id,
            company_id: e.company_id,
            problem_id: e.problem_id,
            rules: serde_json::from_str(&e.rules).unwrap_or_default(),
            title: e.title,
            state: e.state,
            opened_at: local(e.opened_at),
            report: e.report,
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
    ctx.list(READ, move |conn, scope| customer_events::list(conn, scope, project.as_deref(), &req))
        .await
}

/// One major customer event.
#[utoipa::path(tag = "complaints", operation_id = "get_customer_event", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer event id")),
    responses((status = 200, description = "The customer event; `ETag` is set", body = CustomerEventView)))]
#[get("/api/v1/customer-events/{id}")]
pub async fn get_customer_event(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    ctx.one(
        READ,
        move |conn, scope| customer_events::get(conn, scope, &id),
        CustomerEventView::from,
    )
    .await
}
