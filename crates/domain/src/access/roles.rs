//! The roles of the rules (RULES.md §4–§5 and the list) and what each may do: a table,
//! not `if`s in handlers.

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
    /// Export everything kefu holds on a customer, phone numbers whole (PIPL right of access;
    /// each export is audited).
    CustomerDataExport,
    /// Erase a customer's personal data on his request (PIPL right to deletion): final.
    CustomerDataErase,
    /// Read users and grants of the group.
    UsersRead,
    /// Create, change and disable users; grant and revoke roles.
    UsersWrite,
    /// Manage integration clients (service accounts).
    ClientsManage,
    /// Create and manage groups (tenants); platform only.
    GroupsManage,
    /// Change the deployment-wide templates every group starts from: the shipped calendars
    /// with their holiday schedules (next year's reach every group) and the default SLA policy.
    CalendarsManage,
    /// Change the group's own rules: its SLA policy and its calendars (no edit reaches another
    /// group).
    RulesManage,
    /// Read the group's audit trail within reach.
    AuditRead,
    /// Read complaints, early warnings and front-desk requests, their timeline, attachments
    /// and customer events.
    ComplaintsRead,
    /// Receive them (受理, R-IN-2): create, attach what came with them.
    ComplaintsReceive,
    /// Work on them: ticket, evidence, handling, escalation, plan, agreement, rectification,
    /// acceptance, resolution, progress, waiting, hand-over, notes, changes, shared problems.
    ComplaintsWork,
    /// Approve a final plan (终极方案, R-AP).
    ComplaintsApprove,
    /// Record callbacks (回访, R-CB).
    ComplaintsCallback,
    /// Archive, reopen and withdraw.
    ComplaintsClose,
    /// Plan callbacks: run a week's batch by hand (R-CB-1), reassign callback tasks.
    CallbacksPlan,
    /// Read work orders (联系单) and contractors.
    WorkOrdersRead,
    /// The customer center's side of work orders (R-WO-1, R-WO-4, R-WO-5): send, assign a
    /// rectification, record its acceptance, require an apology, close.
    WorkOrdersManage,
    /// A department's side (R-WO-2, R-WO-3): commit a reply time, reply, record the survey.
    WorkOrdersRespond,
    /// Approve a department's reply (its head, or the VP; R-WO-2).
    WorkOrdersApprove,
    /// Keep the contractors, their warranty deposits and warranty ends (R-WO-6).
    ContractorsManage,
    /// Read the customer-service fund: accounts, ledger, disbursements (R-AP-3), and export
    /// the ledger.
    FundsRead,
    /// Keep the fund: open a project's account, credit it (R-AP-3).
    FundsManage,
    /// Pay approved disbursements from the fund (finance, R-AP-3).
    FundsPay,
    /// Keep the group's webhook subscriptions: create, change, delete, read their delivery log
    /// and redeliver.
    WebhooksManage,
    /// Read the periodic jobs and their last runs on every node; platform only.
    JobsRead,
    /// Read satisfaction surveys, their answers, results and comments (R-SAT-1, R-SAT-2), and
    /// the departments' improvement plans (R-SAT-3).
    SurveysRead,
    /// Run surveys: create and change them, record distributions and answers, import answers,
    /// record the company's official position on a comment and reply to it (R-SAT-1).
    SurveysManage,
    /// Write a department's improvement plan, submit it and report its quarterly progress
    /// (R-SAT-3).
    ImprovementPlansWrite,
    /// Approve or return a submitted improvement plan (management, R-SAT-3).
    ImprovementPlansApprove,
    /// Read the scheduled reports (RULES.md §7): definitions, the year's schedule, obligations
    /// and submissions, complaint statistics and exports, work plans, department performance
    /// and the case library, each within the caller's reach.
    ReportsRead,
    /// Keep the report definitions (group policy data), review or return submissions, keep
    /// the case library (R-RP-4, R-RP-7) and the project contacts (R-RP-14).
    ReportsManage,
    /// Prepare and submit the reports a project or department owes (R-RP-1 … R-RP-12).
    ReportsSubmit,
    /// Write a project's or department's work plan and report its monthly completion (R-RP-13).
    WorkPlansWrite,
    /// Review work plans and spot-check their execution (the customer center, R-RP-13).
    WorkPlansReview,
    /// Confirm each month's responsible department of a handled complaint (the president,
    /// R-RP-15).
    PerformanceConfirm,
}

use Permission as P;

