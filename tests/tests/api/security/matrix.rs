//! The access matrix: every role a group grants, against one operation of every resource. The
//! oracle is the role table of the domain (`Role::permits`): each endpoint must check the
//! permission the table says it needs — 2xx with it, 403 without.

use kefu_domain::access::{Permission, Role};
use kefu_tests::{Backend, TestApp, api::id, both_backends, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

both_backends! {
    every_role_reaches_exactly_what_its_permissions_say => every_role_reaches_exactly_what_its_permissions_say;
}

/// One operation and the permission it needs.
struct Operation {
    method: Method,
    path: String,
    body: Option<Value>,
    needs: Permission,
}

fn op(
    method: Method,
    path: impl Into<String>,
    body: Option<Value>,
    needs: Permission,
) -> Operation {
    Operation { method, path: path.into(), body, needs }
}

fn operations(customer: &str, role: &str, clocks: &Value) -> Vec<Operation> {
    use Permission as P;
    vec![
        op(Method::GET, "/api/v1/org/companies", None, P::OrgRead),
        op(
            Method::POST,
            "/api/v1/org/companies",
            Some(json!({"name": format!("公司 {role}"), "kind": "developer"})),
            P::OrgWrite,
        ),
        op(Method::GET, "/api/v1/customers", None, P::CustomersRead),
        op(
            Method::POST,
            "/api/v1/customers",
            Some(json!({"name": "客户", "phones": ["13812345678"], "units": []})),
            P::CustomersWrite,
        ),
        op(
            Method::GET,
            format!("/api/v1/customers/{customer}/phones"),
            None,
            P::CustomerPhonesRead,
        ),
        op(
            Method::GET,
            format!("/api/v1/customers/{customer}/export"),
            None,
            P::CustomerDataExport,
        ),
        // Final, so one erasure only: admin is the one role that may; the others get 403 first.
        op(
            Method::POST,
            format!("/api/v1/customers/{customer}/erasure"),
            Some(json!({"reason": "客户本人申请删除个人信息"})),
            P::CustomerDataErase,
        ),
        op(Method::GET, "/api/v1/users", None, P::UsersRead),
        op(
            Method::POST,
            "/api/v1/users",
            Some(
                json!({"username": format!("u.{role}"), "display_name": "u", "password": "u-password-1"}),
            ),
            P::UsersWrite,
        ),
        op(Method::GET, "/api/v1/integration-clients", None, P::ClientsManage),
        op(Method::GET, "/api/v1/groups", None, P::GroupsManage),
        op(Method::GET, "/api/v1/audit-events", None, P::AuditRead),
        op(Method::PUT, "/api/v1/policies/sla", Some(json!({"clocks": clocks})), P::RulesManage),
        op(
            Method::PUT,
            "/api/v1/policies/sla?template=true",
            Some(json!({"clocks": clocks})),
            P::CalendarsManage,
        ),
    ]
}

async fn send(app: &TestApp, token: &str, op: &Operation) -> u16 {
    let mut req = app.http.request(op.method.clone(), app.url(&op.path)).bearer_auth(token);
    if op.method == Method::PUT || op.path.ends_with("/erasure") {
        req = req.header("if-match", "*");
    }
    if let Some(body) = &op.body {
        req = req.json(body);
    }
    req.send().await.unwrap().status().as_u16()
}

async fn every_role_reaches_exactly_what_its_permissions_say(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let customer = app
        .create(
            "/api/v1/customers",
            &admin,
            json!({"name": "张伟", "phones": ["13812345678"], "units": []}),
        )
        .await;
    let policy: Value = app.get("/api/v1/policies/sla", &admin).await.json().await.unwrap();
    let mut failures = Vec::new();
    for role in Role::ALL.iter().filter(|r| **r != Role::PlatformOperator) {
        let (_, token) =
            app.user_with(&admin, &format!("r.{role}"), &[(role.as_str(), "group", None)]).await;
        for op in operations(&id(&customer), role.as_str(), &policy["clocks"]) {
            let status = send(&app, &token, &op).await;
            let allowed = role.permits(op.needs);
            let ok = if allowed { (200..300).contains(&status) } else { status == 403 };
            if !ok {
                failures.push(format!(
                    "{role} {} {}: {status} (allowed: {allowed})",
                    op.method, op.path
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
