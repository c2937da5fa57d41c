//! Business calendars (工作日历) and their yearly holiday schedules.
//!
//! A calendar row holds its zone, weekly hours and standard day; each official schedule is a
//! row per year holding the JSON document it was imported as. Loading a calendar builds the
//! domain's [`BusinessCalendar`], which does all the arithmetic.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::calendar::{BusinessCalendar, CalendarConfig, WeeklyHours, YearSchedule};

use crate::{
    audit::{self, Actor, NewAuditEvent},
    db::DbConnection,
    error::StoreError,
    ids::{from_db, new_id, to_db},
    schema::{calendar_years, calendars},
};

/// A stored calendar's settings (without its schedules).
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarRecord {
    /// UUIDv7.
    pub id: String,
    /// What people call it (`中国大陆 Mainland China`, `物业前台 7×24`).
    pub name: String,
    /// Whether this is the calendar used when nothing else is named.
    pub is_default: bool,
    /// IANA time zone.
    pub time_zone: String,
    /// Working blocks per weekday.
    pub week: WeeklyHours,
    /// Length of `1WD`, in minutes.
    pub standard_day_minutes: u32,
    /// Years with an official schedule, ascending, with the notice each restates.
    pub years: Vec<(i32, Option<String>)>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version, the ETag.
    pub version: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = calendars)]
