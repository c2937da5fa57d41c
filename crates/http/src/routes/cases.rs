//! The case library (典型案例, R-RP-4, R-RP-7): typical cases — facts, analysis, measures,
//! lessons, photos — linked to the complaints they come from, searched by words and pulled by
//! period for the quarterly and annual statements. Written with `ReportsManage` (the customer
//! center) or `ReportsSubmit` over the case's project (its customer service, R-RP-7); read
//! with `ReportsRead`.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::{access::Permission, complaint::Category};
use kefu_persistence::{
    cases::{self, CaseDetail, CaseEdit, CaseFilter, CaseTexts, NewCase},
    scope::Scope,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    body::{Body, not_blank},
    ctx::Ctx,
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
    time::{Day, local},
};

const READ: Permission = Permission::ReportsRead;

/// The caller's reading scope and his writing scope: the reach of `ReportsManage` and of
/// `ReportsSubmit` together (403 with neither).
fn scopes(ctx: &Ctx) -> Result<(Scope, Scope), ApiError> {
    let read = ctx.caller.scope(READ)?;
    let manage = ctx.caller.scope(Permission::ReportsManage);
    let submit = ctx.caller.scope(Permission::ReportsSubmit);
    let write = match (manage, submit) {
        (Ok(mut m), Ok(s)) => {
            m.reach.whole_group |= s.reach.whole_group;
            m.reach.companies.extend(s.reach.companies);
            m.reach.projects.extend(s.reach.projects);
            m.reach.departments.extend(s.reach.departments);
            m
        }
        (Ok(m), Err(_)) => m,
        (Err(_), Ok(s)) => s,
        (Err(e), Err(_)) => return Err(e),
    };
    Ok((read, write))
}

/// A case as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ad3a0-0000-7000-8000-000000000401",
    "company_id": "019ab2f1-0000-7000-8000-000000000011", "project_id": "019ab2f1-0000-7000-8000-000000000012",
    "title": "地下车库渗水群诉", "category": "construction_quality", "occurred_on": "2026-10-12",
    "facts": "雨季车库顶板渗水，20户业主联名投诉", "analysis": "防水层施工搭接不足",
    "measures": "48小时内完成临时封堵，两周内重做防水层", "lessons": "隐蔽工程验收须留影像资料",
    "tags": ["渗水", "群诉"], "complaint_ids": ["019ab2f7-0000-7000-8000-000000000051"],
    "photo_ids": ["019ab2f7-0000-7000-8000-000000000061"], "created_by": "019ab2f1-0000-7000-8000-000000000041",
    "created_at": "2026-10-20T09:00:00+08:00", "updated_at": "2026-10-20T09:00:00+08:00", "version": 1}))]
pub struct CaseView {
    /// UUIDv7.
    pub id: String,
    /// Its project's company (`null` for a case across projects).
    pub company_id: Option<String>,
    /// Its project (`null` for a case across projects).
    pub project_id: Option<String>,
    /// Its title.
    pub title: String,
    /// What it is about.
    pub category: Option<String>,
    /// When it happened.
    pub occurred_on: String,
    /// What happened (事件经过).
    pub facts: String,
    /// Why (原因分析).
    pub analysis: String,
    /// What was done (处理措施).
    pub measures: String,
    /// What to learn (经验教训).
    pub lessons: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// The complaints it comes from.
    pub complaint_ids: Vec<String>,
    /// Its photos (attachment ids), in order.
    pub photo_ids: Vec<String>,
    /// Who wrote it.
    pub created_by: Option<String>,
    /// When it was written.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<CaseDetail> for CaseView {
    fn from(d: CaseDetail) -> Self {
        let tags = d.case.tag_list();
        let c = d.case;
        Self {
            id: c.id,
            company_id: c.company_id,
            project_id: c.project_id,
            title: c.title,
            category: c.category,
            occurred_on: c.occurred_on,
            facts: c.facts,
            analysis: c.analysis,
            measures: c.measures,
            lessons: c.lessons,
            tags,
            complaint_ids: d.complaint_ids,
            photo_ids: d.photo_ids,
            created_by: c.created_by,
            created_at: local(c.created_at),
            updated_at: local(c.updated_at),
            version: c.version,
        }
    }
}

