//! Deliveries: one message of the outbox for one subscription, its attempts and its log.
//!
//! The fan-out job turns each outbox row, once, into a delivery for every active subscription
//! that wants it, in the transaction that marks the row published: a message committed before a
//! crash is fanned out after the restart, none twice. The delivery job leases due deliveries
//! (PostgreSQL `FOR UPDATE SKIP LOCKED`), posts them, and records each attempt: delivered on a
//! 2xx, else the next attempt after the next delay of the retry schedule, and once the schedule
//! is spent the delivery fails and its subscription is disabled, with a notification.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use kefu_domain::access::Role;

use super::{Webhook, find};
use crate::{
    audit::{Acting, Event},
    automation::Lease,
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    grants::holders,
    ids::{new_id, to_db},
    kit::{ListRequest, Page, page},
    notifications::{Notice, notify},
    schema::{outbox, webhook_deliveries, webhooks},
    scope::{Place, Scope},
};

/// A stored delivery.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    /// UUIDv7; the `Webhook-Id` of every attempt.
    pub id: String,
    /// Its subscription.
    pub webhook_id: String,
    /// The outbox message it carries.
    pub outbox_id: String,
    /// The message's type (`complaint.created`).
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// Attempts made.
    pub attempts: i64,
    /// When the next attempt is due.
    pub next_attempt_at: Option<NaiveDateTime>,
    /// When the last attempt was made.
    pub last_attempt_at: Option<NaiveDateTime>,
    /// The receiver's last status code.
    pub last_status: Option<i32>,
    /// Why the last attempt failed, when no status came back (or what it said).
    pub last_error: Option<String>,
    /// When it was delivered.
    pub delivered_at: Option<NaiveDateTime>,
    /// When it was made.
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct Message {
    id: String,
    group_id: String,
    topic: String,
    subject_type: String,
    subject_id: String,
    payload: String,
    created_at: NaiveDateTime,
    company_id: Option<String>,
    project_id: Option<String>,
}

/// Fans out up to `batch` unpublished outbox messages to the subscriptions that want them;
/// how many messages were published.
pub fn fan_out(conn: &mut Conn, batch: i64, now: DateTime<Utc>) -> Result<usize, StoreError> {
    transaction(conn.raw(), |conn| {
        let pending = || {
            outbox::table
                .filter(outbox::published_at.is_null())
                .order(outbox::id.asc())
                .limit(batch)
        };
        let messages: Vec<Message> = match &mut *conn {
            DbConnection::Pg(pg) => {
                pending().select(Message::as_select()).for_update().skip_locked().load(pg)?
            }
            other => pending().select(Message::as_select()).load(other)?,
        };
        let mut by_group: HashMap<String, Vec<Webhook>> = HashMap::new();
        for message in &messages {
            if !by_group.contains_key(&message.group_id) {
                let hooks: Vec<Webhook> = webhooks::table
                    .filter(webhooks::group_id.eq(&message.group_id))
                    .filter(webhooks::state.eq("active"))
                    .select(Webhook::as_select())
                    .load(conn)?;
                by_group.insert(message.group_id.clone(), hooks);
            }
            let place = (message.company_id.as_deref(), message.project_id.as_deref());
            for hook in &by_group[&message.group_id] {
                if hook.wants(&message.topic, place.0, place.1) {
                    diesel::insert_into(webhook_deliveries::table)
                        .values((
                            webhook_deliveries::id.eq(new_id()),
                            webhook_deliveries::webhook_id.eq(&hook.id),
                            webhook_deliveries::outbox_id.eq(&message.id),
                            webhook_deliveries::event_type.eq(&message.topic),
                            webhook_deliveries::state.eq("pending"),
                            webhook_deliveries::attempts.eq(0_i64),
                            webhook_deliveries::next_attempt_at.eq(Some(to_db(now))),
                            webhook_deliveries::created_at.eq(to_db(now)),
                        ))
                        .execute(conn)?;
                }
            }
        }
        let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
        diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set(outbox::published_at.eq(Some(to_db(now))))
            .execute(conn)?;
        Ok(messages.len())
    })
}

/// A delivery to attempt: where, signed with what, and the body.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The delivery's id (`Webhook-Id`).
    pub id: String,
    /// Where to post.
    pub url: String,
    /// The subscription's secret (`whsec_…`).
    pub secret: String,
    /// The JSON body, the same on every attempt: `{type, timestamp, data}`.
    pub body: String,
    /// Attempts made before this one.
    pub attempts: i64,
}

