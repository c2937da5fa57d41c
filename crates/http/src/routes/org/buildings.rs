//! Buildings (楼栋) of a project.

use actix_web::{HttpResponse, get, http::StatusCode, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::Permission;
use kefu_persistence::{
    ids::from_db,
    org::buildings::{self, Building},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::scopes;
use crate::{
    auth::Caller,
    body::Body,
    etag::IfMatch,
    list::{page_request, text_filter},
    page_type,
    problem::ApiResult,
    respond::{created, tagged},
    state::AppState,
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
            created_at: local(from_db(b.created_at)),
            updated_at: local(from_db(b.updated_at)),
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

/// Filters and paging of the building list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BuildingQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 200, pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
    /// Only this project's buildings.
    #[param(max_length = 64)]
    pub project_id: Option<String>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// Create a building in a project (`OrgWrite` over the project).
#[utoipa::path(tag = "org", operation_id = "create_building", security(("bearer" = [])),
    request_body = NewBuilding,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = BuildingView)))]
#[post("/api/v1/org/buildings")]
pub async fn create_building(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<NewBuilding>,
) -> ApiResult<HttpResponse> {
    let (read, write) = scopes(&caller)?;
    let r = body.into_inner();
    let now = state.clock.now();
    let b = state
        .run(move |conn| Ok(buildings::create(conn, &read, &write, &r.project_id, &r.name, now)?))
        .await?;
    Ok(created(format!("/api/v1/org/buildings/{}", b.id), b.version, &BuildingView::from(b)))
}

/// List the buildings within the caller's reach.
#[utoipa::path(tag = "org", operation_id = "list_buildings", security(("bearer" = [])),
    params(BuildingQuery), responses((status = 200, description = "A page of buildings", body = BuildingPage)))]
#[get("/api/v1/org/buildings")]
pub async fn list_buildings(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<BuildingQuery>,
) -> ApiResult<web::Json<BuildingPage>> {
    let scope = caller.scope(Permission::OrgRead)?;
    let q = query.into_inner();
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let project = text_filter("project_id", q.project_id, 64)?;
    let archived = q.archived;
    let found = state
        .run(move |conn| Ok(buildings::list(conn, &scope, project.as_deref(), archived, &page)?))
        .await?;
    Ok(web::Json(BuildingPage::from_page(found, BuildingView::from)))
}

/// One building.
#[utoipa::path(tag = "org", operation_id = "get_building", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id")),
    responses((status = 200, description = "The building; `ETag` is set", body = BuildingView)))]
#[get("/api/v1/org/buildings/{id}")]
pub async fn get_building(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let scope = caller.scope(Permission::OrgRead)?;
    let b = state.run(move |conn| Ok(buildings::get(conn, &scope, &id)?)).await?;
    Ok(tagged(StatusCode::OK, b.version, &BuildingView::from(b)))
}

/// Rename, archive or restore a building (with `If-Match`).
#[utoipa::path(tag = "org", operation_id = "update_building", security(("bearer" = [])),
    params(("id" = String, Path, description = "Building id")), request_body = BuildingPatch,
    responses((status = 200, description = "The changed building; new `ETag`", body = BuildingView)))]
#[patch("/api/v1/org/buildings/{id}")]
pub async fn update_building(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body<BuildingPatch>,
) -> ApiResult<HttpResponse> {
    let (read, write) = scopes(&caller)?;
    let p = body.into_inner();
    let now = state.clock.now();
    let b = state
        .run(move |conn| {
            let name = p.name.as_deref();
            Ok(buildings::update(conn, &read, &write, &id, if_match.0, name, p.archived, now)?)
        })
        .await?;
    Ok(tagged(StatusCode::OK, b.version, &BuildingView::from(b)))
}
