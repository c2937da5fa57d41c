//! Personal information (PIPL): a customer's export holds everything stored on him, phones
//! whole, and is itself audited; erasure anonymises him for good while his record, units and
//! history stay; both stay within the caller's permission and reach.

use diesel::prelude::*;
use kefu_persistence::{audit, schema::idempotency_keys};
use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use reqwest::Response;
use serde_json::{Value, json};

both_backends! {
    an_export_holds_what_was_stored_and_is_audited => an_export_holds_what_was_stored_and_is_audited;
    an_export_needs_the_permission_and_the_reach => an_export_needs_the_permission_and_the_reach;
    erasure_anonymises_him_and_keeps_his_units_and_history => erasure_anonymises_him_and_keeps_his_units_and_history;
    erasure_is_final_and_needs_if_match_the_permission_and_the_reach => erasure_is_final_and_needs_if_match_the_permission_and_the_reach;
}

/// `POST /customers/{id}/erasure` with `If-Match` (none when `version` is `None`).
async fn erase(app: &TestApp, token: &str, customer: &str, version: Option<i64>) -> Response {
    let mut req = app
        .http
        .post(app.url(&format!("/api/v1/customers/{customer}/erasure")))
        .bearer_auth(token)
        .json(&json!({"reason": "客户本人书面申请删除个人信息（2026-11-20）"}));
    if let Some(v) = version {
        req = req.header("if-match", format!("\"{v}\""));
    }
    req.send().await.unwrap()
}

/// The audit events about a customer, oldest first.
async fn events(app: &TestApp, customer: &str) -> Vec<audit::AuditRow> {
    let (db, customer) = (app.db.clone(), customer.to_owned());
    tokio::task::spawn_blocking(move || {
        audit::for_subject(&mut db.conn().unwrap(), "customer", &customer).unwrap()
    })
    .await
    .unwrap()
}

fn actions(events: &[audit::AuditRow]) -> Vec<&str> {
    events.iter().map(|e| e.action.as_str()).collect()
}

/// 张伟, owning the units of projects A (with both dates) and B.
async fn zhang_wei(app: &TestApp, admin: &str, units: &[String; 3]) -> String {
    let c = app
        .create(
            "/api/v1/customers",
            admin,
            json!({"name": "张伟", "phones": ["13812345678", "0351-7654321"],
            "units": [{"unit_id": units[0], "contract_signed_on": "2026-03-18",
                "handed_over_on": "2026-10-30"}]}),
        )
        .await;
    let customer = id(&c);
    let more = format!("/api/v1/customers/{customer}/units");
    app.create(&more, admin, json!({"unit_id": units[1], "contract_signed_on": "2026-05-01"}))
        .await;
    customer
}

