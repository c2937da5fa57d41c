//! The shipped 2025–2026 mainland-China data against RULES.md §3 (R-T) and R-RP-16.
//! Every expected value was worked out by hand from the State Council schedules and the rules
//! (default hours 09:00–12:00 and 13:30–18:00, 1WD = 7.5 h), not from the code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeDelta, TimeZone, Utc};
use kefu_domain::calendar::{BusinessCalendar, Coverage};
use kefu_domain::duration::SlaDuration;

fn cal() -> BusinessCalendar {
    BusinessCalendar::mainland_china().unwrap()
}

/// `2026-09-30 17:00` in Beijing time.
fn at(text: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    FixedOffset::east_opt(8 * 3600).unwrap().from_local_datetime(&naive).unwrap().to_utc()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn shown(t: DateTime<Utc>) -> String {
    t.with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap()).format("%Y-%m-%d %H:%M").to_string()
}

#[test]
fn working_time_limits_table() {
    let cases = [
        ("R-T-3", "2026-09-30 17:00", "5WD", "2026-10-13 17:00"), // National Day, works Sat 10-10
        ("R-T-3", "2025-09-30 17:00", "5WD", "2025-10-14 17:00"), // National Day, works Sat 10-11
        ("R-T-7", "2026-03-13 16:00", "0.5WD", "2026-03-16 10:45"), // Friday 16:00
        ("R-T-6", "2026-03-10 10:00", "1WD", "2026-03-11 10:00"), // Tuesday 10:00
        ("R-T-5", "2026-03-11 09:00", "1WD", "2026-03-11 18:00"), // Wednesday 09:00
        ("R-T-10", "2026-10-03 11:00", "1WD", "2026-10-08 18:00"), // start on a holiday
        ("R-T-6", "2026-01-04 10:00", "1WD", "2026-01-05 10:00"), // start on a working Sunday
        ("R-T-6", "2025-01-26 14:00", "1WD", "2025-01-27 14:00"), // start on a working Sunday
        ("R-T-6", "2026-02-28 10:00", "1WD", "2026-03-02 10:00"), // start on a working Saturday
        ("R-T-10", "2025-12-31 16:00", "1WD", "2026-01-04 16:00"), // New Year 2026
        ("R-T-9", "2025-01-27 10:00", "3WD", "2025-02-07 10:00"), // Spring Festival 2025
        ("R-T-6", "2026-02-13 15:00", "1WD", "2026-02-14 15:00"), // Spring Festival 2026 eve
        ("R-T-7", "2026-02-14 17:00", "1.5WD", "2026-02-25 11:45"), // across Spring Festival 2026
        ("R-T-6", "2025-05-30 16:00", "1WD", "2025-06-03 16:00"), // Dragon Boat 2025
        ("R-T-9", "2025-04-30 10:00", "3WD", "2025-05-08 10:00"), // Labour Day 2025
        ("R-T-6", "2025-04-25 17:00", "1WD", "2025-04-27 17:00"), // works Sunday 04-27
        ("R-T-7", "2026-06-18 14:00", "1.5WD", "2026-06-22 17:45"), // Dragon Boat 2026
        ("R-T-6", "2026-09-24 18:00", "1WD", "2026-09-28 18:00"), // from a close, Mid-Autumn
        ("R-T-7", "2025-04-03 16:00", "0.5WD", "2025-04-07 10:45"), // Qingming 2025
        ("R-T-1", "2026-03-10 11:50", "30WM", "2026-03-10 13:50"), // over the lunch break
        ("R-T-9", "2026-04-03 10:00", "3WD", "2026-04-09 10:00"), // Qingming 2026
        ("R-T-9", "2026-04-30 09:00", "3WD", "2026-05-07 18:00"), // Labour Day 2026
        ("R-T-4", "2026-05-08 14:00", "1WD", "2026-05-09 14:00"), // works Saturday 05-09
        ("R-T-4", "2026-09-18 12:00", "1WD", "2026-09-20 12:00"), // works Sunday 09-20
        ("R-T-3", "2025-02-07 09:00", "2WD", "2025-02-08 18:00"), // works Saturday 02-08
        ("R-T-4", "2025-09-26 13:30", "1WD", "2025-09-28 12:00"), // works Sunday 09-28
        ("R-T-10", "2026-03-10 10:00", "0WD", "2026-03-10 10:00"), // zero is the start
    ];
    let cal = cal();
    for (rule, start, limit, expected) in cases {
        let duration: SlaDuration = limit.parse().unwrap();
        let due = cal.add(at(start), &duration).unwrap();
        assert_eq!(shown(due.at), expected, "{rule}: {start} + {limit}");
        assert_eq!(due.coverage, Coverage::Scheduled, "{rule}: {start} + {limit}");
    }
}

