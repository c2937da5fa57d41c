//! Projects (楼盘) and their customer-service and property contacts (R-RP-14).

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_persistence::{
    Conn,
    org::{
        archive,
        projects::{self, NewProject, Project, ProjectChanges, ProjectFilter},
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
    list::text_filter,
    list_query, page_type,
    problem::ApiResult,
    time::{Day, local},
};

/// A contact person who collects and submits the project's reports (R-RP-14).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "王芳", "landline": "0351-7654321", "mobile": "13812345678",
    "email": "wang.fang@example.com"}))]
pub struct Contact {
    /// Name.
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// Landline with area code.
    #[schema(pattern = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landline: Option<String>,
    /// Mobile.
    #[schema(pattern = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// Email.
    #[schema(max_length = 254, pattern = r"^[^@ \t\n\r]+@[^@ \t\n\r]+\.[^@ \t\n\r]+$")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

fn to_json(c: Option<Contact>) -> Option<String> {
    c.and_then(|c| serde_json::to_string(&c).ok())
}

fn from_json(c: Option<&str>) -> Option<Contact> {
    c.and_then(|c| serde_json::from_str(c).ok())
}

/// A project as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f2-0000-7000-8000-000000000021",
    "company_id": "019ab2f1-0000-7000-8000-000000000011", "name": "晋愉·蓝湾", "city": "太原",
    "customer_service_contact": {"name": "王芳", "mobile": "13812345678"},
    "property_contact": {"name": "赵强", "landline": "0351-7654321"},
    "handover_on": "2026-10-30", "move_in_ends_on": "2026-12-31", "archived": false, "created_at": "2026-11-23T09:00:00+08:00",
    "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct ProjectView {
    /// UUIDv7.
    pub id: String,
    /// Its company.
    pub company_id: String,
    /// Unique within the company.
    pub name: String,
    /// Its city.
    pub city: Option<String>,
    /// The customer-service contact.
    pub customer_service_contact: Option<Contact>,
    /// The property contact.
    pub property_contact: Option<Contact>,
    /// The date of its mass handover (集中交付): its owners are called back a month later
    /// (R-T-12).
    pub handover_on: Option<String>,
    /// The last day of its move-in period (入住): the move-in satisfaction report is owed
    /// three months later (R-RP-10).
    pub move_in_ends_on: Option<String>,
    /// Whether it is archived.
    pub archived: bool,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<Project> for ProjectView {
    fn from(p: Project) -> Self {
        Self {
            customer_service_contact: from_json(p.cs_contact.as_deref()),
            property_contact: from_json(p.property_contact.as_deref()),
            archived: p.archived_at.is_some(),
            created_at: local(p.created_at),
            updated_at: local(p.updated_at),
            id: p.id,
            company_id: p.company_id,
            name: p.name,
            city: p.city,
            handover_on: p.handover_on,
            move_in_ends_on: p.move_in_ends_on,
            version: p.version,
        }
    }
}

page_type!(ProjectPage, ProjectView, "A page of projects.");

/// A project to create.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"company_id": "019ab2f1-0000-7000-8000-000000000011", "name": "晋愉·蓝湾",
    "city": "太原", "customer_service_contact": {"name": "王芳", "mobile": "13812345678"}}))]
pub struct NewProjectRequest {
    /// The company it belongs to.
    #[schema(min_length = 1, max_length = 64)]
    pub company_id: String,
    /// Unique within the company.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Its city.
    #[schema(min_length = 1, max_length = 50)]
    pub city: Option<String>,
    /// The customer-service contact.
    pub customer_service_contact: Option<Contact>,
    /// The property contact.
    pub property_contact: Option<Contact>,
    /// The date of its mass handover (集中交付), of the years 1900–2200.
    #[schema(value_type = Option<String>, format = Date, pattern = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub handover_on: Option<Day>,
    /// The last day of its move-in period (入住), of the years 1900–2200.
    #[schema(value_type = Option<String>, format = Date, pattern = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub move_in_ends_on: Option<Day>,
}

