//! Webhook subscriptions (集成回调) for CRM, call-center, SMS gateways and chat robots: a URL,
//! the event types it wants (the catalog is the OpenAPI document's `webhooks`), an optional
//! company or project; signed the Standard Webhooks way with a `whsec_` secret shown once.
//! Kept by the group's administrators (`webhooks.manage`), with the delivery log and manual
//! redelivery.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::{access::Permission, events::is_event_type};
use kefu_persistence::{
    Conn,
    scope::Scope,
    webhooks::{
        self, NewWebhook, Webhook, WebhookChanges,
        deliveries::{self, Delivery},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    idempotency::Redact,
    jobs::deliver::{new_secret, refuse_url},
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
    time::local,
};

const MANAGE: Permission = Permission::WebhooksManage;

/// A subscription as the API shows it (never its secret).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f8-0000-7000-8000-000000000081",
    "url": "https://crm.example.com/kefu/hooks", "description": "CRM",
    "event_types": ["complaint.created", "complaint.transitioned"], "company_id": null,
    "project_id": null, "enabled": true, "disabled_reason": null,
    "created_at": "2026-12-01T09:00:00+08:00", "updated_at": "2026-12-01T09:00:00+08:00", "version": 1}))]
pub struct WebhookView {
    /// UUIDv7.
    pub id: String,
    /// Where messages are posted.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The message types it gets; empty = every type.
    pub event_types: Vec<String>,
    /// Only messages of this company.
    pub company_id: Option<String>,
    /// Only messages of this project.
    pub project_id: Option<String>,
    /// Whether messages are delivered (a subscription whose retries ran out is disabled).
    pub enabled: bool,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<Webhook> for WebhookView {
    fn from(w: Webhook) -> Self {
        Self {
            event_types: w.types(),
            enabled: w.state == "active",
            id: w.id,
            url: w.url,
            description: w.description,
            company_id: w.company_id,
            project_id: w.project_id,
            disabled_reason: w.disabled_reason,
            created_at: local(w.created_at),
            updated_at: local(w.updated_at),
            version: w.version,
        }
    }
}

/// A new subscription and its signing secret: the only time the secret is shown.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"webhook": {"id": "019ab2f8-0000-7000-8000-000000000081",
    "url": "https://crm.example.com/kefu/hooks", "description": "CRM", "event_types": [],
    "company_id": null, "project_id": null, "enabled": true, "disabled_reason": null,
    "created_at": "2026-12-01T09:00:00+08:00", "updated_at": "2026-12-01T09:00:00+08:00", "version": 1},
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}))]
pub struct CreatedWebhook {
    /// The subscription.
    pub webhook: WebhookView,
    /// The signing secret (`whsec_` and base64): verify `Webhook-Signature` with it, as the
    /// Standard Webhooks libraries do. Shown once (an idempotent replay leaves it out).
    pub secret: Option<String>,
}

page_type!(WebhookPage, WebhookView, "A page of webhook subscriptions.");

/// A delivery as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f8-1111-7000-8000-000000000091",
    "event_type": "complaint.created", "event_id": "019ab2f8-1111-7000-8000-000000000090",
    "state": "delivered", "attempts": 1, "next_attempt_at": null,
    "last_attempt_at": "2026-12-01T09:00:01+08:00", "last_status": 200, "last_error": null,
    "delivered_at": "2026-12-01T09:00:01+08:00", "created_at": "2026-12-01T09:00:00+08:00"}))]
pub struct DeliveryView {
    /// UUIDv7; the `Webhook-Id` of every attempt (receivers drop ids they have seen).
    pub id: String,
    /// The message type.
    pub event_type: String,
    /// The outbox message it carries.
    pub event_id: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// Attempts made.
    pub attempts: i64,
    /// When the next attempt is due.
    pub next_attempt_at: Option<DateTime<FixedOffset>>,
    /// When the last attempt was made.
    pub last_attempt_at: Option<DateTime<FixedOffset>>,
    /// The receiver's last status code.
    pub last_status: Option<i32>,
    /// What went wrong last.
    pub last_error: Option<String>,
    /// When it was delivered.
    pub delivered_at: Option<DateTime<FixedOffset>>,
    /// When it was made.
    pub created_at: DateTime<FixedOffset>,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            event_type: d.event_type,
            event_id: d.outbox_id,
            state: d.state,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at.map(local),
            last_attempt_at: d.last_attempt_at.map(local),
            last_status: d.last_status,
            last_error: d.last_error,
            delivered_at: d.delivered_at.map(local),
            created_at: local(d.created_at),
        }
    }
}

