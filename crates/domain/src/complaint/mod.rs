//! Complaints (投诉), early warnings (预警) and front-desk requests (报修、咨询、求助、建议、
//! 表扬): RULES.md §1–§4 as pure values and functions.

mod state;
mod vocab;

pub use state::{ComplaintAction, ComplaintState};
pub use vocab::{
    ApologyMeans, CallbackMethod, Category, Channel, ComplaintKind, Flag, Grade, WarningSource,
};
