//! Authentication: passwords, tokens, and the `AuthUser` extractor.

pub mod caller;
pub mod password;
pub mod tokens;

pub use caller::{Caller, Principal};

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};

use crate::{problem::ApiError, state::AppState};
use tokens::TokenError;

/// The caller, proven by a valid bearer access token.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// The token's subject (`sub`): a user id, or `client:<id>` for an integration client.
    pub user_id: String,
    /// The token's id (`jti`).
    pub token_id: String,
    /// The session the token belongs to (users' tokens).
    pub session: Option<String>,
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(|t| t.trim().to_owned());
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("no app state".into()))?;
            let token = bearer.ok_or_else(|| {
                ApiError::Unauthorized(
                    "unauthenticated",
                    "a bearer access token is required".into(),
                )
            })?;
            let kid = tokens::kid_of(&token).unwrap_or_default();
            if state.keys.needs_reload(&kid) {
                state.reload_keys().await?;
            }
            let claims = state.keys.verify(&token, state.clock.now()).map_err(|e| {
                let code = match e {
                    TokenError::Expired => "token_expired",
                    TokenError::Invalid | TokenError::UnknownKey => "invalid_token",
                };
                ApiError::Unauthorized(code, e.to_string())
            })?;
            Ok(AuthUser { user_id: claims.sub, token_id: claims.jti, session: claims.sid })
        })
    }
}
