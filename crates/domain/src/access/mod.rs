//! Access control (权限): roles held at a scope, permissions as data, and the reach a caller's
//! grants give him for one permission.
//!
//! A grant is a role at a scope: the platform, a group (tenant), a company (covers its projects,
//! buildings, units and departments), a project, or a department. What a caller may do is the
//! union of his grants. For one permission, [`Reach`] says which rows of his group he may touch;
//! persistence turns it into the `WHERE` clause of every query, so no handler can forget it.

mod roles;

pub use roles::{Permission, Role};

crate::vocabulary! {
    /// Where a grant applies.
    pub enum ScopeKind as "scope_kind" {
        /// The whole deployment; only platform operators (平台运维) hold it.
        Platform = "platform", "平台";
        /// One group (集团), the tenant.
        Group = "group", "集团";
        /// One company of the group, with its projects and departments.
        Company = "company", "公司";
        /// One project (楼盘).
        Project = "project", "项目";
        /// One department (部门), across every project it works on.
        Department = "department", "部门";
    }
}

crate::vocabulary! {
    /// Where a grant given inside a group applies (every scope but the platform's).
    pub enum GrantScope as "grant_scope" {
        /// The whole group.
        Group = "group", "集团";
        /// One company, its projects and departments.
        Company = "company", "公司";
        /// One project.
        Project = "project", "项目";
        /// One department, across projects.
        Department = "department", "部门";
    }
}

impl From<GrantScope> for ScopeKind {
    fn from(s: GrantScope) -> Self {
        match s {
            GrantScope::Group => Self::Group,
            GrantScope::Company => Self::Company,
            GrantScope::Project => Self::Project,
            GrantScope::Department => Self::Department,
        }
    }
}

crate::vocabulary! {
    /// Who holds a grant.
    pub enum PrincipalKind as "principal_kind" {
        /// A person.
        User = "user", "用户";
        /// An integration client (a CRM or call-center system).
        Client = "client", "集成客户端";
    }
}

pub use crate::vocabulary::UnknownName;

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

/// The roles `grants` hold over a record at this company, project and department: a group
/// grant covers every record of the group, a company grant its company's, a project or
/// department grant its own (who may decide an approval step, R-AP).
pub fn roles_over(
    grants: &[GrantRef],
    company: &str,
    project: &str,
    department: Option<&str>,
) -> Vec<Role> {
    let mut roles: Vec<Role> = grants
        .iter()
        .filter(|g| {
            let id = g.scope_id.as_deref();
            match g.scope {
                ScopeKind::Platform => false,
                ScopeKind::Group => true,
                ScopeKind::Company => id == Some(company),
                ScopeKind::Project => id == Some(project),
                ScopeKind::Department => id.is_some() && id == department,
            }
        })
        .map(|g| g.role)
        .collect();
    roles.sort_by_key(|r| r.as_str());
    roles.dedup();
    roles
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
            assert_eq!(kind.as_str().parse::<ScopeKind>().unwrap(), *kind);
        }
        assert!("tenant".parse::<ScopeKind>().is_err());
    }
}
