//! Yearly holiday schedules (放假安排): put (JSON or CSV), export (JSON or CSV), remove.
//! Next year's official schedule is loaded the day the State Council publishes it.

use actix_web::{HttpResponse, delete, get, put, web};
use kefu_domain::calendar::{ImportError, Position, YearSchedule};
use kefu_persistence::calendars;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::{
    body::{self, RawBody},
    ctx::Ctx,
    problem::{ApiError, ApiResult, FieldError},
};

/// One dated override.
#[derive(Debug, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DayEntry {
    /// The date, `YYYY-MM-DD`, in the year of the schedule.
    #[schema(pattern = r"^\d{4}-\d{2}-\d{2}$", example = "2026-10-01")]
    pub date: String,
    /// `holiday` (no working time), `workday` (an adjusted working day, 调休上班; default
    /// hours = Monday's) or `half_day` (default 09:00–12:00).
    #[schema(pattern = "^(holiday|workday|half_day)$", example = "holiday")]
    pub kind: String,
    /// The holiday's name (required for holidays).
    #[schema(max_length = 100, example = "国庆节 National Day")]
    pub name: Option<String>,
    /// Working blocks of a workday or half day, `HH:MM-HH:MM` joined by `;`.
    #[schema(
        max_length = 200,
        pattern = r"^$|^\d{2}:\d{2}-\d{2}:\d{2}(;\d{2}:\d{2}-\d{2}:\d{2})*$"
    )]
    pub blocks: Option<String>,
}

/// A year's schedule as JSON (the CSV form has the columns `date,kind,name,blocks`).
#[derive(Debug, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2026, "source": "国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04",
    "days": [{"date": "2026-10-01", "kind": "holiday", "name": "国庆节 National Day", "blocks": ""},
             {"date": "2026-10-10", "kind": "workday", "name": "国庆节调休 National Day make-up day", "blocks": ""}]}))]
pub struct YearDocument {
    /// The year; must be the year in the path.
    #[schema(minimum = 1900, maximum = 2150)]
    pub year: i32,
    /// The notice the schedule restates.
    #[schema(max_length = 500)]
    pub source: Option<String>,
    /// The overrides, each date at most once.
    #[schema(max_items = 366)]
    pub days: Vec<DayEntry>,
}

/// What a put changed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"calendar_id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10", "year": 2027,
    "source": "国务院办公厅关于2027年部分节假日安排的通知", "days": 33, "recomputed_clocks": 0}))]
pub struct YearPut {
    /// The calendar.
    pub calendar_id: String,
    /// The year.
    pub year: i32,
    /// The notice it restates.
    pub source: Option<String>,
    /// How many dated overrides it has.
    pub days: usize,
    /// Running SLA clocks on this calendar whose due was recomputed.
    pub recomputed_clocks: usize,
}

/// `?format=` of an export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `json` (default) or `csv`.
    #[param(pattern = "^(json|csv)$")]
    pub format: Option<String>,
}

/// `?source=` of a CSV upload.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SourceQuery {
    /// For CSV uploads: the notice the schedule restates (JSON carries it in the document).
    #[param(max_length = 500)]
    pub source: Option<String>,
}

fn import_problem(e: &ImportError) -> FieldError {
    let mut error = FieldError::new(e.field, e.code(), e.to_string());
    match e.at {
        Position::Line(n) => error.line = u32::try_from(n).ok(),
        Position::Item(i) => error.field = format!("days[{i}].{}", e.field),
        Position::Document => {}
    }
    error
}

fn check_year(year: i32) -> Result<(), ApiError> {
    if (1900..=2150).contains(&year) {
        Ok(())
    } else {
        Err(ApiError::field("year", "invalid_year", "must be a year from 1900 to 2150"))
    }
}

/// Export one year's schedule as JSON (the form `PUT` takes) or CSV.
#[utoipa::path(tag = "calendars", operation_id = "get_calendar_year", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id"), ("year" = i32, Path, description = "The year"), ExportQuery),
    responses(
        (status = 200, description = "The schedule", content(
            (YearDocument = "application/json"),
            (String = "text/csv", example = "date,kind,name,blocks\n2026-10-01,holiday,国庆节 National Day,\n"))),
    ))]
