//! Automation: the deadline sweep (warnings, breaches, escalation 越级上报) and the inbox, on both
//! backends; signed webhooks delivered to a real local receiver, retried, logged, redelivered and
//! disabled when their retries run out. The job rounds are run here one at a time on the app's
//! own clock (in `kefu serve` they run by themselves); the multi-node cases are in `nodes.rs`.

use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::TimeDelta;
use hmac::{Hmac, Mac};
use kefu_http::{
    config::Secret,
    jobs::{JobSettings, Round, Runner, mail::SmtpSettings, settings::parse_schedule},
    state::AppState,
};
use kefu_tests::api::at;
use kefu_tests::{
    Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app, spawn_app_with,
};
use serde_json::{Value, json};
use sha2::Sha256;

both_backends! {
    warnings_and_escalations_reach_the_right_users_only_and_once => warnings_and_escalations_reach_the_right_users_only_and_once;
    a_webhook_is_signed_retried_until_taken_and_logged => a_webhook_is_signed_retried_until_taken_and_logged;
    a_webhook_whose_retries_run_out_is_disabled_with_a_notification => a_webhook_whose_retries_run_out_is_disabled_with_a_notification;
    webhook_subscriptions_are_checked_and_kept_by_admins => webhook_subscriptions_are_checked_and_kept_by_admins;
    r_t_9_a_recurring_clock_re_arms_after_each_report => r_t_9_a_recurring_clock_re_arms_after_each_report;
    an_overdue_work_order_reminds_its_departments_coordinator_and_head => an_overdue_work_order_reminds_its_departments_coordinator_and_head;
    notifications_are_mailed_once_to_users_with_an_address => notifications_are_mailed_once_to_users_with_an_address;
}

/// One round of every job on the app's database and clock, as a node of `kefu serve` runs it.
/// Private addresses are allowed: the receivers are local.
async fn round(app: &TestApp, settings: &JobSettings) -> Round {
    let state = AppState::new(app.db.clone(), app.clock.clone());
    let mut settings = settings.clone();
    settings.allow_private = true;
    Runner::new(state, settings).round().await
}

fn jobs() -> JobSettings {
    JobSettings {
        retry_schedule: parse_schedule("10s,10s,10s").unwrap(),
        node: "test-node".into(),
        ..JobSettings::default()
    }
}

/// Every notification of a user (all pages).
async fn inbox(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let page: Value = app
        .get(&format!("/api/v1/notifications?limit=200{query}"), token)
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

/// Fresh tokens after the clock moved (access tokens live 15 minutes of the app's clock).
async fn signed_in<const N: usize>(app: &TestApp, users: [&str; N]) -> [String; N] {
    let mut tokens = Vec::new();
    for user in users {
        let password = if user == "admin" {
            kefu_tests::ADMIN_PASSWORD.to_owned()
        } else {
            format!("{user}-password")
        };
        let res: Value = app.login(user, &password).await.json().await.unwrap();
        tokens.push(res["access_token"].as_str().unwrap().to_owned());
    }
    tokens.try_into().unwrap()
}

fn about<'a>(items: &'a [Value], kind: &str, complaint: &str) -> Vec<&'a Value> {
    items.iter().filter(|n| n["kind"] == kind && n["subject_id"] == complaint).collect()
}

async fn receive(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/complaints", token, &body).await;
    assert_eq!(res.status(), 201, "{body}");
    res.json().await.unwrap()
}

