//! Scheduled reports (报表, RULES.md §7): each group's report definitions ([`definitions`],
//! versioned policy data with the R-RP presets), the obligations the periodic job plans ahead
//! with their reminders ([`obligations`], [`plan`]), and the submissions of each
//! ([`submissions`]), whose drafts kefu pre-fills for the complaint statements ([`drafts`]).

pub mod definitions;
pub mod drafts;
pub mod obligations;
pub mod plan;
pub mod schedule;
pub mod submissions;

pub use definitions::{Definitions, current as current_definitions, put as put_definitions};
pub use obligations::{Completion, Obligation, ObligationFilter};
