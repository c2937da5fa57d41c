//! Refresh tokens: stored hashed, rotated on every use; a rotated token that comes back
//! revokes its whole family (the theft signal of OAuth 2.0 Security BCP §4.14).

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use crate::{
    audit::{self, Actor, NewAuditEvent},
    db::DbConnection,
    error::StoreError,
    ids::{from_db, new_id, to_db},
    schema::refresh_tokens,
    users::{self, User},
};

/// What presenting a refresh token led to.
#[derive(Debug)]
pub enum Rotation {
    /// The token was valid: it is now used, and the new one (same family) is stored.
    Rotated(User),
    /// The token had already been rotated: its family is revoked now.
    Reused,
    /// Unknown, revoked, expired, or its user is disabled.
    Invalid,
}

/// The stored state of a presented token.
#[derive(Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
struct Presented {
    id: String,
    family_id: String,
    user_id: String,
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

/// Stores a new refresh token (by hash). `family` is `None` for a fresh sign-in.
pub fn issue(
    conn: &mut DbConnection,
    user_id: &str,
    family: Option<&str>,
    token_hash: &str,
    now: DateTime<Utc>,
    ttl: TimeDelta,
) -> Result<(), StoreError> {
    let id = new_id();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(&id),
            refresh_tokens::family_id.eq(family.unwrap_or(&id)),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::created_at.eq(to_db(now)),
            refresh_tokens::expires_at.eq(to_db(now + ttl)),
            refresh_tokens::version.eq(1_i64),
        ))
        .execute(conn)?;
    Ok(())
}

/// Uses the token `presented_hash` and stores `next_hash` in its place, in one transaction.
pub fn rotate(
    conn: &mut DbConnection,
    presented_hash: &str,
    next_hash: &str,
    now: DateTime<Utc>,
    ttl: TimeDelta,
    request_id: Option<&str>,
) -> Result<Rotation, StoreError> {
    conn.transaction(|conn| {
        let found: Option<Presented> = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(presented_hash))
            .select(Presented::as_select())
            .first(conn)
            .optional()?;
        let Some(Presented { id, family_id: family, user_id, expires_at, used_at, revoked_at }) =
            found
        else {
            return Ok(Rotation::Invalid);
        };
        if revoked_at.is_some() || from_db(expires_at) <= now {
            return Ok(Rotation::Invalid);
        }
        // The conditional update is the race guard: of two concurrent uses, one wins.
        let won = used_at.is_none()
            && diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::id.eq(&id))
                    .filter(refresh_tokens::used_at.is_null()),
            )
            .set((
                refresh_tokens::used_at.eq(to_db(now)),
                refresh_tokens::version.eq(refresh_tokens::version + 1),
            ))
            .execute(conn)?
                == 1;
        if !won {
            revoke_family(conn, &family, now)?;
            audit::record(
                conn,
                NewAuditEvent {
                    at: now,
                    actor: Actor::User(user_id.clone()),
                    action: "auth.refresh_token_reused",
                    subject_type: "user",
                    subject_id: Some(&user_id),
                    request_id,
                    payload: serde_json::json!({ "family_id": family }),
                },
            )?;
            return Ok(Rotation::Reused);
        }
        let user = users::get(conn, &user_id)?;
        if user.disabled_at.is_some() {
            return Ok(Rotation::Invalid);
        }
        issue(conn, &user_id, Some(&family), next_hash, now, ttl)?;
        Ok(Rotation::Rotated(user))
    })
}

/// Revokes every live token of a family.
pub fn revoke_family(
    conn: &mut DbConnection,
    family: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set((
        refresh_tokens::revoked_at.eq(to_db(now)),
        refresh_tokens::version.eq(refresh_tokens::version + 1),
    ))
    .execute(conn)?)
}

/// Revokes every live refresh token of a user (password change, disable, admin action).
pub fn revoke_user(
    conn: &mut DbConnection,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set((
        refresh_tokens::revoked_at.eq(to_db(now)),
        refresh_tokens::version.eq(refresh_tokens::version + 1),
    ))
    .execute(conn)?)
}

/// The family and user of a presented token (for logout); `None` when unknown.
pub fn family_of(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((refresh_tokens::family_id, refresh_tokens::user_id))
        .first(conn)
        .optional()?)
}
