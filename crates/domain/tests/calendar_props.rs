//! Laws of working-time arithmetic (R-T-0) on random calendars: random weekly blocks, random
//! overrides, zones with and without daylight saving. Checked against a definition that does
//! not share the implementation: an instant is working time when its local wall clock lies in
//! a block of its local date.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Timelike, Utc};
use kefu_domain::calendar::{
    Block, BusinessCalendar, CalendarConfig, CalendarError, DayBlocks, DayOverride, WeeklyHours,
    YearSchedule,
};
use proptest::prelude::*;

const ZONES: [&str; 4] =
    ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"];

fn day_blocks() -> impl Strategy<Value = DayBlocks> {
    let random = prop::collection::btree_set(0u32..=96, 0..=6).prop_map(|quarters| {
        let points: Vec<u32> = quarters.into_iter().collect();
        let blocks = points.chunks_exact(2).map(|p| Block::from_seconds(p[0] * 900, p[1] * 900));
        DayBlocks::new(blocks.collect::<Result<_, _>>().unwrap()).unwrap()
    });
    prop_oneof![2 => random, 1 => Just(DayBlocks::standard()), 1 => Just(DayBlocks::none())]
}

fn overrides() -> impl Strategy<Value = Vec<DayOverride>> {
    let one = (0u64..730, 0u8..3, day_blocks()).prop_map(|(offset, kind, blocks)| {
        let date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(offset);
        match kind {
            0 => DayOverride::holiday(date, "random holiday").unwrap(),
            1 => DayOverride::workday(date, "", Some(blocks)),
            _ => DayOverride::half_day(date, "", Some(blocks)),
        }
    });
    prop::collection::vec(one, 0..12)
}

fn calendar() -> impl Strategy<Value = BusinessCalendar> {
    let week = prop::array::uniform7(day_blocks());
    (0..ZONES.len(), week, 60u32..=720, overrides()).prop_map(|(zone, days, minutes, extra)| {
        let mut week = WeeklyHours::every_day(DayBlocks::none());
        let names = [chrono::Weekday::Mon, chrono::Weekday::Tue, chrono::Weekday::Wed];
        let names = names.into_iter().chain([chrono::Weekday::Thu, chrono::Weekday::Fri]);
        for (day, blocks) in names.chain([chrono::Weekday::Sat, chrono::Weekday::Sun]).zip(days) {
            *week.get_mut(day) = blocks;
        }
        let mut by_date = std::collections::BTreeMap::new();
        for o in extra {
            by_date.insert(o.date(), o);
        }
        let schedules = [2025, 2026]
            .map(|y| {
                let days =
                    by_date.values().filter(|o| o.date().format("%Y").to_string() == y.to_string());
                YearSchedule::new(y, None, days.cloned().collect()).unwrap()
            })
            .to_vec();
        let config = CalendarConfig {
            time_zone: ZONES[zone].into(),
            week,
            standard_day_minutes: minutes,
            schedules,
        };
        BusinessCalendar::new(config).unwrap()
    })
}

/// Days on which one of the zones changes its clock, 2025–2026.
const CLOCK_CHANGES: [(i32, u32, u32); 12] = [
    (2025, 3, 9),
    (2025, 3, 30),
    (2025, 4, 6),
    (2025, 10, 5),
    (2025, 10, 26),
    (2025, 11, 2),
    (2026, 3, 8),
    (2026, 3, 29),
    (2026, 4, 5),
    (2026, 10, 4),
    (2026, 10, 25),
    (2026, 11, 1),
];

/// A whole minute in 2025–2026, half the time within two days before a clock change.
fn minute_start() -> impl Strategy<Value = DateTime<Utc>> {
    let base = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let anywhere = (0i64..730 * 1440).prop_map(move |m| base + TimeDelta::minutes(m));
    let near = (0..CLOCK_CHANGES.len(), 0i64..2 * 1440).prop_map(|(i, m)| {
        let (y, mo, d) = CLOCK_CHANGES[i];
        Utc.with_ymd_and_hms(y, mo, d, 0, 0, 0).unwrap() - TimeDelta::minutes(m)
    });
    prop_oneof![anywhere, near]
}

/// An instant in 2025–2026, whole minutes or with nanoseconds.
fn start() -> impl Strategy<Value = DateTime<Utc>> {
    (minute_start(), prop_oneof![Just(0i64), 0i64..60_000_000_000])
        .prop_map(|(at, nanos)| at + TimeDelta::nanoseconds(nanos))
}

/// The definition: the local wall clock lies in a block of the local date.
fn working_at(cal: &BusinessCalendar, t: DateTime<Utc>) -> bool {
    let local = t.with_timezone(&cal.time_zone());
    let second = local.time().num_seconds_from_midnight();
    let blocks = cal.hours_on(local.date_naive());
    blocks.blocks().iter().any(|b| b.start_seconds() <= second && second < b.end_seconds())
}

