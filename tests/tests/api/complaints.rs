//! Complaints: intake with its number, grade and clocks on the 2026 calendar; the general
//! complaint's walk through its states with events, clocks and permissions at each step; the
//! 409 of an action its state does not allow; 20 writers with one ETag; scope.

use chrono::TimeDelta;
use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use reqwest::Response;
use serde_json::{Value, json};

both_backends! {
    r_t_3_a_complaint_received_before_national_day_is_due_after_it => r_t_3_a_complaint_received_before_national_day_is_due_after_it;
    a_general_complaint_walks_from_intake_to_archive => a_general_complaint_walks_from_intake_to_archive;
    twenty_transitions_with_one_etag_make_one_change => twenty_transitions_with_one_etag_make_one_change;
    a_project_user_never_reaches_another_projects_complaints => a_project_user_never_reaches_another_projects_complaints;
    bad_intakes_are_422_naming_each_field_and_write_nothing => bad_intakes_are_422_naming_each_field_and_write_nothing;
    escalation_cancels_settling_alone_and_withdrawal_every_clock => escalation_cancels_settling_alone_and_withdrawal_every_clock;
    changes_regrade_and_reassignments_are_on_the_timeline => changes_regrade_and_reassignments_are_on_the_timeline;
    fifty_creates_with_one_idempotency_key_make_one_complaint => fifty_creates_with_one_idempotency_key_make_one_complaint;
    r_evt_1_ten_households_open_exactly_one_customer_event => r_evt_1_ten_households_open_exactly_one_customer_event;
    r_evt_2_a_large_amount_opens_a_customer_event_alone => r_evt_2_a_large_amount_opens_a_customer_event_alone;
    a_major_complaint_walks_through_plan_rectification_and_acceptance => a_major_complaint_walks_through_plan_rectification_and_acceptance;
    lists_filter_by_problem_and_overdue_and_sort_by_received_and_due => lists_filter_by_problem_and_overdue_and_sort_by_received_and_due;
    r_rp_5_a_customer_event_is_reported_with_its_complaints => r_rp_5_a_customer_event_is_reported_with_its_complaints;
    twenty_reports_of_one_event_version_make_one => twenty_reports_of_one_event_version_make_one;
}

/// 20 reports of one customer event sent at once with its ETag: one 200, nineteen 412, one
/// audit event, the event one version further.
async fn twenty_reports_of_one_event_version_make_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "visit", "project_id": o.projects[0],
            "customer_id": o.customers[0], "description": "媒体报道", "flags": ["media"]}),
    )
    .await;
    let event = c["customer_event_id"].as_str().unwrap().to_owned();
    let body = json!({"description": "媒体报道", "handling_result": "已回应",
        "submitting_department_id": o.departments[0]});
    let sends: Vec<_> = (0..20)
        .map(|_| {
            app.http
                .post(app.url(&format!("/api/v1/customer-events/{event}/report")))
                .bearer_auth(&cs)
                .header("if-match", "\"1\"")
                .json(&body)
                .send()
        })
        .collect();
    let statuses: Vec<u16> = futures_util::future::join_all(sends)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 19, "{statuses:?}");
    let now: Value =
        app.get(&format!("/api/v1/customer-events/{event}"), &cs).await.json().await.unwrap();
    assert_eq!((&now["version"], &now["state"]), (&json!(2), &json!("reported")));
    let audit: Value = app
        .get(&format!("/api/v1/audit-events?subject_id={event}&count=true"), &admin)
        .await
        .json()
        .await
        .unwrap();
    let reported = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "customer_event.reported")
        .count();
    assert_eq!(reported, 1);
}

