//! Work orders (工作联系单, R-WO) and contractors: the R-T-7 dues on the 2026 calendar, the
//! department's reply and its head's approval, the survey, the second failed acceptance, the
//! apology, the department's queue with `overdue`, scope, and 20 writers with one ETag.

use chrono::TimeDelta;
use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use reqwest::Response;
use serde_json::{Value, json};

both_backends! {
    r_t_7_a_reply_is_due_half_a_working_day_later_and_one_and_a_half_with_a_survey => r_t_7_a_reply_is_due_half_a_working_day_later_and_one_and_a_half_with_a_survey;
    r_wo_1_the_center_sends_a_sheet_to_a_department_of_the_complaints_company => r_wo_1_the_center_sends_a_sheet_to_a_department_of_the_complaints_company;
    r_wo_2_the_department_replies_and_its_head_approves => r_wo_2_the_department_replies_and_its_head_approves;
    r_wo_3_a_site_survey_is_recorded_before_the_reply => r_wo_3_a_site_survey_is_recorded_before_the_reply;
    r_wo_4_a_contractor_failing_acceptance_twice_loses_the_job => r_wo_4_a_contractor_failing_acceptance_twice_loses_the_job;
    r_wo_5_an_apology_is_recorded_on_the_complaints_timeline => r_wo_5_an_apology_is_recorded_on_the_complaints_timeline;
    r_wo_6_a_contractors_warranty_decides_who_repairs => r_wo_6_a_contractors_warranty_decides_who_repairs;
    a_departments_queue_shows_what_is_overdue => a_departments_queue_shows_what_is_overdue;
    twenty_work_order_actions_with_one_etag_make_one_change => twenty_work_order_actions_with_one_etag_make_one_change;
}

/// The fixture: the organisation, a group-wide customer-service manager, and one complaint of
/// project A (company 1).
struct Desk {
    org: kefu_tests::org::Org,
    admin: String,
    cs: String,
    complaint: Value,
}

async fn desk(app: &TestApp) -> Desk {
    let admin = app.admin_token().await;
    let org = org(app, &admin).await;
    let cs = app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await.1;
    let body = json!({"kind": "complaint", "channel": "phone", "project_id": org.projects[0],
        "customer_id": org.customers[0], "unit_id": org.units[0], "category": "construction_quality",
        "description": "外墙渗水"});
    let res = app.post("/api/v1/complaints", &cs, &body).await;
    assert_eq!(res.status(), 201);
    let complaint = res.json().await.unwrap();
    Desk { org, admin, cs, complaint }
}

async fn send(app: &TestApp, token: &str, complaint: &Value, body: Value) -> Response {
    let path = format!("/api/v1/complaints/{}/work-orders", complaint["id"].as_str().unwrap());
    app.post(&path, token, &body).await
}

/// Sends a work order to department 1 that must be accepted; the order.
async fn sent(app: &TestApp, d: &Desk, survey: bool, complex: bool) -> Value {
    let body = json!({"department_id": d.org.departments[0], "request": "请核实渗水原因并提出整改方案",
        "site_survey": survey, "complex": complex});
    let res = send(app, &d.cs, &d.complaint, body).await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let order: Value = res.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/work-orders/{}", id(&order)));
    assert_eq!((&order["state"], &order["version"]), (&json!("sent"), &json!(1)));
    order
}

async fn act(app: &TestApp, token: &str, order: &Value, body: &Value) -> Response {
    app.http
        .post(app.url(&format!("/api/v1/work-orders/{}/transitions", id(order))))
        .bearer_auth(token)
        .header("if-match", format!("\"{}\"", order["version"]))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Takes an action that must succeed; the order after it.
async fn step(app: &TestApp, token: &str, order: &Value, body: Value) -> Value {
    let res = act(app, token, order, &body).await;
    assert_eq!(res.status(), 200, "{body}");
    let after: Value = res.json().await.unwrap();
    assert_eq!(after["version"], order["version"].as_i64().unwrap() + 1);
    after
}

fn clock<'a>(order: &'a Value, name: &str) -> &'a Value {
    order["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clock"] == name)
        .unwrap_or_else(|| panic!("no clock {name}: {order}"))
}

