//! A customer's rights over his personal information (个人信息, PIPL): a copy of everything
//! kefu holds on him (查阅复制, Art. 45) and the erasure of what identifies him (删除, Art. 47).
//! Both are audited; neither puts personal data into the audit trail.

use actix_web::{
    HttpResponse, get,
    http::header::{
        CacheControl, CacheDirective, ContentDisposition, DispositionParam, DispositionType,
    },
    post, web,
};
use chrono::{DateTime, FixedOffset, Utc};
use kefu_domain::{access::Permission, privacy};
use kefu_persistence::{
    Conn,
    customers::{self, EventRecord, OwnedUnitRecord},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::CustomerView;
use crate::{
    body::Body,
    ctx::{Ctx, Scopes},
    etag::IfMatch,
    problem::{ApiError, ApiResult},
    time::local,
};

/// Everything kefu holds on a customer, as one document for him (个人信息副本).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"exported_at": "2026-11-23T09:00:00+08:00", "complete": true,
    "customer": {"id": "019ab2f7-4444-7000-8000-000000000061", "name": "张伟",
        "phones": ["13812345678"], "archived": false, "erased": false, "erased_at": null,
        "created_at": "2026-11-23T09:00:00+08:00", "updated_at": "2026-11-23T09:00:00+08:00"},
    "units": [{"unit_id": "019ab2f2-2222-7000-8000-000000000041",
        "project_id": "019ab2f2-0000-7000-8000-000000000021", "project_name": "晋愉·蓝湾",
        "building_name": "3号楼", "number": "3-1301", "floor": "13",
        "contract_signed_on": "2026-03-18", "handed_over_on": null}],
    "complaints": [], "callbacks": [],
    "audit_events": [{"id": "019ab2f9-0000-7000-8000-000000000091",
        "at": "2026-11-23T09:00:00+08:00", "action": "customer.exported"}]}))]
pub struct CustomerExport {
    /// When the document was made.
    pub exported_at: DateTime<FixedOffset>,
    /// Whether nothing was left out: `false` when the caller's reach is narrower than the
    /// group, so that units in projects outside it, and their events, are not in the document.
    pub complete: bool,
    /// His profile, phone numbers whole.
    pub customer: ExportedProfile,
    /// The units he owns, with their dates.
    pub units: Vec<ExportedUnit>,
    /// His complaints: always an empty list until kefu records complaints.
    #[schema(value_type = Vec<Object>)]
    pub complaints: Vec<serde_json::Value>,
    /// His callbacks and surveys: always an empty list until kefu records callbacks.
    #[schema(value_type = Vec<Object>)]
    pub callbacks: Vec<serde_json::Value>,
    /// The audit events about him, oldest first; the last one is this export.
    pub audit_events: Vec<ExportedEvent>,
}

/// A customer's profile as he is stored: phone numbers whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedProfile {
    /// UUIDv7.
    pub id: String,
    /// Name (a placeholder once erased).
    pub name: String,
    /// Phone numbers, whole (none once erased).
    pub phones: Vec<String>,
    /// Whether the record is archived.
    pub archived: bool,
    /// Whether his personal data was erased.
    pub erased: bool,
    /// When it was erased.
    pub erased_at: Option<DateTime<FixedOffset>>,
    /// When the record was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
}

/// A unit he owns, with what a person knows it by and the dates of his ownership.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedUnit {
    /// The unit.
    pub unit_id: String,
    /// Its project.
    pub project_id: String,
    /// The project's name.
    pub project_name: String,
    /// The building's name.
    pub building_name: String,
    /// The unit's number.
    pub number: String,
    /// Its floor.
    pub floor: Option<String>,
    /// When the purchase contract was signed.
    pub contract_signed_on: Option<String>,
    /// When the unit was handed over.
    pub handed_over_on: Option<String>,
}

/// An audit event about him: what happened and when (who acted is another person's data).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedEvent {
    /// The event's id.
    pub id: String,
    /// When it happened.
    pub at: DateTime<FixedOffset>,
    /// What happened, `noun.verb` (`customer.phones_read`).
    pub action: String,
}

