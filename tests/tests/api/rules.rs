//! Tenant-owned rules (issue 7, acceptance 3): each group keeps its own SLA policy and
//! calendars; the shipped ones are templates the platform operator keeps, whose yearly holiday
//! schedules reach every group's calendar unless the group puts a year of its own.

use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, spawn_app};
use serde_json::{Value, json};

both_backends! {
    a_group_changes_its_own_rules_and_no_other_group_sees_them => a_group_changes_its_own_rules_and_no_other_group_sees_them;
}

/// A new group with its admin; the admin's token.
async fn tenant(app: &TestApp, platform: &str, code: &str) -> String {
    let password = format!("{code}-password");
    app.create(
        "/api/v1/groups",
        platform,
        json!({"code": code, "name": code, "admin": {"username": format!("{code}.admin"),
            "display_name": code, "password": password}}),
    )
    .await;
    let tokens: Value = app.login(&format!("{code}.admin"), &password).await.json().await.unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

/// The `after` of a clock of a policy.
fn limit(policy: &Value, clock: &str) -> Value {
    let clocks = policy["clocks"].as_array().unwrap();
    clocks.iter().find(|c| c["name"] == clock).unwrap()["due"]["after"].clone()
}

async fn default_calendar(app: &TestApp, token: &str) -> Value {
    let page: Value = app.get("/api/v1/calendars", token).await.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    items.iter().find(|c| c["is_default"] == true).unwrap().clone()
}

async fn put_year(
    app: &TestApp,
    token: &str,
    calendar: &str,
    csv: &'static str,
) -> reqwest::Response {
    app.http
        .put(app.url(&format!("/api/v1/calendars/{calendar}/years/2027")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
}

const NEW_YEAR: &str = "date,kind,name,blocks\n2027-01-01,holiday,元旦,\n";
const COMPANY_DAY: &str =
    "date,kind,name,blocks\n2027-01-01,holiday,元旦,\n2027-01-04,holiday,公司庆典,\n";

async fn a_group_changes_its_own_rules_and_no_other_group_sees_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let platform = app.admin_token().await;
    let a_admin = tenant(&app, &platform, "group-a").await;
    let b_admin = tenant(&app, &platform, "group-b").await;
    let (_, manager) = app.user_with(&a_admin, "a.manager", &[("cs_manager", "group", None)]).await;

    // Group A's customer-service manager shortens self-handling (R-T-3) to 3 WD.
    let policy: Value = app.get("/api/v1/policies/sla", &manager).await.json().await.unwrap();
    assert_eq!(
        (policy["version"].clone(), limit(&policy, "self_resolve")),
        (json!(1), json!("5WD"))
    );
    let mut changed = policy.clone();
    for clock in changed["clocks"].as_array_mut().unwrap() {
        if clock["name"] == "self_resolve" {
            clock["due"] = json!({"after": "3WD"});
        }
    }
    let res = app
        .http
        .put(app.url("/api/v1/policies/sla"))
        .bearer_auth(&manager)
        .header("if-match", "\"1\"")
        .json(&json!({"clocks": changed["clocks"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let a_policy: Value = res.json().await.unwrap();
    assert_eq!(
        (a_policy["version"].clone(), limit(&a_policy, "self_resolve")),
        (json!(2), json!("3WD"))
    );

    // A calendar of its own, and its own 2027 on its default calendar.
    let own = app.create("/api/v1/calendars", &manager, json!({"name": "A 物业前台"})).await;
    assert_eq!(own["group_id"], default_calendar(&app, &a_admin).await["group_id"]);
    let a_default = default_calendar(&app, &manager).await;
    assert!(a_default["group_id"].is_string() && a_default["base_calendar_id"].is_string());
    assert_eq!(
        put_year(&app, &manager, a_default["id"].as_str().unwrap(), COMPANY_DAY).await.status(),
        200
    );

    // Group B still has the defaults and never sees A's calendars.
    let b_policy: Value = app.get("/api/v1/policies/sla", &b_admin).await.json().await.unwrap();
    assert_eq!(
        (b_policy["version"].clone(), limit(&b_policy, "self_resolve")),
        (json!(1), json!("5WD"))
    );
    for calendar in [id(&own), id(&a_default)] {
        let res = app.get(&format!("/api/v1/calendars/{calendar}"), &b_admin).await;
        assert_problem(res, 404, "not_found").await;
        let res = app.get(&format!("/api/v1/calendars/{calendar}/due?start=2026-12-30T17:00:00%2B08:00&duration=1WD"), &b_admin).await;
        assert_problem(res, 404, "not_found").await;
        assert_problem(put_year(&app, &b_admin, &calendar, NEW_YEAR).await, 404, "not_found").await;
    }
    let b_list: Value = app.get("/api/v1/calendars", &b_admin).await.json().await.unwrap();
    assert!(b_list["items"].as_array().unwrap().iter().all(|c| c["id"] != json!(id(&own))));

    // Nobody but the platform changes the templates.
    let template = a_default["base_calendar_id"].as_str().unwrap().to_owned();
    assert_problem(put_year(&app, &manager, &template, NEW_YEAR).await, 403, "forbidden").await;
    let res = app
        .http
        .put(app.url("/api/v1/policies/sla?template=true"))
        .bearer_auth(&manager)
        .header("if-match", "\"1\"")
        .json(&json!({"clocks": policy["clocks"]}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "forbidden").await;

    // Next year's holidays, loaded once on the template, reach every group that has not put
    // that year itself: B inherits 2027, A keeps its own.
    assert_eq!(put_year(&app, &platform, &template, NEW_YEAR).await.status(), 200);
    let b_default = default_calendar(&app, &b_admin).await;
    let year =
        |c: &Value| c["years"].as_array().unwrap().iter().find(|y| y["year"] == 2027).cloned();
    assert_eq!(year(&b_default).unwrap()["inherited"], true);
    let a_default = default_calendar(&app, &manager).await;
    assert_eq!(year(&a_default).unwrap()["inherited"], false);
    let due = |token: String, calendar: String| {
        let app = &app;
        async move {
            let path = format!(
                "/api/v1/calendars/{calendar}/due?start=2026-12-31T17:00:00%2B08:00&duration=1WD"
            );
            let answer: Value = app.get(&path, &token).await.json().await.unwrap();
            answer["due"].clone()
        }
    };
    // Thu 31 Dec 17:00 + 1 WD: B skips New Year's Day (Mon 4 Jan 17:00); A also its own day off.
    assert_eq!(due(b_admin.clone(), id(&b_default)).await, "2027-01-04T17:00:00+08:00");
    assert_eq!(due(manager.clone(), id(&a_default)).await, "2027-01-05T17:00:00+08:00");
    // The template itself is every group's to read (its id is no secret), not to change.
    assert_eq!(app.get(&format!("/api/v1/calendars/{template}"), &b_admin).await.status(), 200);
}
