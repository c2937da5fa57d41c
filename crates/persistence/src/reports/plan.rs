//! The periodic job of the reports: it plans every group's obligations ahead (each period whose
//! due falls within the next [`HORIZON_DAYS`], for every project or department that owes it),
//! reminds the preparers before the due and tells them once it is breached, through the
//! per-user inbox.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use kefu_domain::{
    calendar::BusinessCalendar,
    schedule::{
        Cadence, ObligationState, ReportDefinition, ReportDefinitions, Responsible,
        ScheduledPeriod, move_in_period, schedule_for_year,
    },
};

use super::{definitions::in_force, obligations::Obligation};
use crate::{
    calendars,
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    grants,
    ids::{new_id, to_db},
    notifications::{Notice, notify},
    schema::{departments, groups, projects, report_obligations},
    scope::Place,
};

/// How far ahead obligations are planned: every period due within the next 31 days.
pub const HORIZON_DAYS: i64 = 31;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Planned {
    /// Obligations made.
    pub made: usize,
    /// Reminders before the due (obligations, each told once).
    pub reminded: usize,
    /// Breaches told (obligations, each told once).
    pub overdue: usize,
}

/// One owner of an obligation: (company, project, department).
type Owner = (String, Option<String>, Option<String>);

/// Plans, reminds and tells breaches for every group.
pub fn run(conn: &mut Conn, now: DateTime<Utc>) -> Result<Planned, StoreError> {
    let ids: Vec<String> =
        groups::table.select(groups::id).order(groups::id.asc()).load(conn.raw())?;
    let mut done = Planned::default();
    for group in ids {
        // Another node planned the same obligation at the same moment: the unique key holds
        // and this node's try of the group is rolled back (the next round finds it made).
        done.made += match transaction(conn.raw(), |conn| plan_group(conn, &group, now)) {
            Err(StoreError::Conflict(_)) => 0,
            other => other?,
        };
    }
    done.reminded = transaction(conn.raw(), |conn| remind(conn, now, false))?;
    done.overdue = transaction(conn.raw(), |conn| remind(conn, now, true))?;
    Ok(done)
}

/// Makes the group's obligations due within the horizon that do not exist yet.
fn plan_group(
    conn: &mut DbConnection,
    group: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let Some(calendar) = calendars::default_of(conn, Some(group))? else { return Ok(0) };
    let calendar = calendars::load_any(conn, &calendar)?;
    let definitions = in_force(conn, group)?.set.definitions;
    let until = now + TimeDelta::days(HORIZON_DAYS);
    let year = now.with_timezone(&calendar.time_zone()).date_naive().format("%Y").to_string();
    let year: i32 = year.parse().unwrap_or(2026);
    let mut made = 0;
    for def in definitions.iter().filter(|d| d.active && d.cadence != Cadence::PerEvent) {
        let owners = owners(conn, group, def)?;
        if owners.is_empty() {
            continue;
        }
        let periods: Vec<(ScheduledPeriod, Option<&Owner>)> = if def.cadence == Cadence::MoveIn {
            move_in_dues(conn, def, &owners, &calendar)?
        } else {
            let mut all = schedule_for_year(def, year, &calendar).map_err(calc)?;
            all.extend(schedule_for_year(def, year + 1, &calendar).map_err(calc)?);
            all.into_iter().map(|p| (p, None)).collect()
        };
        for (due, only) in periods {
            if due.due_at < now || due.due_at > until {
                continue;
            }
            for owner in owners.iter().filter(|o| only.is_none_or(|x| x == *o)) {
                made += usize::from(make(conn, group, def, &due, owner, now)?);
            }
        }
    }
    Ok(made)
}

fn calc(e: kefu_domain::calendar::CalendarError) -> StoreError {
    StoreError::Corrupt(format!("report schedule: {e}"))
}

/// The projects or departments that owe a definition.
fn owners(
    conn: &mut DbConnection,
    group: &str,
    def: &ReportDefinition,
) -> Result<Vec<Owner>, StoreError> {
    Ok(match def.responsible {
        Responsible::Project => projects::table
            .filter(projects::group_id.eq(group))
            .filter(projects::archived_at.is_null())
            .select((projects::company_id, projects::id))
            .order(projects::id.asc())
            .load::<(String, String)>(conn)?
            .into_iter()
            .map(|(company, project)| (company, Some(project), None))
            .collect(),
        Responsible::Department => {
            let Some(kind) = def.department_kind else { return Ok(Vec::new()) };
            departments::table
                .filter(departments::group_id.eq(group))
                .filter(departments::kind.eq(kind.as_str()))
                .filter(departments::archived_at.is_null())
                .select((departments::company_id, departments::id))
                .order(departments::id.asc())
                .load::<(String, String)>(conn)?
                .into_iter()
                .map(|(company, department)| (company, None, Some(department)))
                .collect()
        }
    })
}

/// The move-in report of each owning project with a move-in end (R-RP-10).
fn move_in_dues<'a>(
    conn: &mut DbConnection,
    def: &ReportDefinition,
    owners: &'a [Owner],
    calendar: &BusinessCalendar,
) -> Result<Vec<(ScheduledPeriod, Option<&'a Owner>)>, StoreError> {
    let mut out = Vec::new();
    for owner in owners {
        let Some(project) = &owner.1 else { continue };
        let (handover, ends): (Option<String>, Option<String>) = projects::table
            .find(project)
            .select((projects::handover_on, projects::move_in_ends_on))
            .first(conn)?;
        let Some(ends) = ends.and_then(|d| d.parse::<NaiveDate>().ok()) else { continue };
        let start = handover.and_then(|d| d.parse().ok()).unwrap_or(ends);
        out.push((move_in_period(def, start, ends, calendar).map_err(calc)?, Some(owner)));
    }
    Ok(out)
}

