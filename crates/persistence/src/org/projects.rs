//! Projects (楼盘) of a company, with the customer-service and property contacts who collect and
//! submit its reports (R-RP-14).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::{archived, archived_flag, companies};
use crate::{
    db::{Conn, transaction},
    error::StoreError,
    ids::new_id,
    kit::{Audited, ListRequest, Page, new_row, page, resource},
    schema::projects,
    scope::{Scope, taken},
};

resource!(projects => Project, ProjectChanges, "project" {
    group: group_id, company: company_id, project: id
});

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
    /// The date of its mass handover (集中交付), `YYYY-MM-DD`: its owners are called back a
    /// month later (R-T-12).
    pub handover_on: Option<String>,
    /// The last day of its move-in period (入住), `YYYY-MM-DD`: its move-in satisfaction
    /// report is owed three months later (R-RP-10).
    pub move_in_ends_on: Option<String>,
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
    /// The mass handover date, `YYYY-MM-DD`.
    pub handover_on: Option<String>,
    /// The end of the move-in period, `YYYY-MM-DD`.
    pub move_in_ends_on: Option<String>,
}

/// Creates a project under a company visible to `read` and within `write`.
pub fn create(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    new: &NewProject,
    now: DateTime<Utc>,
) -> Result<Project, StoreError> {
    transaction(conn.raw(), |conn| {
        let company = companies::find(conn, read, &new.company_id)?;
        write.require(&companies::place(&company))?;
        let id = new_id();
        diesel::insert_into(projects::table)
            .values((
                new_row!(projects, &id, now),
                (projects::group_id.eq(&company.group_id), projects::company_id.eq(&company.id)),
                (projects::name.eq(&new.name), projects::city.eq(&new.city)),
                projects::cs_contact.eq(&new.cs_contact),
                projects::property_contact.eq(&new.property_contact),
                projects::handover_on.eq(&new.handover_on),
                projects::move_in_ends_on.eq(&new.move_in_ends_on),
            ))
            .execute(conn)
            .map_err(taken(format!("the company has a project named {:?}", new.name)))?;
        let payload = serde_json::json!({"company_id": company.id, "name": new.name});
        created(conn, (read, write), &id, payload, now)
    })
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Only this company's projects.
    pub company_id: Option<String>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// A page of the projects within reach.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &ProjectFilter,
    req: &ListRequest,
) -> Result<Page<Project>, StoreError> {
    let query = || {
        let mut q = projects::table.filter(within(scope)).into_boxed();
        if let Some(c) = &filter.company_id {
            q = q.filter(projects::company_id.eq(c.clone()));
        }
        q.filter(archived(projects::archived_at, filter.archived))
    };
    page!(conn.raw(), projects, query, Project, req)
}

/// Changes to a project; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset, Serialize)]
#[diesel(table_name = projects)]
pub struct ProjectChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new city.
    pub city: Option<String>,
    /// A new customer-service contact (JSON; personal data, never audited).
    #[serde(skip)]
    pub cs_contact: Option<String>,
    /// A new property contact (JSON; personal data, never audited).
    #[serde(skip)]
    pub property_contact: Option<String>,
    /// Archive or restore.
    #[serde(rename = "archived", serialize_with = "archived_flag")]
    pub archived_at: Option<Option<NaiveDateTime>>,
    /// A new mass handover date (`Some(None)` clears it).
    pub handover_on: Option<Option<String>>,
    /// A new end of the move-in period (`Some(None)` clears it).
    pub move_in_ends_on: Option<Option<String>>,
}

impl Audited for ProjectChanges {
    fn audit(&self) -> serde_json::Value {
        let mut payload = serde_json::json!(self);
        payload["contacts_changed"] =
            (self.cs_contact.is_some() || self.property_contact.is_some()).into();
        payload
    }
    fn taken(&self) -> String {
        format!("the company has a project named {:?}", self.name.as_deref().unwrap_or_default())
    }
}

/// Changes a project visible under `read` and within `write` if it is still at `expected`.
/// Setting, moving or clearing its mass handover date plans, moves or cancels its owners'
/// callbacks a month later (R-T-12), in the same transaction.
pub fn change(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: crate::kit::Expected,
    changes: &ProjectChanges,
    now: DateTime<Utc>,
) -> Result<Project, StoreError> {
    transaction(conn.raw(), |conn| {
        changes.check(conn, write)?;
        let before = find(conn, read, id)?;
        let after = cas(conn, read, write, id, expected, changes, now)?;
        if after.handover_on != before.handover_on {
            let date = after.handover_on.as_deref().and_then(|d| d.parse().ok());
            let place = (after.group_id.as_str(), after.company_id.as_str(), after.id.as_str());
            crate::callbacks::nodes::handover_changed(conn, place, date, now)?;
        }
        Ok(after)
    })
}
