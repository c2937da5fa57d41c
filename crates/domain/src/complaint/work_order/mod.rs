//! Work orders (工作联系单, R-WO): the customer center sends a complaint's question to a
//! department, which replies in writing within R-T-7; its head approves the reply; a
//! rectification goes to a contractor with a deadline and ends with the customer's acceptance.
//!
//! The path is linear, so that a department's queue reads plainly:
//! `sent` → (`commit_reply_time` when complex) → `reply_committed` → (`record_survey` when a
//! site survey is needed) → `surveyed` → `reply` → `replied` → `approve_reply` →
//! `reply_approved` → `assign_rectification` → `rectifying` → `record_acceptance` →
//! `accepted` → `close`. A complex order commits its reply time first (that limit is the
//! shortest), then surveys, then replies. The second failed acceptance of one contractor
//! disqualifies it on this order (R-WO-4) and the order waits in `awaiting_contractor` for
//! another. `apologize` (R-WO-5) is recorded in any open state; `close` ends an order from any
//! open state, with a reason unless its reply was approved or its rectification accepted.

mod apply;
mod command;
mod warranty;

#[cfg(test)]
mod tests;

pub use apply::{WorkOrderError, WorkOrderSnapshot, WorkOrderTransition, allowed_actions, apply};
pub use command::WorkOrderCommand;
pub use warranty::{WarrantyCover, warranty_cover};

use super::events as ev;
use crate::vocabulary;

/// How many failed acceptances disqualify one contractor on one work order (R-WO-4).
pub const FAILURES_TO_DISQUALIFY: u8 = 2;

vocabulary! {
    /// Where a work order stands (联系单状态).
    pub enum WorkOrderState as "work_order_state" {
        /// Sent to the department (已发出).
        Sent = "sent", "已发出";
        /// A complex order's reply time is committed (已承诺回复时间).
        ReplyCommitted = "reply_committed", "已承诺回复时间";
        /// The site survey is recorded and signed (已现场勘查, R-WO-3).
        Surveyed = "surveyed", "已现场勘查";
        /// The department replied with a proposal (已回复).
        Replied = "replied", "已回复";
        /// The department head approved the reply (回复已审批, R-WO-2).
        ReplyApproved = "reply_approved", "回复已审批";
        /// A contractor is rectifying (整改中).
        Rectifying = "rectifying", "整改中";
        /// The contractor failed acceptance twice and lost the job; another is needed
        /// (待另行指派施工单位, R-WO-4).
        AwaitingContractor = "awaiting_contractor", "待另行指派";
        /// The customer signed the acceptance form (已验收).
        Accepted = "accepted", "已验收";
        /// Closed (已关闭).
        Closed = "closed", "已关闭";
    }
}

vocabulary! {
    /// What can be done to a work order (联系单操作).
    pub enum WorkOrderAction as "work_order_action" {
        /// Commit a reply time (承诺回复时间), complex orders.
        CommitReplyTime = "commit_reply_time", "承诺回复时间";
        /// Reply with a proposal (书面回复).
        Reply = "reply", "书面回复";
        /// Approve the reply (审批回复), the department head.
        ApproveReply = "approve_reply", "审批回复";
        /// Record the site survey (记录现场勘查).
        RecordSurvey = "record_survey", "记录现场勘查";
        /// Assign the rectification to a contractor (指派整改).
        AssignRectification = "assign_rectification", "指派整改";
        /// Record the customer's acceptance (记录验收).
        RecordAcceptance = "record_acceptance", "记录验收";
        /// Record a required apology (致歉).
        Apologize = "apologize", "致歉";
        /// Close it (关闭).
        Close = "close", "关闭";
    }
}

/// The SLA event a new work order fires (R-T-7): a complex one starts the committed-reply
/// clock (a reply time within 0.5 WD); otherwise the written reply is due 1.5 WD after it was
/// sent with a site survey, 0.5 WD without.
pub fn sent_event(site_survey: bool, complex: bool) -> &'static str {
    match (complex, site_survey) {
        (true, _) => ev::COMPLEX_WORK_ORDER_SENT,
        (false, true) => ev::SURVEY_WORK_ORDER_SENT,
        (false, false) => ev::WORK_ORDER_SENT,
    }
}
