//! Buildings (楼栋) of a project.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{archived_at, expect_version, projects};
use crate::{
    db::DbConnection,
    error::StoreError,
    identity_schema::buildings,
    ids::{from_db, new_id, to_db},
    scope::{Page, PageRequest, Scope, paged, scoped_table, taken},
};

scoped_table!(buildings { group: group_id, company: company_id, project: project_id });

/// A stored building.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = buildings)]
pub struct Building {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its company.
    pub company_id: String,
    /// Its project.
    pub project_id: String,
    /// Unique within the project (`3号楼`).
    pub name: String,
    /// When it was archived (naive UTC).
    pub archived_at: Option<NaiveDateTime>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

/// Creates a building in a project visible to `read` and within `write`.
pub fn create(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    project_id: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Building, StoreError> {
    conn.transaction(|conn| {
        let project = projects::get(conn, read, project_id)?;
        write.require(Some(&project.company_id), Some(&project.id), None)?;
        let id = new_id();
        let at = to_db(now);
        diesel::insert_into(buildings::table)
            .values((
                buildings::id.eq(&id),
                buildings::group_id.eq(&project.group_id),
                buildings::company_id.eq(&project.company_id),
                buildings::project_id.eq(&project.id),
                buildings::name.eq(name),
                buildings::created_at.eq(at),
                buildings::updated_at.eq(at),
                buildings::version.eq(1_i64),
            ))
            .execute(conn)
            .map_err(taken(format!("the project has a building named {name:?}")))?;
        write.audit(
            conn,
            now,
            "building.created",
            ("building", &id),
            serde_json::json!({"project_id": project.id, "name": name}),
        )?;
        get(conn, read, &id)
    })
}

/// A building within the caller's reach.
pub fn get(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<Building, StoreError> {
    Ok(buildings::table
        .filter(buildings::id.eq(id))
        .filter(within(scope))
        .select(Building::as_select())
        .first(conn)?)
}

/// A page of the buildings within reach, optionally of one project.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    project_id: Option<&str>,
    archived: Option<bool>,
    page: &PageRequest,
) -> Result<Page<Building>, StoreError> {
    let mut q = buildings::table.filter(within(scope)).select(Building::as_select()).into_boxed();
    if let Some(p) = project_id {
        q = q.filter(buildings::project_id.eq(p.to_owned()));
    }
    match archived {
        Some(true) => q = q.filter(buildings::archived_at.is_not_null()),
        Some(false) => q = q.filter(buildings::archived_at.is_null()),
        None => {}
    }
    let rows: Vec<Building> = paged!(q, buildings, page).load(conn)?;
    Ok(Page::of(rows, page.limit, |b| &b.id))
}

/// Renames, archives or restores a building visible under `read` and within `write`.
#[allow(clippy::too_many_arguments)]
pub fn update(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    id: &str,
    expected_version: i64,
    name: Option<&str>,
    archived: Option<bool>,
    now: DateTime<Utc>,
) -> Result<Building, StoreError> {
    conn.transaction(|conn| {
        let before = get(conn, read, id)?;
        write.require(Some(&before.company_id), Some(&before.project_id), None)?;
        expect_version(before.version, expected_version)?;
        let new_name = name.unwrap_or(&before.name);
        diesel::update(buildings::table.filter(buildings::id.eq(id)))
            .set((
                buildings::name.eq(new_name),
                buildings::archived_at.eq(archived_at(
                    before.archived_at.map(from_db),
                    archived,
                    now,
                )),
                buildings::updated_at.eq(to_db(now)),
                buildings::version.eq(buildings::version + 1),
            ))
            .execute(conn)
            .map_err(taken(format!("the project has a building named {new_name:?}")))?;
        write.audit(
            conn,
            now,
            "building.updated",
            ("building", id),
            serde_json::json!({"name": name, "archived": archived}),
        )?;
        get(conn, read, id)
    })
}
