//! Facts about a calendar that people read: what a date is (a day's info), a report's due
//! after R-RP-16 with whether it moved, working time in standard working days.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};

use super::{BusinessCalendar, CalendarError, Coverage, DayKind};
use crate::vocabulary;

vocabulary! {
    /// What a date is on a calendar: the weekly hours apply (`regular`), or a dated override.
    pub enum CalendarDayKind as "day_kind" {
        /// No override: the weekly hours apply.
        Regular = "regular", "常规";
        /// A holiday (节假日): no working time.
        Holiday = "holiday", "节假日";
        /// An adjusted working day (调休上班).
        Workday = "workday", "调休上班";
        /// A half day (半天).
        HalfDay = "half_day", "半天";
    }
}

vocabulary! {
    /// A day of the week.
    pub enum DayOfWeek as "weekday" {
        /// Monday.
        Monday = "monday", "星期一";
        /// Tuesday.
        Tuesday = "tuesday", "星期二";
        /// Wednesday.
        Wednesday = "wednesday", "星期三";
        /// Thursday.
        Thursday = "thursday", "星期四";
        /// Friday.
        Friday = "friday", "星期五";
        /// Saturday.
        Saturday = "saturday", "星期六";
        /// Sunday.
        Sunday = "sunday", "星期日";
    }
}

impl From<Weekday> for DayOfWeek {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Mon => Self::Monday,
            Weekday::Tue => Self::Tuesday,
            Weekday::Wed => Self::Wednesday,
            Weekday::Thu => Self::Thursday,
            Weekday::Fri => Self::Friday,
            Weekday::Sat => Self::Saturday,
            Weekday::Sun => Self::Sunday,
        }
    }
}

/// One date of a calendar, as people read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayInfo {
    /// The date.
    pub date: NaiveDate,
    /// Its weekday.
    pub weekday: DayOfWeek,
    /// Whether it has working time.
    pub working: bool,
    /// Regular, or which override.
    pub kind: CalendarDayKind,
    /// The override's name, if it has one.
    pub name: Option<String>,
    /// Its working blocks, `HH:MM-HH:MM;…` (empty when none).
    pub hours: String,
    /// Whether its year has an official schedule.
    pub coverage: Coverage,
}

/// A report's due after R-RP-16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportDue {
    /// The due that applies.
    pub due: DateTime<Utc>,
    /// Whether it moved earlier from the nominal due.
    pub moved: bool,
}

impl BusinessCalendar {
    /// What `date` is on this calendar.
    pub fn day_info(&self, date: NaiveDate) -> DayInfo {
        let found = self.config().schedules.iter().find_map(|s| s.get(date));
        let (kind, name) = match found {
            None => (CalendarDayKind::Regular, None),
            Some(day) => {
                let kind = match day.kind() {
                    DayKind::Holiday => CalendarDayKind::Holiday,
                    DayKind::Workday(_) => CalendarDayKind::Workday,
                    DayKind::HalfDay(_) => CalendarDayKind::HalfDay,
                };
                (kind, Some(day.name().to_owned()).filter(|n| !n.is_empty()))
            }
        };
        DayInfo {
            date,
            weekday: date.weekday().into(),
            working: self.is_working_day(date),
            kind,
            name,
            hours: self.hours_on(date).to_string(),
            coverage: self.coverage(date.year()),
        }
    }

    /// A report due given with a clock time (the monthly report's 1st 12:00), after R-RP-16.
    pub fn report_due_at(&self, nominal: DateTime<Utc>) -> Result<ReportDue, CalendarError> {
        let due = self.report_due(nominal)?;
        Ok(ReportDue { due, moved: due != nominal })
    }

    /// A report due given as a date ("by the 25th"): the end of that day's working hours, or of
    /// the previous working day when it has none (R-RP-16).
    pub fn report_due_on(&self, nominal: NaiveDate) -> Result<ReportDue, CalendarError> {
        let due = self.report_due_by_date(nominal)?;
        let moved = due.with_timezone(&self.time_zone()).date_naive() != nominal;
        Ok(ReportDue { due, moved })
    }

    /// Working time in standard working days (`WD`), to the hundredth.
    pub fn in_working_days(&self, working: TimeDelta) -> f64 {
        let day = self.standard_day().num_seconds().max(1) as f64;
        (working.num_seconds() as f64 / day * 100.0).round() / 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn r_rp_16_a_holiday_due_moves_earlier_and_says_so() {
        let cal = BusinessCalendar::mainland_china().unwrap();
        let on_holiday = cal.report_due_on(date("2026-10-01")).unwrap();
        assert!(on_holiday.moved);
        assert_eq!(
            on_holiday.due.with_timezone(&cal.time_zone()).to_rfc3339(),
            "2026-09-30T18:00:00+08:00"
        );
        let working = cal.report_due_on(date("2026-09-30")).unwrap();
        assert!(!working.moved);
    }

    #[test]
    fn a_working_saturday_is_a_workday_and_a_holiday_is_named() {
        let cal = BusinessCalendar::mainland_china().unwrap();
        let saturday = cal.day_info(date("2026-10-10"));
        assert_eq!(
            (saturday.kind, saturday.weekday, saturday.working),
            (CalendarDayKind::Workday, DayOfWeek::Saturday, true)
        );
        let national_day = cal.day_info(date("2026-10-01"));
        assert_eq!((national_day.kind, national_day.working), (CalendarDayKind::Holiday, false));
        assert!(national_day.name.is_some_and(|n| n.contains("国庆")));
        let tuesday = cal.day_info(date("2026-10-13"));
        assert_eq!(
            (tuesday.kind, tuesday.hours.as_str()),
            (CalendarDayKind::Regular, "09:00-12:00;13:30-18:00")
        );
        assert_eq!(cal.in_working_days(TimeDelta::minutes(450 * 5 + 45)), 5.1);
    }
}
