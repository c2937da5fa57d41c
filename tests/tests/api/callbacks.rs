//! Callbacks (回访): the R-T-6 task of a resolved complaint on the 2026 calendar, attempts and
//! failure, the record that takes the complaint's `record_callback` and reopens it (or opens a
//! new complaint) for a dissatisfied customer, linked on both timelines; the Monday batch of
//! R-CB-1 (after National Day it runs on Thursday 2026-10-08) with its reproducible sample and
//! its tracking list, made by hand and by the periodic job; R-CB-2's customer director; the node
//! callbacks of R-T-12; roles and scope.

use futures_util::future::join_all;
use kefu_http::{
    jobs::{JobSettings, Runner},
    state::AppState,
};
use kefu_tests::api::{at, token};
use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use serde_json::{Value, json};

both_backends! {
    r_t_6_a_complaint_resolved_on_a_friday_afternoon_is_called_back_the_next_working_day => r_t_6_a_complaint_resolved_on_a_friday_afternoon_is_called_back_the_next_working_day;
    r_cb_3_a_dissatisfied_callback_reopens_the_complaint_linked_on_both_timelines => r_cb_3_a_dissatisfied_callback_reopens_the_complaint_linked_on_both_timelines;
    r_cb_3_a_dissatisfied_callback_opens_a_new_complaint_when_the_policy_says_so => r_cb_3_a_dissatisfied_callback_opens_a_new_complaint_when_the_policy_says_so;
    r_cb_1_the_monday_batch_after_national_day_runs_on_thursday_with_a_reproducible_sample => r_cb_1_the_monday_batch_after_national_day_runs_on_thursday_with_a_reproducible_sample;
    r_cb_1_the_periodic_job_makes_the_batch_on_the_first_working_day_once => r_cb_1_the_periodic_job_makes_the_batch_on_the_first_working_day_once;
    r_t_12_node_callbacks_follow_contracts_handovers_and_closed_complaints => r_t_12_node_callbacks_follow_contracts_handovers_and_closed_complaints;
    callbacks_keep_to_roles_and_scope => callbacks_keep_to_roles_and_scope;
    twenty_callers_record_one_task_once => twenty_callers_record_one_task_once;
    r_cb_4_the_node_questionnaires_are_pulled_on_the_25th => r_cb_4_the_node_questionnaires_are_pulled_on_the_25th;
    r_cb_4_a_survey_period_suspends_the_node_callbacks => r_cb_4_a_survey_period_suspends_the_node_callbacks;
}

async fn receive(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/complaints", token, &body).await;
    assert_eq!(res.status(), 201, "{body}");
    res.json().await.unwrap()
}

/// Takes the actions in order, each with the complaint's current ETag; the complaint after.
async fn walk(app: &TestApp, token: &str, mut c: Value, steps: &[Value]) -> Value {
    for body in steps {
        let res = app
            .http
            .post(app.url(&format!("/api/v1/complaints/{}/transitions", id(&c))))
            .bearer_auth(token)
            .header("if-match", format!("\"{}\"", c["version"]))
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{body}");
        c = res.json().await.unwrap();
    }
    c
}

/// A general complaint of project A taken to `resolved` by the cs manager.
fn to_resolved() -> Vec<Value> {
    vec![
        json!({"action": "write_ticket"}),
        json!({"action": "collect_evidence", "findings": "属实"}),
        json!({"action": "handle"}),
        json!({"action": "resolve", "resolution": "已维修"}),
    ]
}

