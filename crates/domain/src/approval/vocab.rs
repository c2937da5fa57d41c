//! The vocabularies of approvals and of the customer-service fund.

crate::vocabulary! {
    /// What is approved (004 §3.9.5, R-AP-3, R-AP-4).
    pub enum DocumentKind as "document_kind" {
        /// The complaint ticket (受理单).
        Ticket = "ticket", "受理单";
        /// A contact sheet with its proposal (联系单-建议方案).
        Proposal = "proposal", "联系单-建议方案";
        /// The final plan (终极方案); a complaint's `approve_plan` waits for it.
        FinalPlan = "final_plan", "终极方案";
        /// A payment from the customer-service fund (资金调度, R-AP-3).
        FundDisbursement = "fund_disbursement", "资金调度";
        /// Lowering a complaint's grade.
        GradeLowering = "grade_lowering", "降低投诉等级";
        /// A key-account service request (大客户服务申请, R-AP-4).
        KeyAccountRequest = "key_account_request", "大客户服务申请";
        /// The decision committee's written countersign (书面会签, R-AP-2).
        CommitteeDecision = "committee_decision", "决策委员会书面会签";
    }
}

crate::vocabulary! {
    /// How the decision committee decides (R-AP-2).
    pub enum CommitteeForm as "committee_form" {
        /// Written countersign: the customer center assesses, the office director approves,
        /// the president decides.
        Written = "written", "书面会签";
        /// A meeting chaired by the VP; the president decides on the spot; minutes issued.
        Meeting = "meeting", "会议决策";
    }
}

crate::vocabulary! {
    /// Where a committee decision stands.
    pub enum CommitteeState as "committee_state" {
        /// The written countersign is under way.
        InProgress = "in_progress", "会签中";
        /// Decided.
        Decided = "decided", "已决策";
        /// The countersign was rejected.
        Rejected = "rejected", "已否决";
    }
}

crate::vocabulary! {
    /// What a step of a route does.
    pub enum StepKind as "step_kind" {
        /// Reviews (审核).
        Review = "review", "审核";
        /// Approves (审批).
        Approve = "approve", "审批";
    }
}

crate::vocabulary! {
    /// How the roles of a step decide.
    pub enum StepMode as "step_mode" {
        /// Every listed role (or every named user) approves: countersign (会签).
        All = "all", "会签";
        /// Any one of the listed roles approves.
        Any = "any", "任一";
    }
}

crate::vocabulary! {
    /// Where an approval request stands.
    pub enum ApprovalState as "approval_state" {
        /// A step awaits decisions.
        Pending = "pending", "审批中";
        /// Every step approved.
        Approved = "approved", "已批准";
        /// Rejected: the request ends.
        Rejected = "rejected", "已驳回";
        /// Sent back to the preparer with a comment; he may resubmit.
        Returned = "returned", "已退回";
    }
}

crate::vocabulary! {
    /// A decision on a step.
    pub enum Decision as "approval_decision" {
        /// Approve.
        Approve = "approve", "同意";
        /// Reject: the request ends.
        Reject = "reject", "驳回";
        /// Return to the preparer.
        Return = "return", "退回";
    }
}

crate::vocabulary! {
    /// Where money of the customer-service fund comes from (R-AP-3, 001).
    pub enum FundSource as "fund_source" {
        /// Reserved when the project was approved (立项预留).
        ProjectReserve = "project_reserve", "立项预留";
        /// Added to a built project's cost (追加项目成本).
        AddedCost = "added_cost", "追加项目成本";
        /// The building maintenance fund, on the owners' committee decision (本体维修基金).
        MaintenanceFund = "maintenance_fund", "本体维修基金";
        /// A defaulting contractor's warranty deposit (施工单位保修金).
        WarrantyDeposit = "warranty_deposit", "施工单位保修金";
    }
}

crate::vocabulary! {
    /// What the customer-service fund pays for (R-AP-3, 001).
    pub enum FundUse as "fund_use" {
        /// Rectification after settlement (结算后整改).
        Rectification = "rectification", "结算后整改";
        /// Repairs (工程维修).
        Repair = "repair", "工程维修";
        /// Leftover works after settlement (遗留工程).
        LeftoverWorks = "leftover_works", "遗留工程";
        /// Repairs after the warranty (保修期后维修).
        PostWarrantyRepair = "post_warranty_repair", "保修期后维修";
        /// Reasonable compensation to a customer (客户合理赔偿).
        Compensation = "compensation", "客户合理赔偿";
    }
}

crate::vocabulary! {
    /// Where a disbursement from the fund stands.
    pub enum DisbursementState as "disbursement_state" {
        /// Its approval request is under way (or returned to the preparer).
        AwaitingApproval = "awaiting_approval", "待审批";
        /// Approved, not yet paid.
        Approved = "approved", "已批准";
        /// Paid: the account was debited.
        Paid = "paid", "已支付";
        /// Its approval was rejected.
        Rejected = "rejected", "已驳回";
    }
}
