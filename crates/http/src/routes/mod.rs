//! The HTTP endpoints, one module per resource.

pub mod auth;
pub mod health;
pub mod me;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented endpoint; the router and the OpenAPI document share this list.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(auth::login)
        .service(auth::refresh)
        .service(me::get_me);
}