async fn callbacks(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let res = app.get(&format!("/api/v1/callbacks?{query}"), token).await;
    assert_eq!(res.status(), 200, "{query}");
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

async fn record(app: &TestApp, token: &str, task: &str, body: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/callbacks/{task}/records"), token, &body).await
}

async fn events(app: &TestApp, token: &str, complaint: &str) -> Vec<Value> {
    let page: Value = app
        .get(&format!("/api/v1/complaints/{complaint}/events?limit=200"), token)
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

/// R-T-6 on the 2026 calendar: resolved on Friday 2026-10-09 at 15:00, the callback is due one
/// working day (7.5 h) later — Saturday 10 October at 15:00, a working day moved for National
/// Day — and on an ordinary Friday (16 October) the next Monday at 15:00. The task is the
/// callback owner's (R-IN-3); unanswered calls plan the next attempt until the third, then the
/// task fails (R-CB-3: each call leaves a record).
async fn r_t_6_a_complaint_resolved_on_a_friday_afternoon_is_called_back_the_next_working_day(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (cs_id, _) = app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let mut cs = token(&app, "cs.manager").await;
    let body = |what: &str| {
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "category": "staff_attitude", "description": what})
    };
    let first = receive(&app, &cs, body("保安态度差")).await;
    let second = receive(&app, &cs, body("保洁不及时")).await;
    app.clock.set(at("2026-10-09T15:00:00+08:00"));
    cs = token(&app, "cs.manager").await;
    let first = walk(&app, &cs, first, &to_resolved()).await;
    assert_eq!(first["state"], "resolved");
    let tasks = callbacks(&app, &cs, &format!("complaint_id={}", id(&first))).await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let task = &tasks[0];
    assert_eq!((&task["reason"], &task["state"]), (&json!("completion"), &json!("due")));
    assert_eq!(task["due_at"], "2026-10-10T15:00:00+08:00", "Saturday 10 October is a working day");
    assert_eq!(task["assignee_id"], json!(cs_id));
    assert_eq!(task["customer_id"], json!(o.customers[0]));
    // The caller's work list.
    let mine = callbacks(&app, &cs, "assignee=me&state=due").await;
    assert_eq!(mine.iter().map(id).collect::<Vec<_>>(), [id(task)]);
    assert!(callbacks(&app, &cs, "assignee=me&state=done").await.is_empty());

    app.clock.set(at("2026-10-16T15:00:00+08:00"));
    cs = token(&app, "cs.manager").await;
    let second = walk(&app, &cs, second, &to_resolved()).await;
    let tasks = callbacks(&app, &cs, &format!("complaint_id={}", id(&second))).await;
    assert_eq!(tasks[0]["due_at"], "2026-10-19T15:00:00+08:00", "an ordinary Friday: Monday");

    // Two calls that reach nobody: recorded, the next attempt planned a working day later.
    let task_id = id(&tasks[0]);
    for attempt in 1..=2 {
        let res = record(&app, &cs, &task_id, json!({"method": "phone", "reached": false})).await;
        assert_eq!(res.status(), 201);
        let done: Value = res.json().await.unwrap();
        assert_eq!(done["task"]["state"], "due");
        assert_eq!(done["task"]["attempts"], attempt);
        assert_eq!(done["task"]["next_attempt_at"], "2026-10-19T15:00:00+08:00");
        assert_eq!(done["record"]["outcome"], "not_reached");
    }
    // A customer who was not reached gives no satisfaction: 422 naming it, nothing recorded.
    let res = record(
        &app,
        &cs,
        &task_id,
        json!({"method": "phone", "reached": false, "satisfaction": 3}),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "satisfaction");
    // The third unanswered call fails the task; the complaint stays resolved.
    let res = record(&app, &cs, &task_id, json!({"method": "phone", "reached": false})).await;
    let done: Value = res.json().await.unwrap();
    assert_eq!((&done["task"]["state"], &done["task"]["attempts"]), (&json!("failed"), &json!(3)));
    let res = record(&app, &cs, &task_id, json!({"method": "phone", "reached": true})).await;
    assert_problem(res, 409, "conflict").await;
    let detail: Value =
        app.get(&format!("/api/v1/callbacks/{task_id}"), &cs).await.json().await.unwrap();
    assert_eq!(detail["records"].as_array().unwrap().len(), 3);
    let read: Value =
        app.get(&format!("/api/v1/complaints/{}", id(&second)), &cs).await.json().await.unwrap();
    assert_eq!(read["state"], "resolved");

    // The first complaint's customer is reached and satisfied: the record takes the
    // complaint's own `record_callback` (its callback clock met), the task is done.
    let res = record(
        &app,
        &cs,
        &id(task),
        json!({"method": "phone", "recording_ref": "rec-1009-01", "reached": true,
            "satisfaction": {"overall": 5, "timeliness": 4}, "comment": "满意"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["task"]["state"], "done");
    assert_eq!(done["record"]["outcome"], "called_back");
    assert_eq!(done["record"]["lowest"], 4);
    let read: Value =
        app.get(&format!("/api/v1/complaints/{}", id(&first)), &cs).await.json().await.unwrap();
    assert_eq!(read["state"], "called_back");
    let callback_clock =
        read["clocks"].as_array().unwrap().iter().find(|c| c["clock"] == "callback").unwrap();
    assert_eq!(callback_clock["state"], "met_late", "called back after its Saturday due");
    // An unknown question or a score out of range: 422 naming it.
    let third = receive(&app, &cs, body("绿化差")).await;
    let third = walk(&app, &cs, third, &to_resolved()).await;
    let task = &callbacks(&app, &cs, &format!("complaint_id={}", id(&third))).await[0];
    for (answers, field) in
        [(json!({"overall": 6}), "satisfaction.overall"), (json!({"mood": 3}), "satisfaction.mood")]
    {
        let res = record(
            &app,
            &cs,
            &id(task),
            json!({"method": "visit", "reached": true, "satisfaction": answers}),
        )
        .await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field);
    }
}

/// R-CB-3 / `reopen_at_or_below`: a reached customer who answers 2 or below has his resolved
/// complaint reopened through the complaint's own transition; the complaint's timeline names
/// the callback task and record, the task's record names the complaint and the outcome.
async fn r_cb_3_a_dissatisfied_callback_reopens_the_complaint_linked_on_both_timelines(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let cs = token(&app, "cs.manager").await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "category": "staff_attitude", "description": "维修人员迟到"}),
    )
    .await;
    let c = walk(&app, &cs, c, &to_resolved()).await;
    let task = callbacks(&app, &cs, &format!("complaint_id={}", id(&c))).await.remove(0);
    let res = record(
        &app,
        &cs,
        &id(&task),
        json!({"method": "phone", "recording_ref": "rec-7", "reached": true,
            "satisfaction": {"overall": 2, "attitude": 4}, "comment": "问题没有解决"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let done: Value = res.json().await.unwrap();
    assert_eq!(
        (&done["task"]["state"], &done["record"]["outcome"]),
        (&json!("done"), &json!("reopened"))
    );
    assert_eq!(done["record"]["complaint_id"], json!(id(&c)));
    let record_id = id(&done["record"]);
    let read: Value =
        app.get(&format!("/api/v1/complaints/{}", id(&c)), &cs).await.json().await.unwrap();
    assert_eq!(read["state"], "investigating");
    let timeline = events(&app, &cs, &id(&c)).await;
    let reopened = timeline
        .iter()
        .find(|e| e["kind"] == "transition" && e["action"] == "record_callback")
        .unwrap();
    assert_eq!(
        (&reopened["from_state"], &reopened["to_state"]),
        (&json!("resolved"), &json!("investigating"))
    );
    let link = timeline.iter().find(|e| e["kind"] == "callback").unwrap();
    assert_eq!(link["payload"]["callback_record_id"], json!(record_id));
    assert_eq!(link["payload"]["callback_task_id"], json!(id(&task)));
    assert_eq!(link["action"], "reopened");
    let detail: Value =
        app.get(&format!("/api/v1/callbacks/{}", id(&task)), &cs).await.json().await.unwrap();
    assert_eq!(detail["records"][0]["id"], json!(record_id));
    assert_eq!(detail["records"][0]["outcome"], "reopened");
    // Resolved again, it gets a new callback task; a satisfied customer closes it.
    let c = walk(
        &app,
        &cs,
        read,
        &[json!({"action": "handle"}), json!({"action": "resolve", "resolution": "返工完成"})],
    )
    .await;
    let open = callbacks(&app, &cs, &format!("complaint_id={}&state=due", id(&c))).await;
    assert_eq!(open.len(), 1);
    assert_ne!(id(&open[0]), id(&task));
}

/// The group's policy may open a new complaint instead (`on_dissatisfaction`:
/// `new_complaint`): the old one is called back, the new one names it and the callback, and
/// the old one's timeline names the new one.
async fn r_cb_3_a_dissatisfied_callback_opens_a_new_complaint_when_the_policy_says_so(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let cs = token(&app, "cs.manager").await;
    let res = app.get("/api/v1/policies/sla", &cs).await;
    let version: i64 = res.headers()["etag"].to_str().unwrap().trim_matches('"').parse().unwrap();
    let mut policy: Value = res.json().await.unwrap();
    assert_eq!(policy["callbacks"]["callback_attempts"], 3);
    assert_eq!(policy["callbacks"]["reopen_at_or_below"], 2);
    let doc = json!({"clocks": policy["clocks"], "grading": policy["grading"],
        "lifecycle": policy["lifecycle"], "max_backdate_days": policy["max_backdate_days"],
        "callbacks": {"on_dissatisfaction": "new_complaint", "reopen_at_or_below": 3}});
    let res = app
        .http
        .put(app.url("/api/v1/policies/sla"))
        .bearer_auth(&cs)
        .header("if-match", format!("\"{version}\""))
        .json(&doc)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    policy = res.json().await.unwrap();
    assert_eq!(policy["callbacks"]["on_dissatisfaction"], "new_complaint");
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "unit_id": o.units[0], "category": "staff_attitude",
            "description": "物业费账单错误"}),
    )
    .await;
    let c = walk(&app, &cs, c, &to_resolved()).await;
    let task = callbacks(&app, &cs, &format!("complaint_id={}", id(&c))).await.remove(0);
    let res = record(
        &app,
        &cs,
        &id(&task),
        json!({"method": "phone", "reached": true, "satisfaction": 3}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["record"]["outcome"], "new_complaint");
    let new_id = done["record"]["new_complaint_id"].as_str().unwrap().to_owned();
    let old: Value =
        app.get(&format!("/api/v1/complaints/{}", id(&c)), &cs).await.json().await.unwrap();
    assert_eq!(old["state"], "called_back");
    let new: Value =
        app.get(&format!("/api/v1/complaints/{new_id}"), &cs).await.json().await.unwrap();
    assert_eq!(
        (&new["state"], &new["customer_id"], &new["unit_id"]),
        (&json!("received"), &json!(o.customers[0]), &json!(o.units[0]))
    );
    let old_link =
        events(&app, &cs, &id(&c)).await.into_iter().find(|e| e["kind"] == "callback").unwrap();
    assert_eq!(old_link["payload"]["new_complaint_id"], json!(new_id));
    let new_link =
        events(&app, &cs, &new_id).await.into_iter().find(|e| e["kind"] == "callback").unwrap();
    assert_eq!(new_link["payload"]["from_complaint_id"], json!(id(&c)));
    assert_eq!(new_link["payload"]["callback_record_id"], done["record"]["id"]);
}

