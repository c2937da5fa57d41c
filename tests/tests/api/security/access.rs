//! The access matrix (issue 3, acceptance 2): for every resource, what each grant sees and may
//! do. Out of scope is 404 (never 403, never in a list); a role without the permission is 403.

use kefu_tests::{
    Backend, TestApp,
    api::ids,
    assert_problem, both_backends,
    org::{Org, org},
    spawn_app,
};
use serde_json::{Value, json};

both_backends! {
    a_project_grant_sees_its_project_only => a_project_grant_sees_its_project_only;
    a_company_grant_covers_the_company_s_projects => a_company_grant_covers_the_company_s_projects;
    an_admin_of_another_group_gets_404_for_every_resource => an_admin_of_another_group_gets_404_for_every_resource;
}

/// The collection of each kind of record, and the fixture's ids of that kind.
fn kinds(o: &Org) -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("/api/v1/org/companies", vec![o.c1.clone(), o.c2.clone()]),
        ("/api/v1/org/projects", o.projects.to_vec()),
        ("/api/v1/org/buildings", o.buildings.to_vec()),
        ("/api/v1/org/units", o.units.to_vec()),
        ("/api/v1/org/departments", o.departments.to_vec()),
        ("/api/v1/customers", o.customers.to_vec()),
    ]
}

/// Asserts that `token` sees exactly `visible` of `all` in `collection`: 200 for each visible
/// record, 404 problem for the others, and the list holds the visible ones only.
async fn sees(app: &TestApp, token: &str, collection: &str, all: &[String], visible: &[&String]) {
    for record in all {
        let res = app.get(&format!("{collection}/{record}"), token).await;
        if visible.contains(&record) {
            assert_eq!(res.status(), 200, "{collection}/{record} should be visible");
        } else {
            let body = assert_problem(res, 404, "not_found").await;
            assert!(!body.to_string().contains(record.as_str()), "no leak in the problem");
        }
    }
    let page: Value =
        app.get(&format!("{collection}?limit=200"), token).await.json().await.unwrap();
    let mut listed = ids(&page);
    listed.sort();
    let mut expected: Vec<String> = visible.iter().map(|s| (*s).clone()).collect();
    expected.sort();
    assert_eq!(listed, expected, "list of {collection}");
}

