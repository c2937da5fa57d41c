//! Instants as the API shows them: RFC 3339 in the company's zone (China Standard Time until
//! companies carry their own).

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, Utc};

/// China Standard Time, UTC+08:00 (no daylight saving since 1991).
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix())
}

/// An instant as stored: a UTC `DateTime` or a naive UTC timestamp from a row.
pub trait Stored {
    /// The instant in UTC.
    fn utc(self) -> DateTime<Utc>;
}

impl Stored for DateTime<Utc> {
    fn utc(self) -> DateTime<Utc> {
        self
    }
}

impl Stored for NaiveDateTime {
    fn utc(self) -> DateTime<Utc> {
        self.and_utc()
    }
}

/// An instant in China Standard Time.
pub fn local(at: impl Stored) -> DateTime<FixedOffset> {
    at.utc().with_timezone(&cst())
}

/// The years a date or an instant of the API may name: anything outside is a typing error
/// (`+99999-01-01`, `0000-01-01`), refused with a 422 rather than stored.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A calendar date of the API: `YYYY-MM-DD` with a year from 1900 to 2200.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[schema(value_type = String, format = Date, example = "2026-03-18")]
pub struct Day(pub chrono::NaiveDate);

impl Day {
    /// Parses `YYYY-MM-DD` within [`YEARS`].
    pub fn parse(text: &str) -> Result<Self, String> {
        use chrono::Datelike;
        let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| text.len() == 10)
            .ok_or_else(|| format!("{text:?} is not a date like 2026-10-01"))?;
        if YEARS.contains(&date.year()) {
            Ok(Self(date))
        } else {
            Err(format!("{text} is outside the years {}–{}", YEARS.start(), YEARS.end()))
        }
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> serde::Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The instant a local date (China Standard Time) begins.
pub fn day_start(date: chrono::NaiveDate) -> DateTime<Utc> {
    date.and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(cst())
        .single()
        .map_or_else(|| date.and_time(chrono::NaiveTime::MIN).and_utc(), |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_plain_dates_of_sane_years() {
        assert!(Day::parse("2026-03-18").is_ok());
        for bad in
            ["+99999-01-01", "0000-01-01", "1899-12-31", "2201-01-01", "2026-3-18", "2026-02-30"]
        {
            assert!(Day::parse(bad).is_err(), "{bad}");
        }
        assert!(Day::parse("1900-01-01").is_ok() && Day::parse("2200-12-31").is_ok());
    }
}
