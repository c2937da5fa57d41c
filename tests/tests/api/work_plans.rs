//! Work plans (工作计划, R-RP-13): a department's or project's annual or monthly plan, drafted
//! and submitted by it, returned or reviewed by the customer center; each item's completion
//! recorded with the time it was done; the completion rate (items done by their due over
//! items due) per plan and per department or project; a late item reminded once, to its owner
//! or the plan's author, by the periodic job on the moved clock.

use kefu_http::{
    jobs::{JobSettings, Runner},
    state::AppState,
};
use kefu_tests::api::{at, token};
use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use serde_json::{Value, json};

use crate::surveys::post_if;

both_backends! {
    r_rp_13_a_plan_is_submitted_returned_reviewed_and_its_completion_rate_counted => r_rp_13_a_plan_is_submitted_returned_reviewed_and_its_completion_rate_counted;
    r_rp_13_a_late_item_reminds_its_owner_once => r_rp_13_a_late_item_reminds_its_owner_once;
    r_rp_13_plans_keep_to_scope_and_roles => r_rp_13_plans_keep_to_scope_and_roles;
}

/// `PATCH` an item with the plan's ETag.
async fn complete(
    app: &TestApp,
    token: &str,
    plan: &Value,
    item: usize,
    body: Value,
) -> reqwest::Response {
    let path = format!(
        "/api/v1/work-plans/{}/items/{}",
        id(plan),
        plan["items"][item]["id"].as_str().unwrap()
    );
    app.patch(&path, token, plan["version"].as_i64().unwrap(), &body).await
}

