//! Users, grants and groups: administrators manage their own group only; disabling a user or
//! changing a password ends his sessions; platform operators create tenants.

use chrono::TimeDelta;
use kefu_tests::{
    Backend,
    api::{id, ids},
    assert_problem, both_backends, spawn_app,
};
use serde_json::{Value, json};

both_backends! {
    admins_create_list_read_and_change_users_with_etags => admins_create_list_read_and_change_users_with_etags;
    a_disabled_user_is_stopped_at_once => a_disabled_user_is_stopped_at_once;
    an_admin_of_group_a_gets_404_for_everything_of_group_b => an_admin_of_group_a_gets_404_for_everything_of_group_b;
}

async fn admins_create_list_read_and_change_users_with_etags(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let user = app
        .create(
            "/api/v1/users",
            &admin,
            json!({"username": "li.lei", "display_name": "李雷", "password": "li-lei-password"}),
        )
        .await;
    assert_eq!((user["disabled"].as_bool(), user["version"].as_i64()), (Some(false), Some(1)));
    assert!(user.get("password_hash").is_none() && user.get("password").is_none());
    let path = format!("/api/v1/users/{}", id(&user));
    let res = app.get(&path, &admin).await;
    assert_eq!(res.headers()["etag"], "\"1\"");

    // Pages of one, continued by the opaque cursor.
    let page: Value = app.get("/api/v1/users?limit=1", &admin).await.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap();
    let res = app
        .http
        .get(app.url("/api/v1/users"))
        .query(&[("limit", "1"), ("cursor", cursor)])
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let next: Value = res.json().await.unwrap();
    assert_eq!(ids(&next), [id(&user)]);
    assert!(next["next_cursor"].is_null());
    let res = app.get("/api/v1/users?limit=201", &admin).await;
    assert_problem(res, 422, "validation_failed").await;

    // If-Match: missing 428, stale 412, current 200 with the next ETag.
    let res = app
        .http
        .patch(app.url(&path))
        .bearer_auth(&admin)
        .json(&json!({"display_name": "x"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 428, "precondition_required").await;
    let res = app.patch(&path, &admin, 1, &json!({"display_name": "李雷 (工程部)"})).await;
    assert_eq!(res.headers()["etag"], "\"2\"");
    let res = app.patch(&path, &admin, 1, &json!({"display_name": "stale"})).await;
    assert_problem(res, 412, "stale_version").await;
    let me: Value = app.get(&path, &admin).await.json().await.unwrap();
    assert_eq!(me["display_name"], "李雷 (工程部)");

    // A taken username is a conflict; bad input names each field and writes nothing.
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            &json!({"username": "li.lei", "display_name": "x", "password": "long-enough"}),
        )
        .await;
    assert_problem(res, 409, "conflict").await;
    let res = app.post("/api/v1/users", &admin, &json!({"username": "has space", "display_name": "", "password": "short", "role": "admin"})).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let mut fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort();
    assert_eq!(fields, ["display_name", "password", "role", "username"], "{body}");
    let all: Value = app.get("/api/v1/users", &admin).await.json().await.unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 2, "nothing was written");
}

