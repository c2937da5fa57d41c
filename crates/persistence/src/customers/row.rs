//! The customers table as the resource kit sees it: a row whose phones are a JSON list.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Customer, Ownership, queries::CustomerChanges};
use crate::{error::StoreError, kit::resource, schema::customers};

resource!(customers => CustomerRow, CustomerChanges, "customer", within super::within);

/// A stored customer row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customers)]
pub(crate) struct CustomerRow {
    pub id: String,
    group_id: String,
    name: String,
    phones: String,
    archived_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
    erased_at: Option<NaiveDateTime>,
}

impl CustomerRow {
    /// The customer with the units the caller may see.
    pub fn into_customer(self, units: Vec<Ownership>) -> Result<Customer, StoreError> {
        let phones = serde_json::from_str(&self.phones)
            .map_err(|e| StoreError::Corrupt(format!("customer {} phones: {e}", self.id)))?;
        Ok(Customer {
            id: self.id,
            group_id: self.group_id,
            name: self.name,
            phones,
            units,
            archived_at: self.archived_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
            erased_at: self.erased_at,
        })
    }
}
