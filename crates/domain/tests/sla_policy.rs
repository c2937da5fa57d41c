//! The SLA policy as a document: the defaults of RULES.md §3 (R-T), JSON, and validation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use kefu_domain::sla::{ClockDef, DueRule, SlaPolicy};
use serde_json::json;

fn after(text: &str) -> DueRule {
    DueRule::After(text.parse().unwrap())
}

#[test]
fn r_t_defaults_follow_the_clock_column() {
    let policy = SlaPolicy::default();
    assert_eq!(policy.validate(), vec![]);
    let expected = [
        ("written_ticket", "R-T-1", after("30WM")),
        ("verbal_handover", "R-T-1", after("PT5M")),
        ("evidence", "R-T-2", DueRule::EndOfWorkingDay(1)),
        ("self_resolve", "R-T-3", after("5WD")),
        ("plan", "R-T-4", after("1WD")),
        ("approve_and_start", "R-T-5", after("1WD")),
        ("acceptance_signed", "R-T-5", DueRule::EndOfWorkingDay(1)),
        ("callback", "R-T-6", after("1WD")),
        ("internal_reply", "R-T-7", after("0.5WD")),
        ("internal_reply_with_survey", "R-T-7", after("1.5WD")),
        ("committed_reply_time", "R-T-7", after("0.5WD")),
        ("internal_approval", "R-T-8", after("P1D")),
        ("special_approval_answer", "R-T-8", after("P1D")),
        ("special_approval", "R-T-8", after("P3D")),
        ("progress_feedback", "R-T-9", after("3WD")),
        ("documents", "R-T-10", after("1WD")),
        ("front_desk_feedback", "R-T-11", after("P3D")),
        ("node_callback_after_contract", "R-T-12", DueRule::CalendarMonths(1)),
        ("node_callback_after_complaint_closed", "R-T-12", after("P7D")),
        ("node_callback_after_mass_handover", "R-T-12", DueRule::CalendarMonths(1)),
        ("node_callback_after_repair_closed", "R-T-12", after("P7D")),
    ];
    let got: Vec<_> =
        policy.clocks.iter().map(|c| (c.name.as_str(), c.rule_id.as_str(), c.due)).collect();
    assert_eq!(got, expected);
    assert!(policy.clocks.iter().all(|c| c.warning_percent == 80 && !c.label_zh.is_empty()));
}

#[test]
fn r_t_9_progress_feedback_recurs_until_resolved() {
    let policy = SlaPolicy::default();
    let c = policy.clock("progress_feedback").unwrap();
    assert_eq!(c.recurrence, Some("3WD".parse().unwrap()));
    assert_eq!(c.reset_event.as_deref(), Some("progress_reported"));
    assert_eq!(
        (c.start_event.as_str(), c.stop_event.as_str()),
        ("complaint_received", "complaint_resolved")
    );
}

#[test]
fn r_cb_4_node_callbacks_pause_during_the_satisfaction_survey() {
    let policy = SlaPolicy::default();
    for c in policy.clocks.iter().filter(|c| c.rule_id == "R-T-12") {
        assert_eq!(c.pause_states, ["satisfaction_survey_period"], "{}", c.name);
    }
}

#[test]
fn json_round_trip() {
    let policy = SlaPolicy::default();
    let text = serde_json::to_string(&policy).unwrap();
    assert_eq!(serde_json::from_str::<SlaPolicy>(&text).unwrap(), policy);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let progress =
        value["clocks"].as_array().unwrap().iter().find(|c| c["name"] == "progress_feedback");
    assert_eq!(
        progress.unwrap(),
        &json!({
            "name": "progress_feedback", "rule_id": "R-T-9", "label_zh": "进度反馈",
            "start_event": "complaint_received", "stop_event": "complaint_resolved",
            "due": {"after": "3WD"}, "recurrence": "3WD", "reset_event": "progress_reported",
            "warning_percent": 80
        })
    );
}

