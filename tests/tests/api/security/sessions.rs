//! Revoked means refused at once: access tokens name their sign-in, and the per-request check
//! of the caller refuses them as soon as the sign-in ends — sign-out, a password change, a
//! reused refresh token, a disabled user (who stays out when enabled again).

use kefu_tests::{ADMIN_PASSWORD, Backend, TestApp, assert_problem, both_backends, spawn_app};
use serde_json::{Value, json};

both_backends! {
    ended_sign_ins_stop_their_access_tokens_at_once => ended_sign_ins_stop_their_access_tokens_at_once;
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> (String, String) {
    let tokens: Value = app.login(username, password).await.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    (access, tokens["refresh_token"].as_str().unwrap().to_owned())
}

async fn works(app: &TestApp, token: &str) -> bool {
    let status = app.get("/api/v1/me", token).await.status().as_u16();
    assert!(status == 200 || status == 401, "{status}");
    status == 200
}

async fn ended_sign_ins_stop_their_access_tokens_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin, _) = sign_in(&app, "admin", ADMIN_PASSWORD).await;

    // Sign-out: that sign-in's access token stops; another sign-in goes on.
    let (first, refresh) = sign_in(&app, "admin", ADMIN_PASSWORD).await;
    let res = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .json(&json!({"refresh_token": refresh}))
        .send();
    assert_eq!(res.await.unwrap().status(), 204);
    assert_problem(app.get("/api/v1/me", &first).await, 401, "invalid_token").await;
    assert!(works(&app, &admin).await);

    // A password change ends every sign-in of the user, the one that changed it too.
    let (user_id, _) = app.user_with(&admin, "li.lei", &[]).await;
    let (one, _) = sign_in(&app, "li.lei", "li.lei-password").await;
    let (two, _) = sign_in(&app, "li.lei", "li.lei-password").await;
    let res = app
        .post(
            "/api/v1/me/password",
            &one,
            &json!({"current_password": "li.lei-password", "new_password": "another-password"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert!(!works(&app, &one).await && !works(&app, &two).await);
    let (three, _) = sign_in(&app, "li.lei", "another-password").await;
    assert!(works(&app, &three).await);

    // Disabled: stopped at once; enabled again: the old token stays dead, a new sign-in works.
    let me: Value =
        app.get(&format!("/api/v1/users/{user_id}"), &admin).await.json().await.unwrap();
    let version = me["version"].as_i64().unwrap();
    let res = app
        .patch(&format!("/api/v1/users/{user_id}"), &admin, version, &json!({"disabled": true}))
        .await;
    assert_eq!(res.status(), 200);
    assert!(!works(&app, &three).await);
    let res = app
        .patch(
            &format!("/api/v1/users/{user_id}"),
            &admin,
            version + 1,
            &json!({"disabled": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(!works(&app, &three).await, "re-enabling does not revive old tokens");
    let (four, _) = sign_in(&app, "li.lei", "another-password").await;
    assert!(works(&app, &four).await);
    // An administrator's password reset ends the user's sign-ins too.
    let res = app
        .patch(
            &format!("/api/v1/users/{user_id}"),
            &admin,
            version + 2,
            &json!({"password": "reset-by-admin"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(!works(&app, &four).await);
}
