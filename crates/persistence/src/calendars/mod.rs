//! Business calendars (工作日历) and their yearly holiday schedules, owned by a group or shipped
//! as deployment-wide templates.
//!
//! A calendar row holds its zone, weekly hours and standard day; each official schedule is a
//! row per year holding the JSON document it was imported as. A calendar may be based on a
//! template: it inherits the template's years (next year's holidays, loaded once by the
//! platform operator, reach every group) unless it has a schedule of its own for that year.
//! Loading a calendar builds the domain's [`BusinessCalendar`], which does all the arithmetic.

mod years;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    calendar::{BusinessCalendar, CalendarConfig, WeeklyHours, YearSchedule},
    ids::{CalendarId, GroupId},
};

use crate::{
    audit::{Acting, Event},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::new_id,
    kit::{Expected, ListRequest, Page, new_row, page},
    schema::{calendar_years, calendars},
    scope::Place,
    sla,
};
pub use years::{delete_year, get_year, put_year};

/// A year with a schedule, the notice it restates, and whether it comes from the template the
/// calendar is based on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearInfo {
    /// The year.
    pub year: i32,
    /// The notice it restates.
    pub source: Option<String>,
    /// Whether it is the template's (not a schedule of the calendar's own).
    pub inherited: bool,
}

/// A stored calendar's settings (without its schedules).
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarRecord {
    /// UUIDv7.
    pub id: String,
    /// The group that owns it; `None` for a deployment-wide template.
    pub group_id: Option<String>,
    /// The template whose years it inherits.
    pub base_calendar_id: Option<String>,
    /// What people call it (`中国大陆 Mainland China`, `物业前台 7×24`).
    pub name: String,
    /// Whether this is its owner's calendar when nothing else is named.
    pub is_default: bool,
    /// IANA time zone.
    pub time_zone: String,
    /// Working blocks per weekday.
    pub week: WeeklyHours,
    /// Length of `1WD`, in minutes.
    pub standard_day_minutes: u32,
    /// Years with a schedule, ascending.
    pub years: Vec<YearInfo>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// Optimistic-concurrency version, the ETag.
    pub version: i64,
}

impl crate::kit::Record for CalendarRecord {
    fn id(&self) -> &str {
        &self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = calendars)]
struct Row {
    id: String,
    group_id: Option<String>,
    base_calendar_id: Option<String>,
    name: String,
    is_default: bool,
    time_zone: String,
    week: String,
    standard_day_minutes: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// Who reads or changes calendars: his group, whether he may change the group's calendars
/// (`RulesManage`) and the templates (`CalendarsManage`), and who acts.
#[derive(Debug, Clone)]
pub struct CalendarScope {
    /// The caller's group; `None` for a platform operator outside every group.
    pub group_id: Option<String>,
    /// May change the group's calendars.
    pub rules: bool,
    /// May change the templates (and sees them listed).
    pub templates: bool,
    /// Who acts, from which request.
    pub acting: Acting,
}

impl CalendarScope {
    /// `Forbidden` unless the caller may change a calendar of `owner` (`None`: a template).
    fn may_change(&self, owner: Option<&str>) -> Result<(), StoreError> {
        let allowed = match owner {
            None => self.templates,
            Some(group) => self.rules && self.group_id.as_deref() == Some(group),
        };
        if allowed { Ok(()) } else { Err(StoreError::Forbidden) }
    }

