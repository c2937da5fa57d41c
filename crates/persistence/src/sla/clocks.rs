//! SLA clocks (时限): one row per clock of a subject, with the policy version and the calendar it
//! runs on. When a calendar changes (next year's holidays arrive), every unfinished clock on it,
//! and on the calendars based on it, is recomputed, each recompute leaving an audit event with
//! the old and the new due.

use std::collections::{HashMap, hash_map::Entry};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    calendar::BusinessCalendar,
    ids::{CalendarId, GroupId},
    sla::{self, ClockRun, ClockState, ClockStatus, Happening, NegotiatedDue, SlaPolicy, Told},
};

use super::{COLUMNS, PolicyVersion, current};
use crate::{
    audit::{Acting, Actor, Event},
    calendars,
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    schema::{calendars as calendar_rows, sla_clocks, sla_policies},
    scope::Place,
};

/// A stored clock.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = sla_clocks)]
pub struct ClockRecord {
    /// UUIDv7.
    pub id: String,
    /// What it times (`complaint`).
    pub subject_type: String,
    /// Which one.
    pub subject_id: String,
    /// The clock's name in the policy.
    pub clock: String,
    /// The rule it implements.
    pub rule_id: String,
    /// The calendar it counts on.
    pub calendar_id: String,
    /// The policy version it started under (its row).
    pub policy_id: String,
    /// That version's number.
    pub policy_version: i64,
    /// Its facts.
    #[diesel(deserialize_as = String)]
    pub run: Run,
    /// The due as last computed (naive UTC).
    pub due_at: NaiveDateTime,
    /// The state as last computed.
    #[diesel(deserialize_as = String)]
    pub state: ClockState,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// When the sweep warned its owner about the current period.
    pub warned_at: Option<NaiveDateTime>,
    /// When the sweep recorded and escalated the current period's breach.
    pub breached_at: Option<NaiveDateTime>,
}

impl ClockRecord {
    /// What the sweep has done about the current period.
    pub fn told(&self) -> Told {
        Told { warned: self.warned_at.is_some(), breached: self.breached_at.is_some() }
    }
}

/// A clock's stored facts, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Run(pub ClockRun);

impl TryFrom<String> for Run {
    type Error = serde_json::Error;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&text).map(Self)
    }
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn run_json(run: &ClockRun) -> Result<String, StoreError> {
    serde_json::to_string(run).map_err(|e| corrupt("clock run", e))
}

