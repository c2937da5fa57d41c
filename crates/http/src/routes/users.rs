//! Users of the caller's group: created, listed, changed and disabled by administrators.
//! Disabling a user or setting his password revokes his refresh tokens at once.

use actix_web::{HttpResponse, get, http::StatusCode, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::Permission;
use kefu_persistence::users::{self, NewUser, User, UserChanges, UserFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::{
    auth::{Caller, password},
    body::Body,
    etag::IfMatch,
    list::{page_request, text_filter},
    page_type,
    problem::{ApiError, ApiResult},
    respond::{created, tagged},
    state::AppState,
    time::local,
};

/// A user as the API shows him (never his password hash).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10", "username": "li.lei",
    "display_name": "李雷", "group_id": "019ab2f0-0000-7000-8000-000000000001", "disabled": false,
    "created_at": "2026-11-23T09:00:00+08:00", "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct UserView {
    /// UUIDv7.
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// The name people read.
    pub display_name: String,
    /// The user's group; `null` for a platform operator outside every group.
    pub group_id: Option<String>,
    /// Whether the user is disabled (cannot sign in; tokens stop working).
    pub disabled: bool,
    /// When the user was created.
    pub created_at: DateTime<FixedOffset>,
    /// When the user last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also sent as the `ETag`.
    pub version: i64,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            group_id: u.group_id,
            disabled: u.disabled_at.is_some(),
            created_at: local(u.created_at),
            updated_at: local(u.updated_at),
            version: u.version,
        }
    }
}

page_type!(UserPage, UserView, "A page of users.");

/// A user to create in the caller's group. Roles are given separately, as grants.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "li.lei", "display_name": "李雷", "password": "correct horse battery"}))]
pub struct NewUserRequest {
    /// Unique sign-in name: letters, digits, `.`, `_`, `-`.
    #[schema(min_length = 1, max_length = 64, pattern = r"^[A-Za-z0-9._-]+$")]
    pub username: String,
    /// The name people read.
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: String,
    /// At least 8 characters.
    #[schema(min_length = 8, max_length = 256)]
    pub password: String,
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"display_name": "李雷 (工程部)", "disabled": true}))]
pub struct UserPatch {
    /// A new display name.
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
    /// A new password (revokes the user's refresh tokens).
    #[schema(min_length = 8, max_length = 256)]
    pub password: Option<String>,
    /// Disable (`true`: refresh tokens revoked, access tokens stop) or enable (`false`).
    pub disabled: Option<bool>,
}

/// Filters and paging of the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 200, pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
    /// Only users whose sign-in name starts with this.
    #[param(max_length = 64)]
    pub username_prefix: Option<String>,
    /// Only disabled (`true`) or only active (`false`) users.
    pub disabled: Option<bool>,
}

/// Create a user in the caller's group.
#[utoipa::path(tag = "users", operation_id = "create_user", security(("bearer" = [])),
    request_body = NewUserRequest,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = UserView)))]
#[post("/api/v1/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<NewUserRequest>,
) -> ApiResult<HttpResponse> {
    let scope = caller.scope(Permission::UsersWrite)?;
    scope.require_group()?;
    let new = body.into_inner();
    let now = state.clock.now();
    let user = state
        .run(move |conn| {
            let hash = password::hash(&new.password).map_err(ApiError::Internal)?;
            let new = NewUser {
                username: new.username,
                display_name: new.display_name,
                password_hash: hash,
                is_admin: false,
            };
            let rid = scope.request_id.as_deref();
            Ok(users::create_in(conn, Some(&scope.group_id), new, scope.actor.clone(), rid, now)?)
        })
        .await?;
    Ok(created(format!("/api/v1/users/{}", user.id), user.version, &UserView::from(user)))
}

/// List the users of the caller's group.
#[utoipa::path(tag = "users", operation_id = "list_users", security(("bearer" = [])),
    params(UserQuery), responses((status = 200, description = "A page of users", body = UserPage)))]
#[get("/api/v1/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<UserQuery>,
) -> ApiResult<web::Json<UserPage>> {
    let scope = caller.scope(Permission::UsersRead)?;
    let q = query.into_inner();
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = UserFilter {
        username_prefix: text_filter("username_prefix", q.username_prefix, 64)?,
        disabled: q.disabled,
    };
    let found = state.run(move |conn| Ok(users::list(conn, &scope, &filter, &page)?)).await?;
    Ok(web::Json(UserPage::from_page(found, UserView::from)))
}

/// One user of the caller's group.
#[utoipa::path(tag = "users", operation_id = "get_user", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, description = "The user; `ETag` is set", body = UserView)))]
#[get("/api/v1/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let scope = caller.scope(Permission::UsersRead)?;
    let user = state.run(move |conn| Ok(users::get_within(conn, &scope, &id)?)).await?;
    Ok(tagged(StatusCode::OK, user.version, &UserView::from(user)))
}

/// Change, disable or enable a user (with `If-Match`).
#[utoipa::path(tag = "users", operation_id = "update_user", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), request_body = UserPatch,
    responses((status = 200, description = "The changed user; new `ETag`", body = UserView)))]
#[patch("/api/v1/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body<UserPatch>,
) -> ApiResult<HttpResponse> {
    let scope = caller.scope(Permission::UsersWrite)?;
    let patch = body.into_inner();
    let now = state.clock.now();
    let user = state
        .run(move |conn| {
            let password_hash = match &patch.password {
                Some(p) => Some(password::hash(p).map_err(ApiError::Internal)?),
                None => None,
            };
            let changes = UserChanges {
                display_name: patch.display_name,
                password_hash,
                disabled: patch.disabled,
            };
            Ok(users::update(conn, &scope, &id, if_match.0, changes, now)?)
        })
        .await?;
    Ok(tagged(StatusCode::OK, user.version, &UserView::from(user)))
}
