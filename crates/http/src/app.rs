//! The actix application: routes, middleware, error handling for what no handler matched.

use std::{sync::Arc, time::Duration};

use actix_cors::Cors;
use actix_web::{
    App, HttpRequest, HttpResponse,
    body::MessageBody,
    dev::{ServiceFactory, ServiceRequest, ServiceResponse},
    http::header,
    middleware::{Condition, from_fn},
    web,
};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::{
    body::{BodyLimit, BodyTimeout},
    config::Settings,
    headers::security_headers,
    metrics::Metrics,
    observe::observe,
    openapi::{self, RouteTable},
    problem::ApiError,
    rate_limit::{Limiters, rate_limit},
    routes,
    state::AppState,
    storage::AttachmentStore,
};

/// Paths served outside the documented API.
const UNDOCUMENTED: [(&str, &str); 4] =
    [("/", "GET"), ("/openapi.json", "GET"), ("/docs", "GET"), ("/docs/{file}", "GET")];

/// The complete OpenAPI document, as served at `/openapi.json` and printed by `kefu openapi`.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(openapi::base())
        .configure(routes::configure)
        .split_for_parts();
    let doc = crate::openapi_access::complete(openapi::complete(doc));
    crate::openapi_webhooks::complete(crate::openapi_links::complete(doc))
}

/// Everything an app instance needs; cheap to clone into each worker.
#[derive(Clone)]
pub struct AppParts {
    /// Shared state.
    pub state: web::Data<AppState>,
    /// The request metrics.
    pub metrics: web::Data<Metrics>,
    /// The document, computed once.
    pub spec: utoipa::openapi::OpenApi,
    /// Methods per path, for 405.
    pub routes: web::Data<RouteTable>,
    /// The body size limit.
    pub body_limit: usize,
    /// How long a client has to send a request's head, and again its body.
    pub request_timeout: Duration,
    /// Browser origins allowed to call the API (CORS); none when empty.
    pub cors_origins: Arc<[String]>,
    /// The rate-limit buckets, when limits are on; shared by all workers.
    pub limiters: Option<web::Data<Limiters>>,
    /// Where complaint attachments are kept.
    pub attachments: web::Data<AttachmentStore>,
}

impl AppParts {
    /// Computes the spec and route table once for all workers; opens the attachment store.
    pub fn new(state: AppState, settings: &Settings) -> anyhow::Result<Self> {
        let spec = spec();
        let routes = web::Data::new(RouteTable::new(&spec, &UNDOCUMENTED));
        Ok(Self {
            state: web::Data::new(state),
            metrics: web::Data::new(Metrics::default()),
            spec,
            routes,
            body_limit: settings.body_limit,
            request_timeout: settings.request_timeout,
            cors_origins: settings.cors_origins.clone().into(),
            limiters: settings.rate_limit.map(|limit| web::Data::new(Limiters::new(limit))),
            attachments: web::Data::new(AttachmentStore::from_settings(settings)?),
        })
    }
}

/// CORS for the configured origins: the methods and headers of the API, and the answer headers
/// a browser page needs to read (versions, new locations, waits, request ids).
fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("idempotency-key"),
            crate::observe::REQUEST_ID,
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::ALLOW,
            header::WWW_AUTHENTICATE,
            crate::observe::REQUEST_ID,
        ])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Builds the application for one worker.
pub fn build(
    parts: AppParts,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let limiters = parts.limiters.clone();
    App::new()
        .app_data(parts.state)
        .app_data(parts.metrics)
        .app_data(parts.routes)
        .app_data(web::Data::new(BodyLimit(parts.body_limit)))
        .app_data(web::Data::new(BodyTimeout(parts.request_timeout)))
        .app_data(parts.attachments)
        .app_data(web::PayloadConfig::new(parts.body_limit))
        .app_data(web::QueryConfig::default().error_handler(|e, req| {
            let message = e.to_string();
            ApiError::field(&query_field(req.query_string(), &message), "invalid", message).into()
        }))
        .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
        .wrap(from_fn(crate::idempotency::idempotency))
        .wrap(from_fn(crate::head::head_as_get))
        .wrap(from_fn(rate_limit))
        .wrap(Condition::new(!parts.cors_origins.is_empty(), cors(&parts.cors_origins)))
        .wrap(from_fn(crate::problem::problem_fallback))
        .wrap(from_fn(security_headers))
        .wrap(from_fn(observe))
        .service(web::resource("/").guard(actix_web::guard::Get()).to(docs_redirect))
        .service(web::resource("/docs").guard(actix_web::guard::Get()).to(docs_redirect))
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .url("/openapi.json", parts.spec)
                // No online validator badge: it would call a third party (and fail offline).
                .config(Config::default().validator_url("none")),
        )
        .into_utoipa_app()
        .configure(routes::configure)
        .into_app()
        .configure(|cfg| {
            if let Some(limiters) = limiters {
                cfg.app_data(limiters);
            }
        })
        .default_service(web::to(unmatched))
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header(("Location", "/docs/")).finish()
}

/// No route matched: 405 with `Allow` when the path exists with other methods, else 404.
async fn unmatched(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    Err(match routes.allowed(req.path()) {
        Some(methods) => ApiError::MethodNotAllowed(methods),
        None => ApiError::NotFound,
    })
}

/// The query parameter a query-string error is about: the one whose value an `unknown variant`
/// message names (`?sort=urgency`), else `query`.
fn query_field(query: &str, message: &str) -> String {
    const UNKNOWN: &str = "unknown variant `";
    const MISSING: &str = "missing field `";
    if let Some(field) = message
        .find(MISSING)
        .and_then(|at| message[at + MISSING.len()..].split('`').next())
        .filter(|f| !f.is_empty())
    {
        return field.to_owned();
    }
    let named = message
        .find(UNKNOWN)
        .and_then(|at| message[at + UNKNOWN.len()..].split('`').next())
        .filter(|v| !v.is_empty());
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query).map(|q| q.into_inner());
    match (named, pairs) {
        (Some(value), Ok(pairs)) => pairs
            .into_iter()
            .find(|(_, v)| v == value)
            .map_or_else(|| "query".to_owned(), |(k, _)| k),
        _ => "query".to_owned(),
    }
}

#[cfg(test)]
mod query_tests {
    use super::query_field;

    #[test]
    fn an_unknown_variant_names_its_parameter() {
        let message = "unknown variant `urgency`, expected one of `received_at`, `due`";
        assert_eq!(query_field("limit=2&sort=urgency", message), "sort");
        assert_eq!(query_field("state=%E5%BE%85", "unknown variant `待`, expected `x`"), "state");
        assert_eq!(query_field("limit=x", "invalid digit found in string"), "query");
        assert_eq!(query_field("to=2026-01-05", "missing field `from`"), "from");
    }
}
