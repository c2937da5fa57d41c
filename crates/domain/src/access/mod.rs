//! Access control (权限): roles held at a scope, permissions as data, and the reach a caller's
//! grants give him for one permission.
//!
//! A grant is a role at a scope: the platform, a group (tenant), a company (covers its projects,
//! buildings, units and departments), a project, or a department. What a caller may do is the
//! union of his grants. For one permission, [`Reach`] says which rows of his group he may touch;
//! persistence turns it into the `WHERE` clause of every query, so no handler can forget it.

mod roles;

use std::{fmt, str::FromStr};

pub use roles::{Permission, Role};

/// Where a grant applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScopeKind {
    /// The whole deployment; only platform operators (平台运维) hold it.
    Platform,
    /// One group (集团), the tenant.
    Group,
    /// One company of the group, with its projects and departments.
    Company,
    /// One project (楼盘).
    Project,
    /// One department (部门), across every project it works on.
    Department,
}

impl ScopeKind {
    /// Every kind, in API order.
    pub const ALL: [Self; 5] =
        [Self::Platform, Self::Group, Self::Company, Self::Project, Self::Department];

    /// The API and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Platform => "platform",
            Self::Group => "group",
            Self::Company => "company",
            Self::Project => "project",
            Self::Department => "department",
        }
    }
}

impl fmt::Display for ScopeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the known values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownName {
    /// What kind of name.
    pub what: &'static str,
    /// The offending value.
    pub value: String,
}

impl FromStr for ScopeKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownName { what: "scope kind", value: s.to_owned() })
    }
}

/// One grant as the access rules need it: a role at a scope (`scope_id` is the group, company,
/// project or department id; `None` for the platform).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRef {
    /// The role held.
    pub role: Role,
    /// Where.
    pub scope: ScopeKind,
    /// The scope's id.
    pub scope_id: Option<String>,
}

/// The rows of one group that a caller may touch with one permission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// Every row of the group.
    pub whole_group: bool,
    /// Rows of these companies (and everything below them).
    pub companies: Vec<String>,
    /// Rows of these projects (and everything below them).
    pub projects: Vec<String>,
    /// Rows of these departments.
    pub departments: Vec<String>,
}

impl Reach {
    /// What the grants give for `permission`; `None` when no grant carries it at all (403),
    /// as opposed to a reach that simply does not include a given row (404).
    pub fn of(grants: &[GrantRef], permission: Permission) -> Option<Self> {
        let mut reach = Self::default();
        let mut any = false;
        for grant in grants.iter().filter(|g| g.role.permits(permission)) {
            any = true;
            let id = grant.scope_id.clone().unwrap_or_default();
            match grant.scope {
                ScopeKind::Platform => {}
                ScopeKind::Group => reach.whole_group = true,
                ScopeKind::Company => reach.companies.push(id),
                ScopeKind::Project => reach.projects.push(id),
                ScopeKind::Department => reach.departments.push(id),
            }
        }
        any.then_some(reach)
    }

    /// Whether a row with these ancestors is within reach.
    pub fn covers(
        &self,
        company: Option<&str>,
        project: Option<&str>,
        department: Option<&str>,
    ) -> bool {
        let has =
            |list: &[String], id: Option<&str>| id.is_some_and(|id| list.iter().any(|x| x == id));
        self.whole_group
            || has(&self.companies, company)
            || has(&self.projects, project)
            || has(&self.departments, department)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, scope: ScopeKind, id: &str) -> GrantRef {
        GrantRef { role, scope, scope_id: Some(id.into()) }
    }

    #[test]
    fn reach_is_the_union_of_the_grants_that_carry_the_permission() {
        let grants = [
            grant(Role::CsSpecialist, ScopeKind::Project, "p1"),
            grant(Role::Auditor, ScopeKind::Company, "c1"),
            grant(Role::DeptCoordinator, ScopeKind::Department, "d1"),
        ];
        let reach = Reach::of(&grants, Permission::CustomersWrite).unwrap();
        assert_eq!(reach.projects, ["p1"]);
        assert!(reach.companies.is_empty(), "auditors only read");
        let read = Reach::of(&grants, Permission::OrgRead).unwrap();
        assert_eq!((read.companies.len(), read.projects.len(), read.departments.len()), (1, 1, 1));
        assert!(read.covers(Some("c1"), Some("p9"), None));
        assert!(!read.covers(Some("c2"), Some("p2"), None));
        assert!(Reach::of(&grants, Permission::UsersWrite).is_none(), "no grant carries it: 403");
    }

    #[test]
    fn scope_kinds_round_trip() {
        for kind in ScopeKind::ALL {
            assert_eq!(kind.as_str().parse::<ScopeKind>().unwrap(), kind);
        }
        assert!("tenant".parse::<ScopeKind>().is_err());
    }
}
