//! Changing which units a customer owns: a purchase adds one, a resale or a correction ends one.
//! The unit must be visible to the caller and his writing reach must cover its project; the
//! customer's version moves, so his `ETag` changes with his units.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{CustomerId, UnitId};

use super::{Customer, NewOwnership, find, own};
use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::to_db,
    schema::{customer_units, customers},
    scope::{Place, Scope},
};

/// A unit change moves the customer's version (his ETag covers his units) and is audited.
fn touched(
    conn: &mut DbConnection,
    write: &Scope,
    customer_id: &str,
    (action, place, payload): (&str, Place, serde_json::Value),
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(customers::table.filter(customers::id.eq(customer_id)))
        .set((customers::updated_at.eq(to_db(now)), customers::version.eq(customers::version + 1)))
        .execute(conn)?;
    write.audit(conn, now, action, ("customer", customer_id), &place, payload)
}

/// Records that a customer visible under `read` owns one more unit. An erased customer owns no
/// new units (409): a person who comes back is recorded anew.
pub fn add_unit(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    customer_id: &CustomerId,
    owned: &NewOwnership,
    now: DateTime<Utc>,
) -> Result<Customer, StoreError> {
    let customer_id = customer_id.as_str();
    transaction(conn.raw(), |conn| {
        let customer = find(conn, read, customer_id)?;
        if customer.erased_at.is_some() {
            return Err(StoreError::Conflict(
                "the customer's personal data was erased; record the owner as a new customer"
                    .to_owned(),
            ));
        }
        let unit = own(conn, (read, write), &customer.id, owned, now)?;
        let payload = serde_json::json!({"unit_id": unit.id, "project_id": unit.project_id});
        let place = crate::org::units::place(&unit);
        touched(conn, write, customer_id, ("customer.unit_added", place, payload), now)?;
        find(conn, read, customer_id)
    })
}

/// Ends a customer's ownership of a unit (the unit's project must be within `write`).
pub fn remove_unit(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    (customer_id, unit_id): (&CustomerId, &UnitId),
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (customer_id, unit_id) = (customer_id.as_str(), unit_id.as_str());
    transaction(conn.raw(), |conn| {
        let customer = find(conn, read, customer_id)?;
        let owned =
            customer.units.iter().find(|o| o.unit_id == unit_id).ok_or(StoreError::NotFound)?;
        let place = Place {
            company: Some(owned.company_id.clone()),
            project: Some(owned.project_id.clone()),
            department: None,
        };
        write.require(&place)?;
        diesel::delete(
            customer_units::table
                .filter(customer_units::customer_id.eq(customer_id))
                .filter(customer_units::unit_id.eq(unit_id)),
        )
        .execute(conn)?;
        let payload = serde_json::json!({"unit_id": unit_id, "project_id": owned.project_id});
        touched(conn, write, customer_id, ("customer.unit_removed", place, payload), now)
    })
}
