//! Access tokens (HS256 JWTs signed with the database key set) and opaque refresh tokens.

use std::{
    sync::RwLock,
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use kefu_persistence::auth::keys::JwtKey;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `iss` of every token kefu signs.
pub const ISSUER: &str = "kefu";
/// The `aud` of access tokens for this API.
pub const AUDIENCE: &str = "kefu-api";
/// How long an access token lives.
pub const ACCESS_TTL: TimeDelta = TimeDelta::minutes(15);

/// The claims kefu signs; all are required when a token is read back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user's id.
    pub sub: String,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Not before, seconds since the epoch.
    pub nbf: i64,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Token id.
    pub jti: String,
    /// The session (sign-in) a user's token belongs to: when it ends (sign-out, a password
    /// change, a reused refresh token, the user disabled), the token is refused at once.
    /// Integration clients' tokens have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// Why a bearer token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// Not a JWT, bad signature, wrong algorithm, missing or wrong claims.
    #[error("the access token is invalid")]
    Invalid,
    /// The `kid` names no usable key.
    #[error("the access token was signed with an unknown key")]
    UnknownKey,
    /// Past its `exp` (or before its `nbf`).
    #[error("the access token has expired")]
    Expired,
}

/// A new random secret for a signing key, base64.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The `kid` for a key seeded from `KEFU_JWT_SECRET`: derived, so every node agrees on it.
pub fn seeded_kid(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    format!("seed-{}", hex(&digest[..8]))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new refresh token and the hash under which it is stored.
pub fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = refresh_hash(&token);
    (token, hash)
}

/// The stored form of a refresh token.
pub fn refresh_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Signs an access token for `user_id` with `key`.
pub fn sign(
    key: &JwtKey,
    (subject, session): (&str, Option<&str>),
    now: DateTime<Utc>,
) -> Result<String, String> {
    let user_id = subject;
    let claims = Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: user_id.into(),
        exp: (now + ACCESS_TTL).timestamp(),
        nbf: now.timestamp(),
        iat: now.timestamp(),
        jti: uuid::Uuid::now_v7().to_string(),
        sid: session.map(str::to_owned),
    };
    let header = Header { kid: Some(key.kid.clone()), ..Header::new(Algorithm::HS256) };
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(key.secret.as_bytes()))
        .map_err(|e| e.to_string())
}

/// Keys by `kid`, and when they were loaded.
type Loaded = (Instant, Vec<(String, DecodingKey)>);

/// Verifying keys, cached for a short while; an unknown `kid` triggers a reload (rate-limited)
/// so a key rotated by another node or the CLI is seen at once.
#[derive(Default)]
pub struct KeyCache {
    inner: RwLock<Option<Loaded>>,
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyCache")
    }
}

const CACHE_FRESH: Duration = Duration::from_secs(30);
const RELOAD_MIN: Duration = Duration::from_secs(1);

impl KeyCache {
    /// Whether the cache needs loading for `kid`.
    pub fn needs_reload(&self, kid: &str) -> bool {
        let Ok(guard) = self.inner.read() else { return true };
        match guard.as_ref() {
            None => true,
            Some((at, keys)) => {
                at.elapsed() > CACHE_FRESH
                    || (!keys.iter().any(|(k, _)| k == kid) && at.elapsed() > RELOAD_MIN)
            }
        }
    }

    /// Replaces the cached keys.
    pub fn store(&self, keys: &[JwtKey]) {
        let keys = keys
            .iter()
            .map(|k| (k.kid.clone(), DecodingKey::from_secret(k.secret.as_bytes())))
            .collect();
        if let Ok(mut guard) = self.inner.write() {
            *guard = Some((Instant::now(), keys));
        }
    }

    /// Verifies a bearer token at `now`.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != Algorithm::HS256 {
            return Err(TokenError::Invalid);
        }
        let kid = header.kid.ok_or(TokenError::Invalid)?;
        let guard = self.inner.read().map_err(|_| TokenError::UnknownKey)?;
        let key = guard
            .as_ref()
            .and_then(|(_, keys)| keys.iter().find(|(k, _)| *k == kid))
            .map(|(_, key)| key)
            .ok_or(TokenError::UnknownKey)?;
        let mut validation = Validation::new(Algorithm::HS256);
        // Time is checked below against kefu's clock, not the system's.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["iss", "aud", "sub", "exp", "nbf", "iat"]);
        let claims = jsonwebtoken::decode::<Claims>(token, key, &validation)
            .map_err(|_| TokenError::Invalid)?
            .claims;
        let now = now.timestamp();
        if now >= claims.exp || now < claims.nbf {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

/// The kid named in a token's header, if it is readable at all.
pub fn kid_of(token: &str) -> Option<String> {
    jsonwebtoken::decode_header(token).ok().and_then(|h| h.kid)
}