/// Makes one obligation unless it exists; whether it was made.
fn make(
    conn: &mut DbConnection,
    group: &str,
    def: &ReportDefinition,
    due: &ScheduledPeriod,
    (company, project, department): &Owner,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let responsible = project.as_ref().or(department.as_ref()).cloned().unwrap_or_default();
    let start = due.period.start.to_string();
    let exists: i64 = report_obligations::table
        .filter(report_obligations::group_id.eq(group))
        .filter(report_obligations::code.eq(&def.code))
        .filter(report_obligations::period_start.eq(&start))
        .filter(report_obligations::responsible_id.eq(&responsible))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    let remind_at = due.due_at - TimeDelta::hours(i64::from(def.remind_hours_before));
    let kind = if project.is_some() { Responsible::Project } else { Responsible::Department };
    let id = new_id();
    diesel::insert_into(report_obligations::table)
        .values((
            crate::kit::new_row!(report_obligations, &id, now),
            (report_obligations::group_id.eq(group), report_obligations::company_id.eq(company)),
            (report_obligations::code.eq(&def.code), report_obligations::rule_id.eq(&def.rule_id)),
            report_obligations::label_zh.eq(&def.label_zh),
            report_obligations::period_start.eq(&start),
            report_obligations::period_end.eq(due.period.end.to_string()),
            report_obligations::responsible_type.eq(kind.as_str()),
            report_obligations::responsible_id.eq(&responsible),
            (
                report_obligations::project_id.eq(project),
                report_obligations::department_id.eq(department),
            ),
            report_obligations::nominal_due_at.eq(to_db(due.nominal_due_at)),
            report_obligations::due_at.eq(to_db(due.due_at)),
            report_obligations::moved.eq(due.moved),
            report_obligations::period_closed_at_due.eq(due.period_closed_at_due),
            report_obligations::remind_at.eq(to_db(remind_at)),
            report_obligations::state.eq(ObligationState::Pending.as_str()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Tells the preparers of every unsubmitted obligation whose reminder time (or, for
/// `overdue`, whose due) has passed, once: the flag is set by a conditional update, so two
/// nodes never tell twice.
fn remind(conn: &mut DbConnection, now: DateTime<Utc>, overdue: bool) -> Result<usize, StoreError> {
    let mut q = report_obligations::table
        .filter(report_obligations::submitted_at.is_null())
        .filter(report_obligations::state.eq(ObligationState::Pending.as_str()))
        .select(Obligation::as_select())
        .order(report_obligations::due_at.asc())
        .limit(500)
        .into_boxed();
    q = if overdue {
        q.filter(report_obligations::due_at.lt(to_db(now)))
            .filter(report_obligations::overdue_notified_at.is_null())
    } else {
        q.filter(report_obligations::remind_at.le(to_db(now)))
            .filter(report_obligations::due_at.ge(to_db(now)))
            .filter(report_obligations::reminded_at.is_null())
    };
    let due: Vec<Obligation> = q.load(conn)?;
    let mut told = 0;
    // Each group's definitions, read once per run rather than once per obligation.
    let mut sets: std::collections::HashMap<String, ReportDefinitions> = Default::default();
    for o in due {
        let target = report_obligations::table.filter(report_obligations::id.eq(&o.id));
        let changed = if overdue {
            diesel::update(target.filter(report_obligations::overdue_notified_at.is_null()))
                .set(report_obligations::overdue_notified_at.eq(to_db(now)))
                .execute(conn)?
        } else {
            diesel::update(target.filter(report_obligations::reminded_at.is_null()))
                .set(report_obligations::reminded_at.eq(to_db(now)))
                .execute(conn)?
        };
        if changed == 0 {
            continue;
        }
        if !sets.contains_key(&o.group_id) {
            sets.insert(o.group_id.clone(), in_force(conn, &o.group_id)?.set);
        }
        let role = sets
            .get(&o.group_id)
            .and_then(|set| set.get(&o.code))
            .map_or(kefu_domain::access::Role::CsSpecialist, |d| d.preparing_role);
        let users = preparers(conn, &o, role)?;
        let (kind, verb) = if overdue {
            ("report_overdue", "已逾期")
        } else {
            ("report_due_soon", "即将到期")
        };
        let notice = Notice {
            group_id: &o.group_id,
            kind,
            subject: ("report_obligation", &o.id),
            title: format!("报表{verb}：{}（{} 至 {}）", o.label_zh, o.period_start, o.period_end),
            payload: serde_json::json!({
                "code": o.code, "rule_id": o.rule_id, "period_start": o.period_start,
                "period_end": o.period_end, "due_at": o.due_at.and_utc(),
            }),
        };
        notify(conn, &users, &notice, now)?;
        told += 1;
    }
    Ok(told)
}

/// Who prepares an obligation (R-RP-14): the holders of the definition's preparing role over
/// the project or department (and a department's coordinator).
fn preparers(
    conn: &mut DbConnection,
    o: &Obligation,
    role: kefu_domain::access::Role,
) -> Result<Vec<String>, StoreError> {
    let place = Place {
        company: Some(o.company_id.clone()),
        project: o.project_id.clone(),
        department: o.department_id.clone(),
    };
    let mut users = grants::holders(conn, &o.group_id, &[role], &place)?;
    if let Some(department) = &o.department_id {
        let coordinator: Option<String> = departments::table
            .find(department)
            .select(departments::coordinator_id)
            .first(conn)
            .optional()?
            .flatten();
        users.extend(coordinator);
    }
    Ok(users)
}
