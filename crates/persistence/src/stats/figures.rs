//! The figures a statement reads instead of recomputing them: a resolved complaint's working
//! time from receipt to resolution (minutes on its project's business calendar, R-T-0), kept by
//! the transaction that resolves it and dropped when it is reopened.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    complaint::{ComplaintState, Transition, events as ev},
    ids::CalendarId,
};

use crate::{
    calendars::load_any, complaints::Complaint, db::DbConnection, error::StoreError, ids::to_db,
    schema::complaint_figures,
};

/// Whether a complaint in `state` counts as resolved for its handling time.
fn done(state: ComplaintState) -> bool {
    matches!(
        state,
        ComplaintState::Resolved | ComplaintState::CalledBack | ComplaintState::Archived
    )
}

/// What a transition of `complaint` (as it was before it) does to its figures, inside the
/// transition's transaction: resolving stores the working minutes since receipt; leaving the
/// resolved states (a reopening) drops them until it is resolved again.
pub(crate) fn on_transition(
    conn: &mut DbConnection,
    complaint: &Complaint,
    transition: &Transition,
    calendar: &CalendarId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let resolved = transition.events.contains(&ev::COMPLAINT_RESOLVED);
    let reopened = done(transition.from) && !done(transition.to);
    if !resolved && !reopened {
        return Ok(());
    }
    diesel::delete(complaint_figures::table.find(&complaint.id)).execute(conn)?;
    if resolved {
        let calendar = load_any(conn, calendar.as_str())?;
        let received = complaint.received_at.and_utc();
        let working = calendar
            .elapsed(received, now.max(received))
            .map_err(|e| StoreError::Corrupt(format!("handling time: {e}")))?;
        diesel::insert_into(complaint_figures::table)
            .values((
                complaint_figures::complaint_id.eq(&complaint.id),
                complaint_figures::handling_minutes.eq(working.num_minutes()),
                complaint_figures::resolved_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}
