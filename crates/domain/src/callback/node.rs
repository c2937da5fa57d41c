//! The dues of node callbacks (R-T-12): the SLA policy's `node_callback_after_*` clocks,
//! suspended while the group's satisfaction survey runs and resumed after it, the due moved by
//! the length of the pause (R-CB-4).

use chrono::{DateTime, Utc};

use crate::calendar::BusinessCalendar;
use crate::sla::{ClockDef, ClockRun, SlaError, compute};

/// The pauses of a clock started at `started_at`: the survey periods `(from, until)` that end
/// after it, clipped to begin no earlier than it, merged where they overlap, in order.
pub fn survey_pauses(
    started_at: DateTime<Utc>,
    periods: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let mut periods: Vec<(DateTime<Utc>, DateTime<Utc>)> = periods
        .iter()
        .filter(|(from, until)| until > from && *until > started_at)
        .map(|&(from, until)| (from.max(started_at), until))
        .collect();
    periods.sort();
    let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for (from, until) in periods {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(until),
            _ => merged.push((from, until)),
        }
    }
    merged.into_iter().map(|(from, until)| (from, Some(until))).collect()
}

/// The due of a node callback started at `started_at` under `def`, every survey period in
/// `periods` pausing it (R-CB-4); also its due without them.
pub fn node_due(
    def: &ClockDef,
    started_at: DateTime<Utc>,
    periods: &[(DateTime<Utc>, DateTime<Utc>)],
    calendar: &BusinessCalendar,
) -> Result<(DateTime<Utc>, DateTime<Utc>), SlaError> {
    let nominal = compute(def, &ClockRun::new(started_at), calendar, started_at)?.due;
    // The engine moves the due by each pause that begins before it, in order.
    let run = ClockRun { pauses: survey_pauses(started_at, periods), ..ClockRun::new(started_at) };
    Ok((nominal, compute(def, &run, calendar, started_at)?.due))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::SlaPolicy;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn r_cb_4_a_survey_period_moves_a_node_callback_by_its_length() {
        let policy = SlaPolicy::default();
        let china = BusinessCalendar::mainland_china().unwrap();
        let week = policy.clock("node_callback_after_complaint_closed").unwrap();
        let closed = at("2026-12-01T10:00:00+08:00");
        // No survey: a calendar week (R-T-12).
        let (nominal, due) = node_due(week, closed, &[], &china).unwrap();
        assert_eq!((nominal, due), (at("2026-12-08T10:00:00+08:00"), nominal));
        // A survey from 12-03 09:00 to 12-05 09:00 (two days) inside the week: two days later.
        let survey = (at("2026-12-03T09:00:00+08:00"), at("2026-12-05T09:00:00+08:00"));
        let (_, due) = node_due(week, closed, &[survey], &china).unwrap();
        assert_eq!(due, at("2026-12-10T10:00:00+08:00"));
        // A survey that begins after the due does not touch it.
        let later = (at("2026-12-09T09:00:00+08:00"), at("2026-12-20T09:00:00+08:00"));
        assert_eq!(node_due(week, closed, &[later], &china).unwrap().1, nominal);
        // One that began before the clock started pauses it from its start until it ends.
        let running = (at("2026-11-30T09:00:00+08:00"), at("2026-12-02T10:00:00+08:00"));
        assert_eq!(
            node_due(week, closed, &[running], &china).unwrap().1,
            at("2026-12-09T10:00:00+08:00")
        );
    }

    #[test]
    fn overlapping_periods_are_merged() {
        let p = |a: &str, b: &str| (at(a), at(b));
        let merged = survey_pauses(
            at("2026-06-01T00:00:00Z"),
            &[
                p("2026-06-10T00:00:00Z", "2026-06-20T00:00:00Z"),
                p("2026-06-15T00:00:00Z", "2026-06-25T00:00:00Z"),
            ],
        );
        assert_eq!(merged, [(at("2026-06-10T00:00:00Z"), Some(at("2026-06-25T00:00:00Z")))]);
    }
}
