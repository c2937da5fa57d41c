//! Scheduled reports (报表, RULES.md §7): what each report is, when it falls due and which data
//! period it covers, as group policy data; the year's schedule with the R-RP-16 rule (dues
//! move **earlier** off non-working days); the obligations' states.
//!
//! A definition is data, never an `if` in a handler: the presets below restate R-RP-1 … R-RP-12
//! and a group may change them (`PUT /api/v1/reports/definitions`).

mod definition;
mod obligation;
mod periods;
mod presets;

pub use definition::{
    Cadence, DefinitionProblem, DueRule, ReportDefinition, ReportDefinitions, Responsible, Section,
    SectionKind, Time,
};
pub use obligation::{ObligationAction, ObligationState, next_state};
pub use periods::{Period, ScheduledPeriod, due_of, move_in_period, schedule_for_year};
pub use presets::presets;
