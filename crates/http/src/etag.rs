//! Versions as ETags: responses carry `ETag: "N"`; changes must send `If-Match` with it.

use actix_web::{
    FromRequest, HttpRequest,
    dev::Payload,
    http::header::{self, HeaderValue},
};
use std::future::{Ready, ready};

use crate::problem::ApiError;

/// The ETag of a version.
pub fn etag(version: i64) -> (header::HeaderName, HeaderValue) {
    let value = HeaderValue::from_str(&format!("\"{version}\""))
        .unwrap_or(HeaderValue::from_static("\"0\""));
    (header::ETAG, value)
}

/// The version a change was based on, from `If-Match` (`"3"`, `W/"3"` or `3`).
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub i64);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(raw) = req.headers().get(header::IF_MATCH) else {
            return ready(Err(ApiError::PreconditionRequired));
        };
        let version = raw
            .to_str()
            .ok()
            .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|v| *v >= 1);
        ready(version.map(IfMatch).ok_or_else(|| {
            ApiError::field("If-Match", "invalid", r#"must be the ETag of a version, like "3""#)
        }))
    }
}
