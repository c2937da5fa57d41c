//! Calendars: list, create, read, replace, delete. Every signed-in user reads his group's
//! calendars and the deployment's templates; the group's admin or customer-service manager
//! (`RulesManage`) changes the group's, the platform operator (`CalendarsManage`) the templates.

use actix_web::{HttpResponse, delete, get, post, put, web};
use kefu_persistence::calendars;

use super::dto::{CalendarPage, CalendarUpdate, CalendarView, NewCalendar, settings};
use crate::{
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    list_query,
    problem::ApiResult,
    respond::{created, ok},
};

list_query!(
    /// Paging of the calendar list.
    CalendarQuery {}
);

/// List the calendars of the caller's group (and, for platform operators, the templates),
/// oldest first.
#[utoipa::path(tag = "calendars", operation_id = "list_calendars", security(("bearer" = [])),
    params(CalendarQuery),
    responses((status = 200, description = "A page of calendars", body = CalendarPage)))]
#[get("/api/v1/calendars")]
pub async fn list_calendars(
    ctx: Ctx,
    q: web::Query<CalendarQuery>,
) -> ApiResult<web::Json<CalendarPage>> {
    let (scope, req) = (ctx.caller.calendars(), q.list_request()?);
    let found = ctx.run(move |conn| Ok(calendars::list(conn, &scope, &req)?)).await?;
    Ok(web::Json(CalendarPage::from_page(found, CalendarView::from)))
}

/// Create a calendar of the caller's group, or a template (`template: true`, platform
/// operators). Its holiday schedules are then put per year, or inherited from its base.
#[utoipa::path(tag = "calendars", operation_id = "create_calendar", security(("bearer" = [])),
    request_body = NewCalendar,
    responses((status = 201, description = "Created; `Location` names it, `ETag` is its version", body = CalendarView)))]
#[post("/api/v1/calendars")]
pub async fn create_calendar(ctx: Ctx, body: Body<NewCalendar>) -> ApiResult<HttpResponse> {
    let (scope, new, now) = (ctx.caller.calendars(), body.into_inner(), ctx.now());
    let settings = settings(new.name, new.time_zone, new.week.as_ref(), new.standard_day_minutes)?;
    let template = new.template.unwrap_or(ctx.caller.group_id.is_none());
    let base = new.base_calendar_id;
    let c = ctx
        .run(move |conn| {
            Ok(calendars::create(conn, &scope, &settings, (template, base.as_deref()), now)?)
        })
        .await?;
    Ok(created(format!("/api/v1/calendars/{}", c.id), c.version, &CalendarView::from(c)))
}

/// Read a calendar: one of the caller's group, or a template.
#[utoipa::path(tag = "calendars", operation_id = "get_calendar", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id")),
    responses((status = 200, description = "The calendar; `ETag` is its version", body = CalendarView)))]
#[get("/api/v1/calendars/{id}")]
pub async fn get_calendar(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.calendars();
    let c = ctx.run(move |conn| Ok(calendars::get(conn, &scope, &id)?)).await?;
    Ok(ok(c.version, &CalendarView::from(c)))
}

/// Replace a calendar's settings (`If-Match` required). SLA clocks that run on it are
/// recomputed, each recompute leaving an audit event.
#[utoipa::path(tag = "calendars", operation_id = "update_calendar", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id")),
    request_body = CalendarUpdate,
    responses((status = 200, description = "Replaced", body = CalendarView)))]
#[put("/api/v1/calendars/{id}")]
pub async fn update_calendar(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<CalendarUpdate>,
) -> ApiResult<HttpResponse> {
    let (scope, b, now) = (ctx.caller.calendars(), body.into_inner(), ctx.now());
    let settings =
        settings(b.name, Some(b.time_zone), Some(&b.week), Some(b.standard_day_minutes))?;
    let (c, _) = ctx
        .run(move |conn| Ok(calendars::update(conn, &scope, &id, if_match.0, &settings, now)?))
        .await?;
    Ok(ok(c.version, &CalendarView::from(c)))
}

/// Delete a calendar (`If-Match` required). Default calendars, calendars that SLA clocks use
/// and templates other calendars are based on cannot be deleted (409).
#[utoipa::path(tag = "calendars", operation_id = "delete_calendar", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id")),
    responses((status = 204, description = "Deleted")))]
#[delete("/api/v1/calendars/{id}")]
pub async fn delete_calendar(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
) -> ApiResult<HttpResponse> {
    let (scope, now) = (ctx.caller.calendars(), ctx.now());
    ctx.run(move |conn| Ok(calendars::delete(conn, &scope, &id, if_match.0, now)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