#[test]
fn r_t_3_due_explains_itself() {
    let due = cal().add(at("2026-09-30 17:00"), &"5WD".parse().unwrap()).unwrap();
    // Working days: 09-30, 10-08, 10-09, 10-10 (Sat), 10-12, 10-13.
    assert_eq!(due.working_days_crossed, 6);
    // One step per calendar day, 09-30 to 10-13.
    assert_eq!(due.steps, 14);
    let json = serde_json::to_value(due).unwrap();
    assert_eq!(json["coverage"], "scheduled");
}

#[test]
fn r_t_10_a_year_without_schedule_is_assumed() {
    let cal = cal();
    // 2024 has no schedule: 12-31 (1 h) then 2025-01-01 holiday, 6.5 h on 01-02.
    let due = cal.add(at("2024-12-31 17:00"), &"1WD".parse().unwrap()).unwrap();
    assert_eq!(shown(due.at), "2025-01-02 17:00");
    assert_eq!(due.coverage, Coverage::Assumed);
    // 2027 has none either: 2027-01-01 (a Friday) is taken as a working day.
    let due = cal.add(at("2026-12-30 10:00"), &"5WD".parse().unwrap()).unwrap();
    assert_eq!(shown(due.at), "2027-01-06 10:00");
    assert_eq!(due.coverage, Coverage::Assumed);
}

#[test]
fn calendar_time_table() {
    let cases = [
        ("R-T-8", "2026-09-30 17:00", &["P1D"][..], "2026-10-01 17:00"), // holidays count
        ("R-T-8", "2026-02-14 10:00", &["P1D", "P3D"][..], "2026-02-18 10:00"), // special case
        ("R-T-11", "2025-10-01 09:00", &["P3D"][..], "2025-10-04 09:00"),
        ("R-T-11", "2026-02-13 18:30", &["P3D"][..], "2026-02-16 18:30"),
        ("R-T-1", "2026-01-01 23:58", &["PT5M"][..], "2026-01-02 00:03"), // verbal hand-over
        ("R-T-12", "2026-09-28 09:00", &["P7D"][..], "2026-10-05 09:00"),
        ("R-T-12", "2026-09-28 09:00", &["P1W"][..], "2026-10-05 09:00"),
    ];
    let cal = cal();
    for (rule, start, steps, expected) in cases {
        let mut t = at(start);
        for step in steps {
            t = cal.add(t, &step.parse().unwrap()).unwrap().at;
        }
        assert_eq!(shown(t), expected, "{rule}: {start} + {steps:?}");
    }
}

#[test]
fn r_t_2_end_of_the_first_working_day() {
    let cases = [
        ("2026-03-14 10:00", "2026-03-16 18:00"), // received Saturday: end of Monday
        ("2026-10-03 10:00", "2026-10-08 18:00"), // received in National Day
        ("2026-03-10 10:00", "2026-03-10 18:00"), // received on a working day: that day
        ("2026-02-28 09:30", "2026-02-28 18:00"), // received on a working Saturday
        ("2026-04-04 15:00", "2026-04-07 18:00"), // Saturday in Qingming, Monday a holiday
        ("2026-02-13 19:00", "2026-02-14 18:00"), // after Friday's close: working Saturday
        ("2025-01-31 10:00", "2025-02-05 18:00"), // in Spring Festival 2025
        ("2025-12-31 20:00", "2026-01-04 18:00"), // after close before New Year 2026
        ("2026-03-10 17:59", "2026-03-10 18:00"), // a minute before close
        ("2026-03-10 18:00", "2026-03-11 18:00"), // at the close: the next day
    ];
    let cal = cal();
    for (received, expected) in cases {
        let due = cal.end_of_nth_working_day(at(received), 1).unwrap();
        assert_eq!(shown(due.at), expected, "R-T-2: received {received}");
    }
}

