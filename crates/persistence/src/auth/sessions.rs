//! Sessions (登录会话): a sign-in and the refresh tokens rotated from it (one family). Refresh
//! tokens are stored hashed and rotated on every use; a rotated token that comes back revokes
//! its whole family (the theft signal of OAuth 2.0 Security BCP §4.14). Access tokens name
//! their session, so a revoked session stops them at the next request.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use crate::{
    audit::{Acting, Actor, Event},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    groups,
    ids::{from_db, new_id, to_db},
    schema::refresh_tokens,
    scope::Place,
    users,
};

/// How long a refresh token lives.
pub const REFRESH_TTL: TimeDelta = TimeDelta::days(30);

/// The outcome of presenting a refresh token.
#[derive(Debug)]
pub enum Rotation {
    /// A new token was issued for this user's session; the newest key signs his access token.
    Rotated(Box<super::SignedIn>),
    /// The token was already used: the whole session is now revoked.
    Reused,
    /// Unknown, expired, revoked, or its user, group or session is gone.
    Invalid,
}

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

/// Issues a refresh token of `family` (a new session when `None`); returns the session id.
pub(crate) fn issue(
    conn: &mut DbConnection,
    user_id: &str,
    family: Option<&str>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = new_id();
    let family = family.unwrap_or(&id).to_owned();
    diesel::insert_into(refresh_tokens::table)
        .values((
            (refresh_tokens::id.eq(&id), refresh_tokens::family_id.eq(&family)),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::created_at.eq(to_db(now)),
            refresh_tokens::expires_at.eq(to_db(now + REFRESH_TTL)),
            refresh_tokens::version.eq(1_i64),
        ))
        .execute(conn)?;
    Ok(family)
}

/// An event about a user's sessions.
pub(crate) fn audit(
    conn: &mut DbConnection,
    acting: &Acting,
    user: (&str, Option<&str>),
    (action, payload): (&str, serde_json::Value),
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (id, group) = user;
    let place = Place::group();
    let event = Event { at: now, action, subject: ("user", id), group, place: &place, payload };
    acting.record(conn, event)?;
    Ok(())
}

/// Exchanges a refresh token (by its hash) for the next one of its session.
pub fn refresh(
    conn: &mut Conn,
    acting: &Acting,
    presented_hash: &str,
    next_hash: &str,
    now: DateTime<Utc>,
) -> Result<Rotation, StoreError> {
    transaction(conn.raw(), |conn| {
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
        let user = users::find(conn, &user_id)?;
        if !won {
            revoke_family(conn, &family, now)?;
            let acting = acting.as_actor(Actor::User(user_id.clone()));
            let payload = serde_json::json!({ "session_id": family });
            let action = ("auth.refresh_token_reused", payload);
            audit(conn, &acting, (&user_id, user.group_id.as_deref()), action, now)?;
            return Ok(Rotation::Reused);
        }
        if user.disabled_at.is_some() || !groups::enabled(conn, user.group_id.as_deref())? {
            return Ok(Rotation::Invalid);
        }
        let session = issue(conn, &user_id, Some(&family), next_hash, now)?;
        let key = super::keys::signer(conn)?;
        Ok(Rotation::Rotated(Box::new(super::SignedIn { user, session, key })))
    })
}

/// Revokes every token of a session.
pub(crate) fn revoke_family(
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

/// Revokes every session of a user.
pub(crate) fn revoke_user(
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

/// Signs out: revokes the session of a refresh token (by its hash), if it is known.
pub fn end(
    conn: &mut Conn,
    acting: &Acting,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    transaction(conn.raw(), |conn| {
        let found: Option<(String, String)> = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(token_hash))
            .select((refresh_tokens::family_id, refresh_tokens::user_id))
            .first(conn)
            .optional()?;
        let Some((family, user_id)) = found else { return Ok(()) };
        revoke_family(conn, &family, now)?;
        let user = users::find(conn, &user_id)?;
        let acting = acting.as_actor(Actor::User(user_id.clone()));
        let payload = serde_json::json!({ "session_id": family });
        audit(conn, &acting, (&user_id, user.group_id.as_deref()), ("auth.logout", payload), now)
    })
}

/// Whether a user's session is still alive (not revoked).
pub(crate) fn alive(
    conn: &mut DbConnection,
    user_id: &str,
    session: &str,
) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(session))
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    ))
    .get_result(conn)?)
}
