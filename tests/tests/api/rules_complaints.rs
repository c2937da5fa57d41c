//! One test per rule of RULES.md §1–§2 that intake and grading carry out, named after the rule:
//! the grades of R-CLS-1…15 (at intake and re-graded by a change), the major customer events a
//! single complaint opens (R-EVT-3, R-EVT-4; R-EVT-1 and R-EVT-2 are in `complaints.rs`), and
//! the intake rules R-IN-1…7, on the default policy and the 2026 calendar.

use chrono::TimeDelta;
use kefu_tests::org::Org;
use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use reqwest::Response;
use serde_json::{Value, json};

both_backends! {
    r_cls_1_staff_attitude_is_general => r_cls_1_staff_attitude_is_general;
    r_cls_2_amounts_below_500_cny_are_general => r_cls_2_amounts_below_500_cny_are_general;
    r_cls_3_nothing_matched_is_general_and_settled_at_the_front_line => r_cls_3_nothing_matched_is_general_and_settled_at_the_front_line;
    r_cls_4_sales_promises_are_important => r_cls_4_sales_promises_are_important;
    r_cls_5_design_and_planning_defects_are_important => r_cls_5_design_and_planning_defects_are_important;
    r_cls_6_construction_quality_without_hazard_is_important => r_cls_6_construction_quality_without_hazard_is_important;
    r_cls_7_mortgage_and_title_are_important => r_cls_7_mortgage_and_title_are_important;
    r_cls_8_property_service_is_important => r_cls_8_property_service_is_important;
    r_cls_9_several_centers_are_important => r_cls_9_several_centers_are_important;
    r_cls_10_amounts_from_500_to_below_10000_cny_are_important => r_cls_10_amounts_from_500_to_below_10000_cny_are_important;
    r_cls_11_safety_emergencies_are_major => r_cls_11_safety_emergencies_are_major;
    r_cls_12_mass_handover_group_complaints_are_major => r_cls_12_mass_handover_group_complaints_are_major;
    r_cls_13_government_media_consumer_association_public_attention_are_major => r_cls_13_government_media_consumer_association_public_attention_are_major;
    r_cls_14_structural_or_safety_hazards_are_major => r_cls_14_structural_or_safety_hazards_are_major;
    r_cls_15_amounts_from_10000_cny_are_major => r_cls_15_amounts_from_10000_cny_are_major;
    r_evt_3_media_opens_a_customer_event => r_evt_3_media_opens_a_customer_event;
    r_evt_4_litigation_opens_a_customer_event => r_evt_4_litigation_opens_a_customer_event;
    r_in_1_every_channel_is_accepted_and_no_other => r_in_1_every_channel_is_accepted_and_no_other;
    r_in_2_the_front_end_receives_and_names_the_receiver => r_in_2_the_front_end_receives_and_names_the_receiver;
    r_in_3_whoever_receives_opens_tracks_and_calls_back => r_in_3_whoever_receives_opens_tracks_and_calls_back;
    r_in_4_a_verbal_complaint_on_site_is_passed_on_within_5_minutes => r_in_4_a_verbal_complaint_on_site_is_passed_on_within_5_minutes;
    r_in_5_a_letter_is_acknowledged_by_phone => r_in_5_a_letter_is_acknowledged_by_phone;
    r_in_6_an_early_warning_names_its_source_and_runs_like_a_complaint => r_in_6_an_early_warning_names_its_source_and_runs_like_a_complaint;
    r_in_7_front_desk_requests_run_the_front_desk_clock => r_in_7_front_desk_requests_run_the_front_desk_clock;
}

/// A customer-service manager of the whole group: he receives, works and closes complaints.
async fn manager(app: &TestApp, admin: &str) -> String {
    app.user_with(admin, "cs.manager", &[("cs_manager", "group", None)]).await.1
}

/// The group, its organisation and its customer-service manager's token.
async fn setup(backend: Backend) -> (TestApp, String, Org, String) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    (app, admin, o, cs)
}

/// A phone complaint of project A's customer, with `extra` fields added or replaced.
fn complaint(o: &Org, extra: Value) -> Value {
    let mut body = json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
        "customer_id": o.customers[0], "description": "客户来电投诉"});
    for (field, value) in extra.as_object().unwrap() {
        body[field] = value.clone();
    }
    body
}

async fn receive(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/complaints", token, &body).await;
    assert_eq!(res.status(), 201, "{body}");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = res.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/complaints/{}", created["id"].as_str().unwrap()));
    created
}

/// The grade of a complaint and the rules that gave it.
fn grading(complaint: &Value) -> (&str, Vec<&str>) {
    let rules = complaint["grade_rules"].as_array().unwrap();
    (complaint["grade"].as_str().unwrap(), rules.iter().map(|r| r.as_str().unwrap()).collect())
}

