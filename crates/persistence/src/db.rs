//! Connections and the pool: one `DbConnection` type over PostgreSQL and SQLite.

use std::time::Duration;

use diesel::{
    Connection,
    connection::SimpleConnection,
    pg::PgConnection,
    r2d2::{self, ManageConnection, R2D2Connection},
    sqlite::SqliteConnection,
};

use crate::{error::StoreError, url::DatabaseUrl};

#[cfg(feature = "testing")]
pub use multi::{DbConnection, MultiBackend};
#[cfg(not(feature = "testing"))]
pub(crate) use multi::{DbConnection, MultiBackend};

mod multi {
    // The derive generates public items (the multi backend) that cannot carry doc comments.
    #![allow(missing_docs)]
    use diesel::{pg::PgConnection, sqlite::SqliteConnection};

    /// A connection to either backend; queries are written once against it.
    #[derive(diesel::MultiConnection)]
    pub enum DbConnection {
        /// PostgreSQL, for production and several API nodes.
        Pg(PgConnection),
        /// Embedded SQLite, the default.
        Sqlite(SqliteConnection),
    }
}

/// A pooled connection.
type PooledConn = r2d2::PooledConnection<ConnectionManager>;

/// A connection lent to one persistence operation. Its insides stay in this crate: callers
/// hand it to the operation of their use case, which owns the transaction.
pub struct Conn(PooledConn);

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Conn")
    }
}

impl Conn {
    /// The diesel connection, for this crate's queries.
    #[cfg(not(feature = "testing"))]
    pub(crate) fn raw(&mut self) -> &mut DbConnection {
        &mut self.0
    }

    /// The diesel connection (exposed for the black-box test suite's raw SQL only).
    #[cfg(feature = "testing")]
    pub fn raw(&mut self) -> &mut DbConnection {
        &mut self.0
    }
}

/// Opens connections of the backend the URL names (never guessing from a failed attempt).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

/// SQLite settings applied to every new connection: WAL for concurrent readers, NORMAL sync
/// (durable at checkpoints, fast), a wait instead of an immediate SQLITE_BUSY, and foreign keys.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;";

impl ConnectionManager {
    fn open(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url).map(DbConnection::Pg),
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn = SqliteConnection::establish(&path)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.open().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// Pool sizing and waiting.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    /// Most connections open at once.
    pub max_size: u32,
    /// How long a caller waits for a free connection before the store is "unavailable".
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self { max_size: 10, connection_timeout: Duration::from_secs(5) }
    }
}

/// The database: a pool of connections to one backend.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<ConnectionManager>,
    url: DatabaseUrl,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("url", &self.url).finish_non_exhaustive()
    }
}

impl Db {
    /// Opens the pool. SQLite's parent folder is created; the first connection is made now,
    /// so a wrong URL or an unreachable server is reported at start-up.
    pub fn connect(url: &DatabaseUrl, options: PoolOptions) -> Result<Self, StoreError> {
        if let DatabaseUrl::Sqlite(path) = url
            && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let manager = ConnectionManager { url: url.clone() };
        // Check the URL once with a direct connection: r2d2 would otherwise retry until its
        // timeout and report only "timed out".
        manager.open().map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let pool = r2d2::Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(1))
            .connection_timeout(options.connection_timeout)
            .build(manager)?;
        Ok(Self { pool, url: url.clone() })
    }

    /// A connection from the pool (blocking: call from a blocking thread).
    pub fn conn(&self) -> Result<Conn, StoreError> {
        Ok(Conn(self.pool.get()?))
    }

    /// The URL this pool serves (its `Display` hides any password).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Whether the database answers a trivial query now.
    pub fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.get_timeout(Duration::from_secs(2))?;
        conn.ping().map_err(StoreError::from)
    }
}

/// Runs `work` in one transaction: committed when it returns `Ok`, rolled back on any `Err`,
/// whether the error is the store's or the caller's own `E`. Inside another transaction it is a
/// savepoint. On SQLite the outermost transaction begins IMMEDIATE: it takes the write lock up
/// front (waiting up to the busy timeout), so a transaction that reads and then writes never
/// fails with "database is locked" because another writer committed in between.
pub(crate) fn transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<StoreError>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConnection as Connection>::TransactionManager;
    let store = |e: diesel::result::Error| E::from(StoreError::from(e));
    let outermost =
        Manager::transaction_manager_status_mut(conn).transaction_depth().map_err(store)?.is_none();
    match conn {
        DbConnection::Sqlite(sqlite) if outermost => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
                .map_err(store)?;
        }
        _ => Manager::begin_transaction(conn).map_err(store)?,
    }
    match work(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn).map_err(store)?;
            Ok(value)
        }
        Err(e) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(e),
            Err(rollback) => Err(store(rollback)),
        },
    }
}
