//! Complaints (投诉), early warnings (预警) and front-desk requests (报修、咨询、求助、建议、
//! 表扬): RULES.md §1–§4 as pure values and functions.
//!
//! - [`GradingPolicy::classify`]: its grade and the rules that gave it (R-CLS, R-EVT), as data
//!   of the group's policy.
//! - [`problem_event`], [`Household`]: a shared problem's major customer event (R-EVT-1).

mod customer_event;
mod grading;
mod state;
mod vocab;

pub use customer_event::{Household, ProblemEvent, households_reached, problem_event};
pub use grading::{
    AmountBand, CategoryRule, EVENT_AMOUNT_RULE, EventFlag, FALLBACK_RULE, Facts, FlagRule,
    Grading, GradingPolicy, HOUSEHOLDS_RULE,
};
pub use state::{ComplaintAction, ComplaintState};
pub use vocab::{
    ApologyMeans, CallbackMethod, Category, Channel, ComplaintKind, Flag, Grade, WarningSource,
};
