//! Users: people who sign in. Disabled, never deleted (the audit trail refers to them).
//! Each belongs to one group; platform operators may belong to none.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::{
    audit::{self, Actor, NewAuditEvent},
    db::DbConnection,
    error::StoreError,
    ids::{from_db, new_id, to_db},
    schema::users,
    scope::{Filter, Page, PageRequest, Scope, paged, taken},
};

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// UUIDv7.
    pub id: String,
    /// Unique sign-in name.
    pub username: String,
    /// The name people read.
    pub display_name: String,
    /// The argon2id PHC string; never leaves the server.
    pub password_hash: String,
    /// The user's group; `None` for a platform operator outside every group.
    pub group_id: Option<String>,
    /// Whether the user holds the `admin` role (derived from his grants, for code that asks
    /// whether a user administers his group).
    pub is_admin: bool,
    /// When the user was disabled; a disabled user cannot sign in, refresh, or use a token.
    pub disabled_at: Option<DateTime<Utc>>,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When the user last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version, the ETag.
    pub version: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: String,
    username: String,
    display_name: String,
    password_hash: String,
    group_id: Option<String>,
    disabled_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

impl UserRow {
    fn into_user(self, is_admin: bool) -> User {
        let r = self;
        User {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            password_hash: r.password_hash,
            group_id: r.group_id,
            is_admin,
            disabled_at: r.disabled_at.map(from_db),
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
            version: r.version,
        }
    }
}

/// What is needed to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Unique sign-in name.
    pub username: String,
    /// The name people read.
    pub display_name: String,
    /// An argon2id PHC string (hashing happens before the store is called).
    pub password_hash: String,
    /// Whether the user administers his group (granted `admin` at the group's scope).
    pub is_admin: bool,
}

/// Ids among `ids` that hold the `admin` role.
fn admins(conn: &mut DbConnection, ids: Vec<String>) -> Result<Vec<String>, StoreError> {
    use crate::identity_schema::grants;
    Ok(grants::table
        .filter(grants::principal_kind.eq("user"))
        .filter(grants::principal_id.eq_any(ids))
        .filter(grants::role.eq("admin"))
        .select(grants::principal_id)
        .load(conn)?)
}

fn with_admin(conn: &mut DbConnection, row: UserRow) -> Result<User, StoreError> {
    let is_admin = !admins(conn, vec![row.id.clone()])?.is_empty();
    Ok(row.into_user(is_admin))
}

/// Creates a user in the default group (created when missing), with the `admin` grant of that
/// group when `is_admin`, and its audit events, in one transaction (the command line, start-up).
pub fn create(
    conn: &mut DbConnection,
    new: NewUser,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    conn.transaction(|conn| {
        let group = crate::groups::ensure_default(conn, now)?;
        create_in(conn, Some(&group.id), new, actor, None, now)
    })
}

/// Creates a user in `group_id` (with the group's `admin` grant when `is_admin`) and its audit
/// events, in one transaction.
pub fn create_in(
    conn: &mut DbConnection,
    group_id: Option<&str>,
    new: NewUser,
    actor: Actor,
    request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    conn.transaction(|conn| {
        let id = new_id();
        let at = to_db(now);
        diesel::insert_into(users::table)
            .values((
                users::id.eq(&id),
                users::username.eq(&new.username),
                users::display_name.eq(&new.display_name),
                users::password_hash.eq(&new.password_hash),
                users::group_id.eq(group_id),
                users::created_at.eq(at),
                users::updated_at.eq(at),
                users::version.eq(1_i64),
            ))
            .execute(conn)
            .map_err(taken(format!("username {:?} is taken", new.username)))?;
        audit::record(
            conn,
            NewAuditEvent {
                at: now,
                actor: actor.clone(),
                action: "user.created",
                subject_type: "user",
                subject_id: Some(&id),
                request_id,
                payload: serde_json::json!({ "username": new.username, "group_id": group_id }),
            },
        )?;
        if let (true, Some(group)) = (new.is_admin, group_id) {
            let grant = crate::grants::NewGrant {
                principal_kind: "user".into(),
                principal_id: id.clone(),
                role: "admin".into(),
                scope_kind: kefu_domain::access::ScopeKind::Group,
                scope_id: None,
            };
            crate::grants::insert(conn, Some(group), &grant, group, actor, request_id, now)?;
        }
        get(conn, &id)
    })
}

/// The user with this id (unscoped: for sign-in and the caller's own account).
pub fn get(conn: &mut DbConnection, id: &str) -> Result<User, StoreError> {
    let row: UserRow =
        users::table.find(id).select(UserRow::as_select()).first(conn).map_err(StoreError::from)?;
    with_admin(conn, row)
}

/// The user with this sign-in name, if any.
pub fn find_by_username(
    conn: &mut DbConnection,
    username: &str,
) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|row| with_admin(conn, row)).transpose()
}

/// How many users exist (disabled ones included).
pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(users::table.count().get_result(conn)?)
}

/// Renames a user if nobody changed it since `expected_version` was read.
pub fn rename(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    display_name: &str,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    conn.transaction(|conn| {
        let changed = diesel::update(
            users::table.filter(users::id.eq(id)).filter(users::version.eq(expected_version)),
        )
        .set((
            users::display_name.eq(display_name),
            users::updated_at.eq(to_db(now)),
            users::version.eq(users::version + 1),
        ))
        .execute(conn)?;
        let user = get(conn, id)?;
        if changed == 0 {
            return Err(StoreError::StaleVersion { current: user.version });
        }
        Ok(user)
    })
}

/// Users of the caller's group (users are group-level: any reach of the group sees them all).
pub fn within(scope: &Scope) -> Filter<users::table> {
    Box::new(users::group_id.assume_not_null().eq(scope.group_id.clone()))
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Sign-in names starting with this.
    pub username_prefix: Option<String>,
    /// Only disabled (`true`) or only active (`false`) users.
    pub disabled: Option<bool>,
}

/// A page of the group's users.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    filter: &UserFilter,
    page: &PageRequest,
) -> Result<Page<User>, StoreError> {
    let mut q = users::table.filter(within(scope)).select(UserRow::as_select()).into_boxed();
    if let Some(prefix) = &filter.username_prefix {
        q = q.filter(users::username.like(format!("{}%", escape_like(prefix))).escape('\\'));
    }
    match filter.disabled {
        Some(true) => q = q.filter(users::disabled_at.is_not_null()),
        Some(false) => q = q.filter(users::disabled_at.is_null()),
        None => {}
    }
    let rows: Vec<UserRow> = paged!(q, users, page).load(conn)?;
    let admins = admins(conn, rows.iter().map(|r| r.id.clone()).collect())?;
    let users = rows
        .into_iter()
        .map(|r| {
            let is_admin = admins.contains(&r.id);
            r.into_user(is_admin)
        })
        .collect();
    Ok(Page::of(users, page.limit, |u| &u.id))
}

/// `%`, `_` and `\` in a user's text match themselves in `LIKE … ESCAPE '\'`.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A user of the caller's group.
pub fn get_within(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<User, StoreError> {
    let row: UserRow = users::table
        .filter(users::id.eq(id))
        .filter(within(scope))
        .select(UserRow::as_select())
        .first(conn)?;
    with_admin(conn, row)
}

pub use crate::user_changes::{UserChanges, update};