/// R-RP-5 (and R-EVT content): a major customer event names its complaints and is reported at
/// once with its event type (from the rules that opened it), description, handling result,
/// submitting department, author and time; the report needs the event's ETag, a department of
/// the event's company, and a customer-service worker in reach.
async fn r_rp_5_a_customer_event_is_reported_with_its_complaints(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "visit", "project_id": o.projects[0],
            "customer_id": o.customers[0], "description": "要求退房", "flags": ["litigation"]}),
    )
    .await;
    let event_id = c["customer_event_id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/customer-events/{event_id}");
    let event: Value = app.get(&path, &cs).await.json().await.unwrap();
    assert_eq!((&event["complaint_ids"], &event["state"]), (&json!([c["id"]]), &json!("open")));
    assert_eq!(event["report"], Value::Null);
    let listed: Value = app.get("/api/v1/customer-events", &cs).await.json().await.unwrap();
    assert_eq!(listed["items"][0]["complaint_ids"], json!([c["id"]]));
    let report = |department: &str| {
        json!({"description": "业主起诉要求退房", "handling_result": "法务部应诉，客服中心持续沟通",
            "submitting_department_id": department})
    };
    let send = |version: Option<i64>, body: Value, token: String| {
        let mut req =
            app.http.post(app.url(&format!("{path}/report"))).bearer_auth(token).json(&body);
        if let Some(v) = version {
            req = req.header("if-match", format!("\"{v}\""));
        }
        req.send()
    };
    let missing = send(None, report(&o.departments[0]), cs.clone()).await.unwrap();
    assert_problem(missing, 428, "precondition_required").await;
    let other = send(Some(1), report(&o.departments[1]), cs.clone()).await.unwrap();
    let problem = assert_problem(other, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "submitting_department_id");
    let (_, auditor) =
        app.user_with(&admin, "auditor", &[("auditor", "project", Some(&o.projects[0]))]).await;
    let read_only = send(Some(1), report(&o.departments[0]), auditor).await.unwrap();
    assert_problem(read_only, 403, "forbidden").await;
    let (_, elsewhere) = app
        .user_with(&admin, "elsewhere", &[("cs_manager", "project", Some(&o.projects[1]))])
        .await;
    assert_problem(app.get(&path, &elsewhere).await, 404, "not_found").await;
    let done = send(Some(1), report(&o.departments[0]), cs.clone()).await.unwrap();
    assert_eq!(done.status(), 200);
    let done: Value = done.json().await.unwrap();
    assert_eq!((&done["state"], &done["version"]), (&json!("reported"), &json!(2)));
    assert_eq!(done["report"]["event_types"], json!(["litigation"]));
    assert_eq!(done["report"]["submitting_department_id"], json!(o.departments[0]));
    assert_eq!(done["report"]["reported_at"], "2026-09-30T17:00:00+08:00");
    let me: Value = app.get("/api/v1/me", &cs).await.json().await.unwrap();
    assert_eq!(done["report"]["author_id"], me["id"]);
    let stale = send(Some(1), report(&o.departments[0]), cs.clone()).await.unwrap();
    assert_problem(stale, 412, "stale_version").await;
    // Its timeline: its complaint's, from intake to joining the event.
    let timeline: Value = app.get(&format!("{path}/events"), &cs).await.json().await.unwrap();
    let kinds: Vec<&str> =
        timeline["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"received"), "{timeline}");
    assert!(kinds.contains(&"joined_customer_event"), "{timeline}");
    assert!(timeline["items"].as_array().unwrap().iter().all(|e| e["complaint_id"] == c["id"]));
    assert_problem(app.get(&format!("{path}/events"), &elsewhere).await, 404, "not_found").await;
}

/// Every id of a list, page after page of `limit` items through the cursors.
async fn all_ids(app: &TestApp, token: &str, query: &str, limit: usize) -> Vec<String> {
    let (mut out, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let mut path = format!("/api/v1/complaints?{query}&limit={limit}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value = app.get(&path, token).await.json().await.unwrap();
        out.extend(kefu_tests::api::ids(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return out,
        }
    }
}

/// The list's `problem_id` and `overdue` filters; `sort=received_at`, `-received_at` and `due`
/// (the earliest running clock first), page after page without repeats or gaps.
async fn lists_filter_by_problem_and_overdue_and_sort_by_received_and_due(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let problem = app
        .create("/api/v1/problems", &cs, json!({"project_id": o.projects[0], "title": "外墙渗水"}))
        .await;
    let body = |received: &str| {
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "description": "渗水", "received_at": received})
    };
    // Written tickets (R-T-1, 30 working minutes) due 9/29 10:30, 9/30 17:30 and 9/30 09:30.
    let first = id(&receive(&app, &cs, body("2026-09-29T10:00:00+08:00")).await);
    let mut named = body("2026-09-30T17:00:00+08:00");
    named["problem_id"] = json!(id(&problem));
    let last = id(&receive(&app, &cs, named).await);
    let middle = id(&receive(&app, &cs, body("2026-09-30T09:00:00+08:00")).await);
    let of_problem = all_ids(&app, &cs, &format!("problem_id={}", id(&problem)), 50).await;
    assert_eq!(of_problem, vec![last.clone()]);
    let overdue = all_ids(&app, &cs, "overdue=true", 50).await;
    assert_eq!(overdue, vec![first.clone(), middle.clone()]);
    assert_eq!(all_ids(&app, &cs, "overdue=false", 50).await, vec![last.clone()]);
    let by_received = vec![first.clone(), middle.clone(), last.clone()];
    assert_eq!(all_ids(&app, &cs, "sort=received_at", 1).await, by_received);
    let latest_first: Vec<String> = by_received.iter().rev().cloned().collect();
    assert_eq!(all_ids(&app, &cs, "sort=-received_at", 2).await, latest_first);
    assert_eq!(all_ids(&app, &cs, "sort=due", 1).await, by_received);
    // Withdraw the first: no clock of it runs any more, and it sorts last.
    let c: Value = app.get(&format!("/api/v1/complaints/{first}"), &cs).await.json().await.unwrap();
    step(&app, &cs, &c, json!({"action": "withdraw", "reason": "客户撤回"})).await;
    let by_due = all_ids(&app, &cs, "sort=due", 2).await;
    assert_eq!(by_due, vec![middle.clone(), last.clone(), first.clone()]);
    let bad = app.get("/api/v1/complaints?sort=urgency", &cs).await;
    let problem = assert_problem(bad, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "sort");
}

