//! The caller's own account.

use actix_web::{get, web};
use chrono::{DateTime, FixedOffset};
use kefu_persistence::users;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    auth::AuthUser,
    problem::{ApiError, ApiResult, Problem},
    state::AppState,
    time::local,
};

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10", "username": "admin",
    "display_name": "Administrator", "is_admin": true, "created_at": "2026-11-23T09:00:00+08:00"}))]
pub struct Me {
    /// User id (UUIDv7).
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// The name people read.
    pub display_name: String,
    /// Whether the user administers this deployment.
    pub is_admin: bool,
    /// When the account was created.
    pub created_at: DateTime<FixedOffset>,
}

/// Who am I: the account behind the bearer token.
#[utoipa::path(tag = "me", operation_id = "get_me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "No, expired or invalid token, or the user is disabled",
            body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/api/v1/me")]
pub async fn get_me(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<Me>> {
    let user = state
        .run(move |conn| match users::get(conn, &caller.user_id) {
            Ok(user) if user.disabled_at.is_none() => Ok(user),
            Ok(_) | Err(kefu_persistence::StoreError::NotFound) => Err(ApiError::Unauthorized(
                "invalid_token",
                "the user behind this token is disabled or gone".into(),
            )),
            Err(e) => Err(e.into()),
        })
        .await?;
    Ok(web::Json(Me {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        is_admin: user.is_admin,
        created_at: local(user.created_at),
    }))
}
