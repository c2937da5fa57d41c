//! The roles of the rules (RULES.md §4–§5 and the list) and what each may do: a table,
//! not `if`s in handlers.

use std::{fmt, str::FromStr};

use super::UnknownName;

/// Something a caller may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read companies, projects, buildings, units, departments.
    OrgRead,
    /// Create and change them.
    OrgWrite,
    /// Read customers, phone numbers masked.
    CustomersRead,
    /// Create and change customers.
    CustomersWrite,
    /// Read a customer's whole phone numbers (each read is audited).
    CustomerPhonesRead,
    /// Read users and grants of the group.
    UsersRead,
    /// Create, change and disable users; grant and revoke roles.
    UsersWrite,
    /// Manage integration clients (service accounts).
    ClientsManage,
    /// Create and manage groups (tenants); platform only.
    GroupsManage,
    /// Create and change business calendars, their holiday schedules and the SLA policy. They
    /// are deployment-wide reference data (every group reads them), so only the platform may
    /// change them until they are scoped per group.
    CalendarsManage,
}

use Permission as P;

macro_rules! roles {
    ($($variant:ident = $name:literal, $doc:literal, [$($perm:ident),*];)+) => {
        /// A role (岗位角色), held at a scope through a grant.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Role { $(#[doc = $doc] $variant,)+ }

        impl Role {
            /// Every role, in API order.
            pub const ALL: &'static [Role] = &[$(Role::$variant,)+];

            /// The API and database name.
            pub fn as_str(self) -> &'static str {
                match self { $(Role::$variant => $name,)+ }
            }

            /// What the role may do.
            pub fn permissions(self) -> &'static [Permission] {
                match self { $(Role::$variant => &[$(P::$perm),*],)+ }
            }
        }
    };
}

roles! {
    Admin = "admin", "Administrator of a group: organisation, users, grants, integration clients.",
        [OrgRead, OrgWrite, CustomersRead, CustomersWrite, CustomerPhonesRead, UsersRead, UsersWrite, ClientsManage];
    PlatformOperator = "platform_operator", "Platform operator (平台运维): creates groups and their first admin; sees no group's business data.",
        [GroupsManage, CalendarsManage];
    CsSpecialist = "cs_specialist", "Complaint / customer / information specialist (客服专员); receives complaints and calls customers.",
        [OrgRead, CustomersRead, CustomersWrite, CustomerPhonesRead];
    CsManager = "cs_manager", "Customer-service manager (客服经理).",
        [OrgRead, CustomersRead, CustomersWrite, CustomerPhonesRead, UsersRead];
    CustomerDirector = "customer_director", "Customer director (客户总监); calls back major complaints (R-CB-2).",
        [OrgRead, CustomersRead, CustomerPhonesRead, UsersRead];
    OfficeDirector = "office_director", "Office director (总裁办主任).",
        [OrgRead, CustomersRead, UsersRead];
    Vp = "vp", "Vice president in charge (分管副总).",
        [OrgRead, CustomersRead, UsersRead];
    President = "president", "President (总裁).",
        [OrgRead, CustomersRead, UsersRead];
    DeptCoordinator = "dept_coordinator", "A department's coordinator (接口人) for work orders (R-WO-1).",
        [OrgRead];
    DeptHead = "dept_head", "Head of a department; approves its proposals (R-WO-2).",
        [OrgRead];
    PropertyStaff = "property_staff", "Property-management staff (物业).",
        [OrgRead, CustomersRead, CustomerPhonesRead];
    SalesStaff = "sales_staff", "Sales staff (销售); registers buyers.",
        [OrgRead, CustomersRead, CustomersWrite, CustomerPhonesRead];
    BrokerageStaff = "brokerage_staff", "Brokerage staff (经纪); title certificates and mortgages.",
        [OrgRead, CustomersRead, CustomersWrite];
    Auditor = "auditor", "Auditor: reads everything in scope, changes nothing, sees masked phones.",
        [OrgRead, CustomersRead, UsersRead];
    CrmIntegration = "crm_integration", "A CRM system (integration client): keeps customers in sync.",
        [OrgRead, CustomersRead, CustomersWrite];
    CallCenterIntegration = "call_center_integration", "A call-center system (integration client): looks callers up by number.",
        [OrgRead, CustomersRead, CustomerPhonesRead];
}

impl Role {
    /// Whether the role carries `permission`.
    pub fn permits(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownName { what: "role", value: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_platform_sees_no_business_data() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), *role);
        }
        let business = [P::OrgRead, P::CustomersRead, P::UsersRead];
        assert!(business.iter().all(|p| !Role::PlatformOperator.permits(*p)));
        assert!(Role::Admin.permits(P::UsersWrite) && !Role::Admin.permits(P::GroupsManage));
    }

    #[test]
    fn auditors_only_read_and_never_see_whole_numbers() {
        assert!(
            Role::Auditor
                .permissions()
                .iter()
                .all(|p| matches!(p, P::OrgRead | P::CustomersRead | P::UsersRead))
        );
    }
}
