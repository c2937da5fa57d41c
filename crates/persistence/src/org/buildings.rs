//! Buildings (楼栋) of a project.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::{archived, archived_flag, projects};
use crate::{
    db::{Conn, transaction},
    error::StoreError,
    ids::new_id,
    kit::{Audited, ListRequest, Page, new_row, page, resource},
    schema::buildings,
    scope::{Scope, taken},
};

resource!(buildings => Building, BuildingChanges, "building" {
    group: group_id, company: company_id, project: project_id
});

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
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    project_id: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Building, StoreError> {
    transaction(conn.raw(), |conn| {
        let project = projects::find(conn, read, project_id)?;
        write.require(&projects::place(&project))?;
        let id = new_id();
        diesel::insert_into(buildings::table)
            .values((
                new_row!(buildings, &id, now),
                (buildings::group_id.eq(&project.group_id), buildings::name.eq(name)),
                buildings::company_id.eq(&project.company_id),
                buildings::project_id.eq(&project.id),
            ))
            .execute(conn)
            .map_err(taken(format!("the project has a building named {name:?}")))?;
        let payload = serde_json::json!({"project_id": project.id, "name": name});
        created(conn, (read, write), &id, payload, now)
    })
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct BuildingFilter {
    /// Only this project's buildings.
    pub project_id: Option<String>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// A page of the buildings within reach.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &BuildingFilter,
    req: &ListRequest,
) -> Result<Page<Building>, StoreError> {
    let query = || {
        let mut q = buildings::table.filter(within(scope)).into_boxed();
        if let Some(p) = &filter.project_id {
            q = q.filter(buildings::project_id.eq(p.clone()));
        }
        q.filter(archived(buildings::archived_at, filter.archived))
    };
    page!(conn.raw(), buildings, query, Building, req)
}

/// Changes to a building; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset, Serialize)]
#[diesel(table_name = buildings)]
pub struct BuildingChanges {
    /// A new name.
    pub name: Option<String>,
    /// Archive or restore.
    #[serde(rename = "archived", serialize_with = "archived_flag")]
    pub archived_at: Option<Option<NaiveDateTime>>,
}

impl Audited for BuildingChanges {
    fn taken(&self) -> String {
        format!("the project has a building named {:?}", self.name.as_deref().unwrap_or_default())
    }
}
