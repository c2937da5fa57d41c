//! Groups (集团): the tenants. A platform operator creates them and their first admin; nothing
//! of one group is ever visible from another.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::{
    audit::{self, Actor, NewAuditEvent},
    db::DbConnection,
    error::StoreError,
    identity_schema::groups,
    ids::{from_db, new_id, to_db},
    scope::{Page, PageRequest, paged, taken},
};

/// The code of the group that the bootstrap administrator administers.
pub const DEFAULT_CODE: &str = "default";

/// A stored group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// UUIDv7.
    pub id: String,
    /// Short unique code (`vanke`).
    pub code: String,
    /// The name people read.
    pub name: String,
    /// When the group was disabled: its users and clients can no longer act.
    pub disabled_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// The ETag.
    pub version: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = groups)]
struct GroupRow {
    id: String,
    code: String,
    name: String,
    disabled_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

impl From<GroupRow> for Group {
    fn from(r: GroupRow) -> Self {
        Self {
            id: r.id,
            code: r.code,
            name: r.name,
            disabled_at: r.disabled_at.map(from_db),
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
            version: r.version,
        }
    }
}

/// Creates a group with its audit event (call inside the transaction that adds its admin).
pub fn create(
    conn: &mut DbConnection,
    code: &str,
    name: &str,
    actor: Actor,
    request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Group, StoreError> {
    let id = new_id();
    let at = to_db(now);
    diesel::insert_into(groups::table)
        .values((
            groups::id.eq(&id),
            groups::code.eq(code),
            groups::name.eq(name),
            groups::created_at.eq(at),
            groups::updated_at.eq(at),
            groups::version.eq(1_i64),
        ))
        .execute(conn)
        .map_err(taken(format!("group code {code:?} is taken")))?;
    audit::record(
        conn,
        NewAuditEvent {
            at: now,
            actor,
            action: "group.created",
            subject_type: "group",
            subject_id: Some(&id),
            request_id,
            payload: serde_json::json!({ "code": code, "name": name }),
        },
    )?;
    get(conn, &id)
}

/// The group with this id.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Group, StoreError> {
    let row: GroupRow = groups::table.find(id).select(GroupRow::as_select()).first(conn)?;
    Ok(row.into())
}

/// The group with this code, if any.
pub fn find_by_code(conn: &mut DbConnection, code: &str) -> Result<Option<Group>, StoreError> {
    let row: Option<GroupRow> = groups::table
        .filter(groups::code.eq(code))
        .select(GroupRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Group::from))
}

/// The default group, created if missing (for the bootstrap administrator).
pub fn ensure_default(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Group, StoreError> {
    if let Some(group) = find_by_code(conn, DEFAULT_CODE)? {
        return Ok(group);
    }
    create(conn, DEFAULT_CODE, "Default group", Actor::System, None, now)
}

/// A page of groups (platform operators only).
pub fn list(conn: &mut DbConnection, page: &PageRequest) -> Result<Page<Group>, StoreError> {
    let q = groups::table.select(GroupRow::as_select()).into_boxed();
    let rows: Vec<GroupRow> = paged!(q, groups, page).load(conn)?;
    Ok(Page::of(rows.into_iter().map(Group::from).collect(), page.limit, |g| &g.id))
}

/// What to change in a group; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct GroupChanges {
    /// A new name.
    pub name: Option<String>,
    /// Disable (`true`) or enable (`false`).
    pub disabled: Option<bool>,
}

/// Renames, disables or enables a group if it is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &GroupChanges,
    actor: Actor,
    request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Group, StoreError> {
    let GroupChanges { name, disabled } = changes;
    conn.transaction(|conn| {
        let before = get(conn, id)?;
        if before.version != expected_version {
            return Err(StoreError::StaleVersion { current: before.version });
        }
        let at = to_db(now);
        let disabled_at = match disabled {
            Some(true) => Some(before.disabled_at.map_or(at, to_db)),
            Some(false) => None,
            None => before.disabled_at.map(to_db),
        };
        diesel::update(groups::table.filter(groups::id.eq(id)))
            .set((
                groups::name.eq(name.as_deref().unwrap_or(&before.name)),
                groups::disabled_at.eq(disabled_at),
                groups::updated_at.eq(at),
                groups::version.eq(groups::version + 1),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            NewAuditEvent {
                at: now,
                actor,
                action: "group.updated",
                subject_type: "group",
                subject_id: Some(id),
                request_id,
                payload: serde_json::json!({ "name": name, "disabled": disabled }),
            },
        )?;
        get(conn, id)
    })
}
