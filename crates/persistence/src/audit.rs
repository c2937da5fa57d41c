//! The append-only audit trail: who did what to which record, from which request, and where in
//! the organisation the record sits (so admins and auditors read it within their scope).
//!
//! Events are written only through an [`Acting`] (inside [`crate::scope::Scope`] for a group's
//! business): a person or a client always acts from a request, so an event of theirs always
//! names it. Only kefu itself (start-up, the command line) acts without one.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::{Conn, DbConnection},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{ListRequest, Page},
    schema::audit_events,
    scope::{Filter, Place, Scope},
};

/// Events of the caller's group about records within his reach (events about group-level
/// records, such as users and grants, need a group-wide reach).
fn within(scope: &Scope) -> Filter<audit_events::table> {
    let in_group = audit_events::group_id.eq(scope.group_id.clone()).assume_not_null();
    if scope.reach.whole_group {
        return Box::new(in_group);
    }
    let reach = &scope.reach;
    let below = audit_events::company_id
        .eq_any(reach.companies.clone())
        .or(audit_events::project_id.eq_any(reach.projects.clone()))
        .or(audit_events::department_id.eq_any(reach.departments.clone()))
        .assume_not_null();
    Box::new(in_group.and(below))
}

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in user (by id).
    User(String),
    /// An integration client (by id).
    Client(String),
    /// kefu itself: start-up, the command line, background jobs.
    System,
}

impl Actor {
    /// `user`, `client` or `system`, and the id.
    pub fn parts(&self) -> (&'static str, Option<&str>) {
        match self {
            Self::User(id) => ("user", Some(id)),
            Self::Client(id) => ("client", Some(id)),
            Self::System => ("system", None),
        }
    }
}

/// Who acts and from which request: the only way to write an audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    actor: Actor,
    request_id: Option<String>,
}

impl Acting {
    /// A person or a client acting through a request.
    pub fn request(actor: Actor, request_id: impl Into<String>) -> Self {
        Self { actor, request_id: Some(request_id.into()) }
    }

    /// kefu itself, outside any request (start-up, the command line, background jobs).
    pub fn system() -> Self {
        Self { actor: Actor::System, request_id: None }
    }

    /// Who acts.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The request, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The same request, acted by someone else (the user a sign-in is for).
    pub fn as_actor(&self, actor: Actor) -> Self {
        Self { actor, request_id: self.request_id.clone() }
    }

    /// Appends one event (inside the transaction that makes the change).
    pub(crate) fn record(
        &self,
        conn: &mut DbConnection,
        event: Event<'_>,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let (actor_kind, actor_id) = self.actor.parts();
        diesel::insert_into(audit_events::table)
            .values((
                audit_events::id.eq(&id),
                audit_events::at.eq(to_db(event.at)),
                audit_events::actor_kind.eq(actor_kind),
                audit_events::actor_id.eq(actor_id),
                audit_events::action.eq(event.action),
                audit_events::subject_type.eq(event.subject.0),
                audit_events::subject_id.eq(event.subject.1),
                audit_events::request_id.eq(self.request_id.as_deref()),
                audit_events::payload.eq(event.payload.to_string()),
                audit_events::group_id.eq(event.group),
                audit_events::company_id.eq(event.place.company.as_deref()),
                audit_events::project_id.eq(event.place.project.as_deref()),
                audit_events::department_id.eq(event.place.department.as_deref()),
            ))
            .execute(conn)?;
        Ok(id)
    }
}

/// One event to append. Personal data is referenced by id, never copied into the payload.
#[derive(Debug)]
pub(crate) struct Event<'a> {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened, `noun.verb` (`user.created`).
    pub action: &'a str,
    /// The kind of record and its id.
    pub subject: (&'a str, &'a str),
    /// The group the record belongs to (none for platform records).
    pub group: Option<&'a str>,
    /// Where in the group the record sits.
    pub place: &'a Place,
    /// What changed.
    pub payload: serde_json::Value,
}

