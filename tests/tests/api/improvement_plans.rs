//! Improvement plans (整改计划, R-SAT-3): drafted by the department, submitted, returned with
//! a reason or approved by management (never by the department head), then reported on
//! quarterly; one plan per department and year; reach by department.

use kefu_tests::{Backend, api::id, assert_problem, both_backends, org::org, spawn_app};
use serde_json::json;

use crate::surveys::post_if;

both_backends! {
    r_sat_3_a_plan_is_submitted_approved_and_reported_quarterly => r_sat_3_a_plan_is_submitted_approved_and_reported_quarterly;
}

async fn r_sat_3_a_plan_is_submitted_approved_and_reported_quarterly(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (head_id, head) = app
        .user_with(&admin, "head.d1", &[("dept_head", "department", Some(&o.departments[0]))])
        .await;
    let gm = app.user_with(&admin, "gm", &[("general_manager", "group", None)]).await.1;
    let item = |title: &str| json!({"title": title, "owner_id": head_id, "due_on": "2027-03-31"});
    let body =
        json!({"department_id": o.departments[0], "year": 2027, "items": [item("车库照明改造")]});
    let plan = app.create("/api/v1/improvement-plans", &head, body.clone()).await;
    assert_eq!((&plan["state"], &plan["version"]), (&json!("draft"), &json!(1)));
    let pid = id(&plan);
    let one = format!("/api/v1/improvement-plans/{pid}");
    let moves = format!("{one}/transitions");
    assert_problem(app.post("/api/v1/improvement-plans", &head, &body).await, 409, "plan_exists")
        .await;
    let nobody = json!({"department_id": o.departments[0], "year": 2028,
        "items": [{"title": "x", "owner_id": "019ab2f1-0000-7000-8000-000000000000", "due_on": "2028-01-31"}]});
    let p = assert_problem(
        app.post("/api/v1/improvement-plans", &head, &nobody).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "items[0].owner_id");
    // Another department's head does not see it, nor may he draft for department 1.
    let other = app
        .user_with(&admin, "head.d2", &[("dept_head", "department", Some(&o.departments[1]))])
        .await
        .1;
    assert_problem(app.get(&one, &other).await, 404, "not_found").await;
    let theirs = json!({"department_id": o.departments[0], "year": 2029, "items": [item("x")]});
    assert_problem(app.post("/api/v1/improvement-plans", &other, &theirs).await, 403, "forbidden")
        .await;

    let two = json!({"items": [item("车库照明改造"), item("电梯维保")]});
    let changed = app.patch(&one, &head, 1, &two).await;
    assert_eq!(changed.status(), 200);
    let submit = json!({"action": "submit"});
    let submitted: serde_json::Value =
        post_if(&app, &moves, &head, 2, &submit).await.json().await.unwrap();
    assert_eq!(submitted["state"], "submitted");
    // The department head may not approve his own plan: management does.
    let approve = json!({"action": "approve"});
    assert_problem(post_if(&app, &moves, &head, 3, &approve).await, 403, "forbidden").await;
    assert_problem(
        post_if(&app, &moves, &gm, 3, &json!({"action": "return"})).await,
        422,
        "validation_failed",
    )
    .await;
    let back = json!({"action": "return", "reason": "缺少物业服务的整改项"});
    let returned: serde_json::Value =
        post_if(&app, &moves, &gm, 3, &back).await.json().await.unwrap();
    assert_eq!(
        (&returned["state"], &returned["return_reason"]),
        (&json!("returned"), &back["reason"])
    );
    let early =
        json!({"quarter": 1, "item_id": returned["items"][0]["id"], "percent": 10, "note": "启动"});
    assert_problem(
        app.post(&format!("{one}/progress"), &head, &early).await,
        409,
        "plan_not_approved",
    )
    .await;
    assert_eq!(post_if(&app, &moves, &head, 4, &submit).await.status(), 200);
    let approved: serde_json::Value =
        post_if(&app, &moves, &gm, 5, &approve).await.json().await.unwrap();
    assert_eq!(approved["state"], "approved");
    assert_problem(app.patch(&one, &head, 6, &two).await, 409, "plan_not_editable").await;

    // Quarterly progress: a second report for the same item and quarter replaces the first.
    let item_id = approved["items"][1]["id"].clone();
    for percent in [40, 60] {
        let report =
            json!({"quarter": 1, "item_id": item_id, "percent": percent, "note": "完成B区"});
        assert_eq!(app.post(&format!("{one}/progress"), &head, &report).await.status(), 200);
    }
    let q2 = json!({"quarter": 2, "item_id": item_id, "percent": 100, "note": "完成"});
    assert_eq!(app.post(&format!("{one}/progress"), &head, &q2).await.status(), 200);
    let read: serde_json::Value = app.get(&one, &gm).await.json().await.unwrap();
    let progress = read["items"][1]["progress"].as_array().unwrap();
    let pairs: Vec<(i64, i64)> = progress
        .iter()
        .map(|p| (p["quarter"].as_i64().unwrap(), p["percent"].as_i64().unwrap()))
        .collect();
    assert_eq!(pairs, [(1, 60), (2, 100)]);
    let bad = json!({"quarter": 5, "item_id": item_id, "percent": 10, "note": ""});
    assert_problem(
        app.post(&format!("{one}/progress"), &head, &bad).await,
        422,
        "validation_failed",
    )
    .await;
    let list: serde_json::Value = app
        .get("/api/v1/improvement-plans?year=2027&state=approved", &gm)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    app.stop().await;
}
