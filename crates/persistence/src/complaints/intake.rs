//! Intake (受理, R-IN): a complaint, early warning or front-desk request is received. One
//! transaction: its number, its row, its grade, the clocks its intake starts, its first timeline
//! entry, its outbox row and its audit event.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Asia::Shanghai;
use diesel::prelude::*;
use kefu_domain::{
    complaint::{
        Category, Channel, ComplaintKind, ComplaintState, Facts, FieldProblem, Flag, Household,
        IntakeFacts, WarningSource, check_intake, intake_events,
    },
    ids::{CalendarId, CustomerId, GroupId, UnitId, UserId},
    sla::{Happening, NegotiatedDue},
};

use super::{
    Complaint, Entry, TimelineActor, created, customer_events, enqueue, is_active_member, timeline,
};
use crate::{
    calendars,
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::new_row,
    org::{projects, units},
    schema::{complaint_numbers, complaints, projects as project_rows},
    scope::{Scope, taken},
    sla::{self, ClockNow, clocks},
};

/// What was received.
#[derive(Debug, Clone)]
pub struct Intake {
    /// What it is.
    pub kind: ComplaintKind,
    /// How it came in.
    pub channel: Channel,
    /// The project.
    pub project_id: String,
    /// The customer (complaints and repairs).
    pub customer_id: Option<CustomerId>,
    /// An early warning's source.
    pub warning_source: Option<WarningSource>,
    /// The unit.
    pub unit_id: Option<String>,
    /// The category.
    pub category: Option<Category>,
    /// What the customer says.
    pub description: String,
    /// The amount claimed, in fen.
    pub amount_claimed_fen: i64,
    /// The flags.
    pub flags: Vec<Flag>,
    /// When it was received (`None`: now).
    pub received_at: Option<DateTime<Utc>>,
    /// Who received it.
    pub received_by: UserId,
    /// The shared problem it names (R-EVT-1).
    pub problem_id: Option<String>,
    /// The system it came from and its id there.
    pub external: Option<(String, String)>,
    /// A due for progress feedback agreed with the customer, and who agreed it (R-T-9).
    pub negotiated: (Option<DateTime<Utc>>, Option<UserId>),
}

/// Why an intake was refused.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// Facts that do not fit: every problem at once.
    #[error("{} invalid", .0.len())]
    Invalid(Vec<FieldProblem>),
    /// The store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for IntakeError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

fn unknown(field: &str, what: &str) -> FieldProblem {
    FieldProblem::new(field, "unknown", format!("no such {what} within your reach"))
}

/// Receives a complaint in a project visible under `read` and within `write`; the complaint
/// with its clocks as of `now`.
pub fn receive(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    intake: &Intake,
    now: DateTime<Utc>,
) -> Result<(Complaint, Vec<ClockNow>), IntakeError> {
    transaction(conn.raw(), |conn| {
        let complaint = receive_in(conn, (read, write), intake, now)?;
        Ok(super::with_clocks(conn, read, &complaint.id, now)?)
    })
}

