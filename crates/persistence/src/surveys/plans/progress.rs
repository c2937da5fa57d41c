//! Quarterly progress on an approved plan's items (R-SAT-3): one report per item and quarter,
//! a later one replacing it.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::survey::plan::PlanState;

use super::{PlanDetail, detail, find, place};
use crate::{
    db::{Conn, transaction},
    error::StoreError,
    ids::to_db,
    schema::{improvement_plan_items, improvement_plan_progress},
    scope::Scope,
    surveys::SurveyFailure,
};

/// A quarterly report on an item.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = improvement_plan_progress)]
pub struct Progress {
    /// The item.
    pub item_id: String,
    /// 1–4.
    pub quarter: i32,
    /// The plan.
    pub plan_id: String,
    /// How far, 0–100.
    pub percent: i32,
    /// What was done.
    pub note: String,
    /// Who reported.
    pub reported_by: Option<String>,
    /// When (naive UTC).
    pub reported_at: NaiveDateTime,
}

/// A quarterly report on an item.
#[derive(Debug, Clone)]
pub struct NewProgress {
    /// 1–4.
    pub quarter: i32,
    /// The item.
    pub item_id: String,
    /// How far, 0–100.
    pub percent: i32,
    /// What was done.
    pub note: String,
}

/// Reports an item's progress for a quarter on an approved plan; a second report for the same
/// item and quarter replaces the first.
pub fn report(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    progress: &NewProgress,
    now: DateTime<Utc>,
) -> Result<PlanDetail, SurveyFailure> {
    transaction(conn.raw(), |conn| {
        let plan = find(conn, read, id)?;
        if let Err(StoreError::NotFound) = find(conn, write, id) {
            return Err(StoreError::Forbidden.into());
        }
        if plan.state != PlanState::Approved {
            return Err(SurveyFailure::PlanNotApproved(plan.state.as_str()));
        }
        let of_plan: i64 = improvement_plan_items::table
            .filter(improvement_plan_items::id.eq(&progress.item_id))
            .filter(improvement_plan_items::plan_id.eq(id))
            .count()
            .get_result(conn)?;
        if of_plan == 0 {
            return Err(SurveyFailure::field("item_id", "unknown", "no such item in this plan"));
        }
        diesel::delete(
            improvement_plan_progress::table
                .filter(improvement_plan_progress::item_id.eq(&progress.item_id))
                .filter(improvement_plan_progress::quarter.eq(progress.quarter)),
        )
        .execute(conn)?;
        let (_, by) = write.actor().parts();
        diesel::insert_into(improvement_plan_progress::table)
            .values((
                improvement_plan_progress::item_id.eq(&progress.item_id),
                improvement_plan_progress::quarter.eq(progress.quarter),
                improvement_plan_progress::plan_id.eq(id),
                improvement_plan_progress::percent.eq(progress.percent),
                improvement_plan_progress::note.eq(&progress.note),
                improvement_plan_progress::reported_by.eq(by),
                improvement_plan_progress::reported_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        let payload = serde_json::json!({"item_id": progress.item_id, "quarter": progress.quarter,
            "percent": progress.percent});
        let at = place(&plan);
        write.audit(
            conn,
            now,
            "improvement_plan.progress",
            ("improvement_plan", id),
            &at,
            payload,
        )?;
        Ok(detail(conn, plan)?)
    })
}
