//! kefu-domain: the business rules of kefu (客服) as pure values and functions.
//!
//! Nothing here performs IO: no database, no network, no async runtime. Time is passed in
//! (see [`clock`]), so every rule can be tested by moving a clock instead of sleeping.

pub mod access;
pub mod approval;
pub mod calendar;
pub mod callback;
pub mod clock;
pub mod complaint;
pub mod duration;
pub mod events;
pub mod ids;
pub mod org;
pub mod phone;
pub mod privacy;
pub mod schedule;
pub mod sla;
pub mod stats;
pub mod survey;
pub mod vocabulary;
pub mod work_plan;