/// R-T-7 on the 2026 calendar (working hours 09:00–12:00 and 13:30–18:00, 1 WD = 450 min):
/// sent Wednesday 2026-09-30 17:00, an hour is left that day, National Day follows, so 0.5 WD
/// (225 min) ends Thursday 8 October 11:45 and 1.5 WD (675 min) Friday 9 October 11:45. A
/// complex order commits its reply time within 0.5 WD, and that time is then what is due.
async fn r_t_7_a_reply_is_due_half_a_working_day_later_and_one_and_a_half_with_a_survey(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let d = desk(&app).await;
    let plain = sent(&app, &d, false, false).await;
    assert_eq!(plain["due_at"], "2026-10-08T11:45:00+08:00");
    assert_eq!(clock(&plain, "internal_reply")["rule_id"], "R-T-7");
    assert_eq!(clock(&plain, "internal_reply")["due_at"], "2026-10-08T11:45:00+08:00");
    let surveyed = sent(&app, &d, true, false).await;
    assert_eq!(surveyed["due_at"], "2026-10-09T11:45:00+08:00");
    assert_eq!(clock(&surveyed, "internal_reply_with_survey")["due_at"], surveyed["due_at"]);
    assert!(surveyed["clocks"].as_array().unwrap().iter().all(|c| c["clock"] != "internal_reply"));
    let complex = sent(&app, &d, false, true).await;
    assert_eq!(clock(&complex, "committed_reply_time")["due_at"], "2026-10-08T11:45:00+08:00");
    // Committing is the department's side: the center's manager may apologize or close.
    assert_eq!(complex["allowed_actions"], json!(["apologize", "close"]));
    let dept = Some(d.org.departments[0].as_str());
    let (_, coordinator) =
        app.user_with(&d.admin, "coordinator", &[("dept_coordinator", "department", dept)]).await;
    app.clock.advance(TimeDelta::minutes(10));
    let commit = json!({"action": "commit_reply_time", "reply_by": "2026-10-12T18:00:00+08:00"});
    assert_problem(act(&app, &d.cs, &complex, &commit).await, 403, "forbidden").await;
    let committed = step(&app, &coordinator, &complex, commit).await;
    assert_eq!(committed["state"], "reply_committed");
    assert_eq!(clock(&committed, "committed_reply_time")["state"], "met");
    assert_eq!(committed["reply_by"], "2026-10-12T18:00:00+08:00");
    assert_eq!(committed["due_at"], "2026-10-12T18:00:00+08:00");
}

