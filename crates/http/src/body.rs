//! `Body<T>`: the JSON request extractor. Not JSON → 400 with where it broke; JSON that breaks
//! the contract → 422 naming every bad field. The check is the OpenAPI schema of `T` itself
//! (see [`crate::contract`]), so what the spec promises and what the server enforces are one.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    contract,
    problem::{ApiError, FieldError},
};

/// The largest request body accepted, in bytes (`KEFU_BODY_LIMIT`).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// How long a client has to send a request's body (`KEFU_REQUEST_TIMEOUT`); the head has the
/// same time, bounded by actix-http.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub std::time::Duration);

/// A JSON body checked against `T`'s schema, deserialized and validated.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T> Body<T> {
    /// The checked value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// A request body read whole (never past the limit: 413), with its media type in lower case
/// (empty when the request named none).
#[derive(Debug)]
pub struct RawBody {
    /// `application/json`, `text/csv`, … without parameters.
    pub media_type: String,
    /// The bytes.
    pub bytes: web::Bytes,
}

impl RawBody {
    /// Whether the body is JSON (`application/json` or any `+json` type).
    pub fn is_json(&self) -> bool {
        self.media_type == "application/json" || self.media_type.ends_with("+json")
    }
}

impl FromRequest for RawBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let (limit, timeout) = bounds(req);
        let media_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge(limit));
            }
            let bytes = read_limited(&mut payload, limit, timeout).await?;
            Ok(RawBody { media_type, bytes: bytes.freeze() })
        })
    }
}

/// Reads a whole body: 413 past `limit` bytes, 408 when it has not all arrived within
/// `timeout` (a client that stops sending never holds a worker or a shutdown).
pub async fn read_limited(
    payload: &mut (
             impl futures_util::Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>> + Unpin
         ),
    limit: usize,
    timeout: std::time::Duration,
) -> Result<web::BytesMut, ApiError> {
    let read = async {
        let mut bytes = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| ApiError::MalformedJson(e.to_string()))?;
            if bytes.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    };
    actix_web::rt::time::timeout(timeout, read).await.map_err(|_| ApiError::RequestTimeout)?
}

/// Whether the request's body is a `multipart/form-data` form (an upload).
pub fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// What a multipart form may carry beyond its file: boundaries, part headers.
pub const MULTIPART_OVERHEAD: usize = 64 << 10;

/// The body limit and time bound configured for this app: an upload (`multipart/form-data`)
/// may carry an attachment of `KEFU_ATTACHMENT_LIMIT`, anything else `KEFU_BODY_LIMIT`.
pub fn bounds(req: &HttpRequest) -> (usize, std::time::Duration) {
    let multipart = is_multipart(req);
    let attachments = req.app_data::<web::Data<crate::storage::AttachmentStore>>();
    let limit = match (multipart, attachments) {
        (true, Some(store)) => store.max_bytes + MULTIPART_OVERHEAD,
        _ => req.app_data::<web::Data<BodyLimit>>().map_or(1 << 20, |l| l.0),
    };
    let timeout = req
        .app_data::<web::Data<BodyTimeout>>()
        .map_or(std::time::Duration::from_secs(30), |t| t.0);
    (limit, timeout)
}

impl<T> FromRequest for Body<T>
where
    T: DeserializeOwned + ToSchema + Validate + 'static,
{
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let raw = RawBody::from_request(req, payload);
        Box::pin(async move {
            let raw = raw.await?;
            if !raw.is_json() {
                return Err(ApiError::UnsupportedMediaType);
            }
            parse::<T>(&raw.bytes).map(Body)
        })
    }
}

/// 422 `blank` naming `field` when `text` is only whitespace: the schema's `minLength` cannot
/// say "not only spaces" (its length is the schema's to check).
pub fn not_blank(field: &str, text: &str) -> Result<(), ApiError> {
    if text.trim().is_empty() {
        Err(ApiError::field(field, "blank", "must not be blank"))
    } else {
        Ok(())
    }
}

/// Parses and checks a body: syntax, then the schema, then serde, then `validator`.
pub fn parse<T: DeserializeOwned + ToSchema + Validate>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::MalformedJson(format!(
            "{} at line {}, column {}",
            syntax_reason(&e),
            e.line(),
            e.column()
        ))
    })?;
    let errors = contract::check::<T>(&value);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let parsed: T = serde_path_to_error::deserialize(&value).map_err(|e| {
        let field = e.path().to_string();
        ApiError::field(&field, "invalid", e.into_inner().to_string())
    })?;
    parsed.validate().map_err(|e| ApiError::Validation(validation_errors(&e)))?;
    Ok(parsed)
}

fn syntax_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json appends " at line L column C"; the problem says it once, in its own words.
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Flattens `validator` errors into field errors with dotted paths.
pub fn validation_errors(e: &validator::ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    for (field, kind) in e.errors() {
        match kind {
            validator::ValidationErrorsKind::Field(errs) => {
                for err in errs {
                    let message = err
                        .message
                        .as_ref()
                        .map_or_else(|| err.code.to_string(), |m| m.to_string());
                    out.push(FieldError::new(field.to_string(), &err.code, message));
                }
            }
            validator::ValidationErrorsKind::Struct(inner) => {
                for mut nested in validation_errors(inner) {
                    nested.field = format!("{field}.{}", nested.field);
                    out.push(nested);
                }
            }
            validator::ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    for mut nested in validation_errors(inner) {
                        nested.field = format!("{field}[{i}].{}", nested.field);
                        out.push(nested);
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

/// For a PATCH field that can be cleared: absent stays `None` (with `#[serde(default)]`),
/// `null` is `Some(None)`, a value `Some(Some(v))`.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

/// An e-mail address as kefu accepts one: `local@domain` with a dot in the domain, no spaces or
/// control characters, at most 254 characters; else 422 naming `field`.
pub fn email(field: &str, value: &str) -> Result<(), crate::problem::ApiError> {
    let fine = value.chars().count() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if fine {
        Ok(())
    } else {
        Err(crate::problem::ApiError::field(
            field,
            "invalid",
            "must be an e-mail address such as wang.fang@example.com",
        ))
    }
}