    /// Appends an audit event about a calendar of `owner`.
    fn audit(
        &self,
        conn: &mut DbConnection,
        (action, id, owner): (&str, &str, Option<&str>),
        payload: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let place = Place::group();
        let event = Event {
            at: now,
            action,
            subject: ("calendar", id),
            group: owner,
            place: &place,
            payload,
        };
        self.acting.record(conn, event)?;
        Ok(())
    }
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

/// Calendars the scope reads: its group's, and the templates.
fn readable(scope: &CalendarScope) -> crate::scope::Filter<calendars::table> {
    match &scope.group_id {
        Some(group) => Box::new(
            calendars::group_id
                .eq(group.clone())
                .or(calendars::group_id.is_null())
                .assume_not_null(),
        ),
        None => Box::new(calendars::group_id.is_null()),
    }
}

/// Calendars the scope lists: its group's, and the templates when it keeps them.
fn listed(scope: &CalendarScope) -> crate::scope::Filter<calendars::table> {
    match (&scope.group_id, scope.templates) {
        (Some(_), true) => readable(scope),
        (Some(group), false) => Box::new(calendars::group_id.eq(group.clone()).assume_not_null()),
        (None, _) => Box::new(calendars::group_id.is_null()),
    }
}

/// The years of each calendar in `rows` (own, and inherited from their bases), in one query.
fn years_of(
    conn: &mut DbConnection,
    rows: &[&Row],
) -> Result<HashMap<String, Vec<YearInfo>>, StoreError> {
    let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    ids.extend(rows.iter().filter_map(|r| r.base_calendar_id.as_deref()));
    let found = calendar_years::table
        .filter(calendar_years::calendar_id.eq_any(&ids))
        .select((calendar_years::calendar_id, calendar_years::year, calendar_years::source))
        .load::<(String, i32, Option<String>)>(conn)?;
    let mut by_calendar: HashMap<&str, Vec<(i32, Option<String>)>> = HashMap::new();
    for (id, year, source) in &found {
        by_calendar.entry(id.as_str()).or_default().push((*year, source.clone()));
    }
    let mut years = HashMap::new();
    for row in rows {
        let own = by_calendar.get(row.id.as_str()).cloned().unwrap_or_default();
        let base = row
            .base_calendar_id
            .as_deref()
            .and_then(|b| by_calendar.get(b).cloned())
            .unwrap_or_default();
        let mut list: Vec<YearInfo> = own
            .iter()
            .map(|(year, source)| YearInfo {
                year: *year,
                source: source.clone(),
                inherited: false,
            })
            .collect();
        for (year, source) in base {
            if !own.iter().any(|(y, _)| *y == year) {
                list.push(YearInfo { year, source, inherited: true });
            }
        }
        list.sort_by_key(|y| y.year);
        years.insert(row.id.clone(), list);
    }
    Ok(years)
}

fn record(row: Row, years: Vec<YearInfo>) -> Result<CalendarRecord, StoreError> {
    Ok(CalendarRecord {
        week: serde_json::from_str(&row.week).map_err(|e| corrupt("calendar week", e))?,
        standard_day_minutes: u32::try_from(row.standard_day_minutes)
            .map_err(|e| corrupt("standard day", e))?,
        id: row.id,
        group_id: row.group_id,
        base_calendar_id: row.base_calendar_id,
        name: row.name,
        is_default: row.is_default,
        time_zone: row.time_zone,
        years,
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
    })
}

fn records(conn: &mut DbConnection, rows: Vec<Row>) -> Result<Vec<CalendarRecord>, StoreError> {
    let mut years = years_of(conn, &rows.iter().collect::<Vec<_>>())?;
    rows.into_iter()
        .map(|row| {
            let of_row = years.remove(&row.id).unwrap_or_default();
            record(row, of_row)
        })
        .collect()
}

/// A calendar the scope reads, inside a transaction.
fn find(
    conn: &mut DbConnection,
    scope: &CalendarScope,
    id: &str,
) -> Result<CalendarRecord, StoreError> {
    let row: Row = calendars::table
        .filter(calendars::id.eq(id))
        .filter(readable(scope))
        .select(Row::as_select())
        .first(conn)?;
    records(conn, vec![row])?.pop().ok_or(StoreError::NotFound)
}

/// A calendar the caller reads: his group's or a template (`NotFound` for another group's).
pub fn get(conn: &mut Conn, scope: &CalendarScope, id: &str) -> Result<CalendarRecord, StoreError> {
    find(conn.raw(), scope, id)
}

/// A page of the calendars the caller lists, in creation order.
pub fn list(
    conn: &mut Conn,
    scope: &CalendarScope,
    req: &ListRequest,
) -> Result<Page<CalendarRecord>, StoreError> {
    let conn = conn.raw();
    let rows: Page<Row> = page!(
        &mut *conn,
        calendars,
        || calendars::table.filter(listed(scope)).into_boxed(),
        Row,
        req
    )?;
    let items = records(conn, rows.items)?;
    Ok(Page { items, next: rows.next, total: rows.total })
}

/// The default calendar of a group (or, for `None`, the default template), if one exists.
pub(crate) fn default_of(
    conn: &mut DbConnection,
    group_id: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let mut q =
        calendars::table.filter(calendars::is_default.eq(true)).select(calendars::id).into_boxed();
    q = match group_id {
        Some(group) => q.filter(calendars::group_id.eq(group.to_owned())),
        None => q.filter(calendars::group_id.is_null()),
    };
    Ok(q.first(conn).optional()?)
}

/// The default calendar of a group, or the default template for `None`.
pub fn default_id(
    conn: &mut Conn,
    group_id: Option<&GroupId>,
) -> Result<Option<CalendarId>, StoreError> {
    Ok(default_of(conn.raw(), group_id.map(GroupId::as_str))?.map(CalendarId::from))
}

/// Loads a calendar ready for arithmetic, with its own and its inherited schedules (any
/// owner's: for clocks, which already belong to the calendar's group).
pub(crate) fn load_any(conn: &mut DbConnection, id: &str) -> Result<BusinessCalendar, StoreError> {
    let row: Row = calendars::table.find(id).select(Row::as_select()).first(conn)?;
    let ids: Vec<&str> = std::iter::once(id).chain(row.base_calendar_id.as_deref()).collect();
    let documents: Vec<(String, i32, String)> = calendar_years::table
        .filter(calendar_years::calendar_id.eq_any(&ids))
        .select((calendar_years::calendar_id, calendar_years::year, calendar_years::document))
        .load(conn)?;
    let own: Vec<i32> = documents.iter().filter(|(c, _, _)| c == id).map(|(_, y, _)| *y).collect();
    let schedules = documents
        .iter()
        .filter(|(c, year, _)| c == id || !own.contains(year))
        .map(|(_, _, doc)| YearSchedule::from_json(doc).map_err(|e| corrupt("calendar year", e)))
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

/// Loads a calendar the caller reads, ready for arithmetic.
pub fn load(
    conn: &mut Conn,
    scope: &CalendarScope,
    id: &str,
) -> Result<BusinessCalendar, StoreError> {
    let conn = conn.raw();
    find(conn, scope, id)?;
    load_any(conn, id)
}

fn week_json(config: &CalendarConfig) -> Result<String, StoreError> {
    serde_json::to_string(&config.week).map_err(|e| corrupt("calendar week", e))
}

fn minutes(config: &CalendarConfig) -> Result<i32, StoreError> {
    i32::try_from(config.standard_day_minutes).map_err(|e| corrupt("standard day", e))
}

/// What a new calendar is: whose, based on which template, the default or not.
#[derive(Debug, Clone, Default)]
pub struct NewCalendar {
    /// The owning group; `None` for a template.
    pub group_id: Option<String>,
    /// The template whose years it inherits.
    pub base_calendar_id: Option<String>,
    /// Whether it is its owner's default.
    pub is_default: bool,
}

/// Inserts a calendar with its schedules and its audit event (inside a transaction).
fn insert(
    conn: &mut DbConnection,
    acting: &Acting,
    settings: &CalendarSettings,
    new: &NewCalendar,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = new_id();
    diesel::insert_into(calendars::table)
        .values((
            new_row!(calendars, &id, now),
            (
                calendars::group_id.eq(&new.group_id),
                calendars::base_calendar_id.eq(&new.base_calendar_id),
            ),
            (calendars::name.eq(&settings.name), calendars::is_default.eq(new.is_default)),
            calendars::time_zone.eq(&settings.config.time_zone),
            calendars::week.eq(week_json(&settings.config)?),
            calendars::standard_day_minutes.eq(minutes(&settings.config)?),
        ))
        .execute(conn)?;
    for schedule in &settings.config.schedules {
        years::write(conn, &id, schedule, now)?;
    }
    let payload = serde_json::json!({
        "name": settings.name, "default": new.is_default, "base_calendar_id": new.base_calendar_id,
    });
    let place = Place::group();
    let owner = new.group_id.as_deref();
    let event = Event {
        at: now,
        action: "calendar.created",
        subject: ("calendar", &id),
        group: owner,
        place: &place,
        payload,
    };
    acting.record(conn, event)?;
    Ok(id)
}

/// Creates a calendar of the caller's group, or a template (`template`, for whoever keeps
/// them). A base must be a template.
pub fn create(
    conn: &mut Conn,
    scope: &CalendarScope,
    settings: &CalendarSettings,
    (template, base): (bool, Option<&str>),
    now: DateTime<Utc>,
) -> Result<CalendarRecord, StoreError> {
    let owner =
        if template { None } else { Some(scope.group_id.clone().ok_or(StoreError::Forbidden)?) };
    scope.may_change(owner.as_deref())?;
    transaction(conn.raw(), |conn| {
        if let Some(base) = base {
            let is_template = calendars::table
                .find(base)
                .filter(calendars::group_id.is_null())
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if !is_template {
                return Err(StoreError::NotFound);
            }
        }
        let new = NewCalendar {
            group_id: owner.clone(),
            base_calendar_id: base.map(str::to_owned),
            is_default: false,
        };
        let id = insert(conn, &scope.acting, settings, &new, now)?;
        find(conn, scope, &id)
    })
}

/// Makes sure the default template exists: mainland China's, with the shipped schedules.
/// Returns whether it was created now. Safe when several nodes start at once.
pub fn ensure_default(conn: &mut Conn, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let conn = conn.raw();
    if default_of(conn, None)?.is_some() {
        return Ok(false);
    }
    let settings = CalendarSettings {
        name: "中国大陆 Mainland China".to_owned(),
        config: BusinessCalendar::mainland_china()
            .map_err(|e| corrupt("shipped calendar", e))?
            .config()
            .clone(),
    };
    let new = NewCalendar { is_default: true, ..NewCalendar::default() };
    match transaction(conn, |conn| insert(conn, &Acting::system(), &settings, &new, now)) {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Gives a group its default calendar when it has none: the default template's settings,
/// inheriting its years. Returns whether one was made (inside the caller's transaction).
pub(crate) fn ensure_group_default(
    conn: &mut DbConnection,
    group_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if default_of(conn, Some(group_id))?.is_some() {
        return Ok(false);
    }
    let Some(template) = default_of(conn, None)? else { return Ok(false) };
    let row: Row = calendars::table.find(&template).select(Row::as_select()).first(conn)?;
    let config = CalendarConfig {
        time_zone: row.time_zone,
        week: serde_json::from_str(&row.week).map_err(|e| corrupt("calendar week", e))?,
        standard_day_minutes: u32::try_from(row.standard_day_minutes)
            .map_err(|e| corrupt("standard day", e))?,
        schedules: Vec::new(),
    };
    let settings = CalendarSettings { name: row.name, config };
    let new = NewCalendar {
        group_id: Some(group_id.to_owned()),
        base_calendar_id: Some(template),
        is_default: true,
    };
    insert(conn, &Acting::system(), &settings, &new, now)?;
    Ok(true)
}

/// Replaces name, zone, week and standard day if the version still matches (a compare-and-swap
/// in one statement), and recomputes the running clocks on it.
pub fn update(
    conn: &mut Conn,
    scope: &CalendarScope,
    id: &str,
    expected: Expected,
    settings: &CalendarSettings,
    now: DateTime<Utc>,
) -> Result<(CalendarRecord, usize), StoreError> {
    transaction(conn.raw(), |conn| {
        let before = find(conn, scope, id)?;
        scope.may_change(before.group_id.as_deref())?;
        let expected = match expected {
            Expected::Version(v) => v,
            Expected::Any => before.version,
        };
        let changed = diesel::update(
            calendars::table.filter(calendars::id.eq(id)).filter(calendars::version.eq(expected)),
        )
        .set((
            calendars::name.eq(&settings.name),
            calendars::time_zone.eq(&settings.config.time_zone),
            calendars::week.eq(week_json(&settings.config)?),
            calendars::standard_day_minutes.eq(minutes(&settings.config)?),
            calendars::updated_at.eq(crate::ids::to_db(now)),
            calendars::version.eq(calendars::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            let current = find(conn, scope, id)?.version;
            return Err(StoreError::StaleVersion { current });
        }
        let payload = serde_json::json!({
            "name": settings.name,
            "time_zone": settings.config.time_zone,
            "standard_day_minutes": settings.config.standard_day_minutes,
        });
        scope.audit(conn, ("calendar.updated", id, before.group_id.as_deref()), payload, now)?;
        let recomputed = sla::recompute_calendar(conn, &scope.acting, id, now)?;
        Ok((find(conn, scope, id)?, recomputed))
    })
}

/// Deletes a calendar that is not a default, that no clock uses and no calendar is based on,
/// if its version still matches.
pub fn delete(
    conn: &mut Conn,
    scope: &CalendarScope,
    id: &str,
    expected: Expected,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::schema::sla_clocks;
    transaction(conn.raw(), |conn| {
        let current = find(conn, scope, id)?;
        scope.may_change(current.group_id.as_deref())?;
        let expected = match expected {
            Expected::Version(v) => v,
            Expected::Any => current.version,
        };
        if current.is_default {
            return Err(StoreError::Conflict("a default calendar cannot be deleted".into()));
        }
        let clocks: i64 =
            sla_clocks::table.filter(sla_clocks::calendar_id.eq(id)).count().get_result(conn)?;
        if clocks > 0 {
            return Err(StoreError::Conflict(format!("{clocks} SLA clocks use this calendar")));
        }
        let based: i64 =
            calendars::table.filter(calendars::base_calendar_id.eq(id)).count().get_result(conn)?;
        if based > 0 {
            return Err(StoreError::Conflict(format!("{based} calendars are based on this one")));
        }
        let removed = diesel::delete(
            calendars::table.filter(calendars::id.eq(id)).filter(calendars::version.eq(expected)),
        )
        .execute(conn)?;
        if removed == 0 {
            return Err(StoreError::StaleVersion { current: current.version });
        }
        let payload = serde_json::json!({ "name": current.name });
        scope.audit(conn, ("calendar.deleted", id, current.group_id.as_deref()), payload, now)
    })
}