#[test]
fn r_t_5_end_of_the_completion_day() {
    let cal = cal();
    let due = cal.end_of_nth_working_day(at("2026-10-10 15:00"), 1).unwrap();
    assert_eq!(shown(due.at), "2026-10-10 18:00");
    // The third working day from Wednesday 2026-09-30: 09-30, 10-08, 10-09.
    let due = cal.end_of_nth_working_day(at("2026-09-30 10:00"), 3).unwrap();
    assert_eq!(shown(due.at), "2026-10-09 18:00");
    assert_eq!(
        cal.end_of_nth_working_day(at("2026-09-30 10:00"), 0).unwrap_err().code(),
        "working_day_count"
    );
}

#[test]
fn r_rp_16_report_due_instants_move_earlier() {
    let cases = [
        ("R-RP-1", "2026-10-01 12:00", "2026-09-30 12:00"), // monthly 1st, a holiday
        ("R-RP-1", "2026-01-01 12:00", "2025-12-31 12:00"), // into the year reported on
        ("R-RP-1", "2025-10-01 12:00", "2025-09-30 12:00"), // quarterly
        ("R-RP-1", "2026-10-02 12:00", "2026-09-30 12:00"), // weekly Friday in National Day
        ("R-RP-1", "2025-10-03 12:00", "2025-09-30 12:00"), // weekly Friday in National Day
        ("R-RP-2", "2026-02-01 16:00", "2026-01-30 16:00"), // monthly 1st, a Sunday
        ("R-RP-2", "2026-05-01 16:00", "2026-04-30 16:00"), // Labour Day
        ("R-RP-3", "2026-01-02 16:00", "2025-12-31 16:00"), // monthly 2nd, New Year
        ("R-RP-3", "2026-02-16 12:00", "2026-02-14 12:00"), // weekly Monday: working Saturday
        ("R-RP-16", "2026-01-04 12:00", "2026-01-04 12:00"), // working Sunday: unchanged
        ("R-RP-16", "2026-03-02 12:00", "2026-03-02 12:00"), // working day: unchanged
        ("R-RP-16", "2026-03-02 20:00", "2026-03-02 20:00"), // working day after hours: kept
        ("R-RP-16", "2026-02-16 20:00", "2026-02-14 18:00"), // after that day's close: close
        ("R-RP-16", "2026-10-05 08:00", "2026-09-30 18:00"), // before that day opens: close
        ("R-RP-16", "2026-02-20 12:45", "2026-02-14 12:45"), // lunch break is inside the day
    ];
    let cal = cal();
    for (rule, due, expected) in cases {
        assert_eq!(shown(cal.report_due(at(due)).unwrap()), expected, "{rule}: due {due}");
    }
}

#[test]
fn r_rp_16_by_the_nth_means_end_of_working_hours() {
    let cases = [
        ("R-RP-1", "2026-01-05", "2026-01-05 18:00"), // annual by Jan 5, a Monday
        ("R-RP-1", "2025-01-05", "2025-01-03 18:00"), // annual by Jan 5, a Sunday
        ("R-RP-2", "2026-01-08", "2026-01-08 18:00"), // annual by Jan 8
        ("R-RP-3", "2026-01-15", "2026-01-15 18:00"), // annual by Jan 15
        ("R-RP-9", "2026-01-25", "2026-01-23 18:00"), // by Jan 25, a Sunday
        ("R-RP-9", "2025-01-25", "2025-01-24 18:00"), // a Saturday (the working Sunday is after)
        ("R-RP-6", "2026-09-25", "2026-09-24 18:00"), // by the 25th, Mid-Autumn
        ("R-RP-12", "2026-10-10", "2026-10-10 18:00"), // by the 10th, a working Saturday
        ("R-RP-12", "2025-05-10", "2025-05-09 18:00"), // by the 10th, a Saturday
    ];
    let cal = cal();
    for (rule, day, expected) in cases {
        assert_eq!(shown(cal.report_due_by_date(date(day)).unwrap()), expected, "{rule}: {day}");
    }
    assert_eq!(cal.end_of_working_hours(date("2026-10-01")).unwrap(), None);
}

