//! Improvement plans (整改计划, R-SAT-3): after the annual results are explained, each
//! department submits next year's plan; management approves it or returns it; progress is then
//! reported quarterly.

crate::vocabulary! {
    /// Where an improvement plan stands.
    pub enum PlanState as "improvement_plan_state" {
        /// Being written by the department.
        Draft = "draft", "草稿";
        /// Submitted to management.
        Submitted = "submitted", "已提交";
        /// Approved; progress is reported quarterly.
        Approved = "approved", "已批准";
        /// Returned to the department with a reason.
        Returned = "returned", "已退回";
    }
}

crate::vocabulary! {
    /// What can be done to an improvement plan.
    pub enum PlanAction as "improvement_plan_action" {
        /// Submit to management (draft or returned → submitted).
        Submit = "submit", "提交";
        /// Approve (submitted → approved; management).
        Approve = "approve", "批准";
        /// Return with a reason (submitted → returned; management).
        Return = "return", "退回";
    }
}

impl PlanState {
    /// The actions this state allows.
    pub fn allowed(self) -> &'static [PlanAction] {
        match self {
            Self::Draft | Self::Returned => &[PlanAction::Submit],
            Self::Submitted => &[PlanAction::Approve, PlanAction::Return],
            Self::Approved => &[],
        }
    }

    /// The state `action` leads to, or `None` when this state does not allow it.
    pub fn apply(self, action: PlanAction) -> Option<Self> {
        match (self, action) {
            (Self::Draft | Self::Returned, PlanAction::Submit) => Some(Self::Submitted),
            (Self::Submitted, PlanAction::Approve) => Some(Self::Approved),
            (Self::Submitted, PlanAction::Return) => Some(Self::Returned),
            _ => None,
        }
    }

    /// Whether its items may still change.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

impl PlanAction {
    /// Whether the action is management's (`ImprovementPlansApprove`) rather than the
    /// department's (`ImprovementPlansWrite`).
    pub fn is_management(self) -> bool {
        matches!(self, Self::Approve | Self::Return)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_sat_3_a_plan_is_submitted_then_approved_or_returned() {
        assert_eq!(PlanState::Draft.apply(PlanAction::Submit), Some(PlanState::Submitted));
        assert_eq!(PlanState::Submitted.apply(PlanAction::Return), Some(PlanState::Returned));
        assert_eq!(PlanState::Returned.apply(PlanAction::Submit), Some(PlanState::Submitted));
        assert_eq!(PlanState::Submitted.apply(PlanAction::Approve), Some(PlanState::Approved));
        assert_eq!(PlanState::Draft.apply(PlanAction::Approve), None);
        assert!(!PlanState::Approved.editable());
    }
}
