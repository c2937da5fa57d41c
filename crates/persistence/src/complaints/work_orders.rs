//! Work orders (工作联系单, R-WO): the customer center sends a complaint's question to a
//! department, which replies within R-T-7 (0.5 WD, 1.5 WD with a site survey, or a reply time
//! committed within 0.5 WD when complex). Sending and every action are one transaction each: the
//! work order's row (a compare-and-swap once it exists), its clocks, an entry on its complaint's
//! timeline, its outbox row and its audit event.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    complaint::{
        FieldProblem, WorkOrderCommand, WorkOrderError, WorkOrderSnapshot, WorkOrderState,
        work_order::{apply, sent_event},
    },
    ids::{ContractorId, GroupId},
    sla::Happening,
};
use serde::Serialize;

use super::{Complaint, Entry, TimelineActor, intake::calendar_of, timeline};
use crate::{
    contractors,
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{Expected, ListRequest, Page, new_row, page},
    schema::{complaints, departments, work_orders},
    scope::{Place, Scope, scoped_table},
    sla::{ClockNow, clocks},
};

scoped_table!(work_orders {
    group: group_id,
    company: company_id,
    project: project_id,
    department: department_id
});

/// A stored work order.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = work_orders)]
pub struct WorkOrder {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its complaint's company.
    pub company_id: String,
    /// Its complaint's project.
    pub project_id: String,
    /// The department it was sent to.
    pub department_id: String,
    /// Its complaint.
    pub complaint_id: String,
    /// What the customer center asks.
    pub request: String,
    /// Whether the reply needs a site survey (R-WO-3).
    pub site_survey: bool,
    /// Whether the department commits a reply time first (R-T-7).
    pub complex: bool,
    /// Where it stands.
    #[diesel(deserialize_as = String)]
    pub state: WorkOrderState,
    /// When it was sent (naive UTC).
    pub sent_at: NaiveDateTime,
    /// The department's proposal.
    pub reply: Option<String>,
    /// The reply time a complex order committed to (naive UTC).
    pub reply_due_at: Option<NaiveDateTime>,
    /// The contractor rectifying.
    pub contractor_id: Option<String>,
    /// The rectification's deadline (naive UTC).
    pub deadline: Option<NaiveDateTime>,
    /// Failed acceptances per contractor, a JSON object.
    pub failures: String,
    /// Contractors disqualified on this order (R-WO-4), a JSON array.
    pub disqualified: String,
    /// What is due next (the reply, the committed reply time or the rectification), while
    /// something is (naive UTC).
    pub due_at: Option<NaiveDateTime>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl WorkOrder {
    /// Where it sits: its project and department.
    pub fn place(&self) -> Place {
        Place {
            company: Some(self.company_id.clone()),
            project: Some(self.project_id.clone()),
            department: Some(self.department_id.clone()),
        }
    }

    /// Failed acceptances per contractor.
    pub fn failure_counts(&self) -> BTreeMap<String, u8> {
        serde_json::from_str(&self.failures).unwrap_or_default()
    }

    /// The contractors disqualified on this order (R-WO-4).
    pub fn disqualified_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.disqualified).unwrap_or_default()
    }

    /// What its lifecycle needs to know of it.
    pub fn snapshot(&self) -> WorkOrderSnapshot {
        let failed = self
            .contractor_id
            .as_ref()
            .and_then(|c| self.failure_counts().get(c).copied())
            .unwrap_or(0);
        WorkOrderSnapshot {
            state: self.state,
            site_survey: self.site_survey,
            complex: self.complex,
            contractor_id: self.contractor_id.clone().map(ContractorId::from),
            failed_acceptances: failed,
            disqualified: self.disqualified_ids().into_iter().map(ContractorId::from).collect(),
        }
    }

    /// Whether what is due is past at `now`.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.due_at.is_some_and(|due| due < now.naive_utc())
    }
}

