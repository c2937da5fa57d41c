//! Why a clock could not be computed.

use crate::calendar::CalendarError;

/// Why [`compute`](super::compute) refused. [`SlaError::code`] is stable for API clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlaError {
    /// The calendar could not answer (an instant out of range, no working time ahead).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The clock stops before it started.
    #[error("the clock stops before it starts")]
    StopBeforeStart,
    /// A pause that starts before the clock or the previous pause's end, ends before it
    /// starts, or is open without being the last one.
    #[error(
        "pause {0} must start after the clock and the previous pause, end after it starts, \
         and be the last one if it is still open"
    )]
    PauseOrder(usize),
    /// A reset of a recurring clock before the clock started.
    #[error("the last reset is before the clock started")]
    ResetBeforeStart,
    /// A negotiated due that does not say who agreed to it (R-T-9).
    #[error("a negotiated due must name who agreed to it")]
    NegotiatedWithoutAgreement,
    /// A due beyond the instants chrono can represent.
    #[error("the due lies beyond the supported instants")]
    OutOfRange,
}

impl SlaError {
    /// A stable snake_case code for the API's problem documents.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Calendar(e) => e.code(),
            Self::StopBeforeStart => "stop_before_start",
            Self::PauseOrder(_) => "pause_order",
            Self::ResetBeforeStart => "reset_before_start",
            Self::NegotiatedWithoutAgreement => "negotiated_without_agreement",
            Self::OutOfRange => "out_of_range",
        }
    }
}
