//! Failed sign-ins are limited per account and per address (OWASP API4): after too many
//! failures in a window the key is locked and sign-in answers 429 with `Retry-After`, before
//! any password is checked. Counted in the database with the injected clock, so every node
//! agrees and tests move the clock instead of sleeping.

use chrono::{DateTime, TimeDelta, Utc};
use kefu_persistence::{
    DbConnection,
    login_limits::{self, Policy},
};

use crate::problem::ApiError;

/// Per account: 5 failures within 15 minutes lock it for 15 minutes.
pub const ACCOUNT: Policy =
    Policy { max: 5, window: TimeDelta::minutes(15), lock: TimeDelta::minutes(15) };
/// Per address: 20 failures within 15 minutes lock it for 15 minutes.
pub const ADDRESS: Policy =
    Policy { max: 20, window: TimeDelta::minutes(15), lock: TimeDelta::minutes(15) };

/// The keys of one sign-in attempt: the account (case-folded) and the peer address.
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

    /// 429 while either key is locked.
    pub fn check(&self, conn: &mut DbConnection, now: DateTime<Utc>) -> Result<(), ApiError> {
        for key in [&self.account, &self.address] {
            if let Some(until) = login_limits::locked_until(conn, key, now)? {
                return Err(too_many(until, now));
            }
        }
        Ok(())
    }

    /// Counts a failure on both keys.
    pub fn failed(&self, conn: &mut DbConnection, now: DateTime<Utc>) -> Result<(), ApiError> {
        login_limits::record_failure(conn, &self.account, ACCOUNT, now)?;
        login_limits::record_failure(conn, &self.address, ADDRESS, now)?;
        Ok(())
    }

    /// Forgets the account's failures after a success.
    pub fn succeeded(&self, conn: &mut DbConnection) -> Result<(), ApiError> {
        Ok(login_limits::clear(conn, &self.account)?)
    }
}

fn too_many(until: DateTime<Utc>, now: DateTime<Utc>) -> ApiError {
    let millis = (until - now).num_milliseconds().max(0);
    ApiError::TooManyRequests((millis + 999) / 1000)
}
