//! A calendar's yearly holiday schedules (放假安排): put, read, remove. A calendar based on a
//! template reads the template's year unless it has one of its own; putting a year gives it
//! its own, removing it returns to the template's. Running SLA clocks are recomputed with the
//! change, in the same transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::calendar::YearSchedule;

use super::{CalendarScope, corrupt, find};
use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::to_db,
    schema::{calendar_years, calendars},
    sla,
};

/// Writes (replaces) one year's schedule of a calendar (inside a transaction).
pub(super) fn write(
    conn: &mut DbConnection,
    id: &str,
    schedule: &YearSchedule,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::delete(calendar_years::table.find((id, schedule.year()))).execute(conn)?;
    diesel::insert_into(calendar_years::table)
        .values((
            calendar_years::calendar_id.eq(id),
            calendar_years::year.eq(schedule.year()),
            calendar_years::source.eq(schedule.source()),
            calendar_years::document.eq(schedule.to_json()),
            calendar_years::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Bumps the calendar's version (its schedules changed, so its ETag must too).
fn touch(conn: &mut DbConnection, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(calendars::table.find(id))
        .set((calendars::updated_at.eq(to_db(now)), calendars::version.eq(calendars::version + 1)))
        .execute(conn)?;
    Ok(())
}

/// Puts (creates or replaces) one year's schedule of its own, with its audit event, and
/// recomputes the running clocks; returns how many were recomputed.
pub fn put_year(
    conn: &mut Conn,
    scope: &CalendarScope,
    id: &str,
    schedule: &YearSchedule,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    transaction(conn.raw(), |conn| {
        let calendar = find(conn, scope, id)?;
        scope.may_change(calendar.group_id.as_deref())?;
        touch(conn, id, now)?;
        write(conn, id, schedule, now)?;
        let payload = serde_json::json!({
            "year": schedule.year(),
            "source": schedule.source(),
            "days": schedule.days().len(),
        });
        scope.audit(conn, ("calendar.year_put", id, calendar.group_id.as_deref()), payload, now)?;
        sla::recompute_calendar(conn, &scope.acting, id, now)
    })
}

/// One year's schedule, its own or its template's, if it has one.
pub fn get_year(
    conn: &mut Conn,
    scope: &CalendarScope,
    id: &str,
    year: i32,
) -> Result<Option<YearSchedule>, StoreError> {
    let conn = conn.raw();
    let calendar = find(conn, scope, id)?;
    let mut doc: Option<String> = None;
    for owner in std::iter::once(id).chain(calendar.base_calendar_id.as_deref()) {
        doc = calendar_years::table
            .find((owner, year))
            .select(calendar_years::document)
            .first(conn)
            .optional()?;
        if doc.is_some() {
            break;
        }
    }
    doc.map(|d| YearSchedule::from_json(&d).map_err(|e| corrupt("calendar year", e))).transpose()
}

/// Removes one year's schedule of its own (the year then comes from its template, or is
/// `assumed`) and recomputes the running clocks; `NotFound` when it had none of its own.
pub fn delete_year(
    conn: &mut Conn,
    scope: &CalendarScope,
    id: &str,
    year: i32,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    transaction(conn.raw(), |conn| {
        let calendar = find(conn, scope, id)?;
        scope.may_change(calendar.group_id.as_deref())?;
        let removed = diesel::delete(calendar_years::table.find((id, year))).execute(conn)?;
        if removed == 0 {
            return Err(StoreError::NotFound);
        }
        touch(conn, id, now)?;
        let payload = serde_json::json!({ "year": year });
        let event = ("calendar.year_deleted", id, calendar.group_id.as_deref());
        scope.audit(conn, event, payload, now)?;
        sla::recompute_calendar(conn, &scope.acting, id, now)?;
        Ok(())
    })
}
