//! A clock's due and state at an instant (R-T-0, R-T-9).

use chrono::{DateTime, TimeDelta, Utc};

use crate::calendar::{BusinessCalendar, Coverage};

use super::{ClockDef, ClockRun, ClockState, ClockStatus, DueRule, SlaError};

/// Computes one clock at `now`: its due (pauses pushing it later, a negotiated due replacing
/// it), its state, the working time left and the share of the allowed time used.
///
/// The state is, in this order: `cancelled` once cancelled; `met` or `met_late` once stopped (stopped at or before the
/// due, or after it); `paused` while a pause is open; `breached` from the due on; `warning`
/// from [`ClockDef::warning_percent`] on; else `running`.
pub fn compute(
    def: &ClockDef,
    run: &ClockRun,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Result<ClockStatus, SlaError> {
    run.check()?;
    // The current period: a recurring clock starts a new one at each reset.
    let (base, rule) = match (def.recurrence, run.last_reset) {
        (Some(every), Some(reset)) => (reset, DueRule::After(every)),
        _ => (run.started_at, def.due),
    };
    let measure = Measure { working: rule.is_working(), calendar };
    // Time is used until the clock stops.
    let end = run.stopped_at.or(run.cancelled_at).unwrap_or(now);
    let (due, coverage, counted_from, allowed, paused) = match &run.negotiated_due {
        Some(n) => {
            let from = n.agreed_at.max(run.started_at);
            (n.due, Coverage::Scheduled, from, measure.between(from, n.due)?, TimeDelta::zero())
        }
        None => {
            let first = rule.due(base, calendar)?;
            let allowed = measure.between(base, first.at)?;
            let mut pushed =
                Pushed { due: first.at, coverage: first.coverage, used: TimeDelta::zero() };
            for &(from, until) in &run.pauses {
                let until = until.unwrap_or(now);
                let until =
                    run.stopped_at.or(run.cancelled_at).map_or(until, |stop| until.min(stop));
                pushed.pause(&measure, from.max(base), until, end)?;
            }
            (pushed.due, pushed.coverage, base, allowed, pushed.used)
        }
    };
    let used = (measure.between(counted_from, end)? - paused).max(TimeDelta::zero());
    let elapsed_percent = percent(used, allowed, end >= due);
    let open_pause = run.pauses.last().is_some_and(|&(from, until)| until.is_none() && from <= now);
    let state = match run.stopped_at {
        _ if run.cancelled_at.is_some() => ClockState::Cancelled,
        Some(stop) if stop <= due => ClockState::Met,
        Some(_) => ClockState::MetLate,
        None if open_pause => ClockState::Paused,
        None if now >= due => ClockState::Breached,
        None if elapsed_percent >= u32::from(def.warning_percent) => ClockState::Warning,
        None => ClockState::Running,
    };
    let remaining_working = match run.is_open() {
        false => TimeDelta::zero(),
        true => calendar.elapsed(now, due)?,
    };
    Ok(ClockStatus { due, state, remaining_working, elapsed_percent, coverage })
}

/// How a clock counts time: working time on the calendar, or real time.
struct Measure<'a> {
    working: bool,
    calendar: &'a BusinessCalendar,
}

impl Measure<'_> {
    /// The time counted in `[from, to)`; zero when `to ≤ from`.
    fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<TimeDelta, SlaError> {
        if self.working {
            Ok(self.calendar.elapsed(from, to)?)
        } else {
            Ok((to - from).max(TimeDelta::zero()))
        }
    }

    /// `at` moved later by `amount` of counted time.
    fn push(
        &self,
        at: DateTime<Utc>,
        amount: TimeDelta,
    ) -> Result<(DateTime<Utc>, Coverage), SlaError> {
        if self.working {
            let due = self.calendar.add_working_time(at, amount)?;
            Ok((due.at, due.coverage))
        } else {
            let due = at.checked_add_signed(amount).ok_or(SlaError::OutOfRange)?;
            Ok((due, Coverage::Scheduled))
        }
    }
}

/// A due as pauses push it, and the paused time that fell before the end of use.
struct Pushed {
    due: DateTime<Utc>,
    coverage: Coverage,
    used: TimeDelta,
}

impl Pushed {
    /// Applies the pause `[from, until)`: only a pause that starts before the current due moves
    /// it, by the pause's whole counted length, so the due never moves earlier.
    fn pause(
        &mut self,
        measure: &Measure<'_>,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<(), SlaError> {
        if from >= until || from >= self.due {
            return Ok(());
        }
        let (due, coverage) = measure.push(self.due, measure.between(from, until)?)?;
        self.due = due;
        if coverage == Coverage::Assumed {
            self.coverage = Coverage::Assumed;
        }
        self.used += measure.between(from, until.min(end))?;
        Ok(())
    }
}

/// `used` as a share of `allowed` in whole percent, rounded down; with nothing allowed, 100 %
/// once the due is reached.
fn percent(used: TimeDelta, allowed: TimeDelta, reached: bool) -> u32 {
    let allowed = allowed.num_milliseconds();
    if allowed <= 0 {
        return if reached { 100 } else { 0 };
    }
    let share = i128::from(used.num_milliseconds()) * 100 / i128::from(allowed);
    u32::try_from(share.max(0)).unwrap_or(u32::MAX)
}
