//! The access matrix: every role a group grants, against one operation of every resource. The
//! oracle is the role table of the domain (`Role::permits`): each endpoint must check the
//! permission the table says it needs — 2xx with it, 403 without.

use std::collections::BTreeMap;

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

/// The records the operations name: a customer, a project and a complaint in it, a department
/// of the project's company, a work order about the complaint sent to that department, and a
/// contractor of the group.
struct Fixture {
    customer: String,
    company: String,
    project: String,
    complaint: String,
    department: String,
    work_order: String,
    contractor: String,
    /// A webhook subscription of the group.
    webhook: String,
    /// A photo of the complaint.
    attachment: String,
    /// The project's fund account (R-AP-3).
    fund_account: String,
    /// A satisfaction survey of the project (R-SAT-1).
    survey: String,
    /// The department's improvement plan, in draft (R-SAT-3).
    plan: String,
    /// An active user of the group, to own plan items.
    owner: String,
    /// The department's annual work plan, in draft (R-RP-13).
    work_plan: String,
    /// A typical case of the complaint (R-RP-4, R-RP-7).
    case: String,
    /// A department's reply and its approval move a work order on for good (the same action
    /// again is 409, which comes before the 403 of a missing permission): every role gets work
    /// orders of its own, by role name.
    own: BTreeMap<&'static str, OwnOrders>,
}

/// A role's own work orders: one just sent (to reply to) and one just replied (to approve).
struct OwnOrders {
    sent: String,
    replied: String,
}

