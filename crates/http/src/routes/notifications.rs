//! The caller's own inbox (通知): warnings, escalations and other news written for him in the
//! transaction of what they tell of. Only the user himself reads or marks his notifications;
//! an integration client has no inbox (403).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_persistence::notifications::{self, Notification};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    auth::caller::Principal,
    ctx::Ctx,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    time::local,
};

/// A notification as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f7-0000-7000-8000-000000000071", "kind": "clock_escalated",
    "subject_type": "complaint", "subject_id": "019ab2f1-0000-7000-8000-000000000041",
    "title": "TS-2026-000001 自行处理完毕 已超时，越级上报",
    "payload": {"clock": "self_resolve", "rule_id": "R-T-3", "due_at": "2026-10-09T09:00:00+00:00"},
    "created_at": "2026-10-09T17:00:05+08:00", "read": false, "read_at": null}))]
pub struct NotificationView {
    /// UUIDv7.
    pub id: String,
    /// What kind of news: `clock_warning` (a clock reached its warning threshold),
    /// `clock_breached` (a clock you own ran out), `clock_escalated` (a complaint below you ran
    /// out, 越级上报), `work_order_overdue`, `webhook_disabled`, `report_due_soon` (a report you
    /// prepare falls due soon, R-RP), `report_overdue` (it is past its due, unsubmitted),
    /// `work_plan_item_overdue` (an item of a work plan you answer for is late, R-RP-13).
    pub kind: String,
    /// What it is about: `complaint`, `work_order`, `webhook`, `report_obligation`,
    /// `work_plan`.
    pub subject_type: String,
    /// Which one.
    pub subject_id: String,
    /// One line, in Chinese.
    pub title: String,
    /// The details (clock, rule, due, complaint number, who it was escalated to).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// When it was written.
    pub created_at: DateTime<FixedOffset>,
    /// Whether it was read.
    pub read: bool,
    /// When it was first read.
    pub read_at: Option<DateTime<FixedOffset>>,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        Self {
            payload: serde_json::from_str(&n.payload).unwrap_or(serde_json::Value::Null),
            id: n.id,
            kind: n.kind,
            subject_type: n.subject_type,
            subject_id: n.subject_id,
            title: n.title,
            created_at: local(n.created_at),
            read: n.read_at.is_some(),
            read_at: n.read_at.map(local),
        }
    }
}

page_type!(NotificationPage, NotificationView, "A page of the caller's notifications.");

/// How many notifications were marked read.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"marked": 3}))]
pub struct MarkedRead {
    /// Notifications that were unread and are read now.
    pub marked: usize,
}

list_query!(
    /// Filters and paging of the inbox.
    NotificationQuery {
        /// Only unread ones (`true`).
        unread: Option<bool>,
    }
);

/// The caller's user id; an integration client has no inbox.
fn me(ctx: &Ctx) -> Result<String, ApiError> {
    match &ctx.caller.principal {
        Principal::User(id) => Ok(id.clone()),
        Principal::Client(_) => Err(ApiError::Forbidden),
    }
}

/// The caller's notifications, oldest first (`unread=true` for the unread ones only).
#[utoipa::path(tag = "notifications", operation_id = "list_notifications",
    security(("bearer" = [])), params(NotificationQuery),
    responses((status = 200, description = "A page of the caller's notifications", body = NotificationPage)))]
#[get("/api/v1/notifications")]
pub async fn list_notifications(
    ctx: Ctx,
    q: web::Query<NotificationQuery>,
) -> ApiResult<web::Json<NotificationPage>> {
    let (user, req, unread) = (me(&ctx)?, q.list_request()?, q.unread.unwrap_or(false));
    let page = ctx.run(move |conn| Ok(notifications::list(conn, &user, unread, &req)?)).await?;
    Ok(web::Json(NotificationPage::from_page(page, NotificationView::from)))
}

/// Mark one of the caller's notifications read (reading it again keeps the first time).
#[utoipa::path(tag = "notifications", operation_id = "read_notification",
    security(("bearer" = [])), params(("id" = String, Path, description = "Notification id")),
    responses((status = 200, description = "The notification, read", body = NotificationView)))]
#[post("/api/v1/notifications/{id}/read")]
pub async fn read_notification(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let (user, now) = (me(&ctx)?, ctx.now());
    let read = ctx.run(move |conn| Ok(notifications::mark_read(conn, &user, &id, now)?)).await?;
    Ok(HttpResponse::Ok().json(NotificationView::from(read)))
}

/// Mark every unread notification of the caller read.
#[utoipa::path(tag = "notifications", operation_id = "read_all_notifications",
    security(("bearer" = [])),
    responses((status = 200, description = "How many were marked read", body = MarkedRead)))]
#[post("/api/v1/notifications/read-all")]
pub async fn read_all_notifications(ctx: Ctx) -> ApiResult<web::Json<MarkedRead>> {
    let (user, now) = (me(&ctx)?, ctx.now());
    let marked = ctx.run(move |conn| Ok(notifications::mark_all_read(conn, &user, now)?)).await?;
    Ok(web::Json(MarkedRead { marked }))
}
