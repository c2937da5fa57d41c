//! Customers (业主/客户): name, phones, the units they own. A customer is visible to whoever may
//! see one of the projects where he owns a unit. Phone numbers are personal data: the store
//! hands them out whole only through [`phones`], which leaves an audit event every time.

mod ownership;
mod privacy;
mod queries;
mod row;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::new_id,
    kit::new_row,
    org::units,
    schema::{customer_units, customers},
    scope::{Filter, Scope},
};
pub use ownership::{add_unit, remove_unit};
pub use privacy::{CustomerExport, EventRecord, OwnedUnitRecord, erase, export};
pub use queries::{CustomerChanges, CustomerFilter, list, phones, update};
use row::CustomerRow;

/// A unit a customer owns, with the dates node callbacks count from (R-T-12).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = customer_units)]
pub struct Ownership {
    /// The customer.
    pub customer_id: String,
    /// The unit.
    pub unit_id: String,
    /// The unit's company.
    pub company_id: String,
    /// The unit's project.
    pub project_id: String,
    /// Contract signing date, `YYYY-MM-DD`.
    pub contract_signed_on: Option<String>,
    /// Handover date, `YYYY-MM-DD`.
    pub handed_over_on: Option<String>,
}

/// A stored customer (phones whole: mask them before they leave the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// The customer's name.
    pub name: String,
    /// Phone numbers, whole.
    pub phones: Vec<String>,
    /// The units he owns that the caller may see.
    pub units: Vec<Ownership>,
    /// When the record was archived (naive UTC).
    pub archived_at: Option<NaiveDateTime>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
    /// When his personal data was erased on his request (naive UTC); the name is then a
    /// placeholder and the phones are gone, for good.
    pub erased_at: Option<NaiveDateTime>,
}