/// R-T-4: an escalated complaint is no longer settled alone (`self_resolve` cancelled, neither
/// met nor breached) and its plan is due in 1 WD; a withdrawal cancels every open clock.
/// R-CLS-15: 1,000,000 fen claimed is major, and a major complaint is never handled alone.
async fn escalation_cancels_settling_alone_and_withdrawal_every_clock(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "visit", "project_id": o.projects[0],
            "customer_id": o.customers[0], "description": "要求赔偿", "amount_claimed_fen": 1_000_000}),
    )
    .await;
    assert_eq!((&c["grade"], &c["grade_rules"]), (&json!("major"), &json!(["R-CLS-15"])));
    let c = step(&app, &cs, &c, json!({"action": "write_ticket"})).await;
    let c =
        step(&app, &cs, &c, json!({"action": "collect_evidence", "findings": "现场照片"})).await;
    assert!(!actions(&c).contains(&"handle"), "{c}");
    let c = step(&app, &cs, &c, json!({"action": "escalate", "reason": "金额超出项目权限"})).await;
    assert_eq!(c["state"], "escalated");
    assert_eq!(clock(&c, "self_resolve")["state"], "cancelled");
    assert_eq!(clock(&c, "plan")["state"], "running");
    assert_eq!(clock(&c, "plan")["rule_id"], "R-T-4");
    let c = step(&app, &cs, &c, json!({"action": "withdraw", "reason": "客户撤回投诉"})).await;
    assert_eq!((&c["state"], &c["allowed_actions"]), (&json!("withdrawn"), &json!([])));
    for k in c["clocks"].as_array().unwrap() {
        assert!(["met", "met_late", "cancelled"].contains(&k["state"].as_str().unwrap()), "{k}");
    }
    assert_eq!(clock(&c, "plan")["state"], "cancelled");
}

/// A customer-service manager of the whole group: he receives, works and closes complaints.
async fn manager(app: &TestApp, admin: &str) -> String {
    app.user_with(admin, "cs.manager", &[("cs_manager", "group", None)]).await.1
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

fn clock<'a>(complaint: &'a Value, name: &str) -> &'a Value {
    complaint["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clock"] == name)
        .unwrap_or_else(|| panic!("no clock {name}: {complaint}"))
}

