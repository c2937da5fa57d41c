//! The caller's own account: who he is, his group and grants, and his password.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::{Role, ScopeKind};
use kefu_persistence::{auth, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::auth::{address, refused};
use crate::{
    auth::{Principal, password},
    body::Body,
    ctx::Ctx,
    problem::{ApiError, ApiResult},
    time::local,
};

/// One grant of the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyGrant {
    /// The role.
    pub role: Role,
    /// `platform`, `group`, `company`, `project` or `department`.
    pub scope_kind: ScopeKind,
    /// The scope's id.
    pub scope_id: Option<String>,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10", "username": "admin",
    "display_name": "Administrator", "group_id": "019ab2f0-0000-7000-8000-000000000001",
    "is_admin": true, "is_platform_operator": true,
    "grants": [{"role": "admin", "scope_kind": "group", "scope_id": "019ab2f0-0000-7000-8000-000000000001"},
               {"role": "platform_operator", "scope_kind": "platform", "scope_id": "platform"}],
    "created_at": "2026-11-23T09:00:00+08:00"}))]
pub struct Me {
    /// User id (UUIDv7).
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// The name people read.
    pub display_name: String,
    /// The user's group; `null` for a platform operator outside every group.
    pub group_id: Option<String>,
    /// Whether the user administers his group (holds `admin`).
    pub is_admin: bool,
    /// Whether the user is a platform operator (creates groups).
    pub is_platform_operator: bool,
    /// Every grant the user holds.
    pub grants: Vec<MyGrant>,
    /// When the account was created.
    pub created_at: DateTime<FixedOffset>,
}

/// Who am I: the account behind the bearer token (users only; integration clients get 403).
#[utoipa::path(tag = "me", operation_id = "get_me", security(("bearer" = [])),
    responses((status = 200, description = "The signed-in user", body = Me)))]
#[get("/api/v1/me")]
pub async fn get_me(ctx: Ctx) -> ApiResult<web::Json<Me>> {
    let caller = &ctx.caller;
    let Principal::User(id) = caller.principal.clone() else { return Err(ApiError::Forbidden) };
    let user = ctx.run(move |conn| Ok(users::get(conn, &id)?)).await?;
    let has = |role: Role| caller.grants.iter().any(|g| g.role == role);
    Ok(web::Json(Me {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        group_id: user.group_id,
        is_admin: has(Role::Admin),
        is_platform_operator: has(Role::PlatformOperator),
        grants: caller
            .grants
            .iter()
            .map(|g| MyGrant { role: g.role, scope_kind: g.scope, scope_id: g.scope_id.clone() })
            .collect(),
        created_at: local(user.created_at),
    }))
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "correct horse battery", "new_password": "battery staple horse"}))]
pub struct PasswordChange {
    /// The password now.
    #[schema(min_length = 1, max_length = 256)]
    pub current_password: String,
    /// The new password, at least 8 characters.
    #[schema(min_length = 8, max_length = 256)]
    pub new_password: String,
}

/// Change my password. Every refresh token of mine is revoked (other sessions end); a wrong
/// current password is 403 and counts as a failed sign-in.
#[utoipa::path(tag = "me", operation_id = "change_my_password", security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; sign in again everywhere"),
        (status = 429, description = "Too many failed attempts (`too_many_requests`); see `Retry-After`",
            body = crate::problem::Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/me/password")]
pub async fn change_my_password(
    ctx: Ctx,
    req: actix_web::HttpRequest,
    body: Body<PasswordChange>,
) -> ApiResult<HttpResponse> {
    let Principal::User(id) = ctx.caller.principal.clone() else {
        return Err(ApiError::Forbidden);
    };
    let change = body.into_inner();
    let (now, address, acting) = (ctx.now(), address(&req), ctx.caller.acting());
    let new_hash = password::hash_off_worker(change.new_password).await?;
    let outcome = ctx
        .run(move |conn| {
            let verify = |hash: &str| password::verify(&change.current_password, Some(hash));
            Ok(auth::change_password(conn, &acting, (&id, &address), verify, &new_hash, now)?)
        })
        .await?;
    refused(outcome, ApiError::Forbidden, now)?;
    Ok(HttpResponse::NoContent().finish())
}