macro_rules! roles {
    ($($variant:ident = $name:tt, $label:tt, $doc:literal, [$($perm:ident),*];)+) => {
        crate::vocabulary! {
            /// A role (岗位角色), held at a scope through a grant.
            pub enum Role as "role" { $(#[doc = $doc] $variant = $name, $label;)+ }
        }

        impl Role {
            /// What the role may do.
            pub fn permissions(self) -> &'static [Permission] {
                match self { $(Role::$variant => &[$(P::$perm),*],)+ }
            }
        }
    };
}

roles! {
    Admin = "admin", "集团管理员", "Administrator of a group: organisation, users, grants, integration clients, the group's rules.",
        [OrgRead, OrgWrite, CustomersRead, CustomersWrite, CustomerPhonesRead, CustomerDataExport, CustomerDataErase, UsersRead, UsersWrite, ClientsManage, RulesManage, AuditRead,
         ComplaintsRead, WorkOrdersRead, ContractorsManage, FundsRead, FundsManage, WebhooksManage, SurveysRead, ReportsRead];
    PlatformOperator = "platform_operator", "平台运维", "Platform operator (平台运维): creates groups and their first admin, keeps the shipped templates and watches the periodic jobs; sees no group's business data.",
        [GroupsManage, CalendarsManage, JobsRead];
    CsSpecialist = "cs_specialist", "客服专员", "Complaint / customer / information specialist (客服专员); receives complaints and calls customers.",
        [OrgRead, CustomersRead, CustomersWrite, CustomerPhonesRead,
         ComplaintsRead, ComplaintsReceive, ComplaintsWork, ComplaintsCallback, WorkOrdersRead, WorkOrdersManage, SurveysRead, SurveysManage, ReportsRead, ReportsSubmit];
    CsManager = "cs_manager", "客服经理", "Customer-service manager (客服经理); keeps the group's time limits and calendars.",
        [OrgRead, CustomersRead, CustomersWrite, CustomerPhonesRead, CustomerDataExport, UsersRead, RulesManage,
         ComplaintsRead, ComplaintsReceive, ComplaintsWork, ComplaintsApprove, ComplaintsCallback, ComplaintsClose, CallbacksPlan, WorkOrdersRead, WorkOrdersManage, ContractorsManage, FundsRead, SurveysRead, SurveysManage, ImprovementPlansWrite, ReportsRead, ReportsManage, ReportsSubmit, WorkPlansWrite, WorkPlansReview];
    CustomerDirector = "customer_director", "客户总监", "Customer director (客户总监); calls back major complaints (R-CB-2).",
        [OrgRead, CustomersRead, CustomerPhonesRead, UsersRead,
         ComplaintsRead, ComplaintsApprove, ComplaintsCallback, ComplaintsClose, CallbacksPlan, WorkOrdersRead, FundsRead, SurveysRead, ImprovementPlansApprove, ReportsRead, ReportsManage, ReportsSubmit, WorkPlansReview];
    OfficeDirector = "office_director", "总裁办主任", "Office director (总裁办主任).",
        [OrgRead, CustomersRead, UsersRead,
         ComplaintsRead, ComplaintsApprove, WorkOrdersRead, FundsRead, ReportsRead];
    Vp = "vp", "分管副总", "Vice president in charge (分管副总).",
        [OrgRead, CustomersRead, UsersRead,
         ComplaintsRead, ComplaintsApprove, WorkOrdersRead, WorkOrdersApprove, FundsRead, SurveysRead, ReportsRead];
    President = "president", "总裁", "President (总裁).",
        [OrgRead, CustomersRead, UsersRead,
         ComplaintsRead, ComplaintsApprove, WorkOrdersRead, FundsRead, SurveysRead, ImprovementPlansApprove, ReportsRead, PerformanceConfirm];
    GeneralManager = "general_manager", "总经理", "A company's or center's general manager (总经理); approves fund uses of 10,000 – 100,000 yuan (R-AP-3).",
        [OrgRead, CustomersRead, UsersRead,
         ComplaintsRead, WorkOrdersRead, FundsRead, SurveysRead, ImprovementPlansApprove, ReportsRead];
    DevelopmentDirector = "development_director", "开发部总监", "Development director (开发部总监); approves fund uses below 10,000 yuan (R-AP-3).",
        [OrgRead, CustomersRead,
         ComplaintsRead, WorkOrdersRead, FundsRead];
    RegionalHq = "regional_hq", "区域总部", "Regional headquarters (区域总部); approves fund uses above 100,000 yuan (R-AP-3).",
        [OrgRead, CustomersRead,
         ComplaintsRead, WorkOrdersRead, FundsRead];
    Finance = "finance", "财务", "Finance (财务部); keeps the customer-service fund's own ledger and pays approved uses (R-AP-3).",
        [OrgRead,
         ComplaintsRead, FundsRead, FundsManage, FundsPay];
    DeptCoordinator = "dept_coordinator", "部门接口人", "A department's coordinator (接口人) for work orders (R-WO-1).",
        [OrgRead,
         ComplaintsRead, WorkOrdersRead, WorkOrdersRespond, ReportsRead, ReportsSubmit];
    DeptHead = "dept_head", "部门负责人", "Head of a department; approves its proposals (R-WO-2).",
        [OrgRead,
         ComplaintsRead, WorkOrdersRead, WorkOrdersRespond, WorkOrdersApprove, SurveysRead, ImprovementPlansWrite, ReportsRead, ReportsSubmit, WorkPlansWrite];
    PropertyStaff = "property_staff", "物业人员", "Property-management staff (物业).",
        [OrgRead, CustomersRead, CustomerPhonesRead,
         ComplaintsRead, ComplaintsReceive, ComplaintsWork, ComplaintsCallback, ReportsRead, ReportsSubmit];
    SalesStaff = "sales_staff", "销售人员", "Sales staff (销售); registers buyers.",
        [OrgRead, CustomersRead, CustomersWrite, CustomerPhonesRead,
         ComplaintsRead, ComplaintsReceive];
    BrokerageStaff = "brokerage_staff", "经纪人员", "Brokerage staff (经纪); title certificates and mortgages.",
        [OrgRead, CustomersRead, CustomersWrite,
         ComplaintsRead, ComplaintsReceive, ReportsRead, ReportsSubmit];
    Auditor = "auditor", "审计", "Auditor: reads everything in scope (the audit trail included), changes nothing, sees masked phones.",
        [OrgRead, CustomersRead, UsersRead, AuditRead,
         ComplaintsRead, WorkOrdersRead, FundsRead, SurveysRead, ReportsRead];
    CrmIntegration = "crm_integration", "CRM 集成", "A CRM system (integration client): keeps customers in sync.",
        [OrgRead, CustomersRead, CustomersWrite,
         ComplaintsRead, ComplaintsReceive];
    CallCenterIntegration = "call_center_integration", "呼叫中心集成", "A call-center system (integration client): looks callers up by number.",
        [OrgRead, CustomersRead, CustomerPhonesRead,
         ComplaintsRead, ComplaintsReceive];
}

impl Role {
    /// Whether the role carries `permission`.
    pub fn permits(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
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
        let business =
            [P::OrgRead, P::CustomersRead, P::UsersRead, P::ComplaintsRead, P::WorkOrdersRead];
        assert!(business.iter().all(|p| !Role::PlatformOperator.permits(*p)));
        assert!(Role::Admin.permits(P::UsersWrite) && !Role::Admin.permits(P::GroupsManage));
    }

    #[test]
    fn only_admins_keep_webhooks_and_only_platform_operators_read_jobs() {
        let keepers: Vec<Role> =
            Role::ALL.iter().copied().filter(|r| r.permits(P::WebhooksManage)).collect();
        assert_eq!(keepers, [Role::Admin]);
        let watchers: Vec<Role> =
            Role::ALL.iter().copied().filter(|r| r.permits(P::JobsRead)).collect();
        assert_eq!(watchers, [Role::PlatformOperator]);
    }

    #[test]
    fn only_admins_erase_and_admins_and_cs_managers_export() {
        let exporters: Vec<Role> =
            Role::ALL.iter().copied().filter(|r| r.permits(P::CustomerDataExport)).collect();
        assert_eq!(exporters, [Role::Admin, Role::CsManager]);
        let erasers: Vec<Role> =
            Role::ALL.iter().copied().filter(|r| r.permits(P::CustomerDataErase)).collect();
        assert_eq!(erasers, [Role::Admin]);
    }

    #[test]
    fn auditors_only_read_and_never_see_whole_numbers() {
        assert!(Role::Auditor.permissions().iter().all(|p| matches!(
            p,
            P::OrgRead
                | P::CustomersRead
                | P::UsersRead
                | P::AuditRead
                | P::ComplaintsRead
                | P::WorkOrdersRead
                | P::FundsRead
                | P::SurveysRead
                | P::ReportsRead
        )));
    }

    /// Who reads and runs satisfaction surveys (R-SAT-1) and who writes and approves the
    /// improvement plans (R-SAT-3). Columns: surveys **R**ead, **M**anage; plans **W**rite,
    /// **A**pprove.
    #[test]
    fn r_sat_survey_and_plan_permissions_by_role() {
        let columns = [
            P::SurveysRead,
            P::SurveysManage,
            P::ImprovementPlansWrite,
            P::ImprovementPlansApprove,
        ];
        let holders = |p: Permission| -> Vec<Role> {
            Role::ALL.iter().copied().filter(|r| r.permits(p)).collect()
        };
        use Role as R;
        assert_eq!(
            holders(columns[0]),
            [
                R::Admin,
                R::CsSpecialist,
                R::CsManager,
                R::CustomerDirector,
                R::Vp,
                R::President,
                R::GeneralManager,
                R::DeptHead,
                R::Auditor
            ]
        );
        assert_eq!(holders(columns[1]), [R::CsSpecialist, R::CsManager]);
        assert_eq!(holders(columns[2]), [R::CsManager, R::DeptHead]);
        assert_eq!(holders(columns[3]), [R::CustomerDirector, R::President, R::GeneralManager]);
    }

    /// The complaint, work-order and contractor permissions of every role (RULES.md §4–§6), as
    /// one table so that a change is deliberate. Columns: complaints **R**ead, rece**I**ve,
    /// **W**ork, **A**pprove (final plan), **C**allback, clo**S**e; work orders **R**ead,
    /// **M**anage (customer center), res**P**ond (department), **A**pprove (head, VP);
    /// contractors **K**eep; the customer-service fund **R**ead, **M**anage, **P**ay (R-AP-3).
    #[test]
    fn complaint_permissions_by_role() {
        let columns = [
            P::ComplaintsRead,
            P::ComplaintsReceive,
            P::ComplaintsWork,
            P::ComplaintsApprove,
            P::ComplaintsCallback,
            P::ComplaintsClose,
            P::WorkOrdersRead,
            P::WorkOrdersManage,
            P::WorkOrdersRespond,
            P::WorkOrdersApprove,
            P::ContractorsManage,
            P::FundsRead,
            P::FundsManage,
            P::FundsPay,
        ];
        #[rustfmt::skip]
        let table = [
            //                             complaints     work orders  contractors  fund
            //                             R I W A C S    R M P A      K            R M P
            (Role::Admin,                 "x . . . . .    x . . .      x            x x ."),
            (Role::PlatformOperator,      ". . . . . .    . . . .      .            . . ."),
            (Role::CsSpecialist,          "x x x . x .    x x . .      .            . . ."),
            (Role::CsManager,             "x x x x x x    x x . .      x            x . ."),
            (Role::CustomerDirector,      "x . . x x x    x . . .      .            x . ."),
            (Role::OfficeDirector,        "x . . x . .    x . . .      .            x . ."),
            (Role::Vp,                    "x . . x . .    x . . x      .            x . ."),
            (Role::President,             "x . . x . .    x . . .      .            x . ."),
            (Role::GeneralManager,        "x . . . . .    x . . .      .            x . ."),
            (Role::DevelopmentDirector,   "x . . . . .    x . . .      .            x . ."),
            (Role::RegionalHq,            "x . . . . .    x . . .      .            x . ."),
            (Role::Finance,               "x . . . . .    . . . .      .            x x x"),
            (Role::DeptCoordinator,       "x . . . . .    x . x .      .            . . ."),
            (Role::DeptHead,              "x . . . . .    x . x x      .            . . ."),
            (Role::PropertyStaff,         "x x x . x .    . . . .      .            . . ."),
            (Role::SalesStaff,            "x x . . . .    . . . .      .            . . ."),
            (Role::BrokerageStaff,        "x x . . . .    . . . .      .            . . ."),
            (Role::Auditor,               "x . . . . .    x . . .      .            x . ."),
            (Role::CrmIntegration,        "x x . . . .    . . . .      .            . . ."),
            (Role::CallCenterIntegration, "x x . . . .    . . . .      .            . . ."),
        ];
        let roles: Vec<Role> = table.iter().map(|(role, _)| *role).collect();
        assert_eq!(roles, Role::ALL, "one row per role, in API order");
        for (role, row) in table {
            let marks: Vec<char> = row.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(marks.len(), columns.len(), "{role}");
            for (permission, mark) in columns.iter().zip(marks) {
                assert_eq!(role.permits(*permission), mark == 'x', "{role} {permission:?}");
            }
        }
    }
}
