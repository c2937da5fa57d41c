//! A walk over local dates, one step per date, with the guards that stop runaway searches.

use chrono::{Datelike, NaiveDate};

use super::timeline::{Layout, Offsets, day_start};
use super::{BusinessCalendar, CalendarError, Coverage, DayBlocks};

/// A walk over local dates: the date, its blocks, and what the walk has seen so far.
pub(super) struct Walk<'a> {
    cal: &'a BusinessCalendar,
    offsets: Offsets,
    pub(super) date: NaiveDate,
    /// Dates visited.
    pub(super) steps: u32,
    limit: u32,
    year: i32,
    assumed: bool,
}

impl<'a> Walk<'a> {
    /// A walk from `date`, giving up after `limit` visits.
    pub(super) fn new(cal: &'a BusinessCalendar, date: NaiveDate, limit: u32) -> Self {
        let offsets = Offsets::new(cal.tz);
        Self { cal, offsets, date, steps: 0, limit, year: i32::MIN, assumed: false }
    }

    /// Visits the current date: counts it, notes its year's coverage, gives its blocks.
    pub(super) fn visit(&mut self) -> Result<&'a DayBlocks, CalendarError> {
        self.steps += 1;
        if self.steps > self.limit {
            return Err(CalendarError::NoWorkingTime(self.limit));
        }
        if self.date.year() != self.year {
            self.year = self.date.year();
            self.assumed |= self.cal.coverage(self.year) == Coverage::Assumed;
        }
        Ok(self.cal.hours_on(self.date))
    }

    /// How the current date maps onto UTC.
    pub(super) fn layout(&mut self) -> Layout {
        self.offsets.layout(day_start(self.date))
    }

    /// Scheduled unless a visited date lies in a year without a schedule.
    pub(super) fn coverage(&self) -> Coverage {
        if self.assumed { Coverage::Assumed } else { Coverage::Scheduled }
    }

    /// Moves to the next date; fails when no working time can lie ahead.
    pub(super) fn forward(&mut self) -> Result<(), CalendarError> {
        self.date = self.date.succ_opt().ok_or(CalendarError::NoWorkingTime(self.steps))?;
        let past = self.cal.override_dates.last().is_none_or(|&last| self.date > last);
        if self.cal.week_empty && past {
            return Err(CalendarError::NoWorkingTime(self.steps));
        }
        Ok(())
    }

    /// Moves to the previous date; fails when no working time can lie behind.
    pub(super) fn backward(&mut self) -> Result<(), CalendarError> {
        self.date = self.date.pred_opt().ok_or(CalendarError::NoWorkingTime(self.steps))?;
        let past = self.cal.override_dates.first().is_none_or(|&first| self.date < first);
        if self.cal.week_empty && past {
            return Err(CalendarError::NoWorkingTime(self.steps));
        }
        Ok(())
    }
}
