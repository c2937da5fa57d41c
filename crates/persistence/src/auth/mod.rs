//! Authentication's use cases: sign-in, the client-credentials grant, a password change, and
//! the per-request check of who is calling. Attempts are admitted and counted before any
//! secret is checked (see [`limits`]); a slow password check runs outside every transaction.

pub mod keys;
pub mod limits;
pub mod sessions;

use chrono::{DateTime, Utc};
use kefu_domain::access::{GrantRef, PrincipalKind};

use crate::{
    audit::{Acting, Actor},
    clients::Client,
    db::{Conn, transaction},
    error::StoreError,
    grants, groups,
    schema::integration_clients,
    users::{self, User},
};
use limits::{Admission, Attempt};

/// The outcome of a sign-in, a client's token request or a password change.
#[derive(Debug)]
pub enum Outcome<T> {
    /// It worked.
    Done(T),
    /// The secret, the name or the account is wrong, or the account is disabled (one answer for
    /// all, so nobody learns which).
    Refused,
    /// Too many failures: nothing was checked; try again at this instant.
    Locked(DateTime<Utc>),
}

/// A signed-in user, his new session and the key that signs his access token.
#[derive(Debug)]
pub struct SignedIn {
    /// Who.
    pub user: User,
    /// The session: access tokens name it, refresh tokens belong to it.
    pub session: String,
    /// The newest signing key.
    pub key: keys::JwtKey,
}

/// Signs `username` in from `address`: the attempt is admitted (or locked out) first, then
/// `verify` checks the password against the stored hash (`None` for an unknown or disabled
/// account: verify anyway, so timing tells nothing), and a success opens a session whose
/// first refresh token has `refresh_hash`.
pub fn sign_in(
    conn: &mut Conn,
    acting: &Acting,
    (username, address): (&str, &str),
    verify: impl FnOnce(Option<&str>) -> bool,
    refresh_hash: &str,
    now: DateTime<Utc>,
) -> Result<Outcome<SignedIn>, StoreError> {
    let conn = conn.raw();
    let attempt = Attempt::new(&format!("user:{username}"), address);
    if let Admission::Locked(until) = limits::admit(conn, &attempt, now)? {
        return Ok(Outcome::Locked(until));
    }
    let mut user = users::find_by_username(conn, username)?.filter(|u| u.disabled_at.is_none());
    if let Some(u) = &user
        && !groups::enabled(conn, u.group_id.as_deref())?
    {
        user = None;
    }
    if !verify(user.as_ref().map(|u| u.password_hash.as_str())) {
        return Ok(Outcome::Refused);
    }
    let Some(user) = user else { return Ok(Outcome::Refused) };
    transaction(conn, |conn| {
        limits::succeeded(conn, &attempt)?;
        let session = sessions::issue(conn, &user.id, None, refresh_hash, now)?;
        let acting = acting.as_actor(Actor::User(user.id.clone()));
        let payload = serde_json::json!({ "session_id": session });
        let group = user.group_id.as_deref();
        sessions::audit(conn, &acting, (&user.id, group), ("auth.login", payload), now)?;
        let key = keys::signer(conn)?;
        Ok(Outcome::Done(SignedIn { user, session, key }))
    })
}

/// Changes the caller's own password: `verify` checks the current one (limited like a
/// sign-in); the new hash replaces it and every session of his ends.
pub fn change_password(
    conn: &mut Conn,
    acting: &Acting,
    (user_id, address): (&str, &str),
    verify: impl FnOnce(&str) -> bool,
    new_hash: &str,
    now: DateTime<Utc>,
) -> Result<Outcome<()>, StoreError> {
    let conn = conn.raw();
    let user = users::find(conn, user_id)?;
    let attempt = Attempt::new(&format!("user:{}", user.username), address);
    if let Admission::Locked(until) = limits::admit(conn, &attempt, now)? {
        return Ok(Outcome::Locked(until));
    }
    if !verify(&user.password_hash) {
        return Ok(Outcome::Refused);
    }
    transaction(conn, |conn| {
        limits::succeeded(conn, &attempt)?;
        users::set_own_password(conn, &user, new_hash, acting, now)?;
        Ok(Outcome::Done(()))
    })
}

/// The client-credentials grant: the client `client_id` presents a secret whose SHA-256 is
/// `presented_hash`, from `address`.
pub fn client_token(
    conn: &mut Conn,
    acting: &Acting,
    (client_id, address): (&str, &str),
    presented_hash: &str,
    now: DateTime<Utc>,
) -> Result<Outcome<(Client, keys::JwtKey)>, StoreError> {
    use diesel::prelude::*;
    let conn = conn.raw();
    let attempt = Attempt::new(&format!("client:{client_id}"), address);
    if let Admission::Locked(until) = limits::admit(conn, &attempt, now)? {
        return Ok(Outcome::Locked(until));
    }
    let found: Option<Client> = integration_clients::table
        .find(client_id)
        .select(Client::as_select())
        .first(conn)
        .optional()?;
    let Some(client) = found else { return Ok(Outcome::Refused) };
    if client.disabled_at.is_some()
        || client.secret_hash != presented_hash
        || !groups::enabled(conn, Some(&client.group_id))?
    {
        return Ok(Outcome::Refused);
    }
    transaction(conn, |conn| {
        limits::succeeded(conn, &attempt)?;
        let acting = acting.as_actor(Actor::Client(client.id.clone()));
        let payload = serde_json::json!({});
        let place = crate::scope::Place::group();
        let subject = ("client", client.id.as_str());
        let event = crate::audit::Event {
            at: now,
            action: "auth.client_token",
            subject,
            group: Some(&client.group_id),
            place: &place,
            payload,
        };
        acting.record(conn, event)?;
        Ok(Outcome::Done((client, keys::signer(conn)?)))
    })
}

/// Who is calling, as the access rules need it.
#[derive(Debug, Clone)]
pub struct CallerRecord {
    /// His group; `None` for a platform operator outside every group.
    pub group_id: Option<String>,
    /// His grants.
    pub grants: Vec<GrantRef>,
}

/// Loads the caller of a request: `None` when the user, client or group is disabled or gone, or
/// (for a user) when the session his token names has ended.
pub fn caller(
    conn: &mut Conn,
    (kind, id): (PrincipalKind, &str),
    session: Option<&str>,
) -> Result<Option<CallerRecord>, StoreError> {
    use diesel::prelude::*;
    let conn = conn.raw();
    let group_id = match kind {
        PrincipalKind::User => {
            let Ok(user) = users::find(conn, id) else { return Ok(None) };
            let Some(session) = session else { return Ok(None) };
            if user.disabled_at.is_some() || !sessions::alive(conn, id, session)? {
                return Ok(None);
            }
            user.group_id
        }
        PrincipalKind::Client => {
            let found: Option<Client> = integration_clients::table
                .find(id)
                .select(Client::as_select())
                .first(conn)
                .optional()?;
            match found {
                Some(client) if client.disabled_at.is_none() => Some(client.group_id),
                _ => return Ok(None),
            }
        }
    };
    if !groups::enabled(conn, group_id.as_deref())? {
        return Ok(None);
    }
    let grants =
        grants::of_principal(conn, kind, id)?.iter().map(grants::Grant::to_access).collect();
    Ok(Some(CallerRecord { group_id, grants }))
}
