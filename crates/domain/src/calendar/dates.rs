//! Working days as dates, report due dates (R-RP-16) and calendar time (R-T-8, R-T-11).

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::timeline::{NANOS, Offsets, check_date, day_start, from_nanos, to_nanos};
use super::walk::Walk;
use super::{BusinessCalendar, CalendarError, MAX_SEARCH_DAYS};
use crate::duration::CalendarDuration;

impl BusinessCalendar {
    /// True when the local date has working time (weekly hours, overrides applied).
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !self.hours_on(date).is_empty()
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        check_date(date)?;
        let mut walk = Walk::new(self, date, MAX_SEARCH_DAYS);
        loop {
            walk.forward()?;
            if !walk.visit()?.is_empty() {
                return Ok(walk.date);
            }
        }
    }

    /// The last working day strictly before `date`.
    pub fn previous_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        check_date(date)?;
        let mut walk = Walk::new(self, date, MAX_SEARCH_DAYS);
        loop {
            walk.backward()?;
            if !walk.visit()?.is_empty() {
                return Ok(walk.date);
            }
        }
    }

    /// The start of working hours (上班时间) of a date: when its first working block opens;
    /// `None` on a day without work.
    pub fn start_of_working_hours(
        &self,
        date: NaiveDate,
    ) -> Result<Option<DateTime<Utc>>, CalendarError> {
        check_date(date)?;
        let blocks = self.hours_on(date);
        let Some(first) = blocks.blocks().first() else {
            return Ok(None);
        };
        let mut offsets = Offsets::new(self.tz);
        let open = match offsets.layout(day_start(date)).spans(blocks).next() {
            Some((open, _)) => open,
            None => offsets.instant(date, i64::from(first.start_seconds()) * NANOS),
        };
        Ok(Some(from_nanos(open)))
    }

    /// The end of working hours (下班时间) of a date, for "by the 5th" (X日前) dues; `None` on a
    /// day without work.
    pub fn end_of_working_hours(
        &self,
        date: NaiveDate,
    ) -> Result<Option<DateTime<Utc>>, CalendarError> {
        check_date(date)?;
        let blocks = self.hours_on(date);
        let Some(last) = blocks.blocks().last() else {
            return Ok(None);
        };
        let mut offsets = Offsets::new(self.tz);
        let close = match offsets.layout(day_start(date)).spans(blocks).last() {
            Some((_, close)) => close,
            // Every block fell into a clock jump: the clock shows the end right after it.
            None => offsets.instant(date, i64::from(last.end_seconds()) * NANOS),
        };
        Ok(Some(from_nanos(close)))
    }

    /// A report due "by `date`" (R-RP-16): the end of that day's working hours, or of the
    /// previous working day when `date` has none.
    pub fn report_due_by_date(&self, date: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
        let day = if self.is_working_day(date) { date } else { self.previous_working_day(date)? };
        self.end_of_working_hours(day)?.ok_or(CalendarError::NoWorkingTime(0))
    }

    /// A report due instant moved by R-RP-16: unchanged on a working day; on a day without
    /// work, the previous working day at the same clock time when that time lies after the
    /// day's opening and no later than its close (a lunch break counts as inside), otherwise
    /// at that day's close. So 12:00 on a holiday 1st becomes 12:00 the working day before,
    /// and 20:00 or 08:00 become 18:00: the moved due is always earlier than the original
    /// and never before the day's work starts.
    pub fn report_due(&self, due: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        let mut offsets = Offsets::new(self.tz);
        let (date, clock) = offsets.local(to_nanos(due)?)?;
        if self.is_working_day(date) {
            return Ok(due);
        }
        let day = self.previous_working_day(date)?;
        let blocks = self.hours_on(day).blocks();
        let inside = match (blocks.first(), blocks.last()) {
            (Some(first), Some(last)) => {
                i64::from(first.start_seconds()) * NANOS < clock
                    && clock <= i64::from(last.end_seconds()) * NANOS
            }
            _ => false,
        };
        if inside {
            return Ok(from_nanos(offsets.instant(day, clock)));
        }
        self.end_of_working_hours(day)?.ok_or(CalendarError::NoWorkingTime(0))
    }

    /// Adds calendar time (R-T-8, R-T-11): days and weeks move the local date and keep the
    /// clock time (`P1D` from 17:00 is 17:00 the next day, holidays or not); hours, minutes and
    /// seconds are then added as elapsed time. A clock time that does not exist on the target
    /// date moves forward by the jump; a repeated one takes its first occurrence.
    pub fn add_calendar(
        &self,
        start: DateTime<Utc>,
        duration: CalendarDuration,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let mut at = to_nanos(start)?;
        let days = duration.date_days();
        if days > 0 {
            let mut offsets = Offsets::new(self.tz);
            let (date, clock) = offsets.local(at)?;
            let target = date
                .checked_add_days(Days::new(u64::from(days)))
                .ok_or_else(|| CalendarError::OutOfRange(start.to_rfc3339()))?;
            at = offsets.instant(target, clock);
        }
        let time = duration.time_part().num_nanoseconds().unwrap_or(i64::MAX);
        Ok(from_nanos(at.saturating_add(time)))
    }
}
