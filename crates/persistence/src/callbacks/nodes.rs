//! Node callbacks (节点回访, R-T-12): a month after a contract is signed, a week after a
//! complaint or a repair closes, a month after a project's mass handover; each due set by the
//! SLA policy's `node_callback_after_*` clock and suspended while the group's satisfaction
//! survey runs, moved by the length of the pause (R-CB-4). A group whose policy drops one of
//! those clocks gets no task for it.

use chrono::{DateTime, Days, NaiveDate, Utc};
use diesel::prelude::*;
use kefu_domain::{
    access::Role,
    callback::{CallbackReason, CallbackState, node_due},
};

use super::{CallbackTask, Need, first_holder, need};
use crate::{
    calendars,
    complaints::intake::calendar_of,
    db::DbConnection,
    error::StoreError,
    ids::to_db,
    schema::{callback_tasks, customer_units},
    scope::Place,
    sla,
};

/// A node callback's due without and with the survey pauses.
pub(crate) type Dues = (DateTime<Utc>, DateTime<Utc>);

/// The group's survey periods `(opens, collection due)`, which suspend node callbacks.
pub(crate) fn survey_periods(
    conn: &mut DbConnection,
    group_id: &str,
) -> Result<Vec<crate::surveys::SurveyPeriod>, StoreError> {
    crate::surveys::periods(conn, group_id)
}

/// The nominal due and the due (survey periods applied) of a node callback for `reason`
/// started at `started_at` in a project; `None` when the group's policy has no such clock.
pub(crate) fn due(
    conn: &mut DbConnection,
    group_id: &str,
    reason: CallbackReason,
    started_at: DateTime<Utc>,
    project_id: &str,
) -> Result<Option<Dues>, StoreError> {
    let policy = sla::current(conn, Some(group_id))?.ok_or(StoreError::NotFound)?;
    let Some(def) = reason.node_clock().and_then(|name| policy.policy.0.clock(name)) else {
        return Ok(None);
    };
    let calendar_id = calendar_of(conn, project_id, group_id)?;
    let calendar = calendars::load_any(conn, calendar_id.as_str())?;
    let periods = survey_periods(conn, group_id)?;
    let corrupt =
        |e: kefu_domain::sla::SlaError| StoreError::Corrupt(format!("node callback: {e}"));
    node_due(def, started_at, &periods, &calendar).map(Some).map_err(corrupt)
}

/// The instant a dated event counts from: the end of that local day, so "a month after the
/// 18th" is due by the end of the 18th a month later.
pub(crate) fn end_of(date: NaiveDate) -> DateTime<Utc> {
    super::day_start(date.checked_add_days(Days::new(1)).unwrap_or(date))
}

/// Plans the callback a month after a unit's contract was signed (R-T-12), unless that is
/// already past (a CRM importing old contracts makes no backlog).
pub(crate) fn contract_signed(
    conn: &mut DbConnection,
    (customer_id, unit_id): (&str, &str),
    (group, company, project): (&str, &str, &str),
    signed_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let reason = CallbackReason::ContractSigned;
    let started = end_of(signed_on);
    let Some((nominal, due)) = due(conn, group, reason, started, project)? else {
        return Ok(());
    };
    if due < now {
        return Ok(());
    }
    let place = Place::of_project(company, project);
    let assignee = first_holder(conn, group, Role::CsManager, &place)?;
    let need_ = Need {
        place: (group.to_owned(), company.to_owned(), project.to_owned()),
        about: (None, Some(customer_id.to_owned()), Some(unit_id.to_owned())),
        reason,
        times: (started, nominal, due),
        assignee,
        assignee_wins: false,
        key: format!("unit:{customer_id}:{unit_id}:{}", reason.as_str()),
    };
    need(conn, &need_, now).map(|_| ())
}

