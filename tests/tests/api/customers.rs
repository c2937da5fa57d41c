//! Customers: phones masked everywhere, whole numbers only by an audited read of a role that
//! needs them; bad input is a 422 naming each field and writes nothing.

use kefu_persistence::audit;
use kefu_tests::{
    Backend,
    api::{id, ids},
    assert_problem, both_backends,
    org::org,
    spawn_app,
};
use serde_json::{Value, json};

both_backends! {
    phones_are_masked_and_whole_reads_are_audited => phones_are_masked_and_whole_reads_are_audited;
    bad_customers_are_422_naming_each_field_and_nothing_is_written => bad_customers_are_422_naming_each_field_and_nothing_is_written;
}

async fn phones_are_masked_and_whole_reads_are_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let a = &o.projects[0];
    let created = app
        .create(
            "/api/v1/customers",
            &admin,
            json!({"name": "张伟", "phones": ["13812345678", "0351-7654321"],
            "units": [{"unit_id": o.units[0], "contract_signed_on": "2026-03-18"}]}),
        )
        .await;
    assert_eq!(created["phones"], json!(["138****5678", "035*****4321"]));
    assert_eq!(created["units"][0]["contract_signed_on"], "2026-03-18");
    let path = format!("/api/v1/customers/{}", id(&created));
    let got: Value = app.get(&path, &admin).await.json().await.unwrap();
    assert_eq!(got["phones"][0], "138****5678");
    let listed = app
        .get(&format!("/api/v1/customers?phone=13812345678&project_id={a}"), &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(listed.contains(&id(&created)) && !listed.contains("13812345678"), "{listed}");

    // A specialist of the project may read the whole numbers; the read is on the audit trail.
    let (spec_id, spec) =
        app.user_with(&admin, "spec", &[("cs_specialist", "project", Some(a))]).await;
    let whole: Value = app.get(&format!("{path}/phones"), &spec).await.json().await.unwrap();
    assert_eq!(whole["phones"], json!(["13812345678", "0351-7654321"]));
    let db = app.db.clone();
    let customer = id(&created);
    let events = tokio::task::spawn_blocking(move || {
        audit::for_subject(&mut db.conn().unwrap(), "customer", &customer).unwrap()
    })
    .await
    .unwrap();
    let read = events.iter().find(|e| e.action == "customer.phones_read").expect("audited");
    assert_eq!(
        (read.actor_kind.as_str(), read.actor_id.as_deref()),
        ("user", Some(spec_id.as_str()))
    );
    assert!(read.request_id.is_some());
    assert!(
        events.iter().all(|e| !e.payload.contains("13812345678")),
        "no number in the audit trail"
    );

    // An auditor sees masked numbers only; out of scope is 404 even for the phones.
    let (_, auditor) = app.user_with(&admin, "aud", &[("auditor", "group", None)]).await;
    assert_eq!(app.get(&path, &auditor).await.status(), 200);
    assert_problem(app.get(&format!("{path}/phones"), &auditor).await, 403, "forbidden").await;
    let other = format!("/api/v1/customers/{}/phones", o.customers[2]);
    assert_problem(app.get(&other, &spec).await, 404, "not_found").await;
}

