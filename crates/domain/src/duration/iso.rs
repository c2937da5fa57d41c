//! Calendar time (自然时间) in ISO 8601: `P[nD][T[nH][nM][nS]]` or `PnW`.

use std::fmt;
use std::str::FromStr;

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use super::{DurationError, MAX_CALENDAR_SECONDS};

/// Calendar time: whole weeks, or days plus a time of hours, minutes and seconds.
///
/// Days (and weeks) move the local date and keep the clock time; the time part is elapsed time.
/// The zero duration is shown as `PT0S`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CalendarDuration {
    weeks: u32,
    days: u32,
    hours: u32,
    minutes: u32,
    seconds: u32,
}

impl CalendarDuration {
    /// `P{days}DT{hours}H{minutes}M{seconds}S`, refused above `P3650D`.
    pub fn new(days: u32, hours: u32, minutes: u32, seconds: u32) -> Result<Self, DurationError> {
        Self { weeks: 0, days, hours, minutes, seconds }.checked()
    }

    /// `P{n}W`, refused above `P3650D`.
    pub fn weeks(n: u32) -> Result<Self, DurationError> {
        Self { weeks: n, ..Self::default() }.checked()
    }

    /// Whole days to move the local date by (weeks count seven).
    pub fn date_days(&self) -> u32 {
        self.weeks.saturating_mul(7).saturating_add(self.days)
    }

    /// The time part (hours, minutes and seconds), added as elapsed time.
    pub fn time_part(&self) -> TimeDelta {
        TimeDelta::seconds(
            i64::from(self.hours) * 3600 + i64::from(self.minutes) * 60 + i64::from(self.seconds),
        )
    }

    fn nominal_seconds(&self) -> i64 {
        // In i64 from u32 parts: cannot overflow, whatever the parts.
        [(self.weeks, 604_800), (self.days, 86_400), (self.hours, 3600), (self.minutes, 60)]
            .iter()
            .map(|&(n, unit)| i64::from(n) * unit)
            .sum::<i64>()
            + i64::from(self.seconds)
    }

    fn checked(self) -> Result<Self, DurationError> {
        if self.nominal_seconds() > MAX_CALENDAR_SECONDS {
            return Err(DurationError::TooLarge { input: self.to_string(), limit: "P3650D" });
        }
        Ok(self)
    }
}

/// Splits `12D34H` into `[(12, 'D'), (34, 'H')]`, or `None` when it is not that shape.
fn components(text: &str) -> Option<Vec<(u64, char)>> {
    let mut out = Vec::new();
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            let trimmed = digits.trim_start_matches('0');
            // More than ten digits is far over any limit; saturate rather than overflow.
            let n = if trimmed.len() > 10 { u64::MAX } else { digits.parse().ok()? };
            out.push((n, c));
            digits.clear();
        }
    }
    digits.is_empty().then_some(out)
}

/// Takes the components whose designators are `order`, in that order, each at most once.
fn take(parts: &[(u64, char)], order: &[char]) -> Option<Vec<u64>> {
    let mut values = vec![0; order.len()];
    let mut next = 0;
    for &(n, c) in parts {
        let at = order.iter().position(|&d| d == c)?;
        if at < next {
            return None;
        }
        values[at] = n;
        next = at + 1;
    }
    Some(values)
}

impl FromStr for CalendarDuration {
    type Err = DurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(DurationError::Empty);
        }
        let format = || DurationError::Format(s.to_owned());
        let body = s.strip_prefix('P').ok_or_else(format)?;
        let (date, time) = match body.split_once('T') {
            Some((date, time)) => (date, Some(time)),
            None => (body, None),
        };
        let date_parts = components(date).ok_or_else(format)?;
        let time_parts = components(time.unwrap_or("")).ok_or_else(format)?;
        if date_parts.iter().any(|&(_, c)| c == 'Y' || c == 'M') {
            return Err(DurationError::MonthsOrYears(s.to_owned()));
        }
        // `P` and `PT` alone say nothing; `T` must be followed by a component.
        if (date_parts.is_empty() && time_parts.is_empty()) || time.is_some_and(str::is_empty) {
            return Err(format());
        }
        let too_large = || DurationError::TooLarge { input: s.to_owned(), limit: "P3650D" };
        let small = |n: u64| u32::try_from(n).map_err(|_| too_large());
        if let [(n, 'W')] = date_parts[..]
            && time.is_none()
        {
            return Self::weeks(small(n)?).map_err(|_| too_large());
        }
        let days = take(&date_parts, &['D']).ok_or_else(format)?;
        let hms = take(&time_parts, &['H', 'M', 'S']).ok_or_else(format)?;
        Self::new(small(days[0])?, small(hms[0])?, small(hms[1])?, small(hms[2])?)
            .map_err(|_| too_large())
    }
}

