//! The audit trail: every event of a person or a client names the request it came from
//! (issue 7, acceptance 2), and admins and auditors read it within their group and reach.

use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use serde_json::{Value, json};

both_backends! {
    every_event_of_a_request_names_it => every_event_of_a_request_names_it;
    the_trail_is_read_within_group_and_reach => the_trail_is_read_within_group_and_reach;
}

/// Every event in the database: (actor kind, request id, action).
async fn all_events(app: &TestApp) -> Vec<(String, Option<String>, String)> {
    use diesel::{
        QueryableByName, RunQueryDsl,
        sql_types::{Nullable, Text},
    };
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        actor_kind: String,
        #[diesel(sql_type = Nullable<Text>)]
        request_id: Option<String>,
        #[diesel(sql_type = Text)]
        action: String,
    }
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        diesel::sql_query("SELECT actor_kind, request_id, action FROM audit_events")
            .load::<Row>(db.conn().unwrap().raw())
            .unwrap()
            .into_iter()
            .map(|r| (r.actor_kind, r.request_id, r.action))
            .collect()
    })
    .await
    .unwrap()
}

async fn every_event_of_a_request_names_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let tokens = app.admin_tokens().await;
    let admin = tokens["access_token"].as_str().unwrap().to_owned();
    // A day's work through the API: the organisation, customers, users and their grants, a
    // client and its token, a tenant, calendars and the policy, phones read, sign-outs.
    let o = org(&app, &admin).await;
    let (user, _) =
        app.user_with(&admin, "wang", &[("cs_specialist", "project", Some(&o.projects[0]))]).await;
    app.patch(&format!("/api/v1/users/{user}"), &admin, 1, &json!({"disabled": true})).await;
    let client = app.create("/api/v1/integration-clients", &admin, json!({"name": "crm"})).await;
    let secret = client["client_secret"].as_str().unwrap();
    let res = app
        .http
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"grant_type": "client_credentials", "client_id": id(&client["client"]), "client_secret": secret}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    app.create(
        "/api/v1/groups",
        &admin,
        json!({"code": "jinyu", "name": "晋愉集团",
            "admin": {"username": "jinyu.admin", "display_name": "管理员", "password": "jinyu-password"}}),
    )
    .await;
    let calendar = app.create("/api/v1/calendars", &admin, json!({"name": "物业前台"})).await;
    app.http
        .put(app.url(&format!("/api/v1/calendars/{}", id(&calendar))))
        .bearer_auth(&admin)
        .header("if-match", "\"1\"")
        .json(&json!({"name": "物业前台 7×24", "time_zone": "Asia/Shanghai", "standard_day_minutes": 450,
            "week": {"monday": "09:00-17:00", "tuesday": "", "wednesday": "", "thursday": "",
                "friday": "", "saturday": "", "sunday": ""}}))
        .send()
        .await
        .unwrap();
    app.get(&format!("/api/v1/customers/{}/phones", o.customers[0]), &admin).await;
    app.http
        .post(app.url("/api/v1/auth/logout"))
        .json(&json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .unwrap();

    let events = all_events(&app).await;
    let from_requests: Vec<_> = events.iter().filter(|(kind, _, _)| kind != "system").collect();
    assert!(from_requests.len() > 20, "{events:?}");
    let unnamed: Vec<_> = from_requests
        .iter()
        .filter(|(_, request, _)| request.as_deref().is_none_or(str::is_empty))
        .collect();
    assert!(unnamed.is_empty(), "events of people and clients without their request: {unnamed:?}");
    for action in [
        "auth.login",
        "auth.client_token",
        "auth.logout",
        "customer.phones_read",
        "calendar.updated",
    ] {
        assert!(from_requests.iter().any(|(_, _, a)| a == action), "{action} is on the trail");
    }
}

async fn the_trail_is_read_within_group_and_reach(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let [a, b, _] = &o.projects;
    app.patch(&format!("/api/v1/org/projects/{a}"), &admin, 1, &json!({"city": "太原"})).await;
    app.patch(&format!("/api/v1/org/projects/{b}"), &admin, 1, &json!({"city": "大同"})).await;

    // The group's administrator reads everything of his group, paged, with a total.
    let page: Value = app
        .get("/api/v1/audit-events?subject_type=project&count=true&limit=2", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 5, "three created, two changed: {page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["next_cursor"].is_string());
    let event = &page["items"][0];
    assert_eq!(event["action"], "project.created");
    assert!(event["request_id"].is_string() && event["at"].as_str().unwrap().ends_with("+08:00"));

    // An auditor of project A reads A's events only, and no group-level ones (users, grants).
    let (_, auditor) = app.user_with(&admin, "audit.a", &[("auditor", "project", Some(a))]).await;
    let page: Value =
        app.get("/api/v1/audit-events?limit=200", &auditor).await.json().await.unwrap();
    let subjects: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject_id"].as_str().unwrap_or(""))
        .collect();
    assert!(subjects.iter().all(|s| *s != b.as_str()), "{page}");
    let about_a: Vec<&Value> =
        page["items"].as_array().unwrap().iter().filter(|e| e["subject_id"] == json!(a)).collect();
    assert_eq!(about_a.len(), 2, "created and changed");
    assert!(page["items"].as_array().unwrap().iter().all(|e| e["subject_type"] != "user"));
    let filtered: Value = app
        .get(&format!("/api/v1/audit-events?subject_id={b}"), &auditor)
        .await
        .json()
        .await
        .unwrap();
    assert!(filtered["items"].as_array().unwrap().is_empty(), "filters never widen the reach");

    // Roles without the permission: 403; another group's admin sees nothing of this group.
    let (_, staff) = app.user_with(&admin, "staff", &[("cs_specialist", "group", None)]).await;
    assert_problem(app.get("/api/v1/audit-events", &staff).await, 403, "forbidden").await;
    app.create(
        "/api/v1/groups",
        &admin,
        json!({"code": "other", "name": "Other",
            "admin": {"username": "other.admin", "display_name": "Other", "password": "other-password"}}),
    )
    .await;
    let other = app.login("other.admin", "other-password").await.json::<Value>().await.unwrap();
    let other = other["access_token"].as_str().unwrap();
    let page: Value = app.get("/api/v1/audit-events?limit=200", other).await.json().await.unwrap();
    assert!(
        page["items"].as_array().unwrap().iter().all(|e| e["subject_id"] != json!(a)),
        "no event of another group"
    );
    let bad = app.get("/api/v1/audit-events?from=yesterday", &admin).await;
    assert_problem(bad, 422, "validation_failed").await;
}
