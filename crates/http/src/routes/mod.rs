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

// Identity, organisation and access (issue 3).
pub mod client_token;
pub mod clients;
pub mod customer_dto;
pub mod customers;
pub mod grants;
pub mod groups;
pub mod org;
pub mod users;

/// Identity, organisation and access: groups, users, grants, integration clients, the
/// organisation and customers (registered next to [`configure`] by the app and the spec).
pub fn identity(cfg: &mut ServiceConfig<'_>) {
    cfg.service(auth::logout)
        .service(client_token::client_token)
        .service(me::change_my_password)
        .service(groups::create_group)
        .service(groups::list_groups)
        .service(groups::get_group)
        .service(groups::update_group)
        .service(users::create_user)
        .service(users::list_users)
        .service(users::get_user)
        .service(users::update_user)
        .service(grants::create_grant)
        .service(grants::list_grants)
        .service(grants::get_grant)
        .service(grants::delete_grant)
        .service(clients::create_integration_client)
        .service(clients::list_integration_clients)
        .service(clients::get_integration_client)
        .service(clients::update_integration_client)
        .configure(org::configure)
        .service(customers::create_customer)
        .service(customers::list_customers)
        .service(customers::get_customer)
        .service(customers::get_customer_phones)
        .service(customers::update_customer)
        .service(customers::create_customer_unit)
        .service(customers::delete_customer_unit);
}