async fn an_export_holds_what_was_stored_and_is_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let customer = zhang_wei(&app, &admin, &o.units).await;
    assert_eq!(
        app.get(&format!("/api/v1/customers/{customer}/phones"), &admin).await.status(),
        200
    );
    let (manager_id, manager) =
        app.user_with(&admin, "manager", &[("cs_manager", "group", None)]).await;

    let res = app.get(&format!("/api/v1/customers/{customer}/export"), &manager).await;
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    // The test clock stands at 2026-09-30 17:00 China time.
    assert_eq!(disposition, format!("attachment; filename=\"customer-{customer}-20260930.json\""));
    assert_eq!(res.headers()["cache-control"], "no-store");
    let text = res.text().await.unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["complete"], true);
    assert_eq!(doc["customer"]["name"], "张伟");
    assert_eq!(doc["customer"]["phones"], json!(["13812345678", "0351-7654321"]), "whole");
    assert_eq!(
        (doc["customer"]["erased"].clone(), doc["customer"]["erased_at"].clone()),
        (json!(false), Value::Null)
    );
    let units = doc["units"].as_array().unwrap();
    assert_eq!(units.len(), 2);
    let a = units.iter().find(|u| u["unit_id"] == o.units[0].as_str()).unwrap();
    assert_eq!(
        (&a["project_name"], &a["building_name"], &a["number"], &a["floor"]),
        (&json!("项目A"), &json!("1号楼"), &json!("1-101"), &json!("1"))
    );
    assert_eq!(
        (&a["contract_signed_on"], &a["handed_over_on"]),
        (&json!("2026-03-18"), &json!("2026-10-30"))
    );
    let b = units.iter().find(|u| u["unit_id"] == o.units[1].as_str()).unwrap();
    assert_eq!(
        (&b["contract_signed_on"], &b["handed_over_on"]),
        (&json!("2026-05-01"), &Value::Null)
    );
    assert_eq!((&doc["complaints"], &doc["callbacks"]), (&json!([]), &json!([])));

    // The events about him: ids, actions and times only, this export the last of them.
    let listed = doc["audit_events"].as_array().unwrap();
    let listed_actions: Vec<&str> = listed.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        listed_actions,
        ["customer.created", "customer.unit_added", "customer.phones_read", "customer.exported"]
    );
    for e in listed {
        let mut keys: Vec<&String> = e.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["action", "at", "id"], "{e}");
    }
    let me: Value = app.get("/api/v1/me", &admin).await.json().await.unwrap();
    let admin_id = me["id"].as_str().unwrap();
    assert!(!text.contains(admin_id) && !text.contains(&manager_id), "nobody else's data: {text}");

    // The export is on the audit trail, by the manager, from his request, with no numbers.
    let stored = events(&app, &customer).await;
    let exported: Vec<_> = stored.iter().filter(|e| e.action == "customer.exported").collect();
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0].id, listed[3]["id"].as_str().unwrap());
    assert_eq!(exported[0].actor_id.as_deref(), Some(manager_id.as_str()));
    assert!(exported[0].request_id.is_some());
    assert!(stored.iter().all(|e| !e.payload.contains("1381234") && !e.payload.contains("张伟")));
}

async fn an_export_needs_the_permission_and_the_reach(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let customer = zhang_wei(&app, &admin, &o.units).await;
    let export = format!("/api/v1/customers/{customer}/export");
    let [a, _, x] = &o.projects;

    // Another project's manager: 404, existence is not leaked.
    let (_, manager_x) =
        app.user_with(&admin, "manager.x", &[("cs_manager", "project", Some(x))]).await;
    assert_problem(app.get(&export, &manager_x).await, 404, "not_found").await;
    // Roles without the permission: 403, even group-wide.
    for (name, role) in
        [("spec", "cs_specialist"), ("aud", "auditor"), ("dir", "customer_director")]
    {
        let (_, token) = app.user_with(&admin, name, &[(role, "group", None)]).await;
        assert_problem(app.get(&export, &token).await, 403, "forbidden").await;
    }
    // Project A's manager gets what is within his reach: A's unit, not B's, and says so.
    let (_, manager_a) =
        app.user_with(&admin, "manager.a", &[("cs_manager", "project", Some(a))]).await;
    let doc: Value = app.get(&export, &manager_a).await.json().await.unwrap();
    assert_eq!(doc["complete"], false);
    let units = doc["units"].as_array().unwrap();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0]["unit_id"], o.units[0].as_str());
    let listed: Vec<&str> = doc["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["customer.created", "customer.exported"], "B's purchase is not his to see");
    // Only the exports that answered are on the trail.
    let stored = events(&app, &customer).await;
    assert_eq!(actions(&stored).iter().filter(|a| **a == "customer.exported").count(), 1);
}

