//! `Idempotency-Key` on creates (acceptance 7): the same key and body answer the first
//! response again and write once; another body is 422; in flight is 409; kept 24 hours.

use chrono::TimeDelta;
use kefu_tests::{Backend, TestApp, api::ids, assert_problem, both_backends, spawn_app};
use serde_json::{Value, json};

both_backends! {
    the_same_key_and_body_create_once_and_replay_the_first_response => the_same_key_and_body_create_once_and_replay_the_first_response;
}

async fn post_with_key(app: &TestApp, token: &str, key: &str, body: &Value) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/org/companies"))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn companies(app: &TestApp, token: &str) -> usize {
    let page: Value = app.get("/api/v1/org/companies?limit=200", token).await.json().await.unwrap();
    ids(&page).len()
}

async fn the_same_key_and_body_create_once_and_replay_the_first_response(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let body = json!({"name": "晋愉地产", "kind": "developer"});
    let first = post_with_key(&app, &admin, "key-1", &body).await;
    assert_eq!(first.status(), 201);
    let location = first.headers()["location"].clone();
    let first: Value = first.json().await.unwrap();
    let again = post_with_key(&app, &admin, "key-1", &body).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["location"], location);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(companies(&app, &admin).await, 1, "one record");

    // The same key with another body.
    let other = json!({"name": "另一家", "kind": "developer"});
    assert_problem(
        post_with_key(&app, &admin, "key-1", &other).await,
        422,
        "idempotency_key_reused",
    )
    .await;
    // A failed request keeps nothing: its key can be used again.
    assert_problem(post_with_key(&app, &admin, "key-2", &body).await, 409, "conflict").await;
    assert_eq!(post_with_key(&app, &admin, "key-2", &other).await.status(), 201);
    // Keys belong to a caller: another caller's same key is his own.
    let (_, other_admin) = app.user_with(&admin, "admin2", &[("admin", "group", None)]).await;
    let res =
        post_with_key(&app, &other_admin, "key-1", &json!({"name": "第三家", "kind": "brokerage"}))
            .await;
    assert_eq!(res.status(), 201);
    // Kept at least 24 hours; after that the key is free.
    app.clock.advance(TimeDelta::hours(23));
    let fresh = app.admin_token().await;
    assert_eq!(
        post_with_key(&app, &fresh, "key-1", &body).await.headers()["idempotent-replayed"],
        "true"
    );
    app.clock.advance(TimeDelta::hours(2));
    let fresh = app.admin_token().await;
    let res =
        post_with_key(&app, &fresh, "key-1", &json!({"name": "第四家", "kind": "brokerage"})).await;
    assert_eq!(res.status(), 201);
    assert_eq!(companies(&app, &fresh).await, 4);
    // A key that is not a header token is a 422 naming it.
    let res = post_with_key(&app, &fresh, &"k".repeat(256), &body).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");
}

#[tokio::test]
async fn a_replayed_client_creation_does_not_show_the_secret_again() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin_token().await;
    let send = || {
        app.http
            .post(app.url("/api/v1/integration-clients"))
            .bearer_auth(&admin)
            .header("idempotency-key", "crm-1")
            .json(&json!({"name": "crm"}))
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    assert!(first["client_secret"].is_string());
    let again = send().await.unwrap();
    assert_eq!(again.status(), 201);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["client"], first["client"]);
    assert!(again.get("client_secret").is_none(), "the secret is stored nowhere: {again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_with_one_key_create_one_record_on_postgres() {
    let app = spawn_app(Backend::Postgres).await;
    let admin = app.admin_token().await;
    let body = json!({"name": "并发公司", "kind": "developer"});
    let requests = (0..8).map(|_| post_with_key(&app, &admin, "same-key", &body));
    let responses = futures_util::future::join_all(requests).await;
    let mut created = Vec::new();
    for res in responses {
        match res.status().as_u16() {
            201 => created.push(res.json::<Value>().await.unwrap()["id"].clone()),
            409 => {
                assert_problem(res, 409, "idempotency_key_in_flight").await;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(!created.is_empty());
    assert!(created.iter().all(|id| *id == created[0]), "every 201 is the same record");
    assert_eq!(companies(&app, &admin).await, 1, "one record");
}

#[tokio::test]
async fn a_key_left_in_flight_by_a_dead_request_is_released_after_two_minutes() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin_token().await;
    let now = kefu_domain::clock::Clock::now(app.clock.as_ref());
    let db = app.db.clone();
    let me: Value = app.get("/api/v1/me", &admin).await.json().await.unwrap();
    let principal = me["id"].as_str().unwrap().to_owned();
    // A request that claimed the key and never finished (its node died).
    tokio::task::spawn_blocking(move || {
        let begun = kefu_persistence::idempotency::begin(
            &mut db.conn().unwrap(),
            &principal,
            "lost",
            "fingerprint",
            now,
        );
        assert_eq!(begun.unwrap(), kefu_persistence::idempotency::Begin::Started);
    })
    .await
    .unwrap();
    let body = json!({"name": "重试公司", "kind": "developer"});
    // Still held (by another body, as far as this request can tell).
    assert_problem(post_with_key(&app, &admin, "lost", &body).await, 422, "idempotency_key_reused")
        .await;
    app.clock.advance(TimeDelta::minutes(2));
    assert_eq!(post_with_key(&app, &admin, "lost", &body).await.status(), 201);
}
