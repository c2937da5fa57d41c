//! Holiday-schedule files (CSV and JSON) and calendar settings: round trips, and bad files
//! refused with their line (CSV) or item (JSON) and field, with nothing applied.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use kefu_domain::calendar::{
    BusinessCalendar, CalendarConfig, DayBlocks, DayKind, Position, WeeklyHours, YearSchedule,
    mainland_china_schedules,
};

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

const CUSTOM: &str = "\u{feff}date,kind,name,blocks\r
2026-03-10,holiday,\"Company day, all offices\",\r
\r
2026-03-14,workday,,\r
2026-03-15,workday,Stocktake,10:00-12:00;13:00-15:00\r
2026-03-16,half_day,\"Say \"\"hi\"\"\",\r
2026-03-17,half_day,,13:30-18:00\r
";

#[test]
fn csv_reads_every_kind() {
    let s = YearSchedule::from_csv(2026, Some("company notice".into()), CUSTOM).unwrap();
    assert_eq!(s.days().len(), 5);
    let day = |d| s.get(date(d)).unwrap();
    assert_eq!(day("2026-03-10").name(), "Company day, all offices");
    assert_eq!(day("2026-03-10").kind(), &DayKind::Holiday);
    assert_eq!(day("2026-03-14").kind(), &DayKind::Workday(None));
    let stocktake: DayBlocks = "10:00-12:00;13:00-15:00".parse().unwrap();
    assert_eq!(day("2026-03-15").kind(), &DayKind::Workday(Some(stocktake)));
    assert_eq!(day("2026-03-16").name(), "Say \"hi\"");
    assert_eq!(day("2026-03-16").kind(), &DayKind::HalfDay(DayBlocks::morning()));
    assert_eq!(day("2026-03-17").kind(), &DayKind::HalfDay("13:30-18:00".parse().unwrap()));
    // Export, import: the same schedule.
    let again = YearSchedule::from_csv(2026, Some("company notice".into()), &s.to_csv()).unwrap();
    assert_eq!(again, s);
    assert_eq!(YearSchedule::from_json(&s.to_json()).unwrap(), s);
}

#[test]
fn official_schedules_round_trip_through_csv_and_json() {
    for s in mainland_china_schedules().unwrap() {
        let csv = s.to_csv();
        assert!(csv.starts_with("date,kind,name,blocks\n"));
        let source = s.source().map(str::to_owned);
        assert_eq!(YearSchedule::from_csv(s.year(), source, &csv).unwrap(), s);
        assert_eq!(YearSchedule::from_json(&s.to_json()).unwrap(), s);
        let via_serde: YearSchedule =
            serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(via_serde, s);
    }
}

#[test]
fn bad_csv_files_name_line_and_field() {
    let header = "date,kind,name,blocks\n";
    let cases = [
        (
            "2026-03-02,workday,,09:00-12:00\n2026-03-03,workday,,09:00-12:00;11:00-13:00\n",
            3,
            "blocks",
            "overlapping_blocks",
        ),
        ("2026-03-02,vacation,Trip,\n", 2, "kind", "unknown_day_kind"),
        ("2026-02-30,holiday,Nope,\n", 2, "date", "invalid_date"),
        ("2026-3-2,holiday,Nope,\n", 2, "date", "invalid_date"),
        ("2025-12-31,holiday,Eve,\n", 2, "date", "date_outside_year"),
        ("2026-05-01,holiday,A,\n\n2026-05-01,holiday,B,\n", 4, "date", "duplicate_date"),
        ("2026-05-01,holiday,A\n", 2, "columns", "schedule_syntax"),
        ("2026-05-01,holiday,A,,extra\n", 2, "columns", "schedule_syntax"),
        ("2026-05-01,holiday,\"A,\n", 2, "columns", "schedule_syntax"),
        ("2026-05-01,holiday,A,09:00-12:00\n", 2, "blocks", "field_not_allowed"),
        ("2026-05-01,holiday,,\n", 2, "name", "missing_field"),
        ("2026-05-01,,A,\n", 2, "kind", "missing_field"),
        ("2026-05-02,half_day,,12:00-09:00\n", 2, "blocks", "block_order"),
        ("2026-05-02,workday,,9-12\n", 2, "blocks", "block_format"),
    ];
    for (body, line, field, code) in cases {
        let err = YearSchedule::from_csv(2026, None, &format!("{header}{body}"))
            .unwrap_err()
            .first()
            .clone();
        assert_eq!((err.at, err.field, err.code()), (Position::Line(line), field, code), "{body}");
        assert!(err.to_string().starts_with(&format!("line {line}, field `{field}`")), "{err}");
    }
    for text in ["", "2026-05-01,holiday,A,\n", "date,kind,name\n", "date;kind;name;blocks\n"] {
        let err = YearSchedule::from_csv(2026, None, text).unwrap_err().first().clone();
        assert_eq!((err.at, err.field), (Position::Line(1), "header"), "{text:?}");
    }
    assert_eq!(YearSchedule::from_csv(1800, None, header).unwrap_err().code(), "invalid_year");
}

