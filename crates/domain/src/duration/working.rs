//! Working time (工作时间): `1.5WD`, `4WH`, `30WM`.

use std::fmt;
use std::str::FromStr;

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use super::DurationError;

/// The unit of a working duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkingUnit {
    /// `WD`: working days (工作日), each the calendar's standard working day.
    Day,
    /// `WH`: working hours.
    Hour,
    /// `WM`: working minutes.
    Minute,
}

impl WorkingUnit {
    fn suffix(self) -> &'static str {
        match self {
            Self::Day => "WD",
            Self::Hour => "WH",
            Self::Minute => "WM",
        }
    }

    /// The largest amount in hundredths: 3650 × 24 hours of working time in this unit.
    fn max_hundredths(self) -> u64 {
        match self {
            Self::Day => 3650 * 100,
            Self::Hour => 3650 * 24 * 100,
            Self::Minute => 3650 * 24 * 60 * 100,
        }
    }

    fn limit(self) -> &'static str {
        match self {
            Self::Day => "3650WD",
            Self::Hour => "87600WH",
            Self::Minute => "5256000WM",
        }
    }
}

/// An amount of working time, kept exactly in hundredths of its unit.
///
/// A `WD` stays a `WD` until a business calendar converts it with its standard working day
/// ([`WorkingDuration::to_time`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WorkingDuration {
    hundredths: u32,
    unit: WorkingUnit,
}

impl WorkingDuration {
    /// `hundredths / 100` of `unit`, refused above the limit (3650 × 24 h of working time).
    pub fn new(hundredths: u32, unit: WorkingUnit) -> Result<Self, DurationError> {
        if u64::from(hundredths) > unit.max_hundredths() {
            return Err(DurationError::TooLarge {
                input: Self { hundredths, unit }.to_string(),
                limit: unit.limit(),
            });
        }
        Ok(Self { hundredths, unit })
    }

    /// Whole working days (`NWD`).
    pub fn days(n: u32) -> Result<Self, DurationError> {
        Self::new(n.saturating_mul(100), WorkingUnit::Day)
    }

    /// The amount in hundredths of the unit (`1.5WD` is 150).
    pub fn hundredths(self) -> u32 {
        self.hundredths
    }

    /// The unit.
    pub fn unit(self) -> WorkingUnit {
        self.unit
    }

    /// The working time this stands for, given the calendar's standard working day; rounded to
    /// the nearest second (halves up), so `0.01WM` is one second.
    pub fn to_time(self, standard_day: TimeDelta) -> TimeDelta {
        let unit_seconds = match self.unit {
            WorkingUnit::Day => standard_day.num_seconds(),
            WorkingUnit::Hour => 3600,
            WorkingUnit::Minute => 60,
        };
        let scaled = i64::from(self.hundredths).saturating_mul(unit_seconds);
        TimeDelta::seconds((scaled + 50) / 100)
    }
}

impl FromStr for WorkingDuration {
    type Err = DurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(DurationError::Empty);
        }
        let format = || DurationError::Format(s.to_owned());
        let (number, unit) = match s.len().checked_sub(2).and_then(|i| s.split_at_checked(i)) {
            Some((n, "WD")) => (n, WorkingUnit::Day),
            Some((n, "WH")) => (n, WorkingUnit::Hour),
            Some((n, "WM")) => (n, WorkingUnit::Minute),
            _ => return Err(format()),
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return Err(format());
        }
        if number.contains('.') && fraction.is_empty() {
            return Err(format());
        }
        if fraction.len() > 2 {
            return Err(DurationError::Precision(s.to_owned()));
        }
        let too_large = || DurationError::TooLarge { input: s.to_owned(), limit: unit.limit() };
        let whole = whole.trim_start_matches('0');
        if whole.len() > 9 {
            return Err(too_large());
        }
        let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| format())? };
        let cents: u64 = format!("{fraction:0<2}").parse().map_err(|_| format())?;
        let hundredths = whole * 100 + cents;
        if hundredths > unit.max_hundredths() {
            return Err(too_large());
        }
        let hundredths = u32::try_from(hundredths).map_err(|_| too_large())?;
        Ok(Self { hundredths, unit })
    }
}

