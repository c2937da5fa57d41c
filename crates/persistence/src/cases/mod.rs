//! The case library (典型案例, R-RP-4, R-RP-7): typical cases told as facts, analysis,
//! measures and lessons, with photos, linked to the complaints they come from; searched by
//! words and pulled by period for the quarterly and annual statements.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Asia::Shanghai;
use diesel::prelude::*;
use kefu_domain::complaint::Category;
use serde::Serialize;

use crate::{
    complaints::{self, attachments},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::new_id,
    kit::{Audited, Expected, ListRequest, Page, Record, new_row, page},
    schema::{self, case_complaints, case_photos, cases, projects},
    scope::{Filter, Place, Scope},
    users::escape_like,
};

crate::kit::resource!(cases => Case, CaseChanges, "case", within self::within_reach);

/// Cases of the caller's group within reach: by company or by project; a case of no project
/// (the customer center's own) needs a group-wide reach.
pub fn within_reach(scope: &Scope) -> Filter<cases::table> {
    let in_group = cases::group_id.eq(scope.group_id.clone());
    if scope.reach.whole_group {
        return Box::new(in_group);
    }
    let below = cases::company_id
        .assume_not_null()
        .eq_any(scope.reach.companies.clone())
        .or(cases::project_id.assume_not_null().eq_any(scope.reach.projects.clone()));
    Box::new(in_group.and(below))
}

/// A stored case.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct Case {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its project's company.
    pub company_id: Option<String>,
    /// Its project.
    pub project_id: Option<String>,
    /// Its title.
    pub title: String,
    /// What the complaints were about.
    pub category: Option<String>,
    /// When it happened (ISO date).
    pub occurred_on: String,
    /// What happened (事件经过).
    pub facts: String,
    /// Why (原因分析).
    pub analysis: String,
    /// What was done (处理措施).
    pub measures: String,
    /// What to learn (经验教训).
    pub lessons: String,
    /// Its tags, a JSON array.
    pub tags: String,
    /// The lower-cased text searched by `q`.
    pub search_text: String,
    /// Who wrote it.
    pub created_by: Option<String>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl Case {
    /// Its tags.
    pub fn tag_list(&self) -> Vec<String> {
        serde_json::from_str(&self.tags).unwrap_or_default()
    }
}

/// Changes to a case; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize, AsChangeset)]
#[diesel(table_name = cases)]
pub struct CaseChanges {
    /// A new title.
    pub title: Option<String>,
    /// A new category.
    pub category: Option<Option<String>>,
    /// A new date.
    pub occurred_on: Option<String>,
    /// New facts.
    #[serde(skip)]
    pub facts: Option<String>,
    /// New analysis.
    #[serde(skip)]
    pub analysis: Option<String>,
    /// New measures.
    #[serde(skip)]
    pub measures: Option<String>,
    /// New lessons.
    #[serde(skip)]
    pub lessons: Option<String>,
    /// New tags (JSON).
    pub tags: Option<String>,
    /// The new search text (set with any text change).
    #[serde(skip)]
    pub search_text: Option<String>,
    /// Marks a new set of complaints (no column).
    #[diesel(skip_update)]
    pub complaints_replaced: bool,
    /// Marks a new set of photos (no column).
    #[diesel(skip_update)]
    pub photos_replaced: bool,
    /// Which texts changed (for the audit trail; the texts may name people).
    #[diesel(skip_update)]
    pub texts_changed: bool,
}

impl Audited for CaseChanges {}

/// A case with its complaints and photos.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDetail {
    /// The case.
    pub case: Case,
    /// The complaints it comes from.
    pub complaint_ids: Vec<String>,
    /// Its photos (attachment ids), in order.
    pub photo_ids: Vec<String>,
}

impl Record for CaseDetail {
    fn id(&self) -> &str {
        &self.case.id
    }
    fn version(&self) -> i64 {
        self.case.version
    }
}

