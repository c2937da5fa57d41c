//! Improvement plans (整改计划, R-SAT-3): one per department and year, its items (what, who,
//! by when); drafted and submitted by the department, approved or returned by management,
//! then reported on quarterly — one report per item and quarter, a later one replacing it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::survey::plan::{PlanAction, PlanState};
use serde::Serialize;

pub mod progress;

pub use progress::{NewProgress, Progress, report};

use super::SurveyFailure;
use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{Audited, Expected, ListRequest, Page, Record, new_row, page, resource},
    schema::{
        departments, improvement_plan_items, improvement_plan_progress, improvement_plans, users,
    },
    scope::{Place, Scope},
};

resource!(improvement_plans => ImprovementPlan, PlanChanges, "improvement_plan" {
    group: group_id, company: company_id, department: department_id
});

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = improvement_plans)]
pub struct ImprovementPlan {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// The department's company.
    pub company_id: String,
    /// The department.
    pub department_id: String,
    /// The year it plans.
    pub year: i32,
    /// Where it stands.
    #[diesel(deserialize_as = String)]
    pub state: PlanState,
    /// Why management returned it last.
    pub return_reason: Option<String>,
    /// Who approved or returned it last.
    pub decided_by: Option<String>,
    /// When (naive UTC).
    pub decided_at: Option<NaiveDateTime>,
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
#[diesel(table_name = improvement_plans)]
pub struct PlanChanges {
    /// A new state.
    #[diesel(serialize_as = String)]
    pub state: Option<PlanState>,
    /// Why it is returned.
    pub return_reason: Option<Option<String>>,
    /// Who decided.
    #[serde(skip)]
    pub decided_by: Option<Option<String>>,
    /// When.
    #[serde(skip)]
    pub decided_at: Option<Option<NaiveDateTime>>,
    /// Marks an edit of the items (no column: the row's version and time change).
    #[diesel(skip_update)]
    pub items_replaced: bool,
}

impl Audited for PlanChanges {}

/// A stored item.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = improvement_plan_items)]
pub struct PlanItem {
    /// UUIDv7.
    pub id: String,
    /// Its plan.
    pub plan_id: String,
    /// Its place in the plan (0-based).
    pub ordinal: i32,
    /// What is to be improved.
    pub title: String,
    /// Who answers for it.
    pub owner_id: String,
    /// By when (ISO date).
    pub due_on: String,
}

/// A plan with its items and their progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDetail {
    /// The plan.
    pub plan: ImprovementPlan,
    /// Its items, in order, each with its reports by quarter.
    pub items: Vec<(PlanItem, Vec<Progress>)>,
}

impl Record for PlanDetail {
    fn id(&self) -> &str {
        &self.plan.id
    }
    fn version(&self) -> i64 {
        self.plan.version
    }
}

fn detail(conn: &mut DbConnection, plan: ImprovementPlan) -> Result<PlanDetail, StoreError> {
    let items: Vec<PlanItem> = improvement_plan_items::table
        .filter(improvement_plan_items::plan_id.eq(&plan.id))
        .order(improvement_plan_items::ordinal)
        .select(PlanItem::as_select())
        .load(conn)?;
    let progress: Vec<Progress> = improvement_plan_progress::table
        .filter(improvement_plan_progress::plan_id.eq(&plan.id))
        .order((improvement_plan_progress::item_id, improvement_plan_progress::quarter))
        .select(Progress::as_select())
        .load(conn)?;
    let items = items
        .into_iter()
        .map(|item| {
            let of = progress.iter().filter(|p| p.item_id == item.id).cloned().collect();
            (item, of)
        })
        .collect();
    Ok(PlanDetail { plan, items })
}

/// One item to plan.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// What is to be improved.
    pub title: String,
    /// An active user of the group who answers for it.
    pub owner_id: String,
    /// By when.
    pub due_on: NaiveDate,
}

/// A plan to create.
#[derive(Debug, Clone)]
pub struct NewPlan {
    /// The department.
    pub department_id: String,
    /// The year it plans.
    pub year: i32,
    /// Its items.
    pub items: Vec<NewItem>,
}

fn check_owners(
    conn: &mut DbConnection,
    group: &str,
    items: &[NewItem],
) -> Result<(), SurveyFailure> {
    for (i, item) in items.iter().enumerate() {
        let found: i64 = users::table
            .filter(users::id.eq(&item.owner_id))
            .filter(users::group_id.eq(group))
            .filter(users::disabled_at.is_null())
            .count()
            .get_result(conn)?;
        if found == 0 {
            let field = format!("items[{i}].owner_id");
            return Err(SurveyFailure::field(
                field,
                "unknown_user",
                "no such active user in the group",
            ));
        }
    }
    Ok(())
}

