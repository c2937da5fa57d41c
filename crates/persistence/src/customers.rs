//! Customers (业主/客户): name, phones, the units they own. A customer is visible to whoever may
//! see one of the projects where he owns a unit. Phone numbers are personal data: the store
//! hands them out whole only through [`phones`], which leaves an audit event every time.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::DbConnection,
    error::StoreError,
    identity_schema::{customer_units, customers},
    ids::{from_db, new_id, to_db},
    org::units,
    scope::{Filter, Scope},
};

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
    /// When the record was archived.
    pub archived_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// The ETag.
    pub version: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = customers)]
struct Row {
    id: String,
    group_id: String,
    name: String,
    phones: String,
    archived_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

impl Row {
    fn into_customer(self, units: Vec<Ownership>) -> Result<Customer, StoreError> {
        let phones = serde_json::from_str(&self.phones)
            .map_err(|e| StoreError::Corrupt(format!("customer {} phones: {e}", self.id)))?;
        Ok(Customer {
            id: self.id,
            group_id: self.group_id,
            name: self.name,
            phones,
            units,
            archived_at: self.archived_at.map(from_db),
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
            version: self.version,
        })
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

/// Creates a customer owning units visible to `read` and within `write`. Without units only a
/// group-wide writer may create one (nobody narrower could see it afterwards).
pub fn create(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    new: &NewCustomer,
    now: DateTime<Utc>,
) -> Result<Customer, StoreError> {
    conn.transaction(|conn| {
        let mut owned = Vec::new();
        for o in &new.units {
            let unit = units::get(conn, read, &o.unit_id)?;
            write.require(Some(&unit.company_id), Some(&unit.project_id), None)?;
            owned.push((unit, o));
        }
        if owned.is_empty() {
            write.require_group()?;
        }
        let id = new_id();
        let at = to_db(now);
        diesel::insert_into(customers::table)
            .values((
                customers::id.eq(&id),
                customers::group_id.eq(&write.group_id),
                customers::name.eq(&new.name),
                customers::phones.eq(phones_json(&new.phones)?),
                customers::created_at.eq(at),
                customers::updated_at.eq(at),
                customers::version.eq(1_i64),
            ))
            .execute(conn)?;
        for (unit, o) in &owned {
            diesel::insert_into(customer_units::table)
                .values((
                    customer_units::customer_id.eq(&id),
                    customer_units::unit_id.eq(&unit.id),
                    customer_units::group_id.eq(&unit.group_id),
                    customer_units::company_id.eq(&unit.company_id),
                    customer_units::project_id.eq(&unit.project_id),
                    customer_units::contract_signed_on.eq(&o.contract_signed_on),
                    customer_units::handed_over_on.eq(&o.handed_over_on),
                ))
                .execute(conn)
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Conflict(_) => {
                        StoreError::Conflict("a unit is listed twice".into())
                    }
                    other => other,
                })?;
        }
        // Personal data stays out of the audit trail: ids only.
        let unit_ids: Vec<&str> = owned.iter().map(|(u, _)| u.id.as_str()).collect();
        write.audit(
            conn,
            now,
            "customer.created",
            ("customer", &id),
            serde_json::json!({"unit_ids": unit_ids}),
        )?;
        get(conn, read, &id)
    })
}

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

/// A customer within the caller's reach.
pub fn get(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<Customer, StoreError> {
    let row: Row = customers::table
        .filter(customers::id.eq(id))
        .filter(within(scope))
        .select(Row::as_select())
        .first(conn)?;
    let mut owned = ownerships(conn, scope, vec![row.id.clone()])?;
    let units = owned.remove(&row.id).unwrap_or_default();
    row.into_customer(units)
}

pub use crate::customer_queries::{CustomerChanges, CustomerFilter, list, phones, update};