impl fmt::Display for WorkingDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, cents) = (self.hundredths / 100, self.hundredths % 100);
        let suffix = self.unit.suffix();
        match cents {
            0 => write!(f, "{whole}{suffix}"),
            c if c % 10 == 0 => write!(f, "{whole}.{}{suffix}", c / 10),
            c => write!(f, "{whole}.{c:02}{suffix}"),
        }
    }
}

impl TryFrom<String> for WorkingDuration {
    type Error = DurationError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<WorkingDuration> for String {
    fn from(d: WorkingDuration) -> Self {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> WorkingDuration {
        s.parse().unwrap()
    }

    #[test]
    fn grammar_accepts() {
        let cases = [
            ("1.5WD", 150, WorkingUnit::Day, "1.5WD"),
            ("4WH", 400, WorkingUnit::Hour, "4WH"),
            ("30WM", 3000, WorkingUnit::Minute, "30WM"),
            ("0.05WD", 5, WorkingUnit::Day, "0.05WD"),
            ("1.50WD", 150, WorkingUnit::Day, "1.5WD"),
            ("007WH", 700, WorkingUnit::Hour, "7WH"),
            ("3650WD", 365_000, WorkingUnit::Day, "3650WD"),
            ("87600WH", 8_760_000, WorkingUnit::Hour, "87600WH"),
            ("5256000WM", 525_600_000, WorkingUnit::Minute, "5256000WM"),
        ];
        for (text, hundredths, unit, shown) in cases {
            let d = parse(text);
            assert_eq!((d.hundredths(), d.unit()), (hundredths, unit), "{text}");
            assert_eq!(d.to_string(), shown);
            assert_eq!(parse(shown), d);
        }
    }

    #[test]
    fn grammar_rejects() {
        let cases = [
            ("", "duration_required"),
            ("WD", "duration_format"),
            (".5WD", "duration_format"),
            ("1.WD", "duration_format"),
            ("1,5WD", "duration_format"),
            ("1.5 WD", "duration_format"),
            (" 1WD", "duration_format"),
            ("1W", "duration_format"),
            ("1WS", "duration_format"),
            ("+1WD", "duration_format"),
            ("１WD", "duration_format"),
            ("1.234WD", "duration_precision"),
            ("3650.01WD", "duration_too_large"),
            ("87601WH", "duration_too_large"),
            ("5256001WM", "duration_too_large"),
            ("99999999999999999999WD", "duration_too_large"),
        ];
        for (text, code) in cases {
            let err = text.parse::<WorkingDuration>().unwrap_err();
            assert_eq!(err.code(), code, "{text}: {err}");
        }
    }

    #[test]
    fn converts_with_the_standard_day_and_rounds_to_the_second() {
        let day = TimeDelta::minutes(450);
        assert_eq!(parse("1WD").to_time(day), TimeDelta::minutes(450));
        assert_eq!(parse("0.5WD").to_time(day), TimeDelta::seconds(13_500));
        assert_eq!(parse("1.5WD").to_time(TimeDelta::hours(8)), TimeDelta::hours(12));
        assert_eq!(parse("0.01WM").to_time(day), TimeDelta::seconds(1));
        assert_eq!(parse("0.5WM").to_time(day), TimeDelta::seconds(30));
        assert_eq!(parse("4WH").to_time(day), TimeDelta::hours(4));
        assert_eq!(parse("0.01WD").to_time(TimeDelta::seconds(1_111)), TimeDelta::seconds(11));
    }

    #[test]
    fn constructors_check_the_limit() {
        assert_eq!(WorkingDuration::days(5).unwrap().to_string(), "5WD");
        assert_eq!(WorkingDuration::days(3651).unwrap_err().code(), "duration_too_large");
        assert!(WorkingDuration::new(u32::MAX, WorkingUnit::Minute).is_err());
    }
}
