//! SLA clocks (时限): the policy as data, and the state of a running clock.
//!
//! A [`ClockDef`] names one time limit of RULES.md §3 (R-T): the events that start and stop
//! it, how its due is reached ([`DueRule`]), whether it recurs, the states that pause it and
//! when it warns. [`SlaPolicy::default`] holds the clock column of the R-T table; a company's
//! policy is the same document edited, checked by [`SlaPolicy::validate`].
//!
//! [`compute`] turns the facts of one running clock ([`ClockRun`]) into its due and state on a
//! business calendar. Decisions (R-T-0: SLA clocks never move earlier):
//!
//! - A pause only pushes the due later: each pause that starts before the due (as pushed so
//!   far) adds its working time (working limits, end of a working day) or its real length
//!   (calendar limits) to the due. An open pause counts as ending now, so a paused clock's due
//!   keeps moving with the clock on the wall; a pause that starts after the due changes nothing.
//! - A recurring clock (R-T-9) runs its first period from the start with [`ClockDef::due`];
//!   after each reset the next due is [`ClockDef::recurrence`] after the last reset.
//! - A due negotiated with the customer (R-T-9) replaces the computed one: pauses do not
//!   move it.

mod compute;
mod def;
mod defaults;
mod error;
mod policy;
mod react;
mod run;
mod watch;

pub use compute::compute;
pub use def::{ClockDef, DEFAULT_WARNING_PERCENT, DueRule, MAX_CALENDAR_MONTHS, is_snake_id};
pub use error::SlaError;
pub(crate) use policy::is_rule_id;
pub use policy::{PolicyProblem, SlaPolicy};
pub use react::{Happening, Reaction, react};
pub use run::{ClockRun, ClockState, ClockStatus, NegotiatedDue};
pub use watch::{Told, WARNING_PRECISION, next_check};
