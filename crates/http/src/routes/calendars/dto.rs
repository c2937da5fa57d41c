//! The calendar resources as the API shows and takes them.

use std::str::FromStr;

use chrono::{DateTime, FixedOffset};
use kefu_domain::calendar::{
    BusinessCalendar, CalendarConfig, CalendarError, DEFAULT_TIME_ZONE, DayBlocks, WeeklyHours,
};
use kefu_persistence::calendars::{CalendarRecord, CalendarSettings};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    page_type,
    problem::{ApiError, FieldError},
    time::local,
};

/// Working blocks per weekday, each `HH:MM-HH:MM` joined by `;` (empty = no working time).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"monday": "09:00-12:00;13:30-18:00", "tuesday": "09:00-12:00;13:30-18:00",
    "wednesday": "09:00-12:00;13:30-18:00", "thursday": "09:00-12:00;13:30-18:00",
    "friday": "09:00-12:00;13:30-18:00", "saturday": "", "sunday": ""}))]
pub struct WeekHours {
    /// Monday (星期一).
    #[schema(
        max_length = 200,
        pattern = r"^$|^\d{2}:\d{2}-\d{2}:\d{2}(;\d{2}:\d{2}-\d{2}:\d{2})*$"
    )]
    pub monday: String,
    /// Tuesday.
    #[schema(
        max_length = 200,
        pattern = r"^$|^\d{2}:\d{2}-\d{2}:\d{2}(;\d{2}:\d{2}-\d{2}:\d{2})*$"
    )]
    pub tuesday: String,
    /// Wednesday.
    #[schema(
        max_length = 200,
        pattern = r"^$|^\d{2}:\d{2}-\d{2}:\d{2}(;\d{2}:\d{2}-\d{2}:\d{2})*$"
    )]
    pub wednesday: String,
    /// Thursday.
    #[schema(
        max_length = 200,
        pattern = r"^$|^\d{2}:\d{2}-\d{2}:\d{2}(;\d{2}:\d{2}-\d{2}:\d{2})*$"
    )]
    pub thursday: String,
    /// Friday.
    #[schema(
        max_length = 200,
        pattern = r"^$|^\d{2}:\d{2}-\d{2}:\d{2}(;\d{2}:\d{2}-\d{2}:\d{2})*$"
    )]
    pub friday: String,
    /// Saturday.
    #[schema(
        max_length = 200,
        pattern = r"^$|^\d{2}:\d{2}-\d{2}:\d{2}(;\d{2}:\d{2}-\d{2}:\d{2})*$"
    )]
    pub saturday: String,
    /// Sunday.
    #[schema(
        max_length = 200,
        pattern = r"^$|^\d{2}:\d{2}-\d{2}:\d{2}(;\d{2}:\d{2}-\d{2}:\d{2})*$"
    )]
    pub sunday: String,
}

impl From<&WeeklyHours> for WeekHours {
    fn from(w: &WeeklyHours) -> Self {
        Self {
            monday: w.monday.to_string(),
            tuesday: w.tuesday.to_string(),
            wednesday: w.wednesday.to_string(),
            thursday: w.thursday.to_string(),
            friday: w.friday.to_string(),
            saturday: w.saturday.to_string(),
            sunday: w.sunday.to_string(),
        }
    }
}

impl WeekHours {
    /// The domain value, or a field error per bad day (`week.monday`).
    pub fn parse(&self) -> Result<WeeklyHours, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut day = |name: &str, text: &str| {
            DayBlocks::from_str(text).unwrap_or_else(|e| {
                errors.push(FieldError::new(format!("week.{name}"), e.code(), e.to_string()));
                DayBlocks::none()
            })
        };
        let week = WeeklyHours {
            monday: day("monday", &self.monday),
            tuesday: day("tuesday", &self.tuesday),
            wednesday: day("wednesday", &self.wednesday),
            thursday: day("thursday", &self.thursday),
            friday: day("friday", &self.friday),
            saturday: day("saturday", &self.saturday),
            sunday: day("sunday", &self.sunday),
        };
        if errors.is_empty() { Ok(week) } else { Err(errors) }
    }
}

/// A new calendar. Omitted settings take the defaults: Asia/Shanghai, Monday to Friday
/// 09:00–12:00 and 13:30–18:00, a standard working day of 450 minutes (7.5 h).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "物业前台 Property front desk 7×24", "time_zone": "Asia/Shanghai",
    "week": {"monday": "00:00-24:00", "tuesday": "00:00-24:00", "wednesday": "00:00-24:00",
    "thursday": "00:00-24:00", "friday": "00:00-24:00", "saturday": "00:00-24:00", "sunday": "00:00-24:00"},
    "standard_day_minutes": 1440}))]
pub struct NewCalendar {
    /// What people call it.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// IANA time zone (default Asia/Shanghai).
    #[schema(min_length = 1, max_length = 64)]
    pub time_zone: Option<String>,
    /// Working blocks per weekday.
    pub week: Option<WeekHours>,
    /// The length of `1WD` in minutes (default 450).
    #[schema(minimum = 1, maximum = 1440)]
    pub standard_day_minutes: Option<u32>,
    /// A template whose yearly holiday schedules the calendar inherits (next year's reach it
    /// the day the platform loads them) unless it puts a year of its own.
    #[schema(min_length = 1, max_length = 64)]
    pub base_calendar_id: Option<String>,
    /// Make a deployment-wide template instead of a calendar of the caller's group (platform
    /// operators; the default for a caller outside every group).
    pub template: Option<bool>,
}

