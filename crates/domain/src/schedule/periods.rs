//! The periods of a definition and their dues: nominal (as the rule reads) and applicable
//! (R-RP-16: on a non-working day the previous working day, keeping the clock time or that
//! day's end of work).

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveTime, TimeDelta, Utc};

use super::{Cadence, ReportDefinition};
use crate::calendar::{BusinessCalendar, CalendarError, Coverage};

/// A data period: both dates inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Its first day.
    pub start: NaiveDate,
    /// Its last day.
    pub end: NaiveDate,
}

/// One period of a definition with its dues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledPeriod {
    /// The data it covers.
    pub period: Period,
    /// The due as the rule reads: the clock time on the due day, or that day's end of work.
    pub nominal_due_at: DateTime<Utc>,
    /// The due that applies after R-RP-16.
    pub due_at: DateTime<Utc>,
    /// Whether R-RP-16 moved it.
    pub moved: bool,
    /// Whether the period had ended when the report falls due; when not, the report still
    /// covers the whole period and its draft says it was not yet closed (R-RP-16).
    pub period_closed_at_due: bool,
    /// Whether the calendar has the official holiday schedule of the due's year.
    pub coverage: Coverage,
}

/// The due of one period: the nominal instant and the one that applies.
pub fn due_of(
    def: &ReportDefinition,
    period: Period,
    calendar: &BusinessCalendar,
) -> Result<ScheduledPeriod, CalendarError> {
    let day = nominal_due_day(def, period);
    let tz = calendar.time_zone();
    let (nominal, due) = match def.due.time {
        Some(time) => {
            let nominal = local_instant(calendar, day, time.0);
            (nominal, calendar.report_due_at(nominal)?)
        }
        None => {
            let due = calendar.report_due_on(day)?;
            let nominal = match calendar.end_of_working_hours(day)? {
                Some(close) => close,
                // A date without work: the nominal is the usual close of a working day.
                None => local_instant(calendar, day, usual_close(calendar)),
            };
            (nominal, due)
        }
    };
    let end_of_period = local_instant(calendar, period.end, NaiveTime::MIN) + TimeDelta::days(1);
    let due_day = due.due.with_timezone(&tz).date_naive();
    Ok(ScheduledPeriod {
        period,
        nominal_due_at: nominal,
        due_at: due.due,
        moved: due.moved,
        period_closed_at_due: due.due >= end_of_period,
        coverage: calendar.coverage(due_day.year()),
    })
}

/// The day a period's report falls due, before R-RP-16.
fn nominal_due_day(def: &ReportDefinition, period: Period) -> NaiveDate {
    match def.cadence {
        Cadence::Weekly => period.end + TimeDelta::days(1),
        Cadence::MoveIn => add_months(period.end, def.due.months.unwrap_or(3), None),
        _ => add_months(period.start, def.due.months.unwrap_or(1), def.due.day),
    }
}

/// `date` plus `months`, on `day` of that month (clamped to its last day) or the same day.
fn add_months(date: NaiveDate, months: u32, day: Option<u32>) -> NaiveDate {
    let moved = date.checked_add_months(Months::new(months)).unwrap_or(date);
    let Some(day) = day else { return moved };
    let first = moved.with_day(1).unwrap_or(moved);
    let last =
        first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).map_or(28, |d| d.day());
    first.with_day(day.min(last)).unwrap_or(first)
}

/// A local wall-clock time as an instant (the later one in a fold, the first after a gap).
fn local_instant(calendar: &BusinessCalendar, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    use chrono::{LocalResult, TimeZone};
    let tz = calendar.time_zone();
    let local = day.and_time(time);
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(_, later) => later.with_timezone(&Utc),
        LocalResult::None => {
            let later = local + TimeDelta::hours(1);
            tz.from_local_datetime(&later)
                .earliest()
                .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
        }
    }
}

/// The latest close of the calendar's weekly working days (17:30 in the shipped one).
fn usual_close(calendar: &BusinessCalendar) -> NaiveTime {
    use chrono::Weekday::*;
    [Mon, Tue, Wed, Thu, Fri, Sat, Sun]
        .into_iter()
        .filter_map(|d| calendar.config().week.get(d).blocks().last().map(|b| b.end_seconds()))
        .max()
        .and_then(|s| NaiveTime::from_num_seconds_from_midnight_opt(s.min(86_399), 0))
        .unwrap_or(NaiveTime::MIN)
}

