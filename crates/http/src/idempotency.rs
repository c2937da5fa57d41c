//! The `Idempotency-Key` layer, shared by every create (`POST` answered with 201): the same
//! caller sending the same key with the same request gets the first response again; the same
//! key with another request is 422; while the first is still being answered, 409. Keys are kept
//! 24 hours. Only successful answers are kept: a failed request changed nothing, so its key is
//! released for a retry. Fields named by a [`Redact`] marker (secrets shown once) are removed
//! from the stored copy.

use actix_web::{
    Error, HttpMessage, HttpResponse, ResponseError,
    body::{BoxBody, MessageBody, to_bytes},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::{Method, StatusCode, header},
    middleware::Next,
    web,
};
use kefu_persistence::idempotency::{self, Begin, Stored};
use sha2::{Digest, Sha256};

use crate::{auth::tokens, problem::ApiError, state::AppState};

/// The request header.
pub const HEADER: &str = "idempotency-key";

/// Marks top-level JSON fields of a response that must not be stored for replay.
#[derive(Debug, Clone, Copy)]
pub struct Redact(pub &'static [&'static str]);

/// The headers a replay repeats.
const REPLAYED: [header::HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

fn respond(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(error.error_response())
}

/// The middleware (use with `actix_web::middleware::from_fn`).
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = req.headers().get(HEADER).map(|v| v.to_str().unwrap_or("").to_owned());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(key), Some(state), true) =
        (key, state, req.method() == Method::POST && !req.path().starts_with("/api/v1/auth/"))
    else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    if !valid_key(&key) {
        let e = ApiError::field("Idempotency-Key", "invalid", "1 to 255 visible ASCII characters");
        return Ok(respond(req, e));
    }
    // Keys belong to a caller; without a valid token the handler answers 401 itself.
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let Some(bearer) = bearer else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    if state.keys.needs_reload(&tokens::kid_of(&bearer).unwrap_or_default()) {
        state.reload_keys().await?;
    }
    let Ok(claims) = state.keys.verify(&bearer, state.clock.now()) else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let (limit, timeout) = crate::body::bounds(req.request());
    let mut payload = req.take_payload();
    let body = match crate::body::read_limited(&mut payload, limit, timeout).await {
        Ok(body) => body.freeze(),
        Err(e) => return Ok(respond(req, e)),
    };
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update(b" ");
    hasher.update(req.uri().to_string());
    hasher.update(b"\n");
    hasher.update(&body);
    let fingerprint: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let principal = claims.sub;
    let now = state.clock.now();
    let begun = {
        let (principal, key) = (principal.clone(), key.clone());
        state
            .run(move |conn| Ok(idempotency::begin(conn, &principal, &key, &fingerprint, now)?))
            .await
    };
    match begun {
        Err(e) => Ok(respond(req, e)),
        Ok(Begin::Mismatch) => Ok(respond(req, ApiError::IdempotencyKeyReused)),
        Ok(Begin::InFlight) => Ok(respond(req, ApiError::IdempotencyKeyInFlight)),
        Ok(Begin::Replay(stored)) => Ok(req.into_response(replay(&stored))),
        Ok(Begin::Started) => {
            req.set_payload(Payload::from(body));
            let outcome = next.call(req).await;
            let release = |state: web::Data<AppState>, principal: String, key: String| async move {
                let _ =
                    state.run(move |conn| Ok(idempotency::abandon(conn, &principal, &key)?)).await;
            };
            let res = match outcome {
                Ok(res) => res,
                Err(e) => {
                    release(state, principal, key).await;
                    return Err(e);
                }
            };
            if !res.status().is_success() {
                release(state, principal, key).await;
                return Ok(res.map_into_boxed_body());
            }
            let (http_req, res) = res.map_into_boxed_body().into_parts();
            let redact = res.extensions().get::<Redact>().copied();
            let (head, body) = res.into_parts();
            let bytes = to_bytes(body).await.map_err(|e| ApiError::Internal(e.to_string()))?;
            let stored = store(head.status(), head.headers(), &bytes, redact);
            let saved = state
                .run(move |conn| Ok(idempotency::finish(conn, &principal, &key, &stored)?))
                .await;
            if let Err(e) = saved {
                tracing::warn!(error = %e, "could not store an idempotent response");
            }
            let res = head.set_body(BoxBody::new(bytes));
            Ok(ServiceResponse::new(http_req, res))
        }
    }
}

fn store(
    status: StatusCode,
    headers: &header::HeaderMap,
    body: &[u8],
    redact: Option<Redact>,
) -> Stored {
    let kept: serde_json::Map<String, serde_json::Value> = REPLAYED
        .iter()
        .filter_map(|name| {
            let value = headers.get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), serde_json::Value::String(value.to_owned())))
        })
        .collect();
    let mut text = String::from_utf8_lossy(body).into_owned();
    if let Some(Redact(fields)) = redact
        && let Ok(serde_json::Value::Object(mut doc)) = serde_json::from_str(&text)
    {
        for field in fields {
            doc.remove(*field);
        }
        text = serde_json::Value::Object(doc).to_string();
    }
    Stored {
        status: i64::from(status.as_u16()),
        headers: serde_json::Value::Object(kept).to_string(),
        body: text,
    }
}

fn replay(stored: &Stored) -> HttpResponse {
    let status = u16::try_from(stored.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    if let Ok(serde_json::Value::Object(headers)) = serde_json::from_str(&stored.headers) {
        for (name, value) in headers {
            if let Some(value) = value.as_str() {
                response.insert_header((name, value.to_owned()));
            }
        }
    }
    response.insert_header(("idempotent-replayed", "true"));
    response.body(stored.body.clone())
}
