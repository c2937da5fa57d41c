//! Users: people who sign in. Disabled, never deleted (the audit trail refers to them). Each
//! belongs to one group; platform operators may belong to none, and whoever is below the
//! platform never sees or changes a platform operator, even one who belongs to his group.

mod changes;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::access::{Role, ScopeKind};

use crate::{
    audit::Acting,
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    grants::{self, NewGrant},
    groups,
    ids::new_id,
    kit::{ListRequest, Page, new_row, page},
    schema::{departments, grants as grant_rows, projects, users},
    scope::{Filter, Place, Scope},
};
pub use changes::{UserChanges, update};
pub(crate) use changes::{serialize_with_peers, set_own_password};

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = users)]
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
    /// When the user was disabled; a disabled user cannot sign in, refresh, or use a token.
    pub disabled_at: Option<NaiveDateTime>,
    /// When the user was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When the user last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// Optimistic-concurrency version, the ETag.
    pub version: i64,
    /// Where copies of his notifications are mailed, if anywhere.
    pub email: Option<String>,
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
    /// Where copies of his notifications are mailed (checked by the caller).
    pub email: Option<String>,
}

/// The message when a username is taken: the same whoever holds it, so a create tells nobody
/// which names exist in other groups.
pub(crate) const USERNAME_TAKEN: &str = "this username is not available";

/// Users of the caller's group within his reach: the whole group for a group-wide reach,
/// otherwise the users who hold a grant at a scope he reaches (for a company, also its
/// projects and departments). Platform operators only for a platform caller.
pub fn within(scope: &Scope) -> Filter<users::table> {
    let in_group = users::group_id.eq(scope.group_id.clone()).assume_not_null();
    let visible: Filter<users::table> = if scope.platform {
        Box::new(in_group)
    } else {
        let operators = grant_rows::table
            .filter(grant_rows::principal_kind.eq("user"))
            .filter(grant_rows::role.eq(Role::PlatformOperator.as_str()))
            .select(grant_rows::principal_id);
        Box::new(in_group.and(users::id.ne_all(operators)))
    };
    if scope.reach.whole_group {
        return visible;
    }
    let reach = &scope.reach;
    let company_projects = projects::table
        .filter(projects::company_id.eq_any(reach.companies.clone()))
        .select(projects::id);
    let company_departments = departments::table
        .filter(departments::company_id.eq_any(reach.companies.clone()))
        .select(departments::id);
    let reached = grant_rows::scope_id
        .eq_any(reach.companies.clone())
        .or(grant_rows::scope_id.eq_any(reach.projects.clone()))
        .or(grant_rows::scope_id.eq_any(reach.departments.clone()))
        .or(grant_rows::scope_id.eq_any(company_projects))
        .or(grant_rows::scope_id.eq_any(company_departments));
    let holders = grant_rows::table
        .filter(grant_rows::principal_kind.eq("user"))
        .filter(grant_rows::group_id.eq(scope.group_id.clone()))
        .filter(reached)
        .select(grant_rows::principal_id);
    Box::new(visible.and(users::id.eq_any(holders)))
}

/// Inserts a user of `group_id` with its audit event (inside a transaction).
pub(crate) fn insert(
    conn: &mut DbConnection,
    acting: &Acting,
    group_id: Option<&str>,
    new: &NewUser,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let id = new_id();
    diesel::insert_into(users::table)
        .values((
            new_row!(users, &id, now),
            (users::username.eq(&new.username), users::display_name.eq(&new.display_name)),
            (users::password_hash.eq(&new.password_hash), users::group_id.eq(group_id)),
            users::email.eq(new.email.as_deref()),
        ))
        .execute(conn)
        .map_err(crate::scope::taken(USERNAME_TAKEN.into()))?;
    let payload = serde_json::json!({ "username": new.username, "group_id": group_id });
    let event = crate::audit::Event {
        at: now,
        action: "user.created",
        subject: ("user", &id),
        group: group_id,
        place: &Place::group(),
        payload,
    };
    acting.record(conn, event)?;
    find(conn, &id)
}