impl crate::kit::Record for Customer {
    fn id(&self) -> &str {
        &self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

/// Ownerships within the caller's reach.
fn units_within(scope: &Scope) -> Filter<customer_units::table> {
    let in_group = customer_units::group_id.eq(scope.group_id.clone());
    if scope.reach.whole_group {
        return Box::new(in_group);
    }
    Box::new(
        in_group.and(
            customer_units::company_id
                .eq_any(scope.reach.companies.clone())
                .or(customer_units::project_id.eq_any(scope.reach.projects.clone())),
        ),
    )
}

/// Customers of the caller's group who own a unit within his reach (all of the group's
/// customers for a group-wide reach).
pub fn within(scope: &Scope) -> Filter<customers::table> {
    let in_group = customers::group_id.eq(scope.group_id.clone());
    if scope.reach.whole_group {
        return Box::new(in_group);
    }
    // A subquery cannot hold a boxed condition: the reach is spelled out here.
    let owners = customer_units::table
        .filter(customer_units::group_id.eq(scope.group_id.clone()))
        .filter(
            customer_units::company_id
                .eq_any(scope.reach.companies.clone())
                .or(customer_units::project_id.eq_any(scope.reach.projects.clone())),
        )
        .select(customer_units::customer_id);
    Box::new(in_group.and(customers::id.eq_any(owners)))
}

/// A unit to own, with its dates.
#[derive(Debug, Clone, Default)]
pub struct NewOwnership {
    /// The unit.
    pub unit_id: String,
    /// Contract signing date, `YYYY-MM-DD`.
    pub contract_signed_on: Option<String>,
    /// Handover date, `YYYY-MM-DD`.
    pub handed_over_on: Option<String>,
}

/// A customer to create.
#[derive(Debug, Clone, Default)]
pub struct NewCustomer {
    /// The name.
    pub name: String,
    /// Phone numbers (validated at the edge).
    pub phones: Vec<String>,
    /// The units he owns.
    pub units: Vec<NewOwnership>,
}

fn phones_json(phones: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(phones).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Records that `customer_id` owns `unit` (found within `read`, covered by `write`).
fn own(
    conn: &mut DbConnection,
    (read, write): (&Scope, &Scope),
    customer_id: &str,
    owned: &NewOwnership,
    now: DateTime<Utc>,
) -> Result<units::Unit, StoreError> {
    let unit = units::find(conn, read, &owned.unit_id)?;
    write.require(&units::place(&unit))?;
    diesel::insert_into(customer_units::table)
        .values((
            customer_units::customer_id.eq(customer_id),
            customer_units::unit_id.eq(&unit.id),
            customer_units::group_id.eq(&unit.group_id),
            customer_units::company_id.eq(&unit.company_id),
            customer_units::project_id.eq(&unit.project_id),
            customer_units::contract_signed_on.eq(&owned.contract_signed_on),
            customer_units::handed_over_on.eq(&owned.handed_over_on),
        ))
        .execute(conn)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict("he owns this unit already".into()),
            other => other,
        })?;
    // A month after the contract is signed, the buyer is called back (R-T-12).
    if let Some(signed) = owned.contract_signed_on.as_deref().and_then(|d| d.parse().ok()) {
        let place = (unit.group_id.as_str(), unit.company_id.as_str(), unit.project_id.as_str());
        crate::callbacks::nodes::contract_signed(
            conn,
            (customer_id, &unit.id),
            place,
            signed,
            now,
        )?;
    }
    Ok(unit)
}

/// Creates a customer owning units visible to `read` and within `write`. Without units only a
/// group-wide writer may create one (nobody narrower could see it afterwards).
pub fn create(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    new: &NewCustomer,
    now: DateTime<Utc>,
) -> Result<Customer, StoreError> {
    if new.units.is_empty() {
        write.require_group()?;
    }
    transaction(conn.raw(), |conn| {
        let id = new_id();
        diesel::insert_into(customers::table)
            .values((
                new_row!(customers, &id, now),
                customers::group_id.eq(&write.group_id),
                customers::name.eq(&new.name),
                customers::phones.eq(phones_json(&new.phones)?),
            ))
            .execute(conn)?;
        let mut unit_ids = Vec::new();
        for owned in &new.units {
            unit_ids.push(own(conn, (read, write), &id, owned, now)?.id);
        }
        // Personal data stays out of the audit trail: ids only.
        let payload = serde_json::json!({"unit_ids": unit_ids});
        row::created(conn, (read, write), &id, payload, now)?;
        find(conn, read, &id)
    })
}

/// The ownerships of `ids` within the caller's reach, in one query.
fn ownerships(
    conn: &mut DbConnection,
    scope: &Scope,
    ids: Vec<String>,
) -> Result<HashMap<String, Vec<Ownership>>, StoreError> {
    let rows: Vec<Ownership> = customer_units::table
        .filter(customer_units::customer_id.eq_any(ids))
        .filter(units_within(scope))
        .order((customer_units::customer_id.asc(), customer_units::unit_id.asc()))
        .select(Ownership::as_select())
        .load(conn)?;
    let mut by_customer: HashMap<String, Vec<Ownership>> = HashMap::new();
    for o in rows {
        by_customer.entry(o.customer_id.clone()).or_default().push(o);
    }
    Ok(by_customer)
}

/// Customers of `rows` with the units the caller may see, loaded in one query.
fn with_units(
    conn: &mut DbConnection,
    scope: &Scope,
    rows: Vec<CustomerRow>,
) -> Result<Vec<Customer>, StoreError> {
    let mut owned = ownerships(conn, scope, rows.iter().map(|r| r.id.clone()).collect())?;
    rows.into_iter()
        .map(|row| {
            let units = owned.remove(&row.id).unwrap_or_default();
            row.into_customer(units)
        })
        .collect()
}

/// A customer within the caller's reach, inside a transaction.
pub(crate) fn find(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
) -> Result<Customer, StoreError> {
    let row = row::find(conn, scope, id)?;
    with_units(conn, scope, vec![row])?.pop().ok_or(StoreError::NotFound)
}

/// A customer within the caller's reach.
pub fn get(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Customer, StoreError> {
    find(conn.raw(), scope, id)
}
