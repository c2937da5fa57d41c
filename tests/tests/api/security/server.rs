//! The HTTP layer under attack and in a browser: slow clients are answered 408 within
//! `KEFU_REQUEST_TIMEOUT` and do not hold a shutdown; what actix-http answers by itself (400,
//! 408, 431) and a too large body are problem documents; CORS, security headers and rate limits.

use std::time::{Duration, Instant};

use kefu_tests::{Backend, TestApp, assert_problem, spawn_app, spawn_app_with};
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Sends `raw` on a new connection, then reads until the server closes it or `patience` ends.
async fn raw_exchange(app: &TestApp, raw: &[u8], patience: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    stream.write_all(raw).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(patience, stream.read_to_end(&mut answer)).await;
    (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
}

/// The status, lower-cased head and parsed body of a raw answer.
fn parse(answer: &str) -> (u16, String, Value) {
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((answer, ""));
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), serde_json::from_str(body).unwrap_or(Value::Null))
}

fn assert_raw_problem(answer: &str, status: u16, code: &str) {
    let (got, head, body) = parse(answer);
    assert_eq!(got, status, "{answer}");
    assert!(head.contains("content-type: application/problem+json"), "{answer}");
    assert_eq!((body["status"].as_u64(), body["code"].as_str()), (Some(status.into()), Some(code)));
}

async fn quick_timeout() -> TestApp {
    spawn_app_with(Backend::Sqlite, |s| s.request_timeout = Duration::from_secs(1)).await
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_408_in_time() {
    let app = quick_timeout().await;
    let raw =
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: kefu\r\nContent-Type: application/json\r\n\
                Content-Length: 200\r\n\r\n{\"username\": \"adm";
    let (answer, took) = raw_exchange(&app, raw, Duration::from_secs(10)).await;
    assert_raw_problem(&answer, 408, "request_timeout");
    assert!(took < Duration::from_secs(4), "answered after {took:?}");
}

#[tokio::test]
async fn a_head_that_stops_arriving_is_answered_408_as_a_problem() {
    let app = quick_timeout().await;
    let raw = b"POST /api/v1/auth/login HTTP/1.1\r\nHost: kefu\r\nContent-Ty";
    let (answer, took) = raw_exchange(&app, raw, Duration::from_secs(10)).await;
    assert_raw_problem(&answer, 408, "request_timeout");
    assert!(took < Duration::from_secs(4), "answered after {took:?}");
}

#[tokio::test]
async fn a_slow_body_does_not_hold_a_graceful_shutdown() {
    let app = quick_timeout().await;
    let mut stream = TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    stream
        .write_all(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: kefu\r\nContent-Type: application/json\r\n\
              Content-Length: 200\r\n\r\n{",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    app.stop().await;
    assert!(started.elapsed() < Duration::from_secs(5), "shutdown took {:?}", started.elapsed());
}

#[tokio::test]
async fn what_actix_answers_by_itself_is_a_problem_document() {
    let app = spawn_app(Backend::Sqlite).await;
    let (answer, _) = raw_exchange(
        &app,
        b"GET /healthz HTTP/1.1\r\nHost: kefu\r\nBroken header line\r\n\r\n",
        Duration::from_secs(5),
    )
    .await;
    assert_raw_problem(&answer, 400, "malformed_request");

    let huge =
        format!("GET /healthz HTTP/1.1\r\nHost: kefu\r\nX-Big: {}\r\n\r\n", "a".repeat(256 * 1024));
    let (answer, _) = raw_exchange(&app, huge.as_bytes(), Duration::from_secs(5)).await;
    assert_raw_problem(&answer, 431, "headers_too_large");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_problem_before_it_is_read() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.body_limit = 64).await;
    let res = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(format!("{{\"username\": \"{}\"}}", "x".repeat(500)))
        .send()
        .await
        .unwrap();
    assert_problem(res, 413, "payload_too_large").await;
}

#[tokio::test]
async fn a_browser_opening_the_root_is_sent_to_the_docs() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app.http.get(app.url("/")).send().await.unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/docs/");
}

#[tokio::test]
async fn security_headers_and_an_offline_swagger_ui() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app.http.get(app.url("/api/v1/me")).send().await.unwrap();
    let headers = res.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));

    let res = app.http.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && !csp.contains("http"), "{csp}");
    let init = app.http.get(app.url("/docs/swagger-initializer.js")).send().await.unwrap();
    let init = init.text().await.unwrap();
    assert!(
        init.contains("\"validatorUrl\": \"none\"") || init.contains("\"validatorUrl\":\"none\""),
        "{init}"
    );
}

#[tokio::test]
async fn cors_answers_only_the_configured_origins() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.cors_origins = vec!["https://desk.example.com".to_owned()];
    })
    .await;
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/customers"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type, if-match")
            .send()
    };
    let res = preflight("https://desk.example.com").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], "https://desk.example.com");
    let allowed = res.headers()["access-control-allow-headers"].to_str().unwrap().to_lowercase();
    assert!(allowed.contains("if-match") && allowed.contains("authorization"), "{allowed}");

    let res = preflight("https://evil.example.net").await.unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    assert_problem(res, 400, "bad_request").await;

    let res = app
        .http
        .get(app.url("/api/v1/me"))
        .header("origin", "https://desk.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "https://desk.example.com");
    let exposed = res.headers()["access-control-expose-headers"].to_str().unwrap().to_lowercase();
    for name in ["etag", "location", "retry-after"] {
        assert!(exposed.contains(name), "{name} in {exposed}");
    }
}

#[tokio::test]
async fn without_cors_origins_no_origin_is_allowed() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app
        .http
        .get(app.url("/api/v1/me"))
        .header("origin", "https://desk.example.com")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn over_the_rate_limit_is_429_with_retry_after() {
    let app =
        spawn_app_with(Backend::Sqlite, |s| s.rate_limit = Some("3/min".parse().unwrap())).await;
    for _ in 0..3 {
        assert_eq!(app.http.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
    }
    let res = app.http.get(app.url("/api/v1/me")).send().await.unwrap();
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert_problem(res, 429, "rate_limited").await;
    // Probes are never limited.
    assert_eq!(app.http.get(app.url("/healthz")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn rate_limits_are_off_by_default() {
    let app = spawn_app(Backend::Sqlite).await;
    for _ in 0..30 {
        assert_eq!(app.http.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
    }
}

#[tokio::test]
async fn a_slow_body_with_an_idempotency_key_is_answered_408_too() {
    let app = quick_timeout().await;
    let token = app.admin_tokens().await["access_token"].as_str().unwrap().to_owned();
    let raw = format!(
        "POST /api/v1/org/companies HTTP/1.1\r\nHost: kefu\r\nAuthorization: Bearer {token}\r\n\
         Idempotency-Key: slow-1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{"
    );
    let (answer, took) = raw_exchange(&app, raw.as_bytes(), Duration::from_secs(10)).await;
    assert_raw_problem(&answer, 408, "request_timeout");
    assert!(took < Duration::from_secs(4), "answered after {took:?}");
}