struct Row {
    id: String,
    name: String,
    is_default: bool,
    time_zone: String,
    week: String,
    standard_day_minutes: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// The settings a calendar is created or replaced with.
#[derive(Debug, Clone)]
pub struct CalendarSettings {
    /// Its name.
    pub name: String,
    /// Zone, week and standard day (schedules are managed per year).
    pub config: CalendarConfig,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// Years with a schedule, ascending, each with the notice it restates.
type Years = Vec<(i32, Option<String>)>;

/// The years of each calendar in `ids`, in one query.
fn years_of(conn: &mut DbConnection, ids: &[&str]) -> Result<HashMap<String, Years>, StoreError> {
    let rows = calendar_years::table
        .filter(calendar_years::calendar_id.eq_any(ids))
        .order((calendar_years::calendar_id.asc(), calendar_years::year.asc()))
        .select((calendar_years::calendar_id, calendar_years::year, calendar_years::source))
        .load::<(String, i32, Option<String>)>(conn)?;
    let mut years: HashMap<String, Years> = HashMap::new();
    for (id, year, source) in rows {
        years.entry(id).or_default().push((year, source));
    }
    Ok(years)
}

fn record(row: Row, years: Years) -> Result<CalendarRecord, StoreError> {
    Ok(CalendarRecord {
        week: serde_json::from_str(&row.week).map_err(|e| corrupt("calendar week", e))?,
        standard_day_minutes: u32::try_from(row.standard_day_minutes)
            .map_err(|e| corrupt("standard day", e))?,
        id: row.id,
        name: row.name,
        is_default: row.is_default,
        time_zone: row.time_zone,
        years,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
        version: row.version,
    })
}

/// The calendar with this id.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<CalendarRecord, StoreError> {
    let row: Row = calendars::table.find(id).select(Row::as_select()).first(conn)?;
    let years = years_of(conn, &[id])?.remove(id).unwrap_or_default();
    record(row, years)
}

/// The default calendar, if one exists.
pub fn default_id(conn: &mut DbConnection) -> Result<Option<String>, StoreError> {
    Ok(calendars::table
        .filter(calendars::is_default.eq(true))
        .select(calendars::id)
        .first(conn)
        .optional()?)
}

/// A page of calendars in creation order, after the id `after`.
pub fn list(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<CalendarRecord>, StoreError> {
    let mut query =
        calendars::table.select(Row::as_select()).order(calendars::id.asc()).into_boxed();
    if let Some(after) = after {
        query = query.filter(calendars::id.gt(after.to_owned()));
    }
    let rows: Vec<Row> = query.limit(limit).load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut years = years_of(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let of_row = years.remove(&row.id).unwrap_or_default();
            record(row, of_row)
        })
        .collect()
}

/// Loads a calendar ready for arithmetic, with all its schedules.
pub fn load(conn: &mut DbConnection, id: &str) -> Result<BusinessCalendar, StoreError> {
    let row: Row = calendars::table.find(id).select(Row::as_select()).first(conn)?;
    let documents: Vec<String> = calendar_years::table
        .filter(calendar_years::calendar_id.eq(id))
        .select(calendar_years::document)
        .load(conn)?;
    let schedules = documents
        .iter()
        .map(|doc| YearSchedule::from_json(doc).map_err(|e| corrupt("calendar year", e)))
        .collect::<Result<Vec<_>, _>>()?;
    let config = CalendarConfig {
        time_zone: row.time_zone,
        week: serde_json::from_str(&row.week).map_err(|e| corrupt("calendar week", e))?,
        standard_day_minutes: u32::try_from(row.standard_day_minutes)
            .map_err(|e| corrupt("standard day", e))?,
        schedules,
    };
    BusinessCalendar::new(config).map_err(|e| corrupt("calendar", e))
}

fn week_json(config: &CalendarConfig) -> Result<String, StoreError> {
    serde_json::to_string(&config.week).map_err(|e| corrupt("calendar week", e))
}

fn minutes(config: &CalendarConfig) -> Result<i32, StoreError> {
    i32::try_from(config.standard_day_minutes).map_err(|e| corrupt("standard day", e))
}

/// Creates a calendar (its schedules, if any, included) with its audit event.
pub fn create(
    conn: &mut DbConnection,
    settings: &CalendarSettings,
    is_default: bool,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<CalendarRecord, StoreError> {
    crate::transaction(conn, |conn| {
        let id = new_id();
        diesel::insert_into(calendars::table)
            .values((
                calendars::id.eq(&id),
                calendars::name.eq(&settings.name),
                calendars::is_default.eq(is_default),
                calendars::time_zone.eq(&settings.config.time_zone),
                calendars::week.eq(week_json(&settings.config)?),
                calendars::standard_day_minutes.eq(minutes(&settings.config)?),
                calendars::created_at.eq(to_db(now)),
                calendars::updated_at.eq(to_db(now)),
                calendars::version.eq(1_i64),
            ))
            .execute(conn)?;
        for schedule in &settings.config.schedules {
            write_year(conn, &id, schedule, now)?;
        }
        audit::record(
            conn,
            NewAuditEvent {
                at: now,
                actor,
                action: "calendar.created",
                subject_type: "calendar",
                subject_id: Some(&id),
                request_id: None,
                payload: serde_json::json!({ "name": settings.name, "default": is_default }),
            },
        )?;
        get(conn, &id)
    })
}

/// Makes sure a default calendar exists: mainland China's, with the shipped schedules.
/// Returns whether it was created now. Safe when several nodes start at once.
pub fn ensure_default(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<bool, StoreError> {
    if default_id(conn)?.is_some() {
        return Ok(false);
    }
    let settings = CalendarSettings {
        name: "中国大陆 Mainland China".to_owned(),
        config: BusinessCalendar::mainland_china()
            .map_err(|e| corrupt("shipped calendar", e))?
            .config()
            .clone(),
    };
    match create(conn, &settings, true, Actor::System, now) {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Replaces name, zone, week and standard day if the version still matches.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    settings: &CalendarSettings,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<CalendarRecord, StoreError> {
    crate::transaction(conn, |conn| {
        let changed = diesel::update(
            calendars::table
                .filter(calendars::id.eq(id))
                .filter(calendars::version.eq(expected_version)),
        )
        .set((
            calendars::name.eq(&settings.name),
            calendars::time_zone.eq(&settings.config.time_zone),
            calendars::week.eq(week_json(&settings.config)?),
            calendars::standard_day_minutes.eq(minutes(&settings.config)?),
            calendars::updated_at.eq(to_db(now)),
            calendars::version.eq(calendars::version + 1),
        ))
        .execute(conn)?;
        let current = get(conn, id)?;
        if changed == 0 {
            return Err(StoreError::StaleVersion { current: current.version });
        }
        audit::record(
            conn,
            NewAuditEvent {
                at: now,
                actor,
                action: "calendar.updated",
                subject_type: "calendar",
                subject_id: Some(id),
                request_id: None,
                payload: serde_json::json!({
                    "name": settings.name,
                    "time_zone": settings.config.time_zone,
                    "standard_day_minutes": settings.config.standard_day_minutes,
                }),
            },
        )?;
        Ok(current)
    })
}

fn write_year(
    conn: &mut DbConnection,
    id: &str,
    schedule: &YearSchedule,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::delete(
        calendar_years::table
            .filter(calendar_years::calendar_id.eq(id))
            .filter(calendar_years::year.eq(schedule.year())),
    )
    .execute(conn)?;
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
    let changed = diesel::update(calendars::table.find(id))
        .set((calendars::updated_at.eq(to_db(now)), calendars::version.eq(calendars::version + 1)))
        .execute(conn)?;
    if changed == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Puts (creates or replaces) one year's schedule, with its audit event.
pub fn put_year(
    conn: &mut DbConnection,
    id: &str,
    schedule: &YearSchedule,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    crate::transaction(conn, |conn| {
        touch(conn, id, now)?;
        write_year(conn, id, schedule, now)?;
        audit::record(
            conn,
            NewAuditEvent {
                at: now,
                actor,
                action: "calendar.year_put",
                subject_type: "calendar",
                subject_id: Some(id),
                request_id: None,
                payload: serde_json::json!({
                    "year": schedule.year(),
                    "source": schedule.source(),
                    "days": schedule.days().len(),
                }),
            },
        )?;
        Ok(())
    })
}

/// One year's schedule, if the calendar has one.
pub fn get_year(
    conn: &mut DbConnection,
    id: &str,
    year: i32,
) -> Result<Option<YearSchedule>, StoreError> {
    get(conn, id)?;
    let doc: Option<String> = calendar_years::table
        .find((id, year))
        .select(calendar_years::document)
        .first(conn)
        .optional()?;
    doc.map(|d| YearSchedule::from_json(&d).map_err(|e| corrupt("calendar year", e))).transpose()
}

/// Removes one year's schedule (the year becomes `assumed`); false when it had none.
pub fn delete_year(
    conn: &mut DbConnection,
    id: &str,
    year: i32,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    crate::transaction(conn, |conn| {
        get(conn, id)?;
        let removed = diesel::delete(calendar_years::table.find((id, year))).execute(conn)?;
        if removed > 0 {
            touch(conn, id, now)?;
            audit::record(
                conn,
                NewAuditEvent {
                    at: now,
                    actor,
                    action: "calendar.year_deleted",
                    subject_type: "calendar",
                    subject_id: Some(id),
                    request_id: None,
                    payload: serde_json::json!({ "year": year }),
                },
            )?;
        }
        Ok(removed > 0)
    })
}

/// Deletes a calendar that is not the default and that no clock uses.
pub fn delete(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::schema::sla_clocks;
    crate::transaction(conn, |conn| {
        let current = get(conn, id)?;
        if current.version != expected_version {
            return Err(StoreError::StaleVersion { current: current.version });
        }
        if current.is_default {
            return Err(StoreError::Conflict("the default calendar cannot be deleted".into()));
        }
        let clocks: i64 =
            sla_clocks::table.filter(sla_clocks::calendar_id.eq(id)).count().get_result(conn)?;
        if clocks > 0 {
            return Err(StoreError::Conflict(format!("{clocks} SLA clocks use this calendar")));
        }
        diesel::delete(calendars::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            NewAuditEvent {
                at: now,
                actor,
                action: "calendar.deleted",
                subject_type: "calendar",
                subject_id: Some(id),
                request_id: None,
                payload: serde_json::json!({ "name": current.name }),
            },
        )?;
        Ok(())
    })
}
