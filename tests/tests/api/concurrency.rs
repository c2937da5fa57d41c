//! No lost updates (issue 7, acceptance 1): for every versioned resource, 20 concurrent
//! changes sent with the same `If-Match` — exactly one wins (200), the others are told the
//! version moved (412), nobody sees a 500 (on SQLite: no "database is locked"), and the audit
//! trail holds exactly one change.

use futures_util::future::join_all;
use kefu_persistence::audit;
use kefu_tests::{Backend, TestApp, api::id, both_backends, org::org, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

both_backends! {
    twenty_writers_of_one_version_one_wins => twenty_writers_of_one_version_one_wins;
}

const WRITERS: usize = 20;

/// One versioned resource: how to change it, and the audit event a change leaves.
struct Case {
    method: Method,
    path: String,
    body: fn(usize) -> Value,
    subject: (&'static str, String),
    action: &'static str,
}

/// Sends `WRITERS` changes at once, each with `If-Match: "version"`; the statuses.
async fn race(app: &TestApp, token: &str, case: &Case, version: i64) -> Vec<u16> {
    let requests = (0..WRITERS).map(|n| {
        app.http
            .request(case.method.clone(), app.url(&case.path))
            .bearer_auth(token)
            .header("if-match", format!("\"{version}\""))
            .json(&(case.body)(n))
            .send()
    });
    join_all(requests).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect()
}

async fn changes_recorded(
    app: &TestApp,
    (kind, id): &(&'static str, String),
    action: &str,
) -> usize {
    let (db, kind, id, action) = (app.db.clone(), *kind, id.clone(), action.to_owned());
    tokio::task::spawn_blocking(move || {
        audit::for_subject(&mut db.conn().unwrap(), kind, &id)
            .unwrap()
            .into_iter()
            .filter(|e| e.action == action)
            .count()
    })
    .await
    .unwrap()
}

fn patch(path: String, body: fn(usize) -> Value, subject: (&'static str, String)) -> Case {
    let action = match subject.0 {
        "company" => "company.updated",
        "project" => "project.updated",
        "building" => "building.updated",
        "unit" => "unit.updated",
        "department" => "department.updated",
        "customer" => "customer.updated",
        "user" => "user.updated",
        "group" => "group.updated",
        "contractor" => "contractor.updated",
        "webhook" => "webhook.updated",
        _ => "client.updated",
    };
    Case { method: Method::PATCH, path, body, subject, action }
}

async fn twenty_writers_of_one_version_one_wins(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (user, _) = app.user_with(&admin, "li.lei", &[]).await;
    let client = app.create("/api/v1/integration-clients", &admin, json!({"name": "crm"})).await;
    let client = id(&client["client"]);
    let group = app
        .create(
            "/api/v1/groups",
            &admin,
            json!({"code": "jinyu", "name": "晋愉集团",
                "admin": {"username": "jinyu.admin", "display_name": "管理员", "password": "jinyu-password"}}),
        )
        .await;
    let calendar = app
        .create(
            "/api/v1/calendars",
            &admin,
            json!({"name": "物业前台", "standard_day_minutes": 480}),
        )
        .await;
    let contractor =
        id(&app.create("/api/v1/contractors", &admin, json!({"name": "晋愉建设"})).await);
    let webhook =
        app.create("/api/v1/webhooks", &admin, json!({"url": "https://crm.example.com/h"}));
    let webhook = id(&webhook.await["webhook"]);
    let me: Value = app.get("/api/v1/me", &admin).await.json().await.unwrap();
    let my_group = me["group_id"].as_str().unwrap().to_owned();
    let policy: Value = app.get("/api/v1/policies/sla", &admin).await.json().await.unwrap();

    let named = |n: usize| json!({"name": format!("名称 {n}")});
    let mut cases = vec![
        patch(format!("/api/v1/org/companies/{}", o.c1), named, ("company", o.c1.clone())),
        patch(
            format!("/api/v1/org/projects/{}", o.projects[0]),
            named,
            ("project", o.projects[0].clone()),
        ),
        patch(
            format!("/api/v1/org/buildings/{}", o.buildings[0]),
            named,
            ("building", o.buildings[0].clone()),
        ),
        patch(
            format!("/api/v1/org/units/{}", o.units[0]),
            |n| json!({"floor": format!("{n}")}),
            ("unit", o.units[0].clone()),
        ),
        patch(
            format!("/api/v1/org/departments/{}", o.departments[0]),
            named,
            ("department", o.departments[0].clone()),
        ),
        patch(
            format!("/api/v1/customers/{}", o.customers[0]),
            named,
            ("customer", o.customers[0].clone()),
        ),
        patch(
            format!("/api/v1/users/{user}"),
            |n| json!({"display_name": format!("李雷 {n}")}),
            ("user", user.clone()),
        ),
        patch(format!("/api/v1/integration-clients/{client}"), named, ("client", client.clone())),
        patch(format!("/api/v1/groups/{}", id(&group)), named, ("group", id(&group))),
        patch(
            format!("/api/v1/contractors/{contractor}"),
            named,
            ("contractor", contractor.clone()),
        ),
        patch(
            format!("/api/v1/webhooks/{webhook}"),
            |n| json!({"description": format!("CRM {n}")}),
            ("webhook", webhook.clone()),
        ),
    ];
    cases.push(Case {
        method: Method::PUT,
        path: format!("/api/v1/calendars/{}", id(&calendar)),
        body: |n| {
            json!({"name": format!("物业前台 {n}"), "time_zone": "Asia/Shanghai", "standard_day_minutes": 480,
                "week": {"monday": "09:00-17:00", "tuesday": "09:00-17:00", "wednesday": "09:00-17:00",
                    "thursday": "09:00-17:00", "friday": "09:00-17:00", "saturday": "", "sunday": ""}})
        },
        subject: ("calendar", id(&calendar)),
        action: "calendar.updated",
    });
    let clocks = policy["clocks"].clone();
    assert!(clocks.as_array().is_some_and(|c| !c.is_empty()));
    cases.push(Case {
        method: Method::PUT,
        path: "/api/v1/policies/sla".into(),
        body: |_| Value::Null,
        subject: ("sla_policy", my_group),
        action: "sla_policy.versioned",
    });

    for case in &cases {
        let version = 1;
        let statuses = if case.subject.0 == "sla_policy" {
            // The policy's body is the policy in force (the same clocks, a new version).
            let requests = (0..WRITERS).map(|_| {
                app.http
                    .put(app.url(&case.path))
                    .bearer_auth(&admin)
                    .header("if-match", format!("\"{version}\""))
                    .json(&json!({"clocks": clocks}))
                    .send()
            });
            join_all(requests).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect()
        } else {
            race(&app, &admin, case, version).await
        };
        let won = statuses.iter().filter(|s| **s == 200).count();
        let stale = statuses.iter().filter(|s| **s == 412).count();
        assert_eq!((won, stale), (1, WRITERS - 1), "{} {}: {statuses:?}", case.method, case.path);
        assert_eq!(changes_recorded(&app, &case.subject, case.action).await, 1, "{}", case.path);
        let res = app.get(&case.path, &admin).await;
        assert_eq!(res.headers()["etag"], "\"2\"", "{}: one version further", case.path);
    }

    // Surveys and improvement plans are changed by customer service, not the administrator.
    let (_, cs) = app.user_with(&admin, "cs.race", &[("cs_manager", "group", None)]).await;
    let survey = json!({"name": "调查", "company_id": o.c1, "project_ids": [o.projects[0]]});
    let survey = id(&app.create("/api/v1/surveys", &cs, survey).await);
    let plan = json!({"department_id": o.departments[0], "year": 2027,
        "items": [{"title": "整改", "owner_id": user, "due_on": "2027-06-30"}]});
    let plan = id(&app.create("/api/v1/improvement-plans", &cs, plan).await);
    let theirs = [
        Case {
            method: Method::PATCH,
            path: format!("/api/v1/surveys/{survey}"),
            body: named,
            subject: ("survey", survey.clone()),
            action: "survey.updated",
        },
        Case {
            method: Method::POST,
            path: format!("/api/v1/surveys/{survey}/transitions"),
            body: |_| json!({"action": "close_collection"}),
            subject: ("survey", survey.clone()),
            action: "survey.updated",
        },
    ];
    for (version, case) in [1, 2].into_iter().zip(&theirs) {
        let statuses = race(&app, &cs, case, version).await;
        let won = statuses.iter().filter(|s| **s == 200).count();
        let stale = statuses.iter().filter(|s| **s == 412).count();
        assert_eq!((won, stale), (1, WRITERS - 1), "{} {}: {statuses:?}", case.method, case.path);
        let changes = changes_recorded(&app, &case.subject, case.action).await;
        assert_eq!(changes, usize::try_from(version).unwrap(), "{}", case.path);
    }
    // A plan's items: the body names a user of the group, so the race is written out.
    let path = format!("/api/v1/improvement-plans/{plan}");
    let requests = (0..WRITERS).map(|n| {
        let items = json!({"items": [{"title": format!("整改 {n}"), "owner_id": user, "due_on": "2027-06-30"}]});
        app.http.patch(app.url(&path)).bearer_auth(&cs).header("if-match", "\"1\"").json(&items).send()
    });
    let statuses: Vec<u16> =
        join_all(requests).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    let won = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(won, 1, "PATCH {path}: {statuses:?}");
    assert!(statuses.iter().all(|s| [200, 412].contains(s)), "{statuses:?}");
    let subject = ("improvement_plan", plan.clone());
    assert_eq!(changes_recorded(&app, &subject, "improvement_plan.updated").await, 1);
    let read: Value = app.get(&path, &cs).await.json().await.unwrap();
    assert_eq!(read["items"].as_array().unwrap().len(), 1, "one writer's items, not several");

    // Work plans (R-RP-13) and cases (R-RP-4, R-RP-7): a plan's title, its submission, an
    // item's completion (the plan's ETag), a case's lessons.
    let work_plan = json!({"kind": "annual", "year": 2027, "department_id": o.departments[0],
        "title": "年度计划", "items": [{"title": "回访", "due_on": "2027-06-30"}]});
    let work_plan = app.create("/api/v1/work-plans", &cs, work_plan).await;
    let item = work_plan["items"][0]["id"].as_str().unwrap().to_owned();
    let work_plan = id(&work_plan);
    let case = json!({"title": "案例", "project_id": o.projects[0], "facts": "经过", "analysis": "",
        "measures": "", "lessons": ""});
    let case = id(&app.create("/api/v1/cases", &cs, case).await);
    let plan_path = format!("/api/v1/work-plans/{work_plan}");
    let ours = [
        (
            1,
            Case {
                method: Method::PATCH,
                path: plan_path.clone(),
                body: |n| json!({"title": format!("年度计划 {n}")}),
                subject: ("work_plan", work_plan.clone()),
                action: "work_plan.updated",
            },
        ),
        (
            2,
            Case {
                method: Method::POST,
                path: format!("{plan_path}/transitions"),
                body: |_| json!({"action": "submit"}),
                subject: ("work_plan", work_plan.clone()),
                action: "work_plan.updated",
            },
        ),
        (
            3,
            Case {
                method: Method::PATCH,
                path: format!("{plan_path}/items/{item}"),
                body: |n| json!({"done": true, "note": format!("完成 {n}")}),
                subject: ("work_plan", work_plan.clone()),
                action: "work_plan.updated",
            },
        ),
        (
            1,
            Case {
                method: Method::PATCH,
                path: format!("/api/v1/cases/{case}"),
                body: |n| json!({"lessons": format!("教训 {n}")}),
                subject: ("case", case.clone()),
                action: "case.updated",
            },
        ),
    ];
    for (version, case) in &ours {
        let statuses = race(&app, &cs, case, *version).await;
        let won = statuses.iter().filter(|s| **s == 200).count();
        let stale = statuses.iter().filter(|s| **s == 412).count();
        assert_eq!((won, stale), (1, WRITERS - 1), "{} {}: {statuses:?}", case.method, case.path);
        let changes = changes_recorded(&app, &case.subject, case.action).await;
        let expected =
            if case.subject.0 == "case" { 1 } else { usize::try_from(*version).unwrap() };
        assert_eq!(changes, expected, "{}", case.path);
    }
}
