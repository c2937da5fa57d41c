//! Units (房号) of a building: what customers own and complaints are about.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::{archived, archived_flag, buildings};
use crate::{
    db::{Conn, transaction},
    error::StoreError,
    ids::new_id,
    kit::{Audited, ListRequest, Page, new_row, page, resource},
    schema::units,
    scope::{Scope, taken},
};

resource!(units => Unit, UnitChanges, "unit" {
    group: group_id, company: company_id, project: project_id
});

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
    /// Unique within the building (`3-1301`).
    pub number: String,
    /// The floor, as people say it.
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
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    building_id: &str,
    (number, floor): (&str, Option<&str>),
    now: DateTime<Utc>,
) -> Result<Unit, StoreError> {
    transaction(conn.raw(), |conn| {
        let b = buildings::find(conn, read, building_id)?;
        write.require(&buildings::place(&b))?;
        let id = new_id();
        diesel::insert_into(units::table)
            .values((
                new_row!(units, &id, now),
                (units::group_id.eq(&b.group_id), units::company_id.eq(&b.company_id)),
                (units::project_id.eq(&b.project_id), units::building_id.eq(&b.id)),
                (units::number.eq(number), units::floor.eq(floor)),
            ))
            .execute(conn)
            .map_err(taken(format!("the building has a unit {number:?}")))?;
        let payload = serde_json::json!({"building_id": b.id, "number": number});
        created(conn, (read, write), &id, payload, now)
    })
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    /// Only this project's units.
    pub project_id: Option<String>,
    /// Only this building's units.
    pub building_id: Option<String>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// A page of the units within reach.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &UnitFilter,
    req: &ListRequest,
) -> Result<Page<Unit>, StoreError> {
    let query = || {
        let mut q = units::table.filter(within(scope)).into_boxed();
        if let Some(p) = &filter.project_id {
            q = q.filter(units::project_id.eq(p.clone()));
        }
        if let Some(b) = &filter.building_id {
            q = q.filter(units::building_id.eq(b.clone()));
        }
        q.filter(archived(units::archived_at, filter.archived))
    };
    page!(conn.raw(), units, query, Unit, req)
}

/// Changes to a unit; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset, Serialize)]
#[diesel(table_name = units)]
pub struct UnitChanges {
    /// A new number.
    pub number: Option<String>,
    /// A new floor.
    pub floor: Option<String>,
    /// Archive or restore.
    #[serde(rename = "archived", serialize_with = "archived_flag")]
    pub archived_at: Option<Option<NaiveDateTime>>,
}

impl Audited for UnitChanges {
    fn taken(&self) -> String {
        format!("the building has a unit {:?}", self.number.as_deref().unwrap_or_default())
    }
}
