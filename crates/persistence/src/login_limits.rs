//! Failed sign-ins, counted per key (`account:<name>`, `ip:<address>`) in the database so every
//! node agrees. After `max` failures within `window` the key is locked for `lock`; time comes
//! from the injected clock.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use crate::{
    db::DbConnection,
    error::StoreError,
    identity_schema::login_attempts,
    ids::{from_db, to_db},
};

/// How many failures lock a key, within which window, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures that lock the key.
    pub max: i64,
    /// The counting window.
    pub window: TimeDelta,
    /// How long a lock lasts.
    pub lock: TimeDelta,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = login_attempts)]
struct Row {
    failures: i64,
    window_start: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
}

fn load(conn: &mut DbConnection, key: &str) -> Result<Option<Row>, StoreError> {
    Ok(login_attempts::table.find(key).select(Row::as_select()).first(conn).optional()?)
}

/// Until when `key` is locked, if it is locked at `now`.
pub fn locked_until(
    conn: &mut DbConnection,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    Ok(load(conn, key)?.and_then(|r| r.locked_until).map(from_db).filter(|until| *until > now))
}

/// Counts a failure for `key`; returns the lock's end when this failure locks it.
pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    policy: Policy,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    conn.transaction(|conn| {
        let at = to_db(now);
        let (failures, start) = match load(conn, key)? {
            Some(r)
                if from_db(r.window_start) + policy.window > now
                    && r.locked_until.is_none_or(|u| from_db(u) <= now) =>
            {
                (r.failures + 1, r.window_start)
            }
            Some(_) => (1, at),
            None => {
                // A savepoint: a concurrent first failure may win the insert, and on PostgreSQL
                // the conflict must not abort the whole transaction.
                let inserted = conn.transaction(|conn| {
                    diesel::insert_into(login_attempts::table)
                        .values((
                            login_attempts::key.eq(key),
                            login_attempts::failures.eq(0_i64),
                            login_attempts::window_start.eq(at),
                        ))
                        .execute(conn)
                });
                match inserted.map_err(StoreError::from) {
                    Ok(_) | Err(StoreError::Conflict(_)) => {}
                    Err(e) => return Err(e),
                }
                (1, at)
            }
        };
        let lock = (failures >= policy.max).then(|| now + policy.lock);
        diesel::update(login_attempts::table.find(key))
            .set((
                login_attempts::failures.eq(if lock.is_some() { 0 } else { failures }),
                login_attempts::window_start.eq(start),
                login_attempts::locked_until.eq(lock.map(to_db)),
            ))
            .execute(conn)?;
        Ok(lock)
    })
}

/// Forgets the failures of `key` (after a successful sign-in to the account).
pub fn clear(conn: &mut DbConnection, key: &str) -> Result<(), StoreError> {
    diesel::delete(login_attempts::table.find(key)).execute(conn)?;
    Ok(())
}
