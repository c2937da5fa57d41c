//! Companies (公司) of the group: developer, property management, brokerage/sales.

use actix_web::{HttpResponse, get, http::StatusCode, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::Permission;
use kefu_persistence::org::companies::{self, Changes, Company, Filter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::scopes;
use crate::{
    auth::Caller,
    body::Body,
    etag::IfMatch,
    list::page_request,
    page_type,
    problem::ApiResult,
    respond::{created, tagged},
    state::AppState,
    time::local,
};

/// What a company does.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CompanyKind {
    /// Developer (开发商).
    Developer,
    /// Property management (物业公司).
    PropertyManagement,
    /// Brokerage and sales (经纪/销售).
    Brokerage,
}

impl CompanyKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Developer => "developer",
            Self::PropertyManagement => "property_management",
            Self::Brokerage => "brokerage",
        }
    }
}

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
    /// `developer`, `property_management` or `brokerage`.
    pub kind: String,
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

/// Filters and paging of the company list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompanyQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 200, pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
    /// Only this kind.
    pub kind: Option<CompanyKind>,
    /// Only archived (`true`) or only current (`false`) ones.
    pub archived: Option<bool>,
}

/// Create a company (group-wide `OrgWrite`).
#[utoipa::path(tag = "org", operation_id = "create_company", security(("bearer" = [])),
    request_body = NewCompany,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = CompanyView)))]
#[post("/api/v1/org/companies")]
pub async fn create_company(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<NewCompany>,
) -> ApiResult<HttpResponse> {
    let (_, write) = scopes(&caller)?;
    let new = body.into_inner();
    let now = state.clock.now();
    let c = state
        .run(move |conn| Ok(companies::create(conn, &write, &new.name, new.kind.as_str(), now)?))
        .await?;
    Ok(created(format!("/api/v1/org/companies/{}", c.id), c.version, &CompanyView::from(c)))
}

/// List the companies within the caller's reach.
#[utoipa::path(tag = "org", operation_id = "list_companies", security(("bearer" = [])),
    params(CompanyQuery), responses((status = 200, description = "A page of companies", body = CompanyPage)))]
#[get("/api/v1/org/companies")]
pub async fn list_companies(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CompanyQuery>,
) -> ApiResult<web::Json<CompanyPage>> {
    let scope = caller.scope(Permission::OrgRead)?;
    let q = query.into_inner();
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = Filter { kind: q.kind.map(|k| k.as_str().to_owned()), archived: q.archived };
    let found = state.run(move |conn| Ok(companies::list(conn, &scope, &filter, &page)?)).await?;
    Ok(web::Json(CompanyPage::from_page(found, CompanyView::from)))
}

/// One company.
#[utoipa::path(tag = "org", operation_id = "get_company", security(("bearer" = [])),
    params(("id" = String, Path, description = "Company id")),
    responses((status = 200, description = "The company; `ETag` is set", body = CompanyView)))]
#[get("/api/v1/org/companies/{id}")]
pub async fn get_company(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let scope = caller.scope(Permission::OrgRead)?;
    let c = state.run(move |conn| Ok(companies::get(conn, &scope, &id)?)).await?;
    Ok(tagged(StatusCode::OK, c.version, &CompanyView::from(c)))
}

/// Change, archive or restore a company (with `If-Match`).
#[utoipa::path(tag = "org", operation_id = "update_company", security(("bearer" = [])),
    params(("id" = String, Path, description = "Company id")), request_body = CompanyPatch,
    responses((status = 200, description = "The changed company; new `ETag`", body = CompanyView)))]
#[patch("/api/v1/org/companies/{id}")]
pub async fn update_company(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body<CompanyPatch>,
) -> ApiResult<HttpResponse> {
    let (read, write) = scopes(&caller)?;
    let p = body.into_inner();
    let changes =
        Changes { name: p.name, kind: p.kind.map(|k| k.as_str().to_owned()), archived: p.archived };
    let now = state.clock.now();
    let c = state
        .run(move |conn| {
            Ok(companies::update(conn, &read, &write, &id, if_match.0, &changes, now)?)
        })
        .await?;
    Ok(tagged(StatusCode::OK, c.version, &CompanyView::from(c)))
}