/// 004 §4.10.4 (越级上报) with R-T-3: a clock at its warning threshold warns the complaint's
/// owner only; once past its due it is marked breached on the timeline and escalated — a
/// general complaint to the head of its responsible department, else to its project's
/// customer-service manager, a major one (R-CLS-15) to the customer director — and nobody
/// else, in another project, department or company, hears of it. A second sweep tells no one
/// again. The inbox is each user's own.
async fn warnings_and_escalations_reach_the_right_users_only_and_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (a, b) = (o.projects[0].as_str(), o.projects[1].as_str());
    let (d1, d2) = (o.departments[0].as_str(), o.departments[1].as_str());
    let (spec_id, spec) =
        app.user_with(&admin, "spec.a", &[("cs_specialist", "project", Some(a))]).await;
    let (head1_id, _) =
        app.user_with(&admin, "head.d1", &[("dept_head", "department", Some(d1))]).await;
    let _ = app.user_with(&admin, "head.d2", &[("dept_head", "department", Some(d2))]).await;
    let (mgr_a_id, mgr_a) =
        app.user_with(&admin, "mgr.a", &[("cs_manager", "project", Some(a))]).await;
    let _ = app.user_with(&admin, "mgr.b", &[("cs_manager", "project", Some(b))]).await;
    let (dir1_id, _) = app
        .user_with(&admin, "director.c1", &[("customer_director", "company", Some(&o.c1))])
        .await;
    let _ = app
        .user_with(&admin, "director.c2", &[("customer_director", "company", Some(&o.c2))])
        .await;
    let body = |description: &str, amount: i64| {
        json!({"kind": "complaint", "channel": "visit", "project_id": a,
            "customer_id": o.customers[0], "description": description, "amount_claimed_fen": amount})
    };
    let general = receive(&app, &spec, body("漏水", 0)).await;
    let unassigned = receive(&app, &spec, body("噪音", 0)).await;
    let major = receive(&app, &spec, body("要求赔偿", 1_000_000)).await;
    assert_eq!((&general["owner_id"], &major["grade"]), (&json!(spec_id), &json!("major")));
    let res = app
        .patch(
            &format!("/api/v1/complaints/{}", id(&general)),
            &mgr_a,
            general["version"].as_i64().unwrap(),
            &json!({"responsible_department_id": d1}),
        )
        .await;
    assert_eq!(res.status(), 200);

    // R-T-3: received Wednesday 30 September 17:00, due Tuesday 13 October 17:00 (National Day
    // does not count); 80 % of the five working days is reached on Monday 12 October.
    app.clock.set(at("2026-10-12T17:30:00+08:00"));
    let first = round(&app, &jobs()).await;
    let [spec, head1, mgr_a, dir1] =
        signed_in(&app, ["spec.a", "head.d1", "mgr.a", "director.c1"]).await;
    assert!(first.swept.warned >= 3, "{first:?}");
    let mine = inbox(&app, &spec, "&unread=true").await;
    for c in [&general, &unassigned, &major] {
        let warned = about(&mine, "clock_warning", &id(c));
        assert!(
            warned
                .iter()
                .any(|n| n["payload"]["clock"] == "self_resolve"
                    && n["payload"]["rule_id"] == "R-T-3"),
            "{mine:?}"
        );
    }
    for other in [&head1, &mgr_a, &dir1] {
        assert!(inbox(&app, other, "").await.iter().all(|n| n["kind"] != "clock_warning"));
    }

    // Long past every due: each open clock breaches once and escalates one level up.
    app.clock.set(at("2026-12-01T10:00:00+08:00"));
    let second = round(&app, &jobs()).await;
    let [spec, head1, mgr_a, dir1] =
        signed_in(&app, ["spec.a", "head.d1", "mgr.a", "director.c1"]).await;
    let [head2, mgr_b, dir2, admin] =
        signed_in(&app, ["head.d2", "mgr.b", "director.c2", "admin"]).await;
    assert!(second.swept.breached >= 3, "{second:?}");
    let head1_got = inbox(&app, &head1, "").await;
    let mgr_a_got = inbox(&app, &mgr_a, "").await;
    let dir1_got = inbox(&app, &dir1, "").await;
    assert!(!about(&head1_got, "clock_escalated", &id(&general)).is_empty(), "{head1_got:?}");
    assert!(about(&head1_got, "clock_escalated", &id(&unassigned)).is_empty());
    assert!(!about(&mgr_a_got, "clock_escalated", &id(&unassigned)).is_empty(), "{mgr_a_got:?}");
    assert!(about(&mgr_a_got, "clock_escalated", &id(&general)).is_empty());
    assert!(!about(&dir1_got, "clock_escalated", &id(&major)).is_empty(), "{dir1_got:?}");
    assert!(about(&dir1_got, "clock_escalated", &id(&general)).is_empty());
    for nobody in [&head2, &mgr_b, &dir2] {
        assert!(inbox(&app, nobody, "").await.is_empty(), "out of scope hears nothing");
    }
    let escalated = &about(&head1_got, "clock_escalated", &id(&general))[0];
    assert_eq!(escalated["payload"]["escalated_to"], json!([head1_id]));
    assert_eq!(escalated["payload"]["complaint_id"], json!(id(&general)));
    let major_escalation = &about(&dir1_got, "clock_escalated", &id(&major))[0];
    assert_eq!(major_escalation["payload"]["escalated_to"], json!([dir1_id]));
    let unassigned_escalation = &about(&mgr_a_got, "clock_escalated", &id(&unassigned))[0];
    assert_eq!(unassigned_escalation["payload"]["escalated_to"], json!([mgr_a_id]));

    // On the timeline, once per breached clock; the clocks read breached.
    let c: Value =
        app.get(&format!("/api/v1/complaints/{}", id(&general)), &spec).await.json().await.unwrap();
    let breached: Vec<&Value> =
        c["clocks"].as_array().unwrap().iter().filter(|k| k["state"] == "breached").collect();
    assert!(!breached.is_empty(), "{c}");
    let events: Value = app
        .get(&format!("/api/v1/complaints/{}/events?limit=200", id(&general)), &spec)
        .await
        .json()
        .await
        .unwrap();
    let on_timeline: Vec<&Value> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "clock" && e["action"] == "breached")
        .collect();
    assert_eq!(on_timeline.len(), breached.len(), "{events}");

    // A third sweep finds nothing to tell.
    let before = (inbox(&app, &spec, "").await.len(), head1_got.len(), dir1_got.len());
    let third = round(&app, &jobs()).await;
    assert_eq!((third.swept.warned, third.swept.breached), (0, 0), "{third:?}");
    let after = (
        inbox(&app, &spec, "").await.len(),
        inbox(&app, &head1, "").await.len(),
        inbox(&app, &dir1, "").await.len(),
    );
    assert_eq!(before, after);

    // The inbox is one's own: read one, read all, and nobody reads another's.
    let first_note = id(&inbox(&app, &spec, "").await[0]);
    assert_problem(
        app.post(&format!("/api/v1/notifications/{first_note}/read"), &head1, &json!({})).await,
        404,
        "not_found",
    )
    .await;
    let read: Value = app
        .post(&format!("/api/v1/notifications/{first_note}/read"), &spec, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["read"], true);
    let unread = inbox(&app, &spec, "&unread=true").await.len();
    assert_eq!(unread + 1, inbox(&app, &spec, "").await.len());
    let all: Value =
        app.post("/api/v1/notifications/read-all", &spec, &json!({})).await.json().await.unwrap();
    assert_eq!(all["marked"], json!(unread));
    assert!(inbox(&app, &spec, "&unread=true").await.is_empty());
    assert_eq!(inbox(&app, &head1, "&unread=true").await.len(), head1_got.len());

    // The operator sees the jobs; nobody else does.
    let jobs: Value = app.get("/api/v1/jobs", &admin).await.json().await.unwrap();
    let names: Vec<&str> =
        jobs["items"].as_array().unwrap().iter().map(|j| j["job"].as_str().unwrap()).collect();
    assert!(names.contains(&"deadline_sweep") && names.contains(&"webhook_delivery"), "{jobs}");
    assert_problem(app.get("/api/v1/jobs", &spec).await, 403, "forbidden").await;
}

