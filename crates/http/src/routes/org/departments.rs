//! Departments (部门) of a company, each with a coordinator (接口人) for work orders (R-WO-1).

use actix_web::{HttpResponse, get, http::StatusCode, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::Permission;
use kefu_persistence::{
    ids::from_db,
    org::departments::{self, Changes, Department, Filter, NewDepartment},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::scopes;
use crate::{
    auth::Caller,
    body::Body,
    etag::IfMatch,
    list::{page_request, text_filter},
    page_type,
    problem::ApiResult,
    respond::{created, tagged},
    state::AppState,
    time::local,
};

/// What a department does (R-WO-1).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentKind {
    /// Customer center (客户中心).
    CustomerCenter,
    /// Production / engineering (工程).
    Engineering,
    /// Marketing (营销).
    Marketing,
    /// Cost control (成本).
    CostControl,
    /// Finance (财务).
    Finance,
    /// Administration (行政).
    Administration,
    /// Property service center (物业服务中心).
    PropertyService,
    /// Sales (销售).
    Sales,
    /// Brokerage (经纪).
    Brokerage,
    /// Anything else.
    Other,
}

impl DepartmentKind {
    /// The stored name.
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// A department as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f2-3333-7000-8000-000000000051",
    "company_id": "019ab2f1-0000-7000-8000-000000000011", "name": "工程部", "kind": "engineering",
    "coordinator_id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10", "archived": false,
    "created_at": "2026-11-23T09:00:00+08:00", "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct DepartmentView {
    /// UUIDv7.
    pub id: String,
    /// Its company.
    pub company_id: String,
    /// Unique within the company.
    pub name: String,
    /// What it does.
    pub kind: String,
    /// The coordinator (a user id).
    pub coordinator_id: Option<String>,
    /// Whether it is archived.
    pub archived: bool,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<Department> for DepartmentView {
    fn from(d: Department) -> Self {
        Self {
            archived: d.archived_at.is_some(),
            created_at: local(from_db(d.created_at)),
            updated_at: local(from_db(d.updated_at)),
            id: d.id,
            company_id: d.company_id,
            name: d.name,
            kind: d.kind,
            coordinator_id: d.coordinator_id,
            version: d.version,
        }
    }
}

page_type!(DepartmentPage, DepartmentView, "A page of departments.");

/// A department to create.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"company_id": "019ab2f1-0000-7000-8000-000000000011", "name": "工程部",
    "kind": "engineering", "coordinator_id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10"}))]
pub struct NewDepartmentRequest {
    /// The company it belongs to.
    #[schema(min_length = 1, max_length = 64)]
    pub company_id: String,
    /// Unique within the company.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// What it does.
    pub kind: DepartmentKind,
    /// Its coordinator, a user of the group.
    #[schema(min_length = 1, max_length = 64)]
    pub coordinator_id: Option<String>,
}

/// Changes to a department; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"coordinator_id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10"}))]
pub struct DepartmentPatch {
    /// A new name.
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// A new kind.
    pub kind: Option<DepartmentKind>,
    /// A new coordinator.
    #[schema(min_length = 1, max_length = 64)]
    pub coordinator_id: Option<String>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

/// Filters and paging of the department list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DepartmentQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 200, pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
    /// Only this company's departments.
    #[param(max_length = 64)]
    pub company_id: Option<String>,
    /// Only this kind.
    pub kind: Option<DepartmentKind>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// Create a department in a company (`OrgWrite` over the company).
#[utoipa::path(tag = "org", operation_id = "create_department", security(("bearer" = [])),
    request_body = NewDepartmentRequest,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = DepartmentView)))]
#[post("/api/v1/org/departments")]
pub async fn create_department(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<NewDepartmentRequest>,
) -> ApiResult<HttpResponse> {
    let (read, write) = scopes(&caller)?;
    let r = body.into_inner();
    let new = NewDepartment {
        company_id: r.company_id,
        name: r.name,
        kind: r.kind.as_str(),
        coordinator_id: r.coordinator_id,
    };
    let now = state.clock.now();
    let d = state.run(move |conn| Ok(departments::create(conn, &read, &write, &new, now)?)).await?;
    Ok(created(format!("/api/v1/org/departments/{}", d.id), d.version, &DepartmentView::from(d)))
}

/// List the departments within the caller's reach.
#[utoipa::path(tag = "org", operation_id = "list_departments", security(("bearer" = [])),
    params(DepartmentQuery),
    responses((status = 200, description = "A page of departments", body = DepartmentPage)))]
#[get("/api/v1/org/departments")]
pub async fn list_departments(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<DepartmentQuery>,
) -> ApiResult<web::Json<DepartmentPage>> {
    let scope = caller.scope(Permission::OrgRead)?;
    let q = query.into_inner();
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = Filter {
        company_id: text_filter("company_id", q.company_id, 64)?,
        kind: q.kind.map(DepartmentKind::as_str),
        archived: q.archived,
    };
    let found = state.run(move |conn| Ok(departments::list(conn, &scope, &filter, &page)?)).await?;
    Ok(web::Json(DepartmentPage::from_page(found, DepartmentView::from)))
}

/// One department.
#[utoipa::path(tag = "org", operation_id = "get_department", security(("bearer" = [])),
    params(("id" = String, Path, description = "Department id")),
    responses((status = 200, description = "The department; `ETag` is set", body = DepartmentView)))]
#[get("/api/v1/org/departments/{id}")]
pub async fn get_department(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let scope = caller.scope(Permission::OrgRead)?;
    let d = state.run(move |conn| Ok(departments::get(conn, &scope, &id)?)).await?;
    Ok(tagged(StatusCode::OK, d.version, &DepartmentView::from(d)))
}

/// Change, archive or restore a department (with `If-Match`).
#[utoipa::path(tag = "org", operation_id = "update_department", security(("bearer" = [])),
    params(("id" = String, Path, description = "Department id")), request_body = DepartmentPatch,
    responses((status = 200, description = "The changed department; new `ETag`", body = DepartmentView)))]
#[patch("/api/v1/org/departments/{id}")]
pub async fn update_department(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body<DepartmentPatch>,
) -> ApiResult<HttpResponse> {
    let (read, write) = scopes(&caller)?;
    let p = body.into_inner();
    let changes = Changes {
        name: p.name,
        kind: p.kind.map(DepartmentKind::as_str),
        coordinator_id: p.coordinator_id,
        archived: p.archived,
    };
    let now = state.clock.now();
    let d = state
        .run(move |conn| {
            Ok(departments::update(conn, &read, &write, &id, if_match.0, &changes, now)?)
        })
        .await?;
    Ok(tagged(StatusCode::OK, d.version, &DepartmentView::from(d)))
}