async fn batch(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post("/api/v1/callbacks/batches", token, &body).await
}

fn sample(batch: &Value) -> Vec<String> {
    batch["sample_ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

/// R-CB-1 on the 2026 calendar: the week of Monday 2026-10-05 has no work until Thursday
/// 10-08 (National Day), so its batch runs then and covers the complaints received 09-28 to
/// 10-04: all of them, and a fifth (rounded up) of the older ones still in progress. The same
/// seed over the same complaints samples the same ones; the batch stores its seed and sample;
/// a complaint whose R-T-6 task is open joins it (one task, both reasons); a major complaint's
/// task is the customer director's (R-CB-2).
async fn r_cb_1_the_monday_batch_after_national_day_runs_on_thursday_with_a_reproducible_sample(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let (director, _) =
        app.user_with(&admin, "cs.director", &[("customer_director", "group", None)]).await;
    let cs = token(&app, "cs.manager").await;
    let complaint = |what: &str, at: &str| {
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "category": "staff_attitude", "description": what,
            "received_at": at})
    };
    // Six older complaints still in progress: a sample of 20 % takes two.
    let mut older = Vec::new();
    for day in 21..=26 {
        older.push(id(&receive(
            &app,
            &cs,
            complaint("旧投诉", &format!("2026-09-{day}T10:00:00+08:00")),
        )
        .await));
    }
    // Last week's: three, one of them major (R-CLS-12) and one resolved already.
    let last_week = receive(&app, &cs, complaint("上周投诉", "2026-09-28T10:00:00+08:00")).await;
    let mut major = complaint("集中交房群诉", "2026-09-29T10:00:00+08:00");
    major["flags"] = json!(["mass_handover"]);
    let major = receive(&app, &cs, major).await;
    assert_eq!(major["grade"], "major");
    let resolved = receive(&app, &cs, complaint("已处理", "2026-09-30T09:00:00+08:00")).await;
    let resolved = walk(&app, &cs, resolved, &to_resolved()).await;
    let completion =
        callbacks(&app, &cs, &format!("complaint_id={}", id(&resolved))).await.remove(0);
    // One outside the week (this week's) is not in it.
    app.clock.set(at("2026-10-05T10:00:00+08:00"));
    let cs = token(&app, "cs.manager").await;
    receive(&app, &cs, complaint("本周投诉", "2026-10-05T09:00:00+08:00")).await;

    let dry = |seed: &str| json!({"week_of": "2026-10-05", "seed": seed, "dry_run": true});
    let res = batch(&app, &cs, dry("42")).await;
    assert_eq!(res.status(), 200);
    let preview: Value = res.json().await.unwrap();
    assert_eq!(preview["run_on"], "2026-10-08", "the week's first working day");
    assert_eq!(
        (&preview["period_start"], &preview["period_end"]),
        (&json!("2026-09-28"), &json!("2026-10-04"))
    );
    assert_eq!(preview["in_progress"], 6);
    assert_eq!(sample(&preview).len(), 2, "20 % of 6, rounded up");
    assert!(sample(&preview).iter().all(|s| older.contains(s)));
    // The same seed, the same sample; among other seeds, another one.
    let again: Value = batch(&app, &cs, dry("42")).await.json().await.unwrap();
    assert_eq!(sample(&again), sample(&preview));
    let mut differs = false;
    for seed in 1..30 {
        let other: Value = batch(&app, &cs, dry(&seed.to_string())).await.json().await.unwrap();
        differs |= sample(&other) != sample(&preview);
    }
    assert!(differs, "another seed gives another sample");
    assert!(
        app.get("/api/v1/callbacks/batches", &cs).await.json::<Value>().await.unwrap()["items"]
            .as_array()
            .unwrap()
            .is_empty(),
        "a dry run stores nothing"
    );

    let res = batch(&app, &cs, json!({"week_of": "2026-10-07", "seed": "42"})).await;
    assert_eq!(res.status(), 201);
    let made: Value = res.json().await.unwrap();
    assert_eq!((&made["week_of"], &made["seed"]), (&json!("2026-10-05"), &json!("42")));
    assert_eq!(sample(&made), sample(&preview));
    let stored: Value = app
        .get(&format!("/api/v1/callbacks/batches/{}", id(&made)), &cs)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sample(&stored), sample(&preview));
    let items = stored["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "three of last week and two sampled: {items:?}");
    let item = |c: &Value| items.iter().find(|i| i["complaint_id"] == c["id"]).unwrap().clone();
    assert_eq!(item(&last_week)["sampled"], false);
    assert_eq!(item(&last_week)["due_at"], "2026-10-08T18:00:00+08:00");
    // R-CB-2: the major complaint is the customer director's.
    assert_eq!(item(&major)["assignee_id"], json!(director));
    // The resolved complaint's R-T-6 task (due earlier) took the batch's reason: one task.
    assert_eq!(item(&resolved)["callback_id"], completion["id"]);
    let joined: Value =
        app.get(&format!("/api/v1/callbacks/{}", id(&completion)), &cs).await.json().await.unwrap();
    assert_eq!(joined["reasons"], json!(["completion", "weekly"]));
    assert_eq!(
        (&joined["reason"], &joined["due_at"]),
        (&completion["reason"], &completion["due_at"])
    );
    assert_eq!(callbacks(&app, &cs, &format!("complaint_id={}", id(&resolved))).await.len(), 1);
    // The week has its batch.
    let res = batch(&app, &cs, json!({"week_of": "2026-10-05"})).await;
    assert_problem(res, 409, "conflict").await;
    let sampled = callbacks(&app, &cs, "reason=weekly_sample").await;
    assert_eq!(sampled.len(), 2);
}

