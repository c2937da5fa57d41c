//! Department performance (部门绩效, R-RP-15): the complaints handled (resolved) in a month with
//! their proposed responsible department; the president confirms each (with the ETag, 0 before
//! the first); the month's statement per department and person counts the confirmed ones; a
//! department's year-end score is its work orders answered on time over those sent to it.

use kefu_tests::api::at;
use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use serde_json::{Value, json};

both_backends! {
    r_rp_15_the_president_confirms_the_responsible_department_and_the_statement_counts_it => r_rp_15_the_president_confirms_the_responsible_department_and_the_statement_counts_it;
    r_rp_15_a_departments_score_is_its_work_orders_answered_on_time => r_rp_15_a_departments_score_is_its_work_orders_answered_on_time;
}

async fn json_of(res: reqwest::Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

async fn put_if(
    app: &TestApp,
    path: &str,
    token: &str,
    etag: Option<i64>,
    body: &Value,
) -> reqwest::Response {
    let mut req = app.http.put(app.url(path)).bearer_auth(token).json(body);
    if let Some(v) = etag {
        req = req.header("if-match", format!("\"{v}\""));
    }
    req.send().await.unwrap()
}

/// Takes the actions in order with the complaint's current ETag; the complaint after.
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
        c = json_of(res).await;
    }
    c
}

fn to_resolved() -> Vec<Value> {
    vec![
        json!({"action": "write_ticket"}),
        json!({"action": "collect_evidence", "findings": "属实"}),
        json!({"action": "handle"}),
        json!({"action": "resolve", "resolution": "已维修"}),
    ]
}

async fn complaint(app: &TestApp, token: &str, project: &str, customer: &str) -> Value {
    let body = json!({"kind": "complaint", "channel": "phone", "project_id": project,
        "customer_id": customer, "description": "外墙渗水"});
    app.create("/api/v1/complaints", token, body).await
}