async fn a_project_grant_sees_its_project_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let [a, b, _] = &o.projects;
    let (_, spec) = app.user_with(&admin, "spec.a", &[("cs_specialist", "project", Some(a))]).await;
    let k = kinds(&o);
    sees(&app, &spec, k[0].0, &k[0].1, &[]).await;
    sees(&app, &spec, k[1].0, &k[1].1, &[a]).await;
    sees(&app, &spec, k[2].0, &k[2].1, &[&o.buildings[0]]).await;
    sees(&app, &spec, k[3].0, &k[3].1, &[&o.units[0]]).await;
    sees(&app, &spec, k[4].0, &k[4].1, &[]).await;
    sees(&app, &spec, k[5].0, &k[5].1, &[&o.customers[0]]).await;
    // Filters never widen the reach.
    let page: Value =
        app.get(&format!("/api/v1/customers?project_id={b}"), &spec).await.json().await.unwrap();
    assert!(ids(&page).is_empty());

    // A role without the permission: 403, whatever the record.
    let res =
        app.post("/api/v1/org/buildings", &spec, &json!({"project_id": a, "name": "2号楼"})).await;
    assert_problem(res, 403, "forbidden").await;
    for path in ["/api/v1/users", "/api/v1/grants", "/api/v1/integration-clients", "/api/v1/groups"]
    {
        assert_problem(app.get(path, &spec).await, 403, "forbidden").await;
    }

    // A writer of project A: project B's records are 404 for writes too; A's are his to change.
    let (_, sales) = app.user_with(&admin, "sales.a", &[("sales_staff", "project", Some(a))]).await;
    let res = app
        .patch(&format!("/api/v1/customers/{}", o.customers[1]), &sales, 1, &json!({"name": "x"}))
        .await;
    assert_problem(res, 404, "not_found").await;
    let res = app
        .patch(
            &format!("/api/v1/customers/{}", o.customers[0]),
            &sales,
            1,
            &json!({"name": "业主甲"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app.post("/api/v1/customers", &sales, &json!({"name": "新业主", "phones": ["13900001111"], "units": [{"unit_id": o.units[1]}]})).await;
    assert_problem(res, 404, "not_found").await;
    let created = app.create("/api/v1/customers", &sales, json!({"name": "新业主", "phones": ["13900001111"], "units": [{"unit_id": o.units[0]}]})).await;
    assert_eq!(created["units"][0]["project_id"], a.as_str());
    // Without units only a group-wide writer may create (nobody narrower could see it).
    let res = app
        .post(
            "/api/v1/customers",
            &sales,
            &json!({"name": "无房", "phones": ["13900001111"], "units": []}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
}

async fn a_company_grant_covers_the_company_s_projects(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (_, auditor) =
        app.user_with(&admin, "audit.c1", &[("auditor", "company", Some(&o.c1))]).await;
    let k = kinds(&o);
    let [pa, pb, _] = &o.projects;
    sees(&app, &auditor, k[0].0, &k[0].1, &[&o.c1]).await;
    sees(&app, &auditor, k[1].0, &k[1].1, &[pa, pb]).await;
    sees(&app, &auditor, k[2].0, &k[2].1, &[&o.buildings[0], &o.buildings[1]]).await;
    sees(&app, &auditor, k[3].0, &k[3].1, &[&o.units[0], &o.units[1]]).await;
    sees(&app, &auditor, k[4].0, &k[4].1, &[&o.departments[0]]).await;
    sees(&app, &auditor, k[5].0, &k[5].1, &[&o.customers[0], &o.customers[1]]).await;
    // Read-only: the auditor changes nothing, not even in his company.
    let res = app
        .patch(&format!("/api/v1/org/projects/{pa}"), &auditor, 1, &json!({"city": "太原"}))
        .await;
    assert_problem(res, 403, "forbidden").await;
    assert_problem(
        app.get(&format!("/api/v1/customers/{}/phones", o.customers[0]), &auditor).await,
        403,
        "forbidden",
    )
    .await;

    // A department grant reaches its department, whichever projects it works on, and no project.
    let (_, coordinator) = app
        .user_with(
            &admin,
            "coord.d1",
            &[("dept_coordinator", "department", Some(&o.departments[0]))],
        )
        .await;
    sees(&app, &coordinator, k[4].0, &k[4].1, &[&o.departments[0]]).await;
    sees(&app, &coordinator, k[1].0, &k[1].1, &[]).await;
    assert_problem(app.get("/api/v1/customers", &coordinator).await, 403, "forbidden").await;

    // Grants add up: a second grant at project X widens the reach to X.
    let (_, both) = app
        .user_with(
            &admin,
            "two.grants",
            &[
                ("auditor", "company", Some(&o.c1)),
                ("cs_specialist", "project", Some(&o.projects[2])),
            ],
        )
        .await;
    sees(&app, &both, k[1].0, &k[1].1, &[pa, pb, &o.projects[2]]).await;
}

async fn an_admin_of_another_group_gets_404_for_every_resource(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let client = app.create("/api/v1/integration-clients", &admin, json!({"name": "crm"})).await;
    let user = app
        .create(
            "/api/v1/users",
            &admin,
            json!({"username": "a.staff", "display_name": "A", "password": "a-staff-password"}),
        )
        .await;
    app.create(
        "/api/v1/groups",
        &admin,
        json!({"code": "other", "name": "另一集团",
        "admin": {"username": "other.admin", "display_name": "B", "password": "other-password"}}),
    )
    .await;
    let b: Value = app.login("other.admin", "other-password").await.json().await.unwrap();
    let b = b["access_token"].as_str().unwrap().to_owned();
    let mut everything = kinds(&o);
    everything.push(("/api/v1/integration-clients", vec![kefu_tests::api::id(&client["client"])]));
    everything.push(("/api/v1/users", vec![kefu_tests::api::id(&user)]));
    let grants: Value = app.get("/api/v1/grants", &admin).await.json().await.unwrap();
    everything.push(("/api/v1/grants", ids(&grants)));
    for (collection, records) in &everything {
        for record in records {
            let res = app.get(&format!("{collection}/{record}"), &b).await;
            assert_problem(res, 404, "not_found").await;
            if !collection.ends_with("grants") {
                let res = app.patch(&format!("{collection}/{record}"), &b, 1, &json!({})).await;
                assert_problem(res, 404, "not_found").await;
            }
        }
        let page: Value =
            app.get(&format!("{collection}?limit=200"), &b).await.json().await.unwrap();
        assert!(
            ids(&page).iter().all(|i| !records.contains(i)),
            "{collection} leaks into group B's list"
        );
    }
    let res =
        app.post("/api/v1/org/projects", &b, &json!({"company_id": o.c1, "name": "偷"})).await;
    assert_problem(res, 404, "not_found").await;
}