/// What the local receiver saw: (headers, body, status it answered).
type Seen = Arc<Mutex<Vec<(Vec<(String, String)>, String, u16)>>>;

/// A real HTTP receiver on a free local port: `/ok` fails the first `fail_first` posts with 500,
/// then takes each; `/fail` always fails. Its base URL and what it saw.
async fn receiver(fail_first: usize) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = seen.clone();
    let server = HttpServer::new(move || {
        let state = state.clone();
        App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
            let state = state.clone();
            async move {
                let mut seen = state.lock().unwrap();
                let headers = req
                    .headers()
                    .iter()
                    .map(|(k, v)| {
                        (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned())
                    })
                    .collect();
                let status =
                    if req.path() == "/fail" || seen.len() < fail_first { 500 } else { 204 };
                seen.push((headers, String::from_utf8_lossy(&body).into_owned(), status));
                HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
            }
        }))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    (base, seen)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default()
}

/// Verifies a Standard Webhooks signature the way a receiver does.
fn verifies(secret: &str, headers: &[(String, String)], body: &str) -> bool {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let signed = format!(
        "{}.{}.{body}",
        header(headers, "webhook-id"),
        header(headers, "webhook-timestamp")
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(signed.as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    header(headers, "webhook-signature").split(' ').any(|s| s == expected)
}

async fn subscribe(app: &TestApp, admin: &str, url: &str, types: Value) -> (String, String) {
    let created =
        app.create("/api/v1/webhooks", admin, json!({"url": url, "event_types": types})).await;
    (id(&created["webhook"]), created["secret"].as_str().unwrap().to_owned())
}

/// A complaint's message reaches a real receiver that fails three times: the fourth attempt,
/// after the retry delays, is taken; every attempt carries the same `Webhook-Id` and a signature
/// that verifies with the secret shown once; the receiver takes it exactly once; the delivery
/// log says so; a manual redelivery posts it again under the same id. A subscription to other
/// types gets nothing.
async fn a_webhook_is_signed_retried_until_taken_and_logged(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.jobs.allow_private = true).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (base, seen) = receiver(3).await;
    let (hook, secret) =
        subscribe(&app, &admin, &format!("{base}/ok"), json!(["complaint.created"])).await;
    assert!(secret.starts_with("whsec_"));
    let (other, _) =
        subscribe(&app, &admin, &format!("{base}/other"), json!(["disbursement.paid"])).await;
    let shown: Value =
        app.get(&format!("/api/v1/webhooks/{hook}"), &admin).await.json().await.unwrap();
    assert!(shown.get("secret").is_none(), "the secret is shown once: {shown}");

    let (_, cs) = app.user_with(&admin, "cs", &[("cs_manager", "group", None)]).await;
    let complaint = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "visit",
        "project_id": o.projects[0], "customer_id": o.customers[0], "description": "漏水"}),
    )
    .await;
    for _ in 0..4 {
        round(&app, &jobs()).await;
        app.clock.advance(TimeDelta::seconds(12));
    }
    for _ in 0..3 {
        round(&app, &jobs()).await;
        app.clock.advance(TimeDelta::seconds(12));
    }
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 4, "three failures, then taken, then nothing more");
    let statuses: Vec<u16> = got.iter().map(|s| s.2).collect();
    assert_eq!(statuses, [500, 500, 500, 204]);
    let ids: Vec<&str> = got.iter().map(|(h, _, _)| header(h, "webhook-id")).collect();
    assert!(ids.iter().all(|i| *i == ids[0] && !i.is_empty()), "{ids:?}");
    for (headers, body, _) in &got {
        assert!(verifies(&secret, headers, body), "signature: {headers:?}");
        assert!(header(headers, "webhook-timestamp").parse::<i64>().is_ok());
        let message: Value = serde_json::from_str(body).unwrap();
        assert_eq!(message["type"], "complaint.created");
        assert_eq!(message["data"]["subject"], json!({"type": "complaint", "id": id(&complaint)}));
        assert_eq!(message["data"]["project_id"], json!(o.projects[0]));
    }
    let log: Value =
        app.get(&format!("/api/v1/webhooks/{hook}/deliveries"), &admin).await.json().await.unwrap();
    let delivered: Vec<&Value> = log["items"].as_array().unwrap().iter().collect();
    assert_eq!(delivered.len(), 1, "{log}");
    assert_eq!(
        (&delivered[0]["state"], &delivered[0]["attempts"]),
        (&json!("delivered"), &json!(4))
    );
    assert_eq!((&delivered[0]["id"], &delivered[0]["last_status"]), (&json!(ids[0]), &json!(204)));
    let nothing: Value = app
        .get(&format!("/api/v1/webhooks/{other}/deliveries"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(nothing["items"], json!([]));

    let again = app
        .post(
            &format!("/api/v1/webhooks/{hook}/deliveries/{}/redeliver", ids[0]),
            &admin,
            &json!({}),
        )
        .await;
    assert_eq!(again.status(), 202);
    round(&app, &jobs()).await;
    let again = seen.lock().unwrap().clone();
    assert_eq!(again.len(), 5, "redelivered once");
    assert_eq!(header(&again[4].0, "webhook-id"), ids[0]);
    assert!(verifies(&secret, &again[4].0, &again[4].1));
}

/// A receiver that never takes a message: after the schedule's last retry the delivery fails,
/// the subscription is disabled with its reason, and the admins are told in their inbox; a
/// disabled subscription cannot be redelivered until it is enabled again.
async fn a_webhook_whose_retries_run_out_is_disabled_with_a_notification(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.jobs.allow_private = true).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (base, seen) = receiver(0).await;
    let (hook, _) = subscribe(&app, &admin, &format!("{base}/fail"), json!([])).await;
    let (_, cs) = app.user_with(&admin, "cs", &[("cs_manager", "group", None)]).await;
    receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "visit",
        "project_id": o.projects[0], "customer_id": o.customers[0], "description": "漏水"}),
    )
    .await;
    for _ in 0..6 {
        round(&app, &jobs()).await;
        app.clock.advance(TimeDelta::seconds(12));
    }
    assert_eq!(seen.lock().unwrap().len(), 4, "one attempt and three retries");
    let shown: Value =
        app.get(&format!("/api/v1/webhooks/{hook}"), &admin).await.json().await.unwrap();
    assert_eq!(shown["enabled"], false, "{shown}");
    assert!(shown["disabled_reason"].as_str().unwrap().contains("4 attempts"), "{shown}");
    let log: Value =
        app.get(&format!("/api/v1/webhooks/{hook}/deliveries"), &admin).await.json().await.unwrap();
    let failed = &log["items"][0];
    assert_eq!((&failed["state"], &failed["attempts"]), (&json!("failed"), &json!(4)));
    let told = inbox(&app, &admin, "").await;
    assert!(
        told.iter().any(|n| n["kind"] == "webhook_disabled" && n["subject_id"] == json!(hook)),
        "{told:?}"
    );
    let res = app
        .post(
            &format!("/api/v1/webhooks/{hook}/deliveries/{}/redeliver", id(failed)),
            &admin,
            &json!({}),
        )
        .await;
    assert_problem(res, 409, "conflict").await;
}

