//! Changing which units a customer owns: a purchase adds one, a resale or a correction ends one.
//! The unit must be visible to the caller and his writing reach must cover its project; the
//! customer's version moves, so his `ETag` changes with his units.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    customers::{Customer, NewOwnership, get},
    db::DbConnection,
    error::StoreError,
    identity_schema::{customer_units, customers},
    ids::to_db,
    org::units,
    scope::Scope,
};

fn touch(conn: &mut DbConnection, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(customers::table.filter(customers::id.eq(id)))
        .set((customers::updated_at.eq(to_db(now)), customers::version.eq(customers::version + 1)))
        .execute(conn)?;
    Ok(())
}

/// Records that a customer visible under `read` owns one more unit.
pub fn add_unit(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    customer_id: &str,
    owned: &NewOwnership,
    now: DateTime<Utc>,
) -> Result<Customer, StoreError> {
    conn.transaction(|conn| {
        let customer = get(conn, read, customer_id)?;
        let unit = units::get(conn, read, &owned.unit_id)?;
        write.require(Some(&unit.company_id), Some(&unit.project_id), None)?;
        diesel::insert_into(customer_units::table)
            .values((
                customer_units::customer_id.eq(&customer.id),
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
        touch(conn, &customer.id, now)?;
        write.audit(
            conn,
            now,
            "customer.unit_added",
            ("customer", &customer.id),
            serde_json::json!({
                "unit_id": unit.id, "project_id": unit.project_id,
            }),
        )?;
        get(conn, read, customer_id)
    })
}

/// Ends a customer's ownership of a unit (the unit's project must be within `write`).
pub fn remove_unit(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    customer_id: &str,
    unit_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        let customer = get(conn, read, customer_id)?;
        let owned =
            customer.units.iter().find(|o| o.unit_id == unit_id).ok_or(StoreError::NotFound)?;
        write.require(Some(&owned.company_id), Some(&owned.project_id), None)?;
        diesel::delete(
            customer_units::table
                .filter(customer_units::customer_id.eq(customer_id))
                .filter(customer_units::unit_id.eq(unit_id)),
        )
        .execute(conn)?;
        touch(conn, customer_id, now)?;
        write.audit(
            conn,
            now,
            "customer.unit_removed",
            ("customer", customer_id),
            serde_json::json!({
                "unit_id": unit_id, "project_id": owned.project_id,
            }),
        )
    })
}
