//! Changing a user: name, password, disabled. A new password or disabling ends every session
//! of the user at once (refresh tokens revoked, and access tokens name their session, which the
//! per-request caller check refuses from then on). Nobody disables himself, the last
//! administrator of a group or the last platform operator.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::access::Role;
use serde::Serialize;

use super::{User, find_within, is_platform_operator, refused};
use crate::{
    audit::Actor,
    auth::sessions,
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    grants,
    ids::to_db,
    kit::Audited,
    kit::Expected,
    org::archived_flag,
    schema::users,
    scope::{Place, Scope},
};

mod scoped {
    use super::{User, UserChanges};
    use crate::schema::users;
    crate::kit::resource!(users => User, UserChanges, "user", within crate::users::within);
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset, Serialize)]
#[diesel(table_name = users)]
pub struct UserChanges {
    /// A new display name.
    #[serde(skip)]
    pub display_name: Option<String>,
    /// A new argon2id PHC string.
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// Disable (`Some(Some(now))`) or enable (`Some(None)`).
    #[serde(rename = "disabled", serialize_with = "archived_flag")]
    pub disabled_at: Option<Option<NaiveDateTime>>,
    /// A new e-mail address (`Some(None)` removes it).
    #[serde(skip)]
    pub email: Option<Option<String>>,
}

impl UserChanges {
    /// Whether the change ends the user's sessions.
    fn revokes(&self) -> bool {
        self.password_hash.is_some() || matches!(self.disabled_at, Some(Some(_)))
    }
}

impl Audited for UserChanges {
    fn audit(&self) -> serde_json::Value {
        let mut payload = serde_json::json!(self);
        payload["display_name"] = self.display_name.is_some().into();
        payload["password"] = self.password_hash.is_some().into();
        payload["email"] = self.email.is_some().into();
        payload["sessions_revoked"] = self.revokes().into();
        payload
    }
}

/// Enabled users of `group_id` other than `except` who hold `role` (at any scope).
fn others_holding(
    conn: &mut DbConnection,
    role: Role,
    group_id: Option<&str>,
    except: &str,
) -> Result<i64, StoreError> {
    use crate::schema::grants as g;
    let holders = g::table
        .filter(g::principal_kind.eq("user"))
        .filter(g::role.eq(role.as_str()))
        .select(g::principal_id);
    let mut q = users::table
        .filter(users::id.eq_any(holders))
        .filter(users::id.ne(except))
        .filter(users::disabled_at.is_null())
        .into_boxed();
    if let Some(group) = group_id {
        q = q.filter(users::group_id.eq(group.to_owned()));
    }
    Ok(q.count().get_result(conn)?)
}

/// Takes the locks that make "who else is in charge" a fact until commit: the group's row (two
/// administrators disabling each other at once line up here on PostgreSQL; SQLite's write
/// transaction is already alone) and the platform operators' grants.
pub(crate) fn serialize_with_peers(
    conn: &mut DbConnection,
    group_id: Option<&str>,
) -> Result<(), StoreError> {
    use crate::schema::{grants as g, groups};
    if let Some(group) = group_id {
        diesel::update(groups::table.find(group))
            .set(groups::version.eq(groups::version))
            .execute(conn)?;
    }
    diesel::update(g::table.filter(g::role.eq(Role::PlatformOperator.as_str())))
        .set(g::version.eq(g::version))
        .execute(conn)?;
    Ok(())
}

/// `Conflict` when disabling `user` would leave his group without an enabled administrator or
/// the deployment without an enabled platform operator.
pub(crate) fn keep_someone_in_charge(
    conn: &mut DbConnection,
    user: &User,
) -> Result<(), StoreError> {
    serialize_with_peers(conn, user.group_id.as_deref())?;
    if grants::holds(conn, "user", &user.id, Role::Admin)?
        && others_holding(conn, Role::Admin, user.group_id.as_deref(), &user.id)? == 0
    {
        return Err(StoreError::Conflict("the group's last administrator stays enabled".into()));
    }
    if is_platform_operator(conn, &user.id)?
        && others_holding(conn, Role::PlatformOperator, None, &user.id)? == 0
    {
        return Err(StoreError::Conflict("the last platform operator stays enabled".into()));
    }
    Ok(())
}

/// Changes a user within the caller's reach if nobody changed him since `expected`.
pub fn update(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    expected: Expected,
    changes: &UserChanges,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let changed = transaction(conn.raw(), |conn| {
        let before = find_within(conn, scope, id)?;
        scope.require_group()?;
        // One's own password is changed with the current one (`/me/password`), never reset.
        if changes.password_hash.is_some() && *scope.actor() == Actor::User(id.to_owned()) {
            let why = "change your own password with the current one, at /api/v1/me/password";
            return Err(StoreError::Conflict(why.into()));
        }
        if matches!(changes.disabled_at, Some(Some(_))) {
            // Nobody locks himself out: disabling is for someone else's account.
            if *scope.actor() == Actor::User(id.to_owned()) {
                return Err(StoreError::Conflict("you cannot disable your own account".into()));
            }
            if before.disabled_at.is_none() {
                keep_someone_in_charge(conn, &before)?;
            }
        }
        let user = scoped::cas(conn, scope, scope, id, expected, changes, now)?;
        if changes.revokes() {
            sessions::revoke_user(conn, id, now)?;
        }
        Ok(user)
    });
    if matches!(changed, Err(StoreError::NotFound)) {
        refused(conn.raw(), scope, id, ("change", now))?;
    }
    changed
}

/// Sets the caller's own password and ends every session of his (he signs in again).
pub fn set_own_password(
    conn: &mut DbConnection,
    user: &User,
    password_hash: &str,
    acting: &crate::audit::Acting,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at: NaiveDateTime = to_db(now);
    diesel::update(users::table.filter(users::id.eq(&user.id)))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(at),
            users::version.eq(users::version + 1),
        ))
        .execute(conn)?;
    sessions::revoke_user(conn, &user.id, now)?;
    let event = crate::audit::Event {
        at: now,
        action: "user.password_changed",
        subject: ("user", &user.id),
        group: user.group_id.as_deref(),
        place: &Place::group(),
        payload: serde_json::json!({ "sessions_revoked": true }),
    };
    acting.record(conn, event)?;
    Ok(())
}