fn actions(complaint: &Value) -> Vec<&str> {
    complaint["allowed_actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect()
}

async fn receive(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/complaints", token, &body).await;
    assert_eq!(res.status(), 201, "{body}");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = res.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/complaints/{}", created["id"].as_str().unwrap()));
    created
}

/// R-T-3 (5 WD to settle alone) with the real 2026 calendar: received Wednesday 2026-09-30
/// 17:00, the National Day holidays (1–7 October) do not count and Saturday 10 October is a
/// working day, so the due is Tuesday 13 October 17:00. R-T-1: a phone complaint has its
/// written ticket due in 30 working minutes and no verbal hand-over; R-IN-1 numbers it.
async fn r_t_3_a_complaint_received_before_national_day_is_due_after_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "unit_id": o.units[0], "category": "construction_quality",
            "description": "卫生间渗水", "received_at": "2026-09-30T17:00:00+08:00"}),
    )
    .await;
    assert_eq!(c["number"], "TS-2026-000001");
    assert_eq!((&c["state"], &c["grade"]), (&json!("received"), &json!("important")));
    assert_eq!(c["grade_rules"], json!(["R-CLS-6"]));
    assert_eq!(clock(&c, "self_resolve")["due_at"], "2026-10-13T17:00:00+08:00");
    assert_eq!(clock(&c, "self_resolve")["rule_id"], "R-T-3");
    assert_eq!(clock(&c, "written_ticket")["state"], "running");
    assert!(c["clocks"].as_array().unwrap().iter().all(|k| k["clock"] != "verbal_handover"));
    let me: Value = app.get("/api/v1/me", &cs).await.json().await.unwrap();
    for person in ["receiver_id", "owner_id", "tracker_id", "callback_owner_id"] {
        assert_eq!(c[person], me["id"], "{person}");
    }
    // On site, the verbal hand-over runs too (R-IN-4); numbers go on per company and year.
    let on_site = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "on_site_center", "project_id": o.projects[1],
            "customer_id": o.customers[1], "description": "门窗变形"}),
    )
    .await;
    assert_eq!(on_site["number"], "TS-2026-000002");
    assert_eq!(on_site["grade_rules"], json!(["R-CLS-3"]), "nothing matched: general");
    assert_eq!(clock(&on_site, "verbal_handover")["rule_id"], "R-T-1");
    // The list finds them by number, words, channel and category.
    for (query, expected) in [
        ("q=TS-2026-000001", vec![id(&c)]),
        ("q=%E6%B8%97%E6%B0%B4", vec![id(&c)]),
        ("channel=on_site_center", vec![id(&on_site)]),
        ("category=construction_quality", vec![id(&c)]),
        ("channel=web", vec![]),
    ] {
        let page: Value =
            app.get(&format!("/api/v1/complaints?{query}"), &cs).await.json().await.unwrap();
        let found: Vec<String> = page["items"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(found, expected, "{query}");
    }
    // A clock past its due reads breached as soon as it is read: on Saturday 10 October (a
    // working day) the ticket is late, the 5 WD still run.
    app.clock.advance(TimeDelta::days(10));
    let res = app.login("cs.manager", "cs.manager-password").await;
    let cs = res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned();
    let read: Value =
        app.get(&format!("/api/v1/complaints/{}", id(&c)), &cs).await.json().await.unwrap();
    assert!(read["clocks"].is_array(), "{read}");
    assert_eq!(clock(&read, "written_ticket")["state"], "breached");
    assert_eq!(clock(&read, "self_resolve")["state"], "running");
}