#[test]
fn next_and_previous_working_days() {
    let cal = cal();
    let next =
        [("2026-09-30", "2026-10-08"), ("2026-10-09", "2026-10-10"), ("2025-01-27", "2025-02-05")];
    for (from, expected) in next {
        assert_eq!(cal.next_working_day(date(from)).unwrap(), date(expected), "next after {from}");
    }
    let previous = [
        ("2026-10-12", "2026-10-10"),
        ("2026-01-05", "2026-01-04"),
        ("2026-01-04", "2025-12-31"),
        ("2026-02-24", "2026-02-14"),
    ];
    for (from, expected) in previous {
        assert_eq!(cal.previous_working_day(date(from)).unwrap(), date(expected), "before {from}");
    }
}

#[test]
fn r_t_0_elapsed_working_time() {
    let cal = cal();
    let elapsed = cal.elapsed(at("2026-09-30 17:00"), at("2026-10-13 17:00")).unwrap();
    assert_eq!(elapsed, TimeDelta::minutes(37 * 60 + 30));
    let elapsed = cal.elapsed(at("2026-03-13 16:00"), at("2026-03-16 10:45")).unwrap();
    assert_eq!(elapsed, TimeDelta::minutes(225));
    assert_eq!(
        cal.elapsed(at("2026-03-16 10:45"), at("2026-03-13 16:00")).unwrap(),
        TimeDelta::zero()
    );
}

#[test]
fn sources_are_kept() {
    let cal = cal();
    assert!(cal.source(2026).unwrap().contains("国务院办公厅关于2026年部分节假日安排的通知"));
    assert!(cal.source(2025).unwrap().contains("国办发明电〔2024〕12号"));
    assert_eq!(cal.source(2027), None);
    assert_eq!(cal.coverage(2025), Coverage::Scheduled);
    assert_eq!(cal.coverage(2027), Coverage::Assumed);
}

/// Every day of 2025 and 2026: working exactly when the data file says so, read here directly.
#[test]
fn every_day_matches_the_data_file() {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../data/mainland-china.json")).unwrap();
    let cal = cal();
    for year in [2025, 2026] {
        let data = &file["years"][year.to_string()];
        let mut holidays = Vec::new();
        for h in data["holidays"].as_array().unwrap() {
            holidays.push((date(h["from"].as_str().unwrap()), date(h["to"].as_str().unwrap())));
        }
        let workdays: Vec<NaiveDate> = data["workdays"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| date(d.as_str().unwrap()))
            .collect();
        let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let mut working = 0;
        while day.year() == year {
            let weekday = day.weekday().number_from_monday() <= 5;
            let holiday = holidays.iter().any(|&(from, to)| from <= day && day <= to);
            let expected = (weekday && !holiday) || workdays.contains(&day);
            assert_eq!(cal.is_working_day(day), expected, "{day}");
            working += usize::from(expected);
            day = day.succ_opt().unwrap();
        }
        // By hand: 261 weekdays; 2025 loses 18 to holidays and gains 5 weekend days (248),
        // 2026 loses 19 and gains 6 (248).
        assert_eq!(working, 248, "{year}");
    }
}

#[test]
fn two_thousand_working_days_cost_one_step_per_day() {
    let start = at("2025-01-02 09:00");
    let due = cal().add(start, &"2000WD".parse().unwrap()).unwrap();
    let days_crossed = (due.at.date_naive() - start.date_naive()).num_days();
    assert!(i64::from(due.steps) <= days_crossed + 1, "{} steps, {days_crossed} days", due.steps);
    assert_eq!(due.working_days_crossed, 2000);
    assert_eq!(due.coverage, Coverage::Assumed);
}

#[test]
fn r_sat_1_a_survey_collection_opens_with_the_first_block_and_runs_ten_working_days() {
    let cal = cal();
    let opens = cal.start_of_working_hours(date("2026-12-15")).unwrap().unwrap();
    assert_eq!(shown(opens), "2026-12-15 09:00");
    assert_eq!(cal.start_of_working_hours(date("2026-10-01")).unwrap(), None);
    // A working Saturday of the National Day schedule opens like any working day.
    assert_eq!(
        shown(cal.start_of_working_hours(date("2026-10-10")).unwrap().unwrap()),
        "2026-10-10 09:00"
    );
    let ten = kefu_domain::duration::WorkingDuration::days(10).unwrap();
    // 15–18, 21–25 and 28 December: due at the close of the 28th.
    assert_eq!(shown(cal.add_working(opens, ten).unwrap().at), "2026-12-28 18:00");
}
