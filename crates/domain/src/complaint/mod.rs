//! Complaints (投诉), early warnings (预警) and front-desk requests (报修、咨询、求助、建议、
//! 表扬): RULES.md §1–§4 as pure values and functions.
//!
//! - [`intake_events`], [`check_intake`]: what a new complaint starts and the checks of its
//!   facts (R-IN, R-T-1…3, R-T-9, R-T-11).
//! - [`GradingPolicy::classify`]: its grade and the rules that gave it (R-CLS, R-EVT), as data
//!   of the group's policy.
//! - [`apply`], [`allowed_actions`]: the lifecycle, with the SLA events each transition fires.
//! - [`Operation::permission`], [`allowed_actions_for`]: who may do what.
//! - [`work_order`]: contact sheets to departments (R-WO, R-T-7).
//! - [`problem_event`], [`Household`]: a shared problem's major customer event (R-EVT-1).
//!
//! Front-desk kinds share the states and actions. Where they differ, the SLA events do: they
//! start the front desk's clock at intake (R-T-11) instead of R-T-1…3; resolving them does not
//! start the complaint's callback clock (R-T-6), since R-T-11 already covers their callback,
//! and recording their callback fires `front_desk_callback_done`; archiving a repair fires
//! `repair_closed` (its node callback, R-T-12), archiving the other front-desk kinds fires
//! nothing.

mod access;
pub mod attachment;
mod command;
mod customer_event;
mod error;
pub mod events;
mod grading;
mod intake;
mod lifecycle;
mod state;
mod vocab;
pub mod work_order;

#[cfg(test)]
mod lifecycle_tests;
#[cfg(test)]
mod props;

pub use access::{Operation, allowed_actions_for, director_calls_back};
pub use command::{Command, SATISFACTION};
pub use customer_event::{Household, ProblemEvent, households_reached, problem_event};
pub use error::{FieldProblem, LifecycleError};
pub use grading::{
    AmountBand, CategoryRule, EVENT_AMOUNT_RULE, EventFlag, FALLBACK_RULE, Facts, FlagRule,
    Grading, GradingPolicy, HOUSEHOLDS_RULE,
};
pub use intake::{
    CLOCK_SKEW_TOLERANCE, DEFAULT_MAX_BACKDATE_DAYS, IntakeClocks, IntakeFacts, check_intake,
    intake_events,
};
pub use lifecycle::{Context, Snapshot, Transition, allowed_actions, apply};
pub use state::{ComplaintAction, ComplaintState};
pub use vocab::{
    ApologyMeans, CallbackMethod, Category, Channel, ComplaintKind, Flag, Grade, WarningSource,
};
pub use work_order::{
    WorkOrderAction, WorkOrderCommand, WorkOrderError, WorkOrderSnapshot, WorkOrderState,
    WorkOrderTransition,
};
