//! Idempotency keys: the first response of a create, replayed when the same caller sends the
//! same key with the same body again; kept for at least 24 hours. The primary key
//! (principal, key) is the race guard: of two concurrent requests one inserts, the other finds
//! the key in flight.

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;

use crate::{
    db::{Conn, DbConnection},
    error::StoreError,
    ids::{from_db, to_db},
    schema::idempotency_keys as keys,
};

/// How long a key is kept.
pub const KEEP: TimeDelta = TimeDelta::hours(24);
/// A key still in flight after this long belongs to a request that died (a crashed node): it
/// is released, so the client's retry is not refused for a day.
pub const IN_FLIGHT_AT_MOST: TimeDelta = TimeDelta::minutes(2);

/// A stored response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// HTTP status.
    pub status: i64,
    /// Headers to replay, a JSON object.
    pub headers: String,
    /// The body.
    pub body: String,
}

/// What a request with a key may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// The key is new: go ahead, then [`finish`] or [`abandon`].
    Started,
    /// The same key and body were answered before: send this again.
    Replay(Stored),
    /// The key was used with another body.
    Mismatch,
    /// A request with this key is still being answered.
    InFlight,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = keys)]
struct Row {
    fingerprint: String,
    state: String,
    status: Option<i64>,
    headers: Option<String>,
    body: Option<String>,
    created_at: chrono::NaiveDateTime,
    expires_at: chrono::NaiveDateTime,
}

fn insert(
    conn: &mut DbConnection,
    principal: &str,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(keys::table)
        .values((
            keys::principal.eq(principal),
            keys::key.eq(key),
            keys::fingerprint.eq(fingerprint),
            keys::state.eq("in_flight"),
            keys::created_at.eq(to_db(now)),
            keys::expires_at.eq(to_db(now + KEEP)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Claims `key` for a request whose method, path and body hash to `fingerprint`.
/// Runs outside any transaction: the insert must be visible to concurrent requests at once.
pub fn begin(
    conn: &mut Conn,
    principal: &str,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<Begin, StoreError> {
    let conn = conn.raw();
    for _ in 0..2 {
        match insert(conn, principal, key, fingerprint, now) {
            Ok(()) => {
                purge(conn, now)?;
                return Ok(Begin::Started);
            }
            Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
        let found: Option<Row> =
            keys::table.find((principal, key)).select(Row::as_select()).first(conn).optional()?;
        let Some(row) = found else { continue };
        let dead = row.state == "in_flight" && from_db(row.created_at) + IN_FLIGHT_AT_MOST <= now;
        if from_db(row.expires_at) <= now || dead {
            diesel::delete(
                keys::table
                    .filter(keys::principal.eq(principal))
                    .filter(keys::key.eq(key))
                    .filter(keys::created_at.eq(row.created_at)),
            )
            .execute(conn)?;
            continue;
        }
        if row.fingerprint != fingerprint {
            return Ok(Begin::Mismatch);
        }
        return Ok(match (row.state.as_str(), row.status, row.headers, row.body) {
            ("done", Some(status), Some(headers), Some(body)) => {
                Begin::Replay(Stored { status, headers, body })
            }
            _ => Begin::InFlight,
        });
    }
    Ok(Begin::InFlight)
}

/// Stores the response of a started key.
pub fn finish(
    conn: &mut Conn,
    principal: &str,
    key: &str,
    response: &Stored,
) -> Result<(), StoreError> {
    diesel::update(keys::table.find((principal, key)))
        .set((
            keys::state.eq("done"),
            keys::status.eq(response.status),
            keys::headers.eq(&response.headers),
            keys::body.eq(&response.body),
        ))
        .execute(conn.raw())?;
    Ok(())
}

/// Releases a started key whose request changed nothing (it failed), so it can be retried.
pub fn abandon(conn: &mut Conn, principal: &str, key: &str) -> Result<(), StoreError> {
    diesel::delete(keys::table.find((principal, key))).execute(conn.raw())?;
    Ok(())
}

/// Deletes keys past their 24 hours.
fn purge(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(diesel::delete(keys::table.filter(keys::expires_at.le(to_db(now)))).execute(conn)?)
}
