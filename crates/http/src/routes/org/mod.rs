//! The organisation (组织): companies, projects, buildings, units and departments. Reading needs
//! `OrgRead` and sees only what the caller's grants reach; changing needs `OrgWrite` over the
//! record (or, for a create, over its parent).

pub mod buildings;
pub mod companies;
pub mod departments;
pub mod projects;
pub mod units;

use kefu_domain::access::Permission;
use kefu_persistence::scope::Scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{auth::Caller, problem::ApiError};

/// The caller's read and write scopes of the organisation; 403 without `OrgWrite`.
pub(crate) fn scopes(caller: &Caller) -> Result<(Scope, Scope), ApiError> {
    let write = caller.scope(Permission::OrgWrite)?;
    let read = caller.scope(Permission::OrgRead)?;
    Ok((read, write))
}

/// Registers the organisation's endpoints.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(companies::create_company)
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
        .service(departments::update_department);
}