#[test]
fn bad_json_files_name_item_and_field() {
    let wrap = |days: &str| format!("{{\"year\": 2026, \"days\": [{days}]}}");
    let ok = r#"{"date": "2026-05-01", "kind": "holiday", "name": "劳动节"}"#;
    let cases = [
        (
            wrap(&format!(r#"{ok}, {{"date": "2026-05-02", "kind": "party", "name": "x"}}"#)),
            1,
            "kind",
            "unknown_day_kind",
        ),
        (
            wrap(r#"{"date": "2026/05/01", "kind": "holiday", "name": "x"}"#),
            0,
            "date",
            "invalid_date",
        ),
        (
            wrap(r#"{"date": 20260501, "kind": "holiday", "name": "x"}"#),
            0,
            "date",
            "schedule_syntax",
        ),
        (wrap(&format!("{ok}, {ok}")), 1, "date", "duplicate_date"),
        (
            wrap(r#"{"date": "2027-01-01", "kind": "holiday", "name": "x"}"#),
            0,
            "date",
            "date_outside_year",
        ),
        (
            wrap(
                r#"{"date": "2026-05-09", "kind": "workday", "blocks": ["09:00-12:00", "10:00-11:00"]}"#,
            ),
            0,
            "blocks",
            "overlapping_blocks",
        ),
        (
            wrap(
                r#"{"date": "2026-05-09", "kind": "workday", "blocks": "09:00-12:00", "hours": 3}"#,
            ),
            0,
            "days",
            "schedule_syntax",
        ),
        (wrap(&format!(r#"{ok}, "2026-05-02""#)), 1, "days", "schedule_syntax"),
    ];
    for (text, item, field, code) in cases {
        let err = YearSchedule::from_json(&text).unwrap_err().first().clone();
        assert_eq!((err.at, err.field, err.code()), (Position::Item(item), field, code), "{text}");
        assert!(err.to_string().starts_with(&format!("days[{item}], field `{field}`")), "{err}");
    }
    let documents = [
        ("{\"year\": 2026, \"days\": [", "document", "schedule_syntax"),
        ("[]", "document", "schedule_syntax"),
        ("{\"days\": []}", "year", "missing_field"),
        ("{\"year\": \"2026\", \"days\": []}", "year", "invalid_year"),
        ("{\"year\": 2026}", "days", "missing_field"),
        ("{\"year\": 2026, \"source\": 1, \"days\": []}", "source", "schedule_syntax"),
    ];
    for (text, field, code) in documents {
        let err = YearSchedule::from_json(text).unwrap_err().first().clone();
        assert_eq!((err.at, err.field, err.code()), (Position::Document, field, code), "{text}");
    }
    let arrays = wrap(
        r#"{"date": "2026-05-09", "kind": "workday", "blocks": ["13:30-18:00", "09:00-12:00"]}"#,
    );
    let s = YearSchedule::from_json(&arrays).unwrap();
    assert_eq!(s.days()[0].kind(), &DayKind::Workday(Some(DayBlocks::standard())));
}

#[test]
fn an_import_is_applied_whole_or_not_at_all() {
    let cal = BusinessCalendar::mainland_china().unwrap();
    let before = cal.clone();
    let bad = "date,kind,name,blocks\n2026-03-10,holiday,A,\n2026-03-11,holiday,B,\n2026-13-01,holiday,C,\n";
    assert!(YearSchedule::from_csv(2026, None, bad).is_err());
    assert_eq!(cal, before);
    assert!(cal.is_working_day(date("2026-03-10")));
    let good = "date,kind,name,blocks\n2026-03-10,holiday,A,\n";
    let replaced = cal.with_schedule(YearSchedule::from_csv(2026, None, good).unwrap()).unwrap();
    assert!(!replaced.is_working_day(date("2026-03-10")));
    // The whole 2026 schedule was replaced: National Day is now an ordinary Thursday.
    assert!(replaced.is_working_day(date("2026-10-01")));
    assert!(!replaced.is_working_day(date("2025-10-01")));
    assert!(cal.is_working_day(date("2026-03-10")));
}

#[test]
fn calendar_settings_round_trip_through_json() {
    let cal = BusinessCalendar::mainland_china().unwrap();
    let json = serde_json::to_string(&cal).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["time_zone"], "Asia/Shanghai");
    assert_eq!(value["week"]["monday"], "09:00-12:00;13:30-18:00");
    assert_eq!(value["week"]["saturday"], "");
    assert_eq!(value["standard_day_minutes"], 450);
    assert_eq!(value["schedules"][1]["days"][0]["kind"], "holiday");
    let back: BusinessCalendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cal);
    assert!(!back.is_working_day(date("2026-10-01")));
}

#[test]
fn calendar_settings_are_checked() {
    let bad_zone = CalendarConfig { time_zone: "Asia/Beijing".into(), ..CalendarConfig::default() };
    assert_eq!(BusinessCalendar::new(bad_zone).unwrap_err().code(), "unknown_time_zone");
    let bad_day = CalendarConfig { standard_day_minutes: 0, ..CalendarConfig::default() };
    assert_eq!(BusinessCalendar::new(bad_day).unwrap_err().code(), "standard_day");
    let mut twice = CalendarConfig {
        schedules: mainland_china_schedules().unwrap(),
        ..CalendarConfig::default()
    };
    twice.schedules.push(twice.schedules[0].clone());
    assert_eq!(BusinessCalendar::new(twice).unwrap_err().code(), "duplicate_year");
    let json = r#"{"time_zone": "Asia/Shanghai", "week": {"monday": "09:00-12:00;11:00-13:00",
        "tuesday": "", "wednesday": "", "thursday": "", "friday": ""}, "standard_day_minutes": 450}"#;
    let err = serde_json::from_str::<BusinessCalendar>(json).unwrap_err();
    assert!(err.to_string().contains("overlap"), "{err}");
    assert_eq!(BusinessCalendar::default().config(), &CalendarConfig::default());
    assert_eq!(
        BusinessCalendar::new(CalendarConfig::default()).unwrap(),
        BusinessCalendar::default()
    );
    assert_eq!(WeeklyHours::default().total_seconds(), 5 * 27_000);
}

#[test]
fn a_refused_file_names_every_bad_line_not_only_the_first() {
    let text = "date,kind,name,blocks\n2026-10-01,holiday,国庆节,\n2026-13-01,holiday,x,\n2026-10-02,party,y,\n2026-10-01,holiday,again,\n2025-10-03,holiday,z,\n";
    let errors = YearSchedule::from_csv(2026, None, text).unwrap_err();
    let lines: Vec<Position> = errors.all().iter().map(|e| e.at).collect();
    assert_eq!(lines, [Position::Line(3), Position::Line(4)], "{errors}");
    // Once every line reads, the schedule's own rules name every offender too.
    let text = "date,kind,name,blocks\n2026-10-01,holiday,国庆节,\n2026-10-01,holiday,again,\n2025-10-03,holiday,z,\n";
    let errors = YearSchedule::from_csv(2026, None, text).unwrap_err();
    let found: Vec<(Position, &str)> = errors.all().iter().map(|e| (e.at, e.code())).collect();
    assert_eq!(found.len(), 2, "{errors}");
    assert_eq!(found[0].0, Position::Line(3));
    assert_eq!(found[1].0, Position::Line(4));
}
