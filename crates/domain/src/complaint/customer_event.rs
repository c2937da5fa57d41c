//! Major customer events (重大客户事件) opened by a shared problem (共性问题, R-EVT-1): when
//! enough distinct households raise one problem, one event opens and every complaint of the
//! problem becomes major. The counting is a query; the threshold and what it means are here.

use serde::{Deserialize, Serialize};

use super::GradingPolicy;
use crate::ids::{CustomerId, UnitId};

/// One household (户) for R-EVT-1: the unit when the complaint names one, else the customer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Household {
    /// A unit (房号): everyone living there is one household.
    Unit(UnitId),
    /// A customer with no unit named.
    Customer(CustomerId),
}

impl Household {
    /// The household of a complaint; `None` when it names neither unit nor customer (an early
    /// warning from a forum), which then counts for no household.
    pub fn of(unit_id: Option<&UnitId>, customer_id: Option<&CustomerId>) -> Option<Self> {
        match (unit_id, customer_id) {
            (Some(unit), _) => Some(Self::Unit(unit.clone())),
            (None, Some(customer)) => Some(Self::Customer(customer.clone())),
            (None, None) => None,
        }
    }

    /// A text that is equal exactly for equal households (`unit:<id>`, `customer:<id>`), to
    /// store beside the complaint and count `DISTINCT` in one query.
    pub fn key(&self) -> String {
        match self {
            Self::Unit(id) => format!("unit:{id}"),
            Self::Customer(id) => format!("customer:{id}"),
        }
    }
}

/// Whether `distinct_households` raising one shared problem make a major customer event
/// (R-EVT-1: 10 by default).
pub fn households_reached(distinct_households: usize, policy: &GradingPolicy) -> bool {
    u32::try_from(distinct_households).map_or(true, |n| n >= policy.event_households)
}

/// What a complaint naming a shared problem does to the problem's event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemEvent {
    /// Below the threshold: no event yet.
    None,
    /// This complaint reaches the threshold: open the event (once per problem) and re-grade
    /// every complaint of the problem as major with `R-EVT-1`.
    Open,
    /// The event is already open: the complaint joins it and is major with `R-EVT-1`.
    Join,
}

/// The decision for one complaint naming a problem, from the distinct households of the
/// problem's complaints counted **with** this one, and whether the problem already has an
/// event. Exactly one complaint sees `Open` when persistence counts and decides under a lock
/// of the problem (or inserts the event under a unique key and treats a conflict as `Join`).
pub fn problem_event(
    distinct_households: usize,
    event_open: bool,
    policy: &GradingPolicy,
) -> ProblemEvent {
    match (event_open, households_reached(distinct_households, policy)) {
        (true, _) => ProblemEvent::Join,
        (false, true) => ProblemEvent::Open,
        (false, false) => ProblemEvent::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_evt_1_the_tenth_household_opens_the_event_and_later_ones_join_it() {
        let policy = GradingPolicy::default();
        assert!(!households_reached(9, &policy));
        assert!(households_reached(10, &policy));
        assert_eq!(problem_event(9, false, &policy), ProblemEvent::None);
        assert_eq!(problem_event(10, false, &policy), ProblemEvent::Open);
        assert_eq!(problem_event(10, true, &policy), ProblemEvent::Join);
        assert_eq!(problem_event(11, true, &policy), ProblemEvent::Join);
        let strict = GradingPolicy { event_households: 3, ..GradingPolicy::default() };
        assert_eq!(problem_event(3, false, &strict), ProblemEvent::Open);
    }

    #[test]
    fn r_evt_1_a_household_is_the_unit_else_the_customer() {
        let unit = UnitId::from("u-1");
        let customer = CustomerId::from("c-1");
        let other = CustomerId::from("c-2");
        let a = Household::of(Some(&unit), Some(&customer));
        let b = Household::of(Some(&unit), Some(&other));
        assert_eq!(a, b, "two owners of one unit are one household");
        assert_eq!(a.as_ref().map(Household::key).as_deref(), Some("unit:u-1"));
        let c = Household::of(None, Some(&customer)).unwrap();
        assert_eq!(c.key(), "customer:c-1");
        assert_eq!(Household::of(None, None), None);
    }
}
