//! Scheduled reports (报表, RULES.md §7): the group's definitions (policy data with the R-RP
//! presets), the year's schedule with R-RP-16 applied, the obligations the periodic job plans
//! ahead, their submissions and drafts, and the completion rate per project and department.

pub mod definitions;
pub mod obligations;
pub mod schedule;

use kefu_domain::access::Permission;

/// Reading every report resource.
pub(crate) const READ: Permission = Permission::ReportsRead;
/// Keeping the definitions, reviewing and returning submissions.
pub(crate) const MANAGE: Permission = Permission::ReportsManage;
/// Submitting what a project or department owes.
pub(crate) const SUBMIT: Permission = Permission::ReportsSubmit;
