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

/// The records the operations name: a customer, a project and a complaint in it.
struct Fixture {
    customer: String,
    project: String,
    complaint: String,
}

fn operations(f: &Fixture, role: &str, clocks: &Value) -> Vec<Operation> {
    use Permission as P;
    let (customer, complaint) = (&f.customer, &f.complaint);
    vec![
        op(Method::GET, "/api/v1/complaints", None, P::ComplaintsRead),
        op(Method::GET, format!("/api/v1/complaints/{complaint}"), None, P::ComplaintsRead),
        op(Method::GET, format!("/api/v1/complaints/{complaint}/events"), None, P::ComplaintsRead),
        op(
            Method::POST,
            "/api/v1/complaints",
            Some(json!({"kind": "complaint", "channel": "phone", "project_id": f.project,
                "customer_id": customer, "description": format!("投诉 {role}")})),
            P::ComplaintsReceive,
        ),
        op(
            Method::POST,
            format!("/api/v1/complaints/{complaint}/transitions"),
            Some(json!({"action": "report_progress", "message": format!("进度 {role}")})),
            P::ComplaintsWork,
        ),
        op(
            Method::PATCH,
            format!("/api/v1/complaints/{complaint}"),
            Some(json!({"description": format!("补充 {role}")})),
            P::ComplaintsWork,
        ),
        op(
            Method::POST,
            format!("/api/v1/complaints/{complaint}/notes"),
            Some(json!({"text": format!("备注 {role}")})),
            P::ComplaintsWork,
        ),
        op(Method::GET, "/api/v1/problems", None, P::ComplaintsRead),
        op(
            Method::POST,
            "/api/v1/problems",
            Some(json!({"project_id": f.project, "title": format!("共性问题 {role}")})),
            P::ComplaintsWork,
        ),
        op(Method::GET, "/api/v1/customer-events", None, P::ComplaintsRead),
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
    if [Method::PUT, Method::PATCH].contains(&op.method)
        || op.path.ends_with("/erasure")
        || op.path.ends_with("/transitions")
    {
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
    let company = app
        .create("/api/v1/org/companies", &admin, json!({"name": "矩阵公司", "kind": "developer"}))
        .await;
    let project = app
        .create(
            "/api/v1/org/projects",
            &admin,
            json!({"company_id": id(&company), "name": "矩阵项目"}),
        )
        .await;
    let (_, receiver) =
        app.user_with(&admin, "matrix.receiver", &[("cs_manager", "group", None)]).await;
    let complaint = app
        .create(
            "/api/v1/complaints",
            &receiver,
            json!({"kind": "complaint", "channel": "phone", "project_id": id(&project),
                "customer_id": id(&customer), "description": "矩阵投诉"}),
        )
        .await;
    let fixture =
        Fixture { customer: id(&customer), project: id(&project), complaint: id(&complaint) };
    let policy: Value = app.get("/api/v1/policies/sla", &admin).await.json().await.unwrap();
    let mut failures = Vec::new();
    for role in Role::ALL.iter().filter(|r| **r != Role::PlatformOperator) {
        let (_, token) =
            app.user_with(&admin, &format!("r.{role}"), &[(role.as_str(), "group", None)]).await;
        for op in operations(&fixture, role.as_str(), &policy["clocks"]) {
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
