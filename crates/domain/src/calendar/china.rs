//! The shipped mainland-China schedules: the State Council General Office's yearly notices on
//! public holidays and adjusted working days (国务院办公厅关于部分节假日安排的通知).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::{
    BusinessCalendar, CalendarConfig, CalendarError, DayOverride, ImportError, ImportErrors,
    ImportProblem, Position, YearSchedule,
};

/// `data/mainland-china.json`: per year, the notice, holiday ranges and working weekend days.
const DATA: &str = include_str!("../../data/mainland-china.json");

/// The name given to the working weekend days of the data file.
const WORKDAY_NAME: &str = "调休 adjusted working day";

#[derive(Deserialize)]
struct File {
    years: BTreeMap<String, Year>,
}

#[derive(Deserialize)]
struct Year {
    source: String,
    holidays: Vec<Holiday>,
    workdays: Vec<NaiveDate>,
}

#[derive(Deserialize)]
struct Holiday {
    name: String,
    from: NaiveDate,
    to: NaiveDate,
}

/// The official schedules shipped with kefu (2025 and 2026), oldest first, each with its
/// notice as `source`. Holiday ranges are expanded to one override per date; working weekend
/// days are workdays with the calendar's Monday hours.
pub fn mainland_china_schedules() -> Result<Vec<YearSchedule>, ImportErrors> {
    let syntax = |field, message: String| {
        ImportError::new(Position::Document, field, ImportProblem::Syntax(message))
    };
    let file: File = serde_json::from_str(DATA).map_err(|e| syntax("document", e.to_string()))?;
    let mut schedules = Vec::new();
    for (year, data) in file.years {
        let number = year.parse().map_err(|_| {
            ImportError::new(Position::Document, "years", ImportProblem::BadYear(year))
        })?;
        let mut days = Vec::new();
        for h in &data.holidays {
            for date in h.from.iter_days().take_while(|d| *d <= h.to) {
                let day = DayOverride::holiday(date, &h.name)
                    .map_err(|p| ImportError::new(Position::Document, "holidays", p))?;
                days.push(day);
            }
        }
        days.extend(data.workdays.iter().map(|&d| DayOverride::workday(d, WORKDAY_NAME, None)));
        schedules.push(YearSchedule::new(number, Some(data.source), days)?);
    }
    Ok(schedules)
}

impl BusinessCalendar {
    /// The default mainland-China calendar: Asia/Shanghai, Monday to Friday 09:00–12:00 and
    /// 13:30–18:00, a 7.5-hour standard day, and the shipped official schedules.
    pub fn mainland_china() -> Result<Self, CalendarError> {
        let schedules = mainland_china_schedules()?;
        Self::new(CalendarConfig { schedules, ..CalendarConfig::default() })
    }
}
