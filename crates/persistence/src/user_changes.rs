//! Changing a user: name, password, disabled. A new password or disabling revokes every
//! refresh token of the user at once; his access tokens stop at the next request, because the
//! caller is loaded (and `disabled_at` checked) on every request.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    audit::Actor,
    db::DbConnection,
    error::StoreError,
    ids::to_db,
    refresh_tokens,
    schema::users,
    scope::Scope,
    users::{User, get, get_within},
};

/// What to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    /// A new display name.
    pub display_name: Option<String>,
    /// A new argon2id PHC string.
    pub password_hash: Option<String>,
    /// Disable (`true`) or enable (`false`).
    pub disabled: Option<bool>,
}

/// Changes a user of the caller's group if nobody changed it since `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
    expected_version: i64,
    changes: UserChanges,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    conn.transaction(|conn| {
        let before = get_within(conn, scope, id)?;
        scope.require_group()?;
        // Nobody locks himself out: disabling is for someone else's account.
        if changes.disabled == Some(true) && scope.actor == Actor::User(id.to_owned()) {
            return Err(StoreError::Conflict("you cannot disable your own account".into()));
        }
        if before.version != expected_version {
            return Err(StoreError::StaleVersion { current: before.version });
        }
        let at = to_db(now);
        let disabled_at = match changes.disabled {
            Some(true) => Some(before.disabled_at.map_or(at, to_db)),
            Some(false) => None,
            None => before.disabled_at.map(to_db),
        };
        let changed = diesel::update(
            users::table.filter(users::id.eq(id)).filter(users::version.eq(expected_version)),
        )
        .set((
            users::display_name.eq(changes.display_name.as_deref().unwrap_or(&before.display_name)),
            users::password_hash
                .eq(changes.password_hash.as_deref().unwrap_or(&before.password_hash)),
            users::disabled_at.eq(disabled_at),
            users::updated_at.eq(at),
            users::version.eq(users::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::StaleVersion { current: get(conn, id)?.version });
        }
        let revoke = changes.password_hash.is_some() || changes.disabled == Some(true);
        if revoke {
            refresh_tokens::revoke_user(conn, id, now)?;
        }
        scope.audit(
            conn,
            now,
            "user.updated",
            ("user", id),
            serde_json::json!({
                "display_name": changes.display_name.is_some(),
                "password": changes.password_hash.is_some(),
                "disabled": changes.disabled,
                "refresh_tokens_revoked": revoke,
            }),
        )?;
        get(conn, id)
    })
}

/// Sets the caller's own password and revokes every refresh token of his (other sessions end).
pub fn set_own_password(
    conn: &mut DbConnection,
    id: &str,
    password_hash: &str,
    now: DateTime<Utc>,
    request_id: Option<&str>,
) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        diesel::update(users::table.filter(users::id.eq(id)))
            .set((
                users::password_hash.eq(password_hash),
                users::updated_at.eq(to_db(now)),
                users::version.eq(users::version + 1),
            ))
            .execute(conn)?;
        refresh_tokens::revoke_user(conn, id, now)?;
        crate::audit::record(
            conn,
            crate::audit::NewAuditEvent {
                at: now,
                actor: crate::audit::Actor::User(id.to_owned()),
                action: "user.password_changed",
                subject_type: "user",
                subject_id: Some(id),
                request_id,
                payload: serde_json::json!({ "refresh_tokens_revoked": true }),
            },
        )?;
        Ok(())
    })
}
