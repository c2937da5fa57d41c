//! The calculator: due instants (R-T-0), working time elapsed, the report rule (R-RP-16) and
//! day-by-day answers, each in the calendar's time zone and saying whether it rests on
//! official schedules (`coverage`).

use actix_web::{get, web};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use kefu_domain::{
    calendar::{BusinessCalendar, CalendarDayKind, CalendarError, Coverage, DayOfWeek},
    duration::SlaDuration,
};
use kefu_persistence::calendars;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{date_param, instant_param};
use crate::{
    ctx::Ctx,
    problem::{ApiError, ApiResult},
};

/// An instant as answered: RFC 3339 in the calendar's zone.
fn zoned(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).to_rfc3339()
}

fn calc_error(field: &str, e: CalendarError) -> ApiError {
    ApiError::field(field, e.code(), e.to_string())
}

async fn load(ctx: &Ctx, id: String) -> ApiResult<BusinessCalendar> {
    let scope = ctx.caller.calendars();
    ctx.run(move |conn| Ok(calendars::load(conn, &scope, &id)?)).await
}

/// `start` and `duration` of a due calculation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// When the clock starts: RFC 3339 with an offset (send `+` as `%2B`).
    #[param(value_type = String, format = DateTime, example = "2026-09-30T17:00:00+08:00")]
    pub start: String,
    /// Working time (`5WD`, `1.5WD`, `4WH`, `30WM`) or calendar time (`P1D`, `PT30M`, `P2W`).
    #[param(pattern = r"^(\d+(\.\d{1,2})?(WD|WH|WM)|P.+)$", max_length = 40, example = "5WD")]
    pub duration: String,
}

/// A due instant and how it was reached.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"calendar_id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10", "time_zone": "Asia/Shanghai",
    "start": "2026-09-30T17:00:00+08:00", "duration": "5WD", "due": "2026-10-13T17:00:00+08:00",
    "working_days_crossed": 6, "coverage": "scheduled"}))]
pub struct DueAnswer {
    /// The calendar.
    pub calendar_id: String,
    /// Its time zone, in which the instants are given.
    pub time_zone: String,
    /// The start.
    pub start: String,
    /// The duration, as parsed.
    pub duration: String,
    /// The earliest instant with that much working time since the start (R-T-0); for
    /// calendar time, the same local clock time so many days later.
    pub due: String,
    /// Working days that contributed working time (0 for calendar time).
    pub working_days_crossed: u32,
    /// `scheduled` when every day crossed lies in a year with an official schedule;
    /// `assumed` when some year had none (weekends only were assumed).
    pub coverage: Coverage,
}

/// When is it due: `start` plus `duration` on this calendar.
#[utoipa::path(tag = "calendars", operation_id = "get_calendar_due", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id"), DueQuery),
    responses(
        (status = 200, description = "The due instant", body = DueAnswer),
    ))]
#[get("/api/v1/calendars/{id}/due")]
pub async fn get_calendar_due(
    ctx: Ctx,
    id: web::Path<String>,
    query: web::Query<DueQuery>,
) -> ApiResult<web::Json<DueAnswer>> {
    let start = instant_param("start", &query.start)?;
    let duration: SlaDuration =
        query.duration.parse().map_err(|e: kefu_domain::duration::DurationError| {
            ApiError::field("duration", e.code(), e.to_string())
        })?;
    let id = id.into_inner();
    let calendar = load(&ctx, id.clone()).await?;
    let due = calendar.add(start, &duration).map_err(|e| calc_error("duration", e))?;
    let tz = calendar.time_zone();
    Ok(web::Json(DueAnswer {
        calendar_id: id,
        time_zone: tz.name().to_owned(),
        start: zoned(start, tz),
        duration: duration.to_string(),
        due: zoned(due.at, tz),
        working_days_crossed: due.working_days_crossed,
        coverage: due.coverage,
    }))
}

/// `from` and `to` instants.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ElapsedQuery {
    /// From (RFC 3339 with an offset).
    #[param(value_type = String, format = DateTime, example = "2026-09-30T17:00:00+08:00")]
    pub from: String,
    /// To (RFC 3339 with an offset); before `from` gives zero.
    #[param(value_type = String, format = DateTime, example = "2026-10-13T17:00:00+08:00")]
    pub to: String,
}

/// Working time between two instants.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"calendar_id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10",
    "working_seconds": 135000, "working_days": 5.0}))]
pub struct ElapsedAnswer {
    /// The calendar.
    pub calendar_id: String,
    /// Working time in seconds.
    pub working_seconds: i64,
    /// The same in standard working days (`WD`).
    pub working_days: f64,
}

/// How much working time lies between two instants on this calendar.
#[utoipa::path(tag = "calendars", operation_id = "get_calendar_elapsed", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id"), ElapsedQuery),
    responses(
        (status = 200, description = "The working time", body = ElapsedAnswer),
    ))]
#[get("/api/v1/calendars/{id}/elapsed")]
pub async fn get_calendar_elapsed(
    ctx: Ctx,
    id: web::Path<String>,
    query: web::Query<ElapsedQuery>,
) -> ApiResult<web::Json<ElapsedAnswer>> {
    let from = instant_param("from", &query.from)?;
    let to = instant_param("to", &query.to)?;
    let id = id.into_inner();
    let calendar = load(&ctx, id.clone()).await?;
    let elapsed = calendar.elapsed(from, to).map_err(|e| calc_error("to", e))?;
    Ok(web::Json(ElapsedAnswer {
        calendar_id: id,
        working_seconds: elapsed.num_seconds(),
        working_days: calendar.in_working_days(elapsed),
    }))
}

