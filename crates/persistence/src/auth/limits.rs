//! Failed sign-ins, counted per key (`account:<name>`, `ip:<address>`, `client:<id>`) in the
//! database so every node agrees. An attempt is counted before its password is checked, in one
//! locked step: concurrent attempts are numbered one by one, so no more than `max` of them are
//! ever checked in a window; the `max`-th locks the key for `lock`. A success clears its
//! account and gives its address back its count. Time comes from the injected clock.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use crate::{
    db::{DbConnection, transaction},
    error::StoreError,
    ids::{from_db, to_db},
    schema::login_attempts,
};

/// How many failures a key may have, within which window, and for how long it is then locked.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures that lock the key.
    pub max: i64,
    /// The window they are counted in.
    pub window: TimeDelta,
    /// How long the key stays locked.
    pub lock: TimeDelta,
}

/// Per account: 5 failures in 15 minutes lock it for 15 minutes.
pub const ACCOUNT: Policy =
    Policy { max: 5, window: TimeDelta::minutes(15), lock: TimeDelta::minutes(15) };
/// Per address: 20 failures in 15 minutes lock it for 15 minutes.
pub const ADDRESS: Policy =
    Policy { max: 20, window: TimeDelta::minutes(15), lock: TimeDelta::minutes(15) };

/// The keys of one attempt: the account (or client) and the address it came from.
#[derive(Debug, Clone)]
pub struct Attempt {
    account: String,
    address: String,
}

impl Attempt {
    /// An attempt on `account` (`user:<name>` or `client:<id>`) from `address`.
    pub fn new(account: &str, address: &str) -> Self {
        Self {
            account: format!("account:{}", account.to_lowercase()),
            address: format!("ip:{address}"),
        }
    }
}

/// Whether an attempt may be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Counted; go on and check it.
    Admitted,
    /// Locked until this instant: answer 429 without checking anything.
    Locked(DateTime<Utc>),
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = login_attempts)]
struct Row {
    failures: i64,
    window_start: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
}

/// Locks (on PostgreSQL: the row; on SQLite the transaction already holds the write lock) and
/// reads a key's row, inserting it first when missing.
fn lock(conn: &mut DbConnection, key: &str, now: DateTime<Utc>) -> Result<Row, StoreError> {
    // A savepoint: a concurrent first attempt may win the insert, and on PostgreSQL the
    // conflict must not abort the whole transaction.
    let inserted = transaction(conn, |conn| {
        diesel::insert_into(login_attempts::table)
            .values((
                login_attempts::key.eq(key),
                login_attempts::failures.eq(0_i64),
                login_attempts::window_start.eq(to_db(now)),
            ))
            .execute(conn)
            .map_err(StoreError::from)
    });
    match inserted {
        Ok(_) | Err(StoreError::Conflict(_)) => {}
        Err(e) => return Err(e),
    }
    // An UPDATE takes the row lock: concurrent attempts on one key line up here.
    diesel::update(login_attempts::table.find(key))
        .set(login_attempts::failures.eq(login_attempts::failures))
        .execute(conn)?;
    Ok(login_attempts::table.find(key).select(Row::as_select()).first(conn)?)
}

fn locked(row: &Row, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    row.locked_until.map(from_db).filter(|until| *until > now)
}

/// Counts one attempt on `key`, whose locked row is `row`.
fn count(
    conn: &mut DbConnection,
    (key, row): (&str, &Row),
    policy: Policy,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let fresh = from_db(row.window_start) + policy.window <= now || row.locked_until.is_some();
    let (failures, start) =
        if fresh { (1, to_db(now)) } else { (row.failures + 1, row.window_start) };
    let locked = (failures >= policy.max).then(|| to_db(now + policy.lock));
    diesel::update(login_attempts::table.find(key))
        .set((
            login_attempts::failures.eq(failures),
            login_attempts::window_start.eq(start),
            login_attempts::locked_until.eq(locked),
        ))
        .execute(conn)?;
    Ok(())
}

/// Counts an attempt on its account and its address, in one transaction; a locked account
/// or address admits nothing and counts nothing more. Rows are locked account first, then
/// address, in every attempt, so concurrent attempts never deadlock.
pub(crate) fn admit(
    conn: &mut DbConnection,
    attempt: &Attempt,
    now: DateTime<Utc>,
) -> Result<Admission, StoreError> {
    transaction(conn, |conn| {
        let account = lock(conn, &attempt.account, now)?;
        let address = lock(conn, &attempt.address, now)?;
        if let Some(until) = locked(&account, now).max(locked(&address, now)) {
            return Ok(Admission::Locked(until));
        }
        count(conn, (&attempt.account, &account), ACCOUNT, now)?;
        count(conn, (&attempt.address, &address), ADDRESS, now)?;
        Ok(Admission::Admitted)
    })
}

/// A checked attempt succeeded: its account starts over, and its address gets back the count
/// this attempt took.
pub(crate) fn succeeded(conn: &mut DbConnection, attempt: &Attempt) -> Result<(), StoreError> {
    diesel::delete(login_attempts::table.find(&attempt.account)).execute(conn)?;
    diesel::update(
        login_attempts::table
            .find(&attempt.address)
            .filter(login_attempts::failures.gt(0_i64))
            .filter(login_attempts::locked_until.is_null()),
    )
    .set(login_attempts::failures.eq(login_attempts::failures - 1))
    .execute(conn)?;
    Ok(())
}
