//! Listing and changing customers, and the audited read of their whole phone numbers.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    customers::{Customer, get, within},
    db::DbConnection,
    error::StoreError,
    identity_schema::{customer_units, customers},
    ids::to_db,
    org::{archived_at, expect_version},
    scope::{Page, PageRequest, Scope, paged},
    users::escape_like,
};

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Only owners of a unit in this project.
    pub project_id: Option<String>,
    /// Only customers with exactly this number (the call-center lookup).
    pub phone: Option<String>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// A page of the customers within reach.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    filter: &CustomerFilter,
    page: &PageRequest,
) -> Result<Page<Customer>, StoreError> {
    let mut q = customers::table.filter(within(scope)).select(customers::id).into_boxed();
    if let Some(p) = &filter.project_id {
        let owners = customer_units::table
            .filter(customer_units::project_id.eq(p.clone()))
            .select(customer_units::customer_id);
        q = q.filter(customers::id.eq_any(owners));
    }
    if let Some(phone) = &filter.phone {
        let needle = format!("%\"{}\"%", escape_like(phone));
        q = q.filter(customers::phones.like(needle).escape('\\'));
    }
    match filter.archived {
        Some(true) => q = q.filter(customers::archived_at.is_not_null()),
        Some(false) => q = q.filter(customers::archived_at.is_null()),
        None => {}
    }
    let ids: Vec<String> = paged!(q, customers, page).load(conn)?;
    let mut items = Vec::with_capacity(ids.len());
    for id in &ids {
        items.push(get(conn, scope, id)?);
    }
    Ok(Page::of(items, page.limit, |c| &c.id))
}

/// What to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CustomerChanges {
    /// A new name.
    pub name: Option<String>,
    /// New phone numbers (replacing the old ones).
    pub phones: Option<Vec<String>>,
    /// Archive or restore.
    pub archived: Option<bool>,
}

fn may_write(write: &Scope, customer: &Customer) -> Result<(), StoreError> {
    if write.reach.whole_group
        || customer
            .units
            .iter()
            .any(|o| write.reach.covers(Some(&o.company_id), Some(&o.project_id), None))
    {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// Changes a customer visible under `read` and within `write`, at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    id: &str,
    expected_version: i64,
    changes: &CustomerChanges,
    now: DateTime<Utc>,
) -> Result<Customer, StoreError> {
    conn.transaction(|conn| {
        let before = get(conn, read, id)?;
        may_write(write, &before)?;
        expect_version(before.version, expected_version)?;
        let phones = changes.phones.as_ref().unwrap_or(&before.phones);
        let phones =
            serde_json::to_string(phones).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        diesel::update(customers::table.filter(customers::id.eq(id)))
            .set((
                customers::name.eq(changes.name.as_deref().unwrap_or(&before.name)),
                customers::phones.eq(phones),
                customers::archived_at.eq(archived_at(before.archived_at, changes.archived, now)),
                customers::updated_at.eq(to_db(now)),
                customers::version.eq(customers::version + 1),
            ))
            .execute(conn)?;
        write.audit(
            conn,
            now,
            "customer.updated",
            ("customer", id),
            serde_json::json!({
                "name": changes.name.is_some(), "phones": changes.phones.is_some(),
                "archived": changes.archived,
            }),
        )?;
        get(conn, read, id)
    })
}

/// The whole phone numbers of a customer within the reach of `scope` (the permission to read
/// them), leaving a `customer.phones_read` audit event in the same transaction.
pub fn phones(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Customer, StoreError> {
    conn.transaction(|conn| {
        let customer = get(conn, scope, id)?;
        scope.audit(
            conn,
            now,
            "customer.phones_read",
            ("customer", id),
            serde_json::json!({
                "count": customer.phones.len(),
            }),
        )?;
        Ok(customer)
    })
}
