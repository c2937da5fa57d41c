//! Reading complaints: one with its clocks computed at the instant asked about (a clock past
//! its due reads `breached` at once), the list within the caller's reach, and the timeline.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::complaint::{Category, Channel, ComplaintKind, ComplaintState, Grade};

use super::{Complaint, find, within};
use crate::{
    db::{Conn, DbConnection},
    error::StoreError,
    kit::{ListRequest, Page, page},
    schema::{complaint_events, complaints},
    scope::Scope,
    sla::clocks::{self, ClockNow},
};

/// One complaint within reach, with its clocks as of `now`.
pub fn get_with_clocks(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(Complaint, Vec<ClockNow>), StoreError> {
    with_clocks(conn.raw(), scope, id, now)
}

/// A complaint within reach and its clocks as of `now`, inside a transaction.
pub(crate) fn with_clocks(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(Complaint, Vec<ClockNow>), StoreError> {
    let complaint = find(conn, scope, id)?;
    let clocks = clocks::now_of(conn, ("complaint", id), now)?;
    Ok((complaint, clocks))
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct ComplaintFilter {
    /// Only this project's.
    pub project_id: Option<String>,
    /// Only this kind.
    pub kind: Option<ComplaintKind>,
    /// Only this grade.
    pub grade: Option<Grade>,
    /// Only in this state.
    pub state: Option<ComplaintState>,
    /// Only these owners'.
    pub owner_id: Option<String>,
    /// Only this customer's.
    pub customer_id: Option<String>,
    /// Only those received at or after.
    pub received_from: Option<NaiveDateTime>,
    /// Only those received before.
    pub received_to: Option<NaiveDateTime>,
    /// Only this category.
    pub category: Option<Category>,
    /// Only those that came in on this channel.
    pub channel: Option<Channel>,
    /// Only those this department is responsible for.
    pub department_id: Option<String>,
    /// Only those with this number, or whose description contains this text.
    pub q: Option<String>,
    /// Only the one with this reference in another system.
    pub external: Option<(String, String)>,
}

/// A page of the complaints within reach, each with its clocks as of `now`.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &ComplaintFilter,
    req: &ListRequest,
    now: DateTime<Utc>,
) -> Result<Page<(Complaint, Vec<ClockNow>)>, StoreError> {
    let conn = conn.raw();
    let query = || {
        let mut q = complaints::table.filter(within(scope)).into_boxed();
        if let Some(project) = &filter.project_id {
            q = q.filter(complaints::project_id.eq(project.clone()));
        }
        if let Some(kind) = filter.kind {
            q = q.filter(complaints::kind.eq(kind.as_str()));
        }
        if let Some(grade) = filter.grade {
            q = q.filter(complaints::grade.eq(grade.as_str()));
        }
        if let Some(state) = filter.state {
            q = q.filter(complaints::state.eq(state.as_str()));
        }
        if let Some(owner) = &filter.owner_id {
            q = q.filter(complaints::owner_id.eq(owner.clone()));
        }
        if let Some(customer) = &filter.customer_id {
            q = q.filter(complaints::customer_id.eq(customer.clone()));
        }
        if let Some(from) = filter.received_from {
            q = q.filter(complaints::received_at.ge(from));
        }
        if let Some(to) = filter.received_to {
            q = q.filter(complaints::received_at.lt(to));
        }
        if let Some(category) = filter.category {
            q = q.filter(complaints::category.eq(category.as_str()));
        }
        if let Some(channel) = filter.channel {
            q = q.filter(complaints::channel.eq(channel.as_str()));
        }
        if let Some(department) = &filter.department_id {
            q = q.filter(complaints::responsible_department_id.eq(department.clone()));
        }
        if let Some(text) = &filter.q {
            let pattern = format!("%{}%", text.replace(['%', '_', '\\'], ""));
            q = q.filter(
                complaints::number.eq(text.clone()).or(complaints::description.like(pattern)),
            );
        }
        if let Some((system, reference)) = &filter.external {
            q = q
                .filter(complaints::source_system.eq(system.clone()))
                .filter(complaints::external_ref.eq(reference.clone()));
        }
        q
    };
    let page: Page<Complaint> = page!(&mut *conn, complaints, query, Complaint, req)?;
    let ids: Vec<&str> = page.items.iter().map(|c| c.id.as_str()).collect();
    let mut clocks = clocks::now_of_many(conn, "complaint", &ids, now)?;
    Ok(page.map(|c| {
        let mine = clocks.remove(&c.id).unwrap_or_default();
        (c, mine)
    }))
}

/// One entry of a complaint's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = complaint_events)]
pub struct EventRecord {
    /// UUIDv7.
    pub id: String,
    /// Its complaint.
    pub complaint_id: String,
    /// When (naive UTC).
    pub at: NaiveDateTime,
    /// `user`, `client` or `system`.
    pub actor_kind: String,
    /// Who.
    pub actor_id: Option<String>,
    /// `received`, `transition`, …
    pub kind: String,
    /// The action of a transition.
    pub action: Option<String>,
    /// The state before.
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: Option<String>,
    /// What was sent or decided, a JSON document.
    pub payload: String,
}

/// The whole timeline of a complaint within reach, oldest first.
pub fn events(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Vec<EventRecord>, StoreError> {
    let conn = conn.raw();
    find(conn, scope, id)?;
    Ok(complaint_events::table
        .filter(complaint_events::complaint_id.eq(id))
        .order(complaint_events::id.asc())
        .select(EventRecord::as_select())
        .load(conn)?)
}
