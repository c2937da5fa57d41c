//! Ids and instants as both backends store them.

use chrono::{DateTime, NaiveDateTime, Utc};
use kefu_domain::clock::to_micros;

/// A new UUIDv7 id as text: sortable by time, unique across nodes, safe to expose.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// An instant as stored: naive UTC, truncated to the microsecond on both backends.
pub fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    to_micros(at).naive_utc()
}

/// A stored naive-UTC instant back as an instant.
pub fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}
