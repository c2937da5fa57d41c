//! Liveness, readiness and metrics: unauthenticated, for orchestrators and Prometheus.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    metrics::Metrics,
    problem::{ApiError, ApiResult, Problem},
    state::AppState,
};

/// A health answer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// `ok` (process up) or `ready` (database answers).
    pub status: String,
}

/// Liveness: the process is up and serving.
#[utoipa::path(tag = "health", operation_id = "get_healthz",
    responses((status = 200, description = "The process is up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok".into() })
}

/// Readiness: the database answers. 503 while it does not.
#[utoipa::path(tag = "health", operation_id = "get_readyz",
    responses(
        (status = 200, description = "The database answers", body = Health,
            example = json!({"status": "ready"})),
        (status = 503, description = "The database does not answer", body = Problem,
            content_type = "application/problem+json"),
    ))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<web::Json<Health>> {
    let db = state.db.clone();
    web::block(move || db.ping()).await?.map_err(|e| {
        tracing::warn!(cause = %e, "readiness check failed");
        ApiError::Unavailable
    })?;
    Ok(web::Json(Health { status: "ready".into() }))
}

/// Prometheus metrics: request counts and latency histograms by route template and status.
#[utoipa::path(tag = "health", operation_id = "get_metrics",
    responses((status = 200, description = "Prometheus text exposition format",
        content_type = "text/plain", body = String,
        example = "kefu_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1")))]
#[get("/metrics")]
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}