#[test]
fn json_defaults_and_refusals() {
    let minimal = json!({"clocks": [{
        "name": "x", "rule_id": "R-T-3", "label_zh": "测试", "start_event": "a",
        "stop_event": "b", "due": {"end_of_working_day": 2}
    }]});
    let policy: SlaPolicy = serde_json::from_value(minimal.clone()).unwrap();
    let c: &ClockDef = &policy.clocks[0];
    assert_eq!((c.warning_percent, c.recurrence, c.pause_states.len()), (80, None, 0));
    let mut typo = minimal.clone();
    typo["clocks"][0]["warning_percnt"] = json!(50);
    assert!(
        serde_json::from_value::<SlaPolicy>(typo)
            .unwrap_err()
            .to_string()
            .contains("warning_percnt")
    );
    let mut bad_due = minimal;
    bad_due["clocks"][0]["due"] = json!({"after": "5 days"});
    assert!(
        serde_json::from_value::<SlaPolicy>(bad_due)
            .unwrap_err()
            .to_string()
            .contains("not a duration")
    );
}

#[test]
fn validate_names_each_bad_field() {
    let mut policy = SlaPolicy::default();
    let c = &mut policy.clocks[3];
    c.warning_percent = 0;
    c.start_event = "Complaint-Received".into();
    c.pause_states = vec!["awaiting_customer".into(), "awaiting_customer".into(), "".into()];
    policy.clocks[4].name = "self_resolve".into();
    policy.clocks[5].due = after("0WD");
    policy.clocks[6].due = DueRule::EndOfWorkingDay(0);
    policy.clocks[7].rule_id = "T-6".into();
    policy.clocks[8].label_zh = " ".into();
    policy.clocks[9].stop_event = policy.clocks[9].start_event.clone();
    policy.clocks[10].recurrence = Some("PT0S".parse().unwrap());
    policy.clocks[11].reset_event = Some("approval_reminded".into());
    policy.clocks[14].reset_event = None;
    policy.clocks[17].due = DueRule::CalendarMonths(61);
    policy.clocks[18].warning_percent = 101;
    let got: Vec<_> = policy.validate().into_iter().map(|p| (p.path, p.code)).collect();
    let expected = [
        ("clocks[3].start_event", "invalid_name"),
        ("clocks[3].pause_states[1]", "duplicate_pause_state"),
        ("clocks[3].pause_states[2]", "invalid_name"),
        ("clocks[3].warning_percent", "out_of_range"),
        ("clocks[4].name", "duplicate_name"),
        ("clocks[5].due.after", "zero_duration"),
        ("clocks[6].due.end_of_working_day", "out_of_range"),
        ("clocks[7].rule_id", "invalid_rule_id"),
        ("clocks[8].label_zh", "label_required"),
        ("clocks[9].stop_event", "same_as_start_event"),
        ("clocks[10].reset_event", "reset_event_required"),
        ("clocks[11].recurrence", "recurrence_required"),
        ("clocks[14].reset_event", "reset_event_required"),
        ("clocks[17].due.calendar_months", "out_of_range"),
        ("clocks[18].warning_percent", "out_of_range"),
    ];
    let expected: Vec<_> = expected.iter().map(|&(p, c)| (p.to_owned(), c)).collect();
    assert_eq!(got, expected);
    let problems = policy.validate();
    assert!(problems.iter().all(|p| !p.message.is_empty()));
    let shown = serde_json::to_value(&problems[0]).unwrap();
    assert_eq!(shown["path"], "clocks[3].start_event");
    assert_eq!(shown["code"], "invalid_name");
}

#[test]
fn validate_checks_recurrence_and_reset_event_together() {
    let mut policy = SlaPolicy::default();
    let c = &mut policy.clocks[14];
    c.recurrence = Some("0WD".parse().unwrap());
    c.reset_event = Some("9".into());
    let got: Vec<_> = policy.validate().into_iter().map(|p| (p.path, p.code)).collect();
    assert_eq!(
        got,
        [
            ("clocks[14].recurrence".to_owned(), "zero_duration"),
            ("clocks[14].reset_event".to_owned(), "invalid_name")
        ]
    );
}
