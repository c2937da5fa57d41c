//! Versions as ETags: responses carry `ETag: "N"`; changes must send `If-Match` with it.

use actix_web::{
    FromRequest, HttpRequest,
    dev::Payload,
    http::header::{self, HeaderValue},
};
use std::future::{Ready, ready};

use kefu_persistence::kit::Expected;

use crate::problem::ApiError;

/// The ETag of a version.
pub fn etag(version: i64) -> (header::HeaderName, HeaderValue) {
    let value = HeaderValue::from_str(&format!("\"{version}\""))
        .unwrap_or(HeaderValue::from_static("\"0\""));
    (header::ETAG, value)
}

/// Which version a change was based on, from `If-Match`: a strong ETag (`"3"`, or bare `3`)
/// names it; `*` takes whatever version is current. `If-Match` compares strongly (RFC 9110
/// §13.1.1): a weak ETag (`W/"3"`) never matches, so it is 412.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Expected);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(raw) = req.headers().get(header::IF_MATCH) else {
            return ready(Err(ApiError::PreconditionRequired));
        };
        ready(parse(raw.to_str().unwrap_or_default()).map(IfMatch))
    }
}

/// Reads an `If-Match` value.
fn parse(value: &str) -> Result<Expected, ApiError> {
    let value = value.trim();
    if value == "*" {
        return Ok(Expected::Any);
    }
    if value.starts_with("W/") {
        return Err(ApiError::WeakEtag);
    }
    // The contract's pattern: `0`, or 1 to 18 digits without a leading zero.
    let digits = value.trim_matches('"');
    let canonical = digits == "0"
        || (!digits.starts_with('0')
            && (1..=18).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit()));
    canonical.then(|| digits.parse::<i64>().ok()).flatten().map(Expected::Version).ok_or_else(
        || {
            ApiError::field(
                "If-Match",
                "invalid",
                r#"must be the ETag of a version, like "3", or *"#,
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_etags_and_star_match_weak_ones_never() {
        assert_eq!(parse("\"3\"").unwrap(), Expected::Version(3));
        assert_eq!(parse("3").unwrap(), Expected::Version(3));
        assert_eq!(parse(" * ").unwrap(), Expected::Any);
        assert!(matches!(parse("W/\"3\""), Err(ApiError::WeakEtag)));
        assert!(parse("\"-1\"").is_err() && parse("abc").is_err() && parse("\"007\"").is_err());
        // Version 0 is a document not stored yet (a group's approval matrix on the shipped
        // preset): it matches nothing else.
        assert_eq!(parse("\"0\"").unwrap(), Expected::Version(0));
    }
}