fn detail(conn: &mut DbConnection, case: Case) -> Result<CaseDetail, StoreError> {
    let complaint_ids = case_complaints::table
        .filter(case_complaints::case_id.eq(&case.id))
        .order(case_complaints::complaint_id)
        .select(case_complaints::complaint_id)
        .load(conn)?;
    let photo_ids = case_photos::table
        .filter(case_photos::case_id.eq(&case.id))
        .order(case_photos::ordinal)
        .select(case_photos::attachment_id)
        .load(conn)?;
    Ok(CaseDetail { case, complaint_ids, photo_ids })
}

/// The texts of a case.
#[derive(Debug, Clone, Default)]
pub struct CaseTexts {
    /// Its title.
    pub title: String,
    /// What happened.
    pub facts: String,
    /// Why.
    pub analysis: String,
    /// What was done.
    pub measures: String,
    /// What to learn.
    pub lessons: String,
    /// Its tags.
    pub tags: Vec<String>,
}

impl CaseTexts {
    /// What `q` searches, lower-cased so that `LIKE` is case-insensitive on both backends.
    fn search_text(&self) -> String {
        let mut parts = vec![
            self.title.as_str(),
            self.facts.as_str(),
            self.analysis.as_str(),
            self.measures.as_str(),
            self.lessons.as_str(),
        ];
        parts.extend(self.tags.iter().map(String::as_str));
        parts.join("\n").to_lowercase()
    }
}

/// A case to write.
#[derive(Debug, Clone, Default)]
pub struct NewCase {
    /// Its texts.
    pub texts: CaseTexts,
    /// The complaints it comes from (within reach).
    pub complaint_ids: Vec<String>,
    /// Its project (else the one project of its complaints, if they share one).
    pub project_id: Option<String>,
    /// What it is about.
    pub category: Option<Category>,
    /// When it happened (default: today).
    pub occurred_on: Option<NaiveDate>,
    /// Its photos: attachments within reach.
    pub photo_ids: Vec<String>,
}

/// The complaints' (company, project), each within `read`'s reach; 422 naming the first one
/// that is not.
fn complaint_places(
    conn: &mut DbConnection,
    read: &Scope,
    ids: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    let mut places = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let found: Option<(String, String)> = schema::complaints::table
            .filter(schema::complaints::id.eq(id))
            .filter(complaints::within(read))
            .select((schema::complaints::company_id, schema::complaints::project_id))
            .first(conn)
            .optional()?;
        let place = found.ok_or_else(|| StoreError::Invalid {
            field: format!("complaint_ids[{i}]"),
            message: "no such complaint within reach".into(),
        })?;
        places.push(place);
    }
    Ok(places)
}

fn check_photos(conn: &mut DbConnection, read: &Scope, ids: &[String]) -> Result<(), StoreError> {
    for (i, id) in ids.iter().enumerate() {
        let found: i64 = schema::attachments::table
            .filter(schema::attachments::id.eq(id))
            .filter(attachments::within(read))
            .count()
            .get_result(conn)?;
        if found == 0 {
            return Err(StoreError::Invalid {
                field: format!("photo_ids[{i}]"),
                message: "no such attachment within reach".into(),
            });
        }
    }
    Ok(())
}

