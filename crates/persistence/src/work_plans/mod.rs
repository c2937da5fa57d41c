//! Work plans (工作计划, R-RP-13): a project's or department's annual or monthly plan with its
//! items (what, who, by when); written and submitted by the project or department
//! (`WorkPlansWrite`), reviewed or returned by the customer center (`WorkPlansReview`). Each
//! item's completion is recorded ([`items`]), the completion rate reported per project and
//! department ([`completion`]), and a late item reminded once ([`reminders`]).

pub mod completion;
pub mod items;
pub mod reminders;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Asia::Shanghai;
use diesel::prelude::*;
use kefu_domain::work_plan::{Completion, WorkPlanAction, WorkPlanKind, WorkPlanState};
use serde::Serialize;

pub use completion::{CompletionRow, completion};
pub use items::{ItemDone, complete_item};
pub use reminders::remind_overdue;

use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{Audited, Expected, ListRequest, Page, Record, new_row, page},
    schema::{departments, projects, users, work_plan_items, work_plans},
    scope::{Filter, Place, Scope},
};

crate::kit::resource!(work_plans => WorkPlan, WorkPlanChanges, "work_plan", within self::within_reach);

/// Plans of the caller's group within reach: by company, by project or by department (a plan
/// names one of the last two).
pub fn within_reach(scope: &Scope) -> Filter<work_plans::table> {
    let in_group = work_plans::group_id.eq(scope.group_id.clone());
    if scope.reach.whole_group {
        return Box::new(in_group);
    }
    let below = work_plans::company_id
        .eq_any(scope.reach.companies.clone())
        .or(work_plans::project_id.assume_not_null().eq_any(scope.reach.projects.clone()))
        .or(work_plans::department_id.assume_not_null().eq_any(scope.reach.departments.clone()));
    Box::new(in_group.and(below))
}

/// Where a plan sits: its company and its project or department.
pub fn place_of(plan: &WorkPlan) -> Place {
    Place {
        company: Some(plan.company_id.clone()),
        project: plan.project_id.clone(),
        department: plan.department_id.clone(),
    }
}

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = work_plans)]
pub struct WorkPlan {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// The company of its project or department.
    pub company_id: String,
    /// Its project (or `None` for a department's plan).
    pub project_id: Option<String>,
    /// Its department (or `None` for a project's plan).
    pub department_id: Option<String>,
    /// Annual or monthly.
    #[diesel(deserialize_as = String)]
    pub kind: WorkPlanKind,
    /// The year it plans.
    pub year: i32,
    /// The month a monthly plan plans (1–12).
    pub month: Option<i32>,
    /// Its title.
    pub title: String,
    /// Where it stands.
    #[diesel(deserialize_as = String)]
    pub state: WorkPlanState,
    /// The customer center's note on its last review or return.
    pub review_note: Option<String>,
    /// Who reviewed or returned it last.
    pub reviewed_by: Option<String>,
    /// When (naive UTC).
    pub reviewed_at: Option<NaiveDateTime>,
    /// Who created it.
    pub created_by: Option<String>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

/// Changes to a plan; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize, AsChangeset)]
#[diesel(table_name = work_plans)]
pub struct WorkPlanChanges {
    /// A new title.
    pub title: Option<String>,
    /// A new state.
    #[diesel(serialize_as = String)]
    pub state: Option<WorkPlanState>,
    /// The review's note.
    pub review_note: Option<Option<String>>,
    /// Who reviewed.
    #[serde(skip)]
    pub reviewed_by: Option<Option<String>>,
    /// When.
    #[serde(skip)]
    pub reviewed_at: Option<Option<NaiveDateTime>>,
    /// Marks an edit of the items (no column: the row's version and time change).
    #[diesel(skip_update)]
    pub items_replaced: bool,
    /// Marks an item's completion (no column), with the item.
    #[diesel(skip_update)]
    pub item_completed: Option<String>,
}

impl Audited for WorkPlanChanges {}

/// A stored item.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = work_plan_items)]
pub struct WorkPlanItem {
    /// UUIDv7.
    pub id: String,
    /// Its plan.
    pub plan_id: String,
    /// Its place in the plan (0-based).
    pub ordinal: i32,
    /// What is to be done.
    pub title: String,
    /// Who answers for it (else the plan's author).
    pub owner_id: Option<String>,
    /// By when (ISO date).
    pub due_on: String,
    /// Whether it is done.
    pub done: bool,
    /// When it was recorded done (naive UTC).
    pub done_at: Option<NaiveDateTime>,
    /// The day it was done, in China Standard Time (ISO date).
    pub done_on: Option<String>,
    /// The completion note.
    pub note: Option<String>,
    /// When its lateness was reminded (naive UTC).
    pub reminded_at: Option<NaiveDateTime>,
}

impl WorkPlanItem {
    /// Its due date.
    pub fn due(&self) -> Option<NaiveDate> {
        self.due_on.parse().ok()
    }
}

/// A plan with its items and its completion as of now.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkPlanDetail {
    /// The plan.
    pub plan: WorkPlan,
    /// Its items, in order.
    pub items: Vec<WorkPlanItem>,
    /// How far its items that fell due are done (R-RP-13).
    pub completion: Completion,
}

