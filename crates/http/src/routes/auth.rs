//! Sign-in and token refresh (rotation with reuse detection).

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use kefu_persistence::{
    DbConnection,
    audit::{self, Actor, NewAuditEvent},
    jwt_keys,
    refresh_tokens::{self, Rotation},
    transaction, users,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    auth::{
        caller::group_enabled,
        password,
        tokens::{self, ACCESS_TTL, REFRESH_TTL},
    },
    body::Body,
    limits::Attempt,
    observe::RequestId,
    problem::{ApiError, ApiResult, Problem},
    state::AppState,
};

/// Credentials.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "admin", "password": "correct horse battery staple"}))]
pub struct LoginRequest {
    /// Sign-in name.
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    /// Password.
    #[schema(min_length = 1, max_length = 256)]
    pub password: String,
}

/// A refresh token to exchange.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "3q2-7wY1Qb0mX9…"}))]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh; it can be used once.
    #[schema(min_length = 1, max_length = 512)]
    pub refresh_token: String,
}

/// An access token and the refresh token that replaces it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6Ii4uLiJ9…",
    "refresh_token": "3q2-7wY1Qb0mX9…", "token_type": "Bearer", "expires_in": 900}))]
pub struct TokenPair {
    /// A JWT for `Authorization: Bearer …`.
    pub access_token: String,
    /// Exchange it at `/api/v1/auth/refresh` for a new pair; single use.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// Signs an access token for `subject` (a user id or `client:<id>`) with the newest signing key.
pub fn access_token(
    conn: &mut DbConnection,
    subject: &str,
    now: DateTime<Utc>,
) -> ApiResult<String> {
    let key = jwt_keys::usable(conn, now, ACCESS_TTL)?
        .into_iter()
        .find(|k| k.retired_at.is_none())
        .ok_or_else(|| ApiError::Internal("no signing key".into()))?;
    tokens::sign(&key, subject, now).map_err(ApiError::Internal)
}

fn pair(access_token: String, refresh_token: String) -> TokenPair {
    TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TTL.num_seconds(),
    }
}

/// Sign in with a username and password. Failed sign-ins are limited per account and per
/// address: past the limit the answer is 429 with `Retry-After`, before any password is checked.
#[utoipa::path(tag = "auth", operation_id = "login", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong username or password, or the user is disabled (`invalid_credentials`)",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins for this account or address (`too_many_requests`); `Retry-After` says when to try again",
            body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = i64, description = "Seconds until sign-in is possible again"))),
    ))]
#[post("/api/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    request_id: RequestId,
    req: HttpRequest,
    body: Body<LoginRequest>,
) -> ApiResult<web::Json<TokenPair>> {
    let LoginRequest { username, password } = body.into_inner();
    let now = state.clock.now();
    let address = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    let issued = state
        .run(move |conn| {
            let attempt = Attempt::new(&format!("user:{username}"), &address);
            attempt.check(conn, now)?;
            let user = users::find_by_username(conn, &username)?;
            let mut active = user.filter(|u| u.disabled_at.is_none());
            if let Some(u) = &active
                && !group_enabled(conn, u.group_id.as_deref())?
            {
                active = None;
            }
            // Verified even for unknown users, so timing does not tell which names exist.
            if !password::verify(&password, active.as_ref().map(|u| u.password_hash.as_str())) {
                attempt.failed(conn, now)?;
                return Err(ApiError::Unauthorized(
                    "invalid_credentials",
                    "wrong username or password".into(),
                ));
            }
            attempt.succeeded(conn)?;
            let user =
                active.ok_or_else(|| ApiError::Internal("verified without a user".into()))?;
            transaction(conn, |conn| {
                let access = access_token(conn, &user.id, now)?;
                let (refresh_token, hash) = tokens::new_refresh_token();
                refresh_tokens::issue(conn, &user.id, None, &hash, now, REFRESH_TTL)?;
                audit::record(
                    conn,
                    NewAuditEvent {
                        at: now,
                        actor: Actor::User(user.id.clone()),
                        action: "auth.login",
                        subject_type: "user",
                        subject_id: Some(&user.id),
                        request_id: Some(&request_id.0),
                        payload: serde_json::json!({}),
                    },
                )?;
                Ok(pair(access, refresh_token))
            })
        })
        .await?;
    Ok(web::Json(issued))
}

/// Exchange a refresh token for a new pair. Each refresh token works once; presenting a used
/// one again revokes every token of its sign-in (`refresh_token_reused`).
#[utoipa::path(tag = "auth", operation_id = "refresh_token", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair; the presented refresh token is now used", body = TokenPair),
        (status = 401, description = "Unknown, expired or revoked (`invalid_refresh_token`), or already used (`refresh_token_reused`)",
            body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    request_id: RequestId,
    body: Body<RefreshRequest>,
) -> ApiResult<web::Json<TokenPair>> {
    let presented = tokens::refresh_hash(&body.into_inner().refresh_token);
    let now = state.clock.now();
    let issued = state
        .run(move |conn| {
            let (next, next_hash) = tokens::new_refresh_token();
            let rotation =
                refresh_tokens::rotate(conn, &presented, &next_hash, now, REFRESH_TTL, Some(&request_id.0))?;
            match rotation {
                Rotation::Rotated(user) => Ok(pair(access_token(conn, &user.id, now)?, next)),
                Rotation::Reused => Err(ApiError::Unauthorized(
                    "refresh_token_reused",
                    "this refresh token was already used; every token of this sign-in is now revoked".into(),
                )),
                Rotation::Invalid => Err(ApiError::Unauthorized(
                    "invalid_refresh_token",
                    "the refresh token is unknown, expired or revoked".into(),
                )),
            }
        })
        .await?;
    Ok(web::Json(issued))
}

/// Sign out: revokes the refresh token and every token rotated from the same sign-in. Answers
/// 204 whether or not the token was known (it tells nobody which tokens exist).
#[utoipa::path(tag = "auth", operation_id = "logout", request_body = RefreshRequest,
    responses((status = 204, description = "Signed out")))]
#[post("/api/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    request_id: RequestId,
    body: Body<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let presented = tokens::refresh_hash(&body.into_inner().refresh_token);
    let now = state.clock.now();
    state
        .run(move |conn| {
            transaction(conn, |conn| {
                let Some((family, user_id)) = refresh_tokens::family_of(conn, &presented)? else {
                    return Ok(());
                };
                refresh_tokens::revoke_family(conn, &family, now)?;
                audit::record(
                    conn,
                    NewAuditEvent {
                        at: now,
                        actor: Actor::User(user_id.clone()),
                        action: "auth.logout",
                        subject_type: "user",
                        subject_id: Some(&user_id),
                        request_id: Some(&request_id.0),
                        payload: serde_json::json!({ "family_id": family }),
                    },
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
