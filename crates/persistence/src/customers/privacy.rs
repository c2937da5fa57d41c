//! A customer's rights over his personal information (PIPL): a copy of everything kefu holds
//! on him (查阅复制, [`export`]) and the erasure of what identifies him (删除, [`erase`]). Both
//! are audited in the transaction that reads or changes him.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::privacy::erased_name;

use super::{Customer, Ownership, find, within};
use crate::{
    audit::{self, AuditRow},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::to_db,
    kit::{Expected, refused},
    schema::{buildings, customers, idempotency_keys, projects, units},
    scope::{Place, Scope},
    users::escape_like,
};

/// A unit he owns, with what a person recognises it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedUnitRecord {
    /// The ownership and its dates.
    pub ownership: Ownership,
    /// The project's name.
    pub project_name: String,
    /// The building's name.
    pub building_name: String,
    /// The unit's number (`3-1301`).
    pub number: String,
    /// Its floor.
    pub floor: Option<String>,
}

/// An audit event about him: what happened and when, nothing about who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// The event's id.
    pub id: String,
    /// When (naive UTC).
    pub at: NaiveDateTime,
    /// What happened (`customer.phones_read`).
    pub action: String,
}

impl From<AuditRow> for EventRecord {
    fn from(e: AuditRow) -> Self {
        Self { id: e.id, at: e.at, action: e.action }
    }
}

/// Everything kefu holds on a customer that the caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerExport {
    /// The customer, phones whole.
    pub customer: Customer,
    /// The units he owns within the caller's reach.
    pub units: Vec<OwnedUnitRecord>,
    /// The audit events about him within the caller's reach, oldest first; the last one is
    /// this export.
    pub events: Vec<EventRecord>,
    /// Whether the caller's reach is the whole group, so that nothing was left out.
    pub complete: bool,
}

/// The units of `owned` with their numbers, buildings and projects (three queries).
fn unit_records(
    conn: &mut DbConnection,
    group_id: &str,
    owned: &[Ownership],
) -> Result<Vec<OwnedUnitRecord>, StoreError> {
    let ids: Vec<&str> = owned.iter().map(|o| o.unit_id.as_str()).collect();
    let found: Vec<(String, String, Option<String>, String, String)> = units::table
        .filter(units::group_id.eq(group_id))
        .filter(units::id.eq_any(ids))
        .select((units::id, units::number, units::floor, units::building_id, units::project_id))
        .load(conn)?;
    let building_ids: Vec<&str> = found.iter().map(|u| u.3.as_str()).collect();
    let building_names: HashMap<String, String> = buildings::table
        .filter(buildings::id.eq_any(building_ids))
        .select((buildings::id, buildings::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let project_names: HashMap<String, String> = projects::table
        .filter(projects::id.eq_any(owned.iter().map(|o| o.project_id.as_str())))
        .select((projects::id, projects::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut by_id: HashMap<String, (String, Option<String>, String)> = found
        .into_iter()
        .map(|(id, number, floor, building, _)| (id, (number, floor, building)))
        .collect();
    owned
        .iter()
        .map(|o| {
            let (number, floor, building) = by_id
                .remove(&o.unit_id)
                .ok_or_else(|| StoreError::Corrupt(format!("unit {} is gone", o.unit_id)))?;
            Ok(OwnedUnitRecord {
                ownership: o.clone(),
                project_name: project_names.get(&o.project_id).cloned().unwrap_or_default(),
                building_name: building_names.get(&building).cloned().unwrap_or_default(),
                number,
                floor,
            })
        })
        .collect()
}

/// Everything kefu holds on a customer within the reach of `scope` (the permission to export),
/// phones whole. The export is itself a `customer.exported` audit event, written in the same
/// transaction as the read and listed last in the answer.
pub fn export(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<CustomerExport, StoreError> {
    transaction(conn.raw(), |conn| {
        let customer = find(conn, scope, id)?;
        let units = unit_records(conn, &scope.group_id, &customer.units)?;
        let payload = serde_json::json!({"units": units.len()});
        scope.audit(conn, now, "customer.exported", ("customer", id), &Place::group(), payload)?;
        let events = audit::about(conn, scope, ("customer", id))?;
        Ok(CustomerExport {
            customer,
            units,
            events: events.into_iter().map(EventRecord::from).collect(),
            complete: scope.reach.whole_group,
        })
    })
}

/// Why an erasure changed nothing: not visible (404), not the caller's to erase (403), erased
/// already (409: erasure is final, a fresh `ETag` would not help), or another version (412).
fn refusal(
    conn: &mut DbConnection,
    (read, write): (&Scope, &Scope),
    id: &str,
) -> Result<StoreError, StoreError> {
    let current: Option<(i64, Option<NaiveDateTime>)> = customers::table
        .filter(customers::id.eq(id))
        .filter(within(read))
        .select((customers::version, customers::erased_at))
        .first(conn)
        .optional()?;
    let writable = customers::table
        .filter(customers::id.eq(id))
        .filter(within(write))
        .select(customers::version)
        .first::<i64>(conn)
        .optional()?
        .is_some();
    Ok(match current {
        Some((_, Some(_))) if writable => {
            StoreError::Conflict("the customer's personal data was erased already".into())
        }
        _ => refused(current.map(|(version, _)| version), writable),
    })
}

/// Erases the personal data of a customer visible under `read` and within `write`, if he is
/// still at `expected` (or at any version, for `If-Match: *`) and not erased yet, in one
/// compare-and-swap: his name becomes
/// [`erased_name`], his phones go, `erased_at` is set. His record, id and units (with their
/// dates) stay, and so does every event about him. Stored replays of answers that name him
/// (idempotency keys) are forgotten. The `customer.erased` event keeps `reason`, which must
/// hold no personal data (the edge refuses phone numbers in it).
pub fn erase(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Customer, StoreError> {
    transaction(conn.raw(), |conn| {
        let expected = match expected {
            Expected::Version(v) => v,
            // `If-Match: *`: whichever version is current, still compared in the update.
            Expected::Any => customers::table
                .filter(customers::id.eq(id))
                .filter(within(read))
                .select(customers::version)
                .first::<i64>(conn)
                .optional()?
                .ok_or(StoreError::NotFound)?,
        };
        let changed = diesel::update(
            customers::table
                .filter(customers::id.eq(id))
                .filter(customers::version.eq(expected))
                .filter(customers::erased_at.is_null())
                .filter(within(write)),
        )
        .set((
            customers::name.eq(erased_name(id)),
            customers::phones.eq("[]"),
            customers::erased_at.eq(Some(to_db(now))),
            customers::updated_at.eq(to_db(now)),
            customers::version.eq(customers::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(refusal(conn, (read, write), id)?);
        }
        // A replay would hand his name and numbers out again: every stored answer that names
        // him goes (such a key is then new again, as after its 24 hours).
        let needle = format!("%\"{}\"%", escape_like(id));
        diesel::delete(
            idempotency_keys::table.filter(idempotency_keys::body.like(needle).escape('\\')),
        )
        .execute(conn)?;
        let payload = serde_json::json!({"reason": reason});
        write.audit(conn, now, "customer.erased", ("customer", id), &Place::group(), payload)?;
        find(conn, read, id)
    })
}
