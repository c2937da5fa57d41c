//! Grants: which role a user or integration client holds at which scope of the group.
//! Granting and revoking is for administrators; a grant never changes, it is revoked.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::{GrantScope, Permission, PrincipalKind, Role, ScopeKind};
use kefu_persistence::grants::{self, Grant, GrantFilter, NewGrant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    body::Body,
    ctx::Ctx,
    list::text_filter,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::created,
    time::local,
};

/// A grant as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f5-1111-7000-8000-000000000001", "principal_kind": "user",
    "principal_id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10", "role": "cs_specialist",
    "scope_kind": "project", "scope_id": "019ab2f3-2222-7000-8000-000000000002",
    "created_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct GrantView {
    /// UUIDv7.
    pub id: String,
    /// Who holds it.
    pub principal_kind: PrincipalKind,
    /// The user's or client's id.
    pub principal_id: String,
    /// The role.
    pub role: Role,
    /// Where it applies.
    pub scope_kind: ScopeKind,
    /// The scope's id.
    pub scope_id: String,
    /// When it was granted.
    pub created_at: DateTime<FixedOffset>,
    /// Always 1: grants do not change.
    pub version: i64,
}

impl From<Grant> for GrantView {
    fn from(g: Grant) -> Self {
        let created_at = local(g.created_at);
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
    /// The role (any but `platform_operator`, which only the platform gives).
    pub role: Role,
    /// Where it applies.
    pub scope_kind: GrantScope,
    /// The company, project or department id.
    #[schema(min_length = 1, max_length = 64)]
    pub scope_id: Option<String>,
}

list_query!(
    /// Filters and paging of the grant list.
    GrantQuery {
        /// Only the grants of this user or client.
        #[param(max_length = 64)]
        principal_id: Option<String>,
        /// Only this role.
        role: Option<Role>,
    }
);

/// Grant a role. 404 when the principal or the scope's record is not in the caller's group.
#[utoipa::path(tag = "grants", operation_id = "create_grant", security(("bearer" = [])),
    request_body = NewGrantRequest,
    responses((status = 201, description = "Granted; `Location` is set", body = GrantView)))]
#[post("/api/v1/grants")]
pub async fn create_grant(ctx: Ctx, body: Body<NewGrantRequest>) -> ApiResult<HttpResponse> {
    let (scope, r, now) = (ctx.caller.scope(Permission::UsersWrite)?, body.into_inner(), ctx.now());
    if r.role == Role::PlatformOperator {
        let why = "only the platform makes platform operators";
        return Err(ApiError::field("role", "not_grantable", why));
    }
    let new = NewGrant {
        principal_kind: r.principal_kind,
        principal_id: r.principal_id,
        role: r.role,
        scope_kind: r.scope_kind.into(),
        scope_id: r.scope_id,
    };
    let grant = ctx.run(move |conn| Ok(grants::create(conn, &scope, &new, now)?)).await?;
    Ok(created(format!("/api/v1/grants/{}", grant.id), grant.version, &GrantView::from(grant)))
}

/// List the grants of the caller's group.
#[utoipa::path(tag = "grants", operation_id = "list_grants", security(("bearer" = [])),
    params(GrantQuery), responses((status = 200, description = "A page of grants", body = GrantPage)))]
#[get("/api/v1/grants")]
pub async fn list_grants(ctx: Ctx, q: web::Query<GrantQuery>) -> ApiResult<web::Json<GrantPage>> {
    let principal_id = text_filter("principal_id", q.principal_id.clone(), 64)?;
    let (req, filter) = (q.list_request()?, GrantFilter { principal_id, role: q.role });
    ctx.list(Permission::UsersRead, move |conn, scope| grants::list(conn, scope, &filter, &req))
        .await
}

/// One grant of the caller's group.
#[utoipa::path(tag = "grants", operation_id = "get_grant", security(("bearer" = [])),
    params(("id" = String, Path, description = "Grant id")),
    responses((status = 200, description = "The grant", body = GrantView)))]
#[get("/api/v1/grants/{id}")]
pub async fn get_grant(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    ctx.one(
        Permission::UsersRead,
        move |conn, scope| grants::get(conn, scope, &id),
        GrantView::from,
    )
    .await
}

/// Revoke a grant. It takes effect at the holder's next request.
#[utoipa::path(tag = "grants", operation_id = "delete_grant", security(("bearer" = [])),
    params(("id" = String, Path, description = "Grant id")),
    responses((status = 204, description = "Revoked")))]
#[delete("/api/v1/grants/{id}")]
pub async fn delete_grant(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(Permission::UsersWrite)?;
    let now = ctx.now();
    ctx.run(move |conn| Ok(grants::delete(conn, &scope, &id, now)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
