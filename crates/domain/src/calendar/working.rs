//! Working-time arithmetic (R-T-0): add, elapsed, the end of the Nth working day.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::timeline::{Offsets, from_nanos, to_nanos};
use super::walk::Walk;
use super::{BusinessCalendar, CalendarError, MAX_SEARCH_DAYS};
use crate::duration::{SlaDuration, WorkingDuration};

/// The most working time one addition may carry: 3650 × 24 hours.
const MAX_WORKING: TimeDelta = TimeDelta::hours(3650 * 24);

crate::vocabulary! {
    /// Whether an answer rests on official holiday schedules only.
    pub enum Coverage as "coverage" {
        /// Every day crossed lies in a year the calendar has a schedule for (or, for calendar
        /// time, no schedule was needed).
        Scheduled = "scheduled", "已发布安排";
        /// Some day crossed lies in a year without a schedule, where only the weekly hours were
        /// assumed (weekends off, no holidays); the answer may move once that year is published.
        Assumed = "assumed", "按周末推定";
    }
}

/// A due instant (到期时间) with how it was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// The due instant.
    pub at: DateTime<Utc>,
    /// The working days that gave working time to the interval (0 for a zero duration).
    pub working_days_crossed: u32,
    /// Whether the answer rests on official schedules only.
    pub coverage: Coverage,
    /// Local dates visited: one per calendar day from the start's date to the due's date.
    pub steps: u32,
}

impl BusinessCalendar {
    /// Adds a time limit: working time on the calendar, calendar time on the zone's clock
    /// (for calendar time `working_days_crossed` and `steps` are 0 and coverage is scheduled).
    pub fn add(&self, start: DateTime<Utc>, duration: &SlaDuration) -> Result<Due, CalendarError> {
        match duration {
            SlaDuration::Working(d) => self.add_working(start, *d),
            SlaDuration::Calendar(d) => Ok(Due {
                at: self.add_calendar(start, *d)?,
                working_days_crossed: 0,
                coverage: Coverage::Scheduled,
                steps: 0,
            }),
        }
    }

    /// The working time a working duration stands for on this calendar (`WD` × standard day).
    pub fn working_time(&self, duration: WorkingDuration) -> TimeDelta {
        duration.to_time(self.standard_day())
    }

    /// Adds working time (R-T-0): `1WD` from Tuesday 10:00 is Wednesday 10:00.
    pub fn add_working(
        &self,
        start: DateTime<Utc>,
        duration: WorkingDuration,
    ) -> Result<Due, CalendarError> {
        self.add_working_time(start, self.working_time(duration))
    }

    /// The earliest instant `t ≥ start` with exactly `amount` of working time in
    /// `[start, t)`; `start` itself for zero. `amount` is 0 to 3650 × 24 hours.
    pub fn add_working_time(
        &self,
        start: DateTime<Utc>,
        amount: TimeDelta,
    ) -> Result<Due, CalendarError> {
        if amount < TimeDelta::zero() || amount > MAX_WORKING {
            return Err(CalendarError::WorkingTimeLimit);
        }
        let s = to_nanos(start)?;
        let mut remaining = amount.num_nanoseconds().ok_or(CalendarError::WorkingTimeLimit)?;
        let (date, _) = Offsets::new(self.tz).local(s)?;
        if remaining == 0 {
            let coverage = self.coverage(chrono::Datelike::year(&date));
            return Ok(Due { at: start, working_days_crossed: 0, coverage, steps: 0 });
        }
        let mut walk = Walk::new(self, date, MAX_SEARCH_DAYS);
        let mut crossed = 0;
        loop {
            let blocks = walk.visit()?;
            if !blocks.is_empty() {
                let mut used = false;
                for (from, to) in walk.layout().spans(blocks) {
                    if to <= s {
                        continue;
                    }
                    let from = from.max(s);
                    if to - from >= remaining {
                        return Ok(Due {
                            at: from_nanos(from + remaining),
                            working_days_crossed: crossed + 1,
                            coverage: walk.coverage(),
                            steps: walk.steps,
                        });
                    }
                    remaining -= to - from;
                    used = true;
                }
                crossed += u32::from(used);
            }
            walk.forward()?;
        }
    }

