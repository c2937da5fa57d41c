//! `GET /api/v1/reports/schedule`: the year's periods and dues of the group's reports, with the
//! R-RP-16 rule applied on the group's default calendar.

use actix_web::{get, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::{
    calendar::Coverage,
    schedule::{Cadence, Responsible},
};
use kefu_persistence::reports::schedule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::READ;
use crate::{
    ctx::Ctx,
    list::text_filter,
    problem::{ApiError, ApiResult},
    time::local,
};

/// Which year and report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScheduleQuery {
    /// The year whose dues are listed (1901–2149: the calendars reach 2150).
    #[param(minimum = 1901, maximum = 2149, example = 2026)]
    pub year: i32,
    /// One definition's code (`rp1_monthly`); all of them when left out.
    #[param(max_length = 64, example = "rp1_monthly")]
    pub code: Option<String>,
}

/// One period of a report and its due.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "rp1_monthly", "rule_id": "R-RP-1", "label_zh": "投诉处理月报表",
    "cadence": "monthly", "responsible": "department", "project_id": null,
    "period_start": "2026-09-01", "period_end": "2026-09-30",
    "nominal_due_at": "2026-10-01T12:00:00+08:00", "due_at": "2026-09-30T12:00:00+08:00",
    "moved": true, "period_closed_at_due": false, "coverage": "scheduled"}))]
pub struct ScheduledView {
    /// The definition's code.
    pub code: String,
    /// Its rule.
    pub rule_id: String,
    /// Its name.
    pub label_zh: String,
    /// Its cadence.
    pub cadence: Cadence,
    /// Who owes it.
    pub responsible: Responsible,
    /// For a move-in report (R-RP-10): the project.
    pub project_id: Option<String>,
    /// The data period's first day (inclusive).
    pub period_start: String,
    /// Its last day (inclusive).
    pub period_end: String,
    /// The due as the rule reads: its clock time, or the end of that day's working hours.
    pub nominal_due_at: DateTime<FixedOffset>,
    /// The due that applies (R-RP-16): on a non-working day the previous working day, keeping
    /// the clock time (or that day's end of work).
    pub due_at: DateTime<FixedOffset>,
    /// Whether R-RP-16 moved it earlier.
    pub moved: bool,
    /// Whether the data period had ended at the due; when not (a monthly report due on a
    /// holiday 1st moves into the month it reports on), the report still covers the whole
    /// period and its draft says it was not yet closed.
    pub period_closed_at_due: bool,
    /// Whether the calendar has the official holiday schedule of the due's year (`assumed`:
    /// weekends only, the due may move once the year is published).
    pub coverage: Coverage,
}

/// The year's schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleView {
    /// The year asked for.
    pub year: i32,
    /// The calendar the dues were computed on (the group's default).
    pub calendar_id: String,
    /// Every period whose nominal or applicable due falls in the year, by due (a due moved
    /// from 1 January into December shows in both years).
    pub items: Vec<ScheduledView>,
}

/// The year's schedule of the group's reports (R-RP-1 … R-RP-12, R-RP-16).
#[utoipa::path(tag = "reports", operation_id = "get_report_schedule", security(("bearer" = [])),
    params(ScheduleQuery),
    responses(
        (status = 200, description = "The periods and dues", body = ScheduleView),
        (status = 404, description = "No definition of the group has that `code` (`not_found`)",
            body = crate::problem::Problem, content_type = "application/problem+json"),
    ))]
#[get("/api/v1/reports/schedule")]
pub async fn get_report_schedule(
    ctx: Ctx,
    q: web::Query<ScheduleQuery>,
) -> ApiResult<web::Json<ScheduleView>> {
    let q = q.into_inner();
    if !(1901..=2149).contains(&q.year) {
        return Err(ApiError::field("year", "out_of_range", "a year from 1901 to 2149"));
    }
    let code = text_filter("code", q.code, 64)?;
    let scope = ctx.caller.scope(READ)?;
    let year = q.year;
    let (calendar_id, entries) =
        ctx.run(move |conn| Ok(schedule::of_year(conn, &scope, year, code.as_deref())?)).await?;
    let items = entries
        .into_iter()
        .map(|e| ScheduledView {
            code: e.definition.code,
            rule_id: e.definition.rule_id,
            label_zh: e.definition.label_zh,
            cadence: e.definition.cadence,
            responsible: e.definition.responsible,
            project_id: e.project_id,
            period_start: e.period.period.start.to_string(),
            period_end: e.period.period.end.to_string(),
            nominal_due_at: local(e.period.nominal_due_at),
            due_at: local(e.period.due_at),
            moved: e.period.moved,
            period_closed_at_due: e.period.period_closed_at_due,
            coverage: e.period.coverage,
        })
        .collect();
    Ok(web::Json(ScheduleView { year, calendar_id, items }))
}