async fn erasure_anonymises_him_and_keeps_his_units_and_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    // Created with an Idempotency-Key: the stored replay names him until he is erased.
    let created = app
        .http
        .post(app.url("/api/v1/customers"))
        .bearer_auth(&admin)
        .header("idempotency-key", "crm-zhang-wei")
        .json(&json!({"name": "张伟", "phones": ["13812345678"],
            "units": [{"unit_id": o.units[0], "contract_signed_on": "2026-03-18", "handed_over_on": "2026-10-30"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let customer = id(&created.json::<Value>().await.unwrap());
    let path = format!("/api/v1/customers/{customer}");
    assert_eq!(app.get(&format!("{path}/phones"), &admin).await.status(), 200);
    let before = events(&app, &customer).await;

    let res = erase(&app, &admin, &customer, Some(1)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let erased: Value = res.json().await.unwrap();
    let name = erased["name"].as_str().unwrap();
    assert!(name.starts_with("已删除客户-") && name.chars().count() <= 20, "{name}");
    assert_eq!(
        (&erased["phones"], &erased["erased"], &erased["id"]),
        (&json!([]), &json!(true), &json!(customer))
    );
    assert_eq!(erased["units"][0]["unit_id"], o.units[0].as_str());
    assert_eq!(
        (&erased["units"][0]["contract_signed_on"], &erased["units"][0]["handed_over_on"]),
        (&json!("2026-03-18"), &json!("2026-10-30")),
        "the dates statistics and node callbacks count from stay"
    );

    // Reads and lists show him erased; the same name on every read; nobody finds his number.
    let got: Value = app.get(&path, &admin).await.json().await.unwrap();
    assert_eq!((&got["name"], &got["erased"]), (&json!(name), &json!(true)));
    let page: Value = app.get("/api/v1/customers?limit=200", &admin).await.json().await.unwrap();
    let listed =
        page["items"].as_array().unwrap().iter().find(|c| c["id"] == customer.as_str()).unwrap();
    assert_eq!((&listed["name"], &listed["erased"]), (&json!(name), &json!(true)));
    let page: Value =
        app.get("/api/v1/customers?phone=13812345678", &admin).await.json().await.unwrap();
    assert!(page["items"].as_array().unwrap().iter().all(|c| c["id"] != customer.as_str()));
    let whole: Value = app.get(&format!("{path}/phones"), &admin).await.json().await.unwrap();
    assert_eq!(whole["phones"], json!([]));

    // His history stays, one event more, by the admin with the reason and nothing personal.
    let after = events(&app, &customer).await;
    assert_eq!(after[..before.len()], before[..]);
    let erasure = after.iter().find(|e| e.action == "customer.erased").unwrap();
    let me: Value = app.get("/api/v1/me", &admin).await.json().await.unwrap();
    assert_eq!(erasure.actor_id.as_deref(), me["id"].as_str());
    let payload: Value = serde_json::from_str(&erasure.payload).unwrap();
    assert_eq!(payload, json!({"reason": "客户本人书面申请删除个人信息（2026-11-20）"}));
    assert!(
        after.iter().all(|e| !e.payload.contains("13812345678") && !e.payload.contains("张伟"))
    );
    // No stored replay hands his name out again.
    let db = app.db.clone();
    let replays: Vec<Option<String>> = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        idempotency_keys::table.select(idempotency_keys::body).load(conn.raw()).unwrap()
    })
    .await
    .unwrap();
    assert!(replays.iter().flatten().all(|b| !b.contains("张伟")), "{replays:?}");

    // His export still answers: the anonymised profile, his units, his history.
    let doc: Value = app.get(&format!("{path}/export"), &admin).await.json().await.unwrap();
    assert_eq!((&doc["customer"]["name"], &doc["customer"]["phones"]), (&json!(name), &json!([])));
    assert!(doc["customer"]["erased_at"].is_string());
    assert_eq!(doc["units"].as_array().unwrap().len(), 1);
    let listed: Vec<&str> = doc["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        listed.contains(&"customer.phones_read") && listed.contains(&"customer.erased"),
        "{listed:?}"
    );

    // An erased customer owns no new units: a person who comes back is recorded anew.
    let res = app.post(&format!("{path}/units"), &admin, &json!({"unit_id": o.units[1]})).await;
    assert_problem(res, 409, "conflict").await;
}

async fn erasure_is_final_and_needs_if_match_the_permission_and_the_reach(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let customer = zhang_wei(&app, &admin, &o.units).await; // at version 2
    let path = format!("/api/v1/customers/{customer}");

    assert_problem(erase(&app, &admin, &customer, None).await, 428, "precondition_required").await;
    assert_problem(erase(&app, &admin, &customer, Some(1)).await, 412, "stale_version").await;
    let (_, manager) = app.user_with(&admin, "manager", &[("cs_manager", "group", None)]).await;
    assert_problem(erase(&app, &manager, &customer, Some(2)).await, 403, "forbidden").await;
    app.create(
        "/api/v1/groups",
        &admin,
        json!({"code": "other", "name": "另一集团",
        "admin": {"username": "other.admin", "display_name": "B", "password": "other-password"}}),
    )
    .await;
    let other: Value = app.login("other.admin", "other-password").await.json().await.unwrap();
    let other = other["access_token"].as_str().unwrap();
    assert_problem(erase(&app, other, &customer, Some(2)).await, 404, "not_found").await;
    // The reason is checked: required, 1–500 characters, no phone number in it.
    let url = app.url(&format!("{path}/erasure"));
    for (body, code) in [
        (json!({}), "required"),
        (json!({"reason": ""}), "too_short"),
        (json!({"reason": "x".repeat(501)}), "too_long"),
        (json!({"reason": "本人来电 138 1234 5678 要求删除"}), "personal_data"),
    ] {
        let res = app
            .http
            .post(&url)
            .bearer_auth(&admin)
            .header("if-match", "\"2\"")
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(
            (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
            (Some("reason"), Some(code)),
            "{problem}"
        );
    }
    let got: Value = app.get(&path, &admin).await.json().await.unwrap();
    assert_eq!((&got["name"], &got["version"]), (&json!("张伟"), &json!(2)), "nothing was erased");

    assert_eq!(erase(&app, &admin, &customer, Some(2)).await.status(), 200);
    // Final: a second erasure is 409 whatever the version, and phones or a name cannot return.
    for version in [3, 2] {
        assert_problem(erase(&app, &admin, &customer, Some(version)).await, 409, "conflict").await;
    }
    let res = app.patch(&path, &admin, 3, &json!({"phones": ["13812345678"]})).await;
    assert_problem(res, 409, "conflict").await;
    let res = app.patch(&path, &admin, 3, &json!({"name": "张伟"})).await;
    assert_problem(res, 409, "conflict").await;
    let star = |body: Value| {
        app.http
            .patch(app.url(&path))
            .bearer_auth(&admin)
            .header("if-match", "*")
            .json(&body)
            .send()
    };
    assert_problem(star(json!({"phones": ["13812345678"]})).await.unwrap(), 409, "conflict").await;
    let res = app.patch(&path, &admin, 3, &json!({"archived": true})).await;
    assert_eq!(res.status(), 200, "an erased customer can still be archived");
    let got: Value = res.json().await.unwrap();
    assert_eq!(
        (&got["phones"], &got["archived"], &got["erased"]),
        (&json!([]), &json!(true), &json!(true))
    );
    let stored = events(&app, &customer).await;
    assert_eq!(actions(&stored).iter().filter(|a| **a == "customer.erased").count(), 1);

    // `If-Match: *` erases whichever version is current; a weak ETag never matches.
    let url = app.url(&format!("/api/v1/customers/{}/erasure", o.customers[2]));
    let send = |if_match: &'static str| {
        let body = json!({"reason": "客户本人申请"});
        app.http.post(&url).bearer_auth(&admin).header("if-match", if_match).json(&body).send()
    };
    assert_problem(send("W/\"1\"").await.unwrap(), 412, "stale_version").await;
    let res = send("*").await.unwrap();
    assert_eq!((res.status().as_u16(), &res.headers()["etag"]), (200, &"\"2\"".parse().unwrap()));
    assert_problem(send("*").await.unwrap(), 409, "conflict").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_erasures_with_one_if_match_erase_once_on_postgres() {
    let app = spawn_app(Backend::Postgres).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let customer = o.customers[0].clone();
    let requests = (0..20).map(|_| erase(&app, &admin, &customer, Some(1)));
    let responses = futures_util::future::join_all(requests).await;
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [200, 409, 412].contains(s)), "{statuses:?}");
    let stored = events(&app, &customer).await;
    assert_eq!(actions(&stored).iter().filter(|a| **a == "customer.erased").count(), 1);
    let got: Value =
        app.get(&format!("/api/v1/customers/{customer}"), &admin).await.json().await.unwrap();
    assert_eq!((&got["erased"], &got["version"]), (&json!(true), &json!(2)));
}
