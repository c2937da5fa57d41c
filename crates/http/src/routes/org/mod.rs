//! The organisation (组织): companies, projects, buildings, units and departments. Reading needs
//! `OrgRead` and sees only what the caller's grants reach; changing needs `OrgWrite` over the
//! record (or, for a create, over its parent).

pub mod buildings;
pub mod companies;
pub mod departments;
pub mod projects;
pub mod units;

use kefu_domain::access::Permission;

use crate::ctx::Access;

/// Reading the organisation needs `OrgRead`, changing it `OrgWrite`.
pub(crate) const ORG: Access = (Permission::OrgRead, Permission::OrgWrite);
