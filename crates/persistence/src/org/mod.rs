//! The organisation (组织): group → companies → projects (楼盘) → buildings → units, and the
//! departments of each company. Every row carries its group and its ancestors' ids, so one
//! scoped filter decides visibility without joins. Rows are archived, never deleted.

pub mod buildings;
pub mod companies;
pub mod departments;
pub mod projects;
pub mod units;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::ids::to_db;

/// The `archived_at` after a change: archiving keeps the first instant, un-archiving clears it.
pub(crate) fn archived_at(
    before: Option<DateTime<Utc>>,
    archived: Option<bool>,
    now: DateTime<Utc>,
) -> Option<NaiveDateTime> {
    match archived {
        Some(true) => Some(to_db(before.unwrap_or(now))),
        Some(false) => None,
        None => before.map(to_db),
    }
}

/// Whether a version matches, else the stale-version error.
pub(crate) fn expect_version(current: i64, expected: i64) -> Result<(), crate::StoreError> {
    if current == expected { Ok(()) } else { Err(crate::StoreError::StaleVersion { current }) }
}
