//! The case library (典型案例, R-RP-4, R-RP-7): a typical case told as facts, analysis,
//! measures and lessons, with photos, linked to its complaints; written by the customer
//! center or by a project's customer service for its project; searched case-insensitively on
//! both backends and pulled by period for the quarterly and annual statements.

use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use serde_json::{Value, json};

both_backends! {
    r_rp_7_a_project_writes_a_typical_case_with_photos_of_its_complaints => r_rp_7_a_project_writes_a_typical_case_with_photos_of_its_complaints;
    r_rp_4_cases_are_searched_and_pulled_by_period_for_the_statements => r_rp_4_cases_are_searched_and_pulled_by_period_for_the_statements;
}

async fn json_of(res: reqwest::Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

async fn complaint(app: &TestApp, token: &str, project: &str, customer: &str) -> String {
    let body = json!({"kind": "complaint", "channel": "phone", "project_id": project,
        "customer_id": customer, "category": "construction_quality", "description": "车库渗水"});
    id(&app.create("/api/v1/complaints", token, body).await)
}

async fn photo(app: &TestApp, token: &str, complaint: &str) -> String {
    let part = reqwest::multipart::Part::bytes(vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3])
        .file_name("leak.jpg");
    let res = app
        .http
        .post(app.url(&format!("/api/v1/complaints/{complaint}/attachments")))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    id(&json_of(res).await)
}

fn case(title: &str, complaints: &[&str], photos: &[&str]) -> Value {
    json!({"title": title, "complaint_ids": complaints, "category": "construction_quality",
        "facts": "雨季车库顶板渗水，20户业主联名投诉", "analysis": "防水层施工搭接不足",
        "measures": "48小时内临时封堵，两周内重做防水层", "lessons": "隐蔽工程验收须留影像资料",
        "photo_ids": photos, "tags": ["渗水", "Waterproofing"]})
}