/// A stored audit event.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    /// UUIDv7.
    pub id: String,
    /// When it happened (naive UTC).
    pub at: NaiveDateTime,
    /// `user`, `client` or `system`.
    pub actor_kind: String,
    /// The actor's id.
    pub actor_id: Option<String>,
    /// What happened.
    pub action: String,
    /// The kind of record.
    pub subject_type: String,
    /// The record's id.
    pub subject_id: Option<String>,
    /// The causing request.
    pub request_id: Option<String>,
    /// JSON document of what changed.
    pub payload: String,
    /// The group of the record.
    pub group_id: Option<String>,
    /// Its company, if any.
    pub company_id: Option<String>,
    /// Its project, if any.
    pub project_id: Option<String>,
    /// Its department, if any.
    pub department_id: Option<String>,
}

/// The events about one record, oldest first (every group's: for tests and the command line).
pub fn for_subject(
    conn: &mut Conn,
    subject_type: &str,
    subject_id: &str,
) -> Result<Vec<AuditRow>, StoreError> {
    Ok(audit_events::table
        .filter(audit_events::subject_type.eq(subject_type))
        .filter(audit_events::subject_id.eq(subject_id))
        .order((audit_events::at.asc(), audit_events::id.asc()))
        .select(AuditRow::as_select())
        .load(conn.raw())?)
}

/// The events of the caller's group about one record, oldest first: those at the group level
/// (the record's own changes and reads) and those placed within his reach (a customer's unit
/// in one of his projects), inside the use case's transaction.
pub(crate) fn about(
    conn: &mut DbConnection,
    scope: &Scope,
    (subject_type, subject_id): (&str, &str),
) -> Result<Vec<AuditRow>, StoreError> {
    let mut q = audit_events::table
        .filter(audit_events::group_id.eq(scope.group_id.clone()))
        .filter(audit_events::subject_type.eq(subject_type.to_owned()))
        .filter(audit_events::subject_id.eq(subject_id.to_owned()))
        .into_boxed();
    if !scope.reach.whole_group {
        let reach = &scope.reach;
        let group_level = audit_events::company_id
            .is_null()
            .and(audit_events::project_id.is_null())
            .and(audit_events::department_id.is_null());
        let below = audit_events::company_id
            .eq_any(reach.companies.clone())
            .or(audit_events::project_id.eq_any(reach.projects.clone()))
            .or(audit_events::department_id.eq_any(reach.departments.clone()))
            .assume_not_null();
        q = q.filter(group_level.or(below));
    }
    Ok(q.order((audit_events::at.asc(), audit_events::id.asc()))
        .select(AuditRow::as_select())
        .load(conn)?)
}

/// Filters of the audit trail.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only events about this kind of record.
    pub subject_type: Option<String>,
    /// Only events about this record.
    pub subject_id: Option<String>,
    /// Only events by this user or client.
    pub actor_id: Option<String>,
    /// Only events at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only events before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// A page of the audit trail within the caller's group and reach, in the order it was written.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &AuditFilter,
    req: &ListRequest,
) -> Result<Page<AuditRow>, StoreError> {
    let query = || {
        let mut q = audit_events::table.filter(within(scope)).into_boxed();
        if let Some(t) = &filter.subject_type {
            q = q.filter(audit_events::subject_type.eq(t.clone()));
        }
        if let Some(id) = &filter.subject_id {
            q = q.filter(audit_events::subject_id.eq(id.clone()));
        }
        if let Some(actor) = &filter.actor_id {
            q = q.filter(audit_events::actor_id.eq(actor.clone()));
        }
        if let Some(from) = filter.from {
            q = q.filter(audit_events::at.ge(to_db(from)));
        }
        if let Some(to) = filter.to {
            q = q.filter(audit_events::at.lt(to_db(to)));
        }
        q
    };
    crate::kit::page!(conn.raw(), audit_events, query, AuditRow, req)
}
