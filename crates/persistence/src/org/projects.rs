//! Projects (楼盘) of a company, with the customer-service and property contacts who collect and
//! submit its reports (R-RP-14).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{archived_at, companies, expect_version};
use crate::{
    db::DbConnection,
    error::StoreError,
    identity_schema::projects,
    ids::{from_db, new_id, to_db},
    scope::{Page, PageRequest, Scope, paged, scoped_table, taken},
};

scoped_table!(projects { group: group_id, company: company_id, project: id });

/// A stored project.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = projects)]
pub struct Project {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its company.
    pub company_id: String,
    /// Unique within the company.
    pub name: String,
    /// The city it is in.
    pub city: Option<String>,
    /// The customer-service contact, a JSON document.
    pub cs_contact: Option<String>,
    /// The property contact, a JSON document.
    pub property_contact: Option<String>,
    /// When it was archived (naive UTC).
    pub archived_at: Option<NaiveDateTime>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl Project {
    /// When it was archived.
    pub fn archived(&self) -> Option<DateTime<Utc>> {
        self.archived_at.map(from_db)
    }
}

/// A project to create.
#[derive(Debug, Clone, Default)]
pub struct NewProject {
    /// The company it belongs to.
    pub company_id: String,
    /// Its name.
    pub name: String,
    /// Its city.
    pub city: Option<String>,
    /// The customer-service contact (JSON).
    pub cs_contact: Option<String>,
    /// The property contact (JSON).
    pub property_contact: Option<String>,
}

/// Creates a project under a company visible to `read` and within `write`.
pub fn create(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    new: &NewProject,
    now: DateTime<Utc>,
) -> Result<Project, StoreError> {
    conn.transaction(|conn| {
        let company = companies::get(conn, read, &new.company_id)?;
        write.require(Some(&company.id), None, None)?;
        let id = new_id();
        let at = to_db(now);
        diesel::insert_into(projects::table)
            .values((
                projects::id.eq(&id),
                projects::group_id.eq(&company.group_id),
                projects::company_id.eq(&company.id),
                projects::name.eq(&new.name),
                projects::city.eq(&new.city),
                projects::cs_contact.eq(&new.cs_contact),
                projects::property_contact.eq(&new.property_contact),
                projects::created_at.eq(at),
                projects::updated_at.eq(at),
                projects::version.eq(1_i64),
            ))
            .execute(conn)
            .map_err(taken(format!("the company has a project named {:?}", new.name)))?;
        write.audit(
            conn,
            now,
            "project.created",
            ("project", &id),
            serde_json::json!({"company_id": company.id, "name": new.name}),
        )?;
        get(conn, read, &id)
    })
}

/// A project within the caller's reach.
pub fn get(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<Project, StoreError> {
    Ok(projects::table
        .filter(projects::id.eq(id))
        .filter(within(scope))
        .select(Project::as_select())
        .first(conn)?)
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this company's projects.
    pub company_id: Option<String>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// A page of the projects within reach.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    filter: &Filter,
    page: &PageRequest,
) -> Result<Page<Project>, StoreError> {
    let mut q = projects::table.filter(within(scope)).select(Project::as_select()).into_boxed();
    if let Some(c) = &filter.company_id {
        q = q.filter(projects::company_id.eq(c.clone()));
    }
    match filter.archived {
        Some(true) => q = q.filter(projects::archived_at.is_not_null()),
        Some(false) => q = q.filter(projects::archived_at.is_null()),
        None => {}
    }
    let rows: Vec<Project> = paged!(q, projects, page).load(conn)?;
    Ok(Page::of(rows, page.limit, |p| &p.id))
}

/// What to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// A new name.
    pub name: Option<String>,
    /// A new city.
    pub city: Option<String>,
    /// A new customer-service contact (JSON).
    pub cs_contact: Option<String>,
    /// A new property contact (JSON).
    pub property_contact: Option<String>,
    /// Archive or restore.
    pub archived: Option<bool>,
}

/// Changes a project visible under `read` and within `write`, at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    read: &Scope,
    write: &Scope,
    id: &str,
    expected_version: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Project, StoreError> {
    conn.transaction(|conn| {
        let before = get(conn, read, id)?;
        write.require(Some(&before.company_id), Some(&before.id), None)?;
        expect_version(before.version, expected_version)?;
        let name = changes.name.as_deref().unwrap_or(&before.name);
        let keep = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
        diesel::update(projects::table.filter(projects::id.eq(id)))
            .set((
                projects::name.eq(name),
                projects::city.eq(keep(&changes.city, &before.city)),
                projects::cs_contact.eq(keep(&changes.cs_contact, &before.cs_contact)),
                projects::property_contact
                    .eq(keep(&changes.property_contact, &before.property_contact)),
                projects::archived_at.eq(archived_at(before.archived(), changes.archived, now)),
                projects::updated_at.eq(to_db(now)),
                projects::version.eq(projects::version + 1),
            ))
            .execute(conn)
            .map_err(taken(format!("the company has a project named {name:?}")))?;
        write.audit(
            conn,
            now,
            "project.updated",
            ("project", id),
            serde_json::json!({
                "name": changes.name, "city": changes.city, "contacts_changed":
                changes.cs_contact.is_some() || changes.property_contact.is_some(),
                "archived": changes.archived,
            }),
        )?;
        get(conn, read, id)
    })
}