/// Acceptance 1: received → ticketed → investigating → handling → resolved → called_back →
/// archived, with the clocks each step stops and starts and the timeline of every step.
async fn a_general_complaint_walks_from_intake_to_archive(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "category": "staff_attitude", "description": "保安态度差"}),
    )
    .await;
    assert_eq!((&c["grade"], &c["grade_rules"]), (&json!("general"), &json!(["R-CLS-1"])));
    assert_eq!(actions(&c), ["write_ticket", "hand_over", "report_progress", "withdraw"]);

    // Illegal: 409 naming the state and what it allows; nothing changes.
    let res = act(&app, &cs, &c, json!({"action": "resolve", "resolution": "已道歉"})).await;
    let problem = assert_problem(res, 409, "action_not_allowed").await;
    assert_eq!(problem["state"], "received");
    assert!(problem["allowed_actions"].as_array().unwrap().contains(&json!("write_ticket")));
    // A payload missing its field: 422 naming it.
    let res = act(&app, &cs, &c, json!({"action": "withdraw"})).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "reason");

    app.clock.advance(TimeDelta::minutes(10));
    let c = step(&app, &cs, &c, json!({"action": "write_ticket"})).await;
    assert_eq!(c["state"], "ticketed");
    assert_eq!(clock(&c, "written_ticket")["state"], "met");
    let c =
        step(&app, &cs, &c, json!({"action": "collect_evidence", "findings": "监控录像已调取"}))
            .await;
    assert_eq!(
        (&c["state"], &clock(&c, "evidence")["state"]),
        (&json!("investigating"), &json!("met"))
    );
    let c = step(&app, &cs, &c, json!({"action": "await_customer"})).await;
    assert_eq!(clock(&c, "self_resolve")["state"], "paused");
    let c = step(&app, &cs, &c, json!({"action": "resume"})).await;
    assert_eq!(
        (&c["state"], &clock(&c, "self_resolve")["state"]),
        (&json!("investigating"), &json!("running"))
    );
    let c = step(&app, &cs, &c, json!({"action": "handle"})).await;
    let c =
        step(&app, &cs, &c, json!({"action": "resolve", "resolution": "当面道歉，保安调岗"})).await;
    assert_eq!(c["state"], "resolved");
    assert_eq!(clock(&c, "self_resolve")["state"], "met");
    assert_eq!(clock(&c, "callback")["rule_id"], "R-T-6", "resolving starts the callback clock");
    let c = step(
        &app,
        &cs,
        &c,
        json!({"action": "record_callback", "method": "phone", "reached": true, "satisfaction": 5}),
    )
    .await;
    assert_eq!(
        (&c["state"], &clock(&c, "callback")["state"]),
        (&json!("called_back"), &json!("met"))
    );
    let c = step(&app, &cs, &c, json!({"action": "archive"})).await;
    assert_eq!((&c["state"], &c["allowed_actions"]), (&json!("archived"), &json!(["reopen"])));

    let events: Value =
        app.get(&format!("/api/v1/complaints/{}/events", id(&c)), &cs).await.json().await.unwrap();
    let steps: Vec<(&str, &str)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["to_state"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        steps,
        [
            ("received", "received"),
            ("transition", "ticketed"),
            ("transition", "investigating"),
            ("transition", "awaiting_customer"),
            ("transition", "investigating"),
            ("transition", "handling"),
            ("transition", "resolved"),
            ("transition", "called_back"),
            ("transition", "archived"),
        ]
    );
    assert_eq!(events["items"][6]["payload"]["resolution"], "当面道歉，保安调岗");

    // The admin reads complaints but takes no action: no actions offered, 403 when tried.
    let read: Value =
        app.get(&format!("/api/v1/complaints/{}", id(&c)), &admin).await.json().await.unwrap();
    assert_eq!(read["allowed_actions"], json!([]));
    let res = act(&app, &admin, &read, json!({"action": "reopen", "reason": "客户再次来电"})).await;
    assert_problem(res, 403, "forbidden").await;
}

/// Acceptance 4: 20 transitions sent at once with one ETag: one 200, nineteen 412, one event.
async fn twenty_transitions_with_one_etag_make_one_change(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "web", "project_id": o.projects[0],
            "customer_id": o.customers[0], "description": "电梯故障"}),
    )
    .await;
    let sends = (0..20).map(|_| act(&app, &cs, &c, json!({"action": "write_ticket"})));
    let statuses: Vec<u16> =
        futures_util::future::join_all(sends).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 19, "{statuses:?}");
    // The same for changes: 20 PATCHes of version 2, one wins.
    let path = format!("/api/v1/complaints/{}", id(&c));
    let bodies: Vec<Value> = (0..20).map(|i| json!({"amount_claimed_fen": 50_000 + i})).collect();
    let sends = bodies.iter().map(|b| app.patch(&path, &cs, 2, b));
    let statuses: Vec<u16> =
        futures_util::future::join_all(sends).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 19, "{statuses:?}");
    let events: Value =
        app.get(&format!("/api/v1/complaints/{}/events", id(&c)), &cs).await.json().await.unwrap();
    assert_eq!(
        events["items"].as_array().unwrap().len(),
        3,
        "received, one transition, one change"
    );
}

