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
    schema::{complaint_events, complaints, sla_clocks},
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
    /// Only this company's.
    pub company_id: Option<String>,
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
    /// Only those naming this shared problem.
    pub problem_id: Option<String>,
    /// Only those with an open clock past its due (`true`), or with none (`false`).
    pub overdue: Option<bool>,
    /// The order of the list.
    pub sort: ComplaintSort,
}

/// The order of a complaint list; every order ends with the id, so pages never overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ComplaintSort {
    /// As they were recorded (the default).
    #[default]
    Recorded,
    /// Received earliest first.
    ReceivedAt,
    /// Received latest first.
    ReceivedAtDesc,
    /// The earliest due of an open clock first; those with no open clock last.
    Due,
}

/// The earliest due among a complaint's open clocks (as last stored), `NULL` when none runs.
const NEXT_DUE: &str = "(SELECT MIN(k.due_at) FROM sla_clocks k WHERE k.subject_type = \
    'complaint' AND k.subject_id = complaints.id AND k.state IN ('running', 'warning', 'breached'))";

fn next_due()
-> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>> {
    diesel::dsl::sql(NEXT_DUE)
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
        if let Some(company) = &filter.company_id {
            q = q.filter(complaints::company_id.eq(company.clone()));
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
        if let Some(problem) = &filter.problem_id {
            q = q.filter(complaints::problem_id.eq(problem.clone()));
        }
        if let Some(overdue) = filter.overdue {
            let late = sla_clocks::table
                .filter(sla_clocks::subject_type.eq("complaint"))
                .filter(sla_clocks::state.eq_any(["running", "warning", "breached"]))
                .filter(sla_clocks::due_at.lt(now.naive_utc()))
                .select(sla_clocks::subject_id);
            q = match overdue {
                true => q.filter(complaints::id.eq_any(late)),
                false => q.filter(complaints::id.ne_all(late)),
            };
        }
        q
    };
    let page: Page<Complaint> = match filter.sort {
        ComplaintSort::Recorded => page!(&mut *conn, complaints, query, Complaint, req)?,
        sort => sorted(conn, query, sort, req)?,
    };
    let ids: Vec<&str> = page.items.iter().map(|c| c.id.as_str()).collect();
    let mut clocks = clocks::now_of_many(conn, "complaint", &ids, now)?;
    Ok(page.map(|c| {
        let mine = clocks.remove(&c.id).unwrap_or_default();
        (c, mine)
    }))
}

/// A page of complaints in another order than recorded: keyset pagination, the cursor being
/// the last item's id, whose sort value is read again (so a page never repeats or skips a
/// complaint that did not change meanwhile).
fn sorted<'a>(
    conn: &mut DbConnection,
    query: impl Fn() -> complaints::BoxedQuery<'a, crate::db::MultiBackend>,
    sort: ComplaintSort,
    req: &ListRequest,
) -> Result<Page<Complaint>, StoreError> {
    use diesel::sql_types::{Bool, Integer, Text, Timestamp};
    let total = match req.count {
        true => Some(query().count().get_result::<i64>(conn)?),
        false => None,
    };
    let mut q = query().select(Complaint::as_select());
    match sort {
        ComplaintSort::Recorded => unreachable!("recorded order pages by id"),
        ComplaintSort::ReceivedAt | ComplaintSort::ReceivedAtDesc => {
            let asc = sort == ComplaintSort::ReceivedAt;
            if let Some(after) = &req.after {
                let anchor: Option<NaiveDateTime> = complaints::table
                    .find(after)
                    .select(complaints::received_at)
                    .first(conn)
                    .optional()?;
                if let Some(at) = anchor {
                    let same = complaints::received_at.eq(at);
                    q = match asc {
                        true => q.filter(
                            complaints::received_at
                                .gt(at)
                                .or(same.and(complaints::id.gt(after.clone()))),
                        ),
                        false => q.filter(
                            complaints::received_at
                                .lt(at)
                                .or(same.and(complaints::id.lt(after.clone()))),
                        ),
                    };
                }
            }
            q = match asc {
                true => q.order((complaints::received_at.asc(), complaints::id.asc())),
                false => q.order((complaints::received_at.desc(), complaints::id.desc())),
            };
        }
        ComplaintSort::Due => {
            if let Some(after) = &req.after {
                let anchor: Option<Option<NaiveDateTime>> = complaints::table
                    .filter(complaints::id.eq(after))
                    .select(next_due())
                    .first(conn)
                    .optional()?;
                let after = after.clone();
                let keyset: crate::scope::Filter<complaints::table> = match anchor {
                    Some(Some(due)) => Box::new(
                        diesel::dsl::sql::<Bool>("(")
                            .sql(NEXT_DUE)
                            .sql(" > ")
                            .bind::<Timestamp, _>(due)
                            .sql(" OR (")
                            .sql(NEXT_DUE)
                            .sql(" = ")
                            .bind::<Timestamp, _>(due)
                            .sql(" AND complaints.id > ")
                            .bind::<Text, _>(after)
                            .sql(") OR ")
                            .sql(NEXT_DUE)
                            .sql(" IS NULL)"),
                    ),
                    Some(None) => Box::new(
                        diesel::dsl::sql::<Bool>("(")
                            .sql(NEXT_DUE)
                            .sql(" IS NULL AND complaints.id > ")
                            .bind::<Text, _>(after)
                            .sql(")"),
                    ),
                    None => Box::new(diesel::dsl::sql::<Bool>("1 = 1")),
                };
                q = q.filter(keyset);
            }
            let last = diesel::dsl::sql::<Integer>("CASE WHEN ")
                .sql(NEXT_DUE)
                .sql(" IS NULL THEN 1 ELSE 0 END");
            q = q.order((last.asc(), next_due().asc(), complaints::id.asc()));
        }
    }
    let rows: Vec<Complaint> = q.limit(req.limit() + 1).load(conn)?;
    Ok(Page::of(rows, req, total, |c| c.id.as_str()))
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
