//! Reminders of late items (R-RP-13: the customer center reminds the late): an open item of a
//! submitted or reviewed plan whose due day is over tells its owner (or, without one, the
//! plan's author) once, in his inbox. The item is marked in the same statement that decides
//! it (`… WHERE reminded_at IS NULL`), so however many nodes run the job, it is told once.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::work_plan::WorkPlanState;

use super::{local_day, place_of};
use crate::{
    audit::{Acting, Event},
    db::{Conn, transaction},
    error::StoreError,
    ids::to_db,
    notifications::{Notice, notify},
    schema::{work_plan_items, work_plans},
};

/// Items looked at per round.
const BATCH: i64 = 500;

/// Reminds the owners of the items that became late (once each); how many were reminded.
pub fn remind_overdue(conn: &mut Conn, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let today = local_day(now).to_string();
    let active = [WorkPlanState::Submitted.as_str(), WorkPlanState::Reviewed.as_str()];
    let due: Vec<String> = work_plan_items::table
        .inner_join(work_plans::table)
        .filter(work_plan_items::done.eq(false))
        .filter(work_plan_items::reminded_at.is_null())
        .filter(work_plan_items::due_on.lt(&today))
        .filter(work_plans::state.eq_any(active))
        .select(work_plan_items::id)
        .order(work_plan_items::id.asc())
        .limit(BATCH)
        .load(conn.raw())?;
    let mut reminded = 0;
    for item in due {
        reminded += transaction(conn.raw(), |conn| {
            let claimed = diesel::update(
                work_plan_items::table
                    .filter(work_plan_items::id.eq(&item))
                    .filter(work_plan_items::done.eq(false))
                    .filter(work_plan_items::reminded_at.is_null()),
            )
            .set(work_plan_items::reminded_at.eq(Some(to_db(now))))
            .execute(conn)?;
            if claimed == 0 {
                return Ok::<_, StoreError>(0);
            }
            let (title, owner, due_on, plan_id): (String, Option<String>, String, String) =
                work_plan_items::table
                    .filter(work_plan_items::id.eq(&item))
                    .select((
                        work_plan_items::title,
                        work_plan_items::owner_id,
                        work_plan_items::due_on,
                        work_plan_items::plan_id,
                    ))
                    .first(conn)?;
            let plan: super::WorkPlan = work_plans::table
                .filter(work_plans::id.eq(&plan_id))
                .select(super::WorkPlan::as_select())
                .first(conn)?;
            let to: Vec<String> = owner.or_else(|| plan.created_by.clone()).into_iter().collect();
            let payload = serde_json::json!({"plan_id": plan.id, "item_id": item,
                "item_title": title, "due_on": due_on, "rule_id": "R-RP-13"});
            let notice = Notice {
                group_id: &plan.group_id,
                kind: "work_plan_item_overdue",
                subject: ("work_plan", &plan.id),
                title: format!(
                    "工作计划《{}》事项“{}”已逾期（应于 {} 完成）",
                    plan.title, title, due_on
                ),
                payload: payload.clone(),
            };
            notify(conn, &to, &notice, now)?;
            let event = Event {
                at: now,
                action: "work_plan.item_overdue",
                subject: ("work_plan", &plan.id),
                group: Some(&plan.group_id),
                place: &place_of(&plan),
                payload,
            };
            Acting::system().record(conn, event)?;
            Ok(1)
        })?;
    }
    Ok(reminded)
}
