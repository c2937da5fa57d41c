//! Optimistic concurrency on the wire: every resource answers with `ETag: "<version>"`; a change
//! must send it back in `If-Match` (428 without it, 412 when it is stale).

use std::{future::Future, pin::Pin};

use actix_web::{
    FromRequest, HttpRequest, HttpResponse, dev::Payload, http::StatusCode, http::header,
};
use serde::Serialize;

use crate::problem::ApiError;

/// The version named by `If-Match`; a value that names no version of ours never matches.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub i64);

/// Parses an `If-Match` value: `"3"`, `W/"3"`, or several separated by commas (the first counts).
pub fn parse(value: &str) -> Option<i64> {
    let first = value.split(',').next()?.trim();
    let tag = first.strip_prefix("W/").unwrap_or(first);
    tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok()
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req.headers().get(header::IF_MATCH).map(|v| v.to_str().ok().and_then(parse));
        Box::pin(async move {
            match value {
                None => Err(ApiError::PreconditionRequired),
                Some(version) => Ok(IfMatch(version.unwrap_or(-1))),
            }
        })
    }
}

/// The `ETag` of a version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A JSON answer with the resource's `ETag`.
pub fn tagged<T: Serialize>(status: StatusCode, version: i64, body: &T) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag(version))).json(body)
}

/// 201 Created with `Location` and `ETag`.
pub fn created<T: Serialize>(location: String, version: i64, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn if_match_values() {
        assert_eq!(super::parse("\"3\""), Some(3));
        assert_eq!(super::parse("W/\"4\", \"5\""), Some(4));
        assert_eq!(super::parse("3"), None);
        assert_eq!(super::parse("*"), None);
    }
}
