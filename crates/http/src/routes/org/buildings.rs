//! Buildings (楼栋) of a project.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_persistence::{
    Conn,
    org::{
        archive,
        buildings::{self, Building, BuildingChanges, BuildingFilter},
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

/// A building as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f2-1111-7000-8000-000000000031",
    "project_id": "019ab2f2-0000-7000-8000-000000000021", "name": "3号楼", "archived": false,
    "created_at": "2026-11-23T09:00:00+08:00", "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct BuildingView {
    /// UUIDv7.
    pub id: String,
    /// Its project.
    pub project_id: String,
    /// Unique within the project.
    pub name: String,
    /// Whether it is archived.
    pub archived: bool,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<Building> for BuildingView {
    fn from(b: Building) -> Self {
        Self {
            archived: b.archived_at.is_some(),
            created_at: local(b.created_at),
            updated_at: local(b.updated_at),
            id: b.id,
            project_id: b.project_id,
            name: b.name,
            version: b.version,
        }
    }
}

page_type!(BuildingPage, BuildingView, "A page of buildings.");

/// A building to create.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"project_id": "019ab2f2-0000-7000-8000-000000000021", "name": "3号楼"}))]
pub struct NewBuilding {
    /// The project it belongs to.
    #[schema(min_length = 1, max_length = 64)]
    pub project_id: String,
    /// Unique within the project.
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
}

/// Changes to a building; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "3栋"}))]
pub struct BuildingPatch {
    /// A new name.
    #[schema(min_length = 1, max_length = 50)]
    pub name: Option<String>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

list_query!(
    /// Filters and paging of the building list.
    BuildingQuery {
        /// Only this project's buildings.
        #[param(max_length = 64)]
        project_id: Option<String>,
        /// Only archived (`true`) or only current (`false`) ones.
        archived: Option<bool>,
    }
);

/// Create a building in a project (`OrgWrite` over the project).
#[utoipa::path(tag = "org", operation_id = "create_building", security(("bearer" = [])),
    request_body = NewBuilding,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = BuildingView)))]
#[post("/api/v1/org/buildings")]
pub async fn create_building(ctx: Ctx, body: Body<NewBuilding>) -> ApiResult<HttpResponse> {
    let (r, now) = (body.into_inner(), ctx.now());
    let make = move |conn: &mut Conn, s: Scopes| {
        buildings::create(conn, s.pair(), &r.project_id, &r.name, now)
    };
    ctx.create((ORG, "/api/v1/org/buildings"), make, BuildingView::from).await
}

/// List the buildings within the caller's reach.
#[utoipa::path(tag = "org", operation_id = "list_buildings", security(("bearer" = [])),
    params(BuildingQuery), responses((status = 200, description = "A page of buildings", body = BuildingPage)))]
#[get("/api/v1/org/buildings")]
pub async fn list_buildings(
    ctx: Ctx,
    q: web::Query<BuildingQuery>,
) -> ApiResult<web::Json<BuildingPage>> {
    let project_id = text_filter("project_id", q.project_id.clone(), 64)?;
    let (req, filter) = (q.list_request()?, BuildingFilter { project_id, archived: q.archived });
    ctx.list(ORG.0, move |conn, scope| buildings::list(conn, scope, &filter, &req)).await
}

/// One building.
#[utoipa::path(tag = "org", operation_id = "get_building", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id")),
    responses((status = 200, description = "The building; `ETag` is set", body = BuildingView)))]
#[get("/api/v1/org/buildings/{id}")]
pub async fn get_building(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    ctx.one(ORG.0, move |conn, scope| buildings::get(conn, scope, &id), BuildingView::from).await
}

/// Rename, archive or restore a building (with `If-Match`).
#[utoipa::path(tag = "org", operation_id = "update_building", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id")), request_body = BuildingPatch,
    responses((status = 200, description = "The changed building; new `ETag`", body = BuildingView)))]
#[patch("/api/v1/org/buildings/{id}")]
pub async fn update_building(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<BuildingPatch>,
) -> ApiResult<HttpResponse> {
    let (p, now) = (body.into_inner(), ctx.now());
    let changes = BuildingChanges { name: p.name, archived_at: archive(p.archived, now) };
    let change = move |conn: &mut Conn, s: Scopes| {
        buildings::update(conn, s.pair(), &id, if_match.0, &changes, now)
    };
    ctx.change(ORG, change, BuildingView::from).await
}
