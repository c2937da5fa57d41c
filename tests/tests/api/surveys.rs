//! Satisfaction surveys (满意度调查, R-SAT-1, R-SAT-2): a campaign's clocks on the 2026
//! calendar, its rates and averages computed exactly against the 95 % target, the CSV import
//! (all or nothing, errors naming row and column), comments answered individually after the
//! official position, roles (403) and reach (404).

use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use reqwest::Response;
use serde_json::{Value, json};

both_backends! {
    r_sat_1_rates_averages_and_breaches_are_computed_exactly => r_sat_1_rates_averages_and_breaches_are_computed_exactly;
    r_sat_1_collection_is_due_ten_working_days_after_the_opening => r_sat_1_collection_is_due_ten_working_days_after_the_opening;
    r_sat_2_a_bad_csv_row_names_row_and_column_and_imports_nothing => r_sat_2_a_bad_csv_row_names_row_and_column_and_imports_nothing;
    r_sat_1_each_comment_is_answered_alone_after_the_official_position => r_sat_1_each_comment_is_answered_alone_after_the_official_position;
    r_sat_1_surveys_need_their_roles_and_stay_within_reach => r_sat_1_surveys_need_their_roles_and_stay_within_reach;
}

/// `POST path` with `If-Match: "version"`.
pub async fn post_if(
    app: &TestApp,
    path: &str,
    token: &str,
    version: i64,
    body: &Value,
) -> Response {
    app.http
        .post(app.url(path))
        .bearer_auth(token)
        .header("if-match", format!("\"{version}\""))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn post_csv(app: &TestApp, survey: &str, token: &str, text: &str) -> Response {
    app.http
        .post(app.url(&format!("/api/v1/surveys/{survey}/answers/import")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(text.to_owned())
        .send()
        .await
        .unwrap()
}

async fn json(res: Response, status: u16) -> Value {
    let code = res.status().as_u16();
    let text = res.text().await.unwrap();
    assert_eq!(code, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// `n` more owners of project `p` of the fixture (a unit each); their ids.
async fn owners(app: &TestApp, admin: &str, building: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let unit = app
            .create(
                "/api/v1/org/units",
                admin,
                json!({"building_id": building, "number": format!("2-{i:03}"), "floor": "2"}),
            )
            .await;
        let customer = app
            .create(
                "/api/v1/customers",
                admin,
                json!({"name": format!("业主{i}"), "phones": ["13812345678"],
                    "units": [{"unit_id": id(&unit)}]}),
            )
            .await;
        ids.push(id(&customer));
    }
    ids
}

fn scores(i: i64, complete: bool) -> Value {
    let mut s = json!({"overall_design": 1 + i % 5, "construction_quality": 4, "fitout_quality": 4,
        "sales_process": 4, "developer_service": 4, "property_service": 5 - i % 5});
    if !complete {
        s.as_object_mut().unwrap().remove("property_service");
    }
    s
}

fn dimension<'a>(dims: &'a Value, name: &str) -> &'a Value {
    dims.as_array().unwrap().iter().find(|d| d["dimension"] == name).unwrap()
}

async fn r_sat_1_rates_averages_and_breaches_are_computed_exactly(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await.1;
    let people = owners(&app, &admin, &o.buildings[0], 20).await;
    let survey = app
        .create(
            "/api/v1/surveys",
            &cs,
            json!({"name": "2026年12月满意度调查", "period": "2026-12", "company_id": o.c1,
                "project_ids": [o.projects[0]], "customer_ids": people}),
        )
        .await;
    let sid = id(&survey);
    let base = format!("/api/v1/surveys/{sid}");
    let res = app
        .post(&format!("{base}/distributions"), &cs, &json!({"customer_ids": people[..19]}))
        .await;
    assert_eq!(json(res, 200).await, json!({"marked": 19, "distributed": 19}));
    let stranger = json!({"customer_ids": [people[0], o.customers[2]]});
    let res = app.post(&format!("{base}/distributions"), &cs, &stranger).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "customer_ids[1]");
    for (i, person) in people[..18].iter().enumerate() {
        let i = i64::try_from(i).unwrap();
        let body = json!({"customer_id": person, "scores": scores(i, i < 17)});
        let answer = app.create(&format!("{base}/answers"), &cs, body).await;
        assert_eq!(answer["valid"], i < 17);
    }
    // The refusals: a second answer, a non-respondent, a score out of range, an unknown dimension.
    let again = json!({"customer_id": people[0], "scores": scores(0, true)});
    assert_problem(
        app.post(&format!("{base}/answers"), &cs, &again).await,
        409,
        "already_answered",
    )
    .await;
    let outsider = json!({"customer_id": o.customers[0], "scores": scores(0, true)});
    let p = assert_problem(
        app.post(&format!("{base}/answers"), &cs, &outsider).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "customer_id");
    let high = json!({"customer_id": people[19], "scores": {"overall_design": 6}});
    let p = assert_problem(
        app.post(&format!("{base}/answers"), &cs, &high).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "scores.overall_design");
    let odd = json!({"customer_id": people[19], "scores": {"view": 3}});
    let p = assert_problem(
        app.post(&format!("{base}/answers"), &cs, &odd).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "scores.view");

    let results = json(app.get(&format!("{base}/results"), &cs).await, 200).await;
    assert_eq!(
        (&results["planned"], &results["distributed"], &results["returned"], &results["valid"]),
        (&json!(20), &json!(19), &json!(18), &json!(17))
    );
    // 19 / 20 is exactly the target: no breach; 17 / 19 misses it.
    assert_eq!(results["distribution_rate"], json!(0.95));
    assert_eq!(results["valid_return_rate"], json!(17.0 / 19.0));
    assert_eq!(results["target"], json!(0.95));
    assert_eq!(results["breaches"], json!(["valid_return_rate"]));
    // Hand sums over the 17 valid answers: overall 1..5 cycling (3 × 15 + 1 + 2 = 48),
    // property 5..1 cycling (3 × 15 + 5 + 4 = 54), the rest 4 each (68).
    let overall = dimension(&results["dimensions"], "overall_design");
    assert_eq!((&overall["count"], &overall["sum"]), (&json!(17), &json!(48)));
    assert_eq!(overall["average"], json!(48.0 / 17.0));
    let property = dimension(&results["dimensions"], "property_service");
    assert_eq!((&property["sum"], &property["average"]), (&json!(54), &json!(54.0 / 17.0)));
    assert_eq!(dimension(&results["dimensions"], "sales_process")["average"], json!(4.0));
    assert_eq!(results["projects"][0]["project_id"], json!(o.projects[0]));
    assert_eq!(dimension(&results["projects"][0]["dimensions"], "overall_design")["sum"], 48);
    assert_eq!(results["company"]["company_id"], json!(o.c1));
    assert_eq!(dimension(&results["company"]["dimensions"], "overall_design")["sum"], 48);
    let answers = json(app.get(&format!("{base}/answers?count=true"), &cs).await, 200).await;
    assert_eq!(answers["total"], 18);

    // Closing the collection: answers are refused, the state allows only the tally.
    let closed = post_if(
        &app,
        &format!("{base}/transitions"),
        &cs,
        1,
        &json!({"action": "close_collection"}),
    )
    .await;
    let closed = json(closed, 200).await;
    assert_eq!(
        (&closed["state"], &closed["collection"]["result"]),
        (&json!("tallying"), &json!("met"))
    );
    let late = json!({"customer_id": people[19], "scores": scores(1, true)});
    assert_problem(app.post(&format!("{base}/answers"), &cs, &late).await, 409, "not_collecting")
        .await;
    let stale =
        post_if(&app, &format!("{base}/transitions"), &cs, 1, &json!({"action": "tally"})).await;
    assert_problem(stale, 412, "stale_version").await;
    let wrong =
        post_if(&app, &format!("{base}/transitions"), &cs, 2, &json!({"action": "cancel"})).await;
    let p = assert_problem(wrong, 409, "action_not_allowed").await;
    assert_eq!(p["allowed_actions"], json!(["tally"]));
    let tallied =
        post_if(&app, &format!("{base}/transitions"), &cs, 2, &json!({"action": "tally"})).await;
    let tallied = json(tallied, 200).await;
    assert_eq!(
        (&tallied["state"], &tallied["tally"]["result"]),
        (&json!("tallied"), &json!("met"))
    );
    app.stop().await;
}

async fn r_sat_1_collection_is_due_ten_working_days_after_the_opening(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await.1;
    // The clock reads 2026-09-30: the default period is December, starting on the 15th
    // (a Tuesday), with every owner of the projects as a respondent.
    let res = app
        .post(
            "/api/v1/surveys",
            &cs,
            &json!({"name": "年度调查", "company_id": o.c1, "project_ids": [o.projects[0], o.projects[1]]}),
        )
        .await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(res.headers()["etag"], "\"1\"");
    let survey = json(res, 201).await;
    assert_eq!(location, format!("/api/v1/surveys/{}", id(&survey)));
    assert_eq!(
        (&survey["period"], &survey["starts_on"]),
        (&json!("2026-12"), &json!("2026-12-15"))
    );
    assert_eq!(survey["opens_at"], "2026-12-15T09:00:00+08:00");
    // 10 WD: 15–18, 21–25, 28 December; due at the close of the 28th (R-SAT-1).
    assert_eq!(survey["collection"]["due_at"], "2026-12-28T18:00:00+08:00");
    assert_eq!(survey["collection"]["result"], "running");
    // The tally, 3 WD after the collection's due until the collection closes.
    assert_eq!(survey["tally"]["due_at"], "2026-12-31T18:00:00+08:00");
    let results =
        json(app.get(&format!("/api/v1/surveys/{}/results", id(&survey)), &cs).await, 200).await;
    assert_eq!((&results["planned"], &results["distributed"]), (&json!(2), &json!(0)));
    assert_eq!(results["distribution_rate"], json!(0.0));
    assert_eq!(results["valid_return_rate"], Value::Null);
    assert_eq!(results["breaches"], json!(["distribution_rate"]));

    // A start on a Saturday opens on the Monday.
    let saturday = json!({"name": "补充调查", "starts_on": "2026-12-19", "company_id": o.c1,
        "project_ids": [o.projects[0]]});
    let s = app.create("/api/v1/surveys", &cs, saturday).await;
    assert_eq!(s["opens_at"], "2026-12-21T09:00:00+08:00");
    // The survey periods of the group, for suspending node callbacks (R-CB-4): sorted, and
    // without cancelled campaigns.
    let periods = |app: &TestApp, group: String| {
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap();
            kefu_persistence::surveys::periods(conn.raw(), &group).unwrap()
        })
    };
    let me: Value = app.get("/api/v1/me", &cs).await.json().await.unwrap();
    let group = me["group_id"].as_str().unwrap().to_owned();
    let found = periods(&app, group.clone()).await.unwrap();
    let instant = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc();
    assert_eq!(found.len(), 2);
    assert_eq!(
        found[0],
        (instant("2026-12-15T09:00:00+08:00"), instant("2026-12-28T18:00:00+08:00"))
    );
    assert_eq!(found[1].0, instant("2026-12-21T09:00:00+08:00"));
    let cancel =
        post_if(&app, &format!("{location}/transitions"), &cs, 1, &json!({"action": "cancel"}))
            .await;
    let cancelled = json(cancel, 200).await;
    assert_eq!(
        (&cancelled["state"], &cancelled["collection"]["result"]),
        (&json!("cancelled"), &json!("cancelled"))
    );
    assert_eq!(periods(&app, group).await.unwrap().len(), 1);
    // Another company's project is refused, naming it.
    let other = json!({"name": "x", "company_id": o.c1, "project_ids": [o.projects[2]]});
    let p =
        assert_problem(app.post("/api/v1/surveys", &cs, &other).await, 422, "validation_failed")
            .await;
    assert_eq!(p["errors"][0]["field"], "project_ids[0]");
    let period = json!({"name": "x", "period": "2026-13", "company_id": o.c1, "project_ids": [o.projects[0]]});
    assert_problem(app.post("/api/v1/surveys", &cs, &period).await, 422, "validation_failed").await;
    let list = json(
        app.get(&format!("/api/v1/surveys?period=2026-12&company_id={}", o.c1), &cs).await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let open = json(app.get("/api/v1/surveys?state=collecting", &cs).await, 200).await;
    assert_eq!(open["items"].as_array().unwrap().len(), 1);
    let renamed = app.patch(&location, &cs, 2, &json!({"name": "2026年度调查"})).await;
    assert_eq!(json(renamed, 200).await["version"], 3);
    app.stop().await;
}

