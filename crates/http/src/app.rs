//! The actix application: routes, middleware, error handling for what no handler matched.

use actix_web::{
    App, HttpRequest, HttpResponse,
    body::MessageBody,
    dev::{ServiceFactory, ServiceRequest, ServiceResponse},
    middleware::from_fn,
    web,
};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    body::BodyLimit,
    metrics::Metrics,
    observe::observe,
    openapi::{self, RouteTable},
    problem::ApiError,
    routes,
    state::AppState,
};

/// Paths served outside the documented API.
const UNDOCUMENTED: [(&str, &str); 3] =
    [("/openapi.json", "GET"), ("/docs", "GET"), ("/docs/{file}", "GET")];

/// The complete OpenAPI document, as served at `/openapi.json` and printed by `kefu openapi`.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(openapi::base())
        .configure(routes::configure)
        .split_for_parts();
    crate::openapi_links::complete(crate::openapi_access::complete(openapi::complete(doc)))
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
}

impl AppParts {
    /// Computes the spec and route table once for all workers.
    pub fn new(state: AppState, body_limit: usize) -> Self {
        let spec = spec();
        let routes = web::Data::new(RouteTable::new(&spec, &UNDOCUMENTED));
        Self {
            state: web::Data::new(state),
            metrics: web::Data::new(Metrics::default()),
            spec,
            routes,
            body_limit,
        }
    }
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
    App::new()
        .app_data(parts.state)
        .app_data(parts.metrics)
        .app_data(parts.routes)
        .app_data(web::Data::new(BodyLimit(parts.body_limit)))
        .app_data(web::PayloadConfig::new(parts.body_limit))
        .app_data(
            web::QueryConfig::default()
                .error_handler(|e, _| ApiError::field("query", "invalid", e.to_string()).into()),
        )
        .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
        .wrap(from_fn(crate::idempotency::idempotency))
        .wrap(from_fn(crate::head::head_as_get))
        .wrap(from_fn(observe))
        .service(web::resource("/docs").guard(actix_web::guard::Get()).to(docs_redirect))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", parts.spec))
        .into_utoipa_app()
        .configure(routes::configure)
        .into_app()
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
