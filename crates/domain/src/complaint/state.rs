//! Where a complaint stands and what can be done to it: the vocabulary of the lifecycle.

use crate::vocabulary;

vocabulary! {
    /// Where a complaint (or an early warning, a front-desk request) stands (处理状态).
    pub enum ComplaintState as "complaint_state" {
        /// Received (已受理): logged, no ticket yet.
        Received = "received", "已受理";
        /// The written ticket (客户投诉受理单) is complete.
        Ticketed = "ticketed", "已立单";
        /// Evidence collected; being investigated (调查核实).
        Investigating = "investigating", "调查核实中";
        /// Handled by the front line alone (自行处理, general grade only).
        Handling = "handling", "自行处理中";
        /// Escalated to the direct superior (已上报, R-T-4).
        Escalated = "escalated", "已上报";
        /// A plan is proposed to the customer (方案已提出).
        PlanProposed = "plan_proposed", "方案已提出";
        /// The customer agreed to the plan (客户已同意).
        Agreed = "agreed", "客户已同意";
        /// The final plan is approved (终极方案已审批).
        PlanApproved = "plan_approved", "方案已审批";
        /// Being rectified (整改中).
        Rectifying = "rectifying", "整改中";
        /// Rectification completed, awaiting the customer's acceptance (整改完成待验收).
        Rectified = "rectified", "整改完成";
        /// Resolved (处理完毕), awaiting the callback.
        Resolved = "resolved", "处理完毕";
        /// Called back (已回访), awaiting archiving.
        CalledBack = "called_back", "已回访";
        /// Archived (已归档).
        Archived = "archived", "已归档";
        /// Waiting for the customer (待客户); pauses `self_resolve`.
        AwaitingCustomer = "awaiting_customer", "待客户";
        /// Withdrawn (已撤销); every clock stopped.
        Withdrawn = "withdrawn", "已撤销";
    }
}

impl ComplaintState {
    /// The state every intake starts in.
    pub const INITIAL: Self = Self::Received;

    /// The states an `await_customer` may leave from, and a `resume` return to.
    pub const PAUSABLE: &'static [Self] =
        &[Self::Investigating, Self::Handling, Self::Escalated, Self::PlanProposed];

    /// Whether the complaint is still being worked on: every state but `resolved`,
    /// `called_back`, `archived` and `withdrawn`. Hand-overs, progress reports and withdrawals
    /// are taken in any open state.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Resolved | Self::CalledBack | Self::Archived | Self::Withdrawn)
    }
}

vocabulary! {
    /// What can be done to a complaint (操作), each a `POST …/transitions` with its payload.
    pub enum ComplaintAction as "complaint_action" {
        /// Write the ticket (填写受理单).
        WriteTicket = "write_ticket", "填写受理单";
        /// Hand over to a colleague (转交).
        HandOver = "hand_over", "转交";
        /// Record the evidence (取证).
        CollectEvidence = "collect_evidence", "调查取证";
        /// Handle it alone (自行处理), general grade only.
        Handle = "handle", "自行处理";
        /// Escalate to the direct superior (上报).
        Escalate = "escalate", "上报";
        /// Propose a plan (提出方案).
        ProposePlan = "propose_plan", "提出方案";
        /// Record the customer's agreement (客户同意).
        Agree = "agree", "客户同意";
        /// Approve the final plan (审批方案).
        ApprovePlan = "approve_plan", "审批方案";
        /// Start the rectification (开始整改).
        StartRectification = "start_rectification", "开始整改";
        /// Complete the rectification (完成整改).
        CompleteRectification = "complete_rectification", "完成整改";
        /// The customer signs the acceptance form (验收通过).
        Accept = "accept", "验收通过";
        /// The customer refuses acceptance (验收不通过).
        Reject = "reject", "验收不通过";
        /// Resolve it (处理完毕).
        Resolve = "resolve", "处理完毕";
        /// Record a callback (记录回访).
        RecordCallback = "record_callback", "记录回访";
        /// Archive it (归档).
        Archive = "archive", "归档";
        /// Reopen it (重新处理).
        Reopen = "reopen", "重新处理";
        /// Wait for the customer (等待客户).
        AwaitCustomer = "await_customer", "等待客户";
        /// Resume after waiting (恢复处理).
        Resume = "resume", "恢复处理";
        /// Tell the customer how it progresses (进度反馈).
        ReportProgress = "report_progress", "进度反馈";
        /// Withdraw it (撤销).
        Withdraw = "withdraw", "撤销";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_states_are_all_but_the_four_closed_ones() {
        let closed: Vec<&str> =
            ComplaintState::ALL.iter().filter(|s| !s.is_open()).map(|s| s.as_str()).collect();
        assert_eq!(closed, ["resolved", "called_back", "archived", "withdrawn"]);
        assert!(ComplaintState::INITIAL.is_open());
        assert!(ComplaintState::PAUSABLE.iter().all(|s| s.is_open()));
    }
}