/// Why sending or acting on a work order was refused.
#[derive(Debug, thiserror::Error)]
pub enum WorkOrderFailure {
    /// Not in this state, or a wrong payload.
    #[error(transparent)]
    Lifecycle(#[from] WorkOrderError),
    /// The store refused (404, 403, 409, 412, …).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for WorkOrderFailure {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

fn invalid(field: &str, code: &'static str, message: &str) -> WorkOrderFailure {
    WorkOrderFailure::Lifecycle(WorkOrderError::Invalid(vec![FieldProblem::new(
        field, code, message,
    )]))
}

/// A work order to send.
#[derive(Debug, Clone, Serialize)]
pub struct NewWorkOrder {
    /// The department, of the complaint's company.
    pub department_id: String,
    /// What the customer center asks.
    pub request: String,
    /// Whether the reply needs a site survey.
    pub site_survey: bool,
    /// Whether the department commits a reply time first.
    pub complex: bool,
}

/// Sends a work order about a complaint visible under `read`, whose place is within `write`:
/// 404 outside `read`, 403 outside `write`, 409 when the complaint is closed, 422 for a
/// department not of its company. Its R-T-7 clock starts at `now`.
pub fn send(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    complaint_id: &str,
    new: &NewWorkOrder,
    now: DateTime<Utc>,
) -> Result<(WorkOrder, Vec<ClockNow>), WorkOrderFailure> {
    transaction(conn.raw(), |conn| {
        let complaint: Complaint = super::find(conn, read, complaint_id)?;
        write.require(&complaint.place())?;
        if !complaint.state.is_open() {
            return Err(StoreError::Conflict(format!(
                "the complaint is {}; a work order goes out while it is open",
                complaint.state.as_str()
            ))
            .into());
        }
        let of_company: i64 = departments::table
            .filter(departments::id.eq(&new.department_id))
            .filter(departments::company_id.eq(&complaint.company_id))
            .filter(departments::archived_at.is_null())
            .count()
            .get_result(conn)?;
        if of_company == 0 {
            return Err(invalid(
                "department_id",
                "unknown",
                "no such current department in the complaint's company",
            ));
        }
        let id = new_id();
        diesel::insert_into(work_orders::table)
            .values((
                new_row!(work_orders, &id, now),
                work_orders::group_id.eq(&complaint.group_id),
                work_orders::company_id.eq(&complaint.company_id),
                work_orders::project_id.eq(&complaint.project_id),
                work_orders::department_id.eq(&new.department_id),
                work_orders::complaint_id.eq(&complaint.id),
                work_orders::request.eq(&new.request),
                work_orders::site_survey.eq(new.site_survey),
                work_orders::complex.eq(new.complex),
                work_orders::state.eq(WorkOrderState::Sent.as_str()),
                work_orders::sent_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        let event = [sent_event(new.site_survey, new.complex)];
        react(conn, &complaint, &id, (&event, WorkOrderState::Sent, false), (None, None), now)?;
        let order = find(conn, read, &id)?;
        let payload = serde_json::json!({
            "work_order_id": id, "department_id": new.department_id, "request": new.request,
            "site_survey": new.site_survey, "complex": new.complex,
        });
        tell(conn, write, (&complaint, &order), ("work_order.sent", None), payload, now)?;
        Ok(with_clocks(conn, read, &id, now)?)
    })
}

/// Takes `command` on a work order visible under `read`, if still at `expected`. Checks in
/// this order: visible (404), the version (412), the state and the payload (409
/// `action_not_allowed`, 422), the caller's reach for the action (`write`, `None` when no grant
/// carries its permission: 403), then the contractor (422).
pub fn transition(
    conn: &mut Conn,
    (read, write): (&Scope, Option<&Scope>),
    id: &str,
    expected: Expected,
    command: &WorkOrderCommand,
    now: DateTime<Utc>,
) -> Result<(WorkOrder, Vec<ClockNow>), WorkOrderFailure> {
    transaction(conn.raw(), |conn| {
        let current = find(conn, read, id)?;
        if let Expected::Version(v) = expected
            && v != current.version
        {
            return Err(StoreError::StaleVersion { current: current.version }.into());
        }
        let done = apply(&current.snapshot(), command, now)?;
        let write = write.ok_or(StoreError::Forbidden)?;
        write.require(&current.place())?;
        let (mut reply, mut reply_by, mut deadline) =
            (current.reply.clone(), current.reply_due_at, current.deadline);
        match command {
            WorkOrderCommand::AssignRectification { contractor_id, deadline: by } => {
                let found = contractors::of_group(conn, write, contractor_id.as_str());
                match found {
                    Ok(c) if c.archived_at.is_none() => {}
                    Ok(_) | Err(StoreError::NotFound) => {
                        return Err(invalid(
                            "contractor_id",
                            "unknown",
                            "no such current contractor in the group",
                        ));
                    }
                    Err(e) => return Err(e.into()),
                }
                deadline = Some(to_db(*by));
            }
            WorkOrderCommand::CommitReplyTime { reply_by: by } => reply_by = Some(to_db(*by)),
            WorkOrderCommand::Reply { proposal } => reply = Some(proposal.clone()),
            _ => {}
        }
        let mut failures = current.failure_counts();
        if let Some(contractor) = &done.contractor_id {
            failures.insert(contractor.to_string(), done.failed_acceptances);
        }
        let mut disqualified = current.disqualified_ids();
        if let Some(out) = &done.disqualify_contractor {
            failures.insert(out.to_string(), 0);
            disqualified.push(out.to_string());
        }
        let changed = diesel::update(
            work_orders::table
                .filter(work_orders::id.eq(id))
                .filter(work_orders::version.eq(current.version)),
        )
        .set((
            work_orders::state.eq(done.to.as_str()),
            work_orders::reply.eq(&reply),
            work_orders::reply_due_at.eq(reply_by),
            work_orders::contractor_id.eq(done.contractor_id.as_ref().map(|c| c.as_str())),
            work_orders::deadline.eq(deadline),
            work_orders::failures.eq(json(&failures)?),
            work_orders::disqualified.eq(json(&disqualified)?),
            work_orders::updated_at.eq(to_db(now)),
            work_orders::version.eq(work_orders::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            let current = work_orders::table.find(id).select(work_orders::version).first(conn)?;
            return Err(StoreError::StaleVersion { current }.into());
        }
        let complaint: Complaint = complaints::table
            .find(&current.complaint_id)
            .select(Complaint::as_select())
            .first(conn)?;
        let happened = (&done.events[..], done.to, done.stop_all_clocks);
        react(conn, &complaint, id, happened, (reply_by, deadline), now)?;
        let order = find(conn, read, id)?;
        let mut payload = serde_json::to_value(command)
            .map_err(|e| StoreError::Corrupt(format!("command: {e}")))?;
        if let Some(object) = payload.as_object_mut() {
            object.insert("work_order_id".into(), id.into());
            object.insert("from".into(), done.from.as_str().into());
            object.insert("to".into(), done.to.as_str().into());
            if let Some(out) = &done.disqualify_contractor {
                object.insert("disqualified_contractor_id".into(), out.as_str().into());
            }
        }
        let action = Some(done.action.as_str());
        tell(conn, write, (&complaint, &order), ("work_order.transitioned", action), payload, now)?;
        Ok(with_clocks(conn, read, id, now)?)
    })
}

fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("work order: {e}")))
}

/// Starts and stops the order's clocks for what happened, then records what is due next: the
/// reply (or the committed reply time) while one is awaited, the deadline while rectifying.
fn react(
    conn: &mut DbConnection,
    complaint: &Complaint,
    id: &str,
    (events, state, stop_all): (&[&'static str], WorkOrderState, bool),
    (reply_by, deadline): (Option<NaiveDateTime>, Option<NaiveDateTime>),
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let happening = Happening {
        at: now,
        events,
        state: state.as_str(),
        skip: &[],
        cancel: &[],
        cancel_all: stop_all,
    };
    let calendar = calendar_of(conn, &complaint.project_id, &complaint.group_id)?;
    let group = GroupId::from(complaint.group_id.clone());
    clocks::react(conn, &group, ("work_order", id), &calendar, &happening)?;
    let running = clocks::now_of(conn, ("work_order", id), now)?
        .into_iter()
        .filter(|c| c.record.run.0.is_open())
        .map(|c| c.status.due.naive_utc())
        .min();
    use WorkOrderState as S;
    let due = match state {
        S::Sent | S::ReplyCommitted | S::Surveyed => match (running, reply_by) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
        S::Rectifying => deadline,
        S::Replied | S::ReplyApproved | S::AwaitingContractor | S::Accepted | S::Closed => None,
    };
    diesel::update(work_orders::table.find(id)).set(work_orders::due_at.eq(due)).execute(conn)?;
    Ok(())
}

/// The entry on the complaint's timeline, the outbox row and the audit event of a work-order
/// change.
fn tell(
    conn: &mut DbConnection,
    write: &Scope,
    (complaint, order): (&Complaint, &WorkOrder),
    (topic, action): (&str, Option<&str>),
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (kind, actor_id) = write.actor().parts();
    let entry =
        Entry { kind: "work_order", action, states: (None, None), payload: payload.clone() };
    timeline(conn, &complaint.id, TimelineActor { kind, id: actor_id }, entry, now)?;
    let subject = ("work_order", order.id.as_str());
    crate::outbox::enqueue(conn, (&order.group_id, topic), &order.place(), subject, &payload, now)?;
    let audited = if action.is_none() { "work_order.created" } else { "work_order.transitioned" };
    write.audit(conn, now, audited, ("work_order", &order.id), &order.place(), payload)
}

/// A work order within reach, inside a transaction.
fn find(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<WorkOrder, StoreError> {
    Ok(work_orders::table
        .filter(work_orders::id.eq(id))
        .filter(within(scope))
        .select(WorkOrder::as_select())
        .first(conn)?)
}

fn with_clocks(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(WorkOrder, Vec<ClockNow>), StoreError> {
    let order = find(conn, scope, id)?;
    let clocks = clocks::now_of(conn, ("work_order", id), now)?;
    Ok((order, clocks))
}

/// A work order within reach with its clocks as of `now` (404 outside reach).
pub fn get(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(WorkOrder, Vec<ClockNow>), StoreError> {
    with_clocks(conn.raw(), scope, id, now)
}

/// Filters of a department's queue.
#[derive(Debug, Clone, Default)]
pub struct WorkOrderFilter {
    /// Only those sent to this department.
    pub department_id: Option<String>,
    /// Only those in this state.
    pub state: Option<WorkOrderState>,
    /// Only those whose due is past (`true`) or not (`false`) at the time of the request.
    pub overdue: Option<bool>,
    /// Only those of this complaint.
    pub complaint_id: Option<String>,
    /// Only those of this project.
    pub project_id: Option<String>,
}

/// A page of the work orders within reach, each with its clocks as of `now`.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &WorkOrderFilter,
    req: &ListRequest,
    now: DateTime<Utc>,
) -> Result<Page<(WorkOrder, Vec<ClockNow>)>, StoreError> {
    let conn = conn.raw();
    let at = now.naive_utc();
    let query = || {
        let mut q = work_orders::table.filter(within(scope)).into_boxed();
        if let Some(department) = &filter.department_id {
            q = q.filter(work_orders::department_id.eq(department.clone()));
        }
        if let Some(state) = filter.state {
            q = q.filter(work_orders::state.eq(state.as_str()));
        }
        if let Some(complaint) = &filter.complaint_id {
            q = q.filter(work_orders::complaint_id.eq(complaint.clone()));
        }
        if let Some(project) = &filter.project_id {
            q = q.filter(work_orders::project_id.eq(project.clone()));
        }
        match filter.overdue {
            Some(true) => q = q.filter(work_orders::due_at.lt(at)),
            Some(false) => {
                q = q.filter(work_orders::due_at.is_null().or(work_orders::due_at.ge(at)));
            }
            None => {}
        }
        q
    };
    let page: Page<WorkOrder> = page!(&mut *conn, work_orders, query, WorkOrder, req)?;
    let ids: Vec<&str> = page.items.iter().map(|o| o.id.as_str()).collect();
    let mut clocks = clocks::now_of_many(conn, "work_order", &ids, now)?;
    Ok(page.map(|o| {
        let mine = clocks.remove(&o.id).unwrap_or_default();
        (o, mine)
    }))
}
