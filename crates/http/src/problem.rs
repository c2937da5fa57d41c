//! Errors as RFC 9457 problems: one `ApiError` maps every failure to a status and a stable `code`.

use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};
use kefu_persistence::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/validation_failed", "title": "Unprocessable Content", "status": 422,
    "detail": "1 field is invalid", "code": "validation_failed",
    "errors": [{"field": "password", "code": "required", "message": "this field is required"}]
}))]
pub struct Problem {
    /// A URI reference naming the kind of problem: `/problems/{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// Stable, snake_case; clients branch on this.
    pub code: String,
    /// One entry per bad field, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub errors: Vec<FieldError>,
    /// For `action_not_allowed`: the state the record is in.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub state: Option<String>,
    /// For `action_not_allowed`: the actions that state allows.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub allowed_actions: Option<Vec<String>>,
    /// For `approval_pending`: the approval step that is still awaited.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pending_step: Option<PendingStep>,
}

/// The approval step a payment or a plan still waits on (R-AP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"approval_id": "019ab2f1-0000-7000-8000-000000000091",
    "approval_state": "pending", "index": 0, "kind": "review", "mode": "all",
    "roles": ["office_director", "vp"], "awaited_roles": ["vp"]}))]
pub struct PendingStep {
    /// The approval request.
    pub approval_id: String,
    /// `pending`, or `returned` to its preparer.
    pub approval_state: String,
    /// The step (0-based); `null` while the request is returned.
    pub index: Option<usize>,
    /// `review` or `approve`.
    pub kind: Option<String>,
    /// `all` (countersign) or `any`.
    pub mode: Option<String>,
    /// The step's roles.
    pub roles: Vec<String>,
    /// The roles it still awaits.
    pub awaited_roles: Vec<String>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Where: a JSON pointer-like dotted path into the body (`items[2].name`), or a parameter name.
    pub field: String,
    /// Stable, snake_case: `required`, `invalid_type`, `too_long`, `unknown_field`, …
    pub code: String,
    /// What is wrong, for a person.
    pub message: String,
    /// For an uploaded file: the line (CSV, counting the header as line 1) that is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl FieldError {
    /// A field error.
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.to_owned(), message: message.into(), line: None }
    }
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON at all.
    #[error("the body is not valid JSON: {0}")]
    MalformedJson(String),
    /// Well-formed input with wrong or missing fields.
    #[error("{} invalid", plural(.0.len(), "field is", "fields are"))]
    Validation(Vec<FieldError>),
    /// The body is not `application/json`.
    #[error("the body must be application/json")]
    UnsupportedMediaType,
    /// The body is larger than the configured limit.
    #[error("the body is larger than the limit of {0} bytes")]
    PayloadTooLarge(usize),
    /// No such resource (or not visible to the caller).
    #[error("no such resource")]
    NotFound,
    /// The resource exists but not with this method.
    #[error("method not allowed; allowed: {}", .0.join(", "))]
    MethodNotAllowed(Vec<String>),
    /// Authentication failed; the code says why.
    #[error("{1}")]
    Unauthorized(&'static str, String),
    /// Authenticated, but not allowed to do this.
    #[error("you may not do this")]
    Forbidden,
    /// Conflicts with the current state (e.g. a taken name).
    #[error("{0}")]
    Conflict(String),
    /// `If-Match` names an older version.
    #[error("the resource changed since you read it (now at version {0})")]
    StaleVersion(i64),
    /// `If-Match` with a weak ETag, which never matches (strong comparison).
    #[error("If-Match compares strongly: a weak ETag (W/…) never matches; send the ETag as read")]
    WeakEtag,
    /// An action its record's state does not allow.
    #[error("{action} is not allowed in state {state}")]
    ActionNotAllowed {
        /// The state (a complaint's, a work order's).
        state: &'static str,
        /// The action refused.
        action: &'static str,
        /// What the state allows.
        allowed: Vec<&'static str>,
    },
    /// A payment or a plan waits for its approval (R-AP): the step still awaited.
    #[error("the approval is not complete: step {} awaits {}", .0.index.map_or("-".to_owned(), |i| i.to_string()), .0.awaited_roles.join(", "))]
    ApprovalPending(Box<PendingStep>),
    /// A refusal with its own status and `code` (`own_request`, `insufficient_funds`, …).
    #[error("{2}")]
    Refused(StatusCode, &'static str, String),
    /// A change without `If-Match`.
    #[error("send If-Match with the ETag of the version you read")]
    PreconditionRequired,
    /// The database does not answer.
    #[error("the database is not available")]
    Unavailable,
    /// A bug or an unexpected failure; details are logged, not returned.
    #[error("internal error")]
    Internal(String),

    // Access and limits.
    /// Too many failed attempts; try again after this many seconds.
    #[error("too many failed attempts; try again in {0} seconds")]
    TooManyRequests(i64),
    /// More requests than `KEFU_RATE_LIMIT` allows; try again after this many seconds.
    #[error("too many requests; try again in {0} seconds")]
    RateLimited(i64),
    /// The request's body did not arrive within `KEFU_REQUEST_TIMEOUT`.
    #[error("the request body did not arrive in time (KEFU_REQUEST_TIMEOUT)")]
    RequestTimeout,
    /// An `Idempotency-Key` came back with another request body.
    #[error("this Idempotency-Key was used with another request")]
    IdempotencyKeyReused,
    /// A request with this `Idempotency-Key` is still being answered.
    #[error("a request with this Idempotency-Key is still in flight")]
    IdempotencyKeyInFlight,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

impl ApiError {
    /// The stable `code` of this problem.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MalformedJson(_) => "malformed_json",
            Self::Validation(_) => "validation_failed",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::Unauthorized(code, _) => code,
            Self::Forbidden => "forbidden",
            Self::Conflict(_) => "conflict",
            Self::ActionNotAllowed { .. } => "action_not_allowed",
            Self::ApprovalPending(_) => "approval_pending",
            Self::Refused(_, code, _) => code,
            Self::StaleVersion(_) | Self::WeakEtag => "stale_version",
            Self::PreconditionRequired => "precondition_required",
            Self::Unavailable => "database_unavailable",
            Self::Internal(_) => "internal_error",

            Self::TooManyRequests(_) => "too_many_requests",
            Self::RateLimited(_) => "rate_limited",
            Self::RequestTimeout => "request_timeout",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::IdempotencyKeyInFlight => "idempotency_key_in_flight",
        }
    }

    /// A single-field validation problem.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    /// The problem document.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        Problem {
            kind: format!("/problems/{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.to_string(),
            code: self.code().to_owned(),
            errors: match self {
                Self::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
            state: match self {
                Self::ActionNotAllowed { state, .. } => Some((*state).to_owned()),
                _ => None,
            },
            allowed_actions: match self {
                Self::ActionNotAllowed { allowed, .. } => {
                    Some(allowed.iter().map(|a| (*a).to_owned()).collect())
                }
                _ => None,
            },
            pending_step: match self {
                Self::ApprovalPending(step) => Some((**step).clone()),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::MalformedJson(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unauthorized(..) => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Conflict(_) | Self::ActionNotAllowed { .. } | Self::ApprovalPending(_) => {
                StatusCode::CONFLICT
            }
            Self::Refused(status, ..) => *status,
            Self::StaleVersion(_) | Self::WeakEtag => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,

            Self::TooManyRequests(_) | Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::IdempotencyKeyInFlight => StatusCode::CONFLICT,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(%cause, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        match self {
            Self::Unauthorized(..) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::MethodNotAllowed(allow) => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            Self::TooManyRequests(seconds) | Self::RateLimited(seconds) => {
                response.insert_header((header::RETRY_AFTER, seconds.max(&1).to_string()));
            }
            Self::RequestTimeout => {
                response.insert_header((header::CONNECTION, "close"));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Forbidden => Self::Forbidden,
            StoreError::StaleVersion { current } => Self::StaleVersion(current),
            StoreError::Conflict(what) => Self::Conflict(what),
            StoreError::Invalid { field, message } => Self::field(&field, "unknown", message),
            StoreError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                Self::Unavailable
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(e.to_string())
    }
}

/// The result type of handlers.
pub type ApiResult<T> = Result<T, ApiError>;

/// The last word on errors: an error answer that left a layer below without a problem document
/// (a refused CORS preflight, a framework error) becomes one, with a `code` from its status.
pub async fn problem_fallback(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    let res = next.call(req).await?;
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if status.as_u16() < 400 || is_problem {
        return Ok(res.map_into_left_body());
    }
    let code =
        status.canonical_reason().unwrap_or("error").to_ascii_lowercase().replace([' ', '-'], "_");
    let problem = Problem {
        kind: format!("/problems/{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: match res.response().error() {
            Some(e) => e.to_string(),
            None => status.canonical_reason().unwrap_or("error").to_owned(),
        },
        code,
        errors: Vec::new(),
        state: None,
        allowed_actions: None,
        pending_step: None,
    };
    let (req, old) = res.into_parts();
    let mut builder = HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            builder.append_header((name.clone(), value.clone()));
        }
    }
    let response = builder.content_type(PROBLEM_JSON).json(problem);
    Ok(actix_web::dev::ServiceResponse::new(req, response).map_into_right_body())
}