/// One round of every periodic job on the app's database and clock.
async fn round(app: &TestApp) -> usize {
    let state = AppState::new(app.db.clone(), app.clock.clone());
    let settings = JobSettings { node: "test-node".into(), ..JobSettings::default() };
    Runner::new(state, settings).round().await.batches
}

/// The periodic job makes the week's batch on its day and only once: nothing during the
/// National Day holidays, the batch of the week of 10-05 on Thursday 10-08, nothing more on
/// Friday; an ordinary week's on its Monday.
async fn r_cb_1_the_periodic_job_makes_the_batch_on_the_first_working_day_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let cs = token(&app, "cs.manager").await;
    receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "description": "噪音扰民",
            "received_at": "2026-09-30T10:00:00+08:00"}),
    )
    .await;
    // Wednesday 09-30 is after its week's Monday: that week's batch is made at once.
    assert_eq!(round(&app).await, 1);
    for day in ["2026-10-05T09:00:00+08:00", "2026-10-07T09:00:00+08:00"] {
        app.clock.set(at(day));
        assert_eq!(round(&app).await, 0, "{day}: no working day yet");
    }
    app.clock.set(at("2026-10-08T00:05:00+08:00"));
    assert_eq!(round(&app).await, 1);
    app.clock.set(at("2026-10-09T09:00:00+08:00"));
    assert_eq!(round(&app).await, 0, "made once");
    app.clock.set(at("2026-10-12T08:00:00+08:00"));
    assert_eq!(round(&app).await, 1, "an ordinary Monday");
    let cs = token(&app, "cs.manager").await;
    let page: Value = app.get("/api/v1/callbacks/batches", &cs).await.json().await.unwrap();
    let weeks: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|b| b["week_of"].as_str().unwrap()).collect();
    assert_eq!(weeks, ["2026-09-28", "2026-10-05", "2026-10-12"]);
    let oct5 =
        page["items"].as_array().unwrap().iter().find(|b| b["week_of"] == "2026-10-05").unwrap();
    assert_eq!((&oct5["run_on"], &oct5["created_by"]), (&json!("2026-10-08"), &Value::Null));
    let detail: Value = app
        .get(&format!("/api/v1/callbacks/batches/{}", id(oct5)), &cs)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["items"].as_array().unwrap().len(), 1, "the complaint of 09-30");
}