/// OWASP API7: a URL to a loopback, link-local or private address is refused unless the
/// operator allows it; unknown event types and foreign projects are 422 naming the field; only
/// administrators keep webhooks; a change needs `If-Match`; a deleted subscription is gone.
async fn webhook_subscriptions_are_checked_and_kept_by_admins(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://169.254.169.254/latest",
        "http://[::1]/",
        "http://localhost/x",
        "ftp://crm.example.com/",
    ] {
        let res = app.post("/api/v1/webhooks", &admin, &json!({"url": url})).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
    }
    let res = app
        .post(
            "/api/v1/webhooks",
            &admin,
            &json!({"url": "https://crm.example.com/h", "event_types": ["complaint.eaten"]}),
        )
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "event_types");
    let res = app
        .post(
            "/api/v1/webhooks",
            &admin,
            &json!({"url": "https://crm.example.com/h", "project_id": "nope"}),
        )
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "project_id");
    let (_, spec) = app.user_with(&admin, "spec", &[("cs_manager", "group", None)]).await;
    assert_problem(
        app.post("/api/v1/webhooks", &spec, &json!({"url": "https://crm.example.com/h"})).await,
        403,
        "forbidden",
    )
    .await;
    let created = app
        .create(
            "/api/v1/webhooks",
            &admin,
            json!({"url": "https://crm.example.com/h", "project_id": o.projects[0]}),
        )
        .await;
    let hook = id(&created["webhook"]);
    assert_problem(app.get(&format!("/api/v1/webhooks/{hook}"), &spec).await, 403, "forbidden")
        .await;
    let res =
        app.patch(&format!("/api/v1/webhooks/{hook}"), &admin, 7, &json!({"enabled": false})).await;
    assert_problem(res, 412, "stale_version").await;
    let res = app
        .patch(
            &format!("/api/v1/webhooks/{hook}"),
            &admin,
            1,
            &json!({"enabled": false, "project_id": null}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(
        (&changed["enabled"], &changed["project_id"], &changed["version"]),
        (&json!(false), &Value::Null, &json!(2))
    );
    let res =
        app.call(reqwest::Method::DELETE, &format!("/api/v1/webhooks/{hook}"), &admin, None).await;
    assert_eq!(res.status(), 204);
    assert_problem(app.get(&format!("/api/v1/webhooks/{hook}"), &admin).await, 404, "not_found")
        .await;
}

/// R-T-9: progress is fed back to the customer every 3 working days. A late feedback breaches
/// and escalates once; reporting progress starts the next period, which warns and breaches
/// again on its own (the clock re-arms), each period once.
async fn r_t_9_a_recurring_clock_re_arms_after_each_report(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (_, cs) = app.user_with(&admin, "cs", &[("cs_manager", "group", None)]).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "visit",
        "project_id": o.projects[0], "customer_id": o.customers[0], "description": "漏水"}),
    )
    .await;
    let progress_breaches = |items: &[Value]| {
        items
            .iter()
            .filter(|n| {
                n["kind"] == "clock_breached" && n["payload"]["clock"] == "progress_feedback"
            })
            .count()
    };
    // Received Wednesday 30 September 17:00: 3 WD later is Sunday 11 October 17:00 (National
    // Day off, Saturday 10 October worked); on Monday 12 October it is breached.
    app.clock.set(at("2026-10-12T10:00:00+08:00"));
    round(&app, &jobs()).await;
    round(&app, &jobs()).await;
    let [cs] = signed_in(&app, ["cs"]).await;
    assert_eq!(progress_breaches(&inbox(&app, &cs, "").await), 1);
    let current: Value =
        app.get(&format!("/api/v1/complaints/{}", id(&c)), &cs).await.json().await.unwrap();
    let res = app
        .http
        .post(app.url(&format!("/api/v1/complaints/{}/transitions", id(&c))))
        .bearer_auth(&cs)
        .header("if-match", format!("\"{}\"", current["version"]))
        .json(&json!({"action": "report_progress", "message": "维修队已进场"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // The next period runs 3 WD from the report: nothing until then, then one more breach.
    round(&app, &jobs()).await;
    assert_eq!(progress_breaches(&inbox(&app, &cs, "").await), 1);
    app.clock.set(at("2026-10-16T10:00:00+08:00"));
    round(&app, &jobs()).await;
    round(&app, &jobs()).await;
    let [cs] = signed_in(&app, ["cs"]).await;
    assert_eq!(progress_breaches(&inbox(&app, &cs, "").await), 2);
}

/// An overdue work order (R-T-7: the department's reply is late) reminds its department's
/// coordinator and head, and nobody of the other department; the complaint's timeline says so.
async fn an_overdue_work_order_reminds_its_departments_coordinator_and_head(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (d1, d2) = (o.departments[0].as_str(), o.departments[1].as_str());
    let (_, cs) = app.user_with(&admin, "cs", &[("cs_manager", "group", None)]).await;
    app.user_with(&admin, "coord.d1", &[("dept_coordinator", "department", Some(d1))]).await;
    app.user_with(&admin, "head.d1", &[("dept_head", "department", Some(d1))]).await;
    app.user_with(&admin, "coord.d2", &[("dept_coordinator", "department", Some(d2))]).await;
    let c = receive(
        &app,
        &cs,
        json!({"kind": "complaint", "channel": "visit",
        "project_id": o.projects[0], "customer_id": o.customers[0], "description": "外墙渗水"}),
    )
    .await;
    let order = app
        .create(&format!("/api/v1/complaints/{}/work-orders", id(&c)), &cs,
            json!({"department_id": d1, "request": "请核实渗水原因", "site_survey": false, "complex": false}))
        .await;
    app.clock.set(at("2026-10-20T10:00:00+08:00"));
    round(&app, &jobs()).await;
    let [coord1, head1, coord2, cs] =
        signed_in(&app, ["coord.d1", "head.d1", "coord.d2", "cs"]).await;
    for keeper in [&coord1, &head1] {
        let got = inbox(&app, keeper, "").await;
        let overdue: Vec<&Value> = got
            .iter()
            .filter(|n| n["kind"] == "work_order_overdue" && n["subject_id"] == json!(id(&order)))
            .collect();
        assert!(!overdue.is_empty(), "{got:?}");
        assert_eq!(overdue[0]["payload"]["complaint_id"], json!(id(&c)));
    }
    assert!(inbox(&app, &coord2, "").await.is_empty(), "the other department hears nothing");
    let events: Value = app
        .get(&format!("/api/v1/complaints/{}/events?limit=200", id(&c)), &cs)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "work_order" && e["action"] == "overdue"),
        "{events}"
    );
}

