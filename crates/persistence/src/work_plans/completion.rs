//! The completion rate per project and department (R-RP-13): over the items of submitted and
//! reviewed plans within reach that are due in a year or month and have fallen due, how many
//! were done on or before their due date.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use kefu_domain::work_plan::{Completion, WorkPlanState};

use super::{WorkPlanItem, local_day, within};
use crate::{
    db::Conn,
    error::StoreError,
    schema::{work_plan_items, work_plans},
    scope::Scope,
};

/// The completion of one project's or department's items in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionRow {
    /// The company of the project or department.
    pub company_id: String,
    /// The project (for a project's plans).
    pub project_id: Option<String>,
    /// The department (for a department's plans).
    pub department_id: Option<String>,
    /// How many items are due in the period, fallen due or not.
    pub planned: u32,
    /// How far those fallen due are done.
    pub completion: Completion,
}

/// The first and last day of a year, or of one of its months.
fn period(year: i32, month: Option<i32>) -> Option<(NaiveDate, NaiveDate)> {
    let (from_month, to_month) = match month {
        Some(m) => (u32::try_from(m).ok()?, u32::try_from(m).ok()?),
        None => (1, 12),
    };
    let from = NaiveDate::from_ymd_opt(year, from_month, 1)?;
    let next = if to_month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, to_month + 1, 1)?
    };
    Some((from, next.pred_opt()?))
}

/// The completion per project and department of the items due in `year` (or in its `month`),
/// as of `now`, over submitted and reviewed plans within reach; ordered by company, then
/// project or department.
pub fn completion(
    conn: &mut Conn,
    scope: &Scope,
    (year, month): (i32, Option<i32>),
    now: DateTime<Utc>,
) -> Result<Vec<CompletionRow>, StoreError> {
    let conn = conn.raw();
    let Some((from, to)) = period(year, month) else {
        return Ok(Vec::new());
    };
    let active = [WorkPlanState::Submitted.as_str(), WorkPlanState::Reviewed.as_str()];
    let plans: Vec<(String, String, Option<String>, Option<String>)> = work_plans::table
        .filter(within(scope))
        .filter(work_plans::state.eq_any(active))
        .select((
            work_plans::id,
            work_plans::company_id,
            work_plans::project_id,
            work_plans::department_id,
        ))
        .load(conn)?;
    let ids: Vec<String> = plans.iter().map(|p| p.0.clone()).collect();
    let items: Vec<WorkPlanItem> = work_plan_items::table
        .filter(work_plan_items::plan_id.eq_any(ids))
        .filter(work_plan_items::due_on.ge(from.to_string()))
        .filter(work_plan_items::due_on.le(to.to_string()))
        .select(WorkPlanItem::as_select())
        .load(conn)?;
    let today = local_day(now);
    let mut rows: BTreeMap<(String, Option<String>, Option<String>), CompletionRow> =
        BTreeMap::new();
    for item in &items {
        let Some((_, company, project, department)) = plans.iter().find(|p| p.0 == item.plan_id)
        else {
            continue;
        };
        let key = (company.clone(), project.clone(), department.clone());
        let row = rows.entry(key).or_insert_with(|| CompletionRow {
            company_id: company.clone(),
            project_id: project.clone(),
            department_id: department.clone(),
            planned: 0,
            completion: Completion::default(),
        });
        row.planned += 1;
        if let Some(due) = item.due() {
            let done = item.done_on.as_deref().and_then(|d| d.parse().ok());
            row.completion.add(due, done, today);
        }
    }
    Ok(rows.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_rp_13_a_period_is_a_month_or_a_whole_year() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(period(2027, Some(2)), Some((d("2027-02-01"), d("2027-02-28"))));
        assert_eq!(period(2027, Some(12)), Some((d("2027-12-01"), d("2027-12-31"))));
        assert_eq!(period(2027, None), Some((d("2027-01-01"), d("2027-12-31"))));
        assert_eq!(period(2027, Some(13)), None);
    }
}
