//! Groups (集团), the tenants: platform operators create them with their first administrator.
//! Platform operators see groups, never a group's business data.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::Permission;
use kefu_persistence::{
    groups::{self, Group, GroupChanges},
    org::archive,
    users::NewUser,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    auth::password,
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
    routes::users::NewUserRequest,
    time::local,
};

/// A group as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f0-0000-7000-8000-000000000001", "code": "jinyu",
    "name": "晋愉集团", "disabled": false, "created_at": "2026-11-23T09:00:00+08:00",
    "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct GroupView {
    /// UUIDv7.
    pub id: String,
    /// Short unique code.
    pub code: String,
    /// The name people read.
    pub name: String,
    /// Whether the group is disabled (its users and clients cannot act).
    pub disabled: bool,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<Group> for GroupView {
    fn from(g: Group) -> Self {
        Self {
            id: g.id,
            code: g.code,
            name: g.name,
            disabled: g.disabled_at.is_some(),
            created_at: local(g.created_at),
            updated_at: local(g.updated_at),
            version: g.version,
        }
    }
}

page_type!(GroupPage, GroupView, "A page of groups.");

/// A group to create, with its first administrator.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "jinyu", "name": "晋愉集团",
    "admin": {"username": "jinyu.admin", "display_name": "管理员", "password": "correct horse battery"}}))]
pub struct NewGroupRequest {
    /// Short unique code: lower-case letters, digits, `-`.
    #[schema(min_length = 2, max_length = 32, pattern = r"^[a-z0-9-]+$")]
    pub code: String,
    /// The name people read.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// The group's first administrator.
    pub admin: NewUserRequest,
}

/// Changes to a group; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "晋愉控股集团"}))]
pub struct GroupPatch {
    /// A new name.
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// Disable (`true`) or enable (`false`) the whole group.
    pub disabled: Option<bool>,
}

list_query!(
    /// Paging of the group list.
    GroupQuery {
    }
);

/// Create a group and its first administrator (platform operators).
#[utoipa::path(tag = "groups", operation_id = "create_group", security(("bearer" = [])),
    request_body = NewGroupRequest,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = GroupView)))]
#[post("/api/v1/groups")]
pub async fn create_group(ctx: Ctx, body: Body<NewGroupRequest>) -> ApiResult<HttpResponse> {
    ctx.caller.require(Permission::GroupsManage)?;
    let (r, now, acting) = (body.into_inner(), ctx.now(), ctx.caller.acting());
    let admin = NewUser {
        username: r.admin.username,
        display_name: r.admin.display_name,
        password_hash: password::hash_off_worker(r.admin.password).await?,
        email: None,
    };
    let group = ctx
        .run(move |conn| Ok(groups::create(conn, &acting, (&r.code, &r.name), &admin, now)?))
        .await?;
    Ok(created(format!("/api/v1/groups/{}", group.id), group.version, &GroupView::from(group)))
}

/// List the groups (platform operators).
#[utoipa::path(tag = "groups", operation_id = "list_groups", security(("bearer" = [])),
    params(GroupQuery), responses((status = 200, description = "A page of groups", body = GroupPage)))]
#[get("/api/v1/groups")]
pub async fn list_groups(
    ctx: Ctx,
    query: web::Query<GroupQuery>,
) -> ApiResult<web::Json<GroupPage>> {
    ctx.caller.require(Permission::GroupsManage)?;
    let req = query.list_request()?;
    let found = ctx.run(move |conn| Ok(groups::list(conn, &req)?)).await?;
    Ok(web::Json(GroupPage::from_page(found, GroupView::from)))
}

/// One group (platform operators).
#[utoipa::path(tag = "groups", operation_id = "get_group", security(("bearer" = [])),
    params(("id" = String, Path, description = "Group id")),
    responses((status = 200, description = "The group; `ETag` is set", body = GroupView)))]
#[get("/api/v1/groups/{id}")]
pub async fn get_group(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    ctx.caller.require(Permission::GroupsManage)?;
    let group = ctx.run(move |conn| Ok(groups::get(conn, &id)?)).await?;
    Ok(ok(group.version, &GroupView::from(group)))
}

/// Rename, disable or enable a group (platform operators, with `If-Match`).
#[utoipa::path(tag = "groups", operation_id = "update_group", security(("bearer" = [])),
    params(("id" = String, Path, description = "Group id")), request_body = GroupPatch,
    responses((status = 200, description = "The changed group; new `ETag`", body = GroupView)))]
#[patch("/api/v1/groups/{id}")]
pub async fn update_group(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<GroupPatch>,
) -> ApiResult<HttpResponse> {
    ctx.caller.require(Permission::GroupsManage)?;
    let (p, now, acting) = (body.into_inner(), ctx.now(), ctx.caller.acting());
    if p.disabled == Some(true) && ctx.caller.group_id.as_deref() == Some(id.as_str()) {
        return Err(ApiError::Conflict("you cannot disable your own group".into()));
    }
    let changes = GroupChanges { name: p.name, disabled_at: archive(p.disabled, now) };
    let group = ctx
        .run(move |conn| Ok(groups::update(conn, &acting, &id, if_match.0, &changes, now)?))
        .await?;
    Ok(ok(group.version, &GroupView::from(group)))
}