async fn json_of(res: reqwest::Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

/// One round of every periodic job on the app's database and clock; late items reminded.
async fn round(app: &TestApp) -> usize {
    let state = AppState::new(app.db.clone(), app.clock.clone());
    let settings = JobSettings { node: "test-node".into(), ..JobSettings::default() };
    Runner::new(state, settings).round().await.reminded
}

async fn r_rp_13_a_plan_is_submitted_returned_reviewed_and_its_completion_rate_counted(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let d1 = o.departments[0].clone();
    let (head_id, head) =
        app.user_with(&admin, "head.d1", &[("dept_head", "department", Some(&d1))]).await;
    let director =
        app.user_with(&admin, "director", &[("customer_director", "group", None)]).await.1;
    let item = |title: &str, due: &str| json!({"title": title, "owner_id": head_id, "due_on": due});
    let body = json!({"kind": "monthly", "year": 2026, "month": 10, "department_id": d1,
        "title": "工程部10月客服工作计划",
        "items": [item("维修回访", "2026-10-10"), {"title": "整理台账", "due_on": "2026-10-15"},
            item("培训", "2026-10-20")]});
    // The period and the planner are whole: a month iff monthly, one of project or department.
    for (bad, field) in [
        (json!({"month": null}), "month"),
        (json!({"kind": "annual"}), "month"),
        (json!({"month": 13}), "month"),
        (json!({"project_id": o.projects[0]}), "project_id"),
    ] {
        let mut wrong = body.clone();
        for (k, v) in bad.as_object().unwrap() {
            wrong[k] = v.clone();
        }
        let p = assert_problem(
            app.post("/api/v1/work-plans", &head, &wrong).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p["errors"][0]["field"], field, "{wrong}");
    }
    let plan = app.create("/api/v1/work-plans", &head, body).await;
    assert_eq!((&plan["state"], &plan["version"]), (&json!("draft"), &json!(1)));
    assert_eq!(plan["items"][1]["owner_id"], Value::Null);
    assert_eq!(plan["completion_rate"], Value::Null, "nothing due yet");
    let one = format!("/api/v1/work-plans/{}", id(&plan));
    let moves = format!("{one}/transitions");

    // A change needs the ETag read: stale is 412, missing is 428.
    let retitle = json!({"title": "工程部2026年10月客服工作计划"});
    assert_problem(app.patch(&one, &head, 7, &retitle).await, 412, "stale_version").await;
    let bare =
        app.http.patch(app.url(&one)).bearer_auth(&head).json(&retitle).send().await.unwrap();
    assert_problem(bare, 428, "precondition_required").await;
    let plan = json_of(app.patch(&one, &head, 1, &retitle).await).await;
    assert_eq!((&plan["title"], &plan["version"]), (&retitle["title"], &json!(2)));
    // Completion is recorded once the plan is submitted.
    assert_problem(
        complete(&app, &head, &plan, 0, json!({"done": true})).await,
        409,
        "plan_not_active",
    )
    .await;

    let submit = json!({"action": "submit"});
    let plan = json_of(post_if(&app, &moves, &head, 2, &submit).await).await;
    assert_eq!(plan["state"], "submitted");
    // The department does not review its own plan: the customer center does.
    let review = json!({"action": "review", "note": "同意"});
    assert_problem(post_if(&app, &moves, &head, 3, &review).await, 403, "forbidden").await;
    let back = json!({"action": "return", "note": "缺少投诉回访的事项"});
    let plan = json_of(post_if(&app, &moves, &director, 3, &back).await).await;
    assert_eq!((&plan["state"], &plan["review_note"]), (&json!("returned"), &back["note"]));
    assert_problem(post_if(&app, &moves, &director, 4, &back).await, 409, "action_not_allowed")
        .await;
    json_of(post_if(&app, &moves, &head, 4, &submit).await).await;
    let plan = json_of(post_if(&app, &moves, &director, 5, &review).await).await;
    assert_eq!(plan["state"], "reviewed");
    assert_eq!(plan["version"], 6);
    assert!(plan["reviewed_by"].is_string());
    assert_problem(app.patch(&one, &head, 6, &retitle).await, 409, "plan_not_editable").await;

    // Done on its due day (on time), done a day late, and one left open past its due.
    app.clock.set(at("2026-10-10T16:00:00+08:00"));
    let head = token(&app, "head.d1").await;
    let plan =
        json_of(complete(&app, &head, &plan, 0, json!({"done": true, "note": "已回访"})).await)
            .await;
    assert_eq!(plan["items"][0]["done_at"], "2026-10-10T16:00:00+08:00");
    assert_eq!(plan["items"][0]["note"], "已回访");
    assert_problem(
        complete(
            &app,
            &head,
            &json!({"id": plan["id"], "version": 6, "items": plan["items"]}),
            1,
            json!({"done": true}),
        )
        .await,
        412,
        "stale_version",
    )
    .await;
    app.clock.set(at("2026-10-16T09:30:00+08:00"));
    let head = token(&app, "head.d1").await;
    let plan = json_of(complete(&app, &head, &plan, 1, json!({"done": true})).await).await;
    app.clock.set(at("2026-10-21T10:00:00+08:00"));
    let head = token(&app, "head.d1").await;
    let read = json_of(app.get(&one, &head).await).await;
    assert_eq!(read["version"], plan["version"]);
    assert_eq!(
        read["completion"],
        json!({"due": 3, "on_time": 1, "late": 1, "open": 1,
        "rate": 1.0 / 3.0})
    );
    assert_eq!(read["completion_rate"], json!(1.0 / 3.0));
    assert_eq!(
        read["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["overdue"].as_bool().unwrap())
            .collect::<Vec<_>>(),
        [false, false, true]
    );

    // A project's annual plan, submitted, with an item not due yet; and a draft, not counted.
    let admin = app.admin_token().await;
    let (_, pm) =
        app.user_with(&admin, "cs.a", &[("cs_manager", "project", Some(&o.projects[0]))]).await;
    let annual = app
        .create(
            "/api/v1/work-plans",
            &pm,
            json!({"kind": "annual", "year": 2026, "project_id": o.projects[0], "title": "项目A年度计划",
                "items": [{"title": "年度满意度提升", "due_on": "2026-12-31"}, {"title": "十月专项", "due_on": "2026-10-31"}]}),
        )
        .await;
    let path = format!("/api/v1/work-plans/{}/transitions", id(&annual));
    json_of(post_if(&app, &path, &pm, 1, &submit).await).await;
    app.create(
        "/api/v1/work-plans",
        &pm,
        json!({"kind": "annual", "year": 2026, "project_id": o.projects[0], "title": "草稿",
            "items": [{"title": "x", "due_on": "2026-10-01"}]}),
    )
    .await;
    let director = token(&app, "director").await;
    let month =
        json_of(app.get("/api/v1/work-plans/completion?year=2026&month=10", &director).await).await;
    let lines = month["items"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{month}");
    let of = |key: &str, value: &str| {
        lines
            .iter()
            .find(|l| l[key] == value)
            .unwrap_or_else(|| panic!("{key} {value}: {month}"))
            .clone()
    };
    let dept = of("department_id", &d1);
    assert_eq!((&dept["planned"], &dept["completion_rate"]), (&json!(3), &json!(1.0 / 3.0)));
    let project = of("project_id", &o.projects[0]);
    assert_eq!(project["planned"], 1);
    assert_eq!(
        project["completion"],
        json!({"due": 0, "on_time": 0, "late": 0, "open": 0, "rate": null})
    );
    assert_eq!(project["completion_rate"], Value::Null);
    let year = json_of(app.get("/api/v1/work-plans/completion?year=2026", &director).await).await;
    let project = year["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["project_id"] == o.projects[0].as_str())
        .unwrap()
        .clone();
    assert_eq!(project["planned"], 2);
    assert_problem(
        app.get("/api/v1/work-plans/completion?year=2026&month=13", &director).await,
        422,
        "validation_failed",
    )
    .await;

    // Filters.
    let count = |q: &'static str| {
        let (app, director) = (&app, director.clone());
        async move {
            let page = json_of(app.get(&format!("/api/v1/work-plans?{q}"), &director).await).await;
            page["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(count("kind=monthly&year=2026&month=10").await, 1);
    assert_eq!(count("kind=annual").await, 2);
    assert_eq!(count("state=reviewed").await, 1);
    assert_eq!(count("year=2027").await, 0);
    let by_project = json_of(
        app.get(
            &format!("/api/v1/work-plans?project_id={}&state=submitted", o.projects[0]),
            &director,
        )
        .await,
    )
    .await;
    assert_eq!(by_project["items"][0]["id"], annual["id"]);
    let by_dept =
        json_of(app.get(&format!("/api/v1/work-plans?department_id={d1}"), &director).await).await;
    assert_eq!(by_dept["items"][0]["id"], plan["id"]);
    app.stop().await;
}

async fn r_rp_13_a_late_item_reminds_its_owner_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let d1 = o.departments[0].clone();
    let (head_id, head) =
        app.user_with(&admin, "head.d1", &[("dept_head", "department", Some(&d1))]).await;
    let (clerk_id, _) =
        app.user_with(&admin, "clerk", &[("dept_coordinator", "department", Some(&d1))]).await;
    let plan = app
        .create(
            "/api/v1/work-plans",
            &head,
            json!({"kind": "monthly", "year": 2026, "month": 10, "department_id": d1, "title": "10月计划",
                "items": [{"title": "台账整理", "owner_id": clerk_id, "due_on": "2026-10-09"},
                    {"title": "回访复核", "due_on": "2026-10-12"},
                    {"title": "培训", "owner_id": clerk_id, "due_on": "2026-10-09"}]}),
        )
        .await;
    // A draft is not reminded.
    app.clock.set(at("2026-10-10T09:00:00+08:00"));
    assert_eq!(round(&app).await, 0);
    let head = token(&app, "head.d1").await;
    let moves = format!("/api/v1/work-plans/{}/transitions", id(&plan));
    let plan = json_of(post_if(&app, &moves, &head, 1, &json!({"action": "submit"})).await).await;
    let plan = json_of(complete(&app, &head, &plan, 2, json!({"done": true})).await).await;
    assert_eq!(plan["items"][2]["done"], true);
    // On its due day it is not late yet; the day after, its owner is told, once.
    app.clock.set(at("2026-10-09T20:00:00+08:00"));
    assert_eq!(round(&app).await, 0);
    app.clock.set(at("2026-10-10T09:00:00+08:00"));
    assert_eq!(round(&app).await, 1, "the open late item; the done one is not reminded");
    assert_eq!(round(&app).await, 0, "once");
    let inbox = |user: &'static str| {
        let app = &app;
        async move {
            let token = token(app, user).await;
            let page = json_of(app.get("/api/v1/notifications", &token).await).await;
            page["items"].as_array().unwrap().clone()
        }
    };
    let told = inbox("clerk").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(
        (&told[0]["kind"], &told[0]["subject_type"]),
        (&json!("work_plan_item_overdue"), &json!("work_plan"))
    );
    assert_eq!(told[0]["subject_id"], plan["id"]);
    assert_eq!(told[0]["payload"]["item_id"], plan["items"][0]["id"]);
    assert_eq!(told[0]["payload"]["rule_id"], "R-RP-13");
    assert!(inbox("head.d1").await.is_empty());
    // An item without an owner tells the plan's author.
    app.clock.set(at("2026-10-13T08:00:00+08:00"));
    assert_eq!(round(&app).await, 1);
    assert_eq!(round(&app).await, 0);
    let to_head = inbox("head.d1").await;
    assert_eq!(to_head.len(), 1);
    assert_eq!(to_head[0]["payload"]["item_id"], plan["items"][1]["id"]);
    assert_eq!(inbox("clerk").await.len(), 1);
    let head = token(&app, "head.d1").await;
    let read = json_of(app.get(&format!("/api/v1/work-plans/{}", id(&plan)), &head).await).await;
    assert_eq!(read["items"][0]["reminded_at"], "2026-10-10T09:00:00+08:00");
    assert_eq!(read["items"][2]["reminded_at"], Value::Null);
    let _ = head_id;
    app.stop().await;
}

async fn r_rp_13_plans_keep_to_scope_and_roles(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (_, a) =
        app.user_with(&admin, "cs.a", &[("cs_manager", "project", Some(&o.projects[0]))]).await;
    let (_, b) =
        app.user_with(&admin, "cs.b", &[("cs_manager", "project", Some(&o.projects[1]))]).await;
    let (_, sales) = app.user_with(&admin, "sales", &[("sales_staff", "group", None)]).await;
    let (_, auditor) = app.user_with(&admin, "auditor", &[("auditor", "group", None)]).await;
    let body = json!({"kind": "annual", "year": 2027, "project_id": o.projects[0], "title": "项目A年度计划",
        "items": [{"title": "x", "due_on": "2027-03-31"}]});
    let plan = app.create("/api/v1/work-plans", &a, body.clone()).await;
    let one = format!("/api/v1/work-plans/{}", id(&plan));
    // Project B's manager neither sees project A's plan nor drafts one for it.
    assert_problem(app.get(&one, &b).await, 404, "not_found").await;
    let none = json_of(app.get("/api/v1/work-plans", &b).await).await;
    assert!(none["items"].as_array().unwrap().is_empty());
    assert_problem(app.post("/api/v1/work-plans", &b, &body).await, 403, "forbidden").await;
    assert_problem(app.patch(&one, &b, 1, &json!({"title": "y"})).await, 404, "not_found").await;
    // Without the permission: 403; a reader reads but does not write.
    assert_problem(app.get("/api/v1/work-plans", &sales).await, 403, "forbidden").await;
    assert_eq!(app.get(&one, &auditor).await.status(), 200);
    assert_problem(app.post("/api/v1/work-plans", &auditor, &body).await, 403, "forbidden").await;
    assert_problem(app.patch(&one, &auditor, 1, &json!({"title": "y"})).await, 403, "forbidden")
        .await;
    // An unknown owner or project is named.
    let mut wrong = body.clone();
    wrong["items"][0]["owner_id"] = json!("019ab2f1-0000-7000-8000-000000000000");
    let p =
        assert_problem(app.post("/api/v1/work-plans", &a, &wrong).await, 422, "validation_failed")
            .await;
    assert_eq!(p["errors"][0]["field"], "items[0].owner_id");
    app.stop().await;
}