page_type!(CasePage, CaseView, "A page of cases.");

/// A case to write.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "地下车库渗水群诉",
    "complaint_ids": ["019ab2f7-0000-7000-8000-000000000051"], "category": "construction_quality",
    "facts": "雨季车库顶板渗水，20户业主联名投诉", "analysis": "防水层施工搭接不足",
    "measures": "48小时内完成临时封堵，两周内重做防水层", "lessons": "隐蔽工程验收须留影像资料",
    "photo_ids": ["019ab2f7-0000-7000-8000-000000000061"], "tags": ["渗水", "群诉"]}))]
pub struct NewCaseBody {
    /// Its title.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The complaints it comes from, within reach (422 naming `complaint_ids[i]` otherwise).
    #[schema(max_items = 100)]
    #[serde(default)]
    pub complaint_ids: Vec<String>,
    /// Its project; by default the one project its complaints share (none when they are of
    /// several: a case of the customer center's).
    #[schema(min_length = 1, max_length = 64)]
    pub project_id: Option<String>,
    /// What it is about.
    pub category: Option<Category>,
    /// When it happened (default: today).
    pub occurred_on: Option<Day>,
    /// What happened (事件经过).
    #[schema(min_length = 1, max_length = 20000)]
    pub facts: String,
    /// Why (原因分析).
    #[schema(max_length = 20000)]
    pub analysis: String,
    /// What was done (处理措施).
    #[schema(max_length = 20000)]
    pub measures: String,
    /// What to learn (经验教训).
    #[schema(max_length = 20000)]
    pub lessons: String,
    /// Its photos: attachments within reach (422 naming `photo_ids[i]` otherwise).
    #[schema(max_items = 50)]
    #[serde(default)]
    pub photo_ids: Vec<String>,
    /// Its tags.
    #[schema(max_items = 20)]
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `values`, each 1 to `max` characters and not blank; 422 naming `field[i]` otherwise.
fn strings(field: &str, values: Vec<String>, max: usize) -> Result<Vec<String>, ApiError> {
    for (i, v) in values.iter().enumerate() {
        let name = format!("{field}[{i}]");
        not_blank(&name, v)?;
        text_filter(&name, Some(v.clone()), max)?;
    }
    Ok(values)
}

/// A change of a case; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"lessons": "隐蔽工程验收须留影像资料，雨季前专项检查", "tags": ["渗水", "群诉", "防水"]}))]
pub struct CasePatch {
    /// A new title.
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// New complaints (within reach, of the case's project when it has one).
    #[schema(max_items = 100)]
    pub complaint_ids: Option<Vec<String>>,
    /// A new category.
    pub category: Option<Category>,
    /// A new date.
    pub occurred_on: Option<Day>,
    /// New facts.
    #[schema(min_length = 1, max_length = 20000)]
    pub facts: Option<String>,
    /// New analysis.
    #[schema(max_length = 20000)]
    pub analysis: Option<String>,
    /// New measures.
    #[schema(max_length = 20000)]
    pub measures: Option<String>,
    /// New lessons.
    #[schema(max_length = 20000)]
    pub lessons: Option<String>,
    /// New photos.
    #[schema(max_items = 50)]
    pub photo_ids: Option<Vec<String>>,
    /// New tags.
    #[schema(max_items = 20)]
    pub tags: Option<Vec<String>>,
}

list_query!(
    /// Filters and paging of the case list.
    CaseQuery {
        /// Words searched, case-insensitively, in the title, facts, analysis, measures, lessons
        /// and tags.
        #[param(max_length = 100)]
        q: Option<String>,
        /// Only this project's.
        #[param(max_length = 64)]
        project_id: Option<String>,
        /// Only this category.
        category: Option<Category>,
        /// Only those linked to this complaint.
        #[param(max_length = 64)]
        complaint_id: Option<String>,
        /// Only those that happened on or after this day.
        #[param(value_type = Option<String>, format = Date)]
        from: Option<Day>,
        /// Only those that happened on or before this day.
        #[param(value_type = Option<String>, format = Date)]
        to: Option<Day>,
    }
);

/// Write a typical case (R-RP-4, R-RP-7; `ReportsManage`, or `ReportsSubmit` over its project):
/// its complaints and photos must be within the writer's reach (422 naming the field).
#[utoipa::path(tag = "cases", operation_id = "create_case", security(("bearer" = [])),
    request_body = NewCaseBody,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = CaseView)))]