const HEADER: &str = "customer_id,overall_design,construction_quality,fitout_quality,sales_process,developer_service,property_service,comment\n";

async fn r_sat_2_a_bad_csv_row_names_row_and_column_and_imports_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await.1;
    let body =
        json!({"name": "调查", "company_id": o.c1, "project_ids": [o.projects[0], o.projects[1]]});
    let sid = id(&app.create("/api/v1/surveys", &cs, body).await);
    let (a, b) = (&o.customers[0], &o.customers[1]);
    // Row 3 (the header is row 1) scores property service 6.
    let bad = format!("{HEADER}{a},5,4,4,5,3,4,\"车库照明, 不足\"\n{b},5,4,4,5,3,6,\n");
    let res = post_csv(&app, &sid, &cs, &bad).await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 1, "{p}");
    let e = &p["errors"][0];
    assert_eq!(
        (&e["line"], &e["field"], &e["code"]),
        (&json!(3), &json!("property_service"), &json!("out_of_range"))
    );
    let answers = json(app.get(&format!("/api/v1/surveys/{sid}/answers"), &cs).await, 200).await;
    assert_eq!(answers["items"], json!([]), "nothing was imported");
    // A customer who is not a respondent is named with his row too.
    let stranger = format!("{HEADER}{a},5,4,4,5,3,4,\n{},5,4,4,5,3,4,\n", o.customers[2]);
    let p =
        assert_problem(post_csv(&app, &sid, &cs, &stranger).await, 422, "validation_failed").await;
    assert_eq!(
        (&p["errors"][0]["line"], &p["errors"][0]["field"]),
        (&json!(3), &json!("customer_id"))
    );
    let wrong_type =
        app.post(&format!("/api/v1/surveys/{sid}/answers/import"), &cs, &json!({})).await;
    assert_problem(wrong_type, 415, "unsupported_media_type").await;

    let good = format!("{HEADER}{a},5,4,4,5,3,4,\"车库照明, 不足\"\n{b},5,,4,5,3,4,\n");
    assert_eq!(json(post_csv(&app, &sid, &cs, &good).await, 200).await, json!({"imported": 2}));
    let answers = json(app.get(&format!("/api/v1/surveys/{sid}/answers"), &cs).await, 200).await;
    let valid: Vec<&Value> =
        answers["items"].as_array().unwrap().iter().map(|a| &a["valid"]).collect();
    assert_eq!(valid, [&json!(true), &json!(false)]);
    let comments = json(app.get(&format!("/api/v1/surveys/{sid}/comments"), &cs).await, 200).await;
    assert_eq!(comments["items"][0]["body"], "车库照明, 不足");
    let again =
        assert_problem(post_csv(&app, &sid, &cs, &good).await, 422, "validation_failed").await;
    assert_eq!(again["errors"][0]["code"], "already_answered");
    app.stop().await;
}

