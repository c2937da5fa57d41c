//! Departments (部门) of a company, each with a coordinator (接口人) who receives its work
//! orders (R-WO-1). A department grant reaches the department's work in every project.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::org::DepartmentKind;
use serde::Serialize;

use super::{archived, archived_flag, companies};
use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::new_id,
    kit::{Audited, ListRequest, Page, new_row, page, resource},
    schema::{departments, users},
    scope::{Scope, taken},
};

resource!(departments => Department, DepartmentChanges, "department" {
    group: group_id, company: company_id, department: id
});

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
    /// What it does.
    #[diesel(deserialize_as = String)]
    pub kind: DepartmentKind,
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
#[derive(Debug, Clone)]
pub struct NewDepartment {
    /// Its company.
    pub company_id: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: DepartmentKind,
    /// Its coordinator.
    pub coordinator_id: Option<String>,
}

/// Creates a department in a company visible to `read` and within `write`.
pub fn create(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    new: &NewDepartment,
    now: DateTime<Utc>,
) -> Result<Department, StoreError> {
    transaction(conn.raw(), |conn| {
        let company = companies::find(conn, read, &new.company_id)?;
        write.require(&companies::place(&company))?;
        check_coordinator(conn, &company.group_id, new.coordinator_id.as_deref())?;
        let id = new_id();
        diesel::insert_into(departments::table)
            .values((
                new_row!(departments, &id, now),
                (departments::group_id.eq(&company.group_id), departments::name.eq(&new.name)),
                (departments::company_id.eq(&company.id), departments::kind.eq(new.kind.as_str())),
                departments::coordinator_id.eq(&new.coordinator_id),
            ))
            .execute(conn)
            .map_err(taken(format!("the company has a department named {:?}", new.name)))?;
        let payload = serde_json::json!({
            "company_id": company.id, "name": new.name, "kind": new.kind,
            "coordinator_id": new.coordinator_id,
        });
        created(conn, (read, write), &id, payload, now)
    })
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct DepartmentFilter {
    /// Only this company's departments.
    pub company_id: Option<String>,
    /// Only this kind.
    pub kind: Option<DepartmentKind>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// A page of the departments within reach.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &DepartmentFilter,
    req: &ListRequest,
) -> Result<Page<Department>, StoreError> {
    let query = || {
        let mut q = departments::table.filter(within(scope)).into_boxed();
        if let Some(c) = &filter.company_id {
            q = q.filter(departments::company_id.eq(c.clone()));
        }
        if let Some(kind) = filter.kind {
            q = q.filter(departments::kind.eq(kind.as_str()));
        }
        q.filter(archived(departments::archived_at, filter.archived))
    };
    page!(conn.raw(), departments, query, Department, req)
}

/// Changes to a department; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset, Serialize)]
#[diesel(table_name = departments)]
pub struct DepartmentChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new kind.
    #[diesel(serialize_as = String)]
    pub kind: Option<DepartmentKind>,
    /// A new coordinator (a user of the group).
    pub coordinator_id: Option<String>,
    /// Archive or restore.
    #[serde(rename = "archived", serialize_with = "archived_flag")]
    pub archived_at: Option<Option<NaiveDateTime>>,
}

impl Audited for DepartmentChanges {
    fn taken(&self) -> String {
        let name = self.name.as_deref().unwrap_or_default();
        format!("the company has a department named {name:?}")
    }
    fn check(&self, conn: &mut DbConnection, write: &Scope) -> Result<(), StoreError> {
        check_coordinator(conn, &write.group_id, self.coordinator_id.as_deref())
    }
}
