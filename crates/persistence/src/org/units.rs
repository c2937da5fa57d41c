//! Units (房号) of a building: what customers own.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{archived_at, buildings, expect_version};
use crate::{
    db::DbConnection,
    error::StoreError,
    identity_schema::units,
    ids::{from_db, new_id, to_db},
    scope::{Page, PageRequest, Scope, paged, scoped_table, taken},
};

scoped_table!(units { group: group_id, company: company_id, project: project_id });

/// A stored unit.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct Unit {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its company.
    pub company_id: String,
    /// Its project.
    pub project_id: String,
    /// Its building.
    pub building_id: String,
    /// Unique within the building (`2-1301`).
    pub number: String,
    /// The floor as people name it (`13`, `B1`, `夹层`), if known.
    pub floor: Option<String>,
    /// When it was archived (naive UTC).
    pub archived_at: Option<NaiveDateTime>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

/// Creates a unit in a building visible to `read` and within `write`.
pub fn create(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    building_id: &str,
    number: &str,
    floor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Unit, StoreError> {
    conn.transaction(|conn| {
        let b = buildings::get(conn, read, building_id)?;
        write.require(Some(&b.company_id), Some(&b.project_id), None)?;
        let id = new_id();
        let at = to_db(now);
        diesel::insert_into(units::table)
            .values((
                units::id.eq(&id),
                units::group_id.eq(&b.group_id),
                units::company_id.eq(&b.company_id),
                units::project_id.eq(&b.project_id),
                units::building_id.eq(&b.id),
                units::number.eq(number),
                units::floor.eq(floor),
                units::created_at.eq(at),
                units::updated_at.eq(at),
                units::version.eq(1_i64),
            ))
            .execute(conn)
            .map_err(taken(format!("the building has a unit {number:?}")))?;
        write.audit(
            conn,
            now,
            "unit.created",
            ("unit", &id),
            serde_json::json!({"building_id": b.id, "number": number}),
        )?;
        get(conn, read, &id)
    })
}

/// A unit within the caller's reach.
pub fn get(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<Unit, StoreError> {
    Ok(units::table
        .filter(units::id.eq(id))
        .filter(within(scope))
        .select(Unit::as_select())
        .first(conn)?)
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this project's units.
    pub project_id: Option<String>,
    /// Only this building's units.
    pub building_id: Option<String>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// A page of the units within reach.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    filter: &Filter,
    page: &PageRequest,
) -> Result<Page<Unit>, StoreError> {
    let mut q = units::table.filter(within(scope)).select(Unit::as_select()).into_boxed();
    if let Some(p) = &filter.project_id {
        q = q.filter(units::project_id.eq(p.clone()));
    }
    if let Some(b) = &filter.building_id {
        q = q.filter(units::building_id.eq(b.clone()));
    }
    match filter.archived {
        Some(true) => q = q.filter(units::archived_at.is_not_null()),
        Some(false) => q = q.filter(units::archived_at.is_null()),
        None => {}
    }
    let rows: Vec<Unit> = paged!(q, units, page).load(conn)?;
    Ok(Page::of(rows, page.limit, |u| &u.id))
}

/// What to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// A new number.
    pub number: Option<String>,
    /// A new floor.
    pub floor: Option<String>,
    /// Archive or restore.
    pub archived: Option<bool>,
}

/// Changes a unit visible under `read` and within `write`, at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    id: &str,
    expected_version: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Unit, StoreError> {
    conn.transaction(|conn| {
        let before = get(conn, read, id)?;
        write.require(Some(&before.company_id), Some(&before.project_id), None)?;
        expect_version(before.version, expected_version)?;
        let number = changes.number.as_deref().unwrap_or(&before.number);
        diesel::update(units::table.filter(units::id.eq(id)))
            .set((
                units::number.eq(number),
                units::floor.eq(changes.floor.clone().or(before.floor.clone())),
                units::archived_at.eq(archived_at(
                    before.archived_at.map(from_db),
                    changes.archived,
                    now,
                )),
                units::updated_at.eq(to_db(now)),
                units::version.eq(units::version + 1),
            ))
            .execute(conn)
            .map_err(taken(format!("the building has a unit {number:?}")))?;
        write.audit(
            conn,
            now,
            "unit.updated",
            ("unit", id),
            serde_json::json!({
                "number": changes.number, "floor": changes.floor, "archived": changes.archived,
            }),
        )?;
        get(conn, read, id)
    })
}
