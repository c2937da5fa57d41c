//! Companies (公司) of the group: developer, property management, brokerage/sales. The worked
//! example of a resource's HTTP side: its views and bodies, then one short handler per
//! operation (README, "Layout").

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::org::CompanyKind;
use kefu_persistence::{
    Conn,
    org::{
        archive,
        companies::{self, Company, CompanyChanges, CompanyFilter},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::ORG;
use crate::{
    body::Body,
    ctx::{Ctx, Scopes},
    etag::IfMatch,
    list_query, page_type,
    problem::ApiResult,
    time::local,
};

/// A company as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000011", "name": "晋愉地产",
    "kind": "developer", "archived": false, "created_at": "2026-11-23T09:00:00+08:00",
    "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct CompanyView {
    /// UUIDv7.
    pub id: String,
    /// Unique within the group.
    pub name: String,
    /// What it does.
    pub kind: CompanyKind,
    /// Whether it is archived.
    pub archived: bool,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<Company> for CompanyView {
    fn from(c: Company) -> Self {
        Self {
            id: c.id,
            name: c.name,
            kind: c.kind,
            archived: c.archived_at.is_some(),
            created_at: local(c.created_at),
            updated_at: local(c.updated_at),
            version: c.version,
        }
    }
}

page_type!(CompanyPage, CompanyView, "A page of companies.");

/// A company to create.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "晋愉地产", "kind": "developer"}))]
pub struct NewCompany {
    /// Unique within the group.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// What it does.
    pub kind: CompanyKind,
}

/// Changes to a company; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "晋愉置业", "archived": false}))]
pub struct CompanyPatch {
    /// A new name.
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// A new kind.
    pub kind: Option<CompanyKind>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

list_query!(
    /// Filters and paging of the company list.
    CompanyQuery {
        /// Only this kind.
        kind: Option<CompanyKind>,
        /// Only archived (`true`) or only current (`false`) ones.
        archived: Option<bool>,
    }
);

/// Create a company (group-wide `OrgWrite`).
#[utoipa::path(tag = "org", operation_id = "create_company", security(("bearer" = [])),
    request_body = NewCompany,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = CompanyView)))]
#[post("/api/v1/org/companies")]
pub async fn create_company(ctx: Ctx, body: Body<NewCompany>) -> ApiResult<HttpResponse> {
    let (new, now) = (body.into_inner(), ctx.now());
    let make =
        move |conn: &mut Conn, s: Scopes| companies::create(conn, &s.1, &new.name, new.kind, now);
    ctx.create((ORG, "/api/v1/org/companies"), make, CompanyView::from).await
}

/// List the companies within the caller's reach.
#[utoipa::path(tag = "org", operation_id = "list_companies", security(("bearer" = [])),
    params(CompanyQuery), responses((status = 200, description = "A page of companies", body = CompanyPage)))]
#[get("/api/v1/org/companies")]
pub async fn list_companies(
    ctx: Ctx,
    q: web::Query<CompanyQuery>,
) -> ApiResult<web::Json<CompanyPage>> {
    let (req, filter) = (q.list_request()?, CompanyFilter { kind: q.kind, archived: q.archived });
    ctx.list(ORG.0, move |conn, scope| companies::list(conn, scope, &filter, &req)).await
}

/// One company.
#[utoipa::path(tag = "org", operation_id = "get_company", security(("bearer" = [])),
    params(("id" = String, Path, description = "Company id")),
    responses((status = 200, description = "The company; `ETag` is set", body = CompanyView)))]
#[get("/api/v1/org/companies/{id}")]
pub async fn get_company(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    ctx.one(ORG.0, move |conn, scope| companies::get(conn, scope, &id), CompanyView::from).await
}

/// Change, archive or restore a company (with `If-Match`).
#[utoipa::path(tag = "org", operation_id = "update_company", security(("bearer" = [])),
    params(("id" = String, Path, description = "Company id")), request_body = CompanyPatch,
    responses((status = 200, description = "The changed company; new `ETag`", body = CompanyView)))]
#[patch("/api/v1/org/companies/{id}")]
pub async fn update_company(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<CompanyPatch>,
) -> ApiResult<HttpResponse> {
    let (p, now) = (body.into_inner(), ctx.now());
    let changes =
        CompanyChanges { name: p.name, kind: p.kind, archived_at: archive(p.archived, now) };
    let change = move |conn: &mut Conn, s: Scopes| {
        companies::update(conn, s.pair(), &id, if_match.0, &changes, now)
    };
    ctx.change(ORG, change, CompanyView::from).await
}
