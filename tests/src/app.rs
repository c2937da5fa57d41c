//! `spawn_app`: kefu on port 0 in this process, with a settable clock.

use std::{net::TcpListener, sync::Arc};

use chrono::{DateTime, Utc};
use kefu_domain::clock::ManualClock;
use kefu_http::{
    app::AppParts,
    config::{Secret, Settings},
    server,
};
use kefu_persistence::Db;
use serde_json::{Value, json};

use crate::db::{Backend, TestDb};

/// The bootstrap administrator's password in every test app.
pub const ADMIN_PASSWORD: &str = "admin-password-1";

/// A running kefu.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A client that follows no redirects.
    pub http: reqwest::Client,
    /// The clock the app reads; move it instead of sleeping.
    pub clock: Arc<ManualClock>,
    /// A pool on the app's database, for checking what was written.
    pub db: Db,
    /// Which backend.
    pub backend: Backend,
    handle: actix_web::dev::ServerHandle,
    _db: TestDb,
}

/// The default start instant of a test clock: 2026-09-30 17:00 China time.
pub fn default_start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-09-30T17:00:00+08:00").unwrap().with_timezone(&Utc)
}

/// kefu on `backend` with default settings and an admin `admin`.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// kefu on `backend` with settings adjusted by `tune`.
pub async fn spawn_app_with(
    backend: Backend,
    tune: impl FnOnce(&mut Settings) + Send + 'static,
) -> TestApp {
    let (test_db, settings, clock) = tokio::task::spawn_blocking(move || {
        let test_db = TestDb::empty(backend);
        let mut settings = Settings::load(None, |_| None).unwrap();
        settings.database_url = test_db.url.clone();
        settings.bootstrap_admin_password = Some(Secret::new(ADMIN_PASSWORD));
        settings.attachment_dir =
            std::env::temp_dir().join(format!("kefu-attachments-{}", uuid::Uuid::now_v7()));
        tune(&mut settings);
        (test_db, settings, Arc::new(ManualClock::new(default_start())))
    })
    .await
    .unwrap();
    let state = {
        let (settings, clock) = (settings.clone(), clock.clone());
        tokio::task::spawn_blocking(move || {
            let db = server::open_database(&settings).unwrap();
            server::prepare(db, clock, &settings).unwrap()
        })
        .await
        .unwrap()
    };
    let db = state.db.clone();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let parts = AppParts::new(state, &settings).unwrap();
    let server = server::start(listener, parts, Some(2)).unwrap();
    let handle = server.handle();
    tokio::spawn(server);
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { base, http, clock, db, backend, handle, _db: test_db }
}

impl TestApp {
    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signs in and returns the token pair body.
    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap()
    }

    /// Signs in with owned credentials (for many sign-ins sent at once).
    pub async fn login_owned(&self, username: String, password: String) -> reqwest::Response {
        self.login(&username, &password).await
    }

    /// Signs in as the bootstrap admin and returns the token pair.
    pub async fn admin_tokens(&self) -> Value {
        let res = self.login("admin", ADMIN_PASSWORD).await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// Stops the server (graceful).
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        // Stop without waiting: the database is dropped right after, with FORCE on PostgreSQL.
        drop(handle.stop(false));
    }
}

/// Asserts that `res` is a problem with `status` and `code`, and returns its body.
pub async fn assert_problem(res: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status");
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json", "content type");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert!(body["type"].as_str().is_some_and(|t| t.ends_with(code)), "{body}");
    assert!(body["title"].is_string() && body["detail"].is_string(), "{body}");
    body
}
