//! When the deadline sweep must next look at a clock: its warning threshold, then its due.

use chrono::{DateTime, TimeDelta, Utc};

use crate::calendar::BusinessCalendar;

use super::{ClockDef, ClockRun, ClockState, SlaError, compute};

/// How close the sweep's warning instant is to the true threshold crossing (it is never
/// earlier than the crossing, at most this much later).
pub const WARNING_PRECISION: TimeDelta = TimeDelta::minutes(1);

/// What the sweep has done about a clock's current period already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Told {
    /// Its owner was warned.
    pub warned: bool,
    /// Its breach was recorded and escalated.
    pub breached: bool,
}

/// The next instant the sweep must look at a clock, `None` when nothing can happen to it without
/// an event: stopped or cancelled, paused (its due moves with the wall), or breached and escalated
/// already. A clock that must be acted on now answers `now`.
pub fn next_check(
    def: &ClockDef,
    run: &ClockRun,
    calendar: &BusinessCalendar,
    told: Told,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, SlaError> {
    let status = compute(def, run, calendar, now)?;
    Ok(match status.state {
        ClockState::Running if !told.warned => {
            Some(warning_at(def, run, calendar, now, status.due)?)
        }
        ClockState::Running | ClockState::Warning if told.warned => Some(status.due),
        ClockState::Warning => Some(now),
        ClockState::Breached if !told.breached => Some(now),
        _ => None,
    })
}

/// The first instant (within [`WARNING_PRECISION`], never before it) from which a running clock
/// warns, searched between `now` and its `due`: the share used only grows while nothing
/// happens to the clock.
fn warning_at(
    def: &ClockDef,
    run: &ClockRun,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
    due: DateTime<Utc>,
) -> Result<DateTime<Utc>, SlaError> {
    let (mut quiet, mut warns) = (now, due);
    while warns - quiet > WARNING_PRECISION {
        let mid = quiet + (warns - quiet) / 2;
        match compute(def, run, calendar, mid)?.state {
            ClockState::Running => quiet = mid,
            _ => warns = mid,
        }
    }
    Ok(warns)
}
