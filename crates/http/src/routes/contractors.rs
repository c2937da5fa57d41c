//! Contractors (施工单位, R-WO-6): name, licence, warranty deposit and warranty end. Kept by
//! group-wide `contractors.manage`; read by whoever reads work orders in the group.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset, NaiveDate};
use kefu_domain::{
    access::Permission,
    complaint::work_order::{WarrantyCover, warranty_cover},
};
use kefu_persistence::{
    Conn,
    contractors::{self, Contractor, ContractorChanges, ContractorFilter, NewContractor},
    org::archive,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    body::Body,
    ctx::{Ctx, Scopes},
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::ApiResult,
    time::{Day, local},
};

/// Reading contractors, and keeping them.
const CONTRACTORS: (Permission, Permission) =
    (Permission::WorkOrdersRead, Permission::ContractorsManage);

/// A contractor as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000061", "name": "晋愉建设工程有限公司",
    "licence": "91140100MA0K000000", "warranty_deposit_fen": 50000000,
    "warranty_ends_on": "2028-06-30", "warranty_cover": "contractor", "archived": false,
    "created_at": "2026-11-23T09:00:00+08:00", "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct ContractorView {
    /// UUIDv7.
    pub id: String,
    /// Unique within the group.
    pub name: String,
    /// Its business licence number.
    pub licence: Option<String>,
    /// The warranty deposit it left, in fen.
    pub warranty_deposit_fen: i64,
    /// The last day of its warranty: a defect found until then is its to repair, after it the
    /// customer-service fund's (R-WO-6).
    pub warranty_ends_on: Option<NaiveDate>,
    /// Who repairs a defect of its work found today (China time): `contractor` until its
    /// warranty ends (that day included), `fund` after it or without a recorded end (R-WO-6).
    pub warranty_cover: WarrantyCover,
    /// Whether it is archived (no longer assigned).
    pub archived: bool,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl ContractorView {
    /// The view of `c` on `today`.
    fn new(c: Contractor, today: NaiveDate) -> Self {
        Self {
            warranty_ends_on: c.warranty_end(),
            warranty_cover: warranty_cover(c.warranty_end(), today),
            id: c.id,
            name: c.name,
            licence: c.licence,
            warranty_deposit_fen: c.warranty_deposit_fen,
            archived: c.archived_at.is_some(),
            created_at: local(c.created_at),
            updated_at: local(c.updated_at),
            version: c.version,
        }
    }
}

page_type!(ContractorPage, ContractorView, "A page of contractors.");

/// Today in China time, for the warranty cover.
fn today(now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    local(now).date_naive()
}

/// A contractor to create.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "晋愉建设工程有限公司", "licence": "91140100MA0K000000",
    "warranty_deposit_fen": 50000000, "warranty_ends_on": "2028-06-30"}))]
pub struct NewContractorBody {
    /// Unique within the group.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Its business licence number.
    #[schema(min_length = 1, max_length = 64)]
    pub licence: Option<String>,
    /// The warranty deposit, in fen (default 0).
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub warranty_deposit_fen: Option<i64>,
    /// The last day of its warranty.
    pub warranty_ends_on: Option<Day>,
}

/// Changes to a contractor; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"warranty_ends_on": "2029-06-30", "archived": false}))]
pub struct ContractorPatch {
    /// A new name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// A new licence number.
    #[schema(min_length = 1, max_length = 64)]
    pub licence: Option<String>,
    /// A new deposit, in fen.
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub warranty_deposit_fen: Option<i64>,
    /// A new warranty end.
    pub warranty_ends_on: Option<Day>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

list_query!(
    /// Filters and paging of the contractor list.
    ContractorQuery {
        /// Only archived (`true`) or only current (`false`) ones.
        archived: Option<bool>,
        /// Words of the name.
        #[param(max_length = 100)]
        q: Option<String>,
    }
);

/// Add a contractor (group-wide `contractors.manage`).
#[utoipa::path(tag = "contractors", operation_id = "create_contractor", security(("bearer" = [])),
    request_body = NewContractorBody,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = ContractorView)))]
#[post("/api/v1/contractors")]
pub async fn create_contractor(ctx: Ctx, body: Body<NewContractorBody>) -> ApiResult<HttpResponse> {
    let (b, now) = (body.into_inner(), ctx.now());
    crate::body::not_blank("name", &b.name)?;
    let new = NewContractor {
        name: b.name,
        licence: b.licence,
        warranty_deposit_fen: b.warranty_deposit_fen.unwrap_or(0),
        warranty_ends_on: b.warranty_ends_on.map(|d| d.0),
    };
    let make = move |conn: &mut Conn, s: Scopes| contractors::create(conn, &s.1, &new, now);
    let view = move |c| ContractorView::new(c, today(now));
    ctx.create((CONTRACTORS, "/api/v1/contractors"), make, view).await
}

/// List the group's contractors.
#[utoipa::path(tag = "contractors", operation_id = "list_contractors", security(("bearer" = [])),
    params(ContractorQuery),
    responses((status = 200, description = "A page of contractors", body = ContractorPage)))]
#[get("/api/v1/contractors")]
pub async fn list_contractors(
    ctx: Ctx,
    q: web::Query<ContractorQuery>,
) -> ApiResult<web::Json<ContractorPage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let text = text_filter("q", q.q, 100)?.filter(|t| !t.trim().is_empty());
    let (filter, day) = (ContractorFilter { archived: q.archived, q: text }, today(ctx.now()));
    let scope = ctx.caller.scope(CONTRACTORS.0)?;
    let page = ctx.run(move |conn| Ok(contractors::list(conn, &scope, &filter, &req)?)).await?;
    Ok(web::Json(ContractorPage::from_page(page, |c| ContractorView::new(c, day))))
}

/// One contractor.
#[utoipa::path(tag = "contractors", operation_id = "get_contractor", security(("bearer" = [])),
    params(("id" = String, Path, description = "Contractor id")),
    responses((status = 200, description = "The contractor; `ETag` is set", body = ContractorView)))]
#[get("/api/v1/contractors/{id}")]
pub async fn get_contractor(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let day = today(ctx.now());
    let load = move |conn: &mut Conn, scope: &_| contractors::read(conn, scope, &id);
    ctx.one(CONTRACTORS.0, load, move |c| ContractorView::new(c, day)).await
}

/// Change, archive or restore a contractor (with `If-Match`).
#[utoipa::path(tag = "contractors", operation_id = "update_contractor", security(("bearer" = [])),
    params(("id" = String, Path, description = "Contractor id")), request_body = ContractorPatch,
    responses((status = 200, description = "The changed contractor; new `ETag`", body = ContractorView)))]
#[patch("/api/v1/contractors/{id}")]
pub async fn update_contractor(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<ContractorPatch>,
) -> ApiResult<HttpResponse> {
    let (p, now) = (body.into_inner(), ctx.now());
    if let Some(name) = &p.name {
        crate::body::not_blank("name", name)?;
    }
    let changes = ContractorChanges {
        name: p.name,
        licence: p.licence.map(Some),
        warranty_deposit_fen: p.warranty_deposit_fen,
        warranty_ends_on: p.warranty_ends_on.map(|d| Some(d.0.to_string())),
        archived_at: archive(p.archived, now),
    };
    let change = move |conn: &mut Conn, s: Scopes| {
        s.1.require_group()?;
        contractors::update(conn, s.pair(), &id, if_match.0, &changes, now)
    };
    ctx.change(CONTRACTORS, change, move |c| ContractorView::new(c, today(now))).await
}
