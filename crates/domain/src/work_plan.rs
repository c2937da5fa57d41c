//! Work plans (工作计划, R-RP-13): a project's or department's annual or monthly
//! customer-service plan goes to the customer center, which reviews it or returns it; each
//! item's completion is reported, and the center tracks the completion rate and reminds the
//! late.

use chrono::NaiveDate;

crate::vocabulary! {
    /// Which period a work plan covers.
    pub enum WorkPlanKind as "work_plan_kind" {
        /// A year's plan.
        Annual = "annual", "年度计划";
        /// A month's plan.
        Monthly = "monthly", "月度计划";
    }
}

crate::vocabulary! {
    /// Where a work plan stands.
    pub enum WorkPlanState as "work_plan_state" {
        /// Being written by the project or department.
        Draft = "draft", "草稿";
        /// Submitted to the customer center.
        Submitted = "submitted", "已提交";
        /// Reviewed by the customer center.
        Reviewed = "reviewed", "已审核";
        /// Returned by the customer center, to be changed and submitted again.
        Returned = "returned", "已退回";
    }
}

crate::vocabulary! {
    /// What can be done to a work plan.
    pub enum WorkPlanAction as "work_plan_action" {
        /// Submit to the customer center (draft or returned → submitted).
        Submit = "submit", "提交";
        /// Review (submitted → reviewed; the customer center).
        Review = "review", "审核";
        /// Return with a note (submitted → returned; the customer center).
        Return = "return", "退回";
    }
}

impl WorkPlanState {
    /// The actions this state allows.
    pub fn allowed(self) -> &'static [WorkPlanAction] {
        match self {
            Self::Draft | Self::Returned => &[WorkPlanAction::Submit],
            Self::Submitted => &[WorkPlanAction::Review, WorkPlanAction::Return],
            Self::Reviewed => &[],
        }
    }

    /// The state `action` leads to, or `None` when this state does not allow it.
    pub fn apply(self, action: WorkPlanAction) -> Option<Self> {
        match (self, action) {
            (Self::Draft | Self::Returned, WorkPlanAction::Submit) => Some(Self::Submitted),
            (Self::Submitted, WorkPlanAction::Review) => Some(Self::Reviewed),
            (Self::Submitted, WorkPlanAction::Return) => Some(Self::Returned),
            _ => None,
        }
    }

    /// Whether its title and items may still change.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }

    /// Whether it is being carried out: its items' completion is recorded, counted in the
    /// completion rate and reminded when late (submitted or reviewed).
    pub fn active(self) -> bool {
        matches!(self, Self::Submitted | Self::Reviewed)
    }
}

impl WorkPlanAction {
    /// Whether the action is the customer center's (`WorkPlansReview`) rather than the
    /// plan's writers' (`WorkPlansWrite`).
    pub fn is_review(self) -> bool {
        matches!(self, Self::Review | Self::Return)
    }
}

/// Whether a plan's period is whole: a monthly plan names its month (1–12), an annual one
/// none.
pub fn period_is_valid(kind: WorkPlanKind, month: Option<i32>) -> bool {
    match (kind, month) {
        (WorkPlanKind::Annual, None) => true,
        (WorkPlanKind::Monthly, Some(m)) => (1..=12).contains(&m),
        _ => false,
    }
}

/// How far a set of items is done, as of a day (R-RP-13).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Completion {
    /// Items whose due date has come (on or before `today`).
    pub due: u32,
    /// Of those, done on or before their due date.
    pub on_time: u32,
    /// Of those, done after their due date.
    pub late: u32,
    /// Of those, not done yet (overdue).
    pub open: u32,
}

impl Completion {
    /// Counts one item due on `due_on`, done on `done_on` (if done), as of `today`. An item
    /// done early but not due yet is not counted: the rate is over what has fallen due.
    pub fn add(&mut self, due_on: NaiveDate, done_on: Option<NaiveDate>, today: NaiveDate) {
        if due_on > today {
            return;
        }
        self.due += 1;
        match done_on {
            Some(d) if d <= due_on => self.on_time += 1,
            Some(_) => self.late += 1,
            None => self.open += 1,
        }
    }

    /// The completion rate: items done on time over items due, `None` over nothing.
    pub fn rate(&self) -> Option<f64> {
        (self.due > 0).then(|| f64::from(self.on_time) / f64::from(self.due))
    }
}

/// Whether an item due on `due_on` and not done is overdue on `today` (its due day is over).
pub fn overdue(due_on: NaiveDate, done: bool, today: NaiveDate) -> bool {
    !done && due_on < today
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn r_rp_13_a_plan_is_submitted_then_reviewed_or_returned_and_submitted_again() {
        use WorkPlanAction as A;
        use WorkPlanState as S;
        assert_eq!(S::Draft.apply(A::Submit), Some(S::Submitted));
        assert_eq!(S::Submitted.apply(A::Return), Some(S::Returned));
        assert_eq!(S::Returned.apply(A::Submit), Some(S::Submitted));
        assert_eq!(S::Submitted.apply(A::Review), Some(S::Reviewed));
        assert_eq!(S::Draft.apply(A::Review), None);
        assert_eq!(S::Reviewed.apply(A::Submit), None);
        assert!(S::Returned.editable() && !S::Submitted.editable());
        assert!(S::Reviewed.active() && !S::Draft.active());
        assert!(A::Return.is_review() && !A::Submit.is_review());
    }

    #[test]
    fn r_rp_13_a_monthly_plan_names_its_month_and_an_annual_one_none() {
        assert!(period_is_valid(WorkPlanKind::Monthly, Some(12)));
        assert!(!period_is_valid(WorkPlanKind::Monthly, None));
        assert!(!period_is_valid(WorkPlanKind::Monthly, Some(13)));
        assert!(period_is_valid(WorkPlanKind::Annual, None));
        assert!(!period_is_valid(WorkPlanKind::Annual, Some(1)));
    }

    #[test]
    fn r_rp_13_the_completion_rate_counts_items_done_by_their_due_over_items_due() {
        let today = day("2027-01-31");
        let mut c = Completion::default();
        c.add(day("2027-01-10"), Some(day("2027-01-10")), today); // on its day
        c.add(day("2027-01-10"), Some(day("2027-01-11")), today); // late
        c.add(day("2027-01-20"), None, today); // open, overdue
        c.add(day("2027-01-31"), Some(day("2027-01-05")), today); // early
        c.add(day("2027-02-05"), Some(day("2027-01-05")), today); // not due yet: not counted
        assert_eq!((c.due, c.on_time, c.late, c.open), (4, 2, 1, 1));
        assert_eq!(c.rate(), Some(0.5));
        assert_eq!(Completion::default().rate(), None);
        assert!(overdue(day("2027-01-30"), false, today));
        assert!(!overdue(day("2027-01-31"), false, today), "due today is not late yet");
        assert!(!overdue(day("2027-01-30"), true, today));
    }
}
