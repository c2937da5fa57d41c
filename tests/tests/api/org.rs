//! The organisation's records: created, read with their ETag, changed with If-Match, archived
//! and filtered, paged with cursors — the same for every kind, on both backends.

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
    every_org_record_is_read_changed_archived_and_paged => every_org_record_is_read_changed_archived_and_paged;
}

async fn every_org_record_is_read_changed_archived_and_paged(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let (coordinator, _) = app.user_with(&admin, "coord", &[]).await;
    let cases: Vec<(&str, &String, Value, &str)> = vec![
        ("/api/v1/org/companies", &o.c1, json!({"name": "晋愉置业"}), "name"),
        (
            "/api/v1/org/projects",
            &o.projects[0],
            json!({"property_contact": {"name": "赵强", "landline": "0351-7654321"}}),
            "property_contact",
        ),
        ("/api/v1/org/buildings", &o.buildings[0], json!({"name": "3栋"}), "name"),
        ("/api/v1/org/units", &o.units[0], json!({"floor": "B1"}), "floor"),
        (
            "/api/v1/org/departments",
            &o.departments[0],
            json!({"coordinator_id": coordinator}),
            "coordinator_id",
        ),
        ("/api/v1/customers", &o.customers[0], json!({"phones": ["13900001111"]}), "phones"),
    ];
    for (collection, record, change, field) in cases {
        let path = format!("{collection}/{record}");
        let res = app.get(&path, &admin).await;
        assert_eq!(res.headers()["etag"], "\"1\"", "{path}");
        let res = app.patch(&path, &admin, 1, &change).await;
        assert_eq!(res.headers()["etag"], "\"2\"", "{path}");
        let changed: Value = res.json().await.unwrap();
        if field == "phones" {
            assert_eq!(changed[field], json!(["139****1111"]), "{path}");
        } else {
            assert_eq!(changed[field], change[field], "{path}");
        }
        assert_problem(
            app.patch(&path, &admin, 1, &json!({"archived": true})).await,
            412,
            "stale_version",
        )
        .await;
        assert_eq!(
            app.patch(&path, &admin, 2, &json!({"archived": true})).await.status(),
            200,
            "{path}"
        );
        let archived: Value =
            app.get(&format!("{collection}?archived=true"), &admin).await.json().await.unwrap();
        assert_eq!(
            ids(&archived).as_slice(),
            std::slice::from_ref(record),
            "{collection}?archived=true"
        );
        let current: Value =
            app.get(&format!("{collection}?limit=1"), &admin).await.json().await.unwrap();
        assert_eq!(current["items"].as_array().unwrap().len(), 1);
        let cursor = current["next_cursor"].as_str().unwrap();
        let next = app
            .http
            .get(app.url(collection))
            .query(&[("cursor", cursor)])
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        let next: Value = next.json().await.unwrap();
        assert!(!ids(&next).contains(&ids(&current)[0]), "the next page continues after the first");
        // Every change is on the audit trail, by whom and from which request.
        let db = app.db.clone();
        let (kind, subject) = (
            collection.rsplit('/').next().unwrap().trim_end_matches('s').to_owned(),
            record.clone(),
        );
        let kind = if kind == "companie" { "company".to_owned() } else { kind };
        let events = tokio::task::spawn_blocking(move || {
            audit::for_subject(&mut db.conn().unwrap(), &kind, &subject).unwrap()
        })
        .await
        .unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions.len(), 3, "{path}: {actions:?}");
        assert!(events.iter().all(|e| e.actor_kind == "user" && e.request_id.is_some()), "{path}");
    }
    // A coordinator who is not of the group is not found.
    let res = app
        .patch(
            &format!("/api/v1/org/departments/{}", o.departments[1]),
            &admin,
            1,
            &json!({"coordinator_id": "nobody"}),
        )
        .await;
    assert_problem(res, 404, "not_found").await;
    let d: Value = app
        .get(&format!("/api/v1/org/departments/{}", o.departments[1]), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert!(d["coordinator_id"].is_null() && d["version"] == 1, "nothing was written: {d}");
    let _ = id(&d);
}
