//! Sign-in and token refresh (rotation with reuse detection).

pub mod client_token;

use actix_web::{HttpRequest, HttpResponse, post, web};
use kefu_persistence::{
    audit::{Acting, Actor},
    auth::{
        self, Outcome,
        sessions::{self, Rotation},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    auth::{
        password,
        tokens::{self, ACCESS_TTL},
    },
    body::Body,
    observe::RequestId,
    problem::{ApiError, ApiResult, Problem},
    state::AppState,
};

/// The address a request came from, for sign-in limits.
pub(crate) fn address(req: &HttpRequest) -> String {
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default()
}

/// The answer to an attempt that did not succeed.
pub(crate) fn refused<T>(
    outcome: Outcome<T>,
    refused: ApiError,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<T, ApiError> {
    match outcome {
        Outcome::Done(value) => Ok(value),
        Outcome::Refused => Err(refused),
        Outcome::Locked(until) => {
            let millis = (until - now).num_milliseconds().max(0);
            Err(ApiError::TooManyRequests((millis + 999) / 1000))
        }
    }
}

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
    let (now, address) = (state.clock.now(), address(&req));
    let acting = Acting::request(Actor::System, request_id.0);
    let (refresh_token, refresh_hash) = tokens::new_refresh_token();
    let outcome = state
        .run(move |conn| {
            let verify = |hash: Option<&str>| password::verify(&password, hash);
            Ok(auth::sign_in(conn, &acting, (&username, &address), verify, &refresh_hash, now)?)
        })
        .await?;
    let wrong = ApiError::Unauthorized("invalid_credentials", "wrong username or password".into());
    let signed_in = refused(outcome, wrong, now)?;
    let subject = (signed_in.user.id.as_str(), Some(signed_in.session.as_str()));
    let access = tokens::sign(&signed_in.key, subject, now).map_err(ApiError::Internal)?;
    Ok(web::Json(pair(access, refresh_token)))
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
    let acting = Acting::request(Actor::System, request_id.0);
    let (next, next_hash) = tokens::new_refresh_token();
    let rotation = state
        .run(move |conn| Ok(sessions::refresh(conn, &acting, &presented, &next_hash, now)?))
        .await?;
    match rotation {
        Rotation::Rotated(rotated) => {
            let subject = (rotated.user.id.as_str(), Some(rotated.session.as_str()));
            let access = tokens::sign(&rotated.key, subject, now).map_err(ApiError::Internal)?;
            Ok(web::Json(pair(access, next)))
        }
        Rotation::Reused => Err(ApiError::Unauthorized(
            "refresh_token_reused",
            "this refresh token was already used; every token of this sign-in is now revoked"
                .into(),
        )),
        Rotation::Invalid => Err(ApiError::Unauthorized(
            "invalid_refresh_token",
            "the refresh token is unknown, expired or revoked".into(),
        )),
    }
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
    let (now, acting) = (state.clock.now(), Acting::request(Actor::System, request_id.0));
    state.run(move |conn| Ok(sessions::end(conn, &acting, &presented, now)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
