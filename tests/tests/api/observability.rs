//! Health, readiness, request ids and metrics.

use kefu_tests::{Backend, both_backends, spawn_app};

both_backends! {
    health_and_readiness_answer => health_and_readiness_answer;
}

async fn health_and_readiness_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["status"], "ok");
    let res = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["status"], "ready");
}

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let app = spawn_app(Backend::Sqlite).await;
    let res =
        app.http.get(app.url("/healthz")).header("x-request-id", "crm-4711").send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "crm-4711");
    let res = app.http.get(app.url("/no/such/page")).send().await.unwrap();
    let made = res.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(made).is_ok(), "{made}");
    let res = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "has spaces; and (parens)")
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers()["x-request-id"], "has spaces; and (parens)");
}

#[tokio::test]
async fn metrics_count_by_route_template_and_status() {
    let app = spawn_app(Backend::Sqlite).await;
    for _ in 0..3 {
        app.http.get(app.url("/healthz")).send().await.unwrap();
    }
    app.http.get(app.url("/api/v1/no-such-resource/0190-abc")).send().await.unwrap();
    app.http.get(app.url("/api/v1/me")).send().await.unwrap();
    let text = app.http.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        text.contains(r#"kefu_http_requests_total{method="GET",route="/healthz",status="200"} 3"#),
        "{text}"
    );
    assert!(
        text.contains(
            r#"kefu_http_requests_total{method="GET",route="/api/v1/me",status="401"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"route="unmatched",status="404""#), "{text}");
    assert!(!text.contains("0190-abc"), "raw paths never label a series");
    assert!(text.contains("# TYPE kefu_http_request_duration_seconds histogram"), "{text}");
    assert!(
        text.contains(r#"kefu_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"} 3"#),
        "{text}"
    );
}