async fn bad_customers_are_422_naming_each_field_and_nothing_is_written(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let res = app
        .post(
            "/api/v1/customers",
            &admin,
            &json!({"name": "x".repeat(51), "phones": ["12345"],
            "units": [{"unit_id": o.units[0], "handed_over_on": "yesterday"}]}),
        )
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"name") && fields.contains(&"phones[0]"), "{body}");
    let res = app.post("/api/v1/customers", &admin, &json!({"phones": []})).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(
        fields.contains(&"name") && fields.contains(&"units") && fields.contains(&"phones"),
        "{body}"
    );
    let res =
        app.post("/api/v1/org/companies", &admin, &json!({"name": "x", "kind": "bank"})).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
        (Some("kind"), Some("invalid_enum"))
    );
    let res = app
        .post(
            "/api/v1/org/projects",
            &admin,
            &json!({"company_id": o.c1, "name": "新",
        "customer_service_contact": {"name": "王芳", "mobile": "138", "email": "nope"}}),
        )
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(
        fields.contains(&"customer_service_contact.mobile")
            && fields.contains(&"customer_service_contact.email"),
        "{body}"
    );
    let page: Value = app.get("/api/v1/org/projects?limit=200", &admin).await.json().await.unwrap();
    assert_eq!(ids(&page).len(), 3, "nothing was written");
    // The email's pattern means the same to the server as to the JSON Schema (ECMAScript `\s`
    // and Rust's differ, on U+0085 for one): only spaces, tabs and line ends are refused.
    let contact = |email: &str| {
        json!({"company_id": o.c1, "name": format!("邮箱 {}", email.len()),
            "customer_service_contact": {"name": "王芳", "mobile": "13812345678", "email": email}})
    };
    let res =
        app.post("/api/v1/org/projects", &admin, &contact("wang\u{85}fang@example.com")).await;
    assert_eq!(res.status(), 201);
    let res = app.post("/api/v1/org/projects", &admin, &contact("wang fang@example.com")).await;
    assert_problem(res, 422, "validation_failed").await;
    let page: Value = app.get("/api/v1/customers?limit=200", &admin).await.json().await.unwrap();
    assert_eq!(ids(&page).len(), 3, "nothing was written");
}

both_backends! {
    a_customer_owns_units_in_several_projects_and_each_side_sees_its_own => a_customer_owns_units_in_several_projects_and_each_side_sees_its_own;
}

async fn a_customer_owns_units_in_several_projects_and_each_side_sees_its_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (a, b) = (&o.projects[0], &o.projects[1]);
    let customer = &o.customers[0];
    let (_, sales_a) =
        app.user_with(&admin, "sales.a", &[("sales_staff", "project", Some(a))]).await;
    let (_, sales_b) =
        app.user_with(&admin, "sales.b", &[("sales_staff", "project", Some(b))]).await;
    let units = format!("/api/v1/customers/{customer}/units");
    // Project A's sales cannot record a purchase in project B (its unit is not his to see).
    let res = app.post(&units, &sales_a, &json!({"unit_id": o.units[1]})).await;
    assert_problem(res, 404, "not_found").await;
    // Project B's sales cannot see the customer until he owns a unit there.
    assert_problem(
        app.post(&units, &sales_b, &json!({"unit_id": o.units[1]})).await,
        404,
        "not_found",
    )
    .await;
    let res = app
        .post(&units, &admin, &json!({"unit_id": o.units[1], "handed_over_on": "2026-10-30"}))
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let res = app.post(&units, &admin, &json!({"unit_id": o.units[1]})).await;
    assert_problem(res, 409, "conflict").await;
    // Each side sees the customer, with its own project's unit only.
    let seen_a: Value =
        app.get(&format!("/api/v1/customers/{customer}"), &sales_a).await.json().await.unwrap();
    let seen_b: Value =
        app.get(&format!("/api/v1/customers/{customer}"), &sales_b).await.json().await.unwrap();
    assert_eq!(seen_a["units"].as_array().unwrap().len(), 1);
    assert_eq!(seen_a["units"][0]["project_id"], a.as_str());
    assert_eq!(seen_b["units"][0]["project_id"], b.as_str());
    assert_eq!(seen_b["units"][0]["handed_over_on"], "2026-10-30");
    // A cannot end B's ownership; B can, and then no longer sees the customer.
    let remove = |token: &str, unit: &str| {
        let url = app.url(&format!("{units}/{unit}"));
        app.http.delete(url).bearer_auth(token.to_owned()).send()
    };
    assert_problem(remove(&sales_a, &o.units[1]).await.unwrap(), 404, "not_found").await;
    assert_eq!(remove(&sales_b, &o.units[1]).await.unwrap().status(), 204);
    assert_problem(
        app.get(&format!("/api/v1/customers/{customer}"), &sales_b).await,
        404,
        "not_found",
    )
    .await;
    let page: Value = app.get("/api/v1/customers", &sales_b).await.json().await.unwrap();
    assert!(!ids(&page).contains(customer));
}