/// Acceptance 5: a specialist of project A neither reads, lists nor acts on project B's
/// complaints (404), and cannot receive one there (422: no such project within his reach).
async fn a_project_user_never_reaches_another_projects_complaints(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let (_, a_user) = app
        .user_with(&admin, "cs.a", &[("cs_specialist", "project", Some(o.projects[0].as_str()))])
        .await;
    let in_b = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[1],
            "customer_id": o.customers[1], "description": "车位纠纷"}),
    )
    .await;
    let in_a = receive(
        &app,
        &a_user,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "description": "绿化损坏"}),
    )
    .await;
    let path = format!("/api/v1/complaints/{}", id(&in_b));
    assert_problem(app.get(&path, &a_user).await, 404, "not_found").await;
    let problem_b = app
        .create("/api/v1/problems", &cs, json!({"project_id": o.projects[1], "title": "B区渗水"}))
        .await;
    let res = app.get(&format!("/api/v1/problems/{}", id(&problem_b)), &a_user).await;
    assert_problem(res, 404, "not_found").await;
    let problems: Value = app.get("/api/v1/problems", &a_user).await.json().await.unwrap();
    assert_eq!(problems["items"], json!([]));
    assert_problem(app.get(&format!("{path}/events"), &a_user).await, 404, "not_found").await;
    let res = act(&app, &a_user, &in_b, json!({"action": "write_ticket"})).await;
    assert_problem(res, 404, "not_found").await;
    let page: Value = app.get("/api/v1/complaints?limit=200", &a_user).await.json().await.unwrap();
    let listed: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(listed, [in_a["id"].as_str().unwrap()]);
    // An auditor of project A reads its complaint and its timeline, and cannot act on it.
    let (_, auditor) = app
        .user_with(&admin, "auditor.a", &[("auditor", "project", Some(o.projects[0].as_str()))])
        .await;
    let a_path = format!("/api/v1/complaints/{}", id(&in_a));
    let read: Value = app.get(&a_path, &auditor).await.json().await.unwrap();
    assert_eq!((&read["id"], &read["allowed_actions"]), (&in_a["id"], &json!([])));
    assert_eq!(app.get(&format!("{a_path}/events"), &auditor).await.status(), 200);
    let res = act(&app, &auditor, &in_a, json!({"action": "write_ticket"})).await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .post(
            "/api/v1/complaints",
            &a_user,
            &json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[1],
                "customer_id": o.customers[1], "description": "越权受理"}),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
    // The manager lists both, filtered by project and by owner.
    let page: Value = app
        .get(&format!("/api/v1/complaints?project_id={}&owner_id=me", o.projects[1]), &cs)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}

/// R-IN-6, R-IN-7 and the time rules of intake: every bad field named at once, nothing written.
async fn bad_intakes_are_422_naming_each_field_and_write_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let res = app
        .post(
            "/api/v1/complaints",
            &cs,
            &json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
                "unit_id": o.units[2], "description": "x", "received_at": "2030-01-01T00:00:00+08:00"}),
        )
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in ["unit_id", "customer_id", "received_at"] {
        assert!(fields.contains(&field), "{field} in {problem}");
    }
    let res = app
        .post(
            "/api/v1/complaints",
            &cs,
            &json!({"kind": "early_warning", "channel": "forum", "project_id": o.projects[0],
                "description": "论坛发帖"}),
        )
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "warning_source", "R-IN-6");
    let page: Value = app.get("/api/v1/complaints", &cs).await.json().await.unwrap();
    assert_eq!(page["items"], json!([]));
    // An early warning names its source instead of a customer (R-IN-6).
    let warning = receive(
        &app,
        &cs,
        json!({"kind": "early_warning", "channel": "forum", "warning_source": "forum",
            "project_id": o.projects[0], "description": "论坛发帖：交房延期"}),
    )
    .await;
    assert_eq!(warning["warning_source"], "forum");
}

/// R-CLS-10 and the re-grading of a change: an amount of 60,000 fen makes a general complaint
/// important; bringing it back down would lower the grade (409 until approvals exist); a grade
/// raised by hand needs its reason; R-RP-15 names the responsible department; a reassignment
/// and a note are on the timeline.
async fn changes_regrade_and_reassignments_are_on_the_timeline(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "description": "物业费争议"}),
    )
    .await;
    let path = format!("/api/v1/complaints/{}", id(&c));
    let res = app.patch(&path, &cs, 1, &json!({"amount_claimed_fen": 60_000})).await;
    assert_eq!(res.status(), 200);
    let c: Value = res.json().await.unwrap();
    assert_eq!((&c["grade"], &c["grade_rules"]), (&json!("important"), &json!(["R-CLS-10"])));
    let res = app.patch(&path, &cs, 2, &json!({"amount_claimed_fen": 0})).await;
    assert_problem(res, 409, "conflict").await;
    let res = app.patch(&path, &cs, 2, &json!({"grade": "major"})).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "grade_reason");
    let (other, _) = app.user_with(&admin, "cs.other", &[("cs_specialist", "group", None)]).await;
    let res = app
        .patch(
            &path,
            &cs,
            2,
            &json!({"grade": "major", "grade_reason": "业主在微博发帖，舆情风险",
                "responsible_department_id": o.departments[0], "owner_id": other}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let c: Value = res.json().await.unwrap();
    assert_eq!((&c["grade"], &c["owner_id"]), (&json!("major"), &json!(other)));
    assert_eq!(c["responsible_department_id"], o.departments[0].as_str());
    let res =
        app.patch(&path, &cs, 3, &json!({"responsible_department_id": o.departments[1]})).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "responsible_department_id", "another company's");

    let res = app.post(&format!("{path}/notes"), &cs, &json!({"text": "客户要求周一上门"})).await;
    assert_eq!(res.status(), 201);
    let events: Value = app.get(&format!("{path}/events"), &cs).await.json().await.unwrap();
    let kinds: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["received", "changed", "reassigned", "note"]);
    assert_eq!(events["items"][3]["payload"]["text"], "客户要求周一上门");
}