/// The intake inside the caller's transaction (a dissatisfied callback opens a new complaint
/// through here): the complaint received.
pub(crate) fn receive_in(
    conn: &mut DbConnection,
    (read, write): (&Scope, &Scope),
    intake: &Intake,
    now: DateTime<Utc>,
) -> Result<Complaint, IntakeError> {
    {
        let project = match projects::find(conn, read, &intake.project_id) {
            Err(StoreError::NotFound) => {
                return Err(IntakeError::Invalid(vec![unknown("project_id", "project")]));
            }
            other => other?,
        };
        write.require(&projects::place(&project))?;
        let mut problems = Vec::new();
        if let Some(customer) = &intake.customer_id
            && !customer.as_str().is_empty()
            && let Err(StoreError::NotFound) = crate::customers::find(conn, read, customer.as_str())
        {
            problems.push(unknown("customer_id", "customer"));
        }
        if let Some(unit) = &intake.unit_id {
            match units::find(conn, read, unit) {
                Ok(u) if u.project_id == project.id => {}
                Ok(_) => problems.push(FieldProblem::new(
                    "unit_id",
                    "not_in_project",
                    "the unit is not in the project",
                )),
                Err(StoreError::NotFound) => problems.push(unknown("unit_id", "unit")),
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(problem) = &intake.problem_id {
            match customer_events::take_problem(conn, read, problem, now) {
                Ok(p) if p.project_id == project.id => {}
                Ok(_) => problems.push(FieldProblem::new(
                    "problem_id",
                    "not_in_project",
                    "the problem is not the project's",
                )),
                Err(StoreError::NotFound) => problems.push(unknown("problem_id", "problem")),
                Err(e) => return Err(e.into()),
            }
        }
        if !is_active_member(conn, intake.received_by.as_str(), &project.group_id)? {
            problems.push(unknown("received_by", "active user of your group"));
        }
        let policy = sla::current(conn, Some(&project.group_id))?.ok_or(StoreError::NotFound)?;
        let policy = &policy.policy.0;
        let facts = IntakeFacts {
            kind: intake.kind,
            customer_id: intake.customer_id.as_ref(),
            warning_source: intake.warning_source,
            amount_claimed_fen: intake.amount_claimed_fen,
            received_at: intake.received_at,
            negotiated_due: intake.negotiated.0,
            agreed_by: intake.negotiated.1.as_ref(),
        };
        let received_at = match check_intake(&facts, now, policy.max_backdate_days) {
            Ok(at) if problems.is_empty() => at,
            Ok(_) => return Err(IntakeError::Invalid(problems)),
            Err(more) => {
                problems.extend(more);
                return Err(IntakeError::Invalid(problems));
            }
        };
        let grading = policy.grading.classify(&Facts {
            category: intake.category,
            amount_claimed_fen: intake.amount_claimed_fen,
            flags: &intake.flags,
            in_customer_event: false,
        });
        let number = next_number(conn, &project.company_id, received_at)?;
        let calendar_id = calendar_of(conn, &project.id, &project.group_id)?;
        let id = new_id();
        let receiver = intake.received_by.as_str();
        let (source_system, external_ref) = intake.external.clone().unzip();
        let household = intake.problem_id.as_ref().and_then(|_| {
            let unit = intake.unit_id.clone().map(UnitId::from);
            Household::of(unit.as_ref(), intake.customer_id.as_ref()).map(|h| h.key())
        });
        let flags = serde_json::to_string(&intake.flags).map_err(|e| corrupt(&e))?;
        let rules = serde_json::to_string(&grading.grade_rules).map_err(|e| corrupt(&e))?;
        diesel::insert_into(complaints::table)
            .values((
                new_row!(complaints, &id, now),
                (
                    complaints::group_id.eq(&project.group_id),
                    complaints::company_id.eq(&project.company_id),
                    complaints::project_id.eq(&project.id),
                    complaints::number.eq(&number),
                ),
                (
                    complaints::kind.eq(intake.kind.as_str()),
                    complaints::channel.eq(intake.channel.as_str()),
                    complaints::warning_source.eq(intake.warning_source.map(|w| w.as_str())),
                    complaints::customer_id.eq(intake.customer_id.as_ref().map(|c| c.as_str())),
                    complaints::unit_id.eq(&intake.unit_id),
                    complaints::category.eq(intake.category.map(|c| c.as_str())),
                ),
                (
                    complaints::description.eq(&intake.description),
                    complaints::amount_claimed_fen.eq(intake.amount_claimed_fen),
                    complaints::flags.eq(flags),
                    complaints::grade.eq(grading.grade.as_str()),
                    complaints::grade_rules.eq(rules),
                    complaints::state.eq(ComplaintState::Received.as_str()),
                ),
                (
                    complaints::received_at.eq(to_db(received_at)),
                    complaints::receiver_id.eq(receiver),
                    complaints::owner_id.eq(receiver),
                    complaints::tracker_id.eq(receiver),
                    complaints::callback_owner_id.eq(receiver),
                ),
                (
                    complaints::source_system.eq(source_system),
                    complaints::external_ref.eq(external_ref),
                    complaints::problem_id.eq(&intake.problem_id),
                    complaints::household.eq(household),
                ),
            ))
            .execute(conn)
            .map_err(taken("a complaint with this source_system and external_ref exists".into()))?;
        let started = intake_events(intake.kind, intake.channel);
        let happening = Happening {
            at: received_at,
            events: &started.events,
            state: ComplaintState::Received.as_str(),
            skip: &started.skip_clocks,
            cancel: &[],
            cancel_all: false,
        };
        let group = GroupId::from(project.group_id.clone());
        let ran = clocks::react(conn, &group, ("complaint", &id), &calendar_id, &happening)?;
        if let (Some(due), Some(agreed_by)) = &intake.negotiated {
            let progress = ran.iter().find(|c| c.clock == "progress_feedback");
            if let Some(clock) = progress {
                let agreed =
                    NegotiatedDue { due: *due, agreed_by: agreed_by.to_string(), agreed_at: now };
                clocks::set_negotiated(conn, clock, agreed, now)?;
            }
        }
        let payload = serde_json::json!({
            "number": number,
            "kind": intake.kind,
            "channel": intake.channel,
            "grade": grading.grade,
            "grade_rules": grading.grade_rules,
            "acknowledgement_task": started.acknowledgement_task,
        });
        let (kind, actor_id) = write.actor().parts();
        let actor = TimelineActor { kind, id: actor_id };
        let entry = Entry {
            kind: "received",
            action: None,
            states: (None, Some(ComplaintState::Received)),
            payload: payload.clone(),
        };
        timeline(conn, &id, actor, entry, now)?;
        let complaint = created(conn, (read, write), &id, payload.clone(), now)?;
        enqueue(conn, &complaint, "complaint.created", payload, now)?;
        customer_events::settle(conn, &complaint, &policy.grading, now)?;
        Ok(complaint)
    }
}

fn corrupt(e: &serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("complaint: {e}"))
}

/// The next number of a company in the year (China time) of `received_at`: `TS-2026-000001`.
/// The counter row is created on first use and moved in the intake's transaction, so two
/// intakes never share a number.
fn next_number(
    conn: &mut DbConnection,
    company_id: &str,
    received_at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let year = received_at.with_timezone(&Shanghai).year();
    let first = (
        complaint_numbers::company_id.eq(company_id),
        complaint_numbers::year.eq(year),
        complaint_numbers::last.eq(0_i64),
    );
    let insert =
        diesel::insert_into(complaint_numbers::table).values(first).on_conflict_do_nothing();
    match conn {
        DbConnection::Pg(pg) => insert.execute(pg)?,
        DbConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
    };
    let row = complaint_numbers::table
        .filter(complaint_numbers::company_id.eq(company_id))
        .filter(complaint_numbers::year.eq(year));
    diesel::update(row)
        .set(complaint_numbers::last.eq(complaint_numbers::last + 1))
        .execute(conn)?;
    let last: i64 = row.select(complaint_numbers::last).first(conn)?;
    Ok(format!("TS-{year}-{last:06}"))
}

/// The calendar a project's clocks count on: its own, else its group's default.
pub(crate) fn calendar_of(
    conn: &mut DbConnection,
    project_id: &str,
    group_id: &str,
) -> Result<CalendarId, StoreError> {
    let own: Option<String> =
        project_rows::table.find(project_id).select(project_rows::calendar_id).first(conn)?;
    match own {
        Some(id) => Ok(CalendarId::from(id)),
        None => calendars::default_of(conn, Some(group_id))?
            .map(CalendarId::from)
            .ok_or(StoreError::NotFound),
    }
}