/// Receives a complaint with `extra` facts.
async fn graded(app: &TestApp, token: &str, o: &Org, extra: Value) -> Value {
    receive(app, token, complaint(o, extra)).await
}

/// A change (`PATCH` with the version read) that must succeed; the complaint after it (a
/// change that also opens a customer event moves the version twice: the change, the joining).
async fn change(app: &TestApp, token: &str, complaint: &Value, body: Value) -> Value {
    let path = format!("/api/v1/complaints/{}", id(complaint));
    let res = app.patch(&path, token, complaint["version"].as_i64().unwrap(), &body).await;
    assert_eq!(res.status(), 200, "{body}");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let after: Value = res.json().await.unwrap();
    assert_eq!(etag, format!("\"{}\"", after["version"]));
    assert!(after["version"].as_i64().unwrap() > complaint["version"].as_i64().unwrap());
    after
}

async fn act(app: &TestApp, token: &str, complaint: &Value, body: Value) -> Response {
    let id = complaint["id"].as_str().unwrap();
    app.http
        .post(app.url(&format!("/api/v1/complaints/{id}/transitions")))
        .bearer_auth(token)
        .header("if-match", format!("\"{}\"", complaint["version"]))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Takes an action that must succeed; the complaint after it.
async fn step(app: &TestApp, token: &str, complaint: &Value, body: Value) -> Value {
    let res = act(app, token, complaint, body.clone()).await;
    assert_eq!(res.status(), 200, "{body}");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let after: Value = res.json().await.unwrap();
    assert_eq!(etag, format!("\"{}\"", after["version"]));
    assert_eq!(after["version"], complaint["version"].as_i64().unwrap() + 1);
    after
}

/// The written ticket, then the evidence: the complaint is being investigated.
async fn investigate(app: &TestApp, token: &str, complaint: &Value) -> Value {
    let c = step(app, token, complaint, json!({"action": "write_ticket"})).await;
    let c =
        step(app, token, &c, json!({"action": "collect_evidence", "findings": "现场核实"})).await;
    assert_eq!(c["state"], "investigating");
    c
}

fn clock<'a>(complaint: &'a Value, name: &str) -> &'a Value {
    complaint["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clock"] == name)
        .unwrap_or_else(|| panic!("no clock {name}: {complaint}"))
}

