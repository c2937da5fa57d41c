//! The versioned SLA policy and the SLA clocks computed from it.
//!
//! Every edit of the policy is a new version; a clock remembers the version it started under,
//! so a later edit never changes a running clock's rules. When a calendar changes (next
//! year's holidays arrive), every unfinished clock on it is recomputed, each recompute leaving
//! an audit event with the old and the new due.

use std::collections::{HashMap, hash_map::Entry};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::sla::{self, ClockRun, ClockState, ClockStatus, NegotiatedDue, SlaPolicy};

use crate::{
    audit::{self, Actor, NewAuditEvent},
    calendars,
    db::DbConnection,
    error::StoreError,
    ids::{from_db, new_id, to_db},
    schema::{sla_clocks, sla_policies},
};

/// One version of the policy.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyVersion {
    /// 1, 2, …; the highest is in force.
    pub version: i64,
    /// The clocks.
    pub policy: SlaPolicy,
    /// When this version was made.
    pub created_at: DateTime<Utc>,
    /// Who made it (`None` for the shipped defaults).
    pub created_by: Option<String>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn policy_of(
    row: (i64, String, NaiveDateTime, Option<String>),
) -> Result<PolicyVersion, StoreError> {
    let (version, document, created_at, created_by) = row;
    Ok(PolicyVersion {
        version,
        policy: serde_json::from_str(&document).map_err(|e| corrupt("SLA policy", e))?,
        created_at: from_db(created_at),
        created_by,
    })
}

/// The version in force, if any was stored.
pub fn current_policy(conn: &mut DbConnection) -> Result<Option<PolicyVersion>, StoreError> {
    let row = sla_policies::table
        .order(sla_policies::version.desc())
        .select((
            sla_policies::version,
            sla_policies::document,
            sla_policies::created_at,
            sla_policies::created_by,
        ))
        .first(conn)
        .optional()?;
    row.map(policy_of).transpose()
}

/// One version.
pub fn policy_version(conn: &mut DbConnection, version: i64) -> Result<PolicyVersion, StoreError> {
    let row = sla_policies::table
        .find(version)
        .select((
            sla_policies::version,
            sla_policies::document,
            sla_policies::created_at,
            sla_policies::created_by,
        ))
        .first(conn)?;
    policy_of(row)
}