fn operations(f: &Fixture, role: &str, clocks: &Value) -> Vec<Operation> {
    use Permission as P;
    let (customer, complaint) = (&f.customer, &f.complaint);
    let (order, contractor, own) = (&f.work_order, &f.contractor, &f.own[role]);
    vec![
        op(Method::GET, "/api/v1/complaints", None, P::ComplaintsRead),
        op(Method::GET, format!("/api/v1/complaints/{complaint}"), None, P::ComplaintsRead),
        op(Method::GET, format!("/api/v1/complaints/{complaint}/events"), None, P::ComplaintsRead),
        op(
            Method::GET,
            format!("/api/v1/complaints/{complaint}/attachments"),
            None,
            P::ComplaintsRead,
        ),
        op(Method::GET, format!("/api/v1/attachments/{}", f.attachment), None, P::ComplaintsRead),
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
        op(Method::GET, "/api/v1/work-orders", None, P::WorkOrdersRead),
        op(Method::GET, format!("/api/v1/work-orders/{order}"), None, P::WorkOrdersRead),
        op(
            Method::POST,
            format!("/api/v1/complaints/{complaint}/work-orders"),
            Some(json!({"department_id": f.department, "request": format!("联系单 {role}")})),
            P::WorkOrdersManage,
        ),
        // An apology leaves the work order's state as it is: every role tries it on one order.
        op(
            Method::POST,
            format!("/api/v1/work-orders/{order}/transitions"),
            Some(json!({"action": "apologize", "means": "phone", "note": format!("致歉 {role}")})),
            P::WorkOrdersManage,
        ),
        op(
            Method::POST,
            format!("/api/v1/work-orders/{}/transitions", own.sent),
            Some(json!({"action": "reply", "proposal": format!("方案 {role}")})),
            P::WorkOrdersRespond,
        ),
        op(
            Method::POST,
            format!("/api/v1/work-orders/{}/transitions", own.replied),
            Some(json!({"action": "approve_reply"})),
            P::WorkOrdersApprove,
        ),
        op(Method::GET, "/api/v1/contractors", None, P::WorkOrdersRead),
        op(Method::GET, format!("/api/v1/contractors/{contractor}"), None, P::WorkOrdersRead),
        op(
            Method::POST,
            "/api/v1/contractors",
            Some(json!({"name": format!("施工单位 {role}")})),
            P::ContractorsManage,
        ),
        op(
            Method::PATCH,
            format!("/api/v1/contractors/{contractor}"),
            Some(json!({"licence": format!("LIC-{role}")})),
            P::ContractorsManage,
        ),
        op(Method::GET, "/api/v1/webhooks", None, P::WebhooksManage),
        op(Method::GET, format!("/api/v1/webhooks/{}", f.webhook), None, P::WebhooksManage),
        op(
            Method::GET,
            format!("/api/v1/webhooks/{}/deliveries", f.webhook),
            None,
            P::WebhooksManage,
        ),
        op(
            Method::POST,
            "/api/v1/webhooks",
            Some(json!({"url": format!("https://crm.example.com/{role}")})),
            P::WebhooksManage,
        ),
        op(
            Method::PATCH,
            format!("/api/v1/webhooks/{}", f.webhook),
            Some(json!({"description": format!("CRM {role}")})),
            P::WebhooksManage,
        ),
        op(Method::GET, "/api/v1/callbacks", None, P::ComplaintsRead),
        op(Method::GET, "/api/v1/callbacks/batches", None, P::ComplaintsRead),
        op(
            Method::GET,
            "/api/v1/stats/complaints?from=2026-10-01&to=2026-12-31&group_by=grade",
            None,
            P::ReportsRead,
        ),
        op(
            Method::POST,
            "/api/v1/callbacks/batches",
            Some(json!({"week_of": "2026-10-05", "dry_run": true})),
            P::CallbacksPlan,
        ),
        op(Method::GET, "/api/v1/fund-accounts", None, P::FundsRead),
        op(Method::GET, format!("/api/v1/fund-accounts/{}", f.fund_account), None, P::FundsRead),
        op(
            Method::GET,
            format!("/api/v1/fund-accounts/{}/entries", f.fund_account),
            None,
            P::FundsRead,
        ),
        op(
            Method::POST,
            format!("/api/v1/fund-accounts/{}/credits", f.fund_account),
            Some(json!({"source": "added_cost", "amount_fen": 100})),
            P::FundsManage,
        ),
        op(
            Method::POST,
            format!("/api/v1/fund-accounts/{}/disbursements", f.fund_account),
            Some(json!({"complaint_id": complaint, "amount_fen": 100, "use": "repair"})),
            P::ComplaintsWork,
        ),
        op(Method::GET, "/api/v1/surveys", None, P::SurveysRead),
        op(Method::GET, format!("/api/v1/surveys/{}", f.survey), None, P::SurveysRead),
        op(Method::GET, format!("/api/v1/surveys/{}/results", f.survey), None, P::SurveysRead),
        op(Method::GET, format!("/api/v1/surveys/{}/answers", f.survey), None, P::SurveysRead),
        op(Method::GET, format!("/api/v1/surveys/{}/comments", f.survey), None, P::SurveysRead),
        op(
            Method::POST,
            "/api/v1/surveys",
            Some(json!({"name": format!("调查 {role}"), "company_id": f.company,
                "project_ids": [f.project]})),
            P::SurveysManage,
        ),
        op(
            Method::PATCH,
            format!("/api/v1/surveys/{}", f.survey),
            Some(json!({"name": format!("调查 {role}")})),
            P::SurveysManage,
        ),
        op(Method::GET, "/api/v1/improvement-plans", None, P::SurveysRead),
        op(Method::GET, format!("/api/v1/improvement-plans/{}", f.plan), None, P::SurveysRead),
        op(
            Method::POST,
            "/api/v1/improvement-plans",
            Some(
                json!({"department_id": f.department, "year": 2030 + Role::ALL.iter().position(|r| r.as_str() == role).unwrap_or(0),
                "items": [{"title": format!("整改 {role}"), "owner_id": f.owner, "due_on": "2031-03-31"}]}),
            ),
            P::ImprovementPlansWrite,
        ),
        op(
            Method::PATCH,
            format!("/api/v1/improvement-plans/{}", f.plan),
            Some(json!({"items": [{"title": format!("整改 {role}"), "owner_id": f.owner,
                "due_on": "2027-06-30"}]})),
            P::ImprovementPlansWrite,
        ),
        op(Method::GET, "/api/v1/reports/definitions", None, P::ReportsRead),
        op(Method::GET, "/api/v1/reports/schedule?year=2026", None, P::ReportsRead),
        op(Method::GET, "/api/v1/reports/obligations", None, P::ReportsRead),
        op(
            Method::GET,
            "/api/v1/reports/completion?from=2026-10-01&to=2026-10-31",
            None,
            P::ReportsRead,
        ),
        op(
            Method::PUT,
            "/api/v1/reports/definitions",
            Some(json!({"definitions": []})),
            P::ReportsManage,
        ),
        op(Method::GET, "/api/v1/work-plans", None, P::ReportsRead),
        op(Method::GET, format!("/api/v1/work-plans/{}", f.work_plan), None, P::ReportsRead),
        op(Method::GET, "/api/v1/work-plans/completion?year=2027", None, P::ReportsRead),
        op(
            Method::POST,
            "/api/v1/work-plans",
            Some(json!({"kind": "annual", "year": 2027, "department_id": f.department,
                "title": format!("计划 {role}"), "items": [{"title": "回访", "due_on": "2027-06-30"}]})),
            P::WorkPlansWrite,
        ),
        op(
            Method::PATCH,
            format!("/api/v1/work-plans/{}", f.work_plan),
            Some(json!({"title": format!("计划 {role}")})),
            P::WorkPlansWrite,
        ),
        op(Method::GET, "/api/v1/cases", None, P::ReportsRead),
        op(Method::GET, format!("/api/v1/cases/{}", f.case), None, P::ReportsRead),
        op(
            Method::POST,
            "/api/v1/cases",
            Some(json!({"title": format!("案例 {role}"), "complaint_ids": [complaint],
                "facts": "经过", "analysis": "", "measures": "", "lessons": ""})),
            P::ReportsSubmit,
        ),
        op(
            Method::PATCH,
            format!("/api/v1/cases/{}", f.case),
            Some(json!({"lessons": format!("教训 {role}")})),
            P::ReportsSubmit,
        ),
        op(Method::GET, "/api/v1/performance/responsibilities?month=2026-09", None, P::ReportsRead),
        op(Method::GET, "/api/v1/performance/statements?month=2026-09", None, P::ReportsRead),
        op(Method::GET, "/api/v1/performance/scores?year=2026", None, P::ReportsRead),
        op(Method::GET, "/api/v1/approvals", None, P::ComplaintsRead),
        op(
            Method::POST,
            "/api/v1/approvals",
            Some(
                json!({"document": "ticket", "complaint_id": complaint, "summary": format!("报批 {role}")}),
            ),
            P::ComplaintsWork,
        ),
        op(Method::GET, "/api/v1/policies/approvals", None, P::OrgRead),
        op(
            Method::PUT,
            "/api/v1/policies/approvals",
            Some(json!({"preset": "jinyu-2012"})),
            P::RulesManage,
        ),
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

/// Sends a work order about `complaint` to `department` as `token`; its id.
async fn send_order(app: &TestApp, token: &str, complaint: &str, department: &str) -> String {
    let order = app
        .create(
            &format!("/api/v1/complaints/{complaint}/work-orders"),
            token,
            json!({"department_id": department, "request": "请核实并回复"}),
        )
        .await;
    id(&order)
}

/// Takes `body` on a work order as `token`, which must succeed.
async fn act_on_order(app: &TestApp, token: &str, order: &str, body: Value) {
    let res = app
        .http
        .post(app.url(&format!("/api/v1/work-orders/{order}/transitions")))
        .bearer_auth(token)
        .header("if-match", "*")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{body}");
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
    let (owner, receiver) =
        app.user_with(&admin, "matrix.receiver", &[("cs_manager", "group", None)]).await;
    let complaint = app
        .create(
            "/api/v1/complaints",
            &receiver,
            json!({"kind": "complaint", "channel": "phone", "project_id": id(&project),
                "customer_id": id(&customer), "description": "矩阵投诉"}),
        )
        .await;
    let department = app
        .create(
            "/api/v1/org/departments",
            &admin,
            json!({"company_id": id(&company), "name": "矩阵工程部", "kind": "engineering"}),
        )
        .await;
    let (complaint, department) = (id(&complaint), id(&department));
    let (_, coordinator) = app
        .user_with(
            &admin,
            "matrix.coordinator",
            &[("dept_coordinator", "department", Some(&department))],
        )
        .await;
    let work_order = send_order(&app, &receiver, &complaint, &department).await;
    let contractor = app.create("/api/v1/contractors", &admin, json!({"name": "矩阵建设"})).await;
    let webhook =
        app.create("/api/v1/webhooks", &admin, json!({"url": "https://crm.example.com/h"})).await;
    let photo = reqwest::multipart::Part::bytes(vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3])
        .file_name("photo.jpg");
    let attachment: Value = app
        .http
        .post(app.url(&format!("/api/v1/complaints/{complaint}/attachments")))
        .bearer_auth(&receiver)
        .multipart(reqwest::multipart::Form::new().part("file", photo))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (_, finance) = app.user_with(&admin, "matrix.finance", &[("finance", "group", None)]).await;
    let account =
        app.create("/api/v1/fund-accounts", &finance, json!({"project_id": id(&project)})).await;
    let survey = app
        .create(
            "/api/v1/surveys",
            &receiver,
            json!({"name": "矩阵调查", "company_id": id(&company), "project_ids": [id(&project)]}),
        )
        .await;
    let plan = app
        .create(
            "/api/v1/improvement-plans",
            &receiver,
            json!({"department_id": department, "year": 2027,
                "items": [{"title": "整改", "owner_id": owner, "due_on": "2027-06-30"}]}),
        )
        .await;
    let work_plan = app
        .create(
            "/api/v1/work-plans",
            &receiver,
            json!({"kind": "annual", "year": 2027, "department_id": department, "title": "年度计划",
                "items": [{"title": "回访", "owner_id": owner, "due_on": "2027-06-30"}]}),
        )
        .await;
    let case = app
        .create(
            "/api/v1/cases",
            &receiver,
            json!({"title": "案例", "complaint_ids": [complaint], "facts": "经过", "analysis": "",
                "measures": "", "lessons": ""}),
        )
        .await;
    let mut own = BTreeMap::new();
    for role in Role::ALL.iter().filter(|r| **r != Role::PlatformOperator) {
        let sent = send_order(&app, &receiver, &complaint, &department).await;
        let replied = send_order(&app, &receiver, &complaint, &department).await;
        let reply = json!({"action": "reply", "proposal": "更换防水层"});
        act_on_order(&app, &coordinator, &replied, reply).await;
        own.insert(role.as_str(), OwnOrders { sent, replied });
    }
    let fixture = Fixture {
        customer: id(&customer),
        project: id(&project),
        complaint,
        department,
        work_order,
        contractor: id(&contractor),
        webhook: id(&webhook["webhook"]),
        attachment: id(&attachment),
        fund_account: id(&account),
        survey: id(&survey),
        plan: id(&plan),
        work_plan: id(&work_plan),
        case: id(&case),
        owner,
        company: id(&company),
        own,
    };
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
