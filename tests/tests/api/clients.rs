//! Integration clients: the client-credentials grant, a secret shown once, and roles that
//! decide what the client may do (acceptance 4).

use kefu_tests::{Backend, api::id, assert_problem, both_backends, org::org, spawn_app};
use serde_json::{Value, json};

both_backends! {
    a_client_gets_a_token_and_can_do_only_what_its_roles_allow => a_client_gets_a_token_and_can_do_only_what_its_roles_allow;
}

async fn a_client_gets_a_token_and_can_do_only_what_its_roles_allow(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let created =
        app.create("/api/v1/integration-clients", &admin, json!({"name": "call-center"})).await;
    let client_id = id(&created["client"]);
    let secret = created["client_secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 32);
    // The secret is never returned again.
    let path = format!("/api/v1/integration-clients/{client_id}");
    let text = app.get(&path, &admin).await.text().await.unwrap();
    assert!(!text.contains(&secret) && !text.contains("secret"), "{text}");
    let text = app.get("/api/v1/integration-clients", &admin).await.text().await.unwrap();
    assert!(!text.contains(&secret), "{text}");

    let token = |secret: String| {
        let app = &app;
        let client_id = client_id.clone();
        async move {
            app.http.post(app.url("/api/v1/auth/token"))
                .json(&json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}))
                .send().await.unwrap()
        }
    };
    assert_problem(token("wrong".into()).await, 401, "invalid_client").await;
    let res = token(secret.clone()).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["token_type"].as_str(), body["expires_in"].as_i64()),
        (Some("Bearer"), Some(900))
    );
    assert!(body.get("refresh_token").is_none());
    let access = body["access_token"].as_str().unwrap().to_owned();

    // No grant yet: it may do nothing.
    assert_problem(app.get("/api/v1/customers", &access).await, 403, "forbidden").await;
    app.create(
        "/api/v1/grants",
        &admin,
        json!({"principal_kind": "client", "principal_id": client_id,
        "role": "call_center_integration", "scope_kind": "project", "scope_id": o.projects[0]}),
    )
    .await;
    let page: Value =
        app.get("/api/v1/customers?phone=13812345678", &access).await.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "only project A's owner: {page}");
    let whole = app.get(&format!("/api/v1/customers/{}/phones", o.customers[0]), &access).await;
    assert_eq!(whole.status(), 200);
    assert_problem(
        app.get(&format!("/api/v1/customers/{}", o.customers[1]), &access).await,
        404,
        "not_found",
    )
    .await;
    let res = app
        .post(
            "/api/v1/customers",
            &access,
            &json!({"name": "x", "phones": ["13900001111"], "units": [{"unit_id": o.units[0]}]}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    assert_problem(app.get("/api/v1/users", &access).await, 403, "forbidden").await;
    assert_problem(app.get("/api/v1/me", &access).await, 403, "forbidden").await;

    // Disabled: no new token, and the one it has stops at once.
    let res = app.patch(&path, &admin, 1, &json!({"disabled": true})).await;
    assert_eq!(res.status(), 200);
    assert_problem(app.get("/api/v1/customers", &access).await, 401, "invalid_token").await;
    assert_problem(token(secret).await, 401, "invalid_client").await;
}
