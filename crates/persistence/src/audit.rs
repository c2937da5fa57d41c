//! The append-only audit trail: who did what to which record, from which request.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::DbConnection,
    error::StoreError,
    ids::{from_db, new_id, to_db},
    schema::audit_events,
};

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in user (by id).
    User(String),
    /// An integration client (by id).
    Client(String),
    /// kefu itself: start-up, the CLI, background jobs.
    System,
}

impl Actor {
    fn parts(&self) -> (&'static str, Option<&str>) {
        match self {
            Self::User(id) => ("user", Some(id)),
            Self::Client(id) => ("client", Some(id)),
            Self::System => ("system", None),
        }
    }
}

/// An event to append. Personal data is referenced by id, never copied into the payload.
#[derive(Debug)]
pub struct NewAuditEvent<'a> {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: Actor,
    /// What happened, `noun.verb` (`user.created`).
    pub action: &'a str,
    /// The kind of record it happened to.
    pub subject_type: &'a str,
    /// The record's id.
    pub subject_id: Option<&'a str>,
    /// The request that caused it, if any.
    pub request_id: Option<&'a str>,
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
}

impl AuditRow {
    /// When it happened.
    pub fn at(&self) -> DateTime<Utc> {
        from_db(self.at)
    }
}

/// Appends one event; call it inside the transaction that makes the change.
pub fn record(conn: &mut DbConnection, event: NewAuditEvent<'_>) -> Result<String, StoreError> {
    let id = new_id();
    let (actor_kind, actor_id) = event.actor.parts();
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(&id),
            audit_events::at.eq(to_db(event.at)),
            audit_events::actor_kind.eq(actor_kind),
            audit_events::actor_id.eq(actor_id),
            audit_events::action.eq(event.action),
            audit_events::subject_type.eq(event.subject_type),
            audit_events::subject_id.eq(event.subject_id),
            audit_events::request_id.eq(event.request_id),
            audit_events::payload.eq(event.payload.to_string()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The events about one record, oldest first.
pub fn for_subject(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
) -> Result<Vec<AuditRow>, StoreError> {
    Ok(audit_events::table
        .filter(audit_events::subject_type.eq(subject_type))
        .filter(audit_events::subject_id.eq(subject_id))
        .order((audit_events::at.asc(), audit_events::id.asc()))
        .select(AuditRow::as_select())
        .load(conn)?)
}