async fn r_rp_15_the_president_confirms_the_responsible_department_and_the_statement_counts_it(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.clock.set(at("2026-10-09T10:00:00+08:00"));
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (cs_id, cs) = app.user_with(&admin, "cs", &[("cs_manager", "group", None)]).await;
    let (_, president) = app.user_with(&admin, "president", &[("president", "group", None)]).await;
    let (_, b) =
        app.user_with(&admin, "cs.b", &[("cs_manager", "project", Some(&o.projects[1]))]).await;
    let c = complaint(&app, &cs, &o.projects[0], &o.customers[0]).await;
    let patched = app
        .patch(
            &format!("/api/v1/complaints/{}", id(&c)),
            &cs,
            1,
            &json!({"responsible_department_id": o.departments[0]}),
        )
        .await;
    let c = json_of(patched).await;
    let c = walk(&app, &cs, c, &to_resolved()).await;
    assert_eq!(c["state"], "resolved");
    // Received but not handled: not listed.
    complaint(&app, &cs, &o.projects[0], &o.customers[0]).await;

    let list =
        json_of(app.get("/api/v1/performance/responsibilities?month=2026-10", &president).await)
            .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["complaint_id"], c["id"]);
    assert_eq!(items[0]["proposed_department_id"], json!(o.departments[0]));
    assert_eq!(
        (&items[0]["confirmed_department_id"], &items[0]["version"]),
        (&Value::Null, &json!(0))
    );
    let empty =
        json_of(app.get("/api/v1/performance/responsibilities?month=2026-11", &president).await)
            .await;
    assert!(empty["items"].as_array().unwrap().is_empty());
    let other =
        json_of(app.get("/api/v1/performance/responsibilities?month=2026-10", &b).await).await;
    assert!(other["items"].as_array().unwrap().is_empty(), "project B sees none of project A's");
    assert_problem(
        app.get("/api/v1/performance/responsibilities?month=2026-1", &president).await,
        422,
        "validation_failed",
    )
    .await;

    // Only the president confirms, with the ETag (0 before the first).
    let path = format!("/api/v1/performance/responsibilities/{}", id(&c));
    let body = json!({"month": "2026-10", "department_id": o.departments[0]});
    assert_problem(put_if(&app, &path, &cs, Some(0), &body).await, 403, "forbidden").await;
    assert_problem(
        put_if(&app, &path, &president, None, &body).await,
        428,
        "precondition_required",
    )
    .await;
    assert_problem(put_if(&app, &path, &president, Some(1), &body).await, 412, "stale_version")
        .await;
    let wrong = json!({"month": "2026-10", "department_id": o.departments[1]});
    let p = assert_problem(
        put_if(&app, &path, &president, Some(0), &wrong).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "department_id");
    let p = assert_problem(
        put_if(
            &app,
            &path,
            &president,
            Some(0),
            &json!({"month": "2026-09", "department_id": o.departments[0]}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "month");
    let res = put_if(&app, &path, &president, Some(0), &body).await;
    assert_eq!(res.headers()["etag"], "\"1\"");
    let confirmed = json_of(res).await;
    assert_eq!(
        (&confirmed["confirmed_department_id"], &confirmed["version"]),
        (&json!(o.departments[0]), &json!(1))
    );
    assert!(confirmed["confirmed_by"].is_string());
    assert_problem(put_if(&app, &path, &president, Some(0), &body).await, 412, "stale_version")
        .await;
    assert_problem(
        put_if(
            &app,
            "/api/v1/performance/responsibilities/019ab2f1-0000-7000-8000-000000000000",
            &president,
            Some(0),
            &body,
        )
        .await,
        404,
        "not_found",
    )
    .await;

    // The statement counts the confirmed complaint for its department and its owner.
    let s =
        json_of(app.get("/api/v1/performance/statements?month=2026-10", &president).await).await;
    let dept = &s["departments"][0];
    assert_eq!(s["departments"].as_array().unwrap().len(), 1, "{s}");
    assert_eq!(
        (&dept["id"], &dept["complaints"], &dept["general"]),
        (&json!(o.departments[0]), &json!(1), &json!(1))
    );
    assert_eq!((&dept["important"], &dept["major"]), (&json!(0), &json!(0)));
    assert!(dept["clocks_met"].as_u64().unwrap() >= 1, "{s}");
    assert_eq!(dept["clocks_breached"], 0);
    assert_eq!(s["people"][0]["id"], c["owner_id"]);
    assert_eq!(s["people"][0]["complaints"], 1);
    let _ = cs_id;
    let none = json_of(app.get("/api/v1/performance/statements?month=2026-10", &b).await).await;
    assert!(none["departments"].as_array().unwrap().is_empty());
    let (_, sales) = app.user_with(&admin, "sales", &[("sales_staff", "group", None)]).await;
    assert_problem(
        app.get("/api/v1/performance/statements?month=2026-10", &sales).await,
        403,
        "forbidden",
    )
    .await;
    app.stop().await;
}

async fn r_rp_15_a_departments_score_is_its_work_orders_answered_on_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (_, cs) = app.user_with(&admin, "cs", &[("cs_manager", "group", None)]).await;
    let (_, head) = app
        .user_with(&admin, "head", &[("dept_head", "department", Some(&o.departments[0]))])
        .await;
    let c = complaint(&app, &cs, &o.projects[0], &o.customers[0]).await;
    let send = |n: u32| {
        let (app, cs, c, d) = (&app, cs.clone(), c.clone(), o.departments[0].clone());
        async move {
            app.create(
                &format!("/api/v1/complaints/{}/work-orders", id(&c)),
                &cs,
                json!({"department_id": d, "request": format!("请核实 {n}")}),
            )
            .await
        }
    };
    let answered = send(1).await;
    let late = send(2).await;
    send(3).await;
    let reply = |order: Value| {
        let (app, head) = (&app, head.clone());
        async move {
            let res = app
                .http
                .post(app.url(&format!("/api/v1/work-orders/{}/transitions", id(&order))))
                .bearer_auth(&head)
                .header("if-match", format!("\"{}\"", order["version"]))
                .json(&json!({"action": "reply", "proposal": "更换防水层"}))
                .send()
                .await
                .unwrap();
            json_of(res).await
        }
    };
    reply(answered).await;
    // Sent 2026-09-30 17:00, due 2026-10-08 11:45: replied on 10-09, late.
    app.clock.set(at("2026-10-09T10:00:00+08:00"));
    let head = {
        let res = app.login("head", "head-password").await;
        res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
    };
    let res = app
        .http
        .post(app.url(&format!("/api/v1/work-orders/{}/transitions", id(&late))))
        .bearer_auth(&head)
        .header("if-match", format!("\"{}\"", late["version"]))
        .json(&json!({"action": "reply", "proposal": "更换防水层"}))
        .send()
        .await
        .unwrap();
    json_of(res).await;
    let scores = json_of(app.get("/api/v1/performance/scores?year=2026", &head).await).await;
    assert_eq!(
        scores["items"],
        json!([{"department_id": o.departments[0], "company_id": o.c1, "work_orders": 3,
            "on_time": 1, "score": 100.0 / 3.0}]),
        "one answered on time of three: one late, one not answered"
    );
    let next = json_of(app.get("/api/v1/performance/scores?year=2027", &head).await).await;
    assert!(next["items"].as_array().unwrap().is_empty());
    let admin = app.admin_token().await;
    let (_, other) = app
        .user_with(&admin, "head2", &[("dept_head", "department", Some(&o.departments[1]))])
        .await;
    let none = json_of(app.get("/api/v1/performance/scores?year=2026", &other).await).await;
    assert!(none["items"].as_array().unwrap().is_empty(), "another department's are out of reach");
    app.stop().await;
}
