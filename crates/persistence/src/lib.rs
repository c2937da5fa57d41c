//! kefu-persistence: diesel over PostgreSQL and SQLite through one code path.
//!
//! Each public operation is one use case: it takes the [`Conn`] lent to it, owns the one
//! transaction in which a state change, its audit event and (later) its outbox message commit
//! together or not at all, and compares versions in the `UPDATE` itself. The diesel connection
//! and transactions stay inside this crate; callers never see them.

pub mod approvals;
pub mod audit;
pub mod auth;
pub mod automation;
pub mod backup;
pub mod calendars;
pub mod callbacks;
pub mod cases;
pub mod clients;
pub mod complaints;
pub mod contractors;
pub mod customers;
pub mod db;
pub mod error;
pub mod funds;
pub mod grants;
pub mod groups;
pub mod idempotency;
pub mod ids;
pub mod kit;
pub mod migrate;
pub mod notifications;
pub mod org;
mod outbox;
pub mod performance;
pub mod reports;
pub mod schema;
pub mod scope;
pub mod sla;
pub mod stats;
pub mod surveys;
pub mod url;
pub mod users;
pub mod webhooks;
pub mod work_plans;

pub use db::{Conn, Db, PoolOptions};
#[cfg(feature = "testing")]
pub use db::{DbConnection, MultiBackend};
pub use error::StoreError;
pub use url::DatabaseUrl;
