//! Companies (公司) of a group: developer, property management, brokerage/sales. The worked
//! example of a scoped resource: its record, its patch, its filters, its create; the kit does
//! the rest (README, "Layout").

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::org::CompanyKind;
use serde::Serialize;

use super::{archived, archived_flag};
use crate::{
    db::{Conn, transaction},
    error::StoreError,
    ids::new_id,
    kit::{Audited, ListRequest, Page, new_row, page, resource},
    schema::companies,
    scope::{Scope, taken},
};

resource!(companies => Company, CompanyChanges, "company" { group: group_id, company: id });

/// A stored company.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = companies)]
pub struct Company {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Unique within the group.
    pub name: String,
    /// What it does.
    #[diesel(deserialize_as = String)]
    pub kind: CompanyKind,
    /// When it was archived (naive UTC).
    pub archived_at: Option<NaiveDateTime>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

/// Changes to a company; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize, AsChangeset)]
#[diesel(table_name = companies)]
pub struct CompanyChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new kind.
    #[diesel(serialize_as = String)]
    pub kind: Option<CompanyKind>,
    /// Archive or restore ([`super::archive`]).
    #[serde(rename = "archived", serialize_with = "archived_flag")]
    pub archived_at: Option<Option<NaiveDateTime>>,
}

impl Audited for CompanyChanges {
    fn taken(&self) -> String {
        format!("a company named {:?} exists", self.name.as_deref().unwrap_or_default())
    }
}

/// Creates a company in the caller's group (needs a group-wide reach).
pub fn create(
    conn: &mut Conn,
    scope: &Scope,
    name: &str,
    kind: CompanyKind,
    now: DateTime<Utc>,
) -> Result<Company, StoreError> {
    scope.require_group()?;
    transaction(conn.raw(), |conn| {
        let id = new_id();
        diesel::insert_into(companies::table)
            .values((
                new_row!(companies, &id, now),
                companies::group_id.eq(&scope.group_id),
                companies::name.eq(name),
                companies::kind.eq(kind.as_str()),
            ))
            .execute(conn)
            .map_err(taken(format!("a company named {name:?} exists")))?;
        let payload = serde_json::json!({"name": name, "kind": kind});
        created(conn, (scope, scope), &id, payload, now)
    })
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct CompanyFilter {
    /// Only this kind.
    pub kind: Option<CompanyKind>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// A page of the companies within reach.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &CompanyFilter,
    req: &ListRequest,
) -> Result<Page<Company>, StoreError> {
    let query = || {
        let mut q = companies::table.filter(within(scope)).into_boxed();
        if let Some(kind) = filter.kind {
            q = q.filter(companies::kind.eq(kind.as_str()));
        }
        q.filter(archived(companies::archived_at, filter.archived))
    };
    page!(conn.raw(), companies, query, Company, req)
}

/// Checks that `company` is one of the group's: 422 naming `company_id` otherwise (a body that
/// names a company, such as an approval matrix's override or a webhook's filter).
pub(crate) fn require_in_group(
    conn: &mut crate::db::DbConnection,
    group_id: &str,
    company: &str,
) -> Result<(), StoreError> {
    let found: i64 = companies::table
        .filter(companies::id.eq(company))
        .filter(companies::group_id.eq(group_id))
        .count()
        .get_result(conn)?;
    if found == 0 {
        return Err(StoreError::Invalid {
            field: "company_id".into(),
            message: "no such company in the group".into(),
        });
    }
    Ok(())
}
