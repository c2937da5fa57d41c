//! Integration clients (service accounts) for CRM and call-center systems. The secret is shown
//! once, in the answer to the create, and stored only hashed; roles are given as grants with
//! `principal_kind = client`.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::Permission;
use kefu_persistence::{
    Conn,
    clients::{self, Client, ClientChanges},
    org::archive,
    scope::Scope,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    auth::tokens,
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    idempotency::Redact,
    list_query, page_type,
    problem::ApiResult,
    respond::{created, ok},
    time::local,
};

/// An integration client as the API shows it (never its secret).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f6-3333-7000-8000-000000000003", "name": "call-center",
    "disabled": false, "created_at": "2026-11-23T09:00:00+08:00",
    "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct ClientView {
    /// UUIDv7, the `client_id` of the client-credentials grant.
    pub id: String,
    /// Unique within the group.
    pub name: String,
    /// Whether it is disabled (no tokens; its tokens stop at once).
    pub disabled: bool,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<Client> for ClientView {
    fn from(c: Client) -> Self {
        Self {
            id: c.id,
            name: c.name,
            disabled: c.disabled_at.is_some(),
            created_at: local(c.created_at),
            updated_at: local(c.updated_at),
            version: c.version,
        }
    }
}

/// A new client and its secret: the only time the secret is shown.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"client": {"id": "019ab2f6-3333-7000-8000-000000000003", "name": "call-center",
    "disabled": false, "created_at": "2026-11-23T09:00:00+08:00",
    "updated_at": "2026-11-23T09:00:00+08:00", "version": 1},
    "client_secret": "kq3d9Yw0c1bX7…"}))]
pub struct CreatedClient {
    /// The client.
    pub client: ClientView,
    /// The secret for the client-credentials grant. Shown once; kefu keeps only its hash (an
    /// idempotent replay of this answer leaves it out).
    pub client_secret: Option<String>,
}

page_type!(ClientPage, ClientView, "A page of integration clients.");

/// A client to create.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "call-center"}))]
pub struct NewClientRequest {
    /// Unique within the group.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

/// Changes to a client; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"disabled": true}))]
pub struct ClientPatch {
    /// A new name.
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// Disable (`true`: its tokens stop at once) or enable (`false`).
    pub disabled: Option<bool>,
}

list_query!(
    /// Filters and paging of the client list.
    ClientQuery {
        /// Only disabled (`true`) or only active (`false`) clients.
        disabled: Option<bool>,
    }
);

/// Create an integration client; the answer carries its secret, once.
#[utoipa::path(tag = "integration-clients", operation_id = "create_integration_client",
    security(("bearer" = [])), request_body = NewClientRequest,
    responses((status = 201, description = "Created; the secret is in this answer only", body = CreatedClient)))]
#[post("/api/v1/integration-clients")]
pub async fn create_integration_client(
    ctx: Ctx,
    body: Body<NewClientRequest>,
) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(Permission::ClientsManage)?;
    let name = body.into_inner().name;
    let (secret, hash) = tokens::new_refresh_token();
    let now = ctx.now();
    let client = ctx.run(move |conn| Ok(clients::create(conn, &scope, &name, &hash, now)?)).await?;
    let location = format!("/api/v1/integration-clients/{}", client.id);
    let version = client.version;
    let body = CreatedClient { client: client.into(), client_secret: Some(secret) };
    let mut response = created(location, version, &body);
    response.extensions_mut().insert(Redact(&["client_secret"]));
    Ok(response)
}

/// List the integration clients of the caller's group.
#[utoipa::path(tag = "integration-clients", operation_id = "list_integration_clients",
    security(("bearer" = [])), params(ClientQuery),
    responses((status = 200, description = "A page of clients", body = ClientPage)))]
#[get("/api/v1/integration-clients")]
pub async fn list_integration_clients(
    ctx: Ctx,
    q: web::Query<ClientQuery>,
) -> ApiResult<web::Json<ClientPage>> {
    let (req, disabled) = (q.list_request()?, q.disabled);
    let list = move |conn: &mut Conn, scope: &Scope| clients::list(conn, scope, disabled, &req);
    ctx.list(Permission::ClientsManage, list).await
}

/// One integration client.
#[utoipa::path(tag = "integration-clients", operation_id = "get_integration_client",
    security(("bearer" = [])), params(("id" = String, Path, description = "Client id")),
    responses((status = 200, description = "The client; `ETag` is set", body = ClientView)))]
#[get("/api/v1/integration-clients/{id}")]
pub async fn get_integration_client(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let get = move |conn: &mut Conn, scope: &Scope| clients::get(conn, scope, &id);
    ctx.one(Permission::ClientsManage, get, ClientView::from).await
}

/// Rename, disable or enable an integration client (with `If-Match`).
#[utoipa::path(tag = "integration-clients", operation_id = "update_integration_client",
    security(("bearer" = [])), params(("id" = String, Path, description = "Client id")),
    request_body = ClientPatch,
    responses((status = 200, description = "The changed client; new `ETag`", body = ClientView)))]
#[patch("/api/v1/integration-clients/{id}")]
pub async fn update_integration_client(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<ClientPatch>,
) -> ApiResult<HttpResponse> {
    let (scope, p, now) =
        (ctx.caller.scope(Permission::ClientsManage)?, body.into_inner(), ctx.now());
    let changes = ClientChanges { name: p.name, disabled_at: archive(p.disabled, now) };
    let client = ctx
        .run(move |conn| Ok(clients::update(conn, &scope, &id, if_match.0, &changes, now)?))
        .await?;
    Ok(ok(client.version, &ClientView::from(client)))
}
