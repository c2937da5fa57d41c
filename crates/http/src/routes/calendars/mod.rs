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
    use chrono::Datelike;
    let at = DateTime::parse_from_rfc3339(value).map(|t| t.with_timezone(&Utc));
    if let Ok(at) = at
        && !crate::time::YEARS.contains(&at.year())
    {
        return Err(ApiError::field(name, "out_of_range", "must lie in the years 1900 to 2200"));
    }
    at.map_err(|_| {
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
    crate::time::Day::parse(value).map(|d| d.0).map_err(|why| {
        ApiError::field(name, "invalid_date", format!("must be a date like 2026-10-01: {why}"))
    })
}
