//! The HTTP endpoints, a module (or a folder) per concept, registered in one list.

pub mod approvals;
pub mod audit;
pub mod auth;
pub mod calendars;
pub mod clients;
pub mod complaints;
pub mod contractors;
pub mod customers;
pub mod funds;
pub mod grants;
pub mod groups;
pub mod health;
pub mod me;
pub mod org;
pub mod policies;
pub mod users;
pub mod vocabularies;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented endpoint; the router and the OpenAPI document share this list.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    use org::{buildings, companies, departments, projects, units};
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::client_token::client_token)
        .service(me::get_me)
        .service(me::change_my_password)
        .service(vocabularies::get_vocabularies)
        .service(complaints::create_complaint)
        .service(complaints::list_complaints)
        .service(complaints::get_complaint)
        .service(complaints::transition_complaint)
        .service(complaints::list_complaint_events)
        .service(complaints::update_complaint)
        .service(complaints::create_complaint_note)
        .service(complaints::events::create_problem)
        .service(complaints::events::list_problems)
        .service(complaints::events::get_problem)
        .service(complaints::events::list_customer_events)
        .service(complaints::events::get_customer_event)
        .service(complaints::events::report_customer_event)
        .service(complaints::events::list_customer_event_events)
        .service(complaints::attachments::create_attachment)
        .service(complaints::attachments::list_attachments)
        .service(complaints::attachments::get_attachment)
        .service(complaints::work_orders::create_work_order)
        .service(complaints::work_orders::list_work_orders)
        .service(complaints::work_orders::get_work_order)
        .service(complaints::work_orders::transition_work_order)
        .service(approvals::policy::get_approval_policy)
        .service(approvals::policy::update_approval_policy)
        .service(approvals::policy::get_approval_route)
        .service(approvals::requests::create_approval)
        .service(approvals::requests::list_approvals)
        .service(approvals::requests::get_approval)
        .service(approvals::requests::decide_approval)
        .service(approvals::requests::resubmit_approval)
        .service(funds::create_fund_account)
        .service(funds::list_fund_accounts)
        .service(funds::get_fund_account)
        .service(funds::create_fund_credit)
        .service(funds::list_fund_entries)
        .service(funds::create_disbursement)
        .service(funds::list_disbursements)
        .service(funds::get_disbursement)
        .service(funds::pay_disbursement)
        .service(contractors::create_contractor)
        .service(contractors::list_contractors)
        .service(contractors::get_contractor)
        .service(contractors::update_contractor)
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
        .service(companies::create_company)
        .service(companies::list_companies)
        .service(companies::get_company)
        .service(companies::update_company)
        .service(projects::create_project)
        .service(projects::list_projects)
        .service(projects::get_project)
        .service(projects::update_project)
        .service(buildings::create_building)
        .service(buildings::list_buildings)
        .service(buildings::get_building)
        .service(buildings::update_building)
        .service(units::create_unit)
        .service(units::list_units)
        .service(units::get_unit)
        .service(units::update_unit)
        .service(departments::create_department)
        .service(departments::list_departments)
        .service(departments::get_department)
        .service(departments::update_department)
        .service(customers::create_customer)
        .service(customers::list_customers)
        .service(customers::get_customer)
        .service(customers::get_customer_phones)
        .service(customers::update_customer)
        .service(customers::create_customer_unit)
        .service(customers::delete_customer_unit)
        .service(customers::privacy::export_customer)
        .service(customers::privacy::erase_customer)
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
        .service(policies::update_sla_policy)
        .service(audit::list_audit_events);
}
