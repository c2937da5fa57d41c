//! SLA clocks on the shipped mainland-China calendar (RULES.md §3, R-T). Every expected value
//! was worked out by hand (hours 09:00–12:00 and 13:30–18:00, 1WD = 7.5 h), not from the code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, FixedOffset, TimeDelta, TimeZone, Utc};
use kefu_domain::calendar::{BusinessCalendar, Coverage};
use kefu_domain::sla::{
    ClockDef, ClockRun, ClockState, ClockStatus, NegotiatedDue, SlaPolicy, compute,
};

fn cal() -> BusinessCalendar {
    BusinessCalendar::mainland_china().unwrap()
}

fn def(name: &str) -> ClockDef {
    SlaPolicy::default().clock(name).unwrap().clone()
}

/// `2026-09-30 17:00` in Beijing time.
fn at(text: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    FixedOffset::east_opt(8 * 3600).unwrap().from_local_datetime(&naive).unwrap().to_utc()
}

fn run(start: &str) -> ClockRun {
    ClockRun::new(at(start))
}

fn status(name: &str, run: &ClockRun, now: &str) -> ClockStatus {
    compute(&def(name), run, &cal(), at(now)).unwrap()
}

fn due(name: &str, start: &str) -> DateTime<Utc> {
    status(name, &run(start), start).due
}

fn hours(h: i64, m: i64) -> TimeDelta {
    TimeDelta::hours(h) + TimeDelta::minutes(m)
}

#[test]
fn r_t_3_self_resolve_crosses_national_day() {
    // Wed 17:00–18:00 is 1 h; 10-01..07 off; Thu 10-08, Fri 10-09, the working Saturday 10-10
    // and Mon 10-12 give 30 h; Tue 10-13 09:00–12:00 and 13:30–17:00 the last 6.5 h.
    let s = status("self_resolve", &run("2026-09-30 17:00"), "2026-09-30 17:00");
    assert_eq!(s.due, at("2026-10-13 17:00"));
    assert_eq!(
        (s.state, s.coverage, s.elapsed_percent),
        (ClockState::Running, Coverage::Scheduled, 0)
    );
    assert_eq!(s.remaining_working, hours(37, 30));
}

#[test]
fn r_t_2_evidence_by_the_end_of_the_first_working_day() {
    assert_eq!(due("evidence", "2026-10-10 15:00"), at("2026-10-10 18:00")); // working Saturday
    assert_eq!(due("evidence", "2026-10-11 15:00"), at("2026-10-12 18:00")); // Sunday
    assert_eq!(due("evidence", "2026-03-10 18:30"), at("2026-03-11 18:00")); // after the close
}

#[test]
fn r_t_1_written_ticket_and_verbal_hand_over() {
    assert_eq!(due("written_ticket", "2026-03-10 11:50"), at("2026-03-10 13:50")); // lunch
    assert_eq!(due("verbal_handover", "2026-03-14 21:00"), at("2026-03-14 21:05")); // calendar
}

#[test]
fn r_t_7_half_a_working_day_from_friday_afternoon() {
    // Fri 16:00–18:00 is 2 h; the remaining 1.75 h end Monday 10:45.
    assert_eq!(due("internal_reply", "2026-03-13 16:00"), at("2026-03-16 10:45"));
    // 1.5WD: Friday 2 h, Monday 7.5 h, Tuesday 09:00–10:45.
    assert_eq!(due("internal_reply_with_survey", "2026-03-13 16:00"), at("2026-03-17 10:45"));
}

#[test]
fn r_t_8_one_calendar_day_across_a_weekend() {
    let r = run("2026-03-13 17:00");
    let s = status("internal_approval", &r, "2026-03-14 12:00");
    assert_eq!(s.due, at("2026-03-14 17:00")); // Saturday: calendar time ignores the weekend
    // Real time: 19 h of 24 is 79 %; working time left is none (Saturday is off).
    assert_eq!((s.state, s.elapsed_percent), (ClockState::Running, 79));
    assert_eq!(s.remaining_working, TimeDelta::zero());
    let s = status("internal_approval", &r, "2026-03-14 12:12");
    assert_eq!((s.state, s.elapsed_percent), (ClockState::Warning, 80));
    assert_eq!(status("internal_approval", &r, "2026-03-13 17:30").remaining_working, hours(0, 30));
    assert_eq!(due("special_approval", "2026-03-13 17:00"), at("2026-03-16 17:00"));
}

