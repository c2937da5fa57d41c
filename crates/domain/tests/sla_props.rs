//! R-T-0 "SLA clocks never move earlier": for any pauses, on every default clock, the due is
//! never earlier than the same clock's due without them, and never before the start.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::LazyLock;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use kefu_domain::calendar::BusinessCalendar;
use kefu_domain::sla::{ClockRun, ClockState, SlaPolicy, compute};
use proptest::prelude::*;

static CALENDAR: LazyLock<BusinessCalendar> =
    LazyLock::new(|| BusinessCalendar::mainland_china().unwrap());
static POLICY: LazyLock<SlaPolicy> = LazyLock::new(SlaPolicy::default);

fn minutes(n: u32) -> TimeDelta {
    TimeDelta::minutes(i64::from(n))
}

/// A start in 2025–2026 (the shipped schedules), on a 5-minute grid.
fn start() -> impl Strategy<Value = DateTime<Utc>> {
    let origin = Utc.with_ymd_and_hms(2024, 12, 31, 16, 0, 0).unwrap();
    (0u32..2 * 365 * 288).prop_map(move |n| origin + minutes(n * 5))
}

/// Gaps and lengths of up to five pauses, in minutes; the last may be open.
fn pauses() -> impl Strategy<Value = (Vec<(u32, u32)>, bool)> {
    (prop::collection::vec((0u32..4 * 1440, 1u32..3 * 1440), 0..=5), any::<bool>())
}

fn build(
    start: DateTime<Utc>,
    spec: &(Vec<(u32, u32)>, bool),
) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let mut at = start;
    let mut out = Vec::new();
    for &(gap, length) in &spec.0 {
        let from = at + minutes(gap);
        at = from + minutes(length);
        out.push((from, Some(at)));
    }
    if spec.1
        && let Some(last) = out.last_mut()
    {
        last.1 = None;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn pauses_never_move_a_due_earlier(
        clock in 0..POLICY.clocks.len(),
        start in start(),
        spec in pauses(),
        now in 0u32..40 * 1440,
        stop in prop::option::of(0u32..40 * 1440),
    ) {
        let def = &POLICY.clocks[clock];
        let now = start + minutes(now);
        let mut run = ClockRun::new(start);
        run.stopped_at = stop.map(|m| start + minutes(m));
        let plain = compute(def, &run, &CALENDAR, now).unwrap();
        run.pauses = build(start, &spec);
        let paused = compute(def, &run, &CALENDAR, now).unwrap();
        prop_assert!(paused.due >= plain.due, "{} {:?}: {} < {}", def.name, run, paused.due, plain.due);
        prop_assert!(plain.due >= start);
        if run.stopped_at.is_none() && paused.state != ClockState::Paused {
            prop_assert_eq!(paused.state == ClockState::Breached, now >= paused.due);
        }
    }
}