async fn r_sat_1_each_comment_is_answered_alone_after_the_official_position(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await.1;
    let body = json!({"name": "调查", "company_id": o.c1, "project_ids": [o.projects[0]]});
    let sid = id(&app.create("/api/v1/surveys", &cs, body).await);
    let answer = json!({"customer_id": o.customers[0], "scores": scores(0, true),
        "comments": ["车库照明不足", "电梯等待时间长"]});
    app.create(&format!("/api/v1/surveys/{sid}/answers"), &cs, answer).await;
    let comments = json(app.get(&format!("/api/v1/surveys/{sid}/comments"), &cs).await, 200).await;
    let ids: Vec<String> = comments["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids.len(), 2);
    let path = |c: &str, what: &str| format!("/api/v1/surveys/{sid}/comments/{c}/{what}");
    let reply = json!({"reply": "您好，车库照明将于三月前改造完成。"});
    assert_problem(app.post(&path(&ids[0], "reply"), &cs, &reply).await, 409, "position_required")
        .await;
    let position = json!({"position": "列入2027年一季度整改"});
    let res =
        app.call(reqwest::Method::PUT, &path(&ids[0], "position"), &cs, Some(&position)).await;
    assert_eq!(json(res, 200).await["position"], "列入2027年一季度整改");
    let replied = json(app.post(&path(&ids[0], "reply"), &cs, &reply).await, 200).await;
    assert_eq!(replied["reply"], reply["reply"]);
    assert_problem(app.post(&path(&ids[0], "reply"), &cs, &reply).await, 409, "already_replied")
        .await;
    let res =
        app.call(reqwest::Method::PUT, &path(&ids[0], "position"), &cs, Some(&position)).await;
    assert_problem(res, 409, "already_replied").await;
    // The other owner's point still waits for its own position and reply: never collective.
    assert_problem(app.post(&path(&ids[1], "reply"), &cs, &reply).await, 409, "position_required")
        .await;
    let comments = json(app.get(&format!("/api/v1/surveys/{sid}/comments"), &cs).await, 200).await;
    assert_eq!(comments["items"][1]["reply"], Value::Null);
    app.stop().await;
}

async fn r_sat_1_surveys_need_their_roles_and_stay_within_reach(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let cs = app.user_with(&admin, "cs.manager", &[("cs_manager", "company", Some(&o.c1))]).await.1;
    let body = json!({"name": "调查", "company_id": o.c1, "project_ids": [o.projects[0]]});
    let survey = app.create("/api/v1/surveys", &cs, body.clone()).await;
    let sid = id(&survey);
    let one = format!("/api/v1/surveys/{sid}");

    // Roles: a coordinator reads no surveys; an auditor reads but changes nothing.
    let coordinator =
        app.user_with(&admin, "coordinator", &[("dept_coordinator", "group", None)]).await.1;
    assert_problem(app.get("/api/v1/surveys", &coordinator).await, 403, "forbidden").await;
    assert_problem(app.get(&one, &coordinator).await, 403, "forbidden").await;
    let auditor = app.user_with(&admin, "auditor", &[("auditor", "group", None)]).await.1;
    assert_eq!(app.get(&format!("{one}/results"), &auditor).await.status(), 200);
    assert_problem(app.post("/api/v1/surveys", &auditor, &body).await, 403, "forbidden").await;
    let close = json!({"action": "cancel"});
    assert_problem(
        post_if(&app, &format!("{one}/transitions"), &auditor, 1, &close).await,
        403,
        "forbidden",
    )
    .await;

    // Reach: another company's manager and other projects' specialists see nothing of it.
    let c2 = app.user_with(&admin, "cs.c2", &[("cs_manager", "company", Some(&o.c2))]).await.1;
    assert_problem(app.get(&one, &c2).await, 404, "not_found").await;
    assert_problem(app.get(&format!("{one}/results"), &c2).await, 404, "not_found").await;
    assert_problem(
        post_if(&app, &format!("{one}/transitions"), &c2, 1, &close).await,
        404,
        "not_found",
    )
    .await;
    let list = json(app.get("/api/v1/surveys", &c2).await, 200).await;
    assert_eq!(list["items"], json!([]));
    // Naming a project out of reach is naming an unknown one (422); a project he reads but
    // may not survey is 403.
    let p = assert_problem(app.post("/api/v1/surveys", &c2, &body).await, 422, "validation_failed")
        .await;
    assert_eq!(p["errors"][0]["field"], "project_ids[0]");
    let reader = app
        .user_with(
            &admin,
            "reader.a",
            &[
                ("auditor", "project", Some(&o.projects[0])),
                ("cs_specialist", "project", Some(&o.projects[1])),
            ],
        )
        .await
        .1;
    assert_problem(app.post("/api/v1/surveys", &reader, &body).await, 403, "forbidden").await;
    let b = app
        .user_with(&admin, "cs.b", &[("cs_specialist", "project", Some(&o.projects[1]))])
        .await
        .1;
    assert_problem(app.get(&one, &b).await, 404, "not_found").await;
    // A specialist of the survey's project sees it and may record answers.
    let a = app
        .user_with(&admin, "cs.a", &[("cs_specialist", "project", Some(&o.projects[0]))])
        .await
        .1;
    assert_eq!(app.get(&one, &a).await.status(), 200);
    let listed = json(app.get("/api/v1/surveys", &a).await, 200).await;
    assert_eq!(listed["items"][0]["id"], json!(sid));
    let listed = json(app.get("/api/v1/surveys", &b).await, 200).await;
    assert_eq!(listed["items"], json!([]));
    let answer = json!({"customer_id": o.customers[0], "scores": scores(2, true)});
    assert_eq!(app.post(&format!("{one}/answers"), &a, &answer).await.status(), 201);
    app.stop().await;
}