/// 50 creates sent at once with one Idempotency-Key make one complaint (and one number).
async fn fifty_creates_with_one_idempotency_key_make_one_complaint(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let body = json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
        "customer_id": o.customers[0], "description": "重复提交"});
    let sends = (0..50).map(|_| {
        app.http
            .post(app.url("/api/v1/complaints"))
            .bearer_auth(&cs)
            .header("idempotency-key", "crm-call-42")
            .json(&body)
            .send()
    });
    let answers = futures_util::future::join_all(sends).await;
    let mut ids = std::collections::BTreeSet::new();
    for res in answers {
        let res = res.unwrap();
        let status = res.status().as_u16();
        assert!(status == 201 || status == 409, "{status}");
        if status == 201 {
            ids.insert(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    let page: Value = app.get("/api/v1/complaints?count=true", &cs).await.json().await.unwrap();
    assert_eq!(page["total"], 1);
}

/// R-EVT-1: complaints of 10 distinct households (units, or customers where no unit) naming one
/// shared problem open one major customer event, and every complaint of the problem becomes
/// major with `R-EVT-1`; a second complaint of one household does not count. The tenth
/// household arriving in 10 parallel requests opens exactly one event.
async fn r_evt_1_ten_households_open_exactly_one_customer_event(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let problem = app
        .create(
            "/api/v1/problems",
            &cs,
            json!({"project_id": o.projects[0], "title": "3号楼外墙渗水"}),
        )
        .await;
    let mut customers = Vec::new();
    for i in 0..18 {
        let c = app
            .create(
                "/api/v1/customers",
                &admin,
                json!({"name": format!("业主{i}"), "phones": [format!("1391234{i:04}")], "units": []}),
            )
            .await;
        customers.push(id(&c));
    }
    let body = |customer: &str| {
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": customer, "problem_id": id(&problem), "description": "外墙渗水"})
    };
    for customer in &customers[..9] {
        receive(&app, &cs, body(customer)).await;
    }
    let again = receive(&app, &cs, body(&customers[0])).await;
    assert_eq!(again["grade"], "general", "nine households: no event yet");
    let events: Value = app.get("/api/v1/customer-events", &cs).await.json().await.unwrap();
    assert_eq!(events["items"], json!([]));

    let bodies: Vec<Value> = customers[9..].iter().map(|c| body(c)).collect();
    let sends = bodies.iter().map(|b| app.post("/api/v1/complaints", &cs, b));
    for res in futures_util::future::join_all(sends).await {
        assert_eq!(res.status(), 201);
    }
    let events: Value = app.get("/api/v1/customer-events", &cs).await.json().await.unwrap();
    let events = events["items"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(
        (&events[0]["rules"], &events[0]["problem_id"]),
        (&json!(["R-EVT-1"]), &problem["id"])
    );
    let page: Value = app
        .get(&format!("/api/v1/complaints?limit=200&project_id={}", o.projects[0]), &cs)
        .await
        .json()
        .await
        .unwrap();
    let members: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["problem_id"] == problem["id"])
        .collect();
    assert_eq!(members.len(), 19);
    for c in members {
        assert_eq!((&c["grade"], &c["customer_event_id"]), (&json!("major"), &events[0]["id"]));
        assert!(c["grade_rules"].as_array().unwrap().contains(&json!("R-EVT-1")), "{c}");
    }
    let problem: Value =
        app.get(&format!("/api/v1/problems/{}", id(&problem)), &cs).await.json().await.unwrap();
    assert_eq!(problem["customer_event_id"], events[0]["id"]);
}

/// R-EVT-2: a complaint claiming 2,000,000 fen opens a customer event of its own.
async fn r_evt_2_a_large_amount_opens_a_customer_event_alone(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "visit", "project_id": o.projects[0],
            "customer_id": o.customers[0], "description": "要求退房并赔偿", "amount_claimed_fen": 2_000_000}),
    )
    .await;
    assert_eq!(c["grade"], "major");
    let events: Value = app.get("/api/v1/customer-events", &cs).await.json().await.unwrap();
    assert_eq!(events["items"].as_array().unwrap().len(), 1);
    assert_eq!(events["items"][0]["rules"], json!(["R-EVT-2"]));
    assert_eq!(c["customer_event_id"], events["items"][0]["id"]);
}

