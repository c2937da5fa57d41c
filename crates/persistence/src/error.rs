//! Typed storage errors; the HTTP layer maps each to one problem `code`.

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist (or is outside the caller's scope: existence is not leaked).
    #[error("not found")]
    NotFound,
    /// The record is visible to the caller, but his grants do not let him do this to it.
    #[error("forbidden")]
    Forbidden,
    /// Optimistic concurrency: the row changed since the caller read it.
    #[error("stale version: the record was changed by someone else (now at version {current})")]
    StaleVersion {
        /// The version the row has now.
        current: i64,
    },
    /// A uniqueness rule was broken (e.g. the username is taken).
    #[error("conflict: {0}")]
    Conflict(String),
    /// No connection could be had from the pool in time.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(diesel::result::Error),
    /// A stored document could not be read or written.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// A field names something that does not exist where it must (a department of another
    /// company): a 422 naming the field.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, as the API names it.
        field: String,
        /// What is wrong.
        message: String,
    },
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::Conflict(info.message().to_owned())
            }
            other => Self::Database(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(e.to_string())
    }
}
