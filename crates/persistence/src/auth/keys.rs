//! The signing key set for access tokens: every node of one database signs and verifies alike.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use crate::{
    audit::{Acting, Event},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{from_db, to_db},
    schema::jwt_keys,
    scope::Place,
};

/// One HS256 key. The newest unretired key signs; retired keys still verify until the tokens
/// they signed have expired.
#[derive(Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = jwt_keys)]
pub struct JwtKey {
    /// The key id carried in each token's `kid` header.
    pub kid: String,
    /// The secret, base64; never logged.
    pub secret: String,
    /// When the key was made.
    pub created_at: NaiveDateTime,
    /// When a newer key replaced it.
    pub retired_at: Option<NaiveDateTime>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKey")
            .field("kid", &self.kid)
            .field("created_at", &self.created_at)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

/// Inserts the first key when the set is empty. Several nodes starting at once with the same
/// seed derive the same `kid`, so the loser's insert is a harmless conflict.
pub fn ensure_initial(
    conn: &mut Conn,
    kid: &str,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let conn = conn.raw();
    let present: i64 = jwt_keys::table.count().get_result(conn)?;
    if present > 0 {
        return Ok(false);
    }
    match insert(conn, kid, secret, now) {
        Ok(()) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

fn insert(
    conn: &mut DbConnection,
    kid: &str,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(jwt_keys::table)
        .values((
            jwt_keys::kid.eq(kid),
            jwt_keys::secret.eq(secret),
            jwt_keys::created_at.eq(to_db(now)),
            jwt_keys::version.eq(1_i64),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes `kid` the signing key and retires the others, with its audit event, in one transaction.
pub fn rotate(
    conn: &mut Conn,
    kid: &str,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    transaction(conn.raw(), |conn| {
        let retired: Vec<String> =
            diesel::update(jwt_keys::table.filter(jwt_keys::retired_at.is_null()))
                .set((
                    jwt_keys::retired_at.eq(to_db(now)),
                    jwt_keys::version.eq(jwt_keys::version + 1),
                ))
                .returning(jwt_keys::kid)
                .get_results(conn)?;
        insert(conn, kid, secret, now)?;
        let event = Event {
            at: now,
            action: "jwt_key.rotated",
            subject: ("jwt_key", kid),
            group: None,
            place: &Place::group(),
            payload: serde_json::json!({ "retired": retired }),
        };
        Acting::system().record(conn, event)?;
        Ok(())
    })
}

/// Keys that verify at `now`: the active ones and those retired less than `grace` ago.
/// The first is the signing key (newest active).
pub fn usable(
    conn: &mut Conn,
    now: DateTime<Utc>,
    grace: TimeDelta,
) -> Result<Vec<JwtKey>, StoreError> {
    let cutoff = to_db(now - grace);
    let mut keys: Vec<JwtKey> = jwt_keys::table
        .filter(jwt_keys::retired_at.is_null().or(jwt_keys::retired_at.gt(cutoff)))
        .select(JwtKey::as_select())
        .load(conn.raw())?;
    keys.sort_by(|a, b| {
        (a.retired_at.is_some(), std::cmp::Reverse(a.created_at), &a.kid).cmp(&(
            b.retired_at.is_some(),
            std::cmp::Reverse(b.created_at),
            &b.kid,
        ))
    });
    Ok(keys)
}

/// When a key was retired, as an instant.
/// The newest unretired key: the one that signs new tokens.
pub(crate) fn signer(conn: &mut DbConnection) -> Result<JwtKey, StoreError> {
    jwt_keys::table
        .filter(jwt_keys::retired_at.is_null())
        .order((jwt_keys::created_at.desc(), jwt_keys::kid.desc()))
        .select(JwtKey::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::Corrupt("no signing key".into()))
}

/// When the key was retired, if it was.
pub fn retired_at(key: &JwtKey) -> Option<DateTime<Utc>> {
    key.retired_at.map(from_db)
}