/// R-T-12: a month after a contract is signed (the end of its day), a month after the
/// project's mass handover for each of its owners (moved with the date, cancelled when it is
/// cleared), a week after a complaint is archived.
async fn r_t_12_node_callbacks_follow_contracts_handovers_and_closed_complaints(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let cs = token(&app, "cs.manager").await;
    let buyer = app
        .create(
            "/api/v1/customers",
            &cs,
            json!({"name": "新业主", "phones": ["13912345678"],
                "units": [{"unit_id": o.units[1], "contract_signed_on": "2026-09-20"}]}),
        )
        .await;
    let tasks = callbacks(&app, &cs, &format!("customer_id={}", id(&buyer))).await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        (&tasks[0]["reason"], &tasks[0]["unit_id"]),
        (&json!("contract_signed"), &json!(o.units[1]))
    );
    assert_eq!(tasks[0]["due_at"], "2026-10-21T00:00:00+08:00", "the end of 10-20");
    // An old contract (its callback long past) plans nothing.
    let old = app
        .create(
            "/api/v1/customers",
            &cs,
            json!({"name": "老业主", "phones": ["13912345679"],
                "units": [{"unit_id": o.units[1], "contract_signed_on": "2025-01-10"}]}),
        )
        .await;
    assert!(callbacks(&app, &cs, &format!("customer_id={}", id(&old))).await.is_empty());

    // Project B's mass handover: both owners of its unit are called back a month later.
    let project: Value = app
        .get(&format!("/api/v1/org/projects/{}", o.projects[1]), &admin)
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .patch(
            &format!("/api/v1/org/projects/{}", o.projects[1]),
            &admin,
            project["version"].as_i64().unwrap(),
            &json!({"handover_on": "2026-09-25"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let project: Value = res.json().await.unwrap();
    assert_eq!(project["handover_on"], "2026-09-25");
    let handover = callbacks(&app, &cs, "reason=mass_handover").await;
    let owners: Vec<&str> = handover.iter().map(|t| t["customer_id"].as_str().unwrap()).collect();
    assert_eq!(handover.len(), 3, "B's owner, the buyer and the old owner: {owners:?}");
    assert!(handover.iter().all(|t| t["due_at"] == "2026-10-26T00:00:00+08:00"));
    // Moved: the same tasks, the new due; cleared: cancelled.
    let res = app
        .patch(
            &format!("/api/v1/org/projects/{}", o.projects[1]),
            &admin,
            project["version"].as_i64().unwrap(),
            &json!({"handover_on": "2026-09-28"}),
        )
        .await;
    let project: Value = res.json().await.unwrap();
    let moved = callbacks(&app, &cs, "reason=mass_handover&state=due").await;
    assert_eq!(
        moved.iter().map(id).collect::<Vec<_>>(),
        handover.iter().map(id).collect::<Vec<_>>()
    );
    assert!(moved.iter().all(|t| t["due_at"] == "2026-10-29T00:00:00+08:00"));
    app.patch(
        &format!("/api/v1/org/projects/{}", o.projects[1]),
        &admin,
        project["version"].as_i64().unwrap(),
        &json!({"handover_on": null}),
    )
    .await;
    assert!(callbacks(&app, &cs, "reason=mass_handover&state=due").await.is_empty());
    assert_eq!(callbacks(&app, &cs, "reason=mass_handover&state=cancelled").await.len(), 3);

    // A complaint archived on 2026-10-12 at 10:00 is called back a calendar week later.
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "category": "staff_attitude", "description": "快递丢失"}),
    )
    .await;
    let c = walk(&app, &cs, c, &to_resolved()).await;
    let c = walk(&app, &cs, c, &[json!({"action": "record_callback", "method": "phone", "reached": true, "satisfaction": 4})]).await;
    let done = callbacks(&app, &cs, &format!("complaint_id={}&reason=completion", id(&c))).await;
    assert_eq!(done[0]["state"], "done", "a callback recorded on the complaint ends its task");
    app.clock.set(at("2026-10-12T10:00:00+08:00"));
    let cs = token(&app, "cs.manager").await;
    walk(&app, &cs, c.clone(), &[json!({"action": "archive"})]).await;
    let node =
        callbacks(&app, &cs, &format!("complaint_id={}&reason=complaint_closed", id(&c))).await;
    assert_eq!(node.len(), 1);
    assert_eq!(node[0]["due_at"], "2026-10-19T10:00:00+08:00");
}

