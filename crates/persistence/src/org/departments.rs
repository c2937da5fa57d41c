//! Departments (部门) of a company, each with a coordinator (接口人) who receives its work
//! orders (R-WO-1). A department grant reaches the department's work in every project.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{archived_at, companies, expect_version};
use crate::{
    db::DbConnection,
    error::StoreError,
    identity_schema::departments,
    ids::{from_db, new_id, to_db},
    schema::users,
    scope::{Page, PageRequest, Scope, paged, scoped_table, taken},
};

scoped_table!(departments { group: group_id, company: company_id, department: id });

/// A stored department.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = departments)]
pub struct Department {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its company.
    pub company_id: String,
    /// Unique within the company.
    pub name: String,
    /// `customer_center`, `engineering`, `marketing`, …
    pub kind: String,
    /// The coordinator (a user of the group).
    pub coordinator_id: Option<String>,
    /// When it was archived (naive UTC).
    pub archived_at: Option<NaiveDateTime>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

/// `NotFound` unless `user_id` is a user of `group_id`.
fn check_coordinator(
    conn: &mut DbConnection,
    group_id: &str,
    user_id: Option<&str>,
) -> Result<(), StoreError> {
    let Some(user_id) = user_id else { return Ok(()) };
    let found = diesel::select(diesel::dsl::exists(
        users::table.filter(users::id.eq(user_id)).filter(users::group_id.eq(group_id)),
    ))
    .get_result::<bool>(conn)?;
    if found { Ok(()) } else { Err(StoreError::NotFound) }
}

/// A department to create.
#[derive(Debug, Clone, Default)]
pub struct NewDepartment {
    /// Its company.
    pub company_id: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// Its coordinator.
    pub coordinator_id: Option<String>,
}

/// Creates a department in a company visible to `read` and within `write`.
pub fn create(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    new: &NewDepartment,
    now: DateTime<Utc>,
) -> Result<Department, StoreError> {
    conn.transaction(|conn| {
        let company = companies::get(conn, read, &new.company_id)?;
        write.require(Some(&company.id), None, None)?;
        check_coordinator(conn, &company.group_id, new.coordinator_id.as_deref())?;
        let id = new_id();
        let at = to_db(now);
        diesel::insert_into(departments::table)
            .values((
                departments::id.eq(&id),
                departments::group_id.eq(&company.group_id),
                departments::company_id.eq(&company.id),
                departments::name.eq(&new.name),
                departments::kind.eq(&new.kind),
                departments::coordinator_id.eq(&new.coordinator_id),
                departments::created_at.eq(at),
                departments::updated_at.eq(at),
                departments::version.eq(1_i64),
            ))
            .execute(conn)
            .map_err(taken(format!("the company has a department named {:?}", new.name)))?;
        write.audit(
            conn,
            now,
            "department.created",
            ("department", &id),
            serde_json::json!({
                "company_id": company.id, "name": new.name, "kind": new.kind,
                "coordinator_id": new.coordinator_id,
            }),
        )?;
        get(conn, read, &id)
    })
}

/// A department within the caller's reach.
pub fn get(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<Department, StoreError> {
    Ok(departments::table
        .filter(departments::id.eq(id))
        .filter(within(scope))
        .select(Department::as_select())
        .first(conn)?)
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this company's departments.
    pub company_id: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// A page of the departments within reach.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    filter: &Filter,
    page: &PageRequest,
) -> Result<Page<Department>, StoreError> {
    let mut q =
        departments::table.filter(within(scope)).select(Department::as_select()).into_boxed();
    if let Some(c) = &filter.company_id {
        q = q.filter(departments::company_id.eq(c.clone()));
    }
    if let Some(k) = &filter.kind {
        q = q.filter(departments::kind.eq(k.clone()));
    }
    match filter.archived {
        Some(true) => q = q.filter(departments::archived_at.is_not_null()),
        Some(false) => q = q.filter(departments::archived_at.is_null()),
        None => {}
    }
    let rows: Vec<Department> = paged!(q, departments, page).load(conn)?;
    Ok(Page::of(rows, page.limit, |d| &d.id))
}

/// What to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// A new name.
    pub name: Option<String>,
    /// A new kind.
    pub kind: Option<String>,
    /// A new coordinator.
    pub coordinator_id: Option<String>,
    /// Archive or restore.
    pub archived: Option<bool>,
}

/// Changes a department visible under `read` and within `write`, at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    id: &str,
    expected_version: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Department, StoreError> {
    conn.transaction(|conn| {
        let before = get(conn, read, id)?;
        write.require(Some(&before.company_id), None, Some(&before.id))?;
        expect_version(before.version, expected_version)?;
        check_coordinator(conn, &before.group_id, changes.coordinator_id.as_deref())?;
        let name = changes.name.as_deref().unwrap_or(&before.name);
        diesel::update(departments::table.filter(departments::id.eq(id)))
            .set((
                departments::name.eq(name),
                departments::kind.eq(changes.kind.as_deref().unwrap_or(&before.kind)),
                departments::coordinator_id
                    .eq(changes.coordinator_id.clone().or(before.coordinator_id.clone())),
                departments::archived_at.eq(archived_at(
                    before.archived_at.map(from_db),
                    changes.archived,
                    now,
                )),
                departments::updated_at.eq(to_db(now)),
                departments::version.eq(departments::version + 1),
            ))
            .execute(conn)
            .map_err(taken(format!("the company has a department named {name:?}")))?;
        write.audit(
            conn,
            now,
            "department.updated",
            ("department", id),
            serde_json::json!({
                "name": changes.name, "kind": changes.kind,
                "coordinator_id": changes.coordinator_id, "archived": changes.archived,
            }),
        )?;
        get(conn, read, id)
    })
}
