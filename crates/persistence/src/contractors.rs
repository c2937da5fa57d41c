//! Contractors (施工单位, R-WO-6): who rectifies, with the warranty deposit they left and the
//! day their warranty ends. A group-wide list: kept by group-wide `ContractorsManage`, read by
//! anyone of the group who reads work orders (to pick one for a rectification).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::new_id,
    kit::{Audited, ListRequest, Page, new_row, page, resource},
    org::{archived, archived_flag},
    schema::contractors,
    scope::{Filter, Scope, taken},
};

resource!(contractors => Contractor, ContractorChanges, "contractor" { group: group_id });

/// A stored contractor.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = contractors)]
pub struct Contractor {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Unique within the group.
    pub name: String,
    /// Its business licence number.
    pub licence: Option<String>,
    /// The warranty deposit it left, in fen.
    pub warranty_deposit_fen: i64,
    /// The last day of its warranty (`YYYY-MM-DD`).
    pub warranty_ends_on: Option<String>,
    /// When it was archived (naive UTC).
    pub archived_at: Option<NaiveDateTime>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl Contractor {
    /// The last day of its warranty.
    pub fn warranty_end(&self) -> Option<NaiveDate> {
        self.warranty_ends_on.as_deref().and_then(|d| d.parse().ok())
    }
}

/// Changes to a contractor; `None` leaves a field as it is (`Some(None)` clears it).
#[derive(Debug, Clone, Default, Serialize, AsChangeset)]
#[diesel(table_name = contractors)]
pub struct ContractorChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new licence number, or none.
    pub licence: Option<Option<String>>,
    /// A new deposit, in fen.
    pub warranty_deposit_fen: Option<i64>,
    /// A new warranty end, or none.
    pub warranty_ends_on: Option<Option<String>>,
    /// Archive or restore.
    #[serde(rename = "archived", serialize_with = "archived_flag")]
    pub archived_at: Option<Option<NaiveDateTime>>,
}

impl Audited for ContractorChanges {
    fn taken(&self) -> String {
        format!("a contractor named {:?} exists", self.name.as_deref().unwrap_or_default())
    }
}

/// A contractor to create.
#[derive(Debug, Clone, Serialize)]
pub struct NewContractor {
    /// Unique within the group.
    pub name: String,
    /// Its business licence number.
    pub licence: Option<String>,
    /// The warranty deposit, in fen.
    pub warranty_deposit_fen: i64,
    /// The last day of its warranty.
    pub warranty_ends_on: Option<NaiveDate>,
}

/// Creates a contractor in the caller's group (needs a group-wide reach).
pub fn create(
    conn: &mut Conn,
    scope: &Scope,
    new: &NewContractor,
    now: DateTime<Utc>,
) -> Result<Contractor, StoreError> {
    scope.require_group()?;
    transaction(conn.raw(), |conn| {
        let id = new_id();
        diesel::insert_into(contractors::table)
            .values((
                new_row!(contractors, &id, now),
                contractors::group_id.eq(&scope.group_id),
                contractors::name.eq(&new.name),
                contractors::licence.eq(&new.licence),
                contractors::warranty_deposit_fen.eq(new.warranty_deposit_fen),
                contractors::warranty_ends_on.eq(new.warranty_ends_on.map(|d| d.to_string())),
            ))
            .execute(conn)
            .map_err(taken(format!("a contractor named {:?} exists", new.name)))?;
        let payload = serde_json::to_value(new).unwrap_or_default();
        created(conn, (scope, scope), &id, payload, now)
    })
}

/// Rows of the caller's group, whatever the reach within it: every work-order reader may pick
/// a contractor.
fn in_group(scope: &Scope) -> Filter<contractors::table> {
    Box::new(contractors::group_id.eq(scope.group_id.clone()))
}

/// One contractor of the caller's group, inside a transaction.
pub(crate) fn of_group(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
) -> Result<Contractor, StoreError> {
    Ok(contractors::table
        .filter(contractors::id.eq(id))
        .filter(in_group(scope))
        .select(Contractor::as_select())
        .first(conn)?)
}

/// One contractor of the caller's group.
pub fn read(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Contractor, StoreError> {
    of_group(conn.raw(), scope, id)
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct ContractorFilter {
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
    /// Only those whose name contains this text.
    pub q: Option<String>,
}

/// A page of the group's contractors.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &ContractorFilter,
    req: &ListRequest,
) -> Result<Page<Contractor>, StoreError> {
    let query = || {
        let mut q = contractors::table.filter(in_group(scope)).into_boxed();
        if let Some(text) = &filter.q {
            let pattern = format!("%{}%", text.replace(['%', '_', '\\'], ""));
            q = q.filter(contractors::name.like(pattern));
        }
        q.filter(archived(contractors::archived_at, filter.archived))
    };
    page!(conn.raw(), contractors, query, Contractor, req)
}
