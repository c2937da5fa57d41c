//! The client-credentials grant (RFC 6749 §4.4, with a JSON body like the rest of the API):
//! an integration client trades its id and secret for a 15-minute access token. No refresh
//! token: it simply asks again. Failures are limited like sign-ins.

use actix_web::{HttpRequest, post, web};
use kefu_persistence::{
    audit::{Acting, Actor},
    auth,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{address, refused};
use crate::{
    auth::{caller::CLIENT_PREFIX, tokens},
    body::Body,
    observe::RequestId,
    problem::{ApiError, ApiResult, Problem},
    state::AppState,
};

/// The only grant type this endpoint answers.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    /// An integration client's id and secret.
    ClientCredentials,
}

/// An integration client's credentials.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"grant_type": "client_credentials",
    "client_id": "019ab2f6-3333-7000-8000-000000000003", "client_secret": "kq3d9Yw0c1bX7…"}))]
pub struct ClientCredentials {
    /// Always `client_credentials`.
    pub grant_type: GrantType,
    /// The client's id.
    #[schema(min_length = 1, max_length = 64)]
    pub client_id: String,
    /// The secret shown when the client was created.
    #[schema(min_length = 1, max_length = 256)]
    pub client_secret: String,
}

/// An access token for an integration client.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6Ii4uLiJ9…",
    "token_type": "Bearer", "expires_in": 900}))]
pub struct ClientToken {
    /// A JWT for `Authorization: Bearer …`; its `sub` is `client:<client_id>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until it expires.
    pub expires_in: i64,
}

fn invalid_client() -> ApiError {
    ApiError::Unauthorized("invalid_client", "unknown client, wrong secret, or disabled".into())
}

/// Get an access token with the client-credentials grant.
#[utoipa::path(tag = "auth", operation_id = "client_token", request_body = ClientCredentials,
    responses(
        (status = 200, description = "A token", body = ClientToken),
        (status = 401, description = "Unknown client, wrong secret or disabled (`invalid_client`)",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures for this client or address (`too_many_requests`); see `Retry-After`",
            body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = i64, description = "Seconds until trying again is possible"))),
    ))]
#[post("/api/v1/auth/token")]
pub async fn client_token(
    state: web::Data<AppState>,
    request_id: RequestId,
    req: HttpRequest,
    body: Body<ClientCredentials>,
) -> ApiResult<web::Json<ClientToken>> {
    let creds = body.into_inner();
    let (now, address) = (state.clock.now(), address(&req));
    let acting = Acting::request(Actor::System, request_id.0);
    let presented = tokens::refresh_hash(&creds.client_secret);
    let outcome = state
        .run(move |conn| {
            let who = (creds.client_id.as_str(), address.as_str());
            Ok(auth::client_token(conn, &acting, who, &presented, now)?)
        })
        .await?;
    let (client, key) = refused(outcome, invalid_client(), now)?;
    let subject = format!("{CLIENT_PREFIX}{}", client.id);
    let token = tokens::sign(&key, (&subject, None), now).map_err(ApiError::Internal)?;
    Ok(web::Json(ClientToken {
        access_token: token,
        token_type: "Bearer".into(),
        expires_in: tokens::ACCESS_TTL.num_seconds(),
    }))
}
