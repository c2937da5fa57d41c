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

use crate::{auth::Caller, problem::ApiError};

/// The caller's read and write scopes of the organisation; 403 without `OrgWrite`.
pub(crate) fn scopes(caller: &Caller) -> Result<(Scope, Scope), ApiError> {
    caller.scopes(Permission::OrgRead, Permission::OrgWrite)
}