/// The nominal due of a report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportDueQuery {
    /// A due with a clock time (RFC 3339), e.g. the monthly report's 1st 12:00.
    #[param(value_type = Option<String>, format = DateTime, example = "2026-10-01T12:00:00+08:00")]
    pub due: Option<String>,
    /// Or a due date without time ("by the 25th"): the end of that day's working hours.
    #[param(value_type = Option<String>, format = Date, example = "2026-10-01")]
    pub date: Option<String>,
}

/// A report's due after the R-RP-16 rule.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"calendar_id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10",
    "nominal": "2026-10-01T12:00:00+08:00", "due": "2026-09-30T12:00:00+08:00", "moved": true}))]
pub struct ReportDueAnswer {
    /// The calendar.
    pub calendar_id: String,
    /// The due as the rule states it.
    pub nominal: String,
    /// The due that applies: on a non-working day it moves to the previous working day,
    /// keeping the clock time (or that day's end of work).
    pub due: String,
    /// Whether it moved.
    pub moved: bool,
}

/// When a report is due (R-RP-16): dues on non-working days move earlier, never later.
#[utoipa::path(tag = "calendars", operation_id = "get_calendar_report_due", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id"), ReportDueQuery),
    responses(
        (status = 200, description = "The applicable due", body = ReportDueAnswer),
    ))]
#[get("/api/v1/calendars/{id}/report-due")]
pub async fn get_calendar_report_due(
    ctx: Ctx,
    id: web::Path<String>,
    query: web::Query<ReportDueQuery>,
) -> ApiResult<web::Json<ReportDueAnswer>> {
    enum Nominal {
        At(DateTime<Utc>),
        Date(NaiveDate),
    }
    let nominal = match (&query.due, &query.date) {
        (Some(due), None) => Nominal::At(instant_param("due", due)?),
        (None, Some(date)) => Nominal::Date(date_param("date", date)?),
        _ => return Err(ApiError::field("due", "required", "give exactly one of due or date")),
    };
    let id = id.into_inner();
    let calendar = load(&ctx, id.clone()).await?;
    let tz = calendar.time_zone();
    let (nominal, due) = match nominal {
        Nominal::At(at) => {
            (zoned(at, tz), calendar.report_due_at(at).map_err(|e| calc_error("due", e))?)
        }
        Nominal::Date(date) => {
            (date.to_string(), calendar.report_due_on(date).map_err(|e| calc_error("date", e))?)
        }
    };
    Ok(web::Json(ReportDueAnswer {
        calendar_id: id,
        nominal,
        due: zoned(due.due, tz),
        moved: due.moved,
    }))
}

/// A range of dates.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    /// First date (`YYYY-MM-DD`).
    #[param(value_type = String, format = Date, example = "2026-10-01")]
    pub from: String,
    /// Last date, inclusive; at most 366 days after `from`.
    #[param(value_type = String, format = Date, example = "2026-10-31")]
    pub to: String,
}

/// One day of a calendar.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"date": "2026-10-10", "weekday": "saturday", "working": true, "kind": "workday",
    "name": "国庆节调休", "hours": "09:00-12:00;13:30-18:00", "coverage": "scheduled"}))]
pub struct DayAnswer {
    /// The date.
    pub date: String,
    /// Its weekday.
    pub weekday: DayOfWeek,
    /// Whether it has working time.
    pub working: bool,
    /// `regular` (no override: the weekly hours apply), `holiday`, `workday` (an adjusted
    /// working day, 调休上班) or `half_day`.
    pub kind: CalendarDayKind,
    /// The override's name, if any.
    pub name: Option<String>,
    /// Its working blocks (empty when none).
    pub hours: String,
    /// `scheduled` when its year has an official schedule, else `assumed`.
    pub coverage: Coverage,
}

/// Day by day: which dates are working days, and their hours.
#[derive(Debug, Serialize, ToSchema)]
pub struct DaysAnswer {
    /// The calendar.
    pub calendar_id: String,
    /// Its zone.
    pub time_zone: String,
    /// One entry per date from `from` to `to`.
    pub items: Vec<DayAnswer>,
}

/// Which days are working days, from `from` to `to` (at most 367 days).
#[utoipa::path(tag = "calendars", operation_id = "list_calendar_days", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id"), DaysQuery),
    responses(
        (status = 200, description = "The days", body = DaysAnswer),
    ))]
#[get("/api/v1/calendars/{id}/days")]
pub async fn list_calendar_days(
    ctx: Ctx,
    id: web::Path<String>,
    query: web::Query<DaysQuery>,
) -> ApiResult<web::Json<DaysAnswer>> {
    let from = date_param("from", &query.from)?;
    let to = date_param("to", &query.to)?;
    if to < from || to - from > TimeDelta::days(366) {
        return Err(ApiError::field(
            "to",
            "out_of_range",
            "must be from `from` to 366 days after it",
        ));
    }
    let id = id.into_inner();
    let calendar = load(&ctx, id.clone()).await?;
    let items = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|date| {
            let day = calendar.day_info(date);
            DayAnswer {
                date: date.to_string(),
                weekday: day.weekday,
                working: day.working,
                kind: day.kind,
                name: day.name,
                hours: day.hours,
                coverage: day.coverage,
            }
        })
        .collect();
    Ok(web::Json(DaysAnswer {
        calendar_id: id,
        time_zone: calendar.time_zone().name().to_owned(),
        items,
    }))
}
