//! Sign-in, bearer tokens and refresh-token rotation.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::TimeDelta;
use kefu_persistence::audit;
use kefu_tests::{ADMIN_PASSWORD, Backend, assert_problem, both_backends, spawn_app};
use serde_json::{Value, json};

both_backends! {
    login_then_me => login_then_me;
    refresh_rotates_and_reuse_revokes_the_family => refresh_rotates_and_reuse_revokes_the_family;
}

async fn login_then_me(backend: Backend) {
    let app = spawn_app(backend).await;
    let tokens = app.admin_tokens().await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    let me: Value = app
        .http
        .get(app.url("/api/v1/me"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "admin");
    assert_eq!(me["is_admin"], true);
    assert!(me["created_at"].as_str().unwrap().ends_with("+08:00"), "{me}");
}

async fn refresh_rotates_and_reuse_revokes_the_family(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.admin_tokens().await;
    let refresh = |token: Value| {
        let app = &app;
        async move {
            app.http
                .post(app.url("/api/v1/auth/refresh"))
                .json(&json!({ "refresh_token": token }))
                .send()
                .await
                .unwrap()
        }
    };
    let res = refresh(first["refresh_token"].clone()).await;
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);

    let me = |token: Value| {
        let app = &app;
        async move {
            app.http
                .get(app.url("/api/v1/me"))
                .bearer_auth(token.as_str().unwrap())
                .send()
                .await
                .unwrap()
        }
    };
    let res = me(second["access_token"].clone()).await;
    assert_eq!(res.status(), 200);
    let user_id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();

    // The rotated token comes back: theft signal, the whole family is revoked, and the access
    // tokens of that sign-in stop at once (they name their session).
    let res = refresh(first["refresh_token"].clone()).await;
    assert_problem(res, 401, "refresh_token_reused").await;
    let res = refresh(second["refresh_token"].clone()).await;
    assert_problem(res, 401, "invalid_refresh_token").await;
    let res = refresh(json!("never-issued")).await;
    assert_problem(res, 401, "invalid_refresh_token").await;
    assert_problem(me(second["access_token"].clone()).await, 401, "invalid_token").await;
    assert_problem(me(first["access_token"].clone()).await, 401, "invalid_token").await;

    // The reuse is on the audit trail of the user.
    let db = app.db.clone();
    let actions: Vec<String> = tokio::task::spawn_blocking(move || {
        audit::for_subject(&mut db.conn().unwrap(), "user", &user_id).unwrap()
    })
    .await
    .unwrap()
    .into_iter()
    .map(|e| e.action)
    .collect();
    assert_eq!(actions, ["user.created", "auth.login", "auth.refresh_token_reused"]);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let app = spawn_app(Backend::Sqlite).await;
    let a = assert_problem(app.login("admin", "wrong-password").await, 401, "invalid_credentials")
        .await;
    let b =
        assert_problem(app.login("nobody", ADMIN_PASSWORD).await, 401, "invalid_credentials").await;
    assert_eq!(a["detail"], b["detail"]);
}

#[tokio::test]
async fn a_refresh_token_expires_after_thirty_days() {
    let app = spawn_app(Backend::Sqlite).await;
    let tokens = app.admin_tokens().await;
    app.clock.advance(TimeDelta::days(30));
    let res = app
        .http
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({ "refresh_token": tokens["refresh_token"] }))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "invalid_refresh_token").await;
}

fn forge(token: &str, header: Value, claims: impl FnOnce(&mut Value)) -> String {
    let mut parts = token.split('.');
    let (_, payload, signature) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
    let mut body: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims(&mut body);
    let enc = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    format!("{}.{}.{signature}", enc(&header), enc(&body))
}

#[tokio::test]
async fn bad_bearer_tokens_are_401_problems() {
    let app = spawn_app(Backend::Sqlite).await;
    let tokens = app.admin_tokens().await;
    let good = tokens["access_token"].as_str().unwrap();
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(good.split('.').next().unwrap()).unwrap())
            .unwrap();
    let me = |token: Option<String>| {
        let app = &app;
        async move {
            let mut req = app.http.get(app.url("/api/v1/me"));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            req.send().await.unwrap()
        }
    };
    assert_eq!(me(Some(good.to_owned())).await.status(), 200);
    assert_problem(me(None).await, 401, "unauthenticated").await;
    assert_problem(me(Some("not-a-jwt".into())).await, 401, "invalid_token").await;
    let tampered = forge(good, header.clone(), |c| c["sub"] = json!("someone-else"));
    assert_problem(me(Some(tampered)).await, 401, "invalid_token").await;
    let none = forge(good, json!({"alg": "none", "typ": "JWT", "kid": header["kid"]}), |_| {});
    assert_problem(me(Some(none)).await, 401, "invalid_token").await;
    let unknown_kid = forge(good, json!({"alg": "HS256", "typ": "JWT", "kid": "nope"}), |_| {});
    assert_problem(me(Some(unknown_kid)).await, 401, "invalid_token").await;

    // Fifteen minutes later the token has expired (the app's clock, not the wall clock).
    app.clock.advance(TimeDelta::minutes(15));
    assert_problem(me(Some(good.to_owned())).await, 401, "token_expired").await;
}

#[tokio::test]
async fn validly_signed_tokens_with_a_wrong_audience_issuer_or_subject_are_401() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    let app = spawn_app(Backend::Sqlite).await;
    let good = app.admin_token().await;
    let db = app.db.clone();
    let now = kefu_domain::clock::Clock::now(app.clock.as_ref());
    let key = tokio::task::spawn_blocking(move || {
        kefu_persistence::auth::keys::usable(&mut db.conn().unwrap(), now, TimeDelta::minutes(15))
            .unwrap()
            .remove(0)
    })
    .await
    .unwrap();
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(good.split('.').nth(1).unwrap()).unwrap())
            .unwrap();
    let sign = |change: &dyn Fn(&mut Value)| {
        let mut c = claims.clone();
        change(&mut c);
        let header = Header { kid: Some(key.kid.clone()), ..Header::new(Algorithm::HS256) };
        jsonwebtoken::encode(&header, &c, &EncodingKey::from_secret(key.secret.as_bytes())).unwrap()
    };
    let me = |token: String| {
        let app = &app;
        async move { app.http.get(app.url("/api/v1/me")).bearer_auth(token).send().await.unwrap() }
    };
    // The control: the same key and claims pass.
    assert_eq!(me(sign(&|_| {})).await.status(), 200);
    assert_problem(me(sign(&|c| c["aud"] = json!("another-api"))).await, 401, "invalid_token")
        .await;
    assert_problem(me(sign(&|c| c["iss"] = json!("someone-else"))).await, 401, "invalid_token")
        .await;
    let without_exp = sign(&|c| {
        c.as_object_mut().unwrap().remove("exp");
    });
    assert_problem(me(without_exp).await, 401, "invalid_token").await;
    // A well-signed token for a user who does not exist.
    assert_problem(me(sign(&|c| c["sub"] = json!("nobody"))).await, 401, "invalid_token").await;
    // HS384 with the same secret: the algorithm is pinned.
    let header = Header { kid: Some(key.kid.clone()), ..Header::new(Algorithm::HS384) };
    let hs384 =
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(key.secret.as_bytes()))
            .unwrap();
    assert_problem(me(hs384).await, 401, "invalid_token").await;
}