impl From<OwnedUnitRecord> for ExportedUnit {
    fn from(u: OwnedUnitRecord) -> Self {
        let o = u.ownership;
        Self {
            unit_id: o.unit_id,
            project_id: o.project_id,
            project_name: u.project_name,
            building_name: u.building_name,
            number: u.number,
            floor: u.floor,
            contract_signed_on: o.contract_signed_on,
            handed_over_on: o.handed_over_on,
        }
    }
}

impl From<EventRecord> for ExportedEvent {
    fn from(e: EventRecord) -> Self {
        Self { id: e.id, at: local(e.at), action: e.action }
    }
}

impl CustomerExport {
    fn new(e: customers::CustomerExport, now: DateTime<Utc>) -> Self {
        let c = e.customer;
        Self {
            exported_at: local(now),
            complete: e.complete,
            customer: ExportedProfile {
                id: c.id,
                name: c.name,
                phones: c.phones,
                archived: c.archived_at.is_some(),
                erased: c.erased_at.is_some(),
                erased_at: c.erased_at.map(local),
                created_at: local(c.created_at),
                updated_at: local(c.updated_at),
            },
            units: e.units.into_iter().map(ExportedUnit::from).collect(),
            complaints: Vec::new(),
            callbacks: Vec::new(),
            audit_events: e.events.into_iter().map(ExportedEvent::from).collect(),
        }
    }
}

/// Why a customer's personal data is erased.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "客户本人书面申请删除个人信息（2026-11-20）"}))]
pub struct CustomerErasure {
    /// Why, kept in the audit trail for good: no personal data (a phone number in it is
    /// refused with 422).
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub reason: String,
}

/// Everything kefu holds on a customer as one JSON document to hand him: his profile with the
/// whole phone numbers, the units he owns with their dates, his complaints and callbacks (empty
/// lists until kefu records them), and the audit events about him (ids, actions and times, not
/// who acted). Needs `CustomerDataExport` (`admin`, `cs_manager`); each export is itself an
/// audit event (`customer.exported`), and the answer is an attachment that is never cached.
#[utoipa::path(tag = "customers", operation_id = "export_customer", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 200, description = "The document, as an attachment", body = CustomerExport,
        headers(("Content-Disposition" = String,
            description = "`attachment; filename=\"customer-<id>-<yyyymmdd>.json\"`"),
            ("Cache-Control" = String, description = "`no-store`")))))]
#[get("/api/v1/customers/{id}/export")]
pub async fn export_customer(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let (scope, now) = (ctx.caller.scope(Permission::CustomerDataExport)?, ctx.now());
    let found = ctx.run(move |conn| Ok(customers::export(conn, &scope, &id, now)?)).await?;
    let doc = CustomerExport::new(found, now);
    let file = format!("customer-{}-{}.json", doc.customer.id, local(now).format("%Y%m%d"));
    Ok(HttpResponse::Ok()
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(file)],
        })
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .json(doc))
}

/// Erase a customer's personal data on his request (with `If-Match`): his name becomes
/// `已删除客户-<token>`, his phone numbers go, and neither can be set again. The record, its id,
/// its units with their dates, and everything that refers to him (complaints, statistics, the
/// audit trail) stay. Final: a second erasure is 409 (`conflict`). Needs `CustomerDataErase`
/// (`admin`); audited as `customer.erased` with the reason.
#[utoipa::path(tag = "customers", operation_id = "erase_customer", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")), request_body = CustomerErasure,
    responses((status = 200, description = "The anonymised customer; new `ETag`", body = CustomerView)))]
#[post("/api/v1/customers/{id}/erasure")]
pub async fn erase_customer(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<CustomerErasure>,
) -> ApiResult<HttpResponse> {
    let (reason, now) = (body.into_inner().reason, ctx.now());
    if privacy::looks_like_phone_number(&reason) {
        return Err(ApiError::field(
            "reason",
            "personal_data",
            "must not hold a phone number: the reason stays in the audit trail",
        ));
    }
    let erase = move |conn: &mut Conn, s: Scopes| {
        customers::erase(conn, s.pair(), &id, if_match.0, &reason, now)
    };
    ctx.change(
        (Permission::CustomersRead, Permission::CustomerDataErase),
        erase,
        CustomerView::from,
    )
    .await
}