/// Every period of a calendar-aligned or weekly definition whose nominal **or** applicable due
/// falls in `year`, in due order: a due moved from 1 January into December (R-RP-16) shows in
/// both years. Move-in and per-event reports have no schedule of their own (empty).
pub fn schedule_for_year(
    def: &ReportDefinition,
    year: i32,
    calendar: &BusinessCalendar,
) -> Result<Vec<ScheduledPeriod>, CalendarError> {
    // Dues only move earlier: a nominal due in the next year may land in this one.
    let near = |p: &Period| (year..=year + 1).contains(&nominal_due_day(def, *p).year());
    let candidates: Vec<Period> = match def.cadence {
        Cadence::Weekly => {
            let mut weeks = weekly_periods(def, year);
            weeks.extend(weekly_periods(def, year + 1).into_iter().take(2));
            weeks
        }
        Cadence::MoveIn | Cadence::PerEvent => Vec::new(),
        cadence => {
            aligned_periods(cadence.months().unwrap_or(1), year).into_iter().filter(near).collect()
        }
    };
    let tz = calendar.time_zone();
    let mut out = Vec::new();
    for period in candidates {
        let scheduled = due_of(def, period, calendar)?;
        let nominal_year = nominal_due_day(def, period).year();
        let due_year = scheduled.due_at.with_timezone(&tz).year();
        if nominal_year == year || due_year == year {
            out.push(scheduled);
        }
    }
    Ok(out)
}

/// The calendar-aligned periods of `months` months starting from three years before `year`
/// up to its end (every due rule of at most 24 months is covered).
fn aligned_periods(months: u32, year: i32) -> Vec<Period> {
    let mut out = Vec::new();
    let (Some(mut start), Some(stop)) =
        (NaiveDate::from_ymd_opt(year - 3, 1, 1), NaiveDate::from_ymd_opt(year + 2, 1, 1))
    else {
        return out;
    };
    while start < stop {
        let next = start.checked_add_months(Months::new(months)).unwrap_or(stop);
        out.push(Period { start, end: next.pred_opt().unwrap_or(next) });
        start = next;
    }
    out
}

/// The weeks whose due weekday lies in `year` (and the days around, filtered by the caller).
fn weekly_periods(def: &ReportDefinition, year: i32) -> Vec<Period> {
    let Some(weekday) = def.due.weekday else { return Vec::new() };
    let (Some(first), Some(last)) =
        (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
    else {
        return Vec::new();
    };
    let mut day = first;
    while crate::calendar::DayOfWeek::from(day.weekday()) != weekday {
        day = day.succ_opt().unwrap_or(day);
    }
    let mut out = Vec::new();
    while day <= last {
        out.push(Period { start: day - TimeDelta::days(7), end: day - TimeDelta::days(1) });
        day += TimeDelta::days(7);
    }
    out
}

/// The period of a project's move-in report (R-RP-10): the move-in period itself, due
/// `months` after it ends.
pub fn move_in_period(
    def: &ReportDefinition,
    handover: NaiveDate,
    move_in_ends: NaiveDate,
    calendar: &BusinessCalendar,
) -> Result<ScheduledPeriod, CalendarError> {
    due_of(def, Period { start: handover.min(move_in_ends), end: move_in_ends }, calendar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarConfig;
    use crate::schedule::presets;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_day_past_the_months_end_is_its_last_day() {
        assert_eq!(add_months(date("2027-01-01"), 1, Some(31)), date("2027-02-28"));
        assert_eq!(add_months(date("2028-01-01"), 1, Some(30)), date("2028-02-29"));
        assert_eq!(add_months(date("2026-07-31"), 3, None), date("2026-10-31"));
    }

    /// Without a holiday schedule only weekends move a due: 2027's monthly statements on the
    /// weekly hours alone, the period closed unless the due moved into it (R-RP-16).
    #[test]
    fn r_rp_16_on_weekly_hours_alone_weekend_dues_move_to_friday() {
        let calendar = BusinessCalendar::new(CalendarConfig::default()).unwrap();
        let set = presets();
        let monthly = set.get("rp1_monthly").unwrap();
        let year = schedule_for_year(monthly, 2027, &calendar).unwrap();
        // Twelve nominal dues, and December 2027's: 1 January 2028 is a Saturday, so it falls
        // due on Friday 31 December 2027 and shows in both years.
        assert_eq!(year.len(), 13);
        let last = year.last().unwrap();
        assert_eq!((last.period.start, last.moved), (date("2027-12-01"), true));
        // 1 May 2027 is a Saturday: Friday 30 April 12:00, inside April's period.
        let may = year.iter().find(|p| p.period.start == date("2027-04-01")).unwrap();
        let local = may.due_at.with_timezone(&calendar.time_zone());
        assert_eq!(local.naive_local().to_string(), "2027-04-30 12:00:00");
        assert!(may.moved && !may.period_closed_at_due);
        assert_eq!(may.coverage, Coverage::Assumed);
        let june = year.iter().find(|p| p.period.start == date("2027-05-01")).unwrap();
        assert!(!june.moved && june.period_closed_at_due);
    }
}