    /// The working time in `[start, end)`; zero when `end ≤ start`.
    pub fn elapsed(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<TimeDelta, CalendarError> {
        let (s, e) = (to_nanos(start)?, to_nanos(end)?);
        if e <= s {
            return Ok(TimeDelta::zero());
        }
        let mut offsets = Offsets::new(self.tz);
        let (first, _) = offsets.local(s)?;
        let (last, _) = offsets.local(e)?;
        let mut walk = Walk::new(self, first, u32::MAX);
        let mut total = 0;
        loop {
            let blocks = walk.visit()?;
            for (from, to) in walk.layout().spans(blocks) {
                total += (to.min(e) - from.max(s)).max(0);
            }
            if walk.date >= last || walk.forward().is_err() {
                return Ok(TimeDelta::nanoseconds(total));
            }
        }
    }

    /// The close of the Nth working day (R-T-2, R-T-5): the end of that day's last block.
    ///
    /// The start's own date counts as the first when it is a working day and `start` is before
    /// its close; received after the close (or on a day off), the first is the next working
    /// day. So a clock started Tuesday 20:00 ends with Wednesday, never before it started.
    pub fn end_of_nth_working_day(
        &self,
        start: DateTime<Utc>,
        n: u32,
    ) -> Result<Due, CalendarError> {
        if !(1..=3650).contains(&n) {
            return Err(CalendarError::WorkingDayCount(n));
        }
        let s = to_nanos(start)?;
        let (date, _) = Offsets::new(self.tz).local(s)?;
        let mut walk = Walk::new(self, date, MAX_SEARCH_DAYS);
        let mut count = 0;
        loop {
            let blocks = walk.visit()?;
            if let Some((_, close)) = walk.layout().spans(blocks).last()
                && close > s
            {
                count += 1;
                if count == n {
                    let (coverage, steps) = (walk.coverage(), walk.steps);
                    let at = from_nanos(close);
                    return Ok(Due { at, working_days_crossed: n, coverage, steps });
                }
            }
            walk.forward()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-10 (a Tuesday) at `hh:mm` Beijing time.
    fn tuesday(h: u32, m: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, 3, 10, h, m, 0).unwrap().to_utc()
    }

    fn add(start: DateTime<Utc>, d: &str) -> DateTime<Utc> {
        BusinessCalendar::default().add(start, &d.parse().unwrap()).unwrap().at
    }

    #[test]
    fn r_t_0_examples() {
        let day = TimeDelta::days(1);
        assert_eq!(add(tuesday(10, 0), "1WD"), tuesday(10, 0) + day);
        assert_eq!(add(tuesday(9, 0) + day, "1WD"), tuesday(18, 0) + day);
        assert_eq!(add(tuesday(16, 0) + day * 3, "0.5WD"), tuesday(10, 45) + day * 6);
        // A due may sit at a block's end, never inside the break.
        assert_eq!(add(tuesday(9, 0), "3WH"), tuesday(12, 0));
        assert_eq!(add(tuesday(12, 30), "1WM"), tuesday(13, 31));
        assert_eq!(add(tuesday(12, 30), "0WD"), tuesday(12, 30));
    }

    #[test]
    fn elapsed_is_zero_backwards_and_counts_blocks_only() {
        let cal = BusinessCalendar::default();
        assert_eq!(cal.elapsed(tuesday(18, 0), tuesday(9, 0)).unwrap(), TimeDelta::zero());
        assert_eq!(cal.elapsed(tuesday(8, 0), tuesday(20, 0)).unwrap(), TimeDelta::minutes(450));
    }
}
