//! How the decisions on a step add up (R-AP-1 countersign, R-AP table): who may decide it,
//! which role an approval counts for, and when the step is done.

use super::{matrix::Step, vocab::StepMode};
use crate::access::Role;

/// An approval already given on the current step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDecision {
    /// Who approved.
    pub user_id: String,
    /// The role his approval counts for.
    pub role: Role,
}

/// What a user's approval of the current step counts for, or why it does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credit {
    /// He may; his approval counts for this role.
    Counts(Role),
    /// He holds none of the step's roles in the request's scope.
    NotHisStep,
    /// He already decided this step in this round.
    AlreadyDecided,
}

/// One step with the users the request names for it (R-AP-1: the VPs concerned) and the
/// approvals it has.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// The step.
    pub step: &'a Step,
    /// The users named for it, each of whom must approve it as well; empty: its roles decide.
    pub named: &'a [String],
    /// Its approvals so far in this round.
    pub approvals: &'a [StepDecision],
}

impl Progress<'_> {
    /// What an approval by `user` holding `held` (his roles in the request's scope) counts
    /// for: the first of the step's roles he holds that no approval covers yet, else the first
    /// he holds.
    pub fn credit(&self, user: &str, held: &[Role]) -> Credit {
        if self.approvals.iter().any(|d| d.user_id == user) {
            return Credit::AlreadyDecided;
        }
        let mine: Vec<Role> =
            self.step.roles.iter().copied().filter(|r| held.contains(r)).collect();
        let open = mine.iter().copied().find(|r| !self.covered(*r));
        match open.or_else(|| mine.first().copied()) {
            Some(role) => Credit::Counts(role),
            None => Credit::NotHisStep,
        }
    }

    fn covered(&self, role: Role) -> bool {
        self.approvals.iter().any(|d| d.role == role)
    }

    /// Whether the step is done: every role approved (`all`, countersign) or any one (`any`),
    /// and every user the request names for it approved too.
    pub fn done(&self) -> bool {
        let roles = match self.step.mode {
            StepMode::All => self.step.roles.iter().all(|r| self.covered(*r)),
            StepMode::Any => self.step.roles.iter().any(|r| self.covered(*r)),
        };
        roles && self.named.iter().all(|n| self.approvals.iter().any(|d| &d.user_id == n))
    }

    /// The roles still awaited: those no approval covers (every role of an `any` step no one
    /// approved yet), or the step's roles while named users have still to approve.
    pub fn awaited(&self) -> Vec<Role> {
        if self.done() {
            return Vec::new();
        }
        let open: Vec<Role> = match self.step.mode {
            StepMode::Any if self.step.roles.iter().any(|r| self.covered(*r)) => Vec::new(),
            StepMode::Any => self.step.roles.clone(),
            StepMode::All => {
                self.step.roles.iter().copied().filter(|r| !self.covered(*r)).collect()
            }
        };
        if open.is_empty() { self.step.roles.clone() } else { open }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::{StepKind, StepMode};

    fn approved(user: &str, role: Role) -> StepDecision {
        StepDecision { user_id: user.into(), role }
    }

    /// R-AP-1, R-AP table: a cell naming several roles is a countersign; each role approves.
    #[test]
    fn r_ap_1_countersign_needs_every_role_and_one_user_counts_once() {
        let step = Step::new(StepKind::Review, &[Role::OfficeDirector, Role::Vp], StepMode::All);
        let none = [];
        let p = Progress { step: &step, named: &[], approvals: &none };
        assert_eq!(
            p.credit("u1", &[Role::Vp, Role::OfficeDirector]),
            Credit::Counts(Role::OfficeDirector)
        );
        assert_eq!(p.credit("u1", &[Role::President]), Credit::NotHisStep);
        let one = [approved("u1", Role::OfficeDirector)];
        let p = Progress { step: &step, named: &[], approvals: &one };
        assert!(!p.done());
        assert_eq!(p.awaited(), [Role::Vp]);
        assert_eq!(p.credit("u1", &[Role::Vp]), Credit::AlreadyDecided);
        let two = [approved("u1", Role::OfficeDirector), approved("u2", Role::Vp)];
        assert!(Progress { step: &step, named: &[], approvals: &two }.done());
    }

    #[test]
    fn r_ap_1_named_vps_all_countersign_besides_the_steps_roles() {
        let step = Step::new(StepKind::Approve, &[Role::GeneralManager, Role::Vp], StepMode::Any);
        let named = ["vp1".to_owned(), "vp2".to_owned()];
        let gm = [approved("gm", Role::GeneralManager)];
        let p = Progress { step: &step, named: &named, approvals: &gm };
        assert!(!p.done(), "the center's GM alone no longer suffices");
        assert_eq!(p.awaited(), [Role::GeneralManager, Role::Vp]);
        assert_eq!(p.credit("vp2", &[Role::Vp]), Credit::Counts(Role::Vp));
        let one = [approved("vp1", Role::Vp)];
        assert!(!Progress { step: &step, named: &named, approvals: &one }.done());
        let both = [approved("vp1", Role::Vp), approved("vp2", Role::Vp)];
        assert!(Progress { step: &step, named: &named, approvals: &both }.done());
        // Naming users never skips a role of a countersign.
        let review = Step::new(StepKind::Review, &[Role::OfficeDirector, Role::Vp], StepMode::All);
        let vp_only = ["vp1".to_owned()];
        let p = Progress { step: &review, named: &vp_only, approvals: &one };
        assert!(!p.done());
        assert_eq!(p.awaited(), [Role::OfficeDirector]);
    }

    #[test]
    fn an_any_step_is_done_by_one_of_its_roles() {
        let step = Step::new(StepKind::Approve, &[Role::GeneralManager, Role::Vp], StepMode::Any);
        let none = [];
        assert!(!Progress { step: &step, named: &[], approvals: &none }.done());
        let one = [approved("gm", Role::GeneralManager)];
        let p = Progress { step: &step, named: &[], approvals: &one };
        assert!(p.done());
        assert!(p.awaited().is_empty());
    }
}
