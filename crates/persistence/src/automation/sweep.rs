//! The deadline sweep (时限巡检): every clock whose next check has come — its warning threshold or
//! its due — is looked at once. Index-driven (`check_at <= now` on a partial index), so its cost
//! grows with the clocks that fall due, not with every complaint ever received.
//!
//! - A clock reaching its warning threshold warns its owner (the complaint's owner; for a work
//!   order, its department's coordinator).
//! - A clock past its due is marked breached — an entry on the complaint's timeline, a message in
//!   the outbox, an audit event — and escalates (越级上报, 004 §4.10.4): a major complaint straight
//!   to the customer director, else to the head of its responsible department, else to the
//!   project's customer-service manager; an overdue work order reminds its department's
//!   coordinator and head.
//! - A recurring clock (R-T-9) re-arms when its period resets (see `sla::clocks`).
//!
//! Each clock is handled in its own transaction with everything it causes, guarded by the
//! version it was read at: two nodes never warn or escalate the same period twice.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    access::Role,
    complaint::Grade,
    sla::{ClockState, ClockStatus},
};

use super::Lease;
use crate::{
    audit::{Acting, Event},
    complaints::{Complaint, Entry, TimelineActor, timeline, work_orders::WorkOrder},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    grants::holders,
    ids::to_db,
    notifications::{Notice, notify},
    schema::{complaints, sla_clocks, work_orders},
    scope::Place,
    sla::clocks::{ClockRecord, Loaded, check_at, status},
};

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Clocks claimed.
    pub claimed: usize,
    /// Owners warned.
    pub warned: usize,
    /// Breaches recorded and escalated.
    pub breached: usize,
    /// Clocks another change got to first (looked at again by a later sweep).
    pub skipped: usize,
    /// Clocks that could not be handled (logged; tried again when their lease ends).
    pub failed: usize,
}

/// What the sweep does about one clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Warn,
    Breach,
}