/// R-WO-1: a sheet goes to a department of the complaint's own company; the department's
/// coordinator (granted at his department) sees it in his queue and nothing of the other
/// company's; a department of another company, a blank request or a closed complaint are
/// refused; the complaint's timeline tells of it.
async fn r_wo_1_the_center_sends_a_sheet_to_a_department_of_the_complaints_company(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let d = desk(&app).await;
    let other = json!({"department_id": d.org.departments[1], "request": "核实"});
    let res = send(&app, &d.cs, &d.complaint, other).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "department_id");
    let blank = json!({"department_id": d.org.departments[0], "request": "  "});
    assert_problem(send(&app, &d.cs, &d.complaint, blank).await, 422, "validation_failed").await;
    let order = sent(&app, &d, false, false).await;
    let dept = Some(d.org.departments[0].as_str());
    let (_, coordinator) =
        app.user_with(&d.admin, "coordinator", &[("dept_coordinator", "department", dept)]).await;
    let queue = format!("/api/v1/work-orders?department_id={}", d.org.departments[0]);
    let page: Value = app.get(&queue, &coordinator).await.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["id"], order["id"]);
    assert_eq!(page["items"][0]["allowed_actions"], json!(["reply"]));
    let dept2 = Some(d.org.departments[1].as_str());
    let (_, stranger) =
        app.user_with(&d.admin, "stranger", &[("dept_coordinator", "department", dept2)]).await;
    let path = format!("/api/v1/work-orders/{}", id(&order));
    assert_problem(app.get(&path, &stranger).await, 404, "not_found").await;
    let none: Value = app.get("/api/v1/work-orders", &stranger).await.json().await.unwrap();
    assert_eq!(none["items"], json!([]));
    // A coordinator cannot send one (the center's side): 403.
    let body = json!({"department_id": d.org.departments[0], "request": "核实"});
    assert_problem(send(&app, &coordinator, &d.complaint, body).await, 403, "forbidden").await;
    let cid = d.complaint["id"].as_str().unwrap();
    let timeline: Value =
        app.get(&format!("/api/v1/complaints/{cid}/events"), &d.cs).await.json().await.unwrap();
    let entry = timeline["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&entry["kind"], &entry["payload"]["work_order_id"]),
        (&json!("work_order"), &order["id"])
    );
    // Once withdrawn, no sheet goes out for the complaint: 409.
    let withdraw = app
        .http
        .post(app.url(&format!("/api/v1/complaints/{cid}/transitions")))
        .bearer_auth(&d.cs)
        .header("if-match", "*")
        .json(&json!({"action": "withdraw", "reason": "客户撤回"}))
        .send()
        .await
        .unwrap();
    assert_eq!(withdraw.status(), 200);
    let body = json!({"department_id": d.org.departments[0], "request": "核实"});
    assert_problem(send(&app, &d.cs, &d.complaint, body).await, 409, "conflict").await;
}

/// R-WO-2: the department's coordinator replies with a proposal (the R-T-7 clock is met), he
/// may not approve it (403); the department head approves; the center may not reply for the
/// department (403). An action out of turn is 409 with the allowed actions.
async fn r_wo_2_the_department_replies_and_its_head_approves(backend: Backend) {
    let app = spawn_app(backend).await;
    let d = desk(&app).await;
    let order = sent(&app, &d, false, false).await;
    let dept = Some(d.org.departments[0].as_str());
    let (_, coordinator) =
        app.user_with(&d.admin, "coordinator", &[("dept_coordinator", "department", dept)]).await;
    let (_, head) = app.user_with(&d.admin, "head", &[("dept_head", "department", dept)]).await;
    let early = act(&app, &coordinator, &order, &json!({"action": "approve_reply"})).await;
    let problem = assert_problem(early, 409, "action_not_allowed").await;
    assert_eq!(problem["state"], "sent");
    assert_eq!(problem["allowed_actions"], json!(["reply", "apologize", "close"]));
    let by_center = json!({"action": "reply", "proposal": "更换外墙防水层"});
    assert_problem(act(&app, &d.cs, &order, &by_center).await, 403, "forbidden").await;
    let missing = act(&app, &coordinator, &order, &json!({"action": "reply"})).await;
    let problem = assert_problem(missing, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "proposal");
    app.clock.advance(TimeDelta::minutes(10));
    let replied = step(&app, &coordinator, &order, by_center).await;
    assert_eq!(
        (&replied["state"], &replied["reply"]),
        (&json!("replied"), &json!("更换外墙防水层"))
    );
    assert_eq!(clock(&replied, "internal_reply")["state"], "met");
    assert_eq!(replied["due_at"], Value::Null);
    let approve = json!({"action": "approve_reply"});
    assert_problem(act(&app, &coordinator, &replied, &approve).await, 403, "forbidden").await;
    let approved = step(&app, &head, &replied, approve).await;
    assert_eq!(approved["state"], "reply_approved");
    // Settled: the center closes it without a reason.
    let closed = step(&app, &d.cs, &approved, json!({"action": "close"})).await;
    assert_eq!((&closed["state"], &closed["allowed_actions"]), (&json!("closed"), &json!([])));
}

