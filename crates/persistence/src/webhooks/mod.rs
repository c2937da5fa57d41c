//! Webhook subscriptions (集成回调) of a group: a URL, the event types it wants (none = all), an
//! optional company or project, and the signing secret (`whsec_…`, Standard Webhooks) shown once
//! when it is created. Messages come from the transactional outbox ([`deliveries`]).

pub mod deliveries;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::new_id,
    kit::{Audited, Expected, ListRequest, Page, new_row, page, resource},
    schema::{projects, webhooks},
    scope::{Filter, Scope},
};

resource!(webhooks => Webhook, WebhookChanges, "webhook", within self::within_group);

/// Subscriptions of the caller's group (group-level records).
pub fn within_group(scope: &Scope) -> Filter<webhooks::table> {
    Box::new(webhooks::group_id.eq(scope.group_id.clone()))
}

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Where messages are posted.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The event types it wants, a JSON array; empty = every type.
    pub event_types: String,
    /// Only messages of this company.
    pub company_id: Option<String>,
    /// Only messages of this project.
    pub project_id: Option<String>,
    /// The signing secret; shown once, when created.
    pub secret: String,
    /// `active` or `disabled`.
    pub state: String,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl Webhook {
    /// The event types it wants; empty = every type.
    pub fn types(&self) -> Vec<String> {
        serde_json::from_str(&self.event_types).unwrap_or_default()
    }

    /// Whether it wants a message of `topic` at `(company, project)`.
    pub fn wants(&self, topic: &str, company: Option<&str>, project: Option<&str>) -> bool {
        let types = self.types();
        (types.is_empty() || types.iter().any(|t| t == topic))
            && self.company_id.as_deref().is_none_or(|c| company == Some(c))
            && self.project_id.as_deref().is_none_or(|p| project == Some(p))
    }
}

/// A subscription to create.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// Where messages are posted (checked by the caller).
    pub url: String,
    /// What it is for.
    pub description: String,
    /// Event types; empty = every type.
    pub event_types: Vec<String>,
    /// Only this company's messages.
    pub company_id: Option<String>,
    /// Only this project's messages.
    pub project_id: Option<String>,
    /// The signing secret.
    pub secret: String,
}

/// Checks that a company or project named by a subscription is the group's, and that a project
/// lies in the named company.
fn check_place(
    conn: &mut DbConnection,
    group_id: &str,
    (company, project): (Option<&str>, Option<&str>),
) -> Result<(), StoreError> {
    let field =
        |f: &str, m: &str| StoreError::Invalid { field: f.to_owned(), message: m.to_owned() };
    if let Some(company) = company {
        crate::org::companies::require_in_group(conn, group_id, company)?;
    }
    if let Some(project) = project {
        let of: Option<String> = projects::table
            .filter(projects::id.eq(project))
            .filter(projects::group_id.eq(group_id))
            .select(projects::company_id)
            .first(conn)
            .optional()?;
        match of {
            None => return Err(field("project_id", "no such project in the group")),
            Some(c) if company.is_some_and(|company| company != c) => {
                return Err(field("project_id", "the project is not of that company"));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Creates a subscription in the caller's group (group-wide `webhooks.manage`).
pub fn create(
    conn: &mut Conn,
    scope: &Scope,
    new: &NewWebhook,
    now: DateTime<Utc>,
) -> Result<Webhook, StoreError> {
    scope.require_group()?;
    transaction(conn.raw(), |conn| {
        let place = (new.company_id.as_deref(), new.project_id.as_deref());
        check_place(conn, &scope.group_id, place)?;
        let id = new_id();
        let types = serde_json::to_string(&new.event_types).unwrap_or_else(|_| "[]".into());
        let (_, by) = scope.actor().parts();
        diesel::insert_into(webhooks::table)
            .values((
                new_row!(webhooks, &id, now),
                (webhooks::group_id.eq(&scope.group_id), webhooks::url.eq(&new.url)),
                (webhooks::description.eq(&new.description), webhooks::event_types.eq(&types)),
                webhooks::company_id.eq(new.company_id.as_deref()),
                webhooks::project_id.eq(new.project_id.as_deref()),
                (webhooks::secret.eq(&new.secret), webhooks::state.eq("active")),
                webhooks::created_by.eq(by),
            ))
            .execute(conn)?;
        let payload = serde_json::json!({
            "url": new.url, "event_types": new.event_types,
            "company_id": new.company_id, "project_id": new.project_id,
        });
        created(conn, (scope, scope), &id, payload, now)
    })
}

/// A page of the group's subscriptions.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    req: &ListRequest,
) -> Result<Page<Webhook>, StoreError> {
    let query = || webhooks::table.filter(within(scope)).into_boxed();
    page!(conn.raw(), webhooks, query, Webhook, req)
}

/// Changes to a subscription; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset, Serialize)]
#[diesel(table_name = webhooks)]
pub struct WebhookChanges {
    /// A new URL.
    pub url: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// New event types (a JSON array).
    pub event_types: Option<String>,
    /// A new company filter (`Some(None)` clears it).
    pub company_id: Option<Option<String>>,
    /// A new project filter (`Some(None)` clears it).
    pub project_id: Option<Option<String>>,
    /// `active` (enabling clears the reason) or `disabled`.
    pub state: Option<String>,
    /// Why it was disabled.
    #[serde(skip)]
    pub disabled_reason: Option<Option<String>>,
}

impl Audited for WebhookChanges {
    fn check(&self, conn: &mut DbConnection, write: &Scope) -> Result<(), StoreError> {
        let (company, project) =
            (self.company_id.clone().flatten(), self.project_id.clone().flatten());
        check_place(conn, &write.group_id, (company.as_deref(), project.as_deref()))
    }
}

/// Changes a subscription of the caller's group if it is still at `expected`.
pub fn update(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    expected: Expected,
    changes: &WebhookChanges,
    now: DateTime<Utc>,
) -> Result<Webhook, StoreError> {
    scope.require_group()?;
    transaction(conn.raw(), |conn| {
        changes.check(conn, scope)?;
        let current = find(conn, scope, id)?;
        let (company, project) = (
            changes.company_id.clone().unwrap_or(current.company_id),
            changes.project_id.clone().unwrap_or(current.project_id),
        );
        check_place(conn, &scope.group_id, (company.as_deref(), project.as_deref()))?;
        cas(conn, scope, scope, id, expected, changes, now)
    })
}

/// Deletes a subscription and its delivery log, with its audit event.
pub fn delete(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::schema::webhook_deliveries;
    scope.require_group()?;
    transaction(conn.raw(), |conn| {
        let hook = find(conn, scope, id)?;
        diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id)))
            .execute(conn)?;
        diesel::delete(webhooks::table.filter(webhooks::id.eq(id))).execute(conn)?;
        let payload = serde_json::json!({ "url": hook.url });
        scope.audit(conn, now, "webhook.deleted", ("webhook", id), &place(&hook), payload)
    })
}
