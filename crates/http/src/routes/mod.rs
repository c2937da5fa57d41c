//! The HTTP endpoints, one module per resource.

pub mod auth;
pub mod calendars;
pub mod health;
pub mod me;
pub mod policies;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented endpoint; the router and the OpenAPI document share this list.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(auth::login)
        .service(auth::refresh)
        .service(me::get_me)
        .service(calendars::crud::list_calendars)
        .service(calendars::crud::create_calendar)
        .service(calendars::crud::get_calendar)
        .service(calendars::crud::update_calendar)
        .service(calendars::crud::delete_calendar)
        .service(calendars::years::get_calendar_year)
        .service(calendars::years::put_calendar_year)
        .service(calendars::years::delete_calendar_year)
        .service(calendars::calc::get_calendar_due)
        .service(calendars::calc::get_calendar_elapsed)
        .service(calendars::calc::get_calendar_report_due)
        .service(calendars::calc::list_calendar_days)
        .service(policies::get_sla_policy)
        .service(policies::get_sla_policy_version)
        .service(policies::update_sla_policy);
}
