//! One clock of the policy, as data.

use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{BusinessCalendar, Coverage, Due};
use crate::duration::{CalendarDuration, SlaDuration};

use super::SlaError;

/// The warning threshold when a clock does not give one: 80 % of the allowed time.
pub const DEFAULT_WARNING_PERCENT: u8 = 80;

/// The most months a [`DueRule::CalendarMonths`] may count (five years).
pub const MAX_CALENDAR_MONTHS: u32 = 60;

/// One SLA clock (时限) of a policy: what starts and stops it and when it falls due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockDef {
    /// Identifier, unique in the policy, matching [`is_snake_id`] (`self_resolve`).
    pub name: String,
    /// The rule the clock implements, such as `R-T-3`.
    pub rule_id: String,
    /// The label shown to staff, in Chinese (`自行处理完毕`).
    pub label_zh: String,
    /// The event that starts the clock (`complaint_received`).
    pub start_event: String,
    /// The event that stops it, met or late (`complaint_resolved`).
    pub stop_event: String,
    /// How the due is reached from the start.
    pub due: DueRule,
    /// For a recurring clock (R-T-9): after each [`ClockDef::reset_event`] the next due is
    /// this much after the reset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<SlaDuration>,
    /// The event that starts the next period of a recurring clock (`progress_reported`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_event: Option<String>,
    /// The states of the subject during which the clock is paused (`awaiting_customer`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pause_states: Vec<String>,
    /// The share of the allowed time, 1 to 100, from which the clock warns.
    #[serde(default = "default_warning_percent")]
    pub warning_percent: u8,
}

fn default_warning_percent() -> u8 {
    DEFAULT_WARNING_PERCENT
}

/// How a clock's due is reached from its start (到期规则). Serialized externally tagged:
/// `{"after": "5WD"}`, `{"end_of_working_day": 1}`, `{"calendar_months": 1}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueRule {
    /// A time limit in working or calendar time (R-T-0): `5WD`, `30WM`, `P1D`.
    After(SlaDuration),
    /// The close of the Nth working day, counting the start's own day when it is a working day
    /// and the start is before its close (R-T-2, R-T-5).
    EndOfWorkingDay(u32),
    /// The same local clock time N months later in the calendar's zone, on the month's last
    /// day when the date does not exist there (R-T-12: 31 January + 1 month = 28 February).
    CalendarMonths(u32),
}

impl DueRule {
    /// Whether the allowed time is working time (else real time on the wall clock).
    pub(super) fn is_working(&self) -> bool {
        match self {
            Self::After(d) => matches!(d, SlaDuration::Working(_)),
            Self::EndOfWorkingDay(_) => true,
            Self::CalendarMonths(_) => false,
        }
    }

    /// The due of a period starting at `start`.
    pub(super) fn due(
        &self,
        start: DateTime<Utc>,
        calendar: &BusinessCalendar,
    ) -> Result<Due, SlaError> {
        match self {
            Self::After(d) => Ok(calendar.add(start, d)?),
            Self::EndOfWorkingDay(n) => Ok(calendar.end_of_nth_working_day(start, *n)?),
            Self::CalendarMonths(n) => {
                let date = start.with_timezone(&calendar.time_zone()).date_naive();
                let target =
                    date.checked_add_months(Months::new(*n)).ok_or(SlaError::OutOfRange)?;
                let days =
                    u32::try_from((target - date).num_days()).map_err(|_| SlaError::OutOfRange)?;
                let step =
                    CalendarDuration::new(days, 0, 0, 0).map_err(|_| SlaError::OutOfRange)?;
                let at = calendar.add_calendar(start, step)?;
                Ok(Due { at, working_days_crossed: 0, coverage: Coverage::Scheduled, steps: 0 })
            }
        }
    }
}

/// Whether a duration is zero (`0WD`, `PT0S`).
pub(super) fn is_zero(d: &SlaDuration) -> bool {
    match d {
        SlaDuration::Working(w) => w.hundredths() == 0,
        SlaDuration::Calendar(c) => c.date_days() == 0 && c.time_part().is_zero(),
    }
}

/// Whether `s` is a snake_case identifier as clock, event and state names must be:
/// `^[a-z][a-z0-9_]{0,63}$`.
pub fn is_snake_id(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && s.len() <= 64
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_ids() {
        for ok in ["a", "self_resolve", "r_t_3", "x9_", &"a".repeat(64)] {
            assert!(is_snake_id(ok), "{ok}");
        }
        for bad in ["", "9a", "_a", "Self", "a-b", "a b", "进度", &"a".repeat(65)] {
            assert!(!is_snake_id(bad), "{bad}");
        }
    }

    #[test]
    fn due_rule_is_externally_tagged() {
        let rules: Vec<DueRule> = serde_json::from_str(
            r#"[{"after":"5WD"},{"end_of_working_day":1},{"calendar_months":1}]"#,
        )
        .unwrap();
        assert_eq!(rules[0], DueRule::After("5WD".parse().unwrap()));
        assert_eq!(rules[1], DueRule::EndOfWorkingDay(1));
        assert_eq!(rules[2], DueRule::CalendarMonths(1));
        let back = serde_json::to_string(&rules).unwrap();
        assert_eq!(back, r#"[{"after":"5WD"},{"end_of_working_day":1},{"calendar_months":1}]"#);
    }
}