/// What the SMTP stand-in received: each message's DATA.
type Mails = Arc<Mutex<Vec<String>>>;

/// A small SMTP server on a free local port that takes every message (no TLS, no auth).
async fn smtp_stand_in() -> (u16, Mails) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got: Mails = Arc::default();
    let sink = got.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let sink = sink.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 stand-in ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            sink.lock().unwrap().push(data.take().unwrap());
                            write.write_all(b"250 OK\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-stand-in\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 OK\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, got)
}

/// With an SMTP server configured, each notification of a user who has an e-mail address is
/// mailed to him once; a user without one gets none; a bad address is refused at the edge.
async fn notifications_are_mailed_once_to_users_with_an_address(backend: Backend) {
    let (port, mails) = smtp_stand_in().await;
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            &json!({"username": "bad.mail", "display_name": "x",
            "password": "bad.mail-password", "email": "not an address"}),
        )
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "email", "{problem}");
    let spec = app
        .create(
            "/api/v1/users",
            &admin,
            json!({"username": "spec", "display_name": "王芳",
            "password": "spec-password", "email": "wang.fang@example.com"}),
        )
        .await;
    assert_eq!(spec["email"], "wang.fang@example.com");
    for (role, user) in [("cs_specialist", id(&spec))] {
        app.create(
            "/api/v1/grants",
            &admin,
            json!({"principal_kind": "user", "principal_id": user,
            "role": role, "scope_kind": "project", "scope_id": o.projects[0]}),
        )
        .await;
    }
    let (_, manager) =
        app.user_with(&admin, "mgr", &[("cs_manager", "project", Some(&o.projects[0]))]).await;
    let [spec_token] = signed_in(&app, ["spec"]).await;
    receive(
        &app,
        &spec_token,
        json!({"kind": "complaint", "channel": "visit",
        "project_id": o.projects[0], "customer_id": o.customers[0], "description": "漏水"}),
    )
    .await;
    drop(manager);
    app.clock.set(at("2026-12-01T10:00:00+08:00"));
    let mut settings = jobs();
    settings.smtp = Some(SmtpSettings {
        url: Secret::new(format!("smtp://127.0.0.1:{port}")),
        from: "客服中心 <kefu@example.com>".into(),
    });
    let first = round(&app, &settings).await;
    let again = round(&app, &settings).await;
    let [spec_token, mgr_token] = signed_in(&app, ["spec", "mgr"]).await;
    let notes = inbox(&app, &spec_token, "").await;
    assert!(!notes.is_empty() && !inbox(&app, &mgr_token, "").await.is_empty());
    let mails = mails.lock().unwrap().clone();
    assert_eq!(mails.len(), notes.len(), "one mail per notification of the user with an address");
    assert_eq!((first.mailed, again.mailed), (notes.len(), 0), "once");
    for mail in &mails {
        assert!(mail.contains("wang.fang@example.com"), "{mail}");
        assert!(mail.contains("kefu@example.com"), "{mail}");
    }
}
