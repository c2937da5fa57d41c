//! Grants: which role a user or integration client holds at which scope of the group.
//! Granting and revoking is for administrators; a grant never changes, it is revoked.

use actix_web::{HttpResponse, delete, get, http::StatusCode, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::{Permission, ScopeKind};
use kefu_persistence::grants::{self, Grant, GrantFilter, NewGrant};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::{
    auth::Caller,
    body::Body,
    list::{page_request, text_filter},
    page_type,
    problem::ApiResult,
    respond::{created, tagged},
    state::AppState,
    time::local,
};

/// Who holds a grant.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    /// A person.
    User,
    /// An integration client.
    Client,
}

/// The roles a group's administrator can grant (everything but the platform operator).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum RoleName {
    Admin,
    CsSpecialist,
    CsManager,
    CustomerDirector,
    OfficeDirector,
    Vp,
    President,
    DeptCoordinator,
    DeptHead,
    PropertyStaff,
    SalesStaff,
    BrokerageStaff,
    Auditor,
    CrmIntegration,
    CallCenterIntegration,
}

impl RoleName {
    /// The stored name.
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// Where a grant applies, within the group.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum GrantScope {
    /// The whole group.
    Group,
    /// One company, its projects and departments.
    Company,
    /// One project.
    Project,
    /// One department, across projects.
    Department,
}

impl From<GrantScope> for ScopeKind {
    fn from(s: GrantScope) -> Self {
        match s {
            GrantScope::Group => Self::Group,
            GrantScope::Company => Self::Company,
            GrantScope::Project => Self::Project,
            GrantScope::Department => Self::Department,
        }
    }
}

/// A grant as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f5-1111-7000-8000-000000000001", "principal_kind": "user",
    "principal_id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10", "role": "cs_specialist",
    "scope_kind": "project", "scope_id": "019ab2f3-2222-7000-8000-000000000002",
    "created_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct GrantView {
    /// UUIDv7.
    pub id: String,
    /// `user` or `client`.
    pub principal_kind: String,
    /// The user's or client's id.
    pub principal_id: String,
    /// The role.
    pub role: String,
    /// `platform`, `group`, `company`, `project` or `department`.
    pub scope_kind: String,
    /// The scope's id.
    pub scope_id: String,
    /// When it was granted.
    pub created_at: DateTime<FixedOffset>,
    /// Always 1: grants do not change.
    pub version: i64,
}

impl From<Grant> for GrantView {
    fn from(g: Grant) -> Self {
        let created_at = local(g.created());
        Self {
            id: g.id,
            principal_kind: g.principal_kind,
            principal_id: g.principal_id,
            role: g.role,
            scope_kind: g.scope_kind,
            scope_id: g.scope_id,
            created_at,
            version: g.version,
        }
    }
}

page_type!(GrantPage, GrantView, "A page of grants.");

/// A role to grant at a scope. `scope_id` names the company, project or department; for the
/// group scope it may be left out.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"principal_kind": "user", "principal_id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10",
    "role": "cs_specialist", "scope_kind": "project", "scope_id": "019ab2f3-2222-7000-8000-000000000002"}))]
pub struct NewGrantRequest {
    /// `user` or `client`.
    pub principal_kind: PrincipalKind,
    /// The user's or client's id.
    #[schema(min_length = 1, max_length = 64)]
    pub principal_id: String,
    /// The role.
    pub role: RoleName,
    /// Where it applies.
    pub scope_kind: GrantScope,
    /// The company, project or department id.
    #[schema(min_length = 1, max_length = 64)]
    pub scope_id: Option<String>,
}

/// Filters and paging of the grant list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GrantQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 200, pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
    /// Only the grants of this user or client.
    #[param(max_length = 64)]
    pub principal_id: Option<String>,
    /// Only this role.
    pub role: Option<RoleName>,
}

/// Grant a role. 404 when the principal or the scope's record is not in the caller's group.
#[utoipa::path(tag = "grants", operation_id = "create_grant", security(("bearer" = [])),
    request_body = NewGrantRequest,
    responses((status = 201, description = "Granted; `Location` is set", body = GrantView)))]
#[post("/api/v1/grants")]
pub async fn create_grant(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<NewGrantRequest>,
) -> ApiResult<HttpResponse> {
    let scope = caller.scope(Permission::UsersWrite)?;
    let r = body.into_inner();
    let new = NewGrant {
        principal_kind: match r.principal_kind {
            PrincipalKind::User => "user".into(),
            PrincipalKind::Client => "client".into(),
        },
        principal_id: r.principal_id,
        role: r.role.as_str(),
        scope_kind: r.scope_kind.into(),
        scope_id: r.scope_id,
    };
    let now = state.clock.now();
    let grant = state.run(move |conn| Ok(grants::create(conn, &scope, new, now)?)).await?;
    Ok(created(format!("/api/v1/grants/{}", grant.id), grant.version, &GrantView::from(grant)))
}

/// List the grants of the caller's group.
#[utoipa::path(tag = "grants", operation_id = "list_grants", security(("bearer" = [])),
    params(GrantQuery), responses((status = 200, description = "A page of grants", body = GrantPage)))]
#[get("/api/v1/grants")]
pub async fn list_grants(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<GrantQuery>,
) -> ApiResult<web::Json<GrantPage>> {
    let scope = caller.scope(Permission::UsersRead)?;
    let q = query.into_inner();
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = GrantFilter {
        principal_id: text_filter("principal_id", q.principal_id, 64)?,
        role: q.role.map(RoleName::as_str),
    };
    let found = state.run(move |conn| Ok(grants::list(conn, &scope, &filter, &page)?)).await?;
    Ok(web::Json(GrantPage::from_page(found, GrantView::from)))
}

/// One grant of the caller's group.
#[utoipa::path(tag = "grants", operation_id = "get_grant", security(("bearer" = [])),
    params(("id" = String, Path, description = "Grant id")),
    responses((status = 200, description = "The grant", body = GrantView)))]
#[get("/api/v1/grants/{id}")]
pub async fn get_grant(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let scope = caller.scope(Permission::UsersRead)?;
    let grant = state.run(move |conn| Ok(grants::get_within(conn, &scope, &id)?)).await?;
    Ok(tagged(StatusCode::OK, grant.version, &GrantView::from(grant)))
}

/// Revoke a grant. It takes effect at the holder's next request.
#[utoipa::path(tag = "grants", operation_id = "delete_grant", security(("bearer" = [])),
    params(("id" = String, Path, description = "Grant id")),
    responses((status = 204, description = "Revoked")))]
#[delete("/api/v1/grants/{id}")]
pub async fn delete_grant(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let scope = caller.scope(Permission::UsersWrite)?;
    let now = state.clock.now();
    state.run(move |conn| Ok(grants::delete(conn, &scope, &id, now)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
