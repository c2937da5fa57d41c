//! The year's schedule of a group's reports: every period of every definition (or one) whose
//! due falls in the year, with R-RP-16 applied on the group's default calendar.

use chrono::NaiveDate;
use diesel::prelude::*;
use kefu_domain::schedule::{
    Cadence, ReportDefinition, ScheduledPeriod, move_in_period, schedule_for_year,
};

use super::definitions::in_force;
use crate::{
    calendars, db::Conn, error::StoreError, org::projects, schema::projects as project_rows,
    scope::Scope,
};

/// One period of the schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The definition.
    pub definition: ReportDefinition,
    /// The period and its dues.
    pub period: ScheduledPeriod,
    /// For a move-in report: the project it is about.
    pub project_id: Option<String>,
}

/// The schedule of `year` for the caller's group: one definition (`code`) or all, sorted by
/// due; the calendar used. 404 for an unknown code.
pub fn of_year(
    conn: &mut Conn,
    scope: &Scope,
    year: i32,
    code: Option<&str>,
) -> Result<(String, Vec<Entry>), StoreError> {
    let conn = conn.raw();
    let calendar_id =
        calendars::default_of(conn, Some(&scope.group_id))?.ok_or(StoreError::NotFound)?;
    let calendar = calendars::load_any(conn, &calendar_id)?;
    let set = in_force(conn, &scope.group_id)?.set;
    let definitions: Vec<ReportDefinition> = match code {
        Some(code) => vec![set.get(code).cloned().ok_or(StoreError::NotFound)?],
        None => set.definitions,
    };
    let calc = |e: kefu_domain::calendar::CalendarError| StoreError::Corrupt(e.to_string());
    let mut out = Vec::new();
    for def in definitions {
        if def.cadence == Cadence::MoveIn {
            let rows: Vec<(String, Option<String>, Option<String>)> = project_rows::table
                .filter(projects::within(scope))
                .filter(project_rows::move_in_ends_on.is_not_null())
                .select((
                    project_rows::id,
                    project_rows::handover_on,
                    project_rows::move_in_ends_on,
                ))
                .order(project_rows::id.asc())
                .load(conn)?;
            for (project, handover, ends) in rows {
                let Some(ends) = ends.and_then(|d| d.parse::<NaiveDate>().ok()) else { continue };
                let start = handover.and_then(|d| d.parse().ok()).unwrap_or(ends);
                let period = move_in_period(&def, start, ends, &calendar).map_err(calc)?;
                let tz = calendar.time_zone();
                let due_year = period.due_at.with_timezone(&tz).format("%Y").to_string();
                if due_year == year.to_string() {
                    out.push(Entry { definition: def.clone(), period, project_id: Some(project) });
                }
            }
            continue;
        }
        for period in schedule_for_year(&def, year, &calendar).map_err(calc)? {
            out.push(Entry { definition: def.clone(), period, project_id: None });
        }
    }
    out.sort_by(|a, b| {
        (a.period.due_at, &a.definition.code).cmp(&(b.period.due_at, &b.definition.code))
    });
    Ok((calendar_id, out))
}