/// R-WO-3: an order that needs a site survey is surveyed (findings signed on the sheet)
/// before its reply; replying first is 409.
async fn r_wo_3_a_site_survey_is_recorded_before_the_reply(backend: Backend) {
    let app = spawn_app(backend).await;
    let d = desk(&app).await;
    let order = sent(&app, &d, true, false).await;
    let dept = Some(d.org.departments[0].as_str());
    let (_, coordinator) =
        app.user_with(&d.admin, "coordinator", &[("dept_coordinator", "department", dept)]).await;
    let reply = json!({"action": "reply", "proposal": "更换防水层"});
    let problem =
        assert_problem(act(&app, &coordinator, &order, &reply).await, 409, "action_not_allowed")
            .await;
    assert_eq!(problem["allowed_actions"], json!(["record_survey", "apologize", "close"]));
    let surveyed = step(
        &app,
        &coordinator,
        &order,
        json!({"action": "record_survey", "findings": "外墙裂缝两处，已拍照签字"}),
    )
    .await;
    assert_eq!(surveyed["state"], "surveyed");
    assert_eq!(clock(&surveyed, "internal_reply_with_survey")["state"], "running");
    let replied = step(&app, &coordinator, &surveyed, reply).await;
    assert_eq!(replied["state"], "replied");
    assert_eq!(clock(&replied, "internal_reply_with_survey")["state"], "met");
}

async fn contractor(app: &TestApp, token: &str, name: &str) -> Value {
    let body = json!({"name": name, "licence": "91140100MA0K000000",
        "warranty_deposit_fen": 50_000_000, "warranty_ends_on": "2028-06-30"});
    app.create("/api/v1/contractors", token, body).await
}

/// An order whose reply department 1's head has approved.
async fn approved(app: &TestApp, d: &Desk) -> Value {
    let order = sent(app, d, false, false).await;
    let dept = Some(d.org.departments[0].as_str());
    let (_, head) = app.user_with(&d.admin, "head", &[("dept_head", "department", dept)]).await;
    let replied =
        step(app, &head, &order, json!({"action": "reply", "proposal": "更换防水层"})).await;
    step(app, &head, &replied, json!({"action": "approve_reply"})).await
}

/// R-WO-4: the rectification goes to a contractor with a deadline (what is then due); the
/// customer's first failed acceptance sends it back to the same contractor, the second
/// disqualifies it on this order, which waits for another; assigning the disqualified one is
/// 422 `contractor_disqualified`; the next contractor passes and the order closes.
async fn r_wo_4_a_contractor_failing_acceptance_twice_loses_the_job(backend: Backend) {
    let app = spawn_app(backend).await;
    let d = desk(&app).await;
    let first = contractor(&app, &d.cs, "甲建设").await;
    let second = contractor(&app, &d.cs, "乙建设").await;
    let order = approved(&app, &d).await;
    let unknown = json!({"action": "assign_rectification", "contractor_id": "nope",
        "deadline": "2026-10-20T18:00:00+08:00"});
    let problem =
        assert_problem(act(&app, &d.cs, &order, &unknown).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "contractor_id");
    let assign = |c: &Value| {
        json!({"action": "assign_rectification", "contractor_id": c["id"],
            "deadline": "2026-10-20T18:00:00+08:00"})
    };
    let order = step(&app, &d.cs, &order, assign(&first)).await;
    assert_eq!((&order["state"], &order["contractor_id"]), (&json!("rectifying"), &first["id"]));
    assert_eq!(order["due_at"], "2026-10-20T18:00:00+08:00");
    let no_comment = json!({"action": "record_acceptance", "passed": false});
    let problem =
        assert_problem(act(&app, &d.cs, &order, &no_comment).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "comment");
    let failed = json!({"action": "record_acceptance", "passed": false, "comment": "仍渗水"});
    let order = step(&app, &d.cs, &order, failed.clone()).await;
    assert_eq!((&order["state"], &order["failed_acceptances"]), (&json!("rectifying"), &json!(1)));
    assert_eq!(order["contractor_id"], first["id"]);
    let order = step(&app, &d.cs, &order, failed).await;
    assert_eq!(order["state"], "awaiting_contractor");
    assert_eq!(order["contractor_id"], Value::Null);
    assert_eq!(order["disqualified_contractor_ids"], json!([first["id"]]));
    let again = act(&app, &d.cs, &order, &assign(&first)).await;
    let problem = assert_problem(again, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "contractor_disqualified");
    let order = step(&app, &d.cs, &order, assign(&second)).await;
    assert_eq!((&order["contractor_id"], &order["failed_acceptances"]), (&second["id"], &json!(0)));
    let order =
        step(&app, &d.cs, &order, json!({"action": "record_acceptance", "passed": true})).await;
    assert_eq!((&order["state"], &order["due_at"]), (&json!("accepted"), &Value::Null));
    let order = step(&app, &d.cs, &order, json!({"action": "close"})).await;
    assert_eq!(order["state"], "closed");
    let cid = d.complaint["id"].as_str().unwrap();
    let timeline: Value =
        app.get(&format!("/api/v1/complaints/{cid}/events"), &d.cs).await.json().await.unwrap();
    let disqualified = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["payload"]["disqualified_contractor_id"] == first["id"])
        .count();
    assert_eq!(disqualified, 1);
}