/// The names of a complaint's clocks, sorted.
fn clock_names(complaint: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = complaint["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["clock"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    names
}

fn actions(complaint: &Value) -> Vec<&str> {
    complaint["allowed_actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect()
}

/// The complaint's timeline, oldest first.
async fn timeline(app: &TestApp, token: &str, complaint: &Value) -> Vec<Value> {
    let path = format!("/api/v1/complaints/{}/events", id(complaint));
    let events: Value = app.get(&path, token).await.json().await.unwrap();
    events["items"].as_array().unwrap().clone()
}

/// The customer events of a project.
async fn customer_events(app: &TestApp, token: &str, project: &str) -> Vec<Value> {
    let path = format!("/api/v1/customer-events?project_id={project}");
    let page: Value = app.get(&path, token).await.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

/// R-CLS-1: staff attitude or service quality is general, with its rule; a small amount keeps
/// it general (both rules listed, ascending); a general complaint is settled by the front line
/// alone (`handle`).
async fn r_cls_1_staff_attitude_is_general(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let c = receive(&app, &cs, complaint(&o, json!({"category": "staff_attitude"}))).await;
    assert_eq!(grading(&c), ("general", vec!["R-CLS-1"]));
    let small = json!({"category": "staff_attitude", "amount_claimed_fen": 20_000});
    assert_eq!(
        grading(&graded(&app, &cs, &o, small).await),
        ("general", vec!["R-CLS-1", "R-CLS-2"])
    );
    let c = investigate(&app, &cs, &c).await;
    assert!(actions(&c).contains(&"handle"), "{c}");
    let c = step(&app, &cs, &c, json!({"action": "handle"})).await;
    assert_eq!(c["state"], "handling");
}

/// R-CLS-2: 1 to 49,999 fen claimed is general; 50,000 is not (R-CLS-10). A change of the
/// amount re-grades: 0 (nothing matched) to 49,999 is R-CLS-2, to 50,000 important.
async fn r_cls_2_amounts_below_500_cny_are_general(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    for amount in [1, 49_999] {
        let extra = json!({"amount_claimed_fen": amount});
        assert_eq!(
            grading(&graded(&app, &cs, &o, extra).await),
            ("general", vec!["R-CLS-2"]),
            "{amount}"
        );
    }
    let c = receive(&app, &cs, complaint(&o, json!({}))).await;
    assert_eq!(grading(&c), ("general", vec!["R-CLS-3"]));
    let c = change(&app, &cs, &c, json!({"amount_claimed_fen": 49_999})).await;
    assert_eq!(grading(&c), ("general", vec!["R-CLS-2"]));
    let c = change(&app, &cs, &c, json!({"amount_claimed_fen": 50_000})).await;
    assert_eq!(
        grading(&c),
        ("important", vec!["R-CLS-10"]),
        "50,000 fen is no longer below 500 CNY"
    );
}

/// R-CLS-3: a complaint no rule matches (no category or `other`, nothing claimed, no flag) is
/// general with `R-CLS-3` alone, and the front line settles it from intake to resolution; once
/// any rule matches, `R-CLS-3` is no longer listed.
async fn r_cls_3_nothing_matched_is_general_and_settled_at_the_front_line(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    assert_eq!(
        grading(&graded(&app, &cs, &o, json!({"category": "other"})).await),
        ("general", vec!["R-CLS-3"])
    );
    let one_fen = json!({"category": "other", "amount_claimed_fen": 1});
    assert_eq!(
        grading(&graded(&app, &cs, &o, one_fen).await),
        ("general", vec!["R-CLS-2"]),
        "R-CLS-3 only when nothing matched"
    );
    let c = receive(&app, &cs, complaint(&o, json!({"amount_claimed_fen": 0}))).await;
    assert_eq!(grading(&c), ("general", vec!["R-CLS-3"]));
    let c = investigate(&app, &cs, &c).await;
    assert!(actions(&c).contains(&"handle"), "{c}");
    let c = step(&app, &cs, &c, json!({"action": "handle"})).await;
    let c = step(&app, &cs, &c, json!({"action": "resolve", "resolution": "当场解释清楚"})).await;
    assert_eq!(c["state"], "resolved");
    assert_eq!(clock(&c, "self_resolve")["state"], "met");
}

/// R-CLS-4: sales promises (marketing material outside the contract) are important; an
/// important complaint is not settled alone: `handle` is not offered and is 409.
async fn r_cls_4_sales_promises_are_important(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let c = receive(
        &app,
        &cs,
        complaint(&o, json!({"category": "sales_promise", "description": "宣传册承诺的会所未建"})),
    )
    .await;
    assert_eq!(grading(&c), ("important", vec!["R-CLS-4"]));
    let c = investigate(&app, &cs, &c).await;
    assert!(!actions(&c).contains(&"handle"), "{c}");
    assert!(actions(&c).contains(&"escalate"), "{c}");
    let res = act(&app, &cs, &c, json!({"action": "handle"})).await;
    let problem = assert_problem(res, 409, "action_not_allowed").await;
    assert_eq!(problem["state"], "investigating");
}

/// R-CLS-5: detail-design or planning defects are important; a small amount claimed as well
/// keeps it important, and only the winning grade's rule is listed.
async fn r_cls_5_design_and_planning_defects_are_important(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    assert_eq!(
        grading(&graded(&app, &cs, &o, json!({"category": "design_planning"})).await),
        ("important", vec!["R-CLS-5"])
    );
    let with_amount = json!({"category": "design_planning", "amount_claimed_fen": 20_000});
    assert_eq!(
        grading(&graded(&app, &cs, &o, with_amount).await),
        ("important", vec!["R-CLS-5"]),
        "R-CLS-2 (general) is not listed"
    );
}

/// R-CLS-6: construction or material quality is important only without a structural or safety
/// hazard: with one it is major (R-CLS-14, R-CLS-11), at intake and when a change adds it.
async fn r_cls_6_construction_quality_without_hazard_is_important(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let c = receive(&app, &cs, complaint(&o, json!({"category": "construction_quality"}))).await;
    assert_eq!(grading(&c), ("important", vec!["R-CLS-6"]));
    let emergency = json!({"category": "construction_quality", "flags": ["safety_emergency"]});
    assert_eq!(grading(&graded(&app, &cs, &o, emergency).await), ("major", vec!["R-CLS-11"]));
    let c = change(&app, &cs, &c, json!({"flags": ["structural_hazard"]})).await;
    assert_eq!(grading(&c), ("major", vec!["R-CLS-14"]));
}

/// R-CLS-7: mortgage release, payment, title certificates are important; with several centers
/// and an important amount the rules ascend by number (R-CLS-9 before R-CLS-10).
async fn r_cls_7_mortgage_and_title_are_important(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    assert_eq!(
        grading(&graded(&app, &cs, &o, json!({"category": "mortgage_title"})).await),
        ("important", vec!["R-CLS-7"])
    );
    let more = json!({"category": "mortgage_title", "amount_claimed_fen": 50_000,
        "flags": ["multi_department"]});
    assert_eq!(
        grading(&graded(&app, &cs, &o, more).await),
        ("important", vec!["R-CLS-7", "R-CLS-9", "R-CLS-10"])
    );
}

/// R-CLS-8: the property-management company's overall service is important, however it came
/// in; the list finds it by grade.
async fn r_cls_8_property_service_is_important(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let c = receive(
        &app,
        &cs,
        complaint(&o, json!({"category": "property_service", "channel": "on_site_property"})),
    )
    .await;
    assert_eq!(grading(&c), ("important", vec!["R-CLS-8"]));
    receive(&app, &cs, complaint(&o, json!({"category": "staff_attitude"}))).await;
    let page: Value =
        app.get("/api/v1/complaints?grade=important", &cs).await.json().await.unwrap();
    let found: Vec<String> = page["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(found, [id(&c)]);
}

/// R-CLS-9: a complaint needing several centers is important: at intake and when a change
/// flags it; taking the flag off again would lower the grade (409: lowering needs approval).
async fn r_cls_9_several_centers_are_important(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    assert_eq!(
        grading(&graded(&app, &cs, &o, json!({"flags": ["multi_department"]})).await),
        ("important", vec!["R-CLS-9"])
    );
    let c = receive(&app, &cs, complaint(&o, json!({"category": "staff_attitude"}))).await;
    assert_eq!(grading(&c), ("general", vec!["R-CLS-1"]));
    let c = change(&app, &cs, &c, json!({"flags": ["multi_department"]})).await;
    assert_eq!(grading(&c), ("important", vec!["R-CLS-9"]));
    let path = format!("/api/v1/complaints/{}", id(&c));
    let res = app.patch(&path, &cs, c["version"].as_i64().unwrap(), &json!({"flags": []})).await;
    assert_problem(res, 409, "conflict").await;
}

/// R-CLS-10: 50,000 to 999,999 fen claimed is important, 49,999 and 1,000,000 are not; it
/// outranks a general category, whose rule is then not listed.
async fn r_cls_10_amounts_from_500_to_below_10000_cny_are_important(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    for (amount, grade, rule) in [
        (49_999, "general", "R-CLS-2"),
        (50_000, "important", "R-CLS-10"),
        (999_999, "important", "R-CLS-10"),
        (1_000_000, "major", "R-CLS-15"),
    ] {
        let extra = json!({"amount_claimed_fen": amount});
        assert_eq!(grading(&graded(&app, &cs, &o, extra).await), (grade, vec![rule]), "{amount}");
    }
    let attitude = json!({"category": "staff_attitude", "amount_claimed_fen": 60_000});
    assert_eq!(grading(&graded(&app, &cs, &o, attitude).await), ("important", vec!["R-CLS-10"]));
}

/// R-CLS-11: an emergency touching life or property safety is major, whatever else matched
/// (only its rule listed); it opens no customer event by itself, and a major complaint is
/// never settled alone.
async fn r_cls_11_safety_emergencies_are_major(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let c = receive(&app, &cs, complaint(&o, json!({"flags": ["safety_emergency"]}))).await;
    assert_eq!(grading(&c), ("major", vec!["R-CLS-11"]));
    assert_eq!(c["customer_event_id"], Value::Null);
    let mixed = json!({"category": "sales_promise", "amount_claimed_fen": 2_000,
        "flags": ["safety_emergency", "multi_department"]});
    assert_eq!(grading(&graded(&app, &cs, &o, mixed).await), ("major", vec!["R-CLS-11"]));
    assert_eq!(customer_events(&app, &cs, &o.projects[0]).await, Vec::<Value>::new());
    let c = investigate(&app, &cs, &c).await;
    assert!(!actions(&c).contains(&"handle"), "{c}");
}

/// R-CLS-12: a group complaint during mass handover is major, at intake and when a change
/// flags a general complaint.
async fn r_cls_12_mass_handover_group_complaints_are_major(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let handover = json!({"flags": ["mass_handover"], "channel": "on_site_sales"});
    assert_eq!(grading(&graded(&app, &cs, &o, handover).await), ("major", vec!["R-CLS-12"]));
    let c = receive(&app, &cs, complaint(&o, json!({"amount_claimed_fen": 100}))).await;
    assert_eq!(grading(&c), ("general", vec!["R-CLS-2"]));
    let c = change(&app, &cs, &c, json!({"flags": ["mass_handover"]})).await;
    assert_eq!(grading(&c), ("major", vec!["R-CLS-12"]));
}

/// R-CLS-13: accepted by a government body, the consumer association, or under media or public
/// attention: major, `R-CLS-13` listed once however many of them; media also opens an event
/// (R-EVT-3), the others do not.
async fn r_cls_13_government_media_consumer_association_public_attention_are_major(
    backend: Backend,
) {
    let (app, _, o, cs) = setup(backend).await;
    for flag in ["government", "consumer_association", "public_attention"] {
        let c = receive(&app, &cs, complaint(&o, json!({"flags": [flag]}))).await;
        assert_eq!(grading(&c), ("major", vec!["R-CLS-13"]), "{flag}");
        assert_eq!(c["customer_event_id"], Value::Null, "{flag}");
    }
    let both = json!({"flags": ["government", "public_attention", "consumer_association"]});
    assert_eq!(grading(&graded(&app, &cs, &o, both).await), ("major", vec!["R-CLS-13"]));
    assert_eq!(customer_events(&app, &cs, &o.projects[0]).await, Vec::<Value>::new());
    assert_eq!(
        grading(&graded(&app, &cs, &o, json!({"flags": ["media"]})).await),
        ("major", vec!["R-CLS-13", "R-EVT-3"])
    );
}

/// R-CLS-14: a structural design defect, or construction quality with a structural or safety
/// hazard, is major; the important category's rule is then not listed.
async fn r_cls_14_structural_or_safety_hazards_are_major(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    for category in ["construction_quality", "design_planning"] {
        let extra = json!({"category": category, "flags": ["structural_hazard"]});
        assert_eq!(
            grading(&graded(&app, &cs, &o, extra).await),
            ("major", vec!["R-CLS-14"]),
            "{category}"
        );
    }
    assert_eq!(
        grading(&graded(&app, &cs, &o, json!({"flags": ["structural_hazard"]})).await),
        ("major", vec!["R-CLS-14"])
    );
}

/// R-CLS-15: from 1,000,000 fen claimed a complaint is major (999,999 is important); below the
/// event amount (R-EVT-2) it opens no event; a change of the amount across the boundary
/// re-grades it.
async fn r_cls_15_amounts_from_10000_cny_are_major(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    for amount in [1_000_000, 1_999_999] {
        let c = receive(&app, &cs, complaint(&o, json!({"amount_claimed_fen": amount}))).await;
        assert_eq!(grading(&c), ("major", vec!["R-CLS-15"]), "{amount}");
        assert_eq!(c["customer_event_id"], Value::Null, "{amount}");
    }
    let c = receive(&app, &cs, complaint(&o, json!({"amount_claimed_fen": 999_999}))).await;
    assert_eq!(grading(&c), ("important", vec!["R-CLS-10"]));
    let c = change(&app, &cs, &c, json!({"amount_claimed_fen": 1_000_000})).await;
    assert_eq!(grading(&c), ("major", vec!["R-CLS-15"]));
    assert_eq!(customer_events(&app, &cs, &o.projects[0]).await, Vec::<Value>::new());
}

/// R-EVT-3: media coverage opens a major customer event for the complaint alone, listed under
/// its project with `R-EVT-3`; the complaint is major and in the event, its timeline says so.
/// Media involved later (a change adding the flag) opens one too.
async fn r_evt_3_media_opens_a_customer_event(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let c = receive(
        &app,
        &cs,
        complaint(&o, json!({"flags": ["media"], "description": "业主向电视台反映渗水"})),
    )
    .await;
    assert_eq!(grading(&c), ("major", vec!["R-CLS-13", "R-EVT-3"]));
    let events = customer_events(&app, &cs, &o.projects[0]).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!((&events[0]["rules"], &events[0]["state"]), (&json!(["R-EVT-3"]), &json!("open")));
    assert_eq!(events[0]["problem_id"], Value::Null);
    assert_eq!(c["customer_event_id"], events[0]["id"]);
    assert_eq!(customer_events(&app, &cs, &o.projects[1]).await, Vec::<Value>::new());
    let kinds: Vec<String> = timeline(&app, &cs, &c)
        .await
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["received", "joined_customer_event"]);

    // Media involved later: the change re-grades and opens an event of its own.
    let later = receive(&app, &cs, complaint(&o, json!({"category": "property_service"}))).await;
    let later = change(&app, &cs, &later, json!({"flags": ["media"]})).await;
    assert_eq!(grading(&later), ("major", vec!["R-CLS-13", "R-EVT-3"]));
    let events = customer_events(&app, &cs, &o.projects[0]).await;
    assert_eq!(events.len(), 2, "media involved later opens an event: {events:?}");
    let read: Value =
        app.get(&format!("/api/v1/complaints/{}", id(&later)), &cs).await.json().await.unwrap();
    assert!(read["customer_event_id"].is_string(), "{read}");
}

/// R-EVT-4: litigation makes a complaint major and opens a major customer event for it alone,
/// whatever its category and amount; a litigated complaint naming a shared problem that too few
/// households raised for R-EVT-1 still opens its own.
async fn r_evt_4_litigation_opens_a_customer_event(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let c = receive(
        &app,
        &cs,
        complaint(
            &o,
            json!({"flags": ["litigation"], "category": "staff_attitude",
            "amount_claimed_fen": 100, "description": "业主已向法院起诉"}),
        ),
    )
    .await;
    assert_eq!(grading(&c), ("major", vec!["R-EVT-4"]));
    let events = customer_events(&app, &cs, &o.projects[0]).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["rules"], json!(["R-EVT-4"]));
    assert_eq!(c["customer_event_id"], events[0]["id"]);

    // A complaint naming a shared problem too short of households still opens an event of its
    // own for litigation.
    let problem = app
        .create("/api/v1/problems", &cs, json!({"project_id": o.projects[1], "title": "车位纠纷"}))
        .await;
    let sued = receive(
        &app,
        &cs,
        complaint(
            &o,
            json!({"project_id": o.projects[1], "customer_id": o.customers[1],
            "problem_id": id(&problem), "flags": ["litigation"], "description": "车位纠纷起诉"}),
        ),
    )
    .await;
    assert_eq!(grading(&sued), ("major", vec!["R-EVT-4"]));
    let events = customer_events(&app, &cs, &o.projects[1]).await;
    assert_eq!(events.len(), 1, "litigation opens an event with one household: {events:?}");
    assert_eq!(events[0]["rules"], json!(["R-EVT-4"]));
    assert_eq!(sued["customer_event_id"], events[0]["id"]);
}

/// R-IN-1: every channel, on site and back office, is accepted and kept (the list filters by
/// it); any other is 422 naming `channel`, and nothing is written.
async fn r_in_1_every_channel_is_accepted_and_no_other(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let channels = [
        "on_site_center",
        "on_site_property",
        "on_site_sales",
        "phone",
        "web",
        "forum",
        "letter",
        "email",
        "visit",
        "other",
    ];
    let mut received = Vec::new();
    for channel in channels {
        let c = receive(&app, &cs, complaint(&o, json!({"channel": channel}))).await;
        assert_eq!(c["channel"], channel);
        received.push(id(&c));
    }
    for (channel, expected) in channels.iter().zip(&received) {
        let page: Value = app
            .get(&format!("/api/v1/complaints?channel={channel}"), &cs)
            .await
            .json()
            .await
            .unwrap();
        let found: Vec<String> = page["items"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(found, vec![expected.as_str()], "{channel}");
    }
    let res =
        app.post("/api/v1/complaints", &cs, &complaint(&o, json!({"channel": "wechat"}))).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"channel"), "{problem}");
    let page: Value = app.get("/api/v1/complaints?count=true", &cs).await.json().await.unwrap();
    assert_eq!(page["total"], channels.len());
}

/// R-IN-2: the front end (property staff of the project) receives a complaint and settles a
/// general one alone; a sales clerk, who cannot work complaints, receives one for the customer
/// center (`received_by`): it is then the customer center's to work. `received_by` must be an
/// active user of the group (422 otherwise, nothing written).
async fn r_in_2_the_front_end_receives_and_names_the_receiver(backend: Backend) {
    let (app, admin, o, cs) = setup(backend).await;
    let project = Some(o.projects[0].as_str());
    let (property_id, property) =
        app.user_with(&admin, "property.a", &[("property_staff", "project", project)]).await;
    let c = receive(
        &app,
        &property,
        complaint(&o, json!({"channel": "on_site_property", "category": "staff_attitude"})),
    )
    .await;
    assert_eq!((&c["receiver_id"], &c["owner_id"]), (&json!(property_id), &json!(property_id)));
    let c = investigate(&app, &property, &c).await;
    let c = step(&app, &property, &c, json!({"action": "handle"})).await;
    assert_eq!(c["state"], "handling");

    let me: Value = app.get("/api/v1/me", &cs).await.json().await.unwrap();
    let (_, sales) = app.user_with(&admin, "sales.a", &[("sales_staff", "project", project)]).await;
    let body = complaint(
        &o,
        json!({"channel": "on_site_sales", "category": "sales_promise", "received_by": me["id"]}),
    );
    let passed = receive(&app, &sales, body).await;
    for person in ["receiver_id", "owner_id", "tracker_id", "callback_owner_id"] {
        assert_eq!(passed[person], me["id"], "{person}");
    }
    assert_eq!(passed["allowed_actions"], json!([]), "the sales clerk does not work it");
    let read: Value =
        app.get(&format!("/api/v1/complaints/{}", id(&passed)), &cs).await.json().await.unwrap();
    assert!(actions(&read).contains(&"write_ticket"), "{read}");

    let (gone, _) = app.user_with(&admin, "cs.gone", &[("cs_specialist", "group", None)]).await;
    let res =
        app.patch(&format!("/api/v1/users/{gone}"), &admin, 1, &json!({"disabled": true})).await;
    assert_eq!(res.status(), 200);
    for received_by in [gone.as_str(), "no-such-user"] {
        let body = complaint(&o, json!({"received_by": received_by}));
        let problem = assert_problem(
            app.post("/api/v1/complaints", &cs, &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "received_by", "{received_by}");
    }
    let page: Value = app.get("/api/v1/complaints?count=true", &cs).await.json().await.unwrap();
    assert_eq!(page["total"], 2);
}

/// R-IN-3: first-contact responsibility. Whoever receives it owns, tracks and calls back; a
/// receiver who passes it on verbally gives it to the colleague, and whoever then opens the
/// ticket tracks it and does the callback.
async fn r_in_3_whoever_receives_opens_tracks_and_calls_back(backend: Backend) {
    let (app, admin, o, cs) = setup(backend).await;
    let me: Value = app.get("/api/v1/me", &cs).await.json().await.unwrap();
    let c = receive(&app, &cs, complaint(&o, json!({"channel": "on_site_center"}))).await;
    for person in ["receiver_id", "owner_id", "tracker_id", "callback_owner_id"] {
        assert_eq!(c[person], me["id"], "{person}");
    }
    let (colleague_id, colleague) =
        app.user_with(&admin, "cs.colleague", &[("cs_specialist", "group", None)]).await;
    let c = step(
        &app,
        &cs,
        &c,
        json!({"action": "hand_over", "to_user_id": colleague_id, "reason": "转交投诉专线"}),
    )
    .await;
    assert_eq!((&c["receiver_id"], &c["owner_id"]), (&me["id"], &json!(colleague_id)));
    assert_eq!(clock(&c, "verbal_handover")["state"], "met");
    let c = step(&app, &colleague, &c, json!({"action": "write_ticket"})).await;
    assert_eq!(c["owner_id"], colleague_id);
    // Whoever opens the ticket tracks it and calls back.
    assert_eq!(
        (&c["tracker_id"], &c["callback_owner_id"]),
        (&json!(colleague_id), &json!(colleague_id)),
        "whoever opens the ticket tracks it and calls back: {c}"
    );
}

/// R-IN-4 (R-T-1): a complaint received on site starts the 5-minute verbal hand-over beside
/// the 30-working-minute written ticket; a hand-over in time meets it, a late one reads
/// breached; a phone complaint has no verbal hand-over.
async fn r_in_4_a_verbal_complaint_on_site_is_passed_on_within_5_minutes(backend: Backend) {
    let (app, admin, o, cs) = setup(backend).await;
    let mut on_site = Vec::new();
    for channel in ["on_site_center", "on_site_property", "on_site_sales"] {
        let c = receive(&app, &cs, complaint(&o, json!({"channel": channel}))).await;
        let handover = clock(&c, "verbal_handover");
        assert_eq!(
            (&handover["rule_id"], &handover["state"]),
            (&json!("R-T-1"), &json!("running")),
            "{channel}"
        );
        assert_eq!(handover["started_at"], "2026-09-30T17:00:00+08:00", "{channel}");
        assert_eq!(handover["due_at"], "2026-09-30T17:05:00+08:00", "{channel}");
        assert_eq!(clock(&c, "written_ticket")["due_at"], "2026-09-30T17:30:00+08:00");
        on_site.push(c);
    }
    let phone = receive(&app, &cs, complaint(&o, json!({"channel": "phone"}))).await;
    assert!(!clock_names(&phone).contains(&"verbal_handover"), "{phone}");
    assert_eq!(clock(&phone, "written_ticket")["rule_id"], "R-T-1");

    let (colleague, _) =
        app.user_with(&admin, "cs.line", &[("cs_specialist", "group", None)]).await;
    app.clock.advance(TimeDelta::minutes(4));
    let handed = step(
        &app,
        &cs,
        &on_site[0],
        json!({"action": "hand_over", "to_user_id": colleague, "reason": "转投诉专线"}),
    )
    .await;
    assert_eq!(clock(&handed, "verbal_handover")["state"], "met");
    assert_eq!(clock(&handed, "verbal_handover")["stopped_at"], "2026-09-30T17:04:00+08:00");
    app.clock.advance(TimeDelta::minutes(2));
    let late: Value = app
        .get(&format!("/api/v1/complaints/{}", id(&on_site[1])), &cs)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(clock(&late, "verbal_handover")["state"], "breached");
    assert_eq!(clock(&late, "written_ticket")["state"], "running", "30 working minutes run on");
}

/// R-IN-5: a letter, whatever its kind, records at intake that the customer is to be told by
/// phone that it was received (the `acknowledgement_task` of the timeline's `received` entry);
/// other channels do not.
async fn r_in_5_a_letter_is_acknowledged_by_phone(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let letter = receive(&app, &cs, complaint(&o, json!({"channel": "letter"}))).await;
    let suggestion = receive(
        &app,
        &cs,
        json!({"kind": "suggestion", "channel": "letter", "project_id": o.projects[0],
            "description": "建议增加儿童游乐设施"}),
    )
    .await;
    for c in [&letter, &suggestion] {
        let entries = timeline(&app, &cs, c).await;
        assert_eq!(entries[0]["kind"], "received");
        assert_eq!(entries[0]["payload"]["acknowledgement_task"], true, "{}", c["kind"]);
        assert_eq!(entries[0]["payload"]["channel"], "letter");
    }
    for channel in ["phone", "email", "on_site_center"] {
        let c = receive(&app, &cs, complaint(&o, json!({"channel": channel}))).await;
        let entries = timeline(&app, &cs, &c).await;
        assert_eq!(entries[0]["payload"]["acknowledgement_task"], false, "{channel}");
    }
    // A letter is not a verbal complaint: no 5-minute hand-over, the written ticket runs.
    assert!(!clock_names(&letter).contains(&"verbal_handover"), "{letter}");
    assert_eq!(clock(&letter, "written_ticket")["state"], "running");
}

/// R-IN-6: an early warning names its source (422 without), needs no customer, keeps its
/// source, and is tracked like a complaint (R-T-1…3 clocks, the complaint's actions); only an
/// early warning has a source.
async fn r_in_6_an_early_warning_names_its_source_and_runs_like_a_complaint(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let warning = |source: Option<&str>| {
        let mut body = json!({"kind": "early_warning", "channel": "forum",
            "project_id": o.projects[0], "description": "论坛发帖：交房延期"});
        if let Some(source) = source {
            body["warning_source"] = json!(source);
        }
        body
    };
    let res = app.post("/api/v1/complaints", &cs, &warning(None)).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "warning_source");
    let res = app
        .post("/api/v1/complaints", &cs, &complaint(&o, json!({"warning_source": "forum"})))
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "warning_source", "only early warnings");

    for source in [
        "forum",
        "house_inspection",
        "title_certificate",
        "leadership_inspection",
        "callback",
        "internal_report",
    ] {
        let w = receive(&app, &cs, warning(Some(source))).await;
        assert_eq!((&w["kind"], &w["warning_source"]), (&json!("early_warning"), &json!(source)));
        assert_eq!(w["customer_id"], Value::Null);
        assert_eq!(w["state"], "received");
        assert_eq!(actions(&w), ["write_ticket", "hand_over", "report_progress", "withdraw"]);
        assert_eq!(
            clock_names(&w),
            ["evidence", "progress_feedback", "self_resolve", "written_ticket"],
            "{source}"
        );
        assert_eq!(clock(&w, "self_resolve")["rule_id"], "R-T-3");
    }
    let page: Value = app
        .get("/api/v1/complaints?kind=early_warning&count=true", &cs)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 6);
}