#[test]
fn r_t_9_progress_feedback_recurs_after_each_report() {
    let mut r = run("2026-03-09 10:00");
    assert_eq!(status("progress_feedback", &r, "2026-03-09 10:00").due, at("2026-03-12 10:00"));
    // Reported Wed 15:00: the next 3WD are Wed 3 h, Thu and Fri 15 h, Mon 09:00–15:00.
    r.last_reset = Some(at("2026-03-11 15:00"));
    let s = status("progress_feedback", &r, "2026-03-12 11:00");
    assert_eq!(s.due, at("2026-03-16 15:00"));
    // 5 h of 22.5 h used since the report.
    assert_eq!((s.state, s.elapsed_percent), (ClockState::Running, 22));
    // A clock that does not recur ignores resets.
    assert_eq!(
        compute(&def("self_resolve"), &r, &cal(), at("2026-03-12 11:00")).unwrap().due,
        at("2026-03-16 10:00")
    );
}

#[test]
fn r_t_9_negotiated_due_replaces_the_computed_one() {
    let mut r = run("2026-03-09 10:00");
    r.negotiated_due = Some(NegotiatedDue {
        due: at("2026-03-20 18:00"),
        agreed_by: "zhang.wei".into(),
        agreed_at: at("2026-03-10 10:00"),
    });
    r.pauses = vec![(at("2026-03-11 09:00"), Some(at("2026-03-11 18:00")))];
    let s = status("progress_feedback", &r, "2026-03-19 10:00");
    assert_eq!(s.due, at("2026-03-20 18:00")); // pauses do not move it
    // Counted from the agreement, pauses included: 52.5 h used of the 66.5 h from Tue 10:00
    // to Fri 18:00 the week after.
    assert_eq!((s.state, s.elapsed_percent), (ClockState::Running, 78));
    let s = status("progress_feedback", &r, "2026-03-21 09:00");
    assert_eq!(s.state, ClockState::Breached);
    let text = serde_json::to_string(&r).unwrap();
    assert!(text.contains(r#""agreed_by":"zhang.wei""#), "{text}");
    assert_eq!(serde_json::from_str::<ClockRun>(&text).unwrap(), r);
    r.negotiated_due.as_mut().unwrap().agreed_by = " ".into();
    let err = compute(&def("progress_feedback"), &r, &cal(), at("2026-03-19 10:00")).unwrap_err();
    assert_eq!(err.code(), "negotiated_without_agreement");
}

#[test]
fn r_t_12_one_month_clamps_to_the_last_day() {
    assert_eq!(due("node_callback_after_contract", "2026-01-31 10:00"), at("2026-02-28 10:00"));
    assert_eq!(
        due("node_callback_after_mass_handover", "2026-03-31 20:15"),
        at("2026-04-30 20:15")
    );
    assert_eq!(due("node_callback_after_contract", "2026-12-15 09:00"), at("2027-01-15 09:00"));
    assert_eq!(
        due("node_callback_after_repair_closed", "2026-09-30 17:00"),
        at("2026-10-07 17:00")
    );
}

#[test]
fn r_t_0_pause_pushes_the_due_by_its_working_time() {
    // 5WD from Tue 03-10 10:00 is Tue 03-17 10:00. A pause Wed 10:00–20:00 holds 6.5 h of
    // working time, which moves the due to Tue 03-17 18:00.
    let mut r = run("2026-03-10 10:00");
    assert_eq!(status("self_resolve", &r, "2026-03-10 10:00").due, at("2026-03-17 10:00"));
    r.pauses = vec![(at("2026-03-11 10:00"), Some(at("2026-03-11 20:00")))];
    assert_eq!(status("self_resolve", &r, "2026-03-12 10:00").due, at("2026-03-17 18:00"));
    // A weekend pause holds no working time: the due stays, never earlier.
    r.pauses = vec![(at("2026-03-14 08:00"), Some(at("2026-03-15 20:00")))];
    assert_eq!(status("self_resolve", &r, "2026-03-16 10:00").due, at("2026-03-17 10:00"));
    // A pause that starts after the due changes nothing.
    r.pauses = vec![(at("2026-03-17 11:00"), Some(at("2026-03-18 11:00")))];
    assert_eq!(status("self_resolve", &r, "2026-03-18 12:00").due, at("2026-03-17 10:00"));
    // End of working day: a pause 11:00–14:30 holds 2 h, so 18:00 becomes Wed 11:00.
    let mut r = run("2026-03-10 10:00");
    r.pauses = vec![(at("2026-03-10 11:00"), Some(at("2026-03-10 14:30")))];
    assert_eq!(status("evidence", &r, "2026-03-10 15:00").due, at("2026-03-11 11:00"));
    // Calendar time: a pause moves it by its real length.
    let mut r = run("2026-03-13 17:00");
    r.pauses = vec![(at("2026-03-13 22:00"), Some(at("2026-03-14 00:30")))];
    assert_eq!(status("internal_approval", &r, "2026-03-14 01:00").due, at("2026-03-14 19:30"));
}

#[test]
fn r_t_0_open_pause_is_paused_and_counts_until_now() {
    let mut r = run("2026-03-10 10:00");
    r.pauses = vec![(at("2026-03-11 10:00"), None)];
    let s = status("self_resolve", &r, "2026-03-11 14:30");
    // 3 h paused so far; 7.5 h used before the pause, 30 h left.
    assert_eq!(s.due, at("2026-03-17 14:30"));
    assert_eq!((s.state, s.elapsed_percent), (ClockState::Paused, 20));
    assert_eq!(s.remaining_working, hours(30, 0));
    // Stopped while paused: the pause ends with the clock.
    r.stopped_at = Some(at("2026-03-11 14:30"));
    let s = status("self_resolve", &r, "2026-03-20 10:00");
    assert_eq!(
        (s.due, s.state, s.remaining_working),
        (at("2026-03-17 14:30"), ClockState::Met, TimeDelta::zero())
    );
}

#[test]
fn r_t_3_states_over_time() {
    // Due Tue 03-17 10:00; 80 % of 37.5 h is 30 h, reached Mon 03-16 10:00.
    let mut r = run("2026-03-10 10:00");
    let state = |r: &ClockRun, now| status("self_resolve", r, now);
    assert_eq!(state(&r, "2026-03-16 09:59").state, ClockState::Running);
    assert_eq!(state(&r, "2026-03-16 09:59").elapsed_percent, 79);
    assert_eq!(state(&r, "2026-03-16 10:00").state, ClockState::Warning);
    assert_eq!(state(&r, "2026-03-16 10:00").elapsed_percent, 80);
    assert_eq!(state(&r, "2026-03-17 10:00").state, ClockState::Breached);
    assert_eq!(state(&r, "2026-03-18 10:00").elapsed_percent, 120);
    r.stopped_at = Some(at("2026-03-17 10:00"));
    assert_eq!(state(&r, "2026-03-18 10:00").state, ClockState::Met);
    assert_eq!(state(&r, "2026-03-18 10:00").elapsed_percent, 100);
    r.stopped_at = Some(at("2026-03-17 10:01"));
    assert_eq!(state(&r, "2026-03-18 10:00").state, ClockState::MetLate);
    assert_eq!(serde_json::to_string(&ClockState::MetLate).unwrap(), r#""met_late""#);
}

#[test]
fn impossible_runs_are_refused() {
    let code = |r: &ClockRun| {
        compute(&def("self_resolve"), r, &cal(), at("2026-03-12 10:00")).unwrap_err().code()
    };
    let mut r = run("2026-03-10 10:00");
    r.stopped_at = Some(at("2026-03-10 09:00"));
    assert_eq!(code(&r), "stop_before_start");
    let mut r = run("2026-03-10 10:00");
    r.last_reset = Some(at("2026-03-10 09:00"));
    assert_eq!(code(&r), "reset_before_start");
    let mut r = run("2026-03-10 10:00");
    r.pauses = vec![
        (at("2026-03-10 11:00"), None),
        (at("2026-03-10 12:00"), Some(at("2026-03-10 13:00"))),
    ];
    assert_eq!(code(&r), "pause_order");
    r.pauses = vec![(at("2026-03-10 11:00"), Some(at("2026-03-10 10:30")))];
    assert_eq!(code(&r), "pause_order");
    r.pauses = vec![(at("2026-03-10 09:00"), Some(at("2026-03-10 10:30")))];
    assert_eq!(code(&r), "pause_order");
}