fn has_work(cal: &BusinessCalendar) -> bool {
    cal.config().week.total_seconds() > 0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn add_is_monotone_additive_and_lands_in_a_block(
        cal in calendar(), s in start(), a in 0i64..=30 * 3600, b in 0i64..=30 * 3600,
    ) {
        prop_assume!(has_work(&cal));
        let (a, b) = (TimeDelta::seconds(a), TimeDelta::seconds(b));
        let due_a = cal.add_working_time(s, a).unwrap();
        let due_b = cal.add_working_time(s, b).unwrap();
        let due_ab = cal.add_working_time(s, a + b).unwrap();
        // Monotone in the duration (strictly: each second of working time moves the due).
        prop_assert_eq!(a <= b, due_a.at <= due_b.at);
        prop_assert!(due_ab.at >= due_a.at.max(due_b.at));
        // add(add(s, a), b) == add(s, a + b).
        prop_assert_eq!(cal.add_working_time(due_a.at, b).unwrap().at, due_ab.at);
        // d > 0: the due is in (block start, block end]; d = 0: the start itself.
        if a > TimeDelta::zero() {
            prop_assert!(due_a.at > s);
            prop_assert!(working_at(&cal, due_a.at - TimeDelta::nanoseconds(1)));
        } else {
            prop_assert_eq!(due_a.at, s);
        }
        // elapsed(s, add(s, d)) == d.
        prop_assert_eq!(cal.elapsed(s, due_a.at).unwrap(), a);
        prop_assert_eq!(cal.elapsed(s, due_ab.at).unwrap(), a + b);
        // At most one step per local date crossed (+1).
        let local = |t: DateTime<Utc>| t.with_timezone(&cal.time_zone()).date_naive();
        let days = (local(due_ab.at) - local(s)).num_days();
        prop_assert!(i64::from(due_ab.steps) <= days + 1, "{} steps, {} days", due_ab.steps, days);
    }

    #[test]
    fn add_and_elapsed_match_a_minute_by_minute_count(
        cal in calendar(), s in minute_start(), d in 0i64..=240, span in 0i64..=4 * 1440,
    ) {
        prop_assume!(has_work(&cal));
        let mut working = 0;
        for m in 0..span {
            working += i64::from(working_at(&cal, s + TimeDelta::minutes(m)));
        }
        let e = s + TimeDelta::minutes(span);
        prop_assert_eq!(cal.elapsed(s, e).unwrap(), TimeDelta::minutes(working));
        // The earliest minute boundary with d working minutes behind it, searched for 12 days.
        let (mut t, mut count) = (s, 0);
        while count < d && t - s < TimeDelta::days(12) {
            count += i64::from(working_at(&cal, t));
            t += TimeDelta::minutes(1);
        }
        if count == d {
            prop_assert_eq!(cal.add_working_time(s, TimeDelta::minutes(d)).unwrap().at, t);
        }
    }

    #[test]
    fn neighbouring_working_days_are_working_days(cal in calendar(), offset in 0u64..900) {
        prop_assume!(has_work(&cal));
        let day = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap() + chrono::Days::new(offset);
        let previous = cal.previous_working_day(day).unwrap();
        let next = cal.next_working_day(day).unwrap();
        prop_assert!(previous < day && day < next);
        prop_assert!(cal.is_working_day(previous) && cal.is_working_day(next));
        for between in previous.iter_days().skip(1).take_while(|d| *d < day) {
            prop_assert!(!cal.is_working_day(between), "{between} between {previous} and {day}");
        }
        for between in day.iter_days().skip(1).take_while(|d| *d < next) {
            prop_assert!(!cal.is_working_day(between), "{between} between {day} and {next}");
        }
    }

    #[test]
    fn report_dues_move_earlier_onto_working_days(cal in calendar(), due in start()) {
        prop_assume!(has_work(&cal));
        let moved = cal.report_due(due).unwrap();
        prop_assert!(moved <= due);
        // On a working day, or at its close: a close at 24:00 is the next date's midnight, so
        // look just before the instant too (a due left where it was may be a working day's
        // 00:00, whose previous instant lies on the day before).
        let on = |at: DateTime<Utc>| at.with_timezone(&cal.time_zone()).date_naive();
        let (at, before) = (on(moved), on(moved - TimeDelta::nanoseconds(1)));
        prop_assert!(
            cal.is_working_day(at) || cal.is_working_day(before),
            "{moved} is on {at} (just before: {before})"
        );
    }

    #[test]
    fn calendars_round_trip_through_json(cal in calendar()) {
        let json = serde_json::to_string(&cal).unwrap();
        prop_assert_eq!(serde_json::from_str::<BusinessCalendar>(&json).unwrap(), cal);
    }
}

