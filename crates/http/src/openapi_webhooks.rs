//! The document's `webhooks`: every message type kefu posts to subscriptions (the catalog of
//! `kefu_domain::events`), with the Standard Webhooks headers and the body's schema, so that
//! receivers are written against the same contract as the API.

use serde::Serialize;
use utoipa::{
    PartialSchema, ToSchema,
    openapi::{
        self, ContentBuilder, HttpMethod, Ref, RefOr, ResponseBuilder,
        path::{OperationBuilder, ParameterBuilder, ParameterIn, PathItem, Paths},
        request_body::RequestBodyBuilder,
    },
};

/// What a message is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookSubject {
    /// `complaint`, `work_order`, `customer_event`, `approval_request`, `disbursement`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its id.
    pub id: String,
}

/// The message's data.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookData {
    /// What it is about.
    pub subject: WebhookSubject,
    /// The subject's company.
    pub company_id: Option<String>,
    /// The subject's project.
    pub project_id: Option<String>,
    /// The outbox message (one per change; several subscriptions share it).
    pub event_id: String,
    /// What changed, as the timeline and the audit trail record it.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

/// The body of every webhook message (Standard Webhooks: `type`, `timestamp`, `data`). Each
/// attempt carries `Webhook-Id` (the same on every retry: drop ids you have seen),
/// `Webhook-Timestamp` (Unix seconds: refuse old ones) and `Webhook-Signature`
/// (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` keyed with the secret's bytes).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"type": "complaint.created", "timestamp": "2026-12-01T01:00:00+00:00",
    "data": {"subject": {"type": "complaint", "id": "019ab2f1-0000-7000-8000-000000000041"},
    "company_id": "019ab2f1-0000-7000-8000-000000000011",
    "project_id": "019ab2f1-0000-7000-8000-000000000021",
    "event_id": "019ab2f8-1111-7000-8000-000000000090", "payload": {"number": "TS-2026-000001"}}}))]
pub struct WebhookMessage {
    /// The message type.
    #[serde(rename = "type")]
    pub kind: String,
    /// When the change happened.
    pub timestamp: String,
    /// What happened.
    pub data: WebhookData,
}

fn header(name: &str, description: &str) -> openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(openapi::Required::True)
        .description(Some(description))
        .schema(Some(String::schema()))
        .build()
}

/// Adds `webhooks` and the message schemas.
pub fn complete(mut doc: openapi::OpenApi) -> openapi::OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in [
        ("WebhookSubject", WebhookSubject::schema()),
        ("WebhookData", WebhookData::schema()),
        ("WebhookMessage", WebhookMessage::schema()),
    ] {
        components.schemas.insert(name.to_owned(), schema);
    }
    let mut paths = Paths::new();
    for (event, description) in kefu_domain::events::EVENT_TYPES {
        let body = RequestBodyBuilder::new()
            .required(Some(openapi::Required::True))
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(Ref::from_schema_name("WebhookMessage"))))
                    .build(),
            )
            .build();
        let operation = OperationBuilder::new()
            .operation_id(Some(format!("webhook_{}", event.replace('.', "_"))))
            .tag("webhooks")
            .summary(Some(*description))
            .description(Some(format!(
                "kefu posts `{event}` messages to each subscription that wants them; answer 2xx \
                 to take one, anything else (or no answer in 10 s) and it is tried again on the \
                 retry schedule."
            )))
            .parameter(header("webhook-id", "The delivery's id, the same on every attempt"))
            .parameter(header("webhook-timestamp", "Unix seconds of this attempt"))
            .parameter(header(
                "webhook-signature",
                "`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`",
            ))
            .request_body(Some(body))
            .response("200", ResponseBuilder::new().description("Taken"))
            .build();
        paths.paths.insert((*event).to_owned(), PathItem::new(HttpMethod::Post, operation));
    }
    doc.webhooks = Some(paths);
    doc
}
