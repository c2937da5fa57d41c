//! What every handler shares: the database, the clock, the verifying keys.

use std::sync::Arc;

use actix_web::web;
use chrono::{DateTime, Utc};
use kefu_domain::clock::Clock;
use kefu_persistence::{Conn, Db, auth::keys};

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
    /// Whether webhooks may post to loopback, link-local and private addresses
    /// (`KEFU_WEBHOOK_ALLOW_PRIVATE`).
    pub webhooks_may_reach_private: bool,
}

impl AppState {
    /// New state over a database and a clock.
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock, keys: Arc::new(KeyCache::default()), webhooks_may_reach_private: false }
    }

    /// Runs one persistence operation on the blocking pool (never on an actix worker) with a
    /// pooled connection.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Conn) -> Result<T, ApiError> + Send + 'static,
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
        let keys = self.run(move |conn| Ok(keys::usable(conn, now, ACCESS_TTL)?)).await?;
        self.keys.store(&keys);
        Ok(())
    }
}

/// Makes sure the key set has a signing key: seeded from `KEFU_JWT_SECRET` or generated.
pub fn ensure_signing_key(
    conn: &mut Conn,
    seed: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, kefu_persistence::StoreError> {
    let (kid, secret) = match seed {
        Some(seed) => (tokens::seeded_kid(seed), seed.to_owned()),
        None => (uuid::Uuid::now_v7().to_string(), tokens::new_secret()),
    };
    keys::ensure_initial(conn, &kid, &secret, now)
}