#[get("/api/v1/calendars/{id}/years/{year}")]
pub async fn get_calendar_year(
    ctx: Ctx,
    path: web::Path<(String, i32)>,
    query: web::Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(ApiError::field("format", "invalid_enum", "must be json or csv")),
    };
    let ((id, year), scope) = (path.into_inner(), ctx.caller.calendars());
    let schedule = ctx
        .run(move |conn| calendars::get_year(conn, &scope, &id, year)?.ok_or(ApiError::NotFound))
        .await?;
    Ok(if csv {
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"holidays-{year}.csv\""),
            ))
            .body(schedule.to_csv())
    } else {
        HttpResponse::Ok().content_type("application/json").body(schedule.to_json())
    })
}

/// Put (create or replace) one year's schedule, as JSON or as CSV (`text/csv`, columns
/// `date,kind,name,blocks`, header first). The whole file is checked before anything is
/// stored: a bad file is a 422 naming the line (CSV) or item (JSON) and the field, and
/// nothing changes. Running SLA clocks on the calendar are recomputed.
#[utoipa::path(tag = "calendars", operation_id = "put_calendar_year", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id"), ("year" = i32, Path, description = "The year"), SourceQuery),
    request_body(content(
        (YearDocument = "application/json"),
        (String = "text/csv", example = "date,kind,name,blocks\n2027-01-01,holiday,元旦 New Year's Day,\n"))),
    responses(
        (status = 200, description = "Stored", body = YearPut),
    ))]
#[put("/api/v1/calendars/{id}/years/{year}")]
pub async fn put_calendar_year(
    ctx: Ctx,
    path: web::Path<(String, i32)>,
    query: web::Query<SourceQuery>,
    raw: RawBody,
) -> ApiResult<web::Json<YearPut>> {
    let ((id, year), scope) = (path.into_inner(), ctx.caller.calendars());
    let path_id = id.clone();
    check_year(year)?;
    let schedule = if raw.is_json() {
        let doc: YearDocument = body::parse(&raw.bytes)?;
        if doc.year != year {
            return Err(ApiError::field("year", "year_mismatch", format!("the path says {year}")));
        }
        let text =
            std::str::from_utf8(&raw.bytes).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
        YearSchedule::from_json(text)
    } else if raw.media_type == "text/csv" {
        let text = std::str::from_utf8(&raw.bytes)
            .map_err(|_| ApiError::field("body", "invalid_encoding", "CSV must be UTF-8"))?;
        if query.source.as_ref().is_some_and(|s| s.chars().count() > 500) {
            return Err(ApiError::field("source", "too_long", "must have at most 500 characters"));
        }
        if text.contains('\0') || query.source.as_ref().is_some_and(|s| s.contains('\0')) {
            return Err(ApiError::field(
                "body",
                "invalid_character",
                "must not contain NUL (U+0000)",
            ));
        }
        YearSchedule::from_csv(year, query.source.clone(), text)
    } else {
        return Err(ApiError::UnsupportedMediaType);
    }
    .map_err(|e| ApiError::Validation(e.all().iter().map(import_problem).collect()))?;
    let now = ctx.now();
    let source = schedule.source().map(str::to_owned);
    let days = schedule.days().len();
    let recomputed_clocks =
        ctx.run(move |conn| Ok(calendars::put_year(conn, &scope, &id, &schedule, now)?)).await?;
    let put = YearPut { calendar_id: path_id, year, source, days, recomputed_clocks };
    Ok(web::Json(put))
}

/// Remove one year's schedule (administrators): the year then assumes weekends only, and
/// answers that cross it say `coverage: "assumed"`.
#[utoipa::path(tag = "calendars", operation_id = "delete_calendar_year", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id"), ("year" = i32, Path, description = "The year")),
    responses(
        (status = 204, description = "Removed"),
    ))]
#[delete("/api/v1/calendars/{id}/years/{year}")]
pub async fn delete_calendar_year(
    ctx: Ctx,
    path: web::Path<(String, i32)>,
) -> ApiResult<HttpResponse> {
    let ((id, year), scope, now) = (path.into_inner(), ctx.caller.calendars(), ctx.now());
    ctx.run(move |conn| Ok(calendars::delete_year(conn, &scope, &id, year, now)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