/// The body of a message: Standard Webhooks' `{type, timestamp, data}`, `data` holding the
/// subject and the message's own payload.
fn body(message: &Message) -> String {
    let data: serde_json::Value =
        serde_json::from_str(&message.payload).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "type": message.topic,
        "timestamp": message.created_at.and_utc().to_rfc3339(),
        "data": {
            "subject": { "type": message.subject_type, "id": message.subject_id },
            "company_id": message.company_id,
            "project_id": message.project_id,
            "event_id": message.id,
            "payload": data,
        },
    })
    .to_string()
}

/// Leases up to `batch` due deliveries of active subscriptions to this node.
pub fn claim(
    conn: &mut Conn,
    lease: &Lease,
    batch: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, StoreError> {
    let at = to_db(now);
    transaction(conn.raw(), |conn| {
        let due = || {
            webhook_deliveries::table
                .filter(webhook_deliveries::next_attempt_at.le(at))
                .filter(webhook_deliveries::state.eq("pending"))
                // A disabled subscription's deliveries wait (and resume when it is enabled)
                // without taking the places of the others.
                .filter(webhook_deliveries::webhook_id.eq_any(
                    webhooks::table.filter(webhooks::state.eq("active")).select(webhooks::id),
                ))
                .filter(
                    webhook_deliveries::lease_until
                        .is_null()
                        .or(webhook_deliveries::lease_until.lt(at)),
                )
                .order(webhook_deliveries::next_attempt_at.asc())
                .limit(batch)
        };
        let due: Vec<Delivery> = match &mut *conn {
            DbConnection::Pg(pg) => {
                due().select(Delivery::as_select()).for_update().skip_locked().load(pg)?
            }
            other => due().select(Delivery::as_select()).load(other)?,
        };
        let mut out = Vec::with_capacity(due.len());
        for delivery in due {
            let hook: Webhook = webhooks::table
                .find(&delivery.webhook_id)
                .select(Webhook::as_select())
                .first(conn)?;
            if hook.state != "active" {
                continue;
            }
            let message: Message =
                outbox::table.find(&delivery.outbox_id).select(Message::as_select()).first(conn)?;
            diesel::update(webhook_deliveries::table.find(&delivery.id))
                .set((
                    webhook_deliveries::lease_owner.eq(Some(&lease.node)),
                    webhook_deliveries::lease_until.eq(Some(lease.until(now))),
                ))
                .execute(conn)?;
            out.push(Outgoing {
                id: delivery.id,
                url: hook.url,
                secret: hook.secret,
                body: body(&message),
                attempts: delivery.attempts,
            });
        }
        Ok(out)
    })
}

/// What one attempt got back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The receiver's status code, when it answered.
    pub status: Option<u16>,
    /// What went wrong (no answer, a refused address, a non-2xx answer's first bytes).
    pub error: Option<String>,
}

impl Attempt {
    /// Whether the receiver took it (2xx).
    pub fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// What became of a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver took it.
    Delivered,
    /// Another attempt is planned.
    Retrying,
    /// The schedule is spent: failed, its subscription disabled.
    Failed,
    /// The lease was lost meanwhile (nothing recorded).
    Lost,
}

