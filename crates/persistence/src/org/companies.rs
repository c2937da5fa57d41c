//! Companies (公司) of a group: developer, property management, brokerage/sales.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{archived_at, expect_version};
use crate::{
    db::DbConnection,
    error::StoreError,
    identity_schema::companies,
    ids::{from_db, new_id, to_db},
    scope::{Page, PageRequest, Scope, paged, scoped_table, taken},
};

scoped_table!(companies { group: group_id, company: id });

/// A stored company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Unique within the group.
    pub name: String,
    /// `developer`, `property_management` or `brokerage`.
    pub kind: String,
    /// When it was archived.
    pub archived_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// The ETag.
    pub version: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = companies)]
struct Row {
    id: String,
    group_id: String,
    name: String,
    kind: String,
    archived_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

impl From<Row> for Company {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            group_id: r.group_id,
            name: r.name,
            kind: r.kind,
            archived_at: r.archived_at.map(from_db),
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
            version: r.version,
        }
    }
}

/// Creates a company in the caller's group (needs a group-wide reach).
pub fn create(
    conn: &mut DbConnection,
    scope: &Scope,
    name: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<Company, StoreError> {
    scope.require_group()?;
    conn.transaction(|conn| {
        let id = new_id();
        let at = to_db(now);
        diesel::insert_into(companies::table)
            .values((
                companies::id.eq(&id),
                companies::group_id.eq(&scope.group_id),
                companies::name.eq(name),
                companies::kind.eq(kind),
                companies::created_at.eq(at),
                companies::updated_at.eq(at),
                companies::version.eq(1_i64),
            ))
            .execute(conn)
            .map_err(taken(format!("a company named {name:?} exists")))?;
        scope.audit(
            conn,
            now,
            "company.created",
            ("company", &id),
            serde_json::json!({"name": name, "kind": kind}),
        )?;
        get(conn, scope, &id)
    })
}

/// A company within the caller's reach.
pub fn get(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<Company, StoreError> {
    let row: Row = companies::table
        .filter(companies::id.eq(id))
        .filter(within(scope))
        .select(Row::as_select())
        .first(conn)?;
    Ok(row.into())
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this kind.
    pub kind: Option<String>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// A page of the companies within reach.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    filter: &Filter,
    page: &PageRequest,
) -> Result<Page<Company>, StoreError> {
    let mut q = companies::table.filter(within(scope)).select(Row::as_select()).into_boxed();
    if let Some(kind) = &filter.kind {
        q = q.filter(companies::kind.eq(kind.clone()));
    }
    match filter.archived {
        Some(true) => q = q.filter(companies::archived_at.is_not_null()),
        Some(false) => q = q.filter(companies::archived_at.is_null()),
        None => {}
    }
    let rows: Vec<Row> = paged!(q, companies, page).load(conn)?;
    Ok(Page::of(rows.into_iter().map(Company::from).collect(), page.limit, |c| &c.id))
}

/// What to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// A new name.
    pub name: Option<String>,
    /// A new kind.
    pub kind: Option<String>,
    /// Archive or restore.
    pub archived: Option<bool>,
}

/// Changes a company visible under `read` and within `write`, at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    id: &str,
    expected_version: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Company, StoreError> {
    conn.transaction(|conn| {
        let before = get(conn, read, id)?;
        write.require(Some(&before.id), None, None)?;
        expect_version(before.version, expected_version)?;
        let name = changes.name.as_deref().unwrap_or(&before.name);
        diesel::update(companies::table.filter(companies::id.eq(id)))
            .set((
                companies::name.eq(name),
                companies::kind.eq(changes.kind.as_deref().unwrap_or(&before.kind)),
                companies::archived_at.eq(archived_at(before.archived_at, changes.archived, now)),
                companies::updated_at.eq(to_db(now)),
                companies::version.eq(companies::version + 1),
            ))
            .execute(conn)
            .map_err(taken(format!("a company named {name:?} exists")))?;
        write.audit(
            conn,
            now,
            "company.updated",
            ("company", id),
            serde_json::json!({
                "name": changes.name, "kind": changes.kind, "archived": changes.archived,
            }),
        )?;
        get(conn, read, id)
    })
}
