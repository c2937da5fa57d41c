//! Listing and changing customers, and the audited read of their whole phone numbers.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::{Customer, find, row, with_units, within};
use crate::{
    db::{Conn, transaction},
    error::StoreError,
    kit::{Audited, Expected, ListRequest, Page, page},
    org::{archived, archived_flag},
    schema::{customer_units, customers},
    scope::Scope,
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

/// A page of the customers within reach, with their units (one query for the page's units).
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &CustomerFilter,
    req: &ListRequest,
) -> Result<Page<Customer>, StoreError> {
    let query = || {
        let mut q = customers::table.filter(within(scope)).into_boxed();
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
        q.filter(archived(customers::archived_at, filter.archived))
    };
    let conn = conn.raw();
    let page: Page<row::CustomerRow> = page!(&mut *conn, customers, query, row::CustomerRow, req)?;
    let items = with_units(conn, scope, page.items)?;
    Ok(Page { items, next: page.next, total: page.total })
}

/// Changes to a customer; `None` leaves a field as it is. The audit trail records which
/// fields changed, never the personal data itself.
#[derive(Debug, Clone, Default, AsChangeset, Serialize)]
#[diesel(table_name = customers)]
pub struct CustomerChanges {
    /// A new name.
    #[serde(serialize_with = "changed")]
    pub name: Option<String>,
    /// New phone numbers (a JSON list, replacing the old ones).
    #[serde(serialize_with = "changed")]
    pub phones: Option<String>,
    /// Archive or restore.
    #[serde(rename = "archived", serialize_with = "archived_flag")]
    pub archived_at: Option<Option<NaiveDateTime>>,
}

fn changed<S: serde::Serializer>(value: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(value.is_some())
}

impl CustomerChanges {
    /// A change of name, phones and archiving.
    pub fn new(
        name: Option<String>,
        phones: Option<&[String]>,
        archived_at: Option<Option<NaiveDateTime>>,
    ) -> Result<Self, StoreError> {
        let phones = phones.map(super::phones_json).transpose()?;
        Ok(Self { name, phones, archived_at })
    }
}

impl Audited for CustomerChanges {}

/// Changes a customer visible under `read` and within `write`, if he is still at `expected`.
/// An erased customer keeps his placeholder name and no phones: a change of either is a
/// `Conflict` (archiving him still works).
pub fn update(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    changes: &CustomerChanges,
    now: DateTime<Utc>,
) -> Result<Customer, StoreError> {
    transaction(conn.raw(), |conn| {
        let mut expected = expected;
        if changes.name.is_some() || changes.phones.is_some() {
            // The flag and the version are read together and the change is pinned to that
            // version: an erasure moves it, so if one lands in between, the compare-and-swap
            // below changes nothing (412), with `If-Match: *` too.
            let current: Option<(i64, Option<NaiveDateTime>)> = customers::table
                .filter(customers::id.eq(id))
                .filter(within(read))
                .select((customers::version, customers::erased_at))
                .first(conn)
                .optional()?;
            if let Some((version, erased_at)) = current {
                if erased_at.is_some() {
                    return Err(StoreError::Conflict(
                        "the customer's personal data was erased: his name and phones cannot be set again"
                            .into(),
                    ));
                }
                if expected == Expected::Any {
                    expected = Expected::Version(version);
                }
            }
        }
        row::cas(conn, read, write, id, expected, changes, now)?;
        find(conn, read, id)
    })
}

/// The whole phone numbers of a customer within the reach of `scope` (the permission to read
/// them), leaving a `customer.phones_read` audit event in the same transaction.
pub fn phones(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Customer, StoreError> {
    transaction(conn.raw(), |conn| {
        let customer = find(conn, scope, id)?;
        let payload = serde_json::json!({"count": customer.phones.len()});
        let place = crate::scope::Place::group();
        scope.audit(conn, now, "customer.phones_read", ("customer", id), &place, payload)?;
        Ok(customer)
    })
}