/// A project's mass handover date was set, moved or cleared: every owner of a unit of the
/// project gets (or keeps, with the new due) a callback a month later (R-T-12); clearing it
/// cancels the open ones. A handover more than a month past plans nothing.
pub(crate) fn handover_changed(
    conn: &mut DbConnection,
    (group, company, project): (&str, &str, &str),
    handover_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let reason = CallbackReason::MassHandover;
    let prefix = format!("project:{project}:");
    let suffix = format!(":{}", reason.as_str());
    let Some(date) = handover_on else {
        diesel::update(
            callback_tasks::table
                .filter(callback_tasks::open_key.like(format!("{prefix}%{suffix}")))
                .filter(callback_tasks::group_id.eq(group)),
        )
        .set((
            callback_tasks::state.eq(CallbackState::Cancelled.as_str()),
            callback_tasks::open_key.eq(None::<String>),
            callback_tasks::finished_at.eq(Some(to_db(now))),
            callback_tasks::updated_at.eq(to_db(now)),
            callback_tasks::version.eq(callback_tasks::version + 1),
        ))
        .execute(conn)?;
        return Ok(());
    };
    let started = end_of(date);
    let Some((nominal, due)) = self::due(conn, group, reason, started, project)? else {
        return Ok(());
    };
    let mut owners: Vec<String> = customer_units::table
        .filter(customer_units::project_id.eq(project))
        .filter(customer_units::group_id.eq(group))
        .select(customer_units::customer_id)
        .distinct()
        .load(conn)?;
    owners.sort();
    let place = Place::of_project(company, project);
    let assignee = first_holder(conn, group, Role::CsManager, &place)?;
    for customer in owners {
        let key = format!("{prefix}{customer}{suffix}");
        let moved = set_times(conn, &key, (started, nominal, due), now)?;
        if moved || due < now {
            continue;
        }
        let need_ = Need {
            place: (group.to_owned(), company.to_owned(), project.to_owned()),
            about: (None, Some(customer), None),
            reason,
            times: (started, nominal, due),
            assignee: assignee.clone(),
            assignee_wins: false,
            key,
        };
        need(conn, &need_, now)?;
    }
    Ok(())
}

/// Sets the start and dues of the open task with `key`; whether there was one.
fn set_times(
    conn: &mut DbConnection,
    key: &str,
    (started, nominal, due): (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = diesel::update(callback_tasks::table.filter(callback_tasks::open_key.eq(key)))
        .set((
            callback_tasks::started_at.eq(to_db(started)),
            callback_tasks::nominal_due_at.eq(to_db(nominal)),
            callback_tasks::due_at.eq(to_db(due)),
            callback_tasks::updated_at.eq(to_db(now)),
            callback_tasks::version.eq(callback_tasks::version + 1),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// The group's survey periods changed: every open node callback's due is computed again from
/// its start (R-CB-4). How many moved.
pub(crate) fn reschedule(
    conn: &mut DbConnection,
    group_id: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let open: Vec<CallbackTask> = callback_tasks::table
        .filter(callback_tasks::group_id.eq(group_id))
        .filter(callback_tasks::state.eq(CallbackState::Due.as_str()))
        .select(CallbackTask::as_select())
        .load(conn)?;
    let mut moved = 0;
    for task in open {
        let Ok(reason) = CallbackReason::try_from(task.reason.clone()) else { continue };
        if !reason.is_node() {
            continue;
        }
        let started = task.started_at.and_utc();
        let Some((nominal, due)) = self::due(conn, group_id, reason, started, &task.project_id)?
        else {
            continue;
        };
        if to_db(due) != task.due_at || to_db(nominal) != task.nominal_due_at {
            diesel::update(
                callback_tasks::table
                    .filter(callback_tasks::id.eq(&task.id))
                    .filter(callback_tasks::version.eq(task.version)),
            )
            .set((
                callback_tasks::nominal_due_at.eq(to_db(nominal)),
                callback_tasks::due_at.eq(to_db(due)),
                callback_tasks::updated_at.eq(to_db(now)),
                callback_tasks::version.eq(callback_tasks::version + 1),
            ))
            .execute(conn)?;
            moved += 1;
        }
    }
    Ok(moved)
}