/// R-WO-5: the center requires an apology (phone, visit, in person, letter, forum); it is
/// recorded in any open state, leaves the state as it is and stands on the timeline; an
/// unknown means is 422.
async fn r_wo_5_an_apology_is_recorded_on_the_complaints_timeline(backend: Backend) {
    let app = spawn_app(backend).await;
    let d = desk(&app).await;
    let order = sent(&app, &d, false, false).await;
    let bad = json!({"action": "apologize", "means": "telegram"});
    assert_problem(act(&app, &d.cs, &order, &bad).await, 422, "validation_failed").await;
    let order = step(
        &app,
        &d.cs,
        &order,
        json!({"action": "apologize", "means": "visit", "note": "工程部经理上门致歉"}),
    )
    .await;
    assert_eq!(order["state"], "sent");
    let cid = d.complaint["id"].as_str().unwrap();
    let timeline: Value =
        app.get(&format!("/api/v1/complaints/{cid}/events"), &d.cs).await.json().await.unwrap();
    let last = timeline["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&last["action"], &last["payload"]["means"]),
        (&json!("apologize"), &json!("visit"))
    );
    // Closing before anything is settled needs a reason.
    let close = act(&app, &d.cs, &order, &json!({"action": "close"})).await;
    let problem = assert_problem(close, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "reason");
}

/// R-WO-6: a contractor's warranty deposit and warranty end; a defect found on the last day of
/// the warranty is still the contractor's to repair, the day after it the fund's. Contractors
/// are kept group-wide (`contractors.manage`); a department reads them, cannot change them.
async fn r_wo_6_a_contractors_warranty_decides_who_repairs(backend: Backend) {
    let app = spawn_app(backend).await;
    let d = desk(&app).await;
    // The test clock reads 2026-09-30 (China time).
    let body = json!({"name": "丙建设", "warranty_deposit_fen": 1_000_000, "warranty_ends_on": "2026-09-30"});
    let c = app.create("/api/v1/contractors", &d.cs, body).await;
    assert_eq!(
        (&c["warranty_cover"], &c["warranty_deposit_fen"]),
        (&json!("contractor"), &json!(1_000_000))
    );
    let path = format!("/api/v1/contractors/{}", id(&c));
    app.clock.advance(TimeDelta::days(1));
    let cs = app.login("cs.manager", "cs.manager-password").await.json::<Value>().await.unwrap();
    let cs = cs["access_token"].as_str().unwrap();
    let later: Value = app.get(&path, cs).await.json().await.unwrap();
    assert_eq!(later["warranty_cover"], "fund");
    let extended = app.patch(&path, cs, 1, &json!({"warranty_ends_on": "2027-09-30"})).await;
    assert_eq!(extended.status(), 200);
    let extended: Value = extended.json().await.unwrap();
    assert_eq!(
        (&extended["warranty_cover"], &extended["version"]),
        (&json!("contractor"), &json!(2))
    );
    let taken = app.post("/api/v1/contractors", cs, &json!({"name": "丙建设"})).await;
    assert_problem(taken, 409, "conflict").await;
    let (admin, dept) = (app.admin_token().await, Some(d.org.departments[0].as_str()));
    let (_, head) = app.user_with(&admin, "head", &[("dept_head", "department", dept)]).await;
    let seen: Value = app.get("/api/v1/contractors", &head).await.json().await.unwrap();
    assert_eq!(seen["items"].as_array().unwrap().len(), 1);
    let change = app.patch(&path, &head, 2, &json!({"name": "丁建设"})).await;
    assert_problem(change, 403, "forbidden").await;
    let made = app.post("/api/v1/contractors", &head, &json!({"name": "戊建设"})).await;
    assert_problem(made, 403, "forbidden").await;
}

