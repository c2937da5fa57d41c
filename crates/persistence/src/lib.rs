//! kefu-persistence: diesel over PostgreSQL and SQLite through one code path.
//!
//! Every query takes `&mut DbConnection`, so operations compose inside one transaction:
//! a state change, its audit event and (later) its outbox message commit together or not at all.

pub mod audit;
pub mod calendars;
pub mod db;
pub mod error;
pub mod ids;
pub mod jwt_keys;
pub mod migrate;
pub mod refresh_tokens;
pub mod schema;
pub mod sla;
pub mod url;
pub mod users;

// Identity, organisation and access (issue 3): tenants, grants, the scoped query builder.
pub mod customer_ownership;
pub mod customer_queries;
pub mod customers;
pub mod grants;
pub mod groups;
pub mod idempotency;
pub mod identity_schema;
pub mod integration_clients;
pub mod login_limits;
pub mod org;
pub mod scope;
pub mod user_changes;

pub use db::{Db, DbConnection, PoolOptions, transaction};
pub use error::StoreError;
pub use url::DatabaseUrl;