/// R-IN-7 (R-T-11): repairs, consultations, help, suggestions and praise are taken at the
/// front desk and start only the front desk's 3-day clock, not R-T-1…3, even on site; a repair
/// names its customer, the others need not.
async fn r_in_7_front_desk_requests_run_the_front_desk_clock(backend: Backend) {
    let (app, _, o, cs) = setup(backend).await;
    let request = |kind: &str, customer: bool| {
        let mut body = json!({"kind": kind, "channel": "on_site_property",
            "project_id": o.projects[0], "description": "前台受理"});
        if customer {
            body["customer_id"] = json!(o.customers[0]);
        }
        body
    };
    let res = app.post("/api/v1/complaints", &cs, &request("repair", false)).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "customer_id", "a repair names its customer");
    for (kind, customer) in [
        ("repair", true),
        ("consultation", false),
        ("help", false),
        ("suggestion", false),
        ("praise", false),
    ] {
        let r = receive(&app, &cs, request(kind, customer)).await;
        assert_eq!(r["kind"], kind);
        assert_eq!(clock_names(&r), ["front_desk_feedback"], "{kind}");
        let feedback = clock(&r, "front_desk_feedback");
        assert_eq!(
            (&feedback["rule_id"], &feedback["state"]),
            (&json!("R-T-11"), &json!("running"))
        );
        assert_eq!(feedback["due_at"], "2026-10-03T17:00:00+08:00", "{kind}: 3 calendar days");
    }
    let c = receive(&app, &cs, request("complaint", true)).await;
    assert_eq!(
        clock_names(&c),
        ["evidence", "progress_feedback", "self_resolve", "verbal_handover", "written_ticket"]
    );
}