/// A department's queue: `overdue=true` lists the orders whose due is past, `overdue=false`
/// the others; `state` filters; a project user of another project sees none of them.
async fn a_departments_queue_shows_what_is_overdue(backend: Backend) {
    let app = spawn_app(backend).await;
    let d = desk(&app).await;
    let quick = sent(&app, &d, false, false).await;
    let slow = sent(&app, &d, true, false).await;
    // Thursday 8 October 12:00: the plain reply (due 11:45) is late, the surveyed one is not.
    app.clock.set("2026-10-08T04:00:00Z".parse().unwrap());
    let cs = app.login("cs.manager", "cs.manager-password").await.json::<Value>().await.unwrap();
    let cs = cs["access_token"].as_str().unwrap();
    let dept = &d.org.departments[0];
    let late: Value = app
        .get(&format!("/api/v1/work-orders?department_id={dept}&overdue=true"), cs)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kefu_tests::api::ids(&late), vec![id(&quick)]);
    assert_eq!(late["items"][0]["overdue"], true);
    assert_eq!(late["items"][0]["clocks"][0]["state"], "breached");
    let on_time: Value =
        app.get("/api/v1/work-orders?overdue=false", cs).await.json().await.unwrap();
    assert_eq!(kefu_tests::api::ids(&on_time), vec![id(&slow)]);
    let sent_ones: Value =
        app.get("/api/v1/work-orders?state=sent&count=true", cs).await.json().await.unwrap();
    assert_eq!(sent_ones["total"], 2);
    let admin = app.admin_token().await;
    let (_, elsewhere) = app
        .user_with(&admin, "elsewhere", &[("cs_specialist", "project", Some(&d.org.projects[1]))])
        .await;
    let none: Value = app.get("/api/v1/work-orders", &elsewhere).await.json().await.unwrap();
    assert_eq!(none["items"], json!([]));
    let path = format!("/api/v1/work-orders/{}", id(&quick));
    assert_problem(app.get(&path, &elsewhere).await, 404, "not_found").await;
    let other_complaint =
        send(&app, &elsewhere, &d.complaint, json!({"department_id": dept, "request": "核实"}));
    assert_problem(other_complaint.await, 404, "not_found").await;
}

/// 20 concurrent actions with one ETag: one 200, nineteen 412, one timeline entry.
async fn twenty_work_order_actions_with_one_etag_make_one_change(backend: Backend) {
    let app = spawn_app(backend).await;
    let d = desk(&app).await;
    let order = sent(&app, &d, false, false).await;
    let body = json!({"action": "apologize", "means": "phone"});
    let sends: Vec<_> = (0..20).map(|_| act(&app, &d.cs, &order, &body)).collect();
    let statuses: Vec<u16> =
        futures_util::future::join_all(sends).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 19, "{statuses:?}");
    let cid = d.complaint["id"].as_str().unwrap();
    let timeline: Value =
        app.get(&format!("/api/v1/complaints/{cid}/events"), &d.cs).await.json().await.unwrap();
    let apologies =
        timeline["items"].as_array().unwrap().iter().filter(|e| e["action"] == "apologize").count();
    assert_eq!(apologies, 1);
    let now: Value =
        app.get(&format!("/api/v1/work-orders/{}", id(&order)), &d.cs).await.json().await.unwrap();
    assert_eq!(now["version"], 2);
}