/// Creates a user in the caller's group (needs a group-wide reach).
pub fn create(
    conn: &mut Conn,
    scope: &Scope,
    new: &NewUser,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    scope.require_group()?;
    transaction(conn.raw(), |conn| insert(conn, &scope.acting, Some(&scope.group_id), new, now))
}

/// Creates the first administrator (the command line, start-up): a platform operator and the
/// `admin` of the default group (created when missing), in one transaction.
pub fn create_administrator(
    conn: &mut Conn,
    new: &NewUser,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let acting = Acting::system();
    transaction(conn.raw(), |conn| {
        let group = groups::ensure_default(conn, now)?;
        let user = insert(conn, &acting, Some(&group.id), new, now)?;
        let admin = NewGrant::user(&user.id, Role::Admin, ScopeKind::Group, None);
        grants::insert(conn, &acting, Some(&group.id), &admin, &group.id, now)?;
        let platform = NewGrant::user(&user.id, Role::PlatformOperator, ScopeKind::Platform, None);
        grants::insert(conn, &acting, None, &platform, grants::PLATFORM, now)?;
        Ok(user)
    })
}

/// The user with this id, inside a transaction (unscoped: sign-in, the caller's own account).
pub(crate) fn find(conn: &mut DbConnection, id: &str) -> Result<User, StoreError> {
    Ok(users::table.find(id).select(User::as_select()).first(conn)?)
}

/// The user with this id (unscoped: for the caller's own account).
pub fn get(conn: &mut Conn, id: &str) -> Result<User, StoreError> {
    find(conn.raw(), id)
}

/// The user with this sign-in name, if any.
pub(crate) fn find_by_username(
    conn: &mut DbConnection,
    username: &str,
) -> Result<Option<User>, StoreError> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// How many users exist (disabled ones included).
pub fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    Ok(users::table.count().get_result(conn.raw())?)
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Sign-in names starting with this.
    pub username_prefix: Option<String>,
    /// Only disabled (`true`) or only active (`false`) users.
    pub disabled: Option<bool>,
}

/// A page of the users within the caller's reach.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &UserFilter,
    req: &ListRequest,
) -> Result<Page<User>, StoreError> {
    let query = || {
        let mut q = users::table.filter(within(scope)).into_boxed();
        if let Some(prefix) = &filter.username_prefix {
            q = q.filter(users::username.like(format!("{}%", escape_like(prefix))).escape('\\'));
        }
        q.filter(crate::org::archived(users::disabled_at, filter.disabled))
    };
    page!(conn.raw(), users, query, User, req)
}

/// `%`, `_` and `\` in a user's text match themselves in `LIKE … ESCAPE '\'`.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A user within the caller's reach, inside a transaction.
pub(crate) fn find_within(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
) -> Result<User, StoreError> {
    Ok(users::table
        .filter(users::id.eq(id))
        .filter(within(scope))
        .select(User::as_select())
        .first(conn)?)
}

/// A user within the caller's reach. Whoever below the platform asks for a platform operator
/// of his group gets `NotFound`, and the attempt is audited.
pub fn get_within(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let found = find_within(conn.raw(), scope, id);
    if matches!(found, Err(StoreError::NotFound)) {
        refused(conn.raw(), scope, id, ("read", now))?;
    }
    found
}

/// Whether `id` is a platform operator.
pub(crate) fn is_platform_operator(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    grants::holds(conn, "user", id, Role::PlatformOperator)
}

/// Audits an attempt by someone below the platform on a platform operator of his group (in a
/// transaction of its own: the attempt itself fails).
pub(crate) fn refused(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
    (attempt, now): (&str, DateTime<Utc>),
) -> Result<(), StoreError> {
    if scope.platform {
        return Ok(());
    }
    transaction(conn, |conn| {
        let in_group = diesel::select(diesel::dsl::exists(
            users::table.filter(users::id.eq(id)).filter(users::group_id.eq(&scope.group_id)),
        ))
        .get_result::<bool>(conn)?;
        if in_group && is_platform_operator(conn, id)? {
            let payload = serde_json::json!({ "attempt": attempt });
            let place = Place::group();
            let action = "user.platform_access_refused";
            scope.audit(conn, now, action, ("user", id), &place, payload)?;
        }
        Ok(())
    })
}