page_type!(DeliveryPage, DeliveryView, "A page of a subscription's deliveries.");

/// A subscription to create.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://crm.example.com/kefu/hooks", "description": "CRM",
    "event_types": ["complaint.created", "complaint.transitioned"]}))]
pub struct NewWebhookBody {
    /// Where to post: `http` or `https`, not a loopback, link-local or private address (unless
    /// the operator allows it).
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$"
    )]
    pub url: String,
    /// What it is for.
    #[schema(max_length = 200)]
    pub description: Option<String>,
    /// The message types to get (see the document's `webhooks`); none or empty = every type.
    #[schema(max_items = 50)]
    pub event_types: Option<Vec<String>>,
    /// Only messages of this company.
    #[schema(max_length = 64)]
    pub company_id: Option<String>,
    /// Only messages of this project.
    #[schema(max_length = 64)]
    pub project_id: Option<String>,
}

/// Changes to a subscription; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": true}))]
pub struct WebhookPatch {
    /// A new URL.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$"
    )]
    pub url: Option<String>,
    /// A new description.
    #[schema(max_length = 200)]
    pub description: Option<String>,
    /// New message types (empty = every type).
    #[schema(max_items = 50)]
    pub event_types: Option<Vec<String>>,
    /// A new company filter; `null` clears it.
    #[serde(default, deserialize_with = "crate::body::double_option")]
    #[schema(max_length = 64, nullable)]
    pub company_id: Option<Option<String>>,
    /// A new project filter; `null` clears it.
    #[serde(default, deserialize_with = "crate::body::double_option")]
    #[schema(max_length = 64, nullable)]
    pub project_id: Option<Option<String>>,
    /// Enable (`true`: deliveries resume) or disable (`false`).
    pub enabled: Option<bool>,
}

list_query!(
    /// Paging of the subscriptions.
    WebhookQuery {}
);

list_query!(
    /// Paging of a delivery log.
    DeliveryQuery {}
);

/// The URL, checked against OWASP API7 unless private addresses are allowed.
fn checked_url(ctx: &Ctx, url: &str) -> Result<(), ApiError> {
    match refuse_url(url, ctx.state.webhooks_may_reach_private) {
        Some(reason) => Err(ApiError::field("url", "invalid", reason)),
        None => Ok(()),
    }
}

/// The event types, each of the catalog; stored as a JSON array.
fn checked_types(types: &[String]) -> Result<(), ApiError> {
    match types.iter().find(|t| !is_event_type(t)) {
        Some(bad) => Err(ApiError::field(
            "event_types",
            "unknown",
            format!("{bad:?} is not a message type of kefu (see the OpenAPI document's webhooks)"),
        )),
        None => Ok(()),
    }
}

/// Subscribe a URL to kefu's messages; the answer carries the signing secret, once.
#[utoipa::path(tag = "webhooks", operation_id = "create_webhook", security(("bearer" = [])),
    request_body = NewWebhookBody,
    responses((status = 201, description = "Created; the secret is in this answer only", body = CreatedWebhook)))]
#[post("/api/v1/webhooks")]
pub async fn create_webhook(ctx: Ctx, body: Body<NewWebhookBody>) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(MANAGE)?;
    let (b, now) = (body.into_inner(), ctx.now());
    checked_url(&ctx, &b.url)?;
    let mut event_types = b.event_types.unwrap_or_default();
    checked_types(&event_types)?;
    event_types.sort();
    event_types.dedup();
    let secret = new_secret();
    let new = NewWebhook {
        url: b.url,
        description: b.description.unwrap_or_default(),
        event_types,
        company_id: b.company_id,
        project_id: b.project_id,
        secret: secret.clone(),
    };
    let hook = ctx.run(move |conn| Ok(webhooks::create(conn, &scope, &new, now)?)).await?;
    let location = format!("/api/v1/webhooks/{}", hook.id);
    let version = hook.version;
    let body = CreatedWebhook { webhook: hook.into(), secret: Some(secret) };
    let mut response = created(location, version, &body);
    response.extensions_mut().insert(Redact(&["secret"]));
    Ok(response)
}

/// The group's subscriptions.
#[utoipa::path(tag = "webhooks", operation_id = "list_webhooks", security(("bearer" = [])),
    params(WebhookQuery),
    responses((status = 200, description = "A page of subscriptions", body = WebhookPage)))]
