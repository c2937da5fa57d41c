//! Backups. The embedded SQLite database is copied online with `VACUUM INTO`: one consistent
//! snapshot taken in a read transaction, while the server keeps serving. PostgreSQL has its own
//! tools (`pg_dump`/`pg_restore`, see the README).

use std::path::Path;

use diesel::{RunQueryDsl, sql_query, sql_types::Text};

use crate::{Conn, db::DbConnection, error::StoreError};

/// Why a backup was not made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The target exists: a backup never overwrites anything.
    #[error("{0} exists; name a new file")]
    TargetExists(String),
    /// The database is PostgreSQL.
    #[error(
        "the database is PostgreSQL: back it up with `pg_dump --format=custom --file=FILE URL` \
         and restore with `pg_restore --clean --if-exists --dbname=URL FILE` (see the README)"
    )]
    Postgres,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes a consistent copy of the SQLite database to `to`, a file that must not exist yet.
pub fn sqlite_into(conn: &mut Conn, to: &Path) -> Result<(), BackupError> {
    if to.exists() {
        return Err(BackupError::TargetExists(to.display().to_string()));
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
        })?;
    }
    match conn.raw() {
        DbConnection::Pg(_) => Err(BackupError::Postgres),
        DbConnection::Sqlite(sqlite) => {
            sql_query("VACUUM INTO ?")
                .bind::<Text, _>(to.to_string_lossy().into_owned())
                .execute(sqlite)
                .map_err(StoreError::from)?;
            Ok(())
        }
    }
}