/// Roles and scope: a project-scoped specialist sees and records only his project's tasks
/// (another's is 404); a department coordinator reads but may not record (403); only the cs
/// manager and customer director make batches.
async fn callbacks_keep_to_roles_and_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let cs = token(&app, "cs.manager").await;
    let (_, project_b) =
        app.user_with(&admin, "cs.b", &[("cs_specialist", "project", Some(&o.projects[1]))]).await;
    let (_, coordinator) =
        app.user_with(&admin, "coord", &[("dept_coordinator", "company", Some(&o.c1))]).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "category": "staff_attitude", "description": "车位被占"}),
    )
    .await;
    let c = walk(&app, &cs, c, &to_resolved()).await;
    let task = callbacks(&app, &cs, &format!("complaint_id={}", id(&c))).await.remove(0);
    let path = format!("/api/v1/callbacks/{}", id(&task));
    assert!(callbacks(&app, &project_b, "").await.is_empty(), "project A's task is out of reach");
    assert_problem(app.get(&path, &project_b).await, 404, "not_found").await;
    let res =
        record(&app, &project_b, &id(&task), json!({"method": "phone", "reached": true})).await;
    assert_problem(res, 404, "not_found").await;
    assert_eq!(app.get(&path, &coordinator).await.status(), 200);
    let res =
        record(&app, &coordinator, &id(&task), json!({"method": "phone", "reached": true})).await;
    assert_problem(res, 403, "forbidden").await;
    assert_problem(batch(&app, &project_b, json!({})).await, 403, "forbidden").await;
    // A batch's tracking list and sample show a project's user only his project's complaints.
    let older = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "description": "旧投诉",
            "received_at": "2026-09-21T10:00:00+08:00"}),
    )
    .await;
    let made: Value =
        batch(&app, &cs, json!({"week_of": "2026-10-05", "seed": "1"})).await.json().await.unwrap();
    assert_eq!(made["sample_ids"], json!([id(&older)]));
    let path_b = format!("/api/v1/callbacks/batches/{}", id(&made));
    let seen: Value = app.get(&path_b, &project_b).await.json().await.unwrap();
    assert_eq!((&seen["items"], &seen["sample_ids"]), (&json!([]), &json!([])));
    let listed: Value =
        app.get("/api/v1/callbacks/batches", &project_b).await.json().await.unwrap();
    assert_eq!(listed["items"][0]["sample_ids"], json!([]));
    let seen: Value = app.get(&path_b, &cs).await.json().await.unwrap();
    assert_eq!(seen["items"].as_array().unwrap().len(), 2);
    // The batch joined the resolved complaint's task (one task, two reasons).
    let task: Value = app.get(&path, &cs).await.json().await.unwrap();
    assert_eq!(task["reasons"], json!(["completion", "weekly"]));
    // Reassignment: the cs manager hands the task to the specialist of project A.
    let (specialist, _) =
        app.user_with(&admin, "cs.a", &[("cs_specialist", "project", Some(&o.projects[0]))]).await;
    let res = app
        .patch(&path, &cs, task["version"].as_i64().unwrap(), &json!({"assignee_id": specialist}))
        .await;
    assert_eq!(res.status(), 200);
    let moved: Value = res.json().await.unwrap();
    assert_eq!(moved["assignee_id"], json!(specialist));
    let res = app
        .patch(&path, &cs, task["version"].as_i64().unwrap(), &json!({"assignee_id": specialist}))
        .await;
    assert_problem(res, 412, "stale_version").await;
    let a = token(&app, "cs.a").await;
    let mine = callbacks(&app, &a, "assignee=me").await;
    assert_eq!(mine.iter().map(id).collect::<Vec<_>>(), [id(&task)]);
}

