//! An obligation (应报): one report owed for one period by one project or department.

use crate::vocabulary;

vocabulary! {
    /// Where an obligation stands.
    pub enum ObligationState as "report_obligation_state" {
        /// Owed, not yet submitted.
        Pending = "pending", "待提交";
        /// Submitted (on time or late), awaiting the customer center's review.
        Submitted = "submitted", "已提交";
        /// Reviewed and accepted by the customer center.
        Reviewed = "reviewed", "已审阅";
        /// Returned for rework; submitted again when done.
        Returned = "returned", "已退回";
    }
}

vocabulary! {
    /// What the customer center does with a submitted report.
    pub enum ObligationAction as "report_obligation_action" {
        /// Accept it.
        Review = "review", "审阅通过";
        /// Send it back with a note.
        Return = "return", "退回";
    }
}

/// The state after `action` from `state`, or `None` when the action does not apply there.
pub fn next_state(state: ObligationState, action: ObligationAction) -> Option<ObligationState> {
    match (state, action) {
        (ObligationState::Submitted, ObligationAction::Review) => Some(ObligationState::Reviewed),
        (ObligationState::Submitted, ObligationAction::Return) => Some(ObligationState::Returned),
        _ => None,
    }
}

impl ObligationState {
    /// Whether a submission is accepted in this state.
    pub fn accepts_submission(self) -> bool {
        matches!(self, Self::Pending | Self::Returned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_submitted_report_is_reviewed_or_returned() {
        use ObligationAction::*;
        use ObligationState::*;
        assert_eq!(next_state(Submitted, Review), Some(Reviewed));
        assert_eq!(next_state(Submitted, Return), Some(Returned));
        for state in [Pending, Reviewed, Returned] {
            assert_eq!(next_state(state, Review), None);
            assert_eq!(next_state(state, Return), None);
        }
        assert!(Pending.accepts_submission() && Returned.accepts_submission());
        assert!(!Submitted.accepts_submission() && !Reviewed.accepts_submission());
    }
}
