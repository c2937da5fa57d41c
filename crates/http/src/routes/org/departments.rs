//! Departments (部门) of a company, each with a coordinator (接口人) for work orders (R-WO-1).

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::org::DepartmentKind;
use kefu_persistence::{
    Conn,
    org::{
        archive,
        departments::{self, Department, DepartmentChanges, DepartmentFilter, NewDepartment},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::ORG;
use crate::{
    body::Body,
    ctx::{Ctx, Scopes},
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::ApiResult,
    time::local,
};

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
    pub kind: DepartmentKind,
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
            created_at: local(d.created_at),
            updated_at: local(d.updated_at),
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

list_query!(
    /// Filters and paging of the department list.
    DepartmentQuery {
        /// Only this company's departments.
        #[param(max_length = 64)]
        company_id: Option<String>,
        /// Only this kind.
        kind: Option<DepartmentKind>,
        /// Only archived (`true`) or only current (`false`) ones.
        archived: Option<bool>,
    }
);

/// Create a department in a company (`OrgWrite` over the company).
#[utoipa::path(tag = "org", operation_id = "create_department", security(("bearer" = [])),
    request_body = NewDepartmentRequest,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = DepartmentView)))]
#[post("/api/v1/org/departments")]
pub async fn create_department(
    ctx: Ctx,
    body: Body<NewDepartmentRequest>,
) -> ApiResult<HttpResponse> {
    let (r, now) = (body.into_inner(), ctx.now());
    let new = NewDepartment {
        company_id: r.company_id,
        name: r.name,
        kind: r.kind,
        coordinator_id: r.coordinator_id,
    };
    ctx.create(
        (ORG, "/api/v1/org/departments"),
        move |conn: &mut Conn, s: Scopes| departments::create(conn, s.pair(), &new, now),
        DepartmentView::from,
    )
    .await
}

/// List the departments within the caller's reach.
#[utoipa::path(tag = "org", operation_id = "list_departments", security(("bearer" = [])),
    params(DepartmentQuery),
    responses((status = 200, description = "A page of departments", body = DepartmentPage)))]
#[get("/api/v1/org/departments")]
pub async fn list_departments(
    ctx: Ctx,
    q: web::Query<DepartmentQuery>,
) -> ApiResult<web::Json<DepartmentPage>> {
    let filter = DepartmentFilter {
        company_id: text_filter("company_id", q.company_id.clone(), 64)?,
        kind: q.kind,
        archived: q.archived,
    };
    let req = q.list_request()?;
    ctx.list(ORG.0, move |conn, scope| departments::list(conn, scope, &filter, &req)).await
}

/// One department.
#[utoipa::path(tag = "org", operation_id = "get_department", security(("bearer" = [])),
    params(("id" = String, Path, description = "Department id")),
    responses((status = 200, description = "The department; `ETag` is set", body = DepartmentView)))]
#[get("/api/v1/org/departments/{id}")]
pub async fn get_department(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    ctx.one(ORG.0, move |conn, scope| departments::get(conn, scope, &id), DepartmentView::from)
        .await
}

/// Change, archive or restore a department (with `If-Match`).
#[utoipa::path(tag = "org", operation_id = "update_department", security(("bearer" = [])),
    params(("id" = String, Path, description = "Department id")), request_body = DepartmentPatch,
    responses((status = 200, description = "The changed department; new `ETag`", body = DepartmentView)))]
#[patch("/api/v1/org/departments/{id}")]
pub async fn update_department(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<DepartmentPatch>,
) -> ApiResult<HttpResponse> {
    let (p, now) = (body.into_inner(), ctx.now());
    let changes = DepartmentChanges {
        name: p.name,
        kind: p.kind,
        coordinator_id: p.coordinator_id,
        archived_at: archive(p.archived, now),
    };
    ctx.change(
        ORG,
        move |conn: &mut Conn, s: Scopes| {
            departments::update(conn, s.pair(), &id, if_match.0, &changes, now)
        },
        DepartmentView::from,
    )
    .await
}
