//! Units (房号) of a building: what customers own.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_persistence::{
    Conn,
    org::{
        archive,
        units::{self, Unit, UnitChanges, UnitFilter},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::ORG;
use crate::{
    body::Body,
    ctx::{Ctx, Scopes},
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::ApiResult,
    time::local,
};

/// A unit as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f2-2222-7000-8000-000000000041",
    "project_id": "019ab2f2-0000-7000-8000-000000000021",
    "building_id": "019ab2f2-1111-7000-8000-000000000031", "number": "2-1301", "floor": "13",
    "archived": false, "created_at": "2026-11-23T09:00:00+08:00",
    "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct UnitView {
    /// UUIDv7.
    pub id: String,
    /// Its project.
    pub project_id: String,
    /// Its building.
    pub building_id: String,
    /// Unique within the building.
    pub number: String,
    /// The floor as people name it (`13`, `B1`, `夹层`).
    pub floor: Option<String>,
    /// Whether it is archived.
    pub archived: bool,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<Unit> for UnitView {
    fn from(u: Unit) -> Self {
        Self {
            archived: u.archived_at.is_some(),
            created_at: local(u.created_at),
            updated_at: local(u.updated_at),
            id: u.id,
            project_id: u.project_id,
            building_id: u.building_id,
            number: u.number,
            floor: u.floor,
            version: u.version,
        }
    }
}

page_type!(UnitPage, UnitView, "A page of units.");

/// A unit to create.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"building_id": "019ab2f2-1111-7000-8000-000000000031", "number": "2-1301", "floor": "13"}))]
pub struct NewUnit {
    /// The building it is in.
    #[schema(min_length = 1, max_length = 64)]
    pub building_id: String,
    /// Unique within the building.
    #[schema(min_length = 1, max_length = 30)]
    pub number: String,
    /// The floor as people name it (`13`, `B1`, `夹层`).
    #[schema(min_length = 1, max_length = 10)]
    pub floor: Option<String>,
}

/// Changes to a unit; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"floor": "12"}))]
pub struct UnitPatch {
    /// A new number.
    #[schema(min_length = 1, max_length = 30)]
    pub number: Option<String>,
    /// A new floor.
    #[schema(min_length = 1, max_length = 10)]
    pub floor: Option<String>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

list_query!(
    /// Filters and paging of the unit list.
    UnitQuery {
        /// Only this project's units.
        #[param(max_length = 64)]
        project_id: Option<String>,
        /// Only this building's units.
        #[param(max_length = 64)]
        building_id: Option<String>,
        /// Only archived (`true`) or only current (`false`) ones.
        archived: Option<bool>,
    }
);

/// Create a unit in a building (`OrgWrite` over its project).
#[utoipa::path(tag = "org", operation_id = "create_unit", security(("bearer" = [])),
    request_body = NewUnit,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = UnitView)))]
#[post("/api/v1/org/units")]
pub async fn create_unit(ctx: Ctx, body: Body<NewUnit>) -> ApiResult<HttpResponse> {
    let (r, now) = (body.into_inner(), ctx.now());
    ctx.create(
        (ORG, "/api/v1/org/units"),
        move |conn: &mut Conn, s: Scopes| {
            units::create(conn, s.pair(), &r.building_id, (&r.number, r.floor.as_deref()), now)
        },
        UnitView::from,
    )
    .await
}

/// List the units within the caller's reach.
#[utoipa::path(tag = "org", operation_id = "list_units", security(("bearer" = [])),
    params(UnitQuery), responses((status = 200, description = "A page of units", body = UnitPage)))]
#[get("/api/v1/org/units")]
pub async fn list_units(ctx: Ctx, q: web::Query<UnitQuery>) -> ApiResult<web::Json<UnitPage>> {
    let filter = UnitFilter {
        project_id: text_filter("project_id", q.project_id.clone(), 64)?,
        building_id: text_filter("building_id", q.building_id.clone(), 64)?,
        archived: q.archived,
    };
    let req = q.list_request()?;
    ctx.list(ORG.0, move |conn, scope| units::list(conn, scope, &filter, &req)).await
}

/// One unit.
#[utoipa::path(tag = "org", operation_id = "get_unit", security(("bearer" = [])),
    params(("id" = String, Path, description = "Unit id")),
    responses((status = 200, description = "The unit; `ETag` is set", body = UnitView)))]
#[get("/api/v1/org/units/{id}")]
pub async fn get_unit(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    ctx.one(ORG.0, move |conn, scope| units::get(conn, scope, &id), UnitView::from).await
}

/// Change, archive or restore a unit (with `If-Match`).
#[utoipa::path(tag = "org", operation_id = "update_unit", security(("bearer" = [])),
    params(("id" = String, Path, description = "Unit id")), request_body = UnitPatch,
    responses((status = 200, description = "The changed unit; new `ETag`", body = UnitView)))]
#[patch("/api/v1/org/units/{id}")]
pub async fn update_unit(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<UnitPatch>,
) -> ApiResult<HttpResponse> {
    let (p, now) = (body.into_inner(), ctx.now());
    let changes =
        UnitChanges { number: p.number, floor: p.floor, archived_at: archive(p.archived, now) };
    let change = move |conn: &mut Conn, s: Scopes| {
        units::update(conn, s.pair(), &id, if_match.0, &changes, now)
    };
    ctx.change(ORG, change, UnitView::from).await
}
