//! Business calendars (工作日历): settings, yearly holiday schedules, and the calculator that
//! answers "when is this due" on them (R-T-0, R-RP-16).

pub mod calc;
pub mod crud;
pub mod dto;
pub mod years;

use chrono::{DateTime, NaiveDate, Utc};

use crate::problem::ApiError;

/// Parses an RFC 3339 instant from a query parameter, naming it when it is wrong.
pub fn instant_param(name: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        let hint = if value.contains(' ') {
            " (a '+' in a query string must be sent as %2B: use curl --data-urlencode)"
        } else {
            ""
        };
        ApiError::field(
            name,
            "invalid_datetime",
            format!(
                "must be an RFC 3339 instant with an offset, like 2026-09-30T17:00:00+08:00{hint}"
            ),
        )
    })
}

/// Parses a `YYYY-MM-DD` date from a query parameter.
pub fn date_param(name: &str, value: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| ApiError::field(name, "invalid_date", "must be a date like 2026-10-01"))
}