impl fmt::Display for CalendarDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.weeks > 0 {
            return write!(f, "P{}W", self.weeks);
        }
        if self.nominal_seconds() == 0 {
            return f.write_str("PT0S");
        }
        f.write_str("P")?;
        if self.days > 0 {
            write!(f, "{}D", self.days)?;
        }
        if self.time_part() > TimeDelta::zero() {
            f.write_str("T")?;
            for (n, designator) in [(self.hours, 'H'), (self.minutes, 'M'), (self.seconds, 'S')] {
                if n > 0 {
                    write!(f, "{n}{designator}")?;
                }
            }
        }
        Ok(())
    }
}

impl TryFrom<String> for CalendarDuration {
    type Error = DurationError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<CalendarDuration> for String {
    fn from(d: CalendarDuration) -> Self {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_accepts() {
        let cases = [
            ("P1D", 1, 0, "P1D"),
            ("P3D", 3, 0, "P3D"),
            ("PT4H", 0, 4 * 3600, "PT4H"),
            ("PT30M", 0, 1800, "PT30M"),
            ("PT90S", 0, 90, "PT90S"),
            ("P1DT12H", 1, 12 * 3600, "P1DT12H"),
            ("P1DT2H3M4S", 1, 7384, "P1DT2H3M4S"),
            ("P2W", 14, 0, "P2W"),
            ("P0D", 0, 0, "PT0S"),
            ("PT0S", 0, 0, "PT0S"),
            ("P1DT0H", 1, 0, "P1D"),
            ("P3650D", 3650, 0, "P3650D"),
            ("PT87600H", 0, 87_600 * 3600, "PT87600H"),
            ("P521W", 3647, 0, "P521W"),
        ];
        for (text, days, secs, shown) in cases {
            let d: CalendarDuration = text.parse().unwrap();
            assert_eq!((d.date_days(), d.time_part().num_seconds()), (days, secs), "{text}");
            assert_eq!(d.to_string(), shown, "{text}");
            assert_eq!(shown.parse::<CalendarDuration>().unwrap(), d);
        }
    }

    #[test]
    fn grammar_rejects() {
        let cases = [
            ("", "duration_required"),
            ("P", "duration_format"),
            ("PT", "duration_format"),
            ("P1DT", "duration_format"),
            ("1D", "duration_format"),
            ("p1d", "duration_format"),
            ("P1H", "duration_format"),
            ("PT1D", "duration_format"),
            ("PT1M1H", "duration_format"),
            ("P1D1D", "duration_format"),
            ("P1W1D", "duration_format"),
            ("P1WT1H", "duration_format"),
            ("P0.5D", "duration_format"),
            ("P-1D", "duration_format"),
            ("P1DT1H ", "duration_format"),
            ("P1M", "duration_months_or_years"),
            ("P1Y2D", "duration_months_or_years"),
            ("P3651D", "duration_too_large"),
            ("P3650DT1S", "duration_too_large"),
            ("P522W", "duration_too_large"),
            ("PT87601H", "duration_too_large"),
            ("P99999999999999999999D", "duration_too_large"),
        ];
        for (text, code) in cases {
            let err = text.parse::<CalendarDuration>().unwrap_err();
            assert_eq!(err.code(), code, "{text}: {err}");
        }
    }

    #[test]
    fn constructors_check_the_limit() {
        assert_eq!(CalendarDuration::new(3, 0, 0, 0).unwrap().to_string(), "P3D");
        assert_eq!(CalendarDuration::weeks(1).unwrap().to_string(), "P1W");
        assert!(CalendarDuration::new(0, u32::MAX, u32::MAX, u32::MAX).is_err());
    }
}