async fn r_rp_7_a_project_writes_a_typical_case_with_photos_of_its_complaints(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (pa, pb, px) = (&o.projects[0], &o.projects[1], &o.projects[2]);
    // Project A's customer service (specialist: ReportsSubmit) and the customer center.
    let (_, spec) = app.user_with(&admin, "cs.a", &[("cs_specialist", "project", Some(pa))]).await;
    let (_, center) = app.user_with(&admin, "center", &[("cs_manager", "group", None)]).await;
    let (_, other) = app.user_with(&admin, "cs.b", &[("cs_specialist", "project", Some(pb))]).await;
    let (_, sales) = app.user_with(&admin, "sales", &[("sales_staff", "group", None)]).await;
    let ca = complaint(&app, &spec, pa, &o.customers[0]).await;
    let cx = complaint(&app, &center, px, &o.customers[2]).await;
    let shot = photo(&app, &spec, &ca).await;
    let made = app.create("/api/v1/cases", &spec, case("地下车库渗水群诉", &[&ca], &[&shot])).await;
    assert_eq!((&made["project_id"], &made["company_id"]), (&json!(pa), &json!(o.c1)));
    assert_eq!((&made["complaint_ids"], &made["photo_ids"]), (&json!([ca]), &json!([shot])));
    assert_eq!(made["occurred_on"], "2026-09-30", "today on the app's clock, China time");
    assert_eq!(made["version"], 1);
    let one = format!("/api/v1/cases/{}", id(&made));
    // A complaint out of reach is named, not leaked; so is a photo.
    let p = assert_problem(
        app.post("/api/v1/cases", &spec, &case("x", &[&ca, &cx], &[])).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "complaint_ids[1]");
    let p = assert_problem(
        app.post("/api/v1/cases", &spec, &case("x", &[&ca], &["nope"])).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "photo_ids[0]");
    // A project writes its own cases only; without a report permission, 403.
    let theirs = json!({"title": "x", "project_id": px, "facts": "f", "analysis": "", "measures": "",
        "lessons": ""});
    assert_problem(app.post("/api/v1/cases", &spec, &theirs).await, 403, "forbidden").await;
    assert_problem(app.post("/api/v1/cases", &sales, &case("x", &[], &[])).await, 403, "forbidden")
        .await;
    assert_problem(app.get("/api/v1/cases", &sales).await, 403, "forbidden").await;
    // Another project's customer service does not see it.
    assert_problem(app.get(&one, &other).await, 404, "not_found").await;
    let none = json_of(app.get("/api/v1/cases", &other).await).await;
    assert!(none["items"].as_array().unwrap().is_empty());
    // The customer center's case across projects.
    let across = app.create("/api/v1/cases", &center, case("渗水专题", &[&ca, &cx], &[])).await;
    assert_eq!(across["project_id"], Value::Null);
    assert_problem(
        app.get(&format!("/api/v1/cases/{}", id(&across)), &spec).await,
        404,
        "not_found",
    )
    .await;

    // Changes carry the ETag: stale 412, missing 428.
    let patch = json!({"lessons": "隐蔽工程验收须留影像资料，雨季前专项检查", "tags": ["渗水"]});
    assert_problem(app.patch(&one, &spec, 3, &patch).await, 412, "stale_version").await;
    let bare = app.http.patch(app.url(&one)).bearer_auth(&spec).json(&patch).send().await.unwrap();
    assert_problem(bare, 428, "precondition_required").await;
    let changed = json_of(app.patch(&one, &spec, 1, &patch).await).await;
    assert_eq!((&changed["lessons"], &changed["tags"]), (&patch["lessons"], &json!(["渗水"])));
    assert_eq!(changed["version"], 2);
    let p = assert_problem(
        app.patch(&one, &spec, 2, &json!({"complaint_ids": [cx]})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "complaint_ids[0]");
    assert_problem(app.patch(&one, &other, 2, &patch).await, 404, "not_found").await;
    let read = json_of(app.get(&one, &center).await).await;
    assert_eq!(read["version"], 2);
    app.stop().await;
}

async fn r_rp_4_cases_are_searched_and_pulled_by_period_for_the_statements(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (_, center) = app.user_with(&admin, "center", &[("cs_manager", "group", None)]).await;
    let ca = complaint(&app, &center, &o.projects[0], &o.customers[0]).await;
    let cb = complaint(&app, &center, &o.projects[1], &o.customers[1]).await;
    let mut first = case("地下车库渗水", &[&ca], &[]);
    first["occurred_on"] = json!("2026-07-15");
    let first = app.create("/api/v1/cases", &center, first).await;
    let second = app
        .create(
            "/api/v1/cases",
            &center,
            json!({"title": "Sales Promise 学区", "complaint_ids": [cb], "category": "sales_promise",
                "occurred_on": "2026-09-02", "facts": "销售承诺学区未兑现", "analysis": "宣传口径失控",
                "measures": "统一口径，逐户沟通", "lessons": "100% 的承诺须写入合同", "tags": ["学区"]}),
        )
        .await;
    let found = |q: String| {
        let (app, center) = (&app, center.clone());
        async move {
            let page = json_of(app.get(&format!("/api/v1/cases?{q}"), &center).await).await;
            page["items"].as_array().unwrap().iter().map(id).collect::<Vec<_>>()
        }
    };
    let (f, s) = (id(&first), id(&second));
    // Words in any text or tag, case-insensitive on both backends; LIKE's wildcards are words.
    assert_eq!(found("q=waterproofing".into()).await, [f.as_str()]);
    assert_eq!(found("q=SALES%20promise".into()).await, [s.as_str()]);
    assert_eq!(found("q=%E9%98%B2%E6%B0%B4".into()).await, [f.as_str()], "防水 in the analysis");
    assert_eq!(found("q=100%25".into()).await, [s.as_str()]);
    assert!(found("q=_".into()).await.is_empty());
    assert_eq!(
        found("q=%E5%AD%A6%E5%8C%BA".into()).await,
        [s.as_str()],
        "学区, a tag and the title"
    );
    // Filters by project, category, complaint; a quarter's cases (Q3) for the statement.
    assert_eq!(found(format!("project_id={}", o.projects[1])).await, [s.as_str()]);
    assert_eq!(found("category=construction_quality".into()).await, [f.as_str()]);
    assert_eq!(found(format!("complaint_id={ca}")).await, [f.as_str()]);
    assert_eq!(found("from=2026-07-01&to=2026-09-30".into()).await, [f.as_str(), s.as_str()]);
    assert_eq!(found("from=2026-08-01&to=2026-09-30".into()).await, [s.as_str()]);
    assert_eq!(found("to=2026-07-15".into()).await, [f.as_str()]);
    assert_problem(
        app.get("/api/v1/cases?from=2026-13-01", &center).await,
        422,
        "validation_failed",
    )
    .await;
    app.stop().await;
}