impl Record for WorkPlanDetail {
    fn id(&self) -> &str {
        &self.plan.id
    }
    fn version(&self) -> i64 {
        self.plan.version
    }
}

/// The day of `at` in China Standard Time.
pub(crate) fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Shanghai).date_naive()
}

/// The completion of `items` as of `today`.
pub(crate) fn completion_of(items: &[WorkPlanItem], today: NaiveDate) -> Completion {
    let mut c = Completion::default();
    for item in items {
        if let Some(due) = item.due() {
            let done = item.done_on.as_deref().and_then(|d| d.parse().ok());
            c.add(due, done, today);
        }
    }
    c
}

fn detail(
    conn: &mut DbConnection,
    plan: WorkPlan,
    now: DateTime<Utc>,
) -> Result<WorkPlanDetail, StoreError> {
    let items: Vec<WorkPlanItem> = work_plan_items::table
        .filter(work_plan_items::plan_id.eq(&plan.id))
        .order(work_plan_items::ordinal)
        .select(WorkPlanItem::as_select())
        .load(conn)?;
    let completion = completion_of(&items, local_day(now));
    Ok(WorkPlanDetail { plan, items, completion })
}

/// One item to plan.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// What is to be done.
    pub title: String,
    /// An active user of the group who answers for it.
    pub owner_id: Option<String>,
    /// By when.
    pub due_on: NaiveDate,
}

/// Whose plan: a project's or a department's.
#[derive(Debug, Clone)]
pub enum Planner {
    /// A project's.
    Project(String),
    /// A department's.
    Department(String),
}

/// A plan to create.
#[derive(Debug, Clone)]
pub struct NewWorkPlan {
    /// Annual or monthly.
    pub kind: WorkPlanKind,
    /// The year.
    pub year: i32,
    /// The month of a monthly plan.
    pub month: Option<i32>,
    /// Whose plan.
    pub planner: Planner,
    /// Its title.
    pub title: String,
    /// Its items.
    pub items: Vec<NewItem>,
}

