//! The access matrix (issue 3, acceptance 2): for every resource, what each grant sees and may
//! do. Out of scope is 404 (never 403, never in a list); a role without the permission is 403.

use kefu_tests::{
    Backend, TestApp,
    api::{id, ids},
    assert_problem, both_backends,
    org::{Org, org},
    spawn_app,
};
use serde_json::{Value, json};

both_backends! {
    a_project_grant_sees_its_project_only => a_project_grant_sees_its_project_only;
    a_company_grant_covers_the_company_s_projects => a_company_grant_covers_the_company_s_projects;
    an_admin_of_another_group_gets_404_for_every_resource => an_admin_of_another_group_gets_404_for_every_resource;
    a_project_user_never_reaches_another_projects_work_orders => a_project_user_never_reaches_another_projects_work_orders;
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

/// A complaint of project A (company 1) received by a group-wide customer-service manager
/// `cs` of `admin`'s group, and a work order about it sent to department 1: (complaint id,
/// work order id).
async fn complaint_with_order(app: &TestApp, cs: &str, o: &Org) -> (String, String) {
    let complaint = app
        .create(
            "/api/v1/complaints",
            cs,
            json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
                "customer_id": o.customers[0], "description": "外墙渗水"}),
        )
        .await;
    let order = app
        .create(
            &format!("/api/v1/complaints/{}/work-orders", id(&complaint)),
            cs,
            json!({"department_id": o.departments[0], "request": "请核实渗水原因"}),
        )
        .await;
    (id(&complaint), id(&order))
}

