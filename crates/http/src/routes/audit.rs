//! The audit trail, readable by administrators and auditors within their group and reach:
//! who did what to which record, from which request. It stays append-only: there is no way to
//! change or remove an event.

use actix_web::{get, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::Permission;
use kefu_persistence::audit::{self, AuditFilter, AuditRow};
use serde::Serialize;
use utoipa::ToSchema;

use super::calendars::instant_param;
use crate::{ctx::Ctx, list::text_filter, list_query, page_type, problem::ApiResult, time::local};

/// One event of the audit trail.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f9-0000-7000-8000-000000000091", "at": "2026-11-23T09:00:00+08:00",
    "actor_kind": "user", "actor_id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10",
    "action": "company.updated", "subject_type": "company",
    "subject_id": "019ab2f1-0000-7000-8000-000000000011",
    "request_id": "019ab2f9-0000-7000-8000-0000000000aa", "payload": {"name": "晋愉置业"}}))]
pub struct AuditEventView {
    /// UUIDv7.
    pub id: String,
    /// When it happened.
    pub at: DateTime<FixedOffset>,
    /// `user`, `client` or `system`.
    pub actor_kind: String,
    /// The user or client who acted.
    pub actor_id: Option<String>,
    /// What happened, `noun.verb`.
    pub action: String,
    /// The kind of record.
    pub subject_type: String,
    /// The record.
    pub subject_id: Option<String>,
    /// The request that caused it.
    pub request_id: Option<String>,
    /// What changed (ids and flags, never personal data).
    pub payload: serde_json::Value,
}

impl From<AuditRow> for AuditEventView {
    fn from(r: AuditRow) -> Self {
        Self {
            payload: serde_json::from_str(&r.payload).unwrap_or(serde_json::Value::Null),
            id: r.id,
            at: local(r.at),
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            action: r.action,
            subject_type: r.subject_type,
            subject_id: r.subject_id,
            request_id: r.request_id,
        }
    }
}

page_type!(AuditEventPage, AuditEventView, "A page of the audit trail, oldest first.");

list_query!(
    /// Filters and paging of the audit trail.
    AuditQuery {
        /// Only events about this kind of record (`company`, `user`, …).
        #[param(max_length = 64)]
        subject_type: Option<String>,
        /// Only events about this record.
        #[param(max_length = 64)]
        subject_id: Option<String>,
        /// Only events by this user or client.
        #[param(max_length = 64)]
        actor_id: Option<String>,
        /// Only events at or after this instant (RFC 3339).
        #[param(value_type = Option<String>, format = DateTime)]
        from: Option<String>,
        /// Only events before this instant (RFC 3339).
        #[param(value_type = Option<String>, format = DateTime)]
        to: Option<String>,
    }
);

/// The audit trail within the caller's group and reach (admins and auditors).
#[utoipa::path(tag = "audit", operation_id = "list_audit_events", security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, description = "A page of events", body = AuditEventPage)))]
#[get("/api/v1/audit-events")]
pub async fn list_audit_events(
    ctx: Ctx,
    q: web::Query<AuditQuery>,
) -> ApiResult<web::Json<AuditEventPage>> {
    let (scope, req) = (ctx.caller.scope(Permission::AuditRead)?, q.list_request()?);
    let q = q.into_inner();
    let filter = AuditFilter {
        subject_type: text_filter("subject_type", q.subject_type, 64)?,
        subject_id: text_filter("subject_id", q.subject_id, 64)?,
        actor_id: text_filter("actor_id", q.actor_id, 64)?,
        from: q.from.as_deref().map(|t| instant_param("from", t)).transpose()?,
        to: q.to.as_deref().map(|t| instant_param("to", t)).transpose()?,
    };
    let found = ctx.run(move |conn| Ok(audit::list(conn, &scope, &filter, &req)?)).await?;
    Ok(web::Json(AuditEventPage::from_page(found, AuditEventView::from)))
}