/// Records an attempt of a leased delivery: delivered; or the next attempt `retry_in` later; or,
/// with no retry left (`None`), failed, its subscription disabled and the people who keep it
/// told. One transaction.
pub fn record_attempt(
    conn: &mut Conn,
    lease: &Lease,
    (id, attempt): (&str, &Attempt),
    retry_in: Option<TimeDelta>,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    transaction(conn.raw(), |conn| {
        let mine = webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::lease_owner.eq(&lease.node))
            .filter(webhook_deliveries::state.eq("pending"));
        let Some(delivery) = mine.select(Delivery::as_select()).first(conn).optional()? else {
            return Ok(Outcome::Lost);
        };
        let outcome = match (attempt.delivered(), retry_in) {
            (true, _) => Outcome::Delivered,
            (false, Some(_)) => Outcome::Retrying,
            (false, None) => Outcome::Failed,
        };
        let (state, next, delivered_at) = match outcome {
            Outcome::Delivered => ("delivered", None, Some(to_db(now))),
            Outcome::Retrying => ("pending", retry_in.map(|d| to_db(now + d)), None),
            _ => ("failed", None, None),
        };
        let error = attempt.error.as_ref().map(|e| e.chars().take(500).collect::<String>());
        diesel::update(webhook_deliveries::table.find(id))
            .set((
                webhook_deliveries::state.eq(state),
                webhook_deliveries::attempts.eq(delivery.attempts + 1),
                webhook_deliveries::next_attempt_at.eq(next),
                webhook_deliveries::last_attempt_at.eq(Some(to_db(now))),
                webhook_deliveries::last_status.eq(attempt.status.map(i32::from)),
                webhook_deliveries::last_error.eq(error),
                webhook_deliveries::delivered_at.eq(delivered_at),
                webhook_deliveries::lease_owner.eq(None::<String>),
                webhook_deliveries::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        if outcome == Outcome::Failed {
            disable(conn, &delivery, now)?;
        }
        Ok(outcome)
    })
}

/// Disables the subscription of a delivery whose retries are spent, and tells its creator and
/// the group's administrators.
fn disable(
    conn: &mut DbConnection,
    delivery: &Delivery,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let hook: Webhook =
        webhooks::table.find(&delivery.webhook_id).select(Webhook::as_select()).first(conn)?;
    let reason = format!(
        "delivery {} ({}) failed after {} attempts",
        delivery.id,
        delivery.event_type,
        delivery.attempts + 1
    );
    diesel::update(webhooks::table.find(&hook.id))
        .set((
            webhooks::state.eq("disabled"),
            webhooks::disabled_reason.eq(Some(&reason)),
            webhooks::updated_at.eq(to_db(now)),
            webhooks::version.eq(webhooks::version + 1),
        ))
        .execute(conn)?;
    let mut told = holders(conn, &hook.group_id, &[Role::Admin], &Place::group())?;
    told.extend(hook.created_by.clone());
    let payload = serde_json::json!({
        "webhook_id": hook.id, "url": hook.url, "delivery_id": delivery.id, "reason": reason,
    });
    let notice = Notice {
        group_id: &hook.group_id,
        kind: "webhook_disabled",
        subject: ("webhook", &hook.id),
        title: format!("Webhook {} 投递失败，已停用", hook.url),
        payload: payload.clone(),
    };
    notify(conn, &told, &notice, now)?;
    let place = Place::group();
    let event = Event {
        at: now,
        action: "webhook.disabled",
        subject: ("webhook", &hook.id),
        group: Some(&hook.group_id),
        place: &place,
        payload,
    };
    Acting::system().record(conn, event)?;
    Ok(())
}

/// A page of a subscription's delivery log, oldest first.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    webhook_id: &str,
    req: &ListRequest,
) -> Result<Page<Delivery>, StoreError> {
    let conn = conn.raw();
    find(conn, scope, webhook_id)?;
    let query = || {
        webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(webhook_id)).into_boxed()
    };
    page!(conn, webhook_deliveries, query, Delivery, req)
}

/// Plans a delivery again, now, with a fresh retry schedule (manual redelivery); the
/// subscription must be active (409 otherwise).
pub fn redeliver(
    conn: &mut Conn,
    scope: &Scope,
    (webhook_id, id): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Delivery, StoreError> {
    scope.require_group()?;
    transaction(conn.raw(), |conn| {
        let hook = find(conn, scope, webhook_id)?;
        if hook.state != "active" {
            return Err(StoreError::Conflict(
                "the webhook is disabled: enable it before redelivering".into(),
            ));
        }
        let of_hook = webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::webhook_id.eq(webhook_id));
        let changed = diesel::update(of_hook)
            .set((
                webhook_deliveries::state.eq("pending"),
                webhook_deliveries::attempts.eq(0_i64),
                webhook_deliveries::next_attempt_at.eq(Some(to_db(now))),
                webhook_deliveries::lease_owner.eq(None::<String>),
                webhook_deliveries::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        let payload = serde_json::json!({ "delivery_id": id });
        scope.audit(
            conn,
            now,
            "webhook.redelivered",
            ("webhook", webhook_id),
            &Place::group(),
            payload,
        )?;
        Ok(of_hook.select(Delivery::as_select()).first(conn)?)
    })
}