/// `POST /api/v1/work-orders/{order}/transitions` with `If-Match: *`.
async fn act_on_order(app: &TestApp, token: &str, order: &str, body: &Value) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/work-orders/{order}/transitions")))
        .bearer_auth(token)
        .header("if-match", "*")
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Asserts that `token`, who reaches no work order, neither reads, acts on nor lists `order`
/// (of `complaint`, sent to `department`): 404 problems without the id, and every list is
/// empty and counts nothing, whatever the filters say.
async fn never_reaches_order(app: &TestApp, token: &str, order: &str, of: (&str, &str)) {
    let (complaint, department) = of;
    let path = format!("/api/v1/work-orders/{order}");
    let body = assert_problem(app.get(&path, token).await, 404, "not_found").await;
    assert!(!body.to_string().contains(order), "no leak in the problem");
    for action in [
        json!({"action": "apologize", "means": "phone"}),
        json!({"action": "reply", "proposal": "越权回复"}),
        json!({"action": "close", "reason": "越权关闭"}),
    ] {
        let res = act_on_order(app, token, order, &action).await;
        let body = assert_problem(res, 404, "not_found").await;
        assert!(!body.to_string().contains(order), "no leak in the problem");
    }
    for filter in [
        "".to_owned(),
        format!("&complaint_id={complaint}"),
        format!("&department_id={department}"),
    ] {
        let page: Value = app
            .get(&format!("/api/v1/work-orders?limit=200&count=true{filter}"), token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!((&page["items"], &page["total"]), (&json!([]), &json!(0)), "{filter}");
    }
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
    let (_, cs) = app.user_with(&admin, "a.cs", &[("cs_manager", "group", None)]).await;
    let (complaint, order) = complaint_with_order(&app, &cs, &o).await;
    let contractor = app.create("/api/v1/contractors", &admin, json!({"name": "甲建设"})).await;
    let webhook =
        app.create("/api/v1/webhooks", &admin, json!({"url": "https://crm.example.com/h"})).await;
    let mut everything = kinds(&o);
    everything.push(("/api/v1/webhooks", vec![id(&webhook["webhook"])]));
    everything.push(("/api/v1/integration-clients", vec![id(&client["client"])]));
    everything.push(("/api/v1/users", vec![id(&user)]));
    everything.push(("/api/v1/contractors", vec![id(&contractor)]));
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

    // Work orders and contractors: group B's customer-service manager (who sends, acts on
    // and keeps them in his own group) reaches none of group A's.
    let (_, b_cs) = app.user_with(&b, "other.cs", &[("cs_manager", "group", None)]).await;
    never_reaches_order(&app, &b_cs, &order, (&complaint, &o.departments[0])).await;
    let res = app
        .post(
            &format!("/api/v1/complaints/{complaint}/work-orders"),
            &b_cs,
            &json!({"department_id": o.departments[0], "request": "越权发单"}),
        )
        .await;
    assert_problem(res, 404, "not_found").await;
    let path = format!("/api/v1/contractors/{}", id(&contractor));
    assert_problem(app.get(&path, &b_cs).await, 404, "not_found").await;
    let res = app.patch(&path, &b_cs, 1, &json!({"name": "乙建设"})).await;
    assert_problem(res, 404, "not_found").await;
    // Callbacks: group A's callback task (a contract's, R-T-12) and Monday batch are nobody's
    // in group B: not listed, 404 by id, not recorded, not reassigned.
    let buyer = app
        .create(
            "/api/v1/customers",
            &cs,
            json!({"name": "甲业主", "phones": ["13912345678"],
                "units": [{"unit_id": o.units[0], "contract_signed_on": "2026-09-20"}]}),
        )
        .await;
    let tasks: Value = app
        .get(&format!("/api/v1/callbacks?customer_id={}", id(&buyer)), &cs)
        .await
        .json()
        .await
        .unwrap();
    let task = ids(&tasks).remove(0);
    let batch =
        app.create("/api/v1/callbacks/batches", &cs, json!({"week_of": "2026-10-05"})).await;
    let path = format!("/api/v1/callbacks/{task}");
    assert_problem(app.get(&path, &b_cs).await, 404, "not_found").await;
    let res = app.patch(&path, &b_cs, 1, &json!({})).await;
    assert_problem(res, 404, "not_found").await;
    let res = app
        .post(&format!("{path}/records"), &b_cs, &json!({"method": "phone", "reached": true}))
        .await;
    assert_problem(res, 404, "not_found").await;
    let listed: Value = app.get("/api/v1/callbacks?limit=200", &b_cs).await.json().await.unwrap();
    assert!(!ids(&listed).contains(&task));
    let batch_path = format!("/api/v1/callbacks/batches/{}", id(&batch));
    assert_problem(app.get(&batch_path, &b_cs).await, 404, "not_found").await;
    let listed: Value =
        app.get("/api/v1/callbacks/batches?limit=200", &b_cs).await.json().await.unwrap();
    assert!(!ids(&listed).contains(&id(&batch)));
    // Reports: group A's move-in report obligation (R-RP-10) is nobody's in group B; B's
    // definitions stay B's presets when A changes its own.
    let project: Value = app
        .get(&format!("/api/v1/org/projects/{}", o.projects[0]), &admin)
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .patch(
            &format!("/api/v1/org/projects/{}", o.projects[0]),
            &admin,
            project["version"].as_i64().unwrap(),
            &json!({"move_in_ends_on": "2026-07-31"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let state = kefu_http::state::AppState::new(app.db.clone(), app.clock.clone());
    let settings = kefu_http::jobs::JobSettings { node: "t".into(), ..Default::default() };
    kefu_http::jobs::Runner::new(state, settings).round().await;
    let owed: Value =
        app.get("/api/v1/reports/obligations?code=rp10_move_in", &cs).await.json().await.unwrap();
    let obligation = ids(&owed).remove(0);
    let path = format!("/api/v1/reports/obligations/{obligation}");
    assert_problem(app.get(&path, &b_cs).await, 404, "not_found").await;
    assert_problem(app.get(&format!("{path}/draft"), &b_cs).await, 404, "not_found").await;
    let res = app
        .post(&format!("{path}/submissions"), &b_cs, &json!({"sections": {"content": "越权"}}))
        .await;
    assert_problem(res, 404, "not_found").await;
    let listed: Value =
        app.get("/api/v1/reports/obligations?limit=200", &b_cs).await.json().await.unwrap();
    assert!(!ids(&listed).contains(&obligation));
    let res = app
        .http
        .put(app.url("/api/v1/reports/definitions"))
        .bearer_auth(&cs)
        .header("if-match", "\"0\"")
        .json(&json!({"definitions": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let theirs: Value = app.get("/api/v1/reports/definitions", &b_cs).await.json().await.unwrap();
    assert_eq!(
        (&theirs["version"], theirs["definitions"].as_array().unwrap().len()),
        (&json!(0), 23)
    );
    // Statistics and exports (R-RP-1): group A's complaint counts in A's statement only, not in
    // B's, even naming A's project; B's export of the list leaves it out.
    let period = "from=2026-09-01&to=2026-10-31";
    let mine: Value =
        app.get(&format!("/api/v1/stats/complaints?{period}"), &cs).await.json().await.unwrap();
    assert_eq!(mine["total"]["count"], 1);
    for query in [period.to_owned(), format!("{period}&project_id={}", o.projects[0])] {
        let theirs: Value = app
            .get(&format!("/api/v1/stats/complaints?{query}"), &b_cs)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(theirs["total"]["count"], 0, "{query}");
    }
    let csv = app.get("/api/v1/complaints?format=csv", &b_cs).await.text().await.unwrap();
    assert!(!csv.contains(&complaint), "group B's export names group A's complaint");
    // Contractor names are unique within a group, not across groups.
    let theirs = app.create("/api/v1/contractors", &b_cs, json!({"name": "甲建设"})).await;
    let listed: Value = app.get("/api/v1/contractors?limit=200", &b_cs).await.json().await.unwrap();
    assert_eq!(ids(&listed), [id(&theirs)]);
    let listed: Value = app.get("/api/v1/contractors?limit=200", &cs).await.json().await.unwrap();
    assert_eq!(ids(&listed), [id(&contractor)]);
    let res = app.get(&format!("/api/v1/contractors/{}", id(&theirs)), &cs).await;
    assert_problem(res, 404, "not_found").await;
    // Nor does group A's manager assign group B's contractor to a rectification: no such
    // contractor in his group (422), and the order is unchanged.
    let dept = Some(o.departments[0].as_str());
    let (_, head) = app.user_with(&admin, "a.head", &[("dept_head", "department", dept)]).await;
    let reply = json!({"action": "reply", "proposal": "更换防水层"});
    assert_eq!(act_on_order(&app, &head, &order, &reply).await.status(), 200);
    let approve = json!({"action": "approve_reply"});
    assert_eq!(act_on_order(&app, &head, &order, &approve).await.status(), 200);
    let assign = json!({"action": "assign_rectification", "contractor_id": id(&theirs),
        "deadline": "2026-10-20T18:00:00+08:00"});
    let res = act_on_order(&app, &cs, &order, &assign).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "contractor_id");
    let now: Value =
        app.get(&format!("/api/v1/work-orders/{order}"), &cs).await.json().await.unwrap();
    assert_eq!((&now["state"], &now["contractor_id"]), (&json!("reply_approved"), &Value::Null));

    // The fund and approvals (R-AP): group B's finance, manager and VP reach none of group A's
    // account, ledger, disbursement or approval request, and decide nothing of it.
    let (_, finance) = app.user_with(&admin, "a.finance", &[("finance", "group", None)]).await;
    let account =
        app.create("/api/v1/fund-accounts", &finance, json!({"project_id": o.projects[0]})).await;
    let path = format!("/api/v1/fund-accounts/{}", id(&account));
    let body = json!({"complaint_id": complaint, "amount_fen": 100, "use": "repair"});
    let paid = app.create(&format!("{path}/disbursements"), &cs, body).await;
    let approval = paid["approval_id"].as_str().unwrap().to_owned();
    let grants = [("finance", "group", None), ("vp", "group", None)];
    let (_, b_money) = app.user_with(&b, "other.finance", &grants).await;
    for token in [&b_cs, &b_money] {
        for path in [
            path.clone(),
            format!("{path}/entries"),
            format!("/api/v1/disbursements/{}", id(&paid)),
            format!("/api/v1/approvals/{approval}"),
        ] {
            let res = app.get(&path, token).await;
            assert!([403, 404].contains(&res.status().as_u16()), "{path}");
        }
        let credit = json!({"source": "added_cost", "amount_fen": 1});
        let res = app.post(&format!("{path}/credits"), token, &credit).await;
        assert!([403, 404].contains(&res.status().as_u16()));
        let listed: Value = app.get("/api/v1/approvals", token).await.json().await.unwrap();
        assert!(ids(&listed).is_empty(), "group A's requests leak into group B's list");
    }
    let res =
        app.post(&format!("/api/v1/disbursements/{}/pay", id(&paid)), &b_money, &json!({})).await;
    assert_problem(res, 404, "not_found").await;
    let res = app
        .http
        .post(app.url(&format!("/api/v1/approvals/{approval}/decisions")))
        .bearer_auth(&b_money)
        .header("if-match", "*")
        .json(&json!({"decision": "approve"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;

    // Surveys and improvement plans (R-SAT): group B's administrator and manager reach none of
    // group A's, and name none of its companies.
    let body = json!({"name": "调查", "company_id": o.c1, "project_ids": [o.projects[0]]});
    let survey = id(&app.create("/api/v1/surveys", &cs, body.clone()).await);
    let plan = json!({"department_id": o.departments[0], "year": 2027,
        "items": [{"title": "整改", "owner_id": id(&user), "due_on": "2027-06-30"}]});
    let plan = id(&app.create("/api/v1/improvement-plans", &cs, plan).await);
    let one = format!("/api/v1/surveys/{survey}");
    for token in [&b, &b_cs] {
        for path in [
            one.clone(),
            format!("{one}/results"),
            format!("{one}/answers"),
            format!("{one}/comments"),
            format!("/api/v1/improvement-plans/{plan}"),
        ] {
            assert_problem(app.get(&path, token).await, 404, "not_found").await;
        }
        for list in ["/api/v1/surveys", "/api/v1/improvement-plans"] {
            let listed: Value = app.get(list, token).await.json().await.unwrap();
            assert!(ids(&listed).is_empty(), "group A's {list} leak into group B's list");
        }
    }
    assert_problem(app.patch(&one, &b_cs, 1, &json!({"name": "偷"})).await, 404, "not_found").await;
    let path = format!("/api/v1/improvement-plans/{plan}");
    assert_problem(app.patch(&path, &b_cs, 1, &json!({})).await, 404, "not_found").await;
    let answer = json!({"customer_id": o.customers[0], "scores": {"overall_design": 5}});
    let res = app.post(&format!("{one}/answers"), &b_cs, &answer).await;
    assert_problem(res, 404, "not_found").await;
    let res = app.post("/api/v1/surveys", &b_cs, &body).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "company_id");

    // Work plans (R-RP-13), cases (R-RP-4, R-RP-7) and performance (R-RP-15): group B reaches
    // none of group A's, and writes none for its projects, departments or complaints.
    let work_plan = json!({"kind": "annual", "year": 2027, "project_id": o.projects[0],
        "title": "年度计划", "items": [{"title": "回访", "due_on": "2027-06-30"}]});
    let work_plan = app.create("/api/v1/work-plans", &cs, work_plan.clone()).await;
    let item = work_plan["items"][0]["id"].as_str().unwrap().to_owned();
    let work_plan = id(&work_plan);
    let complaint = json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
        "customer_id": o.customers[0], "description": "渗水"});
    let complaint = id(&app.create("/api/v1/complaints", &cs, complaint).await);
    let case = json!({"title": "案例", "complaint_ids": [complaint], "facts": "经过",
        "analysis": "", "measures": "", "lessons": ""});
    let case = id(&app.create("/api/v1/cases", &cs, case).await);
    for token in [&b, &b_cs] {
        for path in [format!("/api/v1/work-plans/{work_plan}"), format!("/api/v1/cases/{case}")] {
            assert_problem(app.get(&path, token).await, 404, "not_found").await;
        }
        for list in [
            "/api/v1/work-plans",
            "/api/v1/cases",
            "/api/v1/performance/responsibilities?month=2026-09",
        ] {
            let listed: Value = app.get(list, token).await.json().await.unwrap();
            assert!(ids(&listed).is_empty(), "group A's {list} leak into group B's list");
        }
        let report: Value =
            app.get("/api/v1/work-plans/completion?year=2027", token).await.json().await.unwrap();
        assert!(report["items"].as_array().unwrap().is_empty());
    }
    let path = format!("/api/v1/work-plans/{work_plan}");
    assert_problem(app.patch(&path, &b_cs, 1, &json!({"title": "偷"})).await, 404, "not_found")
        .await;
    let res = app.patch(&format!("{path}/items/{item}"), &b_cs, 1, &json!({"done": true})).await;
    assert_problem(res, 404, "not_found").await;
    let res = app.patch(&format!("/api/v1/cases/{case}"), &b_cs, 1, &json!({"title": "偷"})).await;
    assert_problem(res, 404, "not_found").await;
    let theirs = json!({"kind": "annual", "year": 2027, "project_id": o.projects[0],
        "title": "偷", "items": [{"title": "x", "due_on": "2027-06-30"}]});
    let p = assert_problem(
        app.post("/api/v1/work-plans", &b_cs, &theirs).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "project_id");
    let theirs = json!({"title": "偷", "complaint_ids": [complaint], "facts": "x", "analysis": "",
        "measures": "", "lessons": ""});
    let p =
        assert_problem(app.post("/api/v1/cases", &b_cs, &theirs).await, 422, "validation_failed")
            .await;
    assert_eq!(p["errors"][0]["field"], "complaint_ids[0]");
}

/// Like complaints (`complaints::a_project_user_never_reaches_another_projects_complaints`):
/// a specialist of project B (same company) and a department coordinator of company 2 neither
/// read, act on, list nor send project A's work orders (404, empty lists); a specialist of
/// project A reaches them. Contractors are the group's list: every work-order reader of the
/// group reads them, whatever his reach, but only a group-wide reach keeps them (403).
async fn a_project_user_never_reaches_another_projects_work_orders(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (_, cs) = app.user_with(&admin, "cs.group", &[("cs_manager", "group", None)]).await;
    let (complaint, order) = complaint_with_order(&app, &cs, &o).await;
    let [a, b, _] = &o.projects;
    let (_, spec_b) =
        app.user_with(&admin, "spec.b", &[("cs_specialist", "project", Some(b))]).await;
    never_reaches_order(&app, &spec_b, &order, (&complaint, &o.departments[0])).await;
    let res = app
        .post(
            &format!("/api/v1/complaints/{complaint}/work-orders"),
            &spec_b,
            &json!({"department_id": o.departments[0], "request": "越权发单"}),
        )
        .await;
    assert_problem(res, 404, "not_found").await;
    let dept2 = Some(o.departments[1].as_str());
    let (_, coordinator2) =
        app.user_with(&admin, "coord.d2", &[("dept_coordinator", "department", dept2)]).await;
    never_reaches_order(&app, &coordinator2, &order, (&complaint, &o.departments[0])).await;

    let (_, spec_a) =
        app.user_with(&admin, "spec.a", &[("cs_specialist", "project", Some(a))]).await;
    let path = format!("/api/v1/work-orders/{order}");
    assert_eq!(app.get(&path, &spec_a).await.status(), 200);
    let page: Value = app.get("/api/v1/work-orders", &spec_a).await.json().await.unwrap();
    assert_eq!(ids(&page), std::slice::from_ref(&order));
    let apology = json!({"action": "apologize", "means": "visit"});
    assert_eq!(act_on_order(&app, &spec_a, &order, &apology).await.status(), 200);
    // Filters never widen the reach: project B's specialist asking for project A gets nothing.
    let page: Value = app
        .get(&format!("/api/v1/work-orders?project_id={a}"), &spec_b)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"], json!([]));

    let contractor = app.create("/api/v1/contractors", &cs, json!({"name": "甲建设"})).await;
    let cpath = format!("/api/v1/contractors/{}", id(&contractor));
    for token in [&spec_b, &coordinator2] {
        assert_eq!(app.get(&cpath, token).await.status(), 200);
        let page: Value = app.get("/api/v1/contractors", token).await.json().await.unwrap();
        assert_eq!(ids(&page), [id(&contractor)]);
    }
    let (_, manager_a) = app.user_with(&admin, "cs.a", &[("cs_manager", "project", Some(a))]).await;
    let res = app.post("/api/v1/contractors", &manager_a, &json!({"name": "乙建设"})).await;
    assert_problem(res, 403, "forbidden").await;
}