async fn a_disabled_user_is_stopped_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (user_id, _) = app.user_with(&admin, "wang", &[("auditor", "group", None)]).await;
    let tokens: Value = app.login("wang", "wang-password").await.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/me", access).await.status(), 200);
    // An auditor reads users but may not change them.
    assert_eq!(app.get("/api/v1/users", access).await.status(), 200);
    let res = app
        .post(
            "/api/v1/users",
            access,
            &json!({"username": "x", "display_name": "x", "password": "long-enough"}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;

    let res =
        app.patch(&format!("/api/v1/users/{user_id}"), &admin, 1, &json!({"disabled": true})).await;
    assert_eq!(res.status(), 200);
    // The access token stops at its next use, well within its 15 minutes.
    assert_problem(app.get("/api/v1/me", access).await, 401, "invalid_token").await;
    let res = app
        .http
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "invalid_refresh_token").await;
    assert_problem(app.login("wang", "wang-password").await, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn logout_and_password_change_revoke_refresh_tokens() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin_token().await;
    app.user_with(&admin, "zhao", &[]).await;
    let refresh = |token: Value| {
        let app = &app;
        async move {
            app.http
                .post(app.url("/api/v1/auth/refresh"))
                .json(&json!({"refresh_token": token}))
                .send()
                .await
                .unwrap()
        }
    };
    let first: Value = app.login("zhao", "zhao-password").await.json().await.unwrap();
    let res = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .json(&json!({"refresh_token": first["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_problem(refresh(first["refresh_token"].clone()).await, 401, "invalid_refresh_token")
        .await;

    let a: Value = app.login("zhao", "zhao-password").await.json().await.unwrap();
    let b: Value = app.login("zhao", "zhao-password").await.json().await.unwrap();
    let token = a["access_token"].as_str().unwrap();
    let res = app
        .post(
            "/api/v1/me/password",
            token,
            &json!({"current_password": "wrong", "new_password": "zhao-new-password"}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .post(
            "/api/v1/me/password",
            token,
            &json!({"current_password": "zhao-password", "new_password": "zhao-new-password"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    for pair in [a, b] {
        assert_problem(refresh(pair["refresh_token"].clone()).await, 401, "invalid_refresh_token")
            .await;
    }
    assert_eq!(app.login("zhao", "zhao-new-password").await.status(), 200);
    app.clock.advance(TimeDelta::minutes(1));
}

async fn an_admin_of_group_a_gets_404_for_everything_of_group_b(backend: Backend) {
    let app = spawn_app(backend).await;
    let root = app.admin_token().await;
    let me: Value = app.get("/api/v1/me", &root).await.json().await.unwrap();
    assert_eq!(
        (me["is_admin"].as_bool(), me["is_platform_operator"].as_bool()),
        (Some(true), Some(true))
    );
    let group = app
        .create("/api/v1/groups", &root, json!({"code": "jinyu", "name": "晋愉集团",
            "admin": {"username": "jinyu.admin", "display_name": "管理员", "password": "jinyu-password"}}))
        .await;
    assert_eq!(group["code"], "jinyu");
    let b: Value = app.login("jinyu.admin", "jinyu-password").await.json().await.unwrap();
    let b = b["access_token"].as_str().unwrap().to_owned();
    let b_user = app
        .create(
            "/api/v1/users",
            &b,
            json!({"username": "b.user", "display_name": "B", "password": "b-user-password"}),
        )
        .await;
    let a_user = app
        .create(
            "/api/v1/users",
            &root,
            json!({"username": "a.user", "display_name": "A", "password": "a-user-password"}),
        )
        .await;

    // Each admin sees his own group only: 404 across, never in lists.
    assert_problem(app.get(&format!("/api/v1/users/{}", id(&a_user)), &b).await, 404, "not_found")
        .await;
    assert_problem(
        app.get(&format!("/api/v1/users/{}", id(&b_user)), &root).await,
        404,
        "not_found",
    )
    .await;
    let res = app
        .patch(&format!("/api/v1/users/{}", id(&a_user)), &b, 1, &json!({"disabled": true}))
        .await;
    assert_problem(res, 404, "not_found").await;
    let listed: Value = app.get("/api/v1/users?limit=200", &b).await.json().await.unwrap();
    assert!(!ids(&listed).contains(&id(&a_user)) && ids(&listed).contains(&id(&b_user)));
    // Granting across groups: the principal is not found.
    let res = app.post("/api/v1/grants", &b, &json!({"principal_kind": "user", "principal_id": id(&a_user), "role": "auditor", "scope_kind": "group"})).await;
    assert_problem(res, 404, "not_found").await;
    let grants: Value = app.get("/api/v1/grants", &b).await.json().await.unwrap();
    assert!(grants["items"].as_array().unwrap().iter().all(|g| g["principal_id"] != id(&a_user)));
    // Group B's admin is no platform operator.
    assert_problem(app.get("/api/v1/groups", &b).await, 403, "forbidden").await;
    // Disabling group B stops its admin at once.
    let res = app
        .patch(&format!("/api/v1/groups/{}", id(&group)), &root, 1, &json!({"disabled": true}))
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(app.get("/api/v1/users", &b).await, 401, "invalid_token").await;
    assert_problem(app.login("jinyu.admin", "jinyu-password").await, 401, "invalid_credentials")
        .await;
}

#[tokio::test]
async fn grants_are_listed_fetched_and_revoked() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin_token().await;
    let (user, token) = app.user_with(&admin, "sun", &[("auditor", "group", None)]).await;
    let page: Value =
        app.get(&format!("/api/v1/grants?principal_id={user}"), &admin).await.json().await.unwrap();
    let grant = page["items"][0].clone();
    assert_eq!(
        (grant["role"].as_str(), grant["scope_kind"].as_str()),
        (Some("auditor"), Some("group"))
    );
    let path = format!("/api/v1/grants/{}", id(&grant));
    assert_eq!(app.get(&path, &admin).await.status(), 200);
    assert_eq!(app.get("/api/v1/users", &token).await.status(), 200);
    let res = app.http.delete(app.url(&path)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(res.status(), 204);
    // Revoked: the next request already lacks the permission.
    assert_problem(app.get("/api/v1/users", &token).await, 403, "forbidden").await;
    assert_problem(app.get(&path, &admin).await, 404, "not_found").await;
    let res = app.post("/api/v1/grants", &admin, &json!({"principal_kind": "user", "principal_id": user, "role": "platform_operator", "scope_kind": "group"})).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "role");
}

#[tokio::test]
async fn nobody_locks_himself_out() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin_token().await;
    let me: Value = app.get("/api/v1/me", &admin).await.json().await.unwrap();
    let res = app
        .patch(
            &format!("/api/v1/users/{}", me["id"].as_str().unwrap()),
            &admin,
            1,
            &json!({"disabled": true}),
        )
        .await;
    assert_problem(res, 409, "conflict").await;
    // Nor resets his own password: that takes the current one, at /me/password.
    let res = app
        .patch(
            &format!("/api/v1/users/{}", me["id"].as_str().unwrap()),
            &admin,
            1,
            &json!({"password": "a-new-long-password"}),
        )
        .await;
    assert_problem(res, 409, "conflict").await;
    let res = app
        .patch(
            &format!("/api/v1/groups/{}", me["group_id"].as_str().unwrap()),
            &admin,
            1,
            &json!({"disabled": true}),
        )
        .await;
    assert_problem(res, 409, "conflict").await;
    let grants: Value = app
        .get(&format!("/api/v1/grants?principal_id={}", me["id"].as_str().unwrap()), &admin)
        .await
        .json()
        .await
        .unwrap();
    for grant in ids(&grants) {
        let res = app
            .http
            .delete(app.url(&format!("/api/v1/grants/{grant}")))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_problem(res, 409, "conflict").await;
    }
    assert_eq!(app.get("/api/v1/users", &admin).await.status(), 200);
}
