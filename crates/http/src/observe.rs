//! One middleware for what every request gets: a request id (taken from `X-Request-Id` or
//! made, echoed back, and in every log line through the request span), a log line when it
//! ends, and its metrics.

use std::{future::Future, pin::Pin, time::Instant};

use actix_web::{
    Error, FromRequest, HttpMessage, HttpRequest, ResponseError,
    body::MessageBody,
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    web,
};
use tracing::Instrument;

use crate::{metrics::Metrics, problem::ApiError};

/// The request-id header.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl FromRequest for RequestId {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req.extensions().get::<RequestId>().cloned();
        Box::pin(
            async move { Ok(id.unwrap_or_else(|| RequestId(uuid::Uuid::now_v7().to_string()))) },
        )
    }
}

/// A caller's id is kept when it is short and plain; anything else is replaced.
fn acceptable(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The middleware (use with `actix_web::middleware::from_fn`).
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    if req.path().contains("%00") {
        // No resource has NUL in its name, and PostgreSQL text could not even be asked for one.
        let res = req.into_response(ApiError::NotFound.error_response());
        return Ok(res.map_into_right_body());
    }
    let method = req.method().to_string();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let span =
        tracing::info_span!("request", request_id = %id, method = %method, path = %req.path());
    let mut res = next.call(req).instrument(span.clone()).await?.map_into_left_body();
    let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let status = res.status().as_u16();
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(metrics) = metrics {
        metrics.observe(&method, &route, status, elapsed);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    span.in_scope(|| {
        tracing::info!(status, route = %route, millis = (elapsed * 1000.0).round() as u64, "request finished");
    });
    Ok(res)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_plain_short_ids_are_kept() {
        assert!(super::acceptable("req-42_a.b:c"));
        assert!(!super::acceptable(""));
        assert!(!super::acceptable("has space"));
        assert!(!super::acceptable(&"x".repeat(129)));
    }
}