fn insert_items(conn: &mut DbConnection, plan: &str, items: &[NewItem]) -> Result<(), StoreError> {
    for (i, item) in items.iter().enumerate() {
        diesel::insert_into(improvement_plan_items::table)
            .values((
                improvement_plan_items::id.eq(new_id()),
                improvement_plan_items::plan_id.eq(plan),
                improvement_plan_items::ordinal.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                improvement_plan_items::title.eq(&item.title),
                improvement_plan_items::owner_id.eq(&item.owner_id),
                improvement_plan_items::due_on.eq(item.due_on.to_string()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Drafts a department's plan for a year (`ImprovementPlansWrite` over the department): 409
/// `plan_exists` when it has one for that year.
pub fn create(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    new: &NewPlan,
    now: DateTime<Utc>,
) -> Result<PlanDetail, SurveyFailure> {
    transaction(conn.raw(), |conn| {
        let company: Option<String> = departments::table
            .filter(departments::id.eq(&new.department_id))
            .filter(departments::group_id.eq(&write.group_id))
            .select(departments::company_id)
            .first(conn)
            .optional()?;
        let Some(company) = company else {
            return Err(SurveyFailure::field(
                "department_id",
                "unknown",
                "no such department in the group",
            ));
        };
        let place = Place {
            company: Some(company.clone()),
            project: None,
            department: Some(new.department_id.clone()),
        };
        write.require(&place)?;
        check_owners(conn, &write.group_id, &new.items)?;
        let id = new_id();
        let (_, by) = write.actor().parts();
        diesel::insert_into(improvement_plans::table)
            .values((
                new_row!(improvement_plans, &id, now),
                improvement_plans::group_id.eq(&write.group_id),
                improvement_plans::company_id.eq(&company),
                improvement_plans::department_id.eq(&new.department_id),
                improvement_plans::year.eq(new.year),
                improvement_plans::state.eq(PlanState::Draft.as_str()),
                improvement_plans::created_by.eq(by),
            ))
            .execute(conn)
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => SurveyFailure::PlanExists,
                other => other.into(),
            })?;
        insert_items(conn, &id, &new.items)?;
        let payload = serde_json::json!({"department_id": new.department_id, "year": new.year,
            "items": new.items.len()});
        let plan = created(conn, (read, write), &id, payload, now)?;
        Ok(detail(conn, plan)?)
    })
}

/// One plan within reach, with its items and progress.
pub fn one(conn: &mut Conn, scope: &Scope, id: &str) -> Result<PlanDetail, StoreError> {
    let conn = conn.raw();
    let plan = find(conn, scope, id)?;
    detail(conn, plan)
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    /// Only this year's.
    pub year: Option<i32>,
    /// Only this department's.
    pub department_id: Option<String>,
    /// Only this state.
    pub state: Option<PlanState>,
}

/// A page of the plans within reach (without their items).
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &PlanFilter,
    req: &ListRequest,
) -> Result<Page<PlanDetail>, StoreError> {
    let conn = conn.raw();
    let query = || {
        let mut q = improvement_plans::table.filter(within(scope)).into_boxed();
        if let Some(year) = filter.year {
            q = q.filter(improvement_plans::year.eq(year));
        }
        if let Some(department) = &filter.department_id {
            q = q.filter(improvement_plans::department_id.eq(department.clone()));
        }
        if let Some(state) = filter.state {
            q = q.filter(improvement_plans::state.eq(state.as_str()));
        }
        q
    };
    let page: Page<ImprovementPlan> =
        page!(&mut *conn, improvement_plans, query, ImprovementPlan, req)?;
    let mut items = Vec::with_capacity(page.items.len());
    for plan in page.items {
        items.push(detail(conn, plan)?);
    }
    Ok(Page { items, next: page.next, total: page.total })
}

/// Replaces a plan's items (draft or returned only) if it is still at `expected`.
pub fn replace_items(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    items: &[NewItem],
    now: DateTime<Utc>,
) -> Result<PlanDetail, SurveyFailure> {
    transaction(conn.raw(), |conn| {
        let plan = find(conn, read, id)?;
        super::stale(expected, plan.version)?;
        if !plan.state.editable() {
            return Err(SurveyFailure::PlanNotEditable(plan.state.as_str()));
        }
        check_owners(conn, &write.group_id, items)?;
        let changes = PlanChanges { items_replaced: true, ..PlanChanges::default() };
        let plan = cas(conn, read, write, id, expected, &changes, now)?;
        let ids = improvement_plan_items::table
            .filter(improvement_plan_items::plan_id.eq(id))
            .select(improvement_plan_items::id);
        diesel::delete(
            improvement_plan_progress::table.filter(improvement_plan_progress::item_id.eq_any(ids)),
        )
        .execute(conn)?;
        diesel::delete(
            improvement_plan_items::table.filter(improvement_plan_items::plan_id.eq(id)),
        )
        .execute(conn)?;
        insert_items(conn, id, items)?;
        Ok(detail(conn, plan)?)
    })
}

/// Submits, approves or returns a plan if it is still at `expected`; a return carries its
/// reason. Who may is the caller's `write` scope (the handler picks the permission).
pub fn transition(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    (action, reason): (PlanAction, Option<&str>),
    now: DateTime<Utc>,
) -> Result<PlanDetail, SurveyFailure> {
    transaction(conn.raw(), |conn| {
        let plan = find(conn, read, id)?;
        super::stale(expected, plan.version)?;
        let Some(next) = plan.state.apply(action) else {
            return Err(SurveyFailure::NotAllowed {
                state: plan.state.as_str(),
                action: action.as_str(),
                allowed: plan.state.allowed().iter().map(|a| a.as_str()).collect(),
            });
        };
        let mut changes = PlanChanges { state: Some(next), ..PlanChanges::default() };
        if action.is_management() {
            let (_, by) = write.actor().parts();
            changes.decided_by = Some(by.map(str::to_owned));
            changes.decided_at = Some(Some(to_db(now)));
        }
        if action == PlanAction::Return {
            changes.return_reason = Some(reason.map(str::to_owned));
        }
        let plan = cas(conn, read, write, id, expected, &changes, now)?;
        Ok(detail(conn, plan)?)
    })
}