#[get("/api/v1/webhooks")]
pub async fn list_webhooks(
    ctx: Ctx,
    q: web::Query<WebhookQuery>,
) -> ApiResult<web::Json<WebhookPage>> {
    let req = q.list_request()?;
    let list = move |conn: &mut Conn, scope: &Scope| webhooks::list(conn, scope, &req);
    ctx.list(MANAGE, list).await
}

/// One subscription.
#[utoipa::path(tag = "webhooks", operation_id = "get_webhook", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses((status = 200, description = "The subscription; `ETag` is set", body = WebhookView)))]
#[get("/api/v1/webhooks/{id}")]
pub async fn get_webhook(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let get = move |conn: &mut Conn, scope: &Scope| webhooks::get(conn, scope, &id);
    ctx.one(MANAGE, get, WebhookView::from).await
}

/// Change, enable or disable a subscription (with `If-Match`).
#[utoipa::path(tag = "webhooks", operation_id = "update_webhook", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")), request_body = WebhookPatch,
    responses((status = 200, description = "The changed subscription; new `ETag`", body = WebhookView)))]
#[patch("/api/v1/webhooks/{id}")]
pub async fn update_webhook(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<WebhookPatch>,
) -> ApiResult<HttpResponse> {
    let (scope, p, now) = (ctx.caller.scope(MANAGE)?, body.into_inner(), ctx.now());
    if let Some(url) = &p.url {
        checked_url(&ctx, url)?;
    }
    let event_types = match p.event_types {
        Some(mut types) => {
            checked_types(&types)?;
            types.sort();
            types.dedup();
            Some(serde_json::to_string(&types).unwrap_or_else(|_| "[]".into()))
        }
        None => None,
    };
    let changes = WebhookChanges {
        url: p.url,
        description: p.description,
        event_types,
        company_id: p.company_id,
        project_id: p.project_id,
        state: p.enabled.map(|on| if on { "active" } else { "disabled" }.to_owned()),
        disabled_reason: p
            .enabled
            .map(|on| (!on).then(|| "disabled by an administrator".to_owned())),
    };
    let hook = ctx
        .run(move |conn| Ok(webhooks::update(conn, &scope, &id, if_match.0, &changes, now)?))
        .await?;
    Ok(ok(hook.version, &WebhookView::from(hook)))
}

/// Delete a subscription and its delivery log.
#[utoipa::path(tag = "webhooks", operation_id = "delete_webhook", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses((status = 204, description = "Deleted")))]
#[delete("/api/v1/webhooks/{id}")]
pub async fn delete_webhook(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let (scope, now) = (ctx.caller.scope(MANAGE)?, ctx.now());
    ctx.run(move |conn| Ok(webhooks::delete(conn, &scope, &id, now)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A subscription's delivery log, oldest first.
#[utoipa::path(tag = "webhooks", operation_id = "list_webhook_deliveries", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id"), DeliveryQuery),
    responses((status = 200, description = "A page of deliveries", body = DeliveryPage)))]
#[get("/api/v1/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    ctx: Ctx,
    id: web::Path<String>,
    q: web::Query<DeliveryQuery>,
) -> ApiResult<web::Json<DeliveryPage>> {
    let (scope, req) = (ctx.caller.scope(MANAGE)?, q.list_request()?);
    let page = ctx.run(move |conn| Ok(deliveries::list(conn, &scope, &id, &req)?)).await?;
    Ok(web::Json(DeliveryPage::from_page(page, DeliveryView::from)))
}

/// Deliver a message again, now, with a fresh retry schedule (the same `Webhook-Id`).
#[utoipa::path(tag = "webhooks", operation_id = "redeliver_webhook_delivery", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id"),
        ("delivery_id" = String, Path, description = "Delivery id")),
    responses((status = 202, description = "Planned; the next round of the delivery job posts it", body = DeliveryView)))]
#[post("/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook_delivery(
    ctx: Ctx,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (scope, now) = (ctx.caller.scope(MANAGE)?, ctx.now());
    let (id, delivery) = path.into_inner();
    let planned = ctx
        .run(move |conn| Ok(deliveries::redeliver(conn, &scope, (&id, &delivery), now)?))
        .await?;
    Ok(HttpResponse::Accepted().json(DeliveryView::from(planned)))
}
