//! Business calendar (工作日历) and working-time arithmetic (R-T-0, R-RP-16).
//!
//! A [`BusinessCalendar`] is a time zone, working blocks per weekday, a standard working day
//! (the length of one `WD`) and dated overrides grouped in [`YearSchedule`]s. Decisions:
//!
//! - **Working time** is the set of instants whose local wall clock shows a time inside one of
//!   that local date's blocks. Adding `d` gives the earliest `t ≥ start` with `d` of working
//!   time in `[start, t)` (R-T-0), so a due may sit at a block's end, never strictly inside
//!   non-working time. Days are walked one at a time in the calendar's zone; a whole day is
//!   skipped in one step, so cost grows with days crossed, never with minutes.
//! - **Daylight saving**: on the day the clock jumps, the hour that does not exist is not
//!   working time and a repeated hour counts twice (it is real time at a desk). A clock time
//!   that does not exist (adding `P1D`, moving a report due) moves forward by the jump; a
//!   repeated one takes its first occurrence. Assumes a zone's offset changes at most once
//!   within four days (daylight-saving rules are months apart), and does not revisit an hour
//!   of the previous date that a zone repeats after midnight.
//! - **Touching blocks** are merged (`09:00-12:00` + `12:00-13:00` = `09:00-13:00`).
//! - **Coverage**: years without a schedule follow the weekly hours alone (weekends only);
//!   answers that cross such a year say [`Coverage::Assumed`].
//! - **Runaway guard**: a search gives up after [`MAX_SEARCH_DAYS`] days, and at once when the
//!   week has no working time and no override lies ahead, with [`CalendarError::NoWorkingTime`].
//! - Supported instants: years 1900 to 2150.

mod block;
mod china;
mod csv;
mod dates;
mod day;
mod error;
mod facts;
mod schedule;
mod timeline;
mod walk;
mod week;
mod working;

use chrono::{Datelike, NaiveDate, TimeDelta};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub use block::{Block, DayBlocks};
pub use china::mainland_china_schedules;
pub use day::{DayKind, DayOverride};
pub use error::{CalendarError, ImportError, ImportErrors, ImportProblem, Position};
pub use facts::{CalendarDayKind, DayInfo, DayOfWeek, ReportDue};
pub use schedule::YearSchedule;
pub use week::WeeklyHours;
pub use working::{Coverage, Due};

/// The default time zone.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// The most days any search walks before it answers [`CalendarError::NoWorkingTime`]
/// (100 years: more than `3650WD` needs on any calendar with a working hour a week).
pub const MAX_SEARCH_DAYS: u32 = 36_600;

/// A calendar's settings, as stored (JSON) and edited; [`BusinessCalendar::new`] checks them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarConfig {
    /// IANA zone name, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// Working blocks per weekday.
    pub week: WeeklyHours,
    /// The standard working day (标准工作日) in minutes: the length of `1WD` (default 450).
    pub standard_day_minutes: u32,
    /// Holiday schedules, at most one per year.
    #[serde(default)]
    pub schedules: Vec<YearSchedule>,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        Self {
            time_zone: DEFAULT_TIME_ZONE.to_owned(),
            week: WeeklyHours::default(),
            standard_day_minutes: 450,
            schedules: Vec::new(),
        }
    }
}

/// A checked calendar, ready for arithmetic. Serialized as its [`CalendarConfig`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "CalendarConfig", into = "CalendarConfig")]
pub struct BusinessCalendar {
    config: CalendarConfig,
    tz: Tz,
    /// Every override date, sorted, with the blocks it resolves to at the same index.
    override_dates: Vec<NaiveDate>,
    override_blocks: Vec<DayBlocks>,
    /// The years that have a schedule, sorted.
    years: Vec<i32>,
    /// True when no weekday has working time: only overrides can then give any.
    week_empty: bool,
}

impl BusinessCalendar {
    /// Checks the settings: a known zone, a standard day of 1 to 1440 minutes, one schedule
    /// per year.
    pub fn new(mut config: CalendarConfig) -> Result<Self, CalendarError> {
        let tz: Tz = config
            .time_zone
            .parse()
            .map_err(|_| CalendarError::UnknownTimeZone(config.time_zone.clone()))?;
        if !(1..=1440).contains(&config.standard_day_minutes) {
            return Err(CalendarError::StandardDay(config.standard_day_minutes));
        }
        config.schedules.sort_by_key(YearSchedule::year);
        let years: Vec<i32> = config.schedules.iter().map(YearSchedule::year).collect();
        if let Some(w) = years.windows(2).find(|w| w[0] == w[1]) {
            return Err(CalendarError::DuplicateYear(w[0]));
        }
        let mut override_dates = Vec::new();
        let mut override_blocks = Vec::new();
        for day in config.schedules.iter().flat_map(YearSchedule::days) {
            override_dates.push(day.date());
            override_blocks.push(match day.kind() {
                DayKind::Holiday => DayBlocks::none(),
                DayKind::Workday(None) => config.week.monday.clone(),
                DayKind::Workday(Some(b)) | DayKind::HalfDay(b) => b.clone(),
            });
        }
        let week_empty = config.week.total_seconds() == 0;
        Ok(Self { config, tz, override_dates, override_blocks, years, week_empty })
    }

    /// The settings this calendar was built from (schedules sorted by year).
    pub fn config(&self) -> &CalendarConfig {
        &self.config
    }

    /// The time zone.
    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// The standard working day: the length of `1WD`.
    pub fn standard_day(&self) -> TimeDelta {
        TimeDelta::minutes(i64::from(self.config.standard_day_minutes))
    }

    /// A new calendar with `schedule` in place of any schedule for its year; `self` is unchanged.
    pub fn with_schedule(&self, schedule: YearSchedule) -> Result<Self, CalendarError> {
        let mut config = self.config.clone();
        config.schedules.retain(|s| s.year() != schedule.year());
        config.schedules.push(schedule);
        Self::new(config)
    }

    /// The working blocks of a local date, overrides applied.
    pub fn hours_on(&self, date: NaiveDate) -> &DayBlocks {
        match self.override_dates.binary_search(&date) {
            Ok(i) => &self.override_blocks[i],
            Err(_) => self.config.week.get(date.weekday()),
        }
    }

    /// Whether the calendar has a holiday schedule for `year`.
    pub fn coverage(&self, year: i32) -> Coverage {
        match self.years.binary_search(&year) {
            Ok(_) => Coverage::Scheduled,
            Err(_) => Coverage::Assumed,
        }
    }

    /// The notice behind the schedule of `year`, if there is one and it names its source.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.config.schedules.iter().find(|s| s.year() == year).and_then(YearSchedule::source)
    }
}

impl Default for BusinessCalendar {
    /// Asia/Shanghai, Monday to Friday 09:00–12:00 and 13:30–18:00, 7.5 h a day, no schedules.
    fn default() -> Self {
        Self {
            config: CalendarConfig::default(),
            tz: chrono_tz::Asia::Shanghai,
            override_dates: Vec::new(),
            override_blocks: Vec::new(),
            years: Vec::new(),
            week_empty: false,
        }
    }
}

impl PartialEq for BusinessCalendar {
    fn eq(&self, other: &Self) -> bool {
        self.config == other.config
    }
}

impl Eq for BusinessCalendar {}

impl TryFrom<CalendarConfig> for BusinessCalendar {
    type Error = CalendarError;

    fn try_from(config: CalendarConfig) -> Result<Self, Self::Error> {
        Self::new(config)
    }
}

impl From<BusinessCalendar> for CalendarConfig {
    fn from(c: BusinessCalendar) -> Self {
        c.config
    }
}
