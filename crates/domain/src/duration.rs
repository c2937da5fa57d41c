//! Durations (时限): one grammar for the API, the policies and the CLI.
//!
//! - Working time: `^\d+(\.\d{1,2})?(WD|WH|WM)$`, e.g. `1.5WD`, `4WH`, `30WM` ([`WorkingDuration`]).
//! - Calendar time: ISO 8601 `P[nD][T[nH][nM][nS]]` or `PnW`, e.g. `P1D`, `PT30M`
//!   ([`CalendarDuration`]). Months and years are refused: they have no fixed length.
//!
//! Limits: working time at most 3650 × 24 hours (`3650WD`, `87600WH`, `5256000WM`; a working
//! day is never longer than 24 hours, so `3650WD` stays within the same bound whatever the
//! calendar's standard day); calendar time at most `P3650D` counting a day as 24 hours.

mod iso;
mod working;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use iso::CalendarDuration;
pub use working::{WorkingDuration, WorkingUnit};

/// The largest calendar duration, in seconds (`P3650D`).
pub const MAX_CALENDAR_SECONDS: i64 = 3650 * 86_400;

/// A time limit (时限) as written in a policy: working or calendar time.
///
/// Serialized as its string form (`"1.5WD"`, `"P1D"`); `Display` and `FromStr` round-trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum SlaDuration {
    /// Counted on the business calendar's working hours.
    Working(WorkingDuration),
    /// Counted on the wall clock of the calendar's time zone, holidays included.
    Calendar(CalendarDuration),
}

impl FromStr for SlaDuration {
    type Err = DurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with('P') {
            s.parse().map(Self::Calendar)
        } else {
            s.parse().map(Self::Working)
        }
    }
}

impl fmt::Display for SlaDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Working(d) => d.fmt(f),
            Self::Calendar(d) => d.fmt(f),
        }
    }
}

impl TryFrom<String> for SlaDuration {
    type Error = DurationError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<SlaDuration> for String {
    fn from(d: SlaDuration) -> Self {
        d.to_string()
    }
}

/// Why a duration string was refused. [`DurationError::code`] is stable for API clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Nothing was given.
    #[error("a duration is required, such as `1.5WD` or `P1D`")]
    Empty,
    /// The text follows neither grammar.
    #[error(
        "`{0}` is not a duration: write working time as `1.5WD`, `4WH` or `30WM`, \
         calendar time as `P1D`, `PT4H` or `P1W`"
    )]
    Format(String),
    /// A working duration with more than two decimals.
    #[error("`{0}` has more than two decimals")]
    Precision(String),
    /// Months or years in a calendar duration.
    #[error("`{0}` uses months or years, which have no fixed length: use days or weeks")]
    MonthsOrYears(String),
    /// Above the limit of the unit.
    #[error("`{input}` is longer than the limit of {limit}")]
    TooLarge {
        /// The text as given.
        input: String,
        /// The limit, written in the same unit.
        limit: &'static str,
    },
}

impl DurationError {
    /// A stable snake_case code for the API's problem documents.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "duration_required",
            Self::Format(_) => "duration_format",
            Self::Precision(_) => "duration_precision",
            Self::MonthsOrYears(_) => "duration_months_or_years",
            Self::TooLarge { .. } => "duration_too_large",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_grammars_and_round_trips() {
        for text in ["1.5WD", "4WH", "30WM", "0WD", "0.25WD", "P1D", "PT4H", "P2W", "P1DT2H3M4S"] {
            let d: SlaDuration = text.parse().unwrap();
            assert_eq!(d.to_string(), text);
            assert_eq!(d.to_string().parse::<SlaDuration>().unwrap(), d);
        }
    }

    #[test]
    fn rejects_with_codes() {
        let cases = [
            ("", "duration_required"),
            ("1.5 WD", "duration_format"),
            ("1.5wd", "duration_format"),
            ("1.555WD", "duration_precision"),
            ("P1M", "duration_months_or_years"),
            ("P1Y", "duration_months_or_years"),
            ("3651WD", "duration_too_large"),
            ("P3651D", "duration_too_large"),
            ("P", "duration_format"),
            ("PT", "duration_format"),
            ("1D", "duration_format"),
            ("-1WD", "duration_format"),
        ];
        for (text, code) in cases {
            let err = text.parse::<SlaDuration>().unwrap_err();
            assert_eq!(err.code(), code, "{text}: {err}");
        }
    }

    #[test]
    fn serde_is_the_string_form() {
        let d: SlaDuration = serde_json::from_str("\"1.5WD\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"1.5WD\"");
        let err = serde_json::from_str::<SlaDuration>("\"1.5\"").unwrap_err();
        assert!(err.to_string().contains("not a duration"), "{err}");
    }
}
