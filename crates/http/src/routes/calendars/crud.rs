//! Calendars: list, create, read, replace, delete. Reading is for every signed-in user;
//! changing is for administrators.

use actix_web::{HttpResponse, delete, get, post, put, web};
use kefu_domain::access::Permission;
use kefu_persistence::{calendars, sla, transaction};

use super::dto::{CalendarUpdate, CalendarView, NewCalendar, settings};
use crate::{
    auth::Caller,
    body::Body,
    etag::{IfMatch, etag},
    paging::{PageQuery, Paged},
    problem::{ApiResult, Problem},
    state::AppState,
};

/// List calendars, oldest first.
#[utoipa::path(tag = "calendars", operation_id = "list_calendars", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, description = "A page of calendars", body = Paged<CalendarView>)))]
#[get("/api/v1/calendars")]
pub async fn list_calendars(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Paged<CalendarView>>> {
    let page = query.page()?;
    let items = state
        .run(move |conn| Ok(calendars::list(conn, page.after.as_deref(), page.limit + 1)?))
        .await?;
    let items: Vec<CalendarView> = items.into_iter().map(CalendarView::from).collect();
    Ok(web::Json(Paged::from_probe(items, page.limit, |c| c.id.clone())))
}

/// Create a calendar (administrators). Its holiday schedules are then put per year.
#[utoipa::path(tag = "calendars", operation_id = "create_calendar", security(("bearer" = [])),
    request_body = NewCalendar,
    responses(
        (status = 201, description = "Created; `Location` names it, `ETag` is its version", body = CalendarView),
        (status = 403, description = "Only administrators change calendars", body = Problem,
            content_type = "application/problem+json"),
    ))]
#[post("/api/v1/calendars")]
pub async fn create_calendar(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<NewCalendar>,
) -> ApiResult<HttpResponse> {
    caller.require(Permission::CalendarsManage)?;
    let new = body.into_inner();
    let settings = settings(new.name, new.time_zone, new.week.as_ref(), new.standard_day_minutes)?;
    let now = state.clock.now();
    let created = state
        .run(move |conn| Ok(calendars::create(conn, &settings, false, caller.actor(), now)?))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/calendars/{}", created.id)))
        .insert_header(etag(created.version))
        .json(CalendarView::from(created)))
}

/// Read a calendar.
#[utoipa::path(tag = "calendars", operation_id = "get_calendar", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id")),
    responses(
        (status = 200, description = "The calendar; `ETag` is its version", body = CalendarView),
        (status = 404, description = "No such calendar", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/api/v1/calendars/{id}")]
pub async fn get_calendar(
    state: web::Data<AppState>,
    _caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let found = state.run(move |conn| Ok(calendars::get(conn, &id)?)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(found.version)).json(CalendarView::from(found)))
}

/// Replace a calendar's settings (administrators; `If-Match` required). SLA clocks that run
/// on it are recomputed, each recompute leaving an audit event.
#[utoipa::path(tag = "calendars", operation_id = "update_calendar", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id"),
        ("If-Match" = String, Header, pattern = r#"^(W/)?"?[1-9][0-9]{0,17}"?$"#, description = "The `ETag` of the version you read")),
    request_body = CalendarUpdate,
    responses(
        (status = 200, description = "Replaced", body = CalendarView),
        (status = 403, description = "Only administrators change calendars", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such calendar", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since you read it (`stale_version`)", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match` (`precondition_required`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/api/v1/calendars/{id}")]
pub async fn update_calendar(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body<CalendarUpdate>,
) -> ApiResult<HttpResponse> {
    caller.require(Permission::CalendarsManage)?;
    let id = id.into_inner();
    let b = body.into_inner();
    let settings =
        settings(b.name, Some(b.time_zone), Some(&b.week), Some(b.standard_day_minutes))?;
    let now = state.clock.now();
    let updated = state
        .run(move |conn| {
            let actor = caller.actor();
            transaction(conn, |conn| {
                let updated =
                    calendars::update(conn, &id, if_match.0, &settings, actor.clone(), now)?;
                sla::recompute_calendar(conn, &id, actor, now)?;
                Ok(updated)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(updated.version)).json(CalendarView::from(updated)))
}

/// Delete a calendar (administrators; `If-Match` required). The default calendar and
/// calendars that SLA clocks use cannot be deleted (409).
#[utoipa::path(tag = "calendars", operation_id = "delete_calendar", security(("bearer" = [])),
    params(("id" = String, Path, description = "Calendar id"),
        ("If-Match" = String, Header, pattern = r#"^(W/)?"?[1-9][0-9]{0,17}"?$"#, description = "The `ETag` of the version you read")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only administrators change calendars", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such calendar", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The default calendar, or one in use (`conflict`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since you read it (`stale_version`)", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match` (`precondition_required`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/api/v1/calendars/{id}")]
pub async fn delete_calendar(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    caller.require(Permission::CalendarsManage)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .run(move |conn| Ok(calendars::delete(conn, &id, if_match.0, caller.actor(), now)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