#[post("/api/v1/cases")]
pub async fn create_case(ctx: Ctx, body: Body<NewCaseBody>) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    not_blank("title", &b.title)?;
    not_blank("facts", &b.facts)?;
    let new = NewCase {
        texts: CaseTexts {
            title: b.title,
            facts: b.facts,
            analysis: b.analysis,
            measures: b.measures,
            lessons: b.lessons,
            tags: strings("tags", b.tags, 50)?,
        },
        complaint_ids: strings("complaint_ids", b.complaint_ids, 64)?,
        project_id: b.project_id,
        category: b.category,
        occurred_on: b.occurred_on.map(|d| d.0),
        photo_ids: strings("photo_ids", b.photo_ids, 64)?,
    };
    let (read, write) = scopes(&ctx)?;
    let now = ctx.now();
    let made = ctx.run(move |conn| Ok(cases::create(conn, (&read, &write), &new, now)?)).await?;
    let location = format!("/api/v1/cases/{}", made.case.id);
    Ok(created(location, made.case.version, &CaseView::from(made)))
}

/// Search the cases within reach; `from`/`to` pull a period's cases for the quarterly and
/// annual statements (R-RP-4).
#[utoipa::path(tag = "cases", operation_id = "list_cases", security(("bearer" = [])),
    params(CaseQuery), responses((status = 200, description = "A page of cases", body = CasePage)))]
#[get("/api/v1/cases")]
pub async fn list_cases(ctx: Ctx, q: web::Query<CaseQuery>) -> ApiResult<web::Json<CasePage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let filter = CaseFilter {
        q: text_filter("q", q.q, 100)?.filter(|w| !w.trim().is_empty()),
        project_id: text_filter("project_id", q.project_id, 64)?,
        category: q.category,
        complaint_id: text_filter("complaint_id", q.complaint_id, 64)?,
        from: q.from.map(|d| d.0),
        to: q.to.map(|d| d.0),
    };
    ctx.list(READ, move |conn, scope| cases::list(conn, scope, &filter, &req)).await
}

/// One case with its complaints and photos.
#[utoipa::path(tag = "cases", operation_id = "get_case", security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "The case; `ETag` is set", body = CaseView)))]
#[get("/api/v1/cases/{id}")]
pub async fn get_case(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    ctx.one(READ, move |conn, scope| cases::one(conn, scope, &id), CaseView::from).await
}

/// Change a case (with `If-Match`).
#[utoipa::path(tag = "cases", operation_id = "update_case", security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")), request_body = CasePatch,
    responses((status = 200, description = "The changed case; new `ETag`", body = CaseView)))]
#[patch("/api/v1/cases/{id}")]
pub async fn update_case(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<CasePatch>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    if let Some(t) = &b.title {
        not_blank("title", t)?;
    }
    if let Some(t) = &b.facts {
        not_blank("facts", t)?;
    }
    let change = CaseEdit {
        title: b.title,
        facts: b.facts,
        analysis: b.analysis,
        measures: b.measures,
        lessons: b.lessons,
        tags: b.tags.map(|t| strings("tags", t, 50)).transpose()?,
        category: b.category.map(Some),
        occurred_on: b.occurred_on.map(|d| d.0),
        complaint_ids: b.complaint_ids.map(|v| strings("complaint_ids", v, 64)).transpose()?,
        photo_ids: b.photo_ids.map(|v| strings("photo_ids", v, 64)).transpose()?,
    };
    let (read, write) = scopes(&ctx)?;
    let now = ctx.now();
    let changed = ctx
        .run(move |conn| Ok(cases::edit(conn, (&read, &write), &id, if_match.0, &change, now)?))
        .await?;
    Ok(ok(changed.case.version, &CaseView::from(changed)))
}