/// Computes a clock's status under the policy version it belongs to.
pub(crate) fn status(
    policy: &SlaPolicy,
    clock: &str,
    run: &ClockRun,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Result<ClockStatus, StoreError> {
    let def = policy
        .clock(clock)
        .ok_or_else(|| corrupt("clock", format!("`{clock}` is not in its policy")))?;
    sla::compute(def, run, calendar, now).map_err(|e| corrupt("clock", e))
}

/// The next instant the deadline sweep must look at a clock (see [`sla::next_check`]).
pub(crate) fn check_at(
    policy: &SlaPolicy,
    clock: &str,
    (run, told): (&ClockRun, Told),
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Result<Option<NaiveDateTime>, StoreError> {
    let def = policy
        .clock(clock)
        .ok_or_else(|| corrupt("clock", format!("`{clock}` is not in its policy")))?;
    let next = sla::next_check(def, run, calendar, told, now).map_err(|e| corrupt("clock", e))?;
    Ok(next.map(to_db))
}

/// Starts a clock of the group's policy in force for a subject, on a calendar.
pub fn start_clock(
    conn: &mut Conn,
    group_id: &GroupId,
    (subject_type, subject_id): (&str, &str),
    (clock, calendar_id): (&str, &CalendarId),
    run: ClockRun,
    now: DateTime<Utc>,
) -> Result<ClockRecord, StoreError> {
    let (group_id, calendar_id) = (group_id.as_str(), calendar_id.as_str());
    transaction(conn.raw(), |conn| {
        let policy = current(conn, Some(group_id))?.ok_or(StoreError::NotFound)?;
        let calendar = calendars::load_any(conn, calendar_id)?;
        let id = insert(
            conn,
            &policy,
            (subject_type, subject_id),
            (clock, calendar_id),
            (&run, &calendar),
            now,
        )?;
        find(conn, &id)
    })
}

/// Inserts a clock instance of `policy`, computed at `now`; its id.
fn insert(
    conn: &mut DbConnection,
    policy: &PolicyVersion,
    (subject_type, subject_id): (&str, &str),
    (clock, calendar_id): (&str, &str),
    (run, calendar): (&ClockRun, &BusinessCalendar),
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let def = policy.policy.0.clock(clock).ok_or(StoreError::NotFound)?;
    let computed = status(&policy.policy.0, clock, run, calendar, now)?;
    let id = new_id();
    diesel::insert_into(sla_clocks::table)
        .values((
            (sla_clocks::id.eq(&id), sla_clocks::subject_type.eq(subject_type)),
            (sla_clocks::subject_id.eq(subject_id), sla_clocks::clock.eq(clock)),
            (sla_clocks::rule_id.eq(&def.rule_id), sla_clocks::calendar_id.eq(calendar_id)),
            (sla_clocks::policy_id.eq(&policy.id), sla_clocks::policy_version.eq(policy.version)),
            sla_clocks::started_at.eq(to_db(run.started_at)),
            sla_clocks::stopped_at.eq(run.stopped_at.map(to_db)),
            (
                sla_clocks::due_at.eq(to_db(computed.due)),
                sla_clocks::state.eq(computed.state.as_str()),
            ),
            (sla_clocks::run.eq(run_json(run)?), sla_clocks::updated_at.eq(to_db(now))),
            sla_clocks::version.eq(1_i64),
            sla_clocks::check_at.eq(check_at(
                &policy.policy.0,
                clock,
                (run, Told::default()),
                calendar,
                now,
            )?),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A clock as of an instant: its record, its status then and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockNow {
    /// The stored clock.
    pub record: ClockRecord,
    /// Its due and state at the instant.
    pub status: ClockStatus,
    /// Its label in its policy (`自行处理完毕`).
    pub label: String,
}

/// The calendars and policy versions of the clocks at hand, each loaded once.
#[derive(Default)]
pub(crate) struct Loaded {
    calendars: HashMap<String, BusinessCalendar>,
    policies: HashMap<String, SlaPolicy>,
}

impl Loaded {
    /// The policy version and the calendar `clock` runs on, loaded on first use.
    pub(crate) fn of(
        &mut self,
        conn: &mut DbConnection,
        clock: &ClockRecord,
    ) -> Result<(&SlaPolicy, &BusinessCalendar), StoreError> {
        if let Entry::Vacant(slot) = self.calendars.entry(clock.calendar_id.clone()) {
            slot.insert(calendars::load_any(conn, &clock.calendar_id)?);
        }
        if let Entry::Vacant(slot) = self.policies.entry(clock.policy_id.clone()) {
            slot.insert(policy_of(conn, &clock.policy_id)?);
        }
        Ok((&self.policies[&clock.policy_id], &self.calendars[&clock.calendar_id]))
    }

    /// A clock as of `now`.
    fn now(
        &mut self,
        conn: &mut DbConnection,
        record: ClockRecord,
        now: DateTime<Utc>,
    ) -> Result<ClockNow, StoreError> {
        let (policy, calendar) = self.of(conn, &record)?;
        let status = status(policy, &record.clock, &record.run.0, calendar, now)?;
        let label = policy.clock(&record.clock).map(|d| d.label_zh.clone()).unwrap_or_default();
        Ok(ClockNow { record, status, label })
    }
}

/// Every clock of a subject computed at `now`, oldest first: a clock past its due reads
/// `breached` at once, whatever was stored when it last changed.
pub(crate) fn now_of(
    conn: &mut DbConnection,
    subject: (&str, &str),
    now: DateTime<Utc>,
) -> Result<Vec<ClockNow>, StoreError> {
    let mut loaded = Loaded::default();
    of_subject(conn, subject)?.into_iter().map(|r| loaded.now(conn, r, now)).collect()
}

/// The clocks of several subjects of one type computed at `now`, by subject id (oldest
/// first): one query for all, each calendar and policy version loaded once.
pub(crate) fn now_of_many(
    conn: &mut DbConnection,
    subject_type: &str,
    ids: &[&str],
    now: DateTime<Utc>,
) -> Result<HashMap<String, Vec<ClockNow>>, StoreError> {
    let records: Vec<ClockRecord> = sla_clocks::table
        .filter(sla_clocks::subject_type.eq(subject_type))
        .filter(sla_clocks::subject_id.eq_any(ids))
        .order(sla_clocks::id.asc())
        .select(ClockRecord::as_select())
        .load(conn)?;
    let mut loaded = Loaded::default();
    let mut out: HashMap<String, Vec<ClockNow>> = HashMap::new();
    for record in records {
        let subject = record.subject_id.clone();
        out.entry(subject).or_default().push(loaded.now(conn, record, now)?);
    }
    Ok(out)
}

/// Every clock of a subject, oldest first.
pub(crate) fn of_subject(
    conn: &mut DbConnection,
    (subject_type, subject_id): (&str, &str),
) -> Result<Vec<ClockRecord>, StoreError> {
    Ok(sla_clocks::table
        .filter(sla_clocks::subject_type.eq(subject_type))
        .filter(sla_clocks::subject_id.eq(subject_id))
        .order(sla_clocks::id.asc())
        .select(ClockRecord::as_select())
        .load(conn)?)
}

/// Applies what happened to a subject to its clocks, inside the caller's transaction (the
/// subject's change, its clocks and its events commit together): the subject's open clocks
/// stop, reset, pause, resume or are cancelled under the policy version each started with;
/// clocks of the group's policy in force start on `calendar_id`. Returns every clock of the
/// subject afterwards, oldest first.
pub(crate) fn react(
    conn: &mut DbConnection,
    group_id: &GroupId,
    subject: (&str, &str),
    calendar_id: &CalendarId,
    happening: &Happening<'_>,
) -> Result<Vec<ClockRecord>, StoreError> {
    let at = happening.at;
    let existing = of_subject(conn, subject)?;
    let mut loaded = Loaded::default();
    let mut by_policy: HashMap<&str, Vec<&ClockRecord>> = HashMap::new();
    for clock in &existing {
        by_policy.entry(clock.policy_id.as_str()).or_default().push(clock);
    }
    for clocks in by_policy.into_values() {
        let view: Vec<(&str, &ClockRun)> =
            clocks.iter().map(|c| (c.clock.as_str(), &c.run.0)).collect();
        let (policy, _) = loaded.of(conn, clocks[0])?;
        for (index, run) in sla::react(policy, &view, happening).changed {
            let clock = clocks[index];
            let rules = loaded.of(conn, clock)?;
            update(conn, clock, rules, &run, at)?;
        }
    }
    let current = current(conn, Some(group_id.as_str()))?.ok_or(StoreError::NotFound)?;
    let view: Vec<(&str, &ClockRun)> =
        existing.iter().map(|c| (c.clock.as_str(), &c.run.0)).collect();
    let started = sla::react(&current.policy.0, &view, happening).started;
    if !started.is_empty() {
        let calendar = calendars::load_any(conn, calendar_id.as_str())?;
        for (clock, run) in started {
            insert(conn, &current, subject, (&clock, calendar_id.as_str()), (&run, &calendar), at)?;
        }
    }
    of_subject(conn, subject)
}

fn find(conn: &mut DbConnection, id: &str) -> Result<ClockRecord, StoreError> {
    Ok(sla_clocks::table.find(id).select(ClockRecord::as_select()).first(conn)?)
}

/// One clock.
pub fn get_clock(conn: &mut Conn, id: &str) -> Result<ClockRecord, StoreError> {
    find(conn.raw(), id)
}

pub(crate) fn policy_of(conn: &mut DbConnection, id: &str) -> Result<SlaPolicy, StoreError> {
    let found: PolicyVersion = sla_policies::table.find(id).select(COLUMNS).first(conn)?;
    Ok(found.policy.0)
}

/// Recomputes every unfinished clock on a calendar and on the calendars based on it (after
/// its settings or a year's schedule changed), inside the change's transaction; each
/// recompute is an audit event with the old and the new due. Returns how many were recomputed.
pub(crate) fn recompute_calendar(
    conn: &mut DbConnection,
    acting: &Acting,
    calendar_id: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let based: Vec<String> = calendar_rows::table
        .filter(calendar_rows::base_calendar_id.eq(calendar_id))
        .select(calendar_rows::id)
        .load(conn)?;
    let ids: Vec<&str> =
        std::iter::once(calendar_id).chain(based.iter().map(String::as_str)).collect();
    let rows: Vec<ClockRecord> = sla_clocks::table
        .filter(sla_clocks::calendar_id.eq_any(&ids))
        .filter(sla_clocks::state.ne_all(
            [ClockState::Met, ClockState::MetLate, ClockState::Cancelled].map(ClockState::as_str),
        ))
        .order(sla_clocks::id.asc())
        .select(ClockRecord::as_select())
        .load(conn)?;
    let mut loaded = Loaded::default();
    for clock in &rows {
        let rules = loaded.of(conn, clock)?;
        let computed = update(conn, clock, rules, &clock.run.0, now)?;
        let payload = serde_json::json!({
            "calendar_id": clock.calendar_id,
            "clock": clock.clock,
            "subject": { "type": clock.subject_type, "id": clock.subject_id },
            "old_due": clock.due_at.and_utc().to_rfc3339(),
            "new_due": computed.due.to_rfc3339(),
            "state": computed.state,
        });
        audit(conn, acting, (clock, "sla_clock.recomputed"), payload, now)?;
    }
    Ok(rows.len())
}

/// Stores a clock's new run, its status at `now` and when the sweep must next look at it: a
/// compare-and-swap on the version it was read at. A new period of a recurring clock (R-T-9)
/// or a due agreed anew re-arms its warning and its breach.
fn update(
    conn: &mut DbConnection,
    clock: &ClockRecord,
    (policy, calendar): (&SlaPolicy, &BusinessCalendar),
    run: &ClockRun,
    now: DateTime<Utc>,
) -> Result<ClockStatus, StoreError> {
    let computed = status(policy, &clock.clock, run, calendar, now)?;
    let old = &clock.run.0;
    let rearmed = old.last_reset != run.last_reset || old.negotiated_due != run.negotiated_due;
    let told = if rearmed { Told::default() } else { clock.told() };
    let next = check_at(policy, &clock.clock, (run, told), calendar, now)?;
    let this = sla_clocks::table
        .filter(sla_clocks::id.eq(&clock.id))
        .filter(sla_clocks::version.eq(clock.version));
    let changes = (
        sla_clocks::run.eq(run_json(run)?),
        sla_clocks::due_at.eq(to_db(computed.due)),
        sla_clocks::state.eq(computed.state.as_str()),
        sla_clocks::updated_at.eq(to_db(now)),
        sla_clocks::version.eq(sla_clocks::version + 1),
        sla_clocks::check_at.eq(next),
    );
    // What the sweep told stays as the sweep wrote it (it does not move the version), unless
    // a new period starts.
    let changed = if rearmed {
        let cleared = (
            sla_clocks::warned_at.eq(None::<NaiveDateTime>),
            sla_clocks::breached_at.eq(None::<NaiveDateTime>),
        );
        diesel::update(this).set((changes, cleared)).execute(conn)?
    } else {
        diesel::update(this).set(changes).execute(conn)?
    };
    if changed == 0 {
        let current = sla_clocks::table.find(&clock.id).select(sla_clocks::version).first(conn)?;
        return Err(StoreError::StaleVersion { current });
    }
    Ok(computed)
}

fn audit(
    conn: &mut DbConnection,
    acting: &Acting,
    (clock, action): (&ClockRecord, &str),
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let group: Option<String> =
        sla_policies::table.find(&clock.policy_id).select(sla_policies::group_id).first(conn)?;
    let place = Place::group();
    let subject = ("sla_clock", clock.id.as_str());
    let event = Event { at: now, action, subject, group: group.as_deref(), place: &place, payload };
    acting.record(conn, event)?;
    Ok(())
}

/// Sets a due agreed with the customer on a clock, inside the caller's transaction.
pub(crate) fn set_negotiated(
    conn: &mut DbConnection,
    clock: &ClockRecord,
    agreed: NegotiatedDue,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut run = clock.run.0.clone();
    run.negotiated_due = Some(agreed);
    let policy = policy_of(conn, &clock.policy_id)?;
    let calendar = calendars::load_any(conn, &clock.calendar_id)?;
    update(conn, clock, (&policy, &calendar), &run, now).map(drop)
}

/// Replaces a clock's due with a deadline negotiated with the customer (R-T-9), recording who
/// agreed it (and so keeps it), with its audit event.
pub fn negotiate(
    conn: &mut Conn,
    acting: &Acting,
    clock_id: &str,
    (due, agreed_by): (DateTime<Utc>, &str),
    now: DateTime<Utc>,
) -> Result<ClockRecord, StoreError> {
    transaction(conn.raw(), |conn| {
        let clock = find(conn, clock_id)?;
        let mut run = clock.run.0.clone();
        run.negotiated_due =
            Some(NegotiatedDue { due, agreed_by: agreed_by.to_owned(), agreed_at: now });
        let policy = policy_of(conn, &clock.policy_id)?;
        let calendar = calendars::load_any(conn, &clock.calendar_id)?;
        let computed = update(conn, &clock, (&policy, &calendar), &run, now)?;
        let payload = serde_json::json!({
            "old_due": clock.due_at.and_utc().to_rfc3339(),
            "new_due": computed.due.to_rfc3339(),
            "agreed_by": agreed_by,
        });
        let acting = acting.as_actor(Actor::User(agreed_by.to_owned()));
        audit(conn, &acting, (&clock, "sla_clock.negotiated"), payload, now)?;
        find(conn, clock_id)
    })
}