fn link(
    conn: &mut DbConnection,
    case: &str,
    complaint_ids: &[String],
    photo_ids: &[String],
) -> Result<(), StoreError> {
    let mut seen = Vec::new();
    for c in complaint_ids {
        if seen.contains(&c) {
            continue;
        }
        seen.push(c);
        diesel::insert_into(case_complaints::table)
            .values((case_complaints::case_id.eq(case), case_complaints::complaint_id.eq(c)))
            .execute(conn)?;
    }
    let mut seen = Vec::new();
    for (i, p) in photo_ids.iter().enumerate() {
        if seen.contains(&p) {
            continue;
        }
        seen.push(p);
        diesel::insert_into(case_photos::table)
            .values((
                case_photos::case_id.eq(case),
                case_photos::attachment_id.eq(p),
                case_photos::ordinal.eq(i32::try_from(i).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Where a case sits: the named project, else the one project its complaints share; `None`
/// for a case across projects (the customer center's).
fn case_place(
    conn: &mut DbConnection,
    group: &str,
    project: Option<&str>,
    complaints: &[(String, String)],
) -> Result<Place, StoreError> {
    if let Some(project) = project {
        let company: Option<String> = projects::table
            .filter(projects::id.eq(project))
            .filter(projects::group_id.eq(group))
            .select(projects::company_id)
            .first(conn)
            .optional()?;
        let company = company.ok_or_else(|| StoreError::Invalid {
            field: "project_id".into(),
            message: "no such project in the group".into(),
        })?;
        return Ok(Place::of_project(&company, project));
    }
    match complaints.first() {
        Some((company, first)) if complaints.iter().all(|(_, p)| p == first) => {
            Ok(Place::of_project(company, first))
        }
        _ => Ok(Place::group()),
    }
}

/// Writes a case (`ReportsManage`, or `ReportsSubmit` over its project, R-RP-7): its
/// complaints and photos must be within the writer's reading reach (422 naming the field).
pub fn create(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    new: &NewCase,
    now: DateTime<Utc>,
) -> Result<CaseDetail, StoreError> {
    transaction(conn.raw(), |conn| {
        let places = complaint_places(conn, read, &new.complaint_ids)?;
        check_photos(conn, read, &new.photo_ids)?;
        let place = case_place(conn, &write.group_id, new.project_id.as_deref(), &places)?;
        write.require(&place)?;
        let id = new_id();
        let (_, by) = write.actor().parts();
        let occurred = new.occurred_on.unwrap_or_else(|| now.with_timezone(&Shanghai).date_naive());
        let t = &new.texts;
        diesel::insert_into(cases::table)
            .values((
                new_row!(cases, &id, now),
                cases::group_id.eq(&write.group_id),
                cases::company_id.eq(place.company.as_deref()),
                cases::project_id.eq(place.project.as_deref()),
                cases::title.eq(&t.title),
                cases::category.eq(new.category.map(|c| c.as_str())),
                cases::occurred_on.eq(occurred.to_string()),
                cases::facts.eq(&t.facts),
                cases::analysis.eq(&t.analysis),
                cases::measures.eq(&t.measures),
                cases::lessons.eq(&t.lessons),
                cases::tags.eq(serde_json::to_string(&t.tags).unwrap_or_else(|_| "[]".into())),
                cases::search_text.eq(t.search_text()),
                cases::created_by.eq(by),
            ))
            .execute(conn)?;
        link(conn, &id, &new.complaint_ids, &new.photo_ids)?;
        let payload = serde_json::json!({"project_id": place.project,
            "complaints": new.complaint_ids.len(), "photos": new.photo_ids.len()});
        let case = created(conn, (read, write), &id, payload, now)?;
        detail(conn, case)
    })
}

/// One case within reach.
pub fn one(conn: &mut Conn, scope: &Scope, id: &str) -> Result<CaseDetail, StoreError> {
    let conn = conn.raw();
    let case = find(conn, scope, id)?;
    detail(conn, case)
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Words searched in the title, texts and tags (case-insensitive).
    pub q: Option<String>,
    /// Only this project's.
    pub project_id: Option<String>,
    /// Only this category.
    pub category: Option<Category>,
    /// Only those linked to this complaint.
    pub complaint_id: Option<String>,
    /// Only those that happened on or after this day.
    pub from: Option<NaiveDate>,
    /// Only those that happened on or before this day.
    pub to: Option<NaiveDate>,
}

/// A page of the cases within reach.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &CaseFilter,
    req: &ListRequest,
) -> Result<Page<CaseDetail>, StoreError> {
    let conn = conn.raw();
    let linked: Option<Vec<String>> = match &filter.complaint_id {
        Some(c) => Some(
            case_complaints::table
                .filter(case_complaints::complaint_id.eq(c))
                .select(case_complaints::case_id)
                .load(&mut *conn)?,
        ),
        None => None,
    };
    let query = || {
        let mut q = cases::table.filter(within(scope)).into_boxed();
        if let Some(words) = &filter.q {
            let needle = format!("%{}%", escape_like(&words.to_lowercase()));
            q = q.filter(cases::search_text.like(needle).escape('\\'));
        }
        if let Some(project) = &filter.project_id {
            q = q.filter(cases::project_id.eq(project.clone()));
        }
        if let Some(category) = filter.category {
            q = q.filter(cases::category.eq(category.as_str()));
        }
        if let Some(ids) = &linked {
            q = q.filter(cases::id.eq_any(ids.clone()));
        }
        if let Some(from) = filter.from {
            q = q.filter(cases::occurred_on.ge(from.to_string()));
        }
        if let Some(to) = filter.to {
            q = q.filter(cases::occurred_on.le(to.to_string()));
        }
        q
    };
    let page: Page<Case> = page!(&mut *conn, cases, query, Case, req)?;
    let mut items = Vec::with_capacity(page.items.len());
    for case in page.items {
        items.push(detail(conn, case)?);
    }
    Ok(Page { items, next: page.next, total: page.total })
}

/// A change of a case; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct CaseEdit {
    /// A new title.
    pub title: Option<String>,
    /// New facts.
    pub facts: Option<String>,
    /// New analysis.
    pub analysis: Option<String>,
    /// New measures.
    pub measures: Option<String>,
    /// New lessons.
    pub lessons: Option<String>,
    /// New tags.
    pub tags: Option<Vec<String>>,
    /// A new category (`Some(None)` clears it).
    pub category: Option<Option<Category>>,
    /// A new date.
    pub occurred_on: Option<NaiveDate>,
    /// New complaints (within reach, and of the case's project when it has one).
    pub complaint_ids: Option<Vec<String>>,
    /// New photos.
    pub photo_ids: Option<Vec<String>>,
}

/// Changes a case if it is still at `expected`.
pub fn edit(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    change: &CaseEdit,
    now: DateTime<Utc>,
) -> Result<CaseDetail, StoreError> {
    transaction(conn.raw(), |conn| {
        let case = find(conn, read, id)?;
        if let Some(ids) = &change.complaint_ids {
            let places = complaint_places(conn, read, ids)?;
            if let Some(project) = &case.project_id
                && let Some(i) = places.iter().position(|(_, p)| p != project)
            {
                return Err(StoreError::Invalid {
                    field: format!("complaint_ids[{i}]"),
                    message: "a complaint of another project than the case's".into(),
                });
            }
        }
        if let Some(ids) = &change.photo_ids {
            check_photos(conn, read, ids)?;
        }
        let old_tags = case.tag_list();
        let texts = CaseTexts {
            title: change.title.clone().unwrap_or(case.title),
            facts: change.facts.clone().unwrap_or(case.facts),
            analysis: change.analysis.clone().unwrap_or(case.analysis),
            measures: change.measures.clone().unwrap_or(case.measures),
            lessons: change.lessons.clone().unwrap_or(case.lessons),
            tags: change.tags.clone().unwrap_or(old_tags),
        };
        let changes = CaseChanges {
            title: change.title.clone(),
            category: change.category.map(|c| c.map(|c| c.as_str().to_owned())),
            occurred_on: change.occurred_on.map(|d| d.to_string()),
            facts: change.facts.clone(),
            analysis: change.analysis.clone(),
            measures: change.measures.clone(),
            lessons: change.lessons.clone(),
            tags: change.tags.as_ref().map(|t| serde_json::to_string(t).unwrap_or_default()),
            search_text: Some(texts.search_text()),
            complaints_replaced: change.complaint_ids.is_some(),
            photos_replaced: change.photo_ids.is_some(),
            texts_changed: change.facts.is_some()
                || change.analysis.is_some()
                || change.measures.is_some()
                || change.lessons.is_some(),
        };
        let case = cas(conn, read, write, id, expected, &changes, now)?;
        if let Some(ids) = &change.complaint_ids {
            diesel::delete(case_complaints::table.filter(case_complaints::case_id.eq(id)))
                .execute(conn)?;
            link(conn, id, ids, &[])?;
        }
        if let Some(ids) = &change.photo_ids {
            diesel::delete(case_photos::table.filter(case_photos::case_id.eq(id))).execute(conn)?;
            link(conn, id, &[], ids)?;
        }
        detail(conn, case)
    })
}