fn berlin(blocks: &str) -> BusinessCalendar {
    let week = WeeklyHours::every_day(blocks.parse().unwrap());
    let config =
        CalendarConfig { time_zone: "Europe/Berlin".into(), week, ..CalendarConfig::default() };
    BusinessCalendar::new(config).unwrap()
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn daylight_saving_days_count_real_time() {
    let cal = berlin("01:00-04:00");
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 01:00–02:00 and 03:00–04:00 remain: 2 h.
    let spring = cal.elapsed(utc("2026-03-28T22:00:00Z"), utc("2026-03-29T10:00:00Z")).unwrap();
    assert_eq!(spring, TimeDelta::hours(2));
    // 2026-10-25: 03:00 CEST goes back to 02:00 CET; 02:00–03:00 happens twice: 4 h.
    let autumn = cal.elapsed(utc("2026-10-24T22:00:00Z"), utc("2026-10-25T10:00:00Z")).unwrap();
    assert_eq!(autumn, TimeDelta::hours(4));
    // 1.5 h from 01:00 CET on the spring day: 1 h, then 30 min after the jump, 03:30 CEST.
    let due = cal.add_working_time(utc("2026-03-29T00:00:00Z"), TimeDelta::minutes(90)).unwrap();
    assert_eq!(due.at, utc("2026-03-29T01:30:00Z"));
}

#[test]
fn r_t_8_p1d_keeps_the_clock_across_daylight_saving() {
    let cal = berlin("09:00-17:00");
    let p1d = "P1D".parse().unwrap();
    // 09:00 CET + P1D = 09:00 CEST: 23 hours later.
    assert_eq!(
        cal.add_calendar(utc("2026-03-28T08:00:00Z"), p1d).unwrap(),
        utc("2026-03-29T07:00:00Z")
    );
    // 02:30 does not exist on 2026-03-29: it moves forward by the jump, to 03:30 CEST.
    assert_eq!(
        cal.add_calendar(utc("2026-03-28T01:30:00Z"), p1d).unwrap(),
        utc("2026-03-29T01:30:00Z")
    );
    // 02:30 happens twice on 2026-10-25: the first, still CEST.
    assert_eq!(
        cal.add_calendar(utc("2026-10-24T00:30:00Z"), p1d).unwrap(),
        utc("2026-10-25T00:30:00Z")
    );
    // PT24H is elapsed time.
    assert_eq!(
        cal.add_calendar(utc("2026-03-28T08:00:00Z"), "PT24H".parse().unwrap()).unwrap(),
        utc("2026-03-29T08:00:00Z")
    );
}

#[test]
fn no_working_time_is_an_error_not_a_loop() {
    let empty = CalendarConfig {
        week: WeeklyHours::every_day(DayBlocks::none()),
        ..CalendarConfig::default()
    };
    let cal = BusinessCalendar::new(empty.clone()).unwrap();
    let s = utc("2026-03-10T02:00:00Z");
    let err = cal.add_working_time(s, TimeDelta::hours(1)).unwrap_err();
    assert!(matches!(err, CalendarError::NoWorkingTime(_)), "{err}");
    assert_eq!(err.code(), "no_working_time");
    assert!(cal.next_working_day(NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()).is_err());
    assert!(cal.end_of_nth_working_day(s, 1).is_err());
    assert_eq!(cal.elapsed(s, s + TimeDelta::days(400)).unwrap(), TimeDelta::zero());
    // One working Saturday in an otherwise empty calendar: 7.5 h fit, 7.5 h + 1 s do not.
    let saturday = NaiveDate::from_ymd_opt(2026, 3, 14).unwrap();
    let one = YearSchedule::new(
        2026,
        None,
        vec![DayOverride::workday(saturday, "", Some(DayBlocks::standard()))],
    )
    .unwrap();
    let cal = BusinessCalendar::new(empty).unwrap().with_schedule(one).unwrap();
    let due = cal.add_working_time(s, TimeDelta::minutes(450)).unwrap();
    assert_eq!(due.at, utc("2026-03-14T10:00:00Z"));
    assert!(cal.add_working_time(s, TimeDelta::seconds(450 * 60 + 1)).is_err());
    // Above the limit, or a start outside the supported years.
    let std = BusinessCalendar::default();
    assert_eq!(
        std.add_working_time(s, TimeDelta::hours(87_601)).unwrap_err().code(),
        "working_time_limit"
    );
    assert_eq!(
        std.add_working_time(utc("2300-01-01T00:00:00Z"), TimeDelta::hours(1)).unwrap_err().code(),
        "out_of_range"
    );
}

#[test]
fn sparse_calendars_give_up_after_the_search_limit() {
    // Ten minutes a week: 3650 WD of 24 h would need far more than 100 years.
    let mut week = WeeklyHours::every_day(DayBlocks::none());
    week.monday = "09:00-09:10".parse().unwrap();
    let config = CalendarConfig { week, standard_day_minutes: 1440, ..CalendarConfig::default() };
    let cal = BusinessCalendar::new(config).unwrap();
    let err = cal.add(utc("2026-03-10T02:00:00Z"), &"3650WD".parse().unwrap()).unwrap_err();
    assert_eq!(err, CalendarError::NoWorkingTime(kefu_domain::calendar::MAX_SEARCH_DAYS));
}