fn insert_policy(
    conn: &mut DbConnection,
    version: i64,
    policy: &SlaPolicy,
    created_by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let document = serde_json::to_string(policy).map_err(|e| corrupt("SLA policy", e))?;
    diesel::insert_into(sla_policies::table)
        .values((
            sla_policies::version.eq(version),
            sla_policies::document.eq(document),
            sla_policies::created_at.eq(to_db(now)),
            sla_policies::created_by.eq(created_by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stores the shipped defaults (the clock column of RULES.md §3) as version 1 when no policy
/// exists. Safe when several nodes start at once.
pub fn ensure_default_policy(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if current_policy(conn)?.is_some() {
        return Ok(false);
    }
    match insert_policy(conn, 1, &SlaPolicy::default(), None, now) {
        Ok(()) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Stores a new version if `expected` is still the one in force (else `StaleVersion`).
pub fn put_policy(
    conn: &mut DbConnection,
    expected: i64,
    policy: &SlaPolicy,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<PolicyVersion, StoreError> {
    crate::transaction(conn, |conn| {
        let current = current_policy(conn)?.map_or(0, |p| p.version);
        if current != expected {
            return Err(StoreError::StaleVersion { current });
        }
        let by = match &actor {
            Actor::User(id) | Actor::Client(id) => Some(id.clone()),
            Actor::System => None,
        };
        // Two concurrent edits both read `current`; the primary key lets only one insert.
        insert_policy(conn, current + 1, policy, by.as_deref(), now).map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::StaleVersion { current: current + 1 },
            other => other,
        })?;
        audit::record(
            conn,
            NewAuditEvent {
                at: now,
                actor,
                action: "sla_policy.versioned",
                subject_type: "sla_policy",
                subject_id: Some(&(current + 1).to_string()),
                request_id: None,
                payload: serde_json::json!({ "clocks": policy.clocks.len() }),
            },
        )?;
        policy_version(conn, current + 1)
    })
}

/// A stored clock.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockRecord {
    /// UUIDv7.
    pub id: String,
    /// What it times (`complaint`) and which one.
    pub subject: (String, String),
    /// The clock's name in the policy.
    pub clock: String,
    /// The rule it implements.
    pub rule_id: String,
    /// The calendar it counts on.
    pub calendar_id: String,
    /// The policy version it started under.
    pub policy_version: i64,
    /// Its facts.
    pub run: ClockRun,
    /// The due as last computed.
    pub due_at: DateTime<Utc>,
    /// The state as last computed.
    pub state: ClockState,
    /// Optimistic-concurrency version.
    pub version: i64,
}

fn state_name(state: ClockState) -> &'static str {
    match state {
        ClockState::Running => "running",
        ClockState::Paused => "paused",
        ClockState::Warning => "warning",
        ClockState::Breached => "breached",
        ClockState::Met => "met",
        ClockState::MetLate => "met_late",
    }
}

fn parse_state(s: &str) -> Result<ClockState, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| corrupt("clock state", e))
}

type ClockRow =
    (String, String, String, String, String, String, i64, String, NaiveDateTime, String, i64);

fn clock_of(row: ClockRow) -> Result<ClockRecord, StoreError> {
    let (
        id,
        subject_type,
        subject_id,
        clock,
        rule_id,
        calendar_id,
        policy_version,
        run,
        due_at,
        state,
        version,
    ) = row;
    Ok(ClockRecord {
        id,
        subject: (subject_type, subject_id),
        clock,
        rule_id,
        calendar_id,
        policy_version,
        run: serde_json::from_str(&run).map_err(|e| corrupt("clock run", e))?,
        due_at: from_db(due_at),
        state: parse_state(&state)?,
        version,
    })
}

macro_rules! clock_columns {
    () => {
        (
            sla_clocks::id,
            sla_clocks::subject_type,
            sla_clocks::subject_id,
            sla_clocks::clock,
            sla_clocks::rule_id,
            sla_clocks::calendar_id,
            sla_clocks::policy_version,
            sla_clocks::run,
            sla_clocks::due_at,
            sla_clocks::state,
            sla_clocks::version,
        )
    };
}

/// Computes a clock's status under the policy version it belongs to.
fn status(
    policy: &SlaPolicy,
    clock: &str,
    run: &ClockRun,
    calendar: &kefu_domain::calendar::BusinessCalendar,
    now: DateTime<Utc>,
) -> Result<ClockStatus, StoreError> {
    let def = policy
        .clock(clock)
        .ok_or_else(|| corrupt("clock", format!("`{clock}` is not in its policy")))?;
    sla::compute(def, run, calendar, now).map_err(|e| corrupt("clock", e))
}

/// Starts a clock of the policy in force for a subject, on a calendar.
pub fn start_clock(
    conn: &mut DbConnection,
    subject: (&str, &str),
    clock: &str,
    calendar_id: &str,
    run: ClockRun,
    now: DateTime<Utc>,
) -> Result<ClockRecord, StoreError> {
    crate::transaction(conn, |conn| {
        let policy = current_policy(conn)?.ok_or(StoreError::NotFound)?;
        let def = policy.policy.clock(clock).ok_or(StoreError::NotFound)?;
        let calendar = calendars::load(conn, calendar_id)?;
        let computed = status(&policy.policy, clock, &run, &calendar, now)?;
        let id = new_id();
        diesel::insert_into(sla_clocks::table)
            .values((
                sla_clocks::id.eq(&id),
                sla_clocks::subject_type.eq(subject.0),
                sla_clocks::subject_id.eq(subject.1),
                sla_clocks::clock.eq(clock),
                sla_clocks::rule_id.eq(&def.rule_id),
                sla_clocks::calendar_id.eq(calendar_id),
                sla_clocks::policy_version.eq(policy.version),
                sla_clocks::started_at.eq(to_db(run.started_at)),
                sla_clocks::stopped_at.eq(run.stopped_at.map(to_db)),
                sla_clocks::due_at.eq(to_db(computed.due)),
                sla_clocks::state.eq(state_name(computed.state)),
                sla_clocks::run
                    .eq(serde_json::to_string(&run).map_err(|e| corrupt("clock run", e))?),
                sla_clocks::updated_at.eq(to_db(now)),
                sla_clocks::version.eq(1_i64),
            ))
            .execute(conn)?;
        get_clock(conn, &id)
    })
}

/// One clock.
pub fn get_clock(conn: &mut DbConnection, id: &str) -> Result<ClockRecord, StoreError> {
    clock_of(sla_clocks::table.find(id).select(clock_columns!()).first(conn)?)
}

/// Recomputes every unfinished clock on a calendar (after its settings or a year's schedule
/// changed); each recompute is an audit event with the old and the new due. Returns how many
/// clocks were recomputed.
pub fn recompute_calendar(
    conn: &mut DbConnection,
    calendar_id: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    crate::transaction(conn, |conn| {
        let rows: Vec<ClockRow> = sla_clocks::table
            .filter(sla_clocks::calendar_id.eq(calendar_id))
            .filter(sla_clocks::state.ne_all(["met", "met_late"]))
            .order(sla_clocks::id.asc())
            .select(clock_columns!())
            .load(conn)?;
        if rows.is_empty() {
            return Ok(0);
        }
        let calendar = calendars::load(conn, calendar_id)?;
        let mut policies: HashMap<i64, SlaPolicy> = HashMap::new();
        let mut count = 0;
        for row in rows {
            let clock = clock_of(row)?;
            let policy = match policies.entry(clock.policy_version) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(slot) => {
                    slot.insert(policy_version(conn, clock.policy_version)?.policy)
                }
            };
            let computed = status(policy, &clock.clock, &clock.run, &calendar, now)?;
            diesel::update(sla_clocks::table.find(&clock.id))
                .set((
                    sla_clocks::due_at.eq(to_db(computed.due)),
                    sla_clocks::state.eq(state_name(computed.state)),
                    sla_clocks::updated_at.eq(to_db(now)),
                    sla_clocks::version.eq(sla_clocks::version + 1),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                NewAuditEvent {
                    at: now,
                    actor: actor.clone(),
                    action: "sla_clock.recomputed",
                    subject_type: "sla_clock",
                    subject_id: Some(&clock.id),
                    request_id: None,
                    payload: serde_json::json!({
                        "calendar_id": calendar_id,
                        "clock": clock.clock,
                        "subject": { "type": clock.subject.0, "id": clock.subject.1 },
                        "old_due": clock.due_at.to_rfc3339(),
                        "new_due": computed.due.to_rfc3339(),
                        "state": state_name(computed.state),
                    }),
                },
            )?;
            count += 1;
        }
        Ok(count)
    })
}

/// Replaces a clock's due with a deadline negotiated with the customer (R-T-9), recording who
/// agreed it (and so keeps it), with its audit event.
pub fn negotiate(
    conn: &mut DbConnection,
    clock_id: &str,
    due: DateTime<Utc>,
    agreed_by: &str,
    now: DateTime<Utc>,
) -> Result<ClockRecord, StoreError> {
    crate::transaction(conn, |conn| {
        let mut clock = get_clock(conn, clock_id)?;
        let old_due = clock.due_at;
        clock.run.negotiated_due =
            Some(NegotiatedDue { due, agreed_by: agreed_by.to_owned(), agreed_at: now });
        let policy = policy_version(conn, clock.policy_version)?.policy;
        let calendar = calendars::load(conn, &clock.calendar_id)?;
        let computed = status(&policy, &clock.clock, &clock.run, &calendar, now)?;
        let run = serde_json::to_string(&clock.run).map_err(|e| corrupt("clock run", e))?;
        diesel::update(sla_clocks::table.find(clock_id))
            .set((
                sla_clocks::run.eq(run),
                sla_clocks::due_at.eq(to_db(computed.due)),
                sla_clocks::state.eq(state_name(computed.state)),
                sla_clocks::updated_at.eq(to_db(now)),
                sla_clocks::version.eq(sla_clocks::version + 1),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            NewAuditEvent {
                at: now,
                actor: Actor::User(agreed_by.to_owned()),
                action: "sla_clock.negotiated",
                subject_type: "sla_clock",
                subject_id: Some(clock_id),
                request_id: None,
                payload: serde_json::json!({
                    "old_due": old_due.to_rfc3339(),
                    "new_due": computed.due.to_rfc3339(),
                    "agreed_by": agreed_by,
                }),
            },
        )?;
        get_clock(conn, clock_id)
    })
}
