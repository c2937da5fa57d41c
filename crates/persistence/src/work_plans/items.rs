//! An item's completion (R-RP-13): recorded done (with the time and the day, for the monthly
//! completion report) or open again, on a submitted or reviewed plan. The plan's version is the
//! item's ETag: a completion is a change of the plan, compared and swapped like any other.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{WorkPlanChanges, WorkPlanDetail, WorkPlanFailure, cas, detail, find, local_day};
use crate::{
    db::{Conn, transaction},
    error::StoreError,
    ids::to_db,
    kit::Expected,
    schema::work_plan_items,
    scope::Scope,
};

/// What is recorded of an item.
#[derive(Debug, Clone)]
pub struct ItemDone {
    /// Done, or open again.
    pub done: bool,
    /// A note on it (kept when `None`).
    pub note: Option<String>,
}

/// Records an item of a submitted or reviewed plan done (now, on today's date in China
/// Standard Time) or open again, if the plan is still at `expected`.
pub fn complete_item(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    (plan_id, item_id): (&str, &str),
    expected: Expected,
    change: &ItemDone,
    now: DateTime<Utc>,
) -> Result<WorkPlanDetail, WorkPlanFailure> {
    transaction(conn.raw(), |conn| {
        let plan = find(conn, read, plan_id)?;
        let item = work_plan_items::table
            .filter(work_plan_items::id.eq(item_id))
            .filter(work_plan_items::plan_id.eq(plan_id))
            .select(work_plan_items::done)
            .first::<bool>(conn)
            .optional()?;
        let Some(was_done) = item else {
            return Err(StoreError::NotFound.into());
        };
        if let Expected::Version(v) = expected
            && v != plan.version
        {
            return Err(StoreError::StaleVersion { current: plan.version }.into());
        }
        if !plan.state.active() {
            return Err(WorkPlanFailure::NotActive(plan.state.as_str()));
        }
        let changes =
            WorkPlanChanges { item_completed: Some(item_id.to_owned()), ..Default::default() };
        let plan = cas(conn, read, write, plan_id, expected, &changes, now)?;
        let row = work_plan_items::table.filter(work_plan_items::id.eq(item_id));
        match (change.done, was_done) {
            (true, false) => {
                diesel::update(row)
                    .set((
                        work_plan_items::done.eq(true),
                        work_plan_items::done_at.eq(Some(to_db(now))),
                        work_plan_items::done_on.eq(Some(local_day(now).to_string())),
                    ))
                    .execute(conn)?;
            }
            (false, true) => {
                diesel::update(row)
                    .set((
                        work_plan_items::done.eq(false),
                        work_plan_items::done_at.eq(None::<chrono::NaiveDateTime>),
                        work_plan_items::done_on.eq(None::<String>),
                    ))
                    .execute(conn)?;
            }
            // Done again keeps the first time it was done.
            _ => {}
        }
        if let Some(note) = &change.note {
            let row = work_plan_items::table.filter(work_plan_items::id.eq(item_id));
            diesel::update(row).set(work_plan_items::note.eq(Some(note))).execute(conn)?;
        }
        Ok(detail(conn, plan, now)?)
    })
}