/// Acceptance 1, the major complaint: escalated (R-T-4 plan in 1 WD), a plan proposed and
/// agreed (R-T-5 approve and start), approved, rectified, the acceptance refused once and then
/// signed (R-T-5), resolved, called back (R-T-6) and archived, with each clock met.
async fn a_major_complaint_walks_through_plan_rectification_and_acceptance(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = manager(&app, &admin).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "visit", "project_id": o.projects[0],
            "customer_id": o.customers[0], "description": "主体结构裂缝", "flags": ["structural_hazard"]}),
    )
    .await;
    assert_eq!((&c["grade"], &c["grade_rules"]), (&json!("major"), &json!(["R-CLS-14"])));
    let c = step(&app, &cs, &c, json!({"action": "write_ticket"})).await;
    let c =
        step(&app, &cs, &c, json!({"action": "collect_evidence", "findings": "裂缝宽度2mm"})).await;
    let c = step(&app, &cs, &c, json!({"action": "escalate", "reason": "结构安全隐患"})).await;
    let c = step(&app, &cs, &c, json!({"action": "propose_plan", "plan": "加固并赔偿"})).await;
    assert_eq!(
        (&c["state"], &clock(&c, "plan")["state"]),
        (&json!("plan_proposed"), &json!("met"))
    );
    let c = step(&app, &cs, &c, json!({"action": "agree", "terms": "加固，减免物业费一年"})).await;
    assert_eq!(clock(&c, "approve_and_start")["rule_id"], "R-T-5");
    // The final plan of a major complaint: the office director and the customer director
    // review, the VP approves (R-AP table); only then is the plan approved.
    let path = format!("/api/v1/approvals?complaint_id={}&document=final_plan", id(&c));
    let page: Value = app.get(&path, &cs).await.json().await.unwrap();
    let mut approval = page["items"][0].clone();
    assert_eq!(
        (&approval["state"], &approval["summary"]),
        (&json!("pending"), &json!("加固，减免物业费一年"))
    );
    for (n, role) in ["office_director", "customer_director", "vp"].into_iter().enumerate() {
        let (_, token) =
            app.user_with(&admin, &format!("approver{n}"), &[(role, "group", None)]).await;
        let res =
            app.http
                .post(app.url(&format!(
                    "/api/v1/approvals/{}/decisions",
                    approval["id"].as_str().unwrap()
                )))
                .bearer_auth(&token)
                .header("if-match", format!("\"{}\"", approval["version"]))
                .json(&json!({"decision": "approve"}))
                .send()
                .await
                .unwrap();
        assert_eq!(res.status(), 200);
        approval = res.json().await.unwrap();
    }
    assert_eq!(approval["state"], "approved");
    let c = step(&app, &cs, &c, json!({"action": "approve_plan"})).await;
    let c = step(&app, &cs, &c, json!({"action": "start_rectification"})).await;
    assert_eq!(clock(&c, "approve_and_start")["state"], "met");
    let c = step(&app, &cs, &c, json!({"action": "complete_rectification"})).await;
    assert_eq!(clock(&c, "acceptance_signed")["state"], "running");
    let c = step(&app, &cs, &c, json!({"action": "reject", "reason": "墙面未修补"})).await;
    assert_eq!(c["state"], "rectifying");
    let c = step(&app, &cs, &c, json!({"action": "complete_rectification"})).await;
    let c = step(&app, &cs, &c, json!({"action": "accept"})).await;
    assert_eq!(c["state"], "resolved");
    assert_eq!(clock(&c, "acceptance_signed")["state"], "met");
    assert_eq!(clock(&c, "callback")["state"], "running");
    let c = step(
        &app,
        &cs,
        &c,
        json!({"action": "record_callback", "method": "visit", "reached": true, "satisfaction": 4}),
    )
    .await;
    let c = step(&app, &cs, &c, json!({"action": "archive"})).await;
    assert_eq!(c["state"], "archived");
    let events: Value =
        app.get(&format!("/api/v1/complaints/{}/events", id(&c)), &cs).await.json().await.unwrap();
    let items = events["items"].as_array().unwrap();
    let approvals = items.iter().filter(|e| e["kind"] == "approval").count();
    assert_eq!(
        (items.len() - approvals, approvals),
        (14, 5),
        "the proposal's and the final plan's submissions, 3 decisions"
    );
}