/// No lost updates: 20 records sent at once on one task, with its `If-Match` or without, make
/// one record and one `record_callback`; 20 reassignments with one ETag, one change.
async fn twenty_callers_record_one_task_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let cs = token(&app, "cs.manager").await;
    for with_etag in [true, false] {
        let c = receive(
            &app,
            &cs,
            json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
                "customer_id": o.customers[0], "category": "staff_attitude", "description": "门禁坏了"}),
        )
        .await;
        let c = walk(&app, &cs, c, &to_resolved()).await;
        let task = callbacks(&app, &cs, &format!("complaint_id={}", id(&c))).await.remove(0);
        let requests = (0..20).map(|n| {
            let mut req = app
                .http
                .post(app.url(&format!("/api/v1/callbacks/{}/records", id(&task))))
                .bearer_auth(&cs)
                .json(&json!({"method": "phone", "reached": true, "satisfaction": 4,
                    "comment": format!("第{n}次")}));
            if with_etag {
                req = req.header("if-match", format!("\"{}\"", task["version"]));
            }
            req.send()
        });
        let statuses: Vec<u16> =
            join_all(requests).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
        let won = statuses.iter().filter(|s| **s == 201).count();
        let refused = statuses.iter().filter(|s| [409, 412].contains(*s)).count();
        assert_eq!((won, refused), (1, 19), "{statuses:?}");
        let detail: Value =
            app.get(&format!("/api/v1/callbacks/{}", id(&task)), &cs).await.json().await.unwrap();
        assert_eq!(detail["records"].as_array().unwrap().len(), 1);
        let timeline = events(&app, &cs, &id(&c)).await;
        let called = timeline.iter().filter(|e| e["action"] == "record_callback").count();
        assert_eq!(called, 1);
    }
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "category": "staff_attitude", "description": "路灯不亮"}),
    )
    .await;
    let c = walk(&app, &cs, c, &to_resolved()).await;
    let task = callbacks(&app, &cs, &format!("complaint_id={}", id(&c))).await.remove(0);
    let (someone, _) = app.user_with(&admin, "cs.other", &[("cs_specialist", "group", None)]).await;
    let requests = (0..20).map(|_| {
        app.http
            .patch(app.url(&format!("/api/v1/callbacks/{}", id(&task))))
            .bearer_auth(&cs)
            .header("if-match", format!("\"{}\"", task["version"]))
            .json(&json!({"assignee_id": someone}))
            .send()
    });
    let statuses: Vec<u16> =
        join_all(requests).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 19, "{statuses:?}");
}

