//! Every error is an RFC 9457 problem with a stable code, whatever failed.

use kefu_tests::{Backend, assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn unknown_route_is_a_404_problem() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app.http.get(app.url("/api/v1/no-such-thing")).send().await.unwrap();
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn wrong_method_is_a_405_problem_with_allow() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app.http.delete(app.url("/api/v1/auth/login")).send().await.unwrap();
    assert_eq!(res.headers()["allow"], "POST");
    assert_problem(res, 405, "method_not_allowed").await;
    let res = app.http.post(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.headers()["allow"], "GET, HEAD");
    assert_problem(res, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn body_that_is_not_json_is_a_400_saying_where_it_broke() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": \"admin\",\n \"password\": }")
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 400, "malformed_json").await;
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("line 2, column"), "{detail}");
}

#[tokio::test]
async fn wrong_and_missing_fields_are_a_422_naming_each() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"username": 42, "pasword": "x"}))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    let mut fields: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("password".into(), "required".into()),
            ("pasword".into(), "unknown_field".into()),
            ("username".into(), "invalid_type".into()),
        ]
    );
}

#[tokio::test]
async fn over_long_and_empty_values_are_named() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "x".repeat(65), "password": ""}))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    let errors = body["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e["field"] == "username" && e["code"] == "too_long"), "{body}");
    assert!(errors.iter().any(|e| e["field"] == "password" && e["code"] == "too_short"), "{body}");
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_a_422() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!([1, 2]))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "body");
}

#[tokio::test]
async fn wrong_content_type_is_a_415_problem() {
    let app = spawn_app(Backend::Sqlite).await;
    for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
        let mut req = app.http.post(app.url("/api/v1/auth/login")).body("username=admin");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        assert_problem(req.send().await.unwrap(), 415, "unsupported_media_type").await;
    }
}

#[tokio::test]
async fn body_over_the_limit_is_a_413_problem() {
    // Default limit: 1 MiB.
    let app = spawn_app(Backend::Sqlite).await;
    let big = format!("{{\"username\": \"{}\", \"password\": \"x\"}}", "a".repeat(1 << 20));
    let res = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_problem(res, 413, "payload_too_large").await;

    // A configured limit, also for a chunked body that declares no length.
    let app = spawn_app_with(Backend::Sqlite, |s| s.body_limit = 100).await;
    let chunks: Vec<Result<String, std::io::Error>> =
        vec![Ok("{\"username\": \"".into()), Ok(format!("{}\"}}", "b".repeat(200)))];
    let res = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_problem(res, 413, "payload_too_large").await;
}

#[tokio::test]
async fn postgres_gone_makes_readyz_a_503_problem() {
    let app = spawn_app(Backend::Postgres).await;
    assert_eq!(app.http.get(app.url("/readyz")).send().await.unwrap().status(), 200);
    let kefu_persistence::DatabaseUrl::Postgres(url) = app.db.url().clone() else { unreachable!() };
    let name = url.rsplit('/').next().unwrap().to_owned();
    tokio::task::spawn_blocking(move || {
        use diesel::{Connection, RunQueryDsl};
        let mut admin = diesel::PgConnection::establish(&kefu_tests::db::admin_url()).unwrap();
        diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .execute(&mut admin)
            .unwrap();
    })
    .await
    .unwrap();
    let res = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_problem(res, 503, "database_unavailable").await;
    assert_eq!(app.http.get(app.url("/healthz")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn postgres_nul_characters_are_refused_before_they_reach_the_database() {
    let app = spawn_app(Backend::Postgres).await;
    let tokens = app.admin_tokens().await;
    let token = tokens["access_token"].as_str().unwrap();
    let res = app
        .http
        .post(app.url("/api/v1/calendars"))
        .bearer_auth(token)
        .json(&serde_json::json!({"name": "front\u{0}desk"}))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
        (Some("name"), Some("invalid_character"))
    );
    let res = app
        .http
        .get(app.url("/api/v1/calendars/abc%00def"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
    let res = app
        .http
        .get(app.url("/api/v1/calendars?cursor=AG79U-e"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn dates_outside_the_sane_years_are_a_422_naming_the_field() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin_token().await;
    let o = kefu_tests::org::org(&app, &admin).await;
    for date in ["+99999-01-01", "0000-01-01", "1899-12-31", "2201-01-01"] {
        let body = serde_json::json!({"unit_id": o.units[1], "contract_signed_on": date});
        let res =
            app.post(&format!("/api/v1/customers/{}/units", o.customers[0]), &admin, &body).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "contract_signed_on", "{date}: {problem}");
    }
    let calendars: serde_json::Value =
        app.get("/api/v1/calendars", &admin).await.json().await.unwrap();
    let calendar = calendars["items"][0]["id"].as_str().unwrap().to_owned();
    let res = app
        .get(&format!("/api/v1/calendars/{calendar}/days?from=0000-01-01&to=0000-01-31"), &admin)
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "from");
    let res = app.get("/api/v1/audit-events?from=2999-01-01T00:00:00Z", &admin).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "from");
    let ok = serde_json::json!({"unit_id": o.units[1], "contract_signed_on": "2026-03-18"});
    let res = app.post(&format!("/api/v1/customers/{}/units", o.customers[0]), &admin, &ok).await;
    assert_eq!(res.status(), 201);
}
