//! Groups (集团): the tenants. A platform operator creates them with their first admin; nothing
//! of one group is ever visible from another. A new group starts with its own copy of the
//! deployment's rules: the SLA policy in force and a default calendar that inherits the
//! shipped holiday schedules.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::access::{Role, ScopeKind};
use serde::Serialize;

use crate::{
    audit::{Acting, Event},
    calendars,
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    grants::{self, NewGrant},
    ids::new_id,
    kit::{Audited, Expected, ListRequest, Page, new_row, page, refused},
    org::archived_flag,
    schema::groups,
    scope::{Place, taken},
    sla,
    users::{self, NewUser},
};

/// The code of the group that the bootstrap administrator administers.
pub const DEFAULT_CODE: &str = "default";

/// A stored group.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = groups)]
pub struct Group {
    /// UUIDv7.
    pub id: String,
    /// Short unique code (`vanke`).
    pub code: String,
    /// The name people read.
    pub name: String,
    /// When the group was disabled: its users and clients can no longer act.
    pub disabled_at: Option<NaiveDateTime>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl crate::kit::Record for Group {
    fn id(&self) -> &str {
        &self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

fn audit(
    conn: &mut DbConnection,
    acting: &Acting,
    (action, id): (&str, &str),
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let place = Place::group();
    let event =
        Event { at: now, action, subject: ("group", id), group: Some(id), place: &place, payload };
    acting.record(conn, event)?;
    Ok(())
}

/// Inserts a group with its audit event and its own copy of the rules (inside a transaction).
pub(crate) fn insert(
    conn: &mut DbConnection,
    acting: &Acting,
    (code, name): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Group, StoreError> {
    let id = new_id();
    diesel::insert_into(groups::table)
        .values((new_row!(groups, &id, now), groups::code.eq(code), groups::name.eq(name)))
        .execute(conn)
        .map_err(taken(format!("group code {code:?} is taken")))?;
    audit(
        conn,
        acting,
        ("group.created", &id),
        serde_json::json!({ "code": code, "name": name }),
        now,
    )?;
    sla::ensure_group_policy(conn, &id, now)?;
    calendars::ensure_group_default(conn, &id, now)?;
    find(conn, &id)
}

/// Creates a group and its first administrator (who holds `admin` at the group's scope), in
/// one transaction.
pub fn create(
    conn: &mut Conn,
    acting: &Acting,
    (code, name): (&str, &str),
    admin: &NewUser,
    now: DateTime<Utc>,
) -> Result<Group, StoreError> {
    transaction(conn.raw(), |conn| {
        let group = insert(conn, acting, (code, name), now)?;
        let user = users::insert(conn, acting, Some(&group.id), admin, now)?;
        let grant = NewGrant::user(&user.id, Role::Admin, ScopeKind::Group, None);
        grants::insert(conn, acting, Some(&group.id), &grant, &group.id, now)?;
        Ok(group)
    })
}

/// The group with this id, inside a transaction.
pub(crate) fn find(conn: &mut DbConnection, id: &str) -> Result<Group, StoreError> {
    Ok(groups::table.find(id).select(Group::as_select()).first(conn)?)
}

/// The group with this id.
pub fn get(conn: &mut Conn, id: &str) -> Result<Group, StoreError> {
    find(conn.raw(), id)
}

/// The group with this code, if any.
pub(crate) fn find_by_code(
    conn: &mut DbConnection,
    code: &str,
) -> Result<Option<Group>, StoreError> {
    Ok(groups::table
        .filter(groups::code.eq(code))
        .select(Group::as_select())
        .first(conn)
        .optional()?)
}

/// The default group, created if missing (for the bootstrap administrator).
pub(crate) fn ensure_default(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<Group, StoreError> {
    match find_by_code(conn, DEFAULT_CODE)? {
        Some(group) => Ok(group),
        None => insert(conn, &Acting::system(), (DEFAULT_CODE, "Default group"), now),
    }
}

/// A page of groups (platform operators only).
pub fn list(conn: &mut Conn, req: &ListRequest) -> Result<Page<Group>, StoreError> {
    page!(conn.raw(), groups, || groups::table.into_boxed(), Group, req)
}

/// Changes to a group; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset, Serialize)]
#[diesel(table_name = groups)]
pub struct GroupChanges {
    /// A new name.
    pub name: Option<String>,
    /// Disable (`Some(Some(now))`) or enable (`Some(None)`).
    #[serde(rename = "disabled", serialize_with = "archived_flag")]
    pub disabled_at: Option<Option<NaiveDateTime>>,
}

impl Audited for GroupChanges {}

/// Renames, disables or enables a group if it is still at `expected`.
pub fn update(
    conn: &mut Conn,
    acting: &Acting,
    id: &str,
    expected: Expected,
    changes: &GroupChanges,
    now: DateTime<Utc>,
) -> Result<Group, StoreError> {
    transaction(conn.raw(), |conn| {
        let current = |conn: &mut DbConnection| {
            groups::table.find(id).select(groups::version).first::<i64>(conn).optional()
        };
        let expected = match expected {
            Expected::Version(v) => v,
            Expected::Any => current(conn)?.ok_or(StoreError::NotFound)?,
        };
        let changed = diesel::update(
            groups::table.filter(groups::id.eq(id)).filter(groups::version.eq(expected)),
        )
        .set((
            changes.clone(),
            groups::updated_at.eq(crate::ids::to_db(now)),
            groups::version.eq(groups::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(refused(current(conn)?, true));
        }
        audit(conn, acting, ("group.updated", id), changes.audit(), now)?;
        find(conn, id)
    })
}

/// Gives every group that has none its own copy of the rules (an upgraded deployment's
/// groups, made before groups owned their rules). Safe when several nodes start at once.
pub fn ensure_rules(conn: &mut Conn, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let ids: Vec<String> =
        groups::table.select(groups::id).order(groups::id.asc()).load(conn.raw())?;
    let mut made = 0;
    for id in ids {
        transaction(conn.raw(), |conn| {
            made += usize::from(sla::ensure_group_policy(conn, &id, now)?);
            made += usize::from(calendars::ensure_group_default(conn, &id, now)?);
            Ok::<_, StoreError>(())
        })?;
    }
    Ok(made)
}

/// Whether the group (if any) is enabled: members of a disabled group neither sign in nor act.
pub(crate) fn enabled(conn: &mut DbConnection, group_id: Option<&str>) -> Result<bool, StoreError> {
    let Some(id) = group_id else { return Ok(true) };
    let disabled: Option<Option<NaiveDateTime>> =
        groups::table.find(id).select(groups::disabled_at).first(conn).optional()?;
    Ok(matches!(disabled, Some(None)))
}