/// Why a work-plan operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum WorkPlanFailure {
    /// A storage failure (404, 403, 412, 422 naming a field, …).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An action the plan's state does not allow.
    #[error("{action} is not allowed in state {state}")]
    NotAllowed {
        /// The state.
        state: &'static str,
        /// The action refused.
        action: &'static str,
        /// What the state allows.
        allowed: Vec<&'static str>,
    },
    /// Title and items change only in draft or returned.
    #[error("the plan is {0}: it changes only in draft or returned")]
    NotEditable(&'static str),
    /// Completion is recorded only on a submitted or reviewed plan.
    #[error("the plan is {0}: completion is recorded once it is submitted")]
    NotActive(&'static str),
}

impl From<diesel::result::Error> for WorkPlanFailure {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

fn unknown(field: String, message: &str) -> StoreError {
    StoreError::Invalid { field, message: message.to_owned() }
}

fn check_owners(conn: &mut DbConnection, group: &str, items: &[NewItem]) -> Result<(), StoreError> {
    for (i, item) in items.iter().enumerate() {
        let Some(owner) = &item.owner_id else { continue };
        let found: i64 = users::table
            .filter(users::id.eq(owner))
            .filter(users::group_id.eq(group))
            .filter(users::disabled_at.is_null())
            .count()
            .get_result(conn)?;
        if found == 0 {
            return Err(unknown(
                format!("items[{i}].owner_id"),
                "no such active user in the group",
            ));
        }
    }
    Ok(())
}

fn insert_items(conn: &mut DbConnection, plan: &str, items: &[NewItem]) -> Result<(), StoreError> {
    for (i, item) in items.iter().enumerate() {
        diesel::insert_into(work_plan_items::table)
            .values((
                work_plan_items::id.eq(new_id()),
                work_plan_items::plan_id.eq(plan),
                work_plan_items::ordinal.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                work_plan_items::title.eq(&item.title),
                work_plan_items::owner_id.eq(item.owner_id.as_deref()),
                work_plan_items::due_on.eq(item.due_on.to_string()),
                work_plan_items::done.eq(false),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The place of a project or department of the group; 422 naming the field otherwise.
fn planner_place(
    conn: &mut DbConnection,
    group: &str,
    planner: &Planner,
) -> Result<Place, StoreError> {
    match planner {
        Planner::Project(id) => {
            let company: Option<String> = projects::table
                .filter(projects::id.eq(id))
                .filter(projects::group_id.eq(group))
                .select(projects::company_id)
                .first(conn)
                .optional()?;
            let company = company
                .ok_or_else(|| unknown("project_id".into(), "no such project in the group"))?;
            Ok(Place::of_project(&company, id))
        }
        Planner::Department(id) => {
            let company: Option<String> = departments::table
                .filter(departments::id.eq(id))
                .filter(departments::group_id.eq(group))
                .select(departments::company_id)
                .first(conn)
                .optional()?;
            let company = company.ok_or_else(|| {
                unknown("department_id".into(), "no such department in the group")
            })?;
            Ok(Place { company: Some(company), project: None, department: Some(id.clone()) })
        }
    }
}

/// Drafts a project's or department's plan (`WorkPlansWrite` over it).
pub fn create(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    new: &NewWorkPlan,
    now: DateTime<Utc>,
) -> Result<WorkPlanDetail, StoreError> {
    transaction(conn.raw(), |conn| {
        let place = planner_place(conn, &write.group_id, &new.planner)?;
        write.require(&place)?;
        check_owners(conn, &write.group_id, &new.items)?;
        let id = new_id();
        let (_, by) = write.actor().parts();
        diesel::insert_into(work_plans::table)
            .values((
                new_row!(work_plans, &id, now),
                work_plans::group_id.eq(&write.group_id),
                work_plans::company_id.eq(place.company.as_deref().unwrap_or_default()),
                work_plans::project_id.eq(place.project.as_deref()),
                work_plans::department_id.eq(place.department.as_deref()),
                work_plans::kind.eq(new.kind.as_str()),
                work_plans::year.eq(new.year),
                work_plans::month.eq(new.month),
                work_plans::title.eq(&new.title),
                work_plans::state.eq(WorkPlanState::Draft.as_str()),
                work_plans::created_by.eq(by),
            ))
            .execute(conn)?;
        insert_items(conn, &id, &new.items)?;
        let payload = serde_json::json!({"kind": new.kind.as_str(), "year": new.year,
            "month": new.month, "project_id": place.project, "department_id": place.department,
            "items": new.items.len()});
        let plan = created(conn, (read, write), &id, payload, now)?;
        detail(conn, plan, now)
    })
}

/// One plan within reach, with its items and completion.
pub fn one(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<WorkPlanDetail, StoreError> {
    let conn = conn.raw();
    let plan = find(conn, scope, id)?;
    detail(conn, plan, now)
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct WorkPlanFilter {
    /// Only this kind.
    pub kind: Option<WorkPlanKind>,
    /// Only this year's.
    pub year: Option<i32>,
    /// Only this month's.
    pub month: Option<i32>,
    /// Only this project's.
    pub project_id: Option<String>,
    /// Only this department's.
    pub department_id: Option<String>,
    /// Only this state.
    pub state: Option<WorkPlanState>,
}

/// A page of the plans within reach, each with its items.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &WorkPlanFilter,
    req: &ListRequest,
    now: DateTime<Utc>,
) -> Result<Page<WorkPlanDetail>, StoreError> {
    let conn = conn.raw();
    let query = || {
        let mut q = work_plans::table.filter(within(scope)).into_boxed();
        if let Some(kind) = filter.kind {
            q = q.filter(work_plans::kind.eq(kind.as_str()));
        }
        if let Some(year) = filter.year {
            q = q.filter(work_plans::year.eq(year));
        }
        if let Some(month) = filter.month {
            q = q.filter(work_plans::month.eq(month));
        }
        if let Some(project) = &filter.project_id {
            q = q.filter(work_plans::project_id.eq(project.clone()));
        }
        if let Some(department) = &filter.department_id {
            q = q.filter(work_plans::department_id.eq(department.clone()));
        }
        if let Some(state) = filter.state {
            q = q.filter(work_plans::state.eq(state.as_str()));
        }
        q
    };
    let page: Page<WorkPlan> = page!(&mut *conn, work_plans, query, WorkPlan, req)?;
    let mut items = Vec::with_capacity(page.items.len());
    for plan in page.items {
        items.push(detail(conn, plan, now)?);
    }
    Ok(Page { items, next: page.next, total: page.total })
}

/// A change of a plan in draft or returned: a new title, new items, or both.
#[derive(Debug, Clone, Default)]
pub struct WorkPlanEdit {
    /// A new title.
    pub title: Option<String>,
    /// New items, replacing the old ones.
    pub items: Option<Vec<NewItem>>,
}

/// Changes a plan's title or items (draft or returned only) if it is still at `expected`.
pub fn edit(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    change: &WorkPlanEdit,
    now: DateTime<Utc>,
) -> Result<WorkPlanDetail, WorkPlanFailure> {
    transaction(conn.raw(), |conn| {
        let plan = find(conn, read, id)?;
        if let Expected::Version(v) = expected
            && v != plan.version
        {
            return Err(StoreError::StaleVersion { current: plan.version }.into());
        }
        if !plan.state.editable() {
            return Err(WorkPlanFailure::NotEditable(plan.state.as_str()));
        }
        if let Some(items) = &change.items {
            check_owners(conn, &write.group_id, items)?;
        }
        let changes = WorkPlanChanges {
            title: change.title.clone(),
            items_replaced: change.items.is_some(),
            ..WorkPlanChanges::default()
        };
        let plan = cas(conn, read, write, id, expected, &changes, now)?;
        if let Some(items) = &change.items {
            diesel::delete(work_plan_items::table.filter(work_plan_items::plan_id.eq(id)))
                .execute(conn)?;
            insert_items(conn, id, items)?;
        }
        Ok(detail(conn, plan, now)?)
    })
}

/// Submits, reviews or returns a plan if it is still at `expected`; a review or return keeps
/// its note. Who may is the caller's `write` scope (the handler picks the permission).
pub fn transition(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    (action, note): (WorkPlanAction, Option<&str>),
    now: DateTime<Utc>,
) -> Result<WorkPlanDetail, WorkPlanFailure> {
    transaction(conn.raw(), |conn| {
        let plan = find(conn, read, id)?;
        if let Expected::Version(v) = expected
            && v != plan.version
        {
            return Err(StoreError::StaleVersion { current: plan.version }.into());
        }
        let Some(next) = plan.state.apply(action) else {
            return Err(WorkPlanFailure::NotAllowed {
                state: plan.state.as_str(),
                action: action.as_str(),
                allowed: plan.state.allowed().iter().map(|a| a.as_str()).collect(),
            });
        };
        let mut changes = WorkPlanChanges { state: Some(next), ..WorkPlanChanges::default() };
        if action.is_review() {
            let (_, by) = write.actor().parts();
            changes.reviewed_by = Some(by.map(str::to_owned));
            changes.reviewed_at = Some(Some(to_db(now)));
            changes.review_note = Some(note.map(str::to_owned));
        }
        let plan = cas(conn, read, write, id, expected, &changes, now)?;
        Ok(detail(conn, plan, now)?)
    })
}
