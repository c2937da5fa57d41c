//! Nobody below the platform reads or changes a platform operator, even one who belongs to his
//! group, and the attempt is audited; nobody removes the last administrator of a group or the
//! last platform operator, not even two administrators at once; a scoped auditor sees the
//! users of his scope only.

use futures_util::future::join;
use kefu_persistence::audit;
use kefu_tests::{Backend, TestApp, api::ids, assert_problem, both_backends, org::org, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

both_backends! {
    a_group_admin_cannot_take_over_the_platform_operator => a_group_admin_cannot_take_over_the_platform_operator;
    two_admins_disabling_each_other_leave_one_in_charge => two_admins_disabling_each_other_leave_one_in_charge;
    a_project_auditor_lists_the_users_of_his_project_only => a_project_auditor_lists_the_users_of_his_project_only;
}

async fn my_id(app: &TestApp, token: &str) -> String {
    let me: Value = app.get("/api/v1/me", token).await.json().await.unwrap();
    me["id"].as_str().unwrap().to_owned()
}

async fn a_group_admin_cannot_take_over_the_platform_operator(backend: Backend) {
    let app = spawn_app(backend).await;
    let operator = app.admin_token().await;
    let operator_id = my_id(&app, &operator).await;
    // The bootstrap operator is also the admin of the group `default`; a second admin there.
    let (admin_id, admin) =
        app.user_with(&operator, "default.admin", &[("admin", "group", None)]).await;

    let path = format!("/api/v1/users/{operator_id}");
    assert_problem(app.get(&path, &admin).await, 404, "not_found").await;
    for change in [
        json!({"password": "taken-over-1"}),
        json!({"disabled": true}),
        json!({"display_name": "x"}),
    ] {
        assert_problem(app.patch(&path, &admin, 1, &change).await, 404, "not_found").await;
    }
    let listed: Value = app.get("/api/v1/users?limit=200", &admin).await.json().await.unwrap();
    assert!(!ids(&listed).contains(&operator_id), "never listed to the group's admin");
    let grants: Value = app
        .get(&format!("/api/v1/grants?principal_id={operator_id}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert!(ids(&grants).is_empty(), "his grants are out of reach too");
    let all: Value = app
        .get(&format!("/api/v1/grants?principal_id={operator_id}"), &operator)
        .await
        .json()
        .await
        .unwrap();
    for grant in ids(&all) {
        let res = app.call(Method::DELETE, &format!("/api/v1/grants/{grant}"), &admin, None).await;
        assert_problem(res, 404, "not_found").await;
    }
    // Nor can he make someone a platform operator.
    let res = app
        .post(
            "/api/v1/grants",
            &admin,
            &json!({"principal_kind": "user", "principal_id": admin_id, "role": "platform_operator", "scope_kind": "group"}),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
    // The operator still signs in, unchanged; every attempt is on the trail, by whom.
    assert_eq!(app.get("/api/v1/me", &operator).await.status(), 200);
    let db = app.db.clone();
    let events = tokio::task::spawn_blocking(move || {
        audit::for_subject(&mut db.conn().unwrap(), "user", &operator_id).unwrap()
    })
    .await
    .unwrap();
    let refused: Vec<_> =
        events.iter().filter(|e| e.action == "user.platform_access_refused").collect();
    assert_eq!(refused.len(), 4, "one read and three changes");
    assert!(refused.iter().all(|e| e.actor_id.as_deref() == Some(admin_id.as_str())));
    // The platform operator himself manages the group's admin as usual.
    let res = app
        .patch(
            &format!("/api/v1/users/{admin_id}"),
            &operator,
            1,
            &json!({"display_name": "默认管理员"}),
        )
        .await;
    assert_eq!(res.status(), 200);
}

async fn two_admins_disabling_each_other_leave_one_in_charge(backend: Backend) {
    let app = spawn_app(backend).await;
    let operator = app.admin_token().await;
    app.create(
        "/api/v1/groups",
        &operator,
        json!({"code": "gg", "name": "G", "admin": {"username": "a.admin", "display_name": "A", "password": "a-admin-password"}}),
    )
    .await;
    let a: Value = app.login("a.admin", "a-admin-password").await.json().await.unwrap();
    let a = a["access_token"].as_str().unwrap().to_owned();
    let a_id = my_id(&app, &a).await;
    let (b_id, b) = app.user_with(&a, "b.admin", &[("admin", "group", None)]).await;
    let disable = |token: String, target: String| {
        let app = &app;
        async move {
            app.patch(&format!("/api/v1/users/{target}"), &token, 1, &json!({"disabled": true}))
                .await
        }
    };
    let (x, y) = join(disable(a.clone(), b_id.clone()), disable(b.clone(), a_id.clone())).await;
    let mut statuses = [x.status().as_u16(), y.status().as_u16()];
    statuses.sort_unstable();
    // One of them disables the other; the other is then either refused as the last admin
    // (409) or already stopped, his session gone with his account (401).
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(matches!(statuses[1], 401 | 409), "{statuses:?}");
    let mut in_charge = 0;
    for token in [&a, &b] {
        if app.get("/api/v1/me", token).await.status() == 200 {
            in_charge += 1;
        }
    }
    assert_eq!(in_charge, 1, "exactly one administrator of the group is left");
}

async fn a_project_auditor_lists_the_users_of_his_project_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let [a, b, _] = &o.projects;
    let (in_a, _) =
        app.user_with(&admin, "staff.a", &[("cs_specialist", "project", Some(a))]).await;
    let (in_b, _) =
        app.user_with(&admin, "staff.b", &[("cs_specialist", "project", Some(b))]).await;
    let (auditor_id, auditor) =
        app.user_with(&admin, "audit.a", &[("auditor", "project", Some(a))]).await;
    let page: Value = app.get("/api/v1/users?limit=200", &auditor).await.json().await.unwrap();
    let mut listed = ids(&page);
    listed.sort();
    let mut expected = vec![in_a.clone(), auditor_id];
    expected.sort();
    assert_eq!(listed, expected, "the users granted in project A, no one else");
    assert_problem(app.get(&format!("/api/v1/users/{in_b}"), &auditor).await, 404, "not_found")
        .await;
    assert_eq!(app.get(&format!("/api/v1/users/{in_a}"), &auditor).await.status(), 200);
    // A company grant covers the company's projects' people.
    let (_, company) =
        app.user_with(&admin, "audit.c1", &[("auditor", "company", Some(&o.c1))]).await;
    let page: Value = app.get("/api/v1/users?limit=200", &company).await.json().await.unwrap();
    let listed = ids(&page);
    assert!(listed.contains(&in_a) && listed.contains(&in_b), "{page}");
}
