//! Conventions every resource shares: HEAD beside GET, Idempotency-Key on every create
//! (calendars included), `count=true` on every list, and the vocabulary front ends read.

use kefu_tests::{Backend, api::id, both_backends, spawn_app};
use serde_json::{Value, json};

both_backends! {
    every_list_counts_on_request => every_list_counts_on_request;
}

#[tokio::test]
async fn head_answers_on_every_get_route_with_the_headers_only() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin_token().await;
    let company = app
        .create("/api/v1/org/companies", &admin, json!({"name": "晋愉地产", "kind": "developer"}))
        .await;
    let path = format!("/api/v1/org/companies/{}", id(&company));
    let get = app.get(&path, &admin).await;
    let (etag, length) = (get.headers()["etag"].clone(), get.headers()["content-length"].clone());
    assert!(!get.bytes().await.unwrap().is_empty());
    let head = app.http.head(app.url(&path)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!((&head.headers()["etag"], &head.headers()["content-length"]), (&etag, &length));
    assert!(head.bytes().await.unwrap().is_empty(), "no body");
    let health = app.http.head(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let missing = app.http.head(app.url("/api/v1/org/companies/nope")).bearer_auth(&admin).send();
    assert_eq!(missing.await.unwrap().status(), 404);
    let not_allowed = app.http.delete(app.url(&path)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(not_allowed.status(), 405);
    let allow = not_allowed.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("HEAD") && allow.contains("PATCH"), "{allow}");
}

#[tokio::test]
async fn creating_a_calendar_honours_the_idempotency_key() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin_token().await;
    let create = |key: &'static str, name: &'static str| {
        let (app, admin) = (&app, admin.clone());
        async move {
            app.http
                .post(app.url("/api/v1/calendars"))
                .bearer_auth(admin)
                .header("idempotency-key", key)
                .json(&json!({"name": name}))
                .send()
                .await
                .unwrap()
        }
    };
    let first = create("cal-1", "物业前台").await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = create("cal-1", "物业前台").await;
    assert_eq!(
        (again.status().as_u16(), &again.headers()["idempotent-replayed"]),
        (201, &"true".parse().unwrap())
    );
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    assert_eq!(create("cal-1", "另一个").await.status(), 422, "the key with another body");
    let page: Value = app.get("/api/v1/calendars?count=true", &admin).await.json().await.unwrap();
    let made = page["items"].as_array().unwrap().iter().filter(|c| c["name"] == "物业前台").count();
    assert_eq!(made, 1, "one calendar");
}

#[tokio::test]
async fn the_vocabulary_of_the_api_is_published_with_chinese_labels() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin_token().await;
    let body: Value = app.get("/api/v1/vocabularies", &admin).await.json().await.unwrap();
    let items = body["items"].as_array().unwrap();
    let find =
        |name: &str| items.iter().find(|v| v["name"] == name).unwrap_or_else(|| panic!("{name}"));
    let kinds = find("company_kind")["values"].as_array().unwrap();
    assert!(kinds.contains(&json!({"value": "property_management", "label_zh": "物业公司"})));
    for name in ["role", "scope_kind", "department_kind", "day_kind", "coverage", "clock_state"] {
        let values = find(name)["values"].as_array().unwrap();
        assert!(
            values.iter().all(|v| v["label_zh"].as_str().is_some_and(|l| !l.is_empty())),
            "{name}"
        );
    }
    let roles: Vec<&str> = find("role")["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert!(roles.contains(&"customer_director") && roles.contains(&"auditor"));
    let res = app.http.get(app.url("/api/v1/vocabularies")).send().await.unwrap();
    assert_eq!(res.status(), 401, "for signed-in users");
}

async fn every_list_counts_on_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = kefu_tests::org::org(&app, &admin).await;
    let (owner, cs) = app.user_with(&admin, "cs", &[("cs_manager", "group", None)]).await;
    for year in [2027, 2028] {
        let survey = json!({"name": format!("调查 {year}"), "company_id": o.c1,
            "project_ids": [o.projects[0]]});
        app.create("/api/v1/surveys", &cs, survey).await;
        let plan = json!({"department_id": o.departments[0], "year": year,
            "items": [{"title": "整改", "owner_id": owner, "due_on": "2027-06-30"}]});
        app.create("/api/v1/improvement-plans", &cs, plan).await;
        let work_plan = json!({"kind": "annual", "year": year, "department_id": o.departments[0],
            "title": "年度计划", "items": [{"title": "回访", "owner_id": owner, "due_on": "2027-06-30"}]});
        app.create("/api/v1/work-plans", &cs, work_plan).await;
        let case = json!({"title": format!("案例 {year}"), "project_id": o.projects[0],
            "facts": "经过", "analysis": "", "measures": "", "lessons": ""});
        app.create("/api/v1/cases", &cs, case).await;
    }
    for (path, expected) in [
        ("/api/v1/surveys", 2),
        ("/api/v1/improvement-plans", 2),
        ("/api/v1/work-plans", 2),
        ("/api/v1/cases", 2),
        ("/api/v1/org/companies", 2),
        ("/api/v1/org/projects", 3),
        ("/api/v1/org/buildings", 3),
        ("/api/v1/org/units", 3),
        ("/api/v1/org/departments", 2),
        ("/api/v1/customers", 3),
    ] {
        let page: Value =
            app.get(&format!("{path}?count=true&limit=1"), &admin).await.json().await.unwrap();
        assert_eq!(page["total"], expected, "{path}: {page}");
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        let next = page["next_cursor"].as_str().unwrap();
        let second: Value = app
            .get(&format!("{path}?count=true&limit=1&cursor={next}"), &admin)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(second["total"], expected, "the same total on every page");
        let plain: Value = app.get(path, &admin).await.json().await.unwrap();
        assert!(plain.get("total").is_none(), "{path}: total only when asked");
    }
    let groups: Value = app.get("/api/v1/users?count=true", &admin).await.json().await.unwrap();
    assert_eq!(groups["total"], 2, "the administrator and the customer-service manager");
}

#[tokio::test]
async fn if_match_compares_strongly_and_takes_a_star() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin_token().await;
    let company = app
        .create("/api/v1/org/companies", &admin, json!({"name": "晋愉地产", "kind": "developer"}))
        .await;
    let path = format!("/api/v1/org/companies/{}", id(&company));
    let send = |if_match: &'static str, name: &'static str| {
        let (app, admin, path) = (&app, admin.clone(), path.clone());
        async move {
            app.http
                .patch(app.url(&path))
                .bearer_auth(admin)
                .header("if-match", if_match)
                .json(&json!({"name": name}))
                .send()
                .await
                .unwrap()
        }
    };
    let weak = send("W/\"1\"", "弱").await;
    kefu_tests::assert_problem(weak, 412, "stale_version").await;
    let star = send("*", "任意").await;
    assert_eq!((star.status().as_u16(), &star.headers()["etag"]), (200, &"\"2\"".parse().unwrap()));
    assert_eq!(send("\"2\"", "强").await.status(), 200);
    kefu_tests::assert_problem(send("\"2\"", "旧").await, 412, "stale_version").await;
    let missing = app
        .http
        .patch(app.url("/api/v1/org/companies/nope"))
        .bearer_auth(&admin)
        .header("if-match", "*")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    kefu_tests::assert_problem(missing, 404, "not_found").await;
}
