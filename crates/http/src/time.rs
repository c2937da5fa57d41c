//! Instants as the API shows them: RFC 3339 in the company's zone (China Standard Time until
//! companies carry their own).

use chrono::{DateTime, FixedOffset, Offset, Utc};

/// China Standard Time, UTC+08:00 (no daylight saving since 1991).
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix())
}

/// An instant in China Standard Time.
pub fn local(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&cst())
}
