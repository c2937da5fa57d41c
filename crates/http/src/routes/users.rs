//! Users of the caller's group: created, listed, changed and disabled by administrators.
//! Disabling a user or setting his password revokes his refresh tokens at once.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::Permission;
use kefu_persistence::{
    org::archive,
    users::{self, NewUser, User, UserChanges, UserFilter},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    auth::password,
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::ApiResult,
    respond::{created, ok},
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
    /// Where copies of the user's notifications are mailed (when the server has SMTP).
    pub email: Option<String>,
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
            email: u.email,
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
    /// Where copies of the user's notifications are mailed.
    #[schema(min_length = 3, max_length = 254, format = Email)]
    pub email: Option<String>,
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
    /// A new e-mail address; `null` removes it.
    #[serde(default, deserialize_with = "crate::body::double_option")]
    #[schema(min_length = 3, max_length = 254, format = Email, nullable)]
    pub email: Option<Option<String>>,
}

list_query!(
    /// Filters and paging of the user list.
    UserQuery {
        /// Only users whose sign-in name starts with this.
        #[param(max_length = 64)]
        username_prefix: Option<String>,
        /// Only disabled (`true`) or only active (`false`) users.
        disabled: Option<bool>,
    }
);

/// Create a user in the caller's group.
#[utoipa::path(tag = "users", operation_id = "create_user", security(("bearer" = [])),
    request_body = NewUserRequest,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = UserView)))]
#[post("/api/v1/users")]
pub async fn create_user(ctx: Ctx, body: Body<NewUserRequest>) -> ApiResult<HttpResponse> {
    let (scope, r, now) = (ctx.caller.scope(Permission::UsersWrite)?, body.into_inner(), ctx.now());
    scope.require_group()?;
    if let Some(email) = &r.email {
        crate::body::email("email", email)?;
    }
    let password_hash = password::hash_off_worker(r.password).await?;
    let new = NewUser {
        username: r.username,
        display_name: r.display_name,
        password_hash,
        email: r.email,
    };
    let user = ctx.run(move |conn| Ok(users::create(conn, &scope, &new, now)?)).await?;
    Ok(created(format!("/api/v1/users/{}", user.id), user.version, &UserView::from(user)))
}

/// List the users of the caller's group.
#[utoipa::path(tag = "users", operation_id = "list_users", security(("bearer" = [])),
    params(UserQuery), responses((status = 200, description = "A page of users", body = UserPage)))]
#[get("/api/v1/users")]
pub async fn list_users(ctx: Ctx, q: web::Query<UserQuery>) -> ApiResult<web::Json<UserPage>> {
    let username_prefix = text_filter("username_prefix", q.username_prefix.clone(), 64)?;
    let (req, filter) = (q.list_request()?, UserFilter { username_prefix, disabled: q.disabled });
    ctx.list(Permission::UsersRead, move |conn, scope| users::list(conn, scope, &filter, &req))
        .await
}

/// One user of the caller's group.
#[utoipa::path(tag = "users", operation_id = "get_user", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, description = "The user; `ETag` is set", body = UserView)))]
#[get("/api/v1/users/{id}")]
pub async fn get_user(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let (now, read) = (ctx.now(), Permission::UsersRead);
    ctx.one(read, move |conn, scope| users::get_within(conn, scope, &id, now), UserView::from).await
}

/// Change, disable or enable a user (with `If-Match`).
#[utoipa::path(tag = "users", operation_id = "update_user", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), request_body = UserPatch,
    responses((status = 200, description = "The changed user; new `ETag`", body = UserView)))]
#[patch("/api/v1/users/{id}")]
pub async fn update_user(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<UserPatch>,
) -> ApiResult<HttpResponse> {
    let (scope, p, now) = (ctx.caller.scope(Permission::UsersWrite)?, body.into_inner(), ctx.now());
    if let Some(Some(email)) = &p.email {
        crate::body::email("email", email)?;
    }
    let changes = UserChanges {
        display_name: p.display_name,
        password_hash: password::hash_some(p.password).await?,
        disabled_at: archive(p.disabled, now),
        email: p.email,
    };
    let user = ctx
        .run(move |conn| Ok(users::update(conn, &scope, &id, if_match.0, &changes, now)?))
        .await?;
    Ok(ok(user.version, &UserView::from(user)))
}
