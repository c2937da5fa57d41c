//! What every handler shares: the database, the clock, the verifying keys.

use std::sync::Arc;

use actix_web::web;
use kefu_domain::clock::Clock;
use kefu_persistence::{Db, DbConnection, StoreError, jwt_keys};

use crate::{
    auth::tokens::{self, ACCESS_TTL, KeyCache},
    problem::ApiError,
};

/// Shared application state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: Db,
    /// The injected clock.
    pub clock: Arc<dyn Clock>,
    /// Verifying keys for access tokens.
    pub keys: Arc<KeyCache>,
}

impl AppState {
    /// New state over a database and a clock.
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock, keys: Arc::new(KeyCache::default()) }
    }

    /// Runs blocking database work on the blocking pool (never on an actix worker) with a
    /// pooled connection.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        web::block(move || {
            let mut conn = db.conn()?;
            work(&mut conn)
        })
        .await?
    }

    /// Reloads the verifying keys from the database.
    pub async fn reload_keys(&self) -> Result<(), ApiError> {
        let now = self.clock.now();
        let keys = self.run(move |conn| Ok(jwt_keys::usable(conn, now, ACCESS_TTL)?)).await?;
        self.keys.store(&keys);
        Ok(())
    }
}

/// Makes sure the key set has a signing key: seeded from `KEFU_JWT_SECRET` or generated.
pub fn ensure_signing_key(
    conn: &mut DbConnection,
    seed: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let (kid, secret) = match seed {
        Some(seed) => (tokens::seeded_kid(seed), seed.to_owned()),
        None => (uuid::Uuid::now_v7().to_string(), tokens::new_secret()),
    };
    jwt_keys::ensure_initial(conn, &kid, &secret, now)
}