/// Claims up to `batch` clocks whose check has come and that no live lease holds, and handles
/// each in its own transaction.
pub fn sweep(
    conn: &mut Conn,
    lease: &Lease,
    batch: i64,
    now: DateTime<Utc>,
) -> Result<Swept, StoreError> {
    let ids = claim(conn.raw(), lease, batch, now)?;
    let mut swept = Swept { claimed: ids.len(), ..Swept::default() };
    // Policies and calendars read once per batch (a calendar changed meanwhile recomputes its
    // clocks, which moves their versions: their handling then rolls back).
    let mut rules = Loaded::default();
    for id in ids {
        match handle(conn.raw(), (lease, &mut rules), &id, now) {
            Ok(Some(Act::Warn)) => swept.warned += 1,
            Ok(Some(Act::Breach)) => swept.breached += 1,
            Ok(None) => {}
            Err(StoreError::StaleVersion { .. }) => swept.skipped += 1,
            // One clock that cannot be handled (its policy or calendar unreadable) must not
            // hold back the others of the batch.
            Err(StoreError::Corrupt(reason)) => {
                tracing::error!(clock = %id, %reason, "a clock could not be swept");
                swept.failed += 1;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(swept)
}

/// Leases up to `batch` due clocks to this node, in one short transaction: on PostgreSQL the
/// rows another node is claiming right now are skipped (`FOR UPDATE SKIP LOCKED`); an expired
/// lease (a node that died) is taken over.
fn claim(
    conn: &mut DbConnection,
    lease: &Lease,
    batch: i64,
    now: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let at = to_db(now);
    transaction(conn, |conn| {
        let due = || {
            sla_clocks::table
                .filter(sla_clocks::check_at.le(at))
                .filter(sla_clocks::lease_until.is_null().or(sla_clocks::lease_until.lt(at)))
                .order(sla_clocks::check_at.asc())
                .limit(batch)
                .select(sla_clocks::id)
        };
        let ids: Vec<String> = match &mut *conn {
            DbConnection::Pg(pg) => due().for_update().skip_locked().load(pg)?,
            other => due().load(other)?,
        };
        if !ids.is_empty() {
            diesel::update(sla_clocks::table.filter(sla_clocks::id.eq_any(&ids)))
                .set((
                    sla_clocks::lease_owner.eq(&lease.node),
                    sla_clocks::lease_until.eq(lease.until(now)),
                ))
                .execute(conn)?;
        }
        Ok(ids)
    })
}

/// Handles one leased clock: warns or records and escalates its breach, and sets its next
/// check, all in one transaction; nothing when the lease was lost or nothing is due.
fn handle(
    conn: &mut DbConnection,
    (lease, rules): (&Lease, &mut Loaded),
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Act>, StoreError> {
    transaction(conn, |conn| {
        let clock: Option<ClockRecord> = sla_clocks::table
            .filter(sla_clocks::id.eq(id))
            .filter(sla_clocks::lease_owner.eq(&lease.node))
            .select(ClockRecord::as_select())
            .first(conn)
            .optional()?;
        let Some(clock) = clock else { return Ok(None) };
        let (policy, calendar) = rules.of(conn, &clock)?;
        let computed = status(policy, &clock.clock, &clock.run.0, calendar, now)?;
        let mut told = clock.told();
        let act = match computed.state {
            ClockState::Breached if !told.breached => Some(Act::Breach),
            ClockState::Warning if !told.warned => Some(Act::Warn),
            _ => None,
        };
        let (mut warned_at, mut breached_at) = (clock.warned_at, clock.breached_at);
        if let Some(act) = act {
            let label = policy.clock(&clock.clock).map(|d| d.label_zh.clone()).unwrap_or_default();
            tell(conn, &clock, (act, &label), &computed, now)?;
            told.warned = true;
            warned_at = warned_at.or(Some(to_db(now)));
            if act == Act::Breach {
                told.breached = true;
                breached_at = Some(to_db(now));
            }
        }
        let next = check_at(policy, &clock.clock, (&clock.run.0, told), calendar, now)?;
        // The version is the guard, not bumped: a change to the clock committed since it was
        // read wins (it recomputed the next check), and this handling rolls back.
        let changed = diesel::update(
            sla_clocks::table
                .filter(sla_clocks::id.eq(&clock.id))
                .filter(sla_clocks::version.eq(clock.version)),
        )
        .set((
            sla_clocks::state.eq(computed.state.as_str()),
            sla_clocks::due_at.eq(to_db(computed.due)),
            sla_clocks::warned_at.eq(warned_at),
            sla_clocks::breached_at.eq(breached_at),
            sla_clocks::check_at.eq(next),
            sla_clocks::lease_owner.eq(None::<String>),
            sla_clocks::lease_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::StaleVersion { current: clock.version });
        }
        Ok(act)
    })
}

/// The notifications, timeline entry, outbox message and audit event of a warning or a breach.
fn tell(
    conn: &mut DbConnection,
    clock: &ClockRecord,
    (act, label): (Act, &str),
    computed: &ClockStatus,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let facts = serde_json::json!({
        "clock_id": clock.id,
        "clock": clock.clock,
        "rule_id": clock.rule_id,
        "label": label,
        "due_at": computed.due.to_rfc3339(),
        "subject": { "type": clock.subject_type, "id": clock.subject_id },
    });
    let (group, place) = match clock.subject_type.as_str() {
        "complaint" => {
            let complaint: Complaint = complaints::table
                .find(&clock.subject_id)
                .select(Complaint::as_select())
                .first(conn)?;
            complaint_told(conn, &complaint, (act, label), facts.clone(), now)?;
            (complaint.group_id.clone(), complaint.place())
        }
        "work_order" => {
            let order: WorkOrder = work_orders::table
                .find(&clock.subject_id)
                .select(WorkOrder::as_select())
                .first(conn)?;
            work_order_told(conn, &order, (act, label), facts.clone(), now)?;
            (order.group_id.clone(), order.place())
        }
        _ => {
            let group = crate::schema::sla_policies::table
                .find(&clock.policy_id)
                .select(crate::schema::sla_policies::group_id)
                .first::<Option<String>>(conn)?
                .unwrap_or_default();
            (group, Place::group())
        }
    };
    let action = match act {
        Act::Warn => "sla_clock.warned",
        Act::Breach => "sla_clock.breached",
    };
    let subject = ("sla_clock", clock.id.as_str());
    let group = Some(group.as_str()).filter(|g| !g.is_empty());
    let event = Event { at: now, action, subject, group, place: &place, payload: facts };
    Acting::system().record(conn, event)?;
    Ok(())
}

/// A complaint's clock: its owner warned; a breach on its timeline and in the outbox, and
/// escalated one level up (a major complaint to the customer director).
fn complaint_told(
    conn: &mut DbConnection,
    complaint: &Complaint,
    (act, label): (Act, &str),
    mut facts: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    facts["complaint_id"] = complaint.id.clone().into();
    facts["number"] = complaint.number.clone().into();
    let subject = ("complaint", complaint.id.as_str());
    let owner = [complaint.owner_id.clone()];
    if act == Act::Warn {
        let title = format!("{} {label} 即将到期", complaint.number);
        let notice = notice(&complaint.group_id, "clock_warning", subject, title, &facts);
        notify(conn, &owner, &notice, now)?;
        return Ok(());
    }
    let system = TimelineActor { kind: "system", id: None };
    let entry = Entry {
        kind: "clock",
        action: Some("breached"),
        states: (None, None),
        payload: facts.clone(),
    };
    timeline(conn, &complaint.id, system, entry, now)?;
    let topic = (complaint.group_id.as_str(), "complaint.clock_breached");
    crate::outbox::enqueue(conn, topic, &complaint.place(), subject, &facts, now)?;
    // The owner is told of his own breach; escalation goes to the others above him.
    let superiors: Vec<String> =
        escalation(conn, complaint)?.into_iter().filter(|u| *u != complaint.owner_id).collect();
    facts["escalated_to"] = superiors.clone().into();
    let title = format!("{} {label} 已超时", complaint.number);
    let breached = notice(&complaint.group_id, "clock_breached", subject, title.clone(), &facts);
    notify(conn, &owner, &breached, now)?;
    let escalated = notice(
        &complaint.group_id,
        "clock_escalated",
        subject,
        format!("{title}，越级上报"),
        &facts,
    );
    notify(conn, &superiors, &escalated, now)?;
    Ok(())
}

/// Who a breached complaint escalates to (越级上报): the customer director for a major
/// complaint; else the head of its responsible department; else its project's
/// customer-service manager.
fn escalation(conn: &mut DbConnection, complaint: &Complaint) -> Result<Vec<String>, StoreError> {
    let project = Place::of_project(&complaint.company_id, &complaint.project_id);
    if complaint.grade == Grade::Major {
        return holders(conn, &complaint.group_id, &[Role::CustomerDirector], &project);
    }
    if let Some(department) = &complaint.responsible_department_id {
        let place = Place { department: Some(department.clone()), ..Place::default() };
        let heads = holders(conn, &complaint.group_id, &[Role::DeptHead], &place)?;
        if !heads.is_empty() {
            return Ok(heads);
        }
    }
    holders(conn, &complaint.group_id, &[Role::CsManager], &project)
}

/// A work order's clock: its department's coordinator warned; overdue, its coordinator and head
/// reminded, on the complaint's timeline and in the outbox.
fn work_order_told(
    conn: &mut DbConnection,
    order: &WorkOrder,
    (act, label): (Act, &str),
    mut facts: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    facts["work_order_id"] = order.id.clone().into();
    facts["complaint_id"] = order.complaint_id.clone().into();
    let subject = ("work_order", order.id.as_str());
    let department = Place { department: Some(order.department_id.clone()), ..Place::default() };
    let roles: &[Role] = match act {
        Act::Warn => &[Role::DeptCoordinator],
        Act::Breach => &[Role::DeptCoordinator, Role::DeptHead],
    };
    let users = holders(conn, &order.group_id, roles, &department)?;
    let (kind, title) = match act {
        Act::Warn => ("clock_warning", format!("工作联系单 {label} 即将到期")),
        Act::Breach => ("work_order_overdue", format!("工作联系单 {label} 已超时")),
    };
    notify(conn, &users, &notice(&order.group_id, kind, subject, title, &facts), now)?;
    if act == Act::Breach {
        let system = TimelineActor { kind: "system", id: None };
        let entry = Entry {
            kind: "work_order",
            action: Some("overdue"),
            states: (None, None),
            payload: facts.clone(),
        };
        timeline(conn, &order.complaint_id, system, entry, now)?;
        let topic = (order.group_id.as_str(), "work_order.overdue");
        crate::outbox::enqueue(conn, topic, &order.place(), subject, &facts, now)?;
    }
    Ok(())
}

fn notice<'a>(
    group_id: &'a str,
    kind: &'a str,
    subject: (&'a str, &'a str),
    title: String,
    facts: &serde_json::Value,
) -> Notice<'a> {
    Notice { group_id, kind, subject, title, payload: facts.clone() }
}