/// Changes to a project; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"property_contact": {"name": "赵强", "landline": "0351-7654321"}}))]
pub struct ProjectPatch {
    /// A new name.
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// A new city.
    #[schema(min_length = 1, max_length = 50)]
    pub city: Option<String>,
    /// A new customer-service contact.
    pub customer_service_contact: Option<Contact>,
    /// A new property contact.
    pub property_contact: Option<Contact>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
    /// A new mass handover date: its owners' callbacks a month later are planned or moved
    /// (R-T-12); `null` clears it and cancels them.
    #[serde(default, deserialize_with = "crate::body::double_option")]
    #[schema(value_type = Option<String>, format = Date, nullable, pattern = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub handover_on: Option<Option<Day>>,
    /// A new end of the move-in period (R-RP-10); `null` clears it.
    #[serde(default, deserialize_with = "crate::body::double_option")]
    #[schema(value_type = Option<String>, format = Date, nullable, pattern = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub move_in_ends_on: Option<Option<Day>>,
}

list_query!(
    /// Filters and paging of the project list.
    ProjectQuery {
        /// Only this company's projects.
        #[param(max_length = 64)]
        company_id: Option<String>,
        /// Only archived (`true`) or only current (`false`) ones.
        archived: Option<bool>,
    }
);

/// Create a project in a company (`OrgWrite` over the company).
#[utoipa::path(tag = "org", operation_id = "create_project", security(("bearer" = [])),
    request_body = NewProjectRequest,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = ProjectView)))]
#[post("/api/v1/org/projects")]
pub async fn create_project(ctx: Ctx, body: Body<NewProjectRequest>) -> ApiResult<HttpResponse> {
    let (r, now) = (body.into_inner(), ctx.now());
    let new = NewProject {
        company_id: r.company_id,
        name: r.name,
        city: r.city,
        cs_contact: to_json(r.customer_service_contact),
        property_contact: to_json(r.property_contact),
        handover_on: r.handover_on.map(|d| d.to_string()),
        move_in_ends_on: r.move_in_ends_on.map(|d| d.to_string()),
    };
    ctx.create(
        (ORG, "/api/v1/org/projects"),
        move |conn: &mut Conn, s: Scopes| projects::create(conn, s.pair(), &new, now),
        ProjectView::from,
    )
    .await
}

/// List the projects within the caller's reach.
#[utoipa::path(tag = "org", operation_id = "list_projects", security(("bearer" = [])),
    params(ProjectQuery), responses((status = 200, description = "A page of projects", body = ProjectPage)))]
#[get("/api/v1/org/projects")]
pub async fn list_projects(
    ctx: Ctx,
    q: web::Query<ProjectQuery>,
) -> ApiResult<web::Json<ProjectPage>> {
    let company_id = text_filter("company_id", q.company_id.clone(), 64)?;
    let (req, filter) = (q.list_request()?, ProjectFilter { company_id, archived: q.archived });
    ctx.list(ORG.0, move |conn, scope| projects::list(conn, scope, &filter, &req)).await
}

/// One project.
#[utoipa::path(tag = "org", operation_id = "get_project", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, description = "The project; `ETag` is set", body = ProjectView)))]
#[get("/api/v1/org/projects/{id}")]
pub async fn get_project(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    ctx.one(ORG.0, move |conn, scope| projects::get(conn, scope, &id), ProjectView::from).await
}

/// Change, archive or restore a project (with `If-Match`).
#[utoipa::path(tag = "org", operation_id = "update_project", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")), request_body = ProjectPatch,
    responses((status = 200, description = "The changed project; new `ETag`", body = ProjectView)))]
#[patch("/api/v1/org/projects/{id}")]
pub async fn update_project(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<ProjectPatch>,
) -> ApiResult<HttpResponse> {
    let (p, now) = (body.into_inner(), ctx.now());
    let changes = ProjectChanges {
        name: p.name,
        city: p.city,
        cs_contact: to_json(p.customer_service_contact),
        property_contact: to_json(p.property_contact),
        archived_at: archive(p.archived, now),
        handover_on: p.handover_on.map(|d| d.map(|d| d.to_string())),
        move_in_ends_on: p.move_in_ends_on.map(|d| d.map(|d| d.to_string())),
    };
    let change = move |conn: &mut Conn, s: Scopes| {
        projects::change(conn, s.pair(), &id, if_match.0, &changes, now)
    };
    ctx.change(ORG, change, ProjectView::from).await
}
