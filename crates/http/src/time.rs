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