/// R-CB-4: the node callbacks' questionnaires are pulled on the 25th: November's pull holds
/// the calls recorded from 10-26 to 11-25, per node and question; its summary is due on
/// 12-10. A call after the 25th counts for December.
async fn r_cb_4_the_node_questionnaires_are_pulled_on_the_25th(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let cs = token(&app, "cs.manager").await;
    let mut tasks = Vec::new();
    for name in ["甲", "乙", "丙"] {
        let buyer = app
            .create(
                "/api/v1/customers",
                &cs,
                json!({"name": format!("业主{name}"), "phones": ["13912345678"],
                    "units": [{"unit_id": o.units[0], "contract_signed_on": "2026-10-20"}]}),
            )
            .await;
        tasks.push(callbacks(&app, &cs, &format!("customer_id={}", id(&buyer))).await.remove(0));
    }
    assert!(tasks.iter().all(|t| t["reason"] == "contract_signed"));
    let call =
        |answers: Value| json!({"method": "phone", "reached": true, "satisfaction": answers});
    app.clock.set(at("2026-11-20T10:00:00+08:00"));
    let cs = token(&app, "cs.manager").await;
    let res = record(&app, &cs, &id(&tasks[0]), call(json!({"overall": 5, "attitude": 4}))).await;
    assert_eq!(res.status(), 201);
    app.clock.set(at("2026-11-25T17:00:00+08:00"));
    let cs = token(&app, "cs.manager").await;
    record(&app, &cs, &id(&tasks[1]), call(json!({"overall": 2}))).await;
    app.clock.set(at("2026-11-26T09:00:00+08:00"));
    let cs = token(&app, "cs.manager").await;
    record(&app, &cs, &id(&tasks[2]), call(json!({"overall": 1}))).await;
    let res = app.get("/api/v1/callbacks/summary?month=2026-11", &cs).await;
    assert_eq!(res.status(), 200);
    let pull: Value = res.json().await.unwrap();
    assert_eq!(
        (&pull["from"], &pull["to"], &pull["summary_due_on"]),
        (&json!("2026-10-26"), &json!("2026-11-25"), &json!("2026-12-10"))
    );
    let contract = pull["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reason"] == "contract_signed")
        .unwrap();
    assert_eq!(
        (&contract["records"], &contract["reached"], &contract["done"]),
        (&json!(2), &json!(2), &json!(2))
    );
    assert_eq!(
        contract["questions"],
        json!([
            {"code": "attitude", "count": 1, "average": 4.0},
            {"code": "overall", "count": 2, "average": 3.5},
        ])
    );
    let december: Value =
        app.get("/api/v1/callbacks/summary?month=2026-12", &cs).await.json().await.unwrap();
    let contract = december["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reason"] == "contract_signed")
        .unwrap();
    assert_eq!(contract["records"], 1);
    let res = app.get("/api/v1/callbacks/summary?month=2026-13", &cs).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "month");
}

/// R-CB-4 with R-T-12 on the 2026 calendar: a complaint archived on Tuesday 2026-12-01 at 10:00
/// is called back a week later (12-08 10:00). The December survey opens on 12-03 and collects
/// for 10 WD (R-SAT-1): the callback is suspended meanwhile and its due moves by the whole
/// period; one archived during the survey counts its week from the survey's end. Cancelling
/// the survey gives the first its week back.
async fn r_cb_4_a_survey_period_suspends_the_node_callbacks(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let cs = token(&app, "cs.manager").await;
    let complaint = |what: &str| {
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "category": "staff_attitude", "description": what})
    };
    let mut close = to_resolved();
    close.push(
        json!({"action": "record_callback", "method": "phone", "reached": true, "satisfaction": 5}),
    );
    close.push(json!({"action": "archive"}));
    let first = receive(&app, &cs, complaint("楼道灯坏")).await;
    let second = receive(&app, &cs, complaint("垃圾清运不及时")).await;
    app.clock.set(at("2026-12-01T10:00:00+08:00"));
    let cs = token(&app, "cs.manager").await;
    let first = walk(&app, &cs, first, &close).await;
    let node = |c: &Value| format!("complaint_id={}&reason=complaint_closed", id(c));
    let task = callbacks(&app, &cs, &node(&first)).await.remove(0);
    assert_eq!(task["due_at"], "2026-12-08T10:00:00+08:00", "R-T-12: a calendar week");
    let res = app
        .post(
            "/api/v1/surveys",
            &cs,
            &json!({"name": "2026年12月满意度调查", "period": "2026-12", "starts_on": "2026-12-03",
                "company_id": o.c1, "project_ids": [o.projects[0]]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let survey: Value = res.json().await.unwrap();
    let opens = at(survey["opens_at"].as_str().unwrap());
    let closes = at(survey["collection"]["due_at"].as_str().unwrap());
    assert_eq!(opens, at("2026-12-03T09:00:00+08:00"));
    assert_eq!(closes, at("2026-12-16T18:00:00+08:00"), "10 WD of collection");
    let moved: Value =
        app.get(&format!("/api/v1/callbacks/{}", id(&task)), &cs).await.json().await.unwrap();
    assert_eq!(moved["nominal_due_at"], "2026-12-08T10:00:00+08:00");
    let due = at("2026-12-08T10:00:00+08:00") + (closes - opens);
    assert_eq!(at(moved["due_at"].as_str().unwrap()), due, "moved by the length of the pause");
    assert_eq!(moved["due_at"], "2026-12-21T19:00:00+08:00");
    // Archived during the survey: its week starts when the survey ends.
    app.clock.set(at("2026-12-10T10:00:00+08:00"));
    let cs = token(&app, "cs.manager").await;
    let second = walk(&app, &cs, second, &close).await;
    let during = callbacks(&app, &cs, &node(&second)).await.remove(0);
    assert_eq!(during["due_at"], "2026-12-23T18:00:00+08:00");
    // The survey cancelled: no pause.
    let res = app
        .http
        .post(app.url(&format!("/api/v1/surveys/{}/transitions", id(&survey))))
        .bearer_auth(&cs)
        .header("if-match", format!("\"{}\"", survey["version"]))
        .json(&json!({"action": "cancel"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let back: Value =
        app.get(&format!("/api/v1/callbacks/{}", id(&task)), &cs).await.json().await.unwrap();
    assert_eq!(back["due_at"], "2026-12-08T10:00:00+08:00");
}