/// A calendar's settings, replaced whole (`PUT`). Holiday schedules are managed per year.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "中国大陆 Mainland China", "time_zone": "Asia/Shanghai",
    "week": {"monday": "09:00-12:00;13:30-18:00", "tuesday": "09:00-12:00;13:30-18:00",
    "wednesday": "09:00-12:00;13:30-18:00", "thursday": "09:00-12:00;13:30-18:00",
    "friday": "09:00-12:00;13:30-18:00", "saturday": "", "sunday": ""}, "standard_day_minutes": 450}))]
pub struct CalendarUpdate {
    /// What people call it.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// IANA time zone.
    #[schema(min_length = 1, max_length = 64)]
    pub time_zone: String,
    /// Working blocks per weekday.
    pub week: WeekHours,
    /// The length of `1WD` in minutes.
    #[schema(minimum = 1, maximum = 1440)]
    pub standard_day_minutes: u32,
}

/// Checks settings with the domain and names each bad field.
pub fn settings(
    name: String,
    time_zone: Option<String>,
    week: Option<&WeekHours>,
    standard_day_minutes: Option<u32>,
) -> Result<CalendarSettings, ApiError> {
    let defaults = CalendarConfig::default();
    let week = match week.map(WeekHours::parse) {
        Some(Err(errors)) => return Err(ApiError::Validation(errors)),
        Some(Ok(w)) => w,
        None => defaults.week,
    };
    let config = CalendarConfig {
        time_zone: time_zone.unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned()),
        week,
        standard_day_minutes: standard_day_minutes.unwrap_or(defaults.standard_day_minutes),
        schedules: Vec::new(),
    };
    BusinessCalendar::new(config.clone()).map_err(|e| {
        let field = match e {
            CalendarError::UnknownTimeZone(_) => "time_zone",
            CalendarError::StandardDay(_) => "standard_day_minutes",
            _ => "week",
        };
        ApiError::field(field, e.code(), e.to_string())
    })?;
    Ok(CalendarSettings { name, config })
}

/// A year that has an official schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearView {
    /// The year.
    pub year: i32,
    /// The notice the schedule restates.
    pub source: Option<String>,
    /// Whether the year comes from the template the calendar is based on.
    pub inherited: bool,
}

/// A calendar.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f4-7c1e-7d31-9a55-3f1c2b8e4d10", "name": "中国大陆 Mainland China",
    "group_id": "019ab2f0-0000-7000-8000-000000000001", "base_calendar_id": "019ab2f4-0000-7000-8000-000000000001",
    "is_default": true, "time_zone": "Asia/Shanghai",
    "week": {"monday": "09:00-12:00;13:30-18:00", "tuesday": "09:00-12:00;13:30-18:00",
    "wednesday": "09:00-12:00;13:30-18:00", "thursday": "09:00-12:00;13:30-18:00",
    "friday": "09:00-12:00;13:30-18:00", "saturday": "", "sunday": ""},
    "standard_day_minutes": 450,
    "years": [{"year": 2025, "source": "国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号), 2024-11-12", "inherited": true},
              {"year": 2026, "source": "国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04", "inherited": true}],
    "created_at": "2026-11-23T09:00:00+08:00", "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct CalendarView {
    /// Id (UUIDv7).
    pub id: String,
    /// The group that owns it; `null` for a deployment-wide template.
    pub group_id: Option<String>,
    /// The template whose years it inherits.
    pub base_calendar_id: Option<String>,
    /// What people call it.
    pub name: String,
    /// Whether it is used when nothing else is named.
    pub is_default: bool,
    /// IANA time zone; answers about this calendar are given in it.
    pub time_zone: String,
    /// Working blocks per weekday.
    pub week: WeekHours,
    /// The length of `1WD` in minutes.
    pub standard_day_minutes: u32,
    /// Years with an official holiday schedule; other years assume weekends only.
    pub years: Vec<YearView>,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed (settings or schedules).
    pub updated_at: DateTime<FixedOffset>,
    /// The version; also the `ETag`.
    pub version: i64,
}

impl From<CalendarRecord> for CalendarView {
    fn from(r: CalendarRecord) -> Self {
        Self {
            week: WeekHours::from(&r.week),
            id: r.id,
            group_id: r.group_id,
            base_calendar_id: r.base_calendar_id,
            name: r.name,
            is_default: r.is_default,
            time_zone: r.time_zone,
            standard_day_minutes: r.standard_day_minutes,
            years: r
                .years
                .into_iter()
                .map(|y| YearView { year: y.year, source: y.source, inherited: y.inherited })
                .collect(),
            created_at: local(r.created_at),
            updated_at: local(r.updated_at),
            version: r.version,
        }
    }
}

page_type!(CalendarPage, CalendarView, "A page of calendars.");
