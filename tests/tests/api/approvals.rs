//! Approvals (R-AP) and the customer-service fund (R-AP-3): every cell of the R-AP table and of
//! the `service-fund` preset through the route endpoint, a 1,200,000 fen compensation blocked
//! until its countersign and the president's approval, reject / return / resubmit, a matrix
//! edit that leaves requests under way alone, the R-T-8 step clocks, `approve_plan` waiting
//! for the final plan, and 20 concurrent payments against a balance that covers 7.

use futures_util::future::join_all;
use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use reqwest::Response;
use serde_json::{Value, json};

both_backends! {
    r_ap_table_every_cell_through_the_route => r_ap_table_every_cell_through_the_route;
    r_ap_3_service_fund_preset_routes_by_amount => r_ap_3_service_fund_preset_routes_by_amount;
    r_ap_3_a_compensation_is_paid_only_after_its_approval => r_ap_3_a_compensation_is_paid_only_after_its_approval;
    r_ap_1_countersign_reject_return_and_resubmit => r_ap_1_countersign_reject_return_and_resubmit;
    r_ap_1_named_vps_all_countersign_a_proposal => r_ap_1_named_vps_all_countersign_a_proposal;
    a_matrix_edit_leaves_requests_under_way_alone => a_matrix_edit_leaves_requests_under_way_alone;
    r_t_8_each_step_runs_its_approval_clock => r_t_8_each_step_runs_its_approval_clock;
    approve_plan_waits_for_the_final_plans_approval => approve_plan_waits_for_the_final_plans_approval;
    a_grade_is_lowered_only_through_its_approval => a_grade_is_lowered_only_through_its_approval;
    r_ap_2_the_committee_decides_in_writing_or_at_a_meeting => r_ap_2_the_committee_decides_in_writing_or_at_a_meeting;
    twenty_decisions_with_one_etag_count_once => twenty_decisions_with_one_etag_count_once;
    requests_refuse_what_their_route_cannot_take => requests_refuse_what_their_route_cannot_take;
    a_project_scoped_user_sees_no_other_projects_fund => a_project_scoped_user_sees_no_other_projects_fund;
    r_ap_4_a_key_account_request_and_the_inbox => r_ap_4_a_key_account_request_and_the_inbox;
}

fn step(kind: &str, roles: &[&str]) -> Value {
    json!({"kind": kind, "roles": roles, "mode": "all"})
}

async fn route(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/policies/approvals/route?{query}"), token).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{query}: {body}");
    body
}

/// R-AP table (004 §3.9.5): one step per cell, reviews then approves; a cell naming several
/// roles is a countersign (`all`); "center GM or VP" is its own `any` step; 500 / 10,000 yuan
/// are 50,000 / 1,000,000 fen.
async fn r_ap_table_every_cell_through_the_route(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let center = json!([
        step("review", &["cs_manager", "customer_director"]),
        step("approve", &["office_director"])
    ]);
    for grade in ["general", "important", "major"] {
        let r = route(&app, &admin, &format!("document=ticket&grade={grade}")).await;
        assert_eq!(r["steps"], center, "ticket {grade}");
        assert_eq!((r["policy_version"].as_i64(), &r["grade"]), (Some(0), &json!(grade)));
    }
    for document in ["proposal", "final_plan"] {
        let r = route(&app, &admin, &format!("document={document}&grade=general")).await;
        assert_eq!(r["steps"], center, "{document} general");
    }
    for grade in ["important", "major"] {
        let r = route(&app, &admin, &format!("document=proposal&grade={grade}")).await;
        assert_eq!(
            r["steps"],
            json!([step("review", &["cs_manager", "customer_director", "dept_head"]),
                step("approve", &["office_director"]),
                {"kind": "approve", "roles": ["general_manager", "vp"], "mode": "any"}]),
            "contact sheet {grade}"
        );
        let r = route(&app, &admin, &format!("document=final_plan&grade={grade}")).await;
        assert_eq!(
            r["steps"],
            json!([
                step("review", &["office_director", "customer_director"]),
                step("approve", &["vp"])
            ]),
            "final plan {grade}"
        );
    }
    let small = json!([step("review", &["cs_manager"]), step("approve", &["customer_director"])]);
    let middle = json!([
        step("review", &["office_director", "customer_director"]),
        step("approve", &["vp"])
    ]);
    let large =
        json!([step("review", &["office_director", "vp"]), step("approve", &["president"])]);
    for (amount, expected) in [
        (0, &small),
        (49_999, &small),
        (50_000, &middle),
        (999_999, &middle),
        (1_000_000, &large),
        (10_000_000, &large),
    ] {
        for grade in ["general", "major"] {
            let q = format!("document=fund_disbursement&grade={grade}&amount_fen={amount}");
            let r = route(&app, &admin, &q).await;
            assert_eq!(&r["steps"], expected, "{amount} fen, {grade}");
            assert_eq!(r["amount_fen"], amount);
        }
    }
    for document in ["grade_lowering", "key_account_request"] {
        let r = route(&app, &admin, &format!("document={document}&grade=important")).await;
        assert_eq!(r["steps"], small, "{document}");
    }
    // R-AP-2: the committee's written countersign.
    let r = route(&app, &admin, "document=committee_decision&grade=major").await;
    assert_eq!(
        r["steps"],
        json!([
            step("review", &["customer_director"]),
            step("approve", &["office_director"]),
            step("approve", &["president"])
        ])
    );
    let res = app.get("/api/v1/policies/approvals/route?document=fund_disbursement", &admin).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "no_route");
    let res = app.get("/api/v1/policies/approvals/route?document=memo", &admin).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "document");
}

async fn put_policy(
    app: &TestApp,
    token: &str,
    query: &str,
    version: i64,
    body: &Value,
) -> Response {
    app.http
        .put(app.url(&format!("/api/v1/policies/approvals{query}")))
        .bearer_auth(token)
        .header("if-match", format!("\"{version}\""))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// R-AP-3 (001): below 10,000 yuan the CS manager reviews and the development director
/// approves; 10,000 – 100,000 yuan the general manager; above, the regional headquarters.
async fn r_ap_3_service_fund_preset_routes_by_amount(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let res = put_policy(&app, &admin, "", 0, &json!({"preset": "service-fund"})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let stored: Value = res.json().await.unwrap();
    assert_eq!((&stored["preset"], &stored["version"]), (&json!("service-fund"), &json!(1)));
    let small =
        json!([step("review", &["cs_manager"]), step("approve", &["development_director"])]);
    let gm = json!([step("approve", &["general_manager"])]);
    let hq = json!([step("approve", &["regional_hq"])]);
    for (amount, expected) in [
        (0, &small),
        (49_999, &small),
        (50_000, &small),
        (999_999, &small),
        (1_000_000, &gm),
        (10_000_000, &gm),
        (10_000_001, &hq),
    ] {
        let r =
            route(&app, &admin, &format!("document=fund_disbursement&amount_fen={amount}")).await;
        assert_eq!((&r["steps"], &r["policy_version"]), (expected, &json!(1)), "{amount} fen");
    }
    // The other documents keep the R-AP table.
    let r = route(&app, &admin, "document=final_plan&grade=major").await;
    assert_eq!(r["steps"][1], step("approve", &["vp"]));
    // Stale, unknown and malformed edits change nothing.
    let stale = put_policy(&app, &admin, "", 0, &json!({"preset": "jinyu-2012"})).await;
    assert_problem(stale, 412, "stale_version").await;
    let unknown = put_policy(&app, &admin, "", 1, &json!({"preset": "nowhere"})).await;
    assert_eq!(
        assert_problem(unknown, 422, "validation_failed").await["errors"][0]["field"],
        "preset"
    );
    let bad = json!({"rows": [{"document": "ticket", "grade": "any", "min_fen": 10, "max_fen": 5,
        "steps": [{"kind": "approve", "roles": [], "mode": "any"}]}]});
    let problem =
        assert_problem(put_policy(&app, &admin, "", 1, &bad).await, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["rows[0].max_fen", "rows[0].steps[0].roles"]);
    let (_, specialist) =
        app.user_with(&admin, "specialist", &[("cs_specialist", "group", None)]).await;
    let denied = put_policy(&app, &specialist, "", 1, &json!({"preset": "jinyu-2012"})).await;
    assert_problem(denied, 403, "forbidden").await;
    let res = app.get("/api/v1/policies/approvals", &specialist).await;
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 1);
}

/// The people of an approval round, each group-wide.
struct Round {
    admin: String,
    org: kefu_tests::org::Org,
    specialist: String,
    manager: String,
    director: String,
    office: String,
    vp: String,
    president: String,
    finance: String,
}

async fn round(app: &TestApp) -> Round {
    let admin = app.admin_token().await;
    let org = org(app, &admin).await;
    let mut tokens = Vec::new();
    for role in [
        "cs_specialist",
        "cs_manager",
        "customer_director",
        "office_director",
        "vp",
        "president",
        "finance",
    ] {
        tokens.push(app.user_with(&admin, role, &[(role, "group", None)]).await.1);
    }
    let [specialist, manager, director, office, vp, president, finance] =
        tokens.try_into().unwrap();
    Round { admin, org, specialist, manager, director, office, vp, president, finance }
}

/// A complaint of project A, raised to `grade` by hand when it is above general.
async fn complaint(app: &TestApp, r: &Round, grade: &str) -> Value {
    let body = json!({"kind": "complaint", "channel": "phone", "project_id": r.org.projects[0],
        "customer_id": r.org.customers[0], "unit_id": r.org.units[0],
        "category": "construction_quality", "description": "外墙渗水，室内装修受损"});
    let c = app.create("/api/v1/complaints", &r.specialist, body).await;
    if grade == "general" {
        return c;
    }
    let path = format!("/api/v1/complaints/{}", id(&c));
    let raise = json!({"grade": grade, "grade_reason": "损失较大"});
    let res = app.patch(&path, &r.manager, c["version"].as_i64().unwrap(), &raise).await;
    assert_eq!(res.status(), 200);
    let c: Value = res.json().await.unwrap();
    assert_eq!(c["grade"], grade);
    c
}

/// Project A's fund account holding `balance` fen.
async fn account(app: &TestApp, r: &Round, balance: i64) -> Value {
    let a = app
        .create("/api/v1/fund-accounts", &r.finance, json!({"project_id": r.org.projects[0]}))
        .await;
    assert_eq!(a["balance_fen"], 0);
    let path = format!("/api/v1/fund-accounts/{}/credits", id(&a));
    let credit =
        json!({"source": "project_reserve", "amount_fen": balance, "reference": "立项预留"});
    let credited = app.create(&path, &r.finance, credit).await;
    assert_eq!(credited["account"]["balance_fen"], balance);
    assert_eq!(credited["entry"]["balance_after_fen"], balance);
    credited["account"].clone()
}

async fn approval(app: &TestApp, token: &str, approval_id: &str) -> Value {
    let res = app.get(&format!("/api/v1/approvals/{approval_id}"), token).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn decide_raw(app: &TestApp, token: &str, a: &Value, body: &Value) -> Response {
    app.http
        .post(app.url(&format!("/api/v1/approvals/{}/decisions", id(a))))
        .bearer_auth(token)
        .header("if-match", format!("\"{}\"", a["version"]))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A decision that must pass; the request after it.
async fn decide(app: &TestApp, token: &str, a: &Value, decision: &str) -> Value {
    let body = json!({"decision": decision, "comment": "意见"});
    let res = decide_raw(app, token, a, &body).await;
    let status = res.status();
    let after: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{decision}: {after}");
    assert_eq!(after["version"], a["version"].as_i64().unwrap() + 1);
    after
}

async fn pay(app: &TestApp, token: &str, disbursement: &Value) -> Response {
    let path = format!("/api/v1/disbursements/{}/pay", id(disbursement));
    app.post(&path, token, &json!({"reference": "FK-2026-0012"})).await
}

async fn disburse(
    app: &TestApp,
    r: &Round,
    account: &Value,
    complaint: &Value,
    amount: i64,
) -> Value {
    let path = format!("/api/v1/fund-accounts/{}/disbursements", id(account));
    let body = json!({"complaint_id": id(complaint), "amount_fen": amount, "use": "compensation",
        "summary": "赔偿业主装修损失"});
    let d = app.create(&path, &r.specialist, body).await;
    assert_eq!(d["state"], "awaiting_approval");
    d
}

/// R-AP-3 and the R-AP table's last row: a 1,200,000 fen compensation on an important
/// complaint waits for the office director's and the VP's countersigned review and the
/// president's approval; paying earlier names the pending step and its roles; then the
/// balance drops by exactly the amount.
async fn r_ap_3_a_compensation_is_paid_only_after_its_approval(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let c = complaint(&app, &r, "important").await;
    let acc = account(&app, &r, 5_000_000).await;
    let d = disburse(&app, &r, &acc, &c, 1_200_000).await;
    let a = approval(&app, &r.finance, d["approval_id"].as_str().unwrap()).await;
    assert_eq!(
        (&a["document"], &a["grade"], &a["amount_fen"]),
        (&json!("fund_disbursement"), &json!("important"), &json!(1_200_000))
    );
    assert_eq!(
        a["steps"],
        json!([step("review", &["office_director", "vp"]), step("approve", &["president"])])
    );
    // Paying needs no body; before the approval completes it names the step awaited.
    let bare = app
        .http
        .post(app.url(&format!("/api/v1/disbursements/{}/pay", id(&d))))
        .bearer_auth(&r.finance)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(bare, 409, "approval_pending").await;
    assert_eq!(problem["pending_step"]["index"], 0);
    assert_eq!(problem["pending_step"]["kind"], "review");
    assert_eq!(problem["pending_step"]["roles"], json!(["office_director", "vp"]));
    assert_eq!(problem["pending_step"]["awaited_roles"], json!(["office_director", "vp"]));
    // The president may not jump the queue; the office director reviews first.
    let early = decide_raw(&app, &r.president, &a, &json!({"decision": "approve"})).await;
    assert_problem(early, 403, "not_your_step").await;
    let a = decide(&app, &r.office, &a, "approve").await;
    assert_eq!((&a["current_step"], &a["awaited_roles"]), (&json!(0), &json!(["vp"])));
    let problem = assert_problem(pay(&app, &r.finance, &d).await, 409, "approval_pending").await;
    assert_eq!(problem["pending_step"]["awaited_roles"], json!(["vp"]));
    let a = decide(&app, &r.vp, &a, "approve").await;
    assert_eq!((&a["current_step"], &a["awaited_roles"]), (&json!(1), &json!(["president"])));
    let problem = assert_problem(pay(&app, &r.finance, &d).await, 409, "approval_pending").await;
    assert_eq!(
        (&problem["pending_step"]["kind"], &problem["pending_step"]["roles"]),
        (&json!("approve"), &json!(["president"]))
    );
    let a = decide(&app, &r.president, &a, "approve").await;
    assert_eq!(a["state"], "approved");
    let d = app
        .get(&format!("/api/v1/disbursements/{}", id(&d)), &r.specialist)
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(d["state"], "approved");
    // Only finance pays.
    assert_problem(pay(&app, &r.specialist, &d).await, 403, "forbidden").await;
    let res = pay(&app, &r.finance, &d).await;
    assert_eq!(res.status(), 200);
    let paid: Value = res.json().await.unwrap();
    assert_eq!(paid["state"], "paid");
    assert_problem(pay(&app, &r.finance, &d).await, 409, "not_payable").await;
    let acc = app
        .get(&format!("/api/v1/fund-accounts/{}", id(&acc)), &r.finance)
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(acc["balance_fen"], 5_000_000 - 1_200_000);
    let entries: Value = app
        .get(&format!("/api/v1/fund-accounts/{}/entries", id(&acc)), &r.finance)
        .await
        .json()
        .await
        .unwrap();
    let last = &entries["items"][1];
    assert_eq!(
        (&last["direction"], &last["category"], &last["amount_fen"]),
        (&json!("debit"), &json!("compensation"), &json!(1_200_000))
    );
    assert_eq!((&last["balance_after_fen"], &last["complaint_id"]), (&json!(3_800_000), &c["id"]));
    let csv = app
        .get(&format!("/api/v1/fund-accounts/{}/entries?format=csv", id(&acc)), &r.finance)
        .await;
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.lines().nth(2).unwrap().contains(",debit,compensation,1200000,3800000,"));
    let xlsx = app
        .get(&format!("/api/v1/fund-accounts/{}/entries?format=xlsx", id(&acc)), &r.finance)
        .await;
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let bytes = xlsx.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04") && bytes.len() > 1000, "a zip container");
    // The specialist reads no ledger; the decisions are on the complaint's timeline.
    let denied =
        app.get(&format!("/api/v1/fund-accounts/{}/entries", id(&acc)), &r.specialist).await;
    assert_problem(denied, 403, "forbidden").await;
    let timeline: Value = app
        .get(&format!("/api/v1/complaints/{}/events", id(&c)), &r.specialist)
        .await
        .json()
        .await
        .unwrap();
    let items = timeline["items"].as_array().unwrap_or_else(|| timeline.as_array().unwrap());
    let approvals = items.iter().filter(|e| e["kind"] == "approval").count();
    assert_eq!(approvals, 4, "submitted and three decisions: {timeline}");
    assert!(items.iter().any(|e| e["kind"] == "fund" && e["action"] == "paid"));
}

/// R-AP-1, R-AP table: a countersign needs every listed role; one rejection ends the request
/// (and its disbursement); a return goes to the preparer with a comment, and his resubmission
/// restarts the steps. The preparer never decides his own request; one user decides a step once.
async fn r_ap_1_countersign_reject_return_and_resubmit(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let c = complaint(&app, &r, "general").await;
    let acc = account(&app, &r, 1_000_000).await;
    // 60,000 fen: the office director and the customer director countersign, the VP approves.
    let d = disburse(&app, &r, &acc, &c, 60_000).await;
    let a = approval(&app, &r.director, d["approval_id"].as_str().unwrap()).await;
    assert_eq!(a["can_decide"], true);
    let a = decide(&app, &r.office, &a, "approve").await;
    let twice = decide_raw(&app, &r.office, &a, &json!({"decision": "approve"})).await;
    assert_problem(twice, 409, "already_decided").await;
    let a = decide(&app, &r.director, &a, "reject").await;
    assert_eq!((&a["state"], &a["current_step"]), (&json!("rejected"), &Value::Null));
    let after = decide_raw(&app, &r.vp, &a, &json!({"decision": "approve"})).await;
    assert_problem(after, 409, "approval_not_pending").await;
    assert_problem(pay(&app, &r.finance, &d).await, 409, "not_payable").await;

    // A contact sheet prepared by the specialist: he may not decide it; a return needs a
    // comment; the resubmission starts again at the first step.
    let (_, cs2) = app.user_with(&r.admin, "manager2", &[("cs_manager", "group", None)]).await;
    let body = json!({"document": "ticket", "complaint_id": id(&c), "summary": "受理单报批"});
    let a = app.create("/api/v1/approvals", &r.manager, body).await;
    assert_eq!(a["steps"][0]["roles"], json!(["cs_manager", "customer_director"]));
    assert_eq!(a["can_decide"], false, "the preparer");
    let own = decide_raw(&app, &r.manager, &a, &json!({"decision": "approve"})).await;
    assert_problem(own, 403, "own_request").await;
    let a = decide(&app, &cs2, &a, "approve").await;
    assert_eq!(a["awaited_roles"], json!(["customer_director"]));
    let bare = decide_raw(&app, &r.director, &a, &json!({"decision": "return"})).await;
    assert_eq!(
        assert_problem(bare, 422, "validation_failed").await["errors"][0]["field"],
        "comment"
    );
    let a = decide(&app, &r.director, &a, "return").await;
    assert_eq!((&a["state"], &a["return_comment"]), (&json!("returned"), &json!("意见")));
    let resubmit = |token: String, a: Value| {
        let app = &app;
        async move {
            app.http
                .post(app.url(&format!("/api/v1/approvals/{}/resubmissions", id(&a))))
                .bearer_auth(token)
                .header("if-match", format!("\"{}\"", a["version"]))
                .json(&json!({"comment": "已补充报价单"}))
                .send()
                .await
                .unwrap()
        }
    };
    assert_problem(resubmit(cs2.clone(), a.clone()).await, 403, "not_preparer").await;
    let res = resubmit(r.manager.clone(), a.clone()).await;
    assert_eq!(res.status(), 200);
    let a: Value = res.json().await.unwrap();
    assert_eq!(
        (&a["state"], &a["round"], &a["current_step"]),
        (&json!("pending"), &json!(2), &json!(0))
    );
    assert_eq!(a["awaited_roles"], json!(["cs_manager", "customer_director"]));
    let a = decide(&app, &cs2, &a, "approve").await;
    let a = decide(&app, &r.director, &a, "approve").await;
    assert_eq!(a["awaited_roles"], json!(["office_director"]));
    let a = decide(&app, &r.office, &a, "approve").await;
    assert_eq!(a["state"], "approved");
    let full = approval(&app, &r.manager, &id(&a)).await;
    let rounds: Vec<i64> = full["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["round"].as_i64().unwrap())
        .collect();
    assert_eq!(rounds, [1, 1, 2, 2, 2]);
}

/// R-AP-1: the VPs concerned all countersign an important contact sheet when the request
/// names them; the center's general manager alone no longer suffices.
async fn r_ap_1_named_vps_all_countersign_a_proposal(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let c = complaint(&app, &r, "important").await;
    let (vp2_id, vp2) = app.user_with(&r.admin, "vp2", &[("vp", "group", None)]).await;
    let me: Value = app.get("/api/v1/me", &r.vp).await.json().await.unwrap();
    let vp1_id = me["id"].as_str().or(me["user"]["id"].as_str()).unwrap().to_owned();
    let dept = Some(r.org.departments[0].as_str());
    let (_, head) = app.user_with(&r.admin, "head", &[("dept_head", "department", dept)]).await;
    let (_, gm) = app.user_with(&r.admin, "gm", &[("general_manager", "group", None)]).await;
    let body = json!({"document": "proposal", "complaint_id": id(&c), "department_id": r.org.departments[0],
        "summary": "工程中心建议方案", "named_users": [{"step": 2, "user_ids": [vp1_id, vp2_id]}]});
    let mut a = app.create("/api/v1/approvals", &r.specialist, body).await;
    assert_eq!(a["named_users"], json!([{"step": 2, "user_ids": [vp1_id, vp2_id]}]));
    for token in [&r.manager, &r.director, &head, &r.office] {
        a = decide(&app, token, &a, "approve").await;
    }
    assert_eq!(a["current_step"], 2);
    // The center's GM may approve the "GM or VP" step, but the named VPs still countersign.
    let a = decide(&app, &gm, &a, "approve").await;
    assert_eq!(a["state"], "pending");
    let a = decide(&app, &r.vp, &a, "approve").await;
    assert_eq!(a["state"], "pending", "both VPs countersign");
    let a = decide(&app, &vp2, &a, "approve").await;
    assert_eq!(a["state"], "approved");
}

/// A request keeps the route of the version it started under; a new one takes the new route.
async fn a_matrix_edit_leaves_requests_under_way_alone(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let c = complaint(&app, &r, "general").await;
    let acc = account(&app, &r, 1_000_000).await;
    let before = disburse(&app, &r, &acc, &c, 60_000).await;
    let a = approval(&app, &r.office, before["approval_id"].as_str().unwrap()).await;
    let a = decide(&app, &r.office, &a, "approve").await;
    let res = put_policy(&app, &r.admin, "", 0, &json!({"preset": "service-fund"})).await;
    assert_eq!(res.status(), 200);
    // A company override wins over the group's matrix for its company only.
    let rows = json!({"rows": [{"document": "fund_disbursement", "grade": "any",
        "steps": [{"kind": "approve", "roles": ["finance"], "mode": "any"}]}]});
    let res = put_policy(&app, &r.admin, &format!("?company_id={}", r.org.c2), 0, &rows).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let q = format!("document=fund_disbursement&amount_fen=60000&company_id={}", r.org.c2);
    assert_eq!(route(&app, &r.admin, &q).await["steps"], rows["rows"][0]["steps"]);
    let a = approval(&app, &r.director, &id(&a)).await;
    assert_eq!((&a["policy_version"], &a["steps"][1]["roles"]), (&json!(0), &json!(["vp"])));
    let a = decide(&app, &r.director, &a, "approve").await;
    let a = decide(&app, &r.vp, &a, "approve").await;
    assert_eq!(a["state"], "approved");
    let after = disburse(&app, &r, &acc, &c, 60_000).await;
    let b = approval(&app, &r.office, after["approval_id"].as_str().unwrap()).await;
    assert_eq!(b["policy_version"], 1);
    // Both versions stay readable: the one each request names.
    let v0: Value =
        app.get("/api/v1/policies/approvals/versions/0", &r.office).await.json().await.unwrap();
    let v1: Value =
        app.get("/api/v1/policies/approvals/versions/1", &r.office).await.json().await.unwrap();
    assert_eq!((&v0["preset"], &v1["preset"]), (&json!("jinyu-2012"), &json!("service-fund")));
    let missing = app.get("/api/v1/policies/approvals/versions/2", &r.office).await;
    assert_problem(missing, 404, "not_found").await;
    assert_eq!(
        b["steps"],
        json!([step("review", &["cs_manager"]), step("approve", &["development_director"])])
    );
}

/// R-T-8: each step answers within a day; a special matter answers within a day and is
/// decided within three (calendar days).
async fn r_t_8_each_step_runs_its_approval_clock(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let c = complaint(&app, &r, "general").await;
    let body = json!({"document": "ticket", "complaint_id": id(&c), "summary": "受理单报批"});
    let a = app.create("/api/v1/approvals", &r.specialist, body).await;
    let clocks = a["clocks"].as_array().unwrap();
    assert_eq!(clocks.len(), 1, "{a}");
    assert_eq!(
        (&clocks[0]["clock"], &clocks[0]["rule_id"]),
        (&json!("internal_approval"), &json!("R-T-8"))
    );
    assert_eq!(clocks[0]["due_at"], "2026-10-01T17:00:00+08:00");
    let a = decide(&app, &r.manager, &a, "approve").await;
    let a = decide(&app, &r.director, &a, "approve").await;
    let clocks = a["clocks"].as_array().unwrap();
    assert_eq!(
        (clocks.len(), &clocks[0]["state"]),
        (1, &json!("running")),
        "the next step's own clock"
    );
    let body = json!({"document": "ticket", "complaint_id": id(&c), "summary": "特殊事项", "special": true});
    let s = app.create("/api/v1/approvals", &r.specialist, body).await;
    let due = |a: &Value, name: &str| {
        a["clocks"].as_array().unwrap().iter().find(|k| k["clock"] == name).unwrap()["due_at"]
            .clone()
    };
    assert_eq!(due(&s, "special_approval_answer"), "2026-10-01T17:00:00+08:00");
    assert_eq!(due(&s, "special_approval"), "2026-10-03T17:00:00+08:00");
    let s = decide(&app, &r.manager, &s, "approve").await;
    let state = |a: &Value, name: &str| {
        a["clocks"].as_array().unwrap().iter().find(|k| k["clock"] == name).unwrap()["state"]
            .clone()
    };
    assert_eq!(state(&s, "special_approval_answer"), "met");
    assert_eq!(state(&s, "special_approval"), "running");
}

async fn transition(app: &TestApp, token: &str, c: &Value, body: Value) -> Response {
    app.http
        .post(app.url(&format!("/api/v1/complaints/{}/transitions", id(c))))
        .bearer_auth(token)
        .header("if-match", format!("\"{}\"", c["version"]))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn moved(app: &TestApp, token: &str, c: &Value, body: Value) -> Value {
    let res = transition(app, token, c, body.clone()).await;
    let status = res.status();
    let after: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{body}: {after}");
    after
}

/// R-AP table (final plan): `approve_plan` waits for an approved `final_plan` request.
async fn approve_plan_waits_for_the_final_plans_approval(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let c = complaint(&app, &r, "important").await;
    // The engineering center answers for it: its head decides the contact sheet's center step.
    let dept = r.org.departments[0].clone();
    let path = format!("/api/v1/complaints/{}", id(&c));
    let body = json!({"responsible_department_id": dept});
    let res = app.patch(&path, &r.manager, c["version"].as_i64().unwrap(), &body).await;
    assert_eq!(res.status(), 200);
    let c: Value = res.json().await.unwrap();
    let (_, head) =
        app.user_with(&r.admin, "head", &[("dept_head", "department", Some(&dept))]).await;
    let c = moved(&app, &r.specialist, &c, json!({"action": "write_ticket"})).await;
    let c =
        moved(&app, &r.specialist, &c, json!({"action": "collect_evidence", "findings": "渗水"}))
            .await;
    let c =
        moved(&app, &r.specialist, &c, json!({"action": "escalate", "reason": "需工程中心"})).await;
    let c =
        moved(&app, &r.specialist, &c, json!({"action": "propose_plan", "plan": "重做防水"})).await;
    // The preparer may submit the final plan himself before it is agreed: agreeing then opens
    // no second one.
    let body =
        json!({"document": "final_plan", "complaint_id": id(&c), "summary": "重做防水并赔偿"});
    app.create("/api/v1/approvals", &r.specialist, body).await;
    let c = app
        .get(&format!("/api/v1/complaints/{}", id(&c)), &r.manager)
        .await
        .json::<Value>()
        .await
        .unwrap();
    let c =
        moved(&app, &r.specialist, &c, json!({"action": "agree", "terms": "重做防水并赔偿"})).await;
    // The proposal and the final plan went for approval as they were made.
    let path = format!("/api/v1/approvals?complaint_id={}", id(&c));
    let page: Value = app.get(&path, &r.manager).await.json().await.unwrap();
    let documents: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|a| a["document"].as_str().unwrap()).collect();
    assert_eq!(documents, ["proposal", "final_plan"]);
    let proposal = page["items"][0].clone();
    assert_eq!(proposal["department_id"], dept);
    let mut proposal = proposal;
    for token in [&r.manager, &r.director, &head] {
        proposal = decide(&app, token, &proposal, "approve").await;
    }
    assert_eq!(proposal["awaited_roles"], json!(["office_director"]));
    let a = page["items"][1].clone();
    assert_eq!((&a["summary"], &a["state"]), (&json!("重做防水并赔偿"), &json!("pending")));
    let waiting = transition(&app, &r.manager, &c, json!({"action": "approve_plan"})).await;
    let problem = assert_problem(waiting, 409, "approval_pending").await;
    assert_eq!(problem["pending_step"]["roles"], json!(["office_director", "customer_director"]));
    let a = decide(&app, &r.office, &a, "approve").await;
    let a = decide(&app, &r.director, &a, "approve").await;
    let a = decide(&app, &r.vp, &a, "approve").await;
    assert_eq!(a["state"], "approved");
    let c = app
        .get(&format!("/api/v1/complaints/{}", id(&c)), &r.manager)
        .await
        .json::<Value>()
        .await
        .unwrap();
    let c = moved(&app, &r.manager, &c, json!({"action": "approve_plan"})).await;
    assert_eq!(c["state"], "plan_approved");
}

/// R-AP-4: a key-account request needs no complaint: staff apply, the CS manager reviews, the
/// customer director approves. The inbox shows each approver what awaits him, and a user
/// scoped to another project neither sees nor decides it.
async fn r_ap_4_a_key_account_request_and_the_inbox(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let body = json!({"document": "key_account_request", "project_id": r.org.projects[0],
        "summary": "大客户专属维修通道"});
    let a = app.create("/api/v1/approvals", &r.specialist, body).await;
    assert_eq!(
        a["steps"],
        json!([step("review", &["cs_manager"]), step("approve", &["customer_director"])])
    );
    let inbox = |token: String| {
        let app = &app;
        async move {
            let res = app.get("/api/v1/approvals?assignee=me&state=pending", &token).await;
            assert_eq!(res.status(), 200);
            let page: Value = res.json().await.unwrap();
            kefu_tests::api::ids(&page)
        }
    };
    assert_eq!(inbox(r.manager.clone()).await, [id(&a)]);
    assert!(inbox(r.director.clone()).await.is_empty(), "not his step yet");
    let project_b = Some(r.org.projects[1].as_str());
    let (_, other) =
        app.user_with(&r.admin, "manager.b", &[("cs_manager", "project", project_b)]).await;
    assert!(inbox(other.clone()).await.is_empty());
    assert_problem(
        app.get(&format!("/api/v1/approvals/{}", id(&a)), &other).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        decide_raw(&app, &other, &a, &json!({"decision": "approve"})).await,
        404,
        "not_found",
    )
    .await;
    let a = decide(&app, &r.manager, &a, "approve").await;
    assert!(inbox(r.manager.clone()).await.is_empty());
    assert_eq!(inbox(r.director.clone()).await, [id(&a)]);
    let a = decide(&app, &r.director, &a, "approve").await;
    assert_eq!(a["state"], "approved");
    let res =
        app.get("/api/v1/approvals?document=key_account_request&state=approved", &r.manager).await;
    assert_eq!(kefu_tests::api::ids(&res.json::<Value>().await.unwrap()), [id(&a)]);
    // A fund disbursement goes through its fund account.
    let body = json!({"document": "fund_disbursement", "project_id": r.org.projects[0], "summary": "x", "amount_fen": 1});
    let res = app.post("/api/v1/approvals", &r.specialist, &body).await;
    assert_eq!(
        assert_problem(res, 422, "validation_failed").await["errors"][0]["field"],
        "document"
    );
}

/// R-AP-3: 20 approved disbursements paid at once against a balance that covers 7: exactly 7
/// are paid, the rest are 409 `insufficient_funds`, and the balance never goes below zero.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_ap_3_twenty_concurrent_payments_never_overdraw_on_postgres() {
    let app = spawn_app(Backend::Postgres).await;
    let r = round(&app).await;
    let c = complaint(&app, &r, "general").await;
    let acc = account(&app, &r, 7 * 40_000 + 39_999).await;
    let mut all = Vec::new();
    for _ in 0..20 {
        let d = disburse(&app, &r, &acc, &c, 40_000).await;
        let a = approval(&app, &r.manager, d["approval_id"].as_str().unwrap()).await;
        let a = decide(&app, &r.manager, &a, "approve").await;
        let a = decide(&app, &r.director, &a, "approve").await;
        assert_eq!(a["state"], "approved");
        all.push(d);
    }
    let payments = all.iter().map(|d| pay(&app, &r.finance, d));
    let mut statuses: Vec<u16> = Vec::new();
    for res in join_all(payments).await {
        let status = res.status().as_u16();
        if status == 409 {
            assert_eq!(res.json::<Value>().await.unwrap()["code"], "insufficient_funds");
        }
        statuses.push(status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 7, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 13, "{statuses:?}");
    let acc = app
        .get(&format!("/api/v1/fund-accounts/{}", id(&acc)), &r.finance)
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(acc["balance_fen"], 39_999);
    let entries: Value = app
        .get(&format!("/api/v1/fund-accounts/{}/entries?limit=200", id(&acc)), &r.finance)
        .await
        .json()
        .await
        .unwrap();
    let debits =
        entries["items"].as_array().unwrap().iter().filter(|e| e["direction"] == "debit").count();
    assert_eq!(debits, 7);
    assert!(
        entries["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["balance_after_fen"].as_i64().unwrap() >= 0)
    );
}

/// Lowering a grade is a `grade_lowering` request (the CS manager reviews, the customer
/// director approves); the complaint keeps its grade until the request is approved.
async fn a_grade_is_lowered_only_through_its_approval(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let c = complaint(&app, &r, "important").await;
    let path = format!("/api/v1/complaints/{}", id(&c));
    // A grade set by hand only ever raises it.
    let lower = json!({"grade": "general", "grade_reason": "核实后损失较小"});
    let res = app.patch(&path, &r.manager, c["version"].as_i64().unwrap(), &lower).await;
    assert_problem(res, 422, "validation_failed").await;
    let body = |to: &str| {
        json!({"document": "grade_lowering", "complaint_id": id(&c),
        "to_grade": to, "summary": "核实后损失较小"})
    };
    let res = app.post("/api/v1/approvals", &r.specialist, &body("major")).await;
    assert_eq!(
        assert_problem(res, 422, "validation_failed").await["errors"][0]["field"],
        "to_grade"
    );
    let a = app.create("/api/v1/approvals", &r.specialist, body("general")).await;
    assert_eq!(
        (&a["to_grade"], &a["steps"][0]["roles"]),
        (&json!("general"), &json!(["cs_manager"]))
    );
    let a = decide(&app, &r.manager, &a, "approve").await;
    let still: Value = app.get(&path, &r.manager).await.json().await.unwrap();
    assert_eq!(still["grade"], "important");
    let a = decide(&app, &r.director, &a, "approve").await;
    assert_eq!(a["state"], "approved");
    let lowered: Value = app.get(&path, &r.manager).await.json().await.unwrap();
    assert_eq!(lowered["grade"], "general");
    assert_eq!(lowered["version"], still["version"].as_i64().unwrap() + 1);
}

/// R-AP-2: a major complaint goes to the decision committee in writing (the customer center
/// assesses, the office director approves, the president decides) and the president's
/// decision is recorded on the complaint; a customer event is decided at a meeting, its
/// minutes and decision recorded on each of its complaints. A general complaint is not the
/// committee's.
async fn r_ap_2_the_committee_decides_in_writing_or_at_a_meeting(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let general = complaint(&app, &r, "general").await;
    let body = json!({"form": "written", "complaint_id": id(&general), "matter": "x"});
    let res = app.post("/api/v1/committee-decisions", &r.specialist, &body).await;
    assert_eq!(
        assert_problem(res, 422, "validation_failed").await["errors"][0]["field"],
        "complaint_id"
    );
    let major = complaint(&app, &r, "major").await;
    let body =
        json!({"form": "written", "complaint_id": id(&major), "matter": "加固方案与赔偿标准"});
    let written = app.create("/api/v1/committee-decisions", &r.specialist, body).await;
    assert_eq!(written["state"], "in_progress");
    let a = approval(&app, &r.director, written["approval_id"].as_str().unwrap()).await;
    assert_eq!(a["document"], "committee_decision");
    assert_eq!(
        a["steps"],
        json!([
            step("review", &["customer_director"]),
            step("approve", &["office_director"]),
            step("approve", &["president"])
        ])
    );
    let a = decide(&app, &r.director, &a, "approve").await;
    let a = decide(&app, &r.office, &a, "approve").await;
    let res = decide_raw(
        &app,
        &r.president,
        &a,
        &json!({"decision": "approve", "comment": "统一加固，按标准赔偿"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let decided: Value = app
        .get(&format!("/api/v1/committee-decisions/{}", id(&written)), &r.specialist)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&decided["state"], &decided["decision"]),
        (&json!("decided"), &json!("统一加固，按标准赔偿"))
    );
    let timeline: Value = app
        .get(&format!("/api/v1/complaints/{}/events", id(&major)), &r.specialist)
        .await
        .json()
        .await
        .unwrap();
    let entry = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "committee")
        .unwrap()
        .clone();
    assert_eq!(
        (&entry["action"], &entry["payload"]["decision"]),
        (&json!("decided"), &json!("统一加固，按标准赔偿"))
    );

    // A customer event (R-EVT-2: 2,000,000 fen claimed), decided at a meeting.
    let body = json!({"kind": "complaint", "channel": "visit", "project_id": r.org.projects[0],
        "customer_id": r.org.customers[0], "description": "要求退房并赔偿", "amount_claimed_fen": 2_000_000});
    let claim = app.create("/api/v1/complaints", &r.specialist, body).await;
    let event = claim["customer_event_id"].as_str().unwrap().to_owned();
    let me: Value = app.get("/api/v1/me", &r.vp).await.json().await.unwrap();
    let vp = me["id"].as_str().or(me["user"]["id"].as_str()).unwrap().to_owned();
    let meeting = json!({"form": "meeting", "customer_event_id": event, "matter": "退房诉求",
        "chair_id": vp, "member_ids": [vp], "held_at": "2026-09-30T16:00:00+08:00"});
    let res = app.post("/api/v1/committee-decisions", &r.specialist, &meeting).await;
    assert_eq!(
        assert_problem(res, 422, "validation_failed").await["errors"][0]["field"],
        "minutes"
    );
    let mut meeting = meeting;
    meeting["minutes"] = json!("会议纪要：同意维修，不予退房");
    meeting["decision"] = json!("维修并减免一年物业费");
    let held = app.create("/api/v1/committee-decisions", &r.specialist, meeting).await;
    assert_eq!(
        (&held["state"], &held["decision"]),
        (&json!("decided"), &json!("维修并减免一年物业费"))
    );
    let listed: Value = app
        .get(&format!("/api/v1/committee-decisions?customer_event_id={event}"), &r.manager)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kefu_tests::api::ids(&listed), [id(&held)]);
    let timeline: Value = app
        .get(&format!("/api/v1/complaints/{}/events", id(&claim)), &r.specialist)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        timeline["items"].as_array().unwrap().iter().any(|e| e["kind"] == "committee"
            && e["payload"]["minutes"] == "会议纪要：同意维修，不予退房")
    );
}

/// No lost or double-counted decision: 20 approvals of one step sent at once with one ETag,
/// by one user and by 20 users of the step's role, make exactly one decision each time.
async fn twenty_decisions_with_one_etag_count_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let c = complaint(&app, &r, "general").await;
    let body = json!({"document": "ticket", "complaint_id": id(&c), "summary": "受理单报批"});
    let a = app.create("/api/v1/approvals", &r.specialist, body).await;
    let approve = json!({"decision": "approve"});
    let same = (0..20).map(|_| decide_raw(&app, &r.manager, &a, &approve));
    let statuses: Vec<u16> = join_all(same).await.iter().map(|res| res.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [200, 409, 412].contains(s)), "{statuses:?}");
    let a = approval(&app, &r.manager, &id(&a)).await;
    assert_eq!((a["decisions"].as_array().unwrap().len(), &a["version"]), (1, &json!(2)));
    let mut directors = Vec::new();
    for n in 0..20 {
        let grant = [("customer_director", "group", None)];
        directors.push(app.user_with(&r.admin, &format!("director{n}"), &grant).await.1);
    }
    let many = directors.iter().map(|token| decide_raw(&app, token, &a, &approve));
    let statuses: Vec<u16> = join_all(many).await.iter().map(|res| res.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    let a = approval(&app, &r.manager, &id(&a)).await;
    assert_eq!((a["decisions"].as_array().unwrap().len(), &a["current_step"]), (2, &json!(1)));
}

/// Scope: finance and a specialist of project B neither see nor move project A's fund.
async fn a_project_scoped_user_sees_no_other_projects_fund(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let c = complaint(&app, &r, "general").await;
    let acc = account(&app, &r, 100_000).await;
    let d = disburse(&app, &r, &acc, &c, 10_000).await;
    let b = Some(r.org.projects[1].as_str());
    let (_, finance_b) = app.user_with(&r.admin, "finance.b", &[("finance", "project", b)]).await;
    let (_, specialist_b) =
        app.user_with(&r.admin, "specialist.b", &[("cs_specialist", "project", b)]).await;
    let account_path = format!("/api/v1/fund-accounts/{}", id(&acc));
    assert_problem(app.get(&account_path, &finance_b).await, 404, "not_found").await;
    assert_problem(app.get(&format!("{account_path}/entries"), &finance_b).await, 404, "not_found")
        .await;
    let listed: Value = app.get("/api/v1/fund-accounts", &finance_b).await.json().await.unwrap();
    assert!(listed["items"].as_array().unwrap().is_empty());
    let credit = json!({"source": "added_cost", "amount_fen": 1});
    assert_problem(
        app.post(&format!("{account_path}/credits"), &finance_b, &credit).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(pay(&app, &finance_b, &d).await, 404, "not_found").await;
    assert_problem(
        app.get(&format!("/api/v1/disbursements/{}", id(&d)), &specialist_b).await,
        404,
        "not_found",
    )
    .await;
    let body = json!({"complaint_id": id(&c), "amount_fen": 1, "use": "repair"});
    let res = app.post(&format!("{account_path}/disbursements"), &specialist_b, &body).await;
    assert_problem(res, 404, "not_found").await;
    // Project B's own account is B's to keep.
    let own = app
        .create("/api/v1/fund-accounts", &finance_b, json!({"project_id": r.org.projects[1]}))
        .await;
    let again = app
        .post("/api/v1/fund-accounts", &r.finance, &json!({"project_id": r.org.projects[1]}))
        .await;
    assert_problem(again, 409, "conflict").await;
    let other = app
        .post("/api/v1/fund-accounts", &finance_b, &json!({"project_id": r.org.projects[2]}))
        .await;
    assert_problem(other, 403, "forbidden").await;
    assert_eq!(own["balance_fen"], 0);
}

/// What a route cannot take is refused, each a 422 naming the field: a named user without the
/// step's role, a document other than a key-account request without its complaint, the
/// committee through the approvals path, meeting details on a written countersign, an amount
/// beyond 10^12 fen. A contact sheet without a requesting department leaves its director out;
/// a matrix without a final-plan row lets `approve_plan` through.
async fn requests_refuse_what_their_route_cannot_take(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = round(&app).await;
    let c = complaint(&app, &r, "important").await;
    let field = |res: Response| async move {
        let problem = assert_problem(res, 422, "validation_failed").await;
        problem["errors"][0]["field"].as_str().unwrap().to_owned()
    };
    let me: Value = app.get("/api/v1/me", &r.president).await.json().await.unwrap();
    let president = me["id"].as_str().or(me["user"]["id"].as_str()).unwrap().to_owned();
    let body = json!({"document": "final_plan", "complaint_id": id(&c), "summary": "x",
        "named_users": [{"step": 1, "user_ids": [president]}]});
    assert_eq!(
        field(app.post("/api/v1/approvals", &r.specialist, &body).await).await,
        "named_users"
    );
    let body = json!({"document": "ticket", "project_id": r.org.projects[0], "summary": "x"});
    assert_eq!(
        field(app.post("/api/v1/approvals", &r.specialist, &body).await).await,
        "complaint_id"
    );
    let body = json!({"document": "committee_decision", "complaint_id": id(&c), "summary": "x"});
    assert_eq!(field(app.post("/api/v1/approvals", &r.specialist, &body).await).await, "document");
    let major = complaint(&app, &r, "major").await;
    let body =
        json!({"form": "written", "complaint_id": id(&major), "matter": "x", "minutes": "纪要"});
    assert_eq!(
        field(app.post("/api/v1/committee-decisions", &r.specialist, &body).await).await,
        "minutes"
    );
    let acc = account(&app, &r, 1).await;
    let body = json!({"source": "added_cost", "amount_fen": 1_000_000_000_001_i64});
    let res =
        app.post(&format!("/api/v1/fund-accounts/{}/credits", id(&acc)), &r.finance, &body).await;
    assert_eq!(field(res).await, "amount_fen");
    let body = json!({"document": "proposal", "complaint_id": id(&c), "summary": "建议方案"});
    let a = app.create("/api/v1/approvals", &r.specialist, body).await;
    assert_eq!(
        a["steps"][0]["roles"],
        json!(["cs_manager", "customer_director"]),
        "no center asked"
    );

    // A group whose matrix routes no final plan approves its plans without a request.
    let rows = json!({"rows": [{"document": "ticket", "grade": "any",
        "steps": [{"kind": "approve", "roles": ["cs_manager"], "mode": "any"}]}]});
    assert_eq!(put_policy(&app, &r.admin, "", 0, &rows).await.status(), 200);
    let c = moved(&app, &r.specialist, &c, json!({"action": "write_ticket"})).await;
    let c =
        moved(&app, &r.specialist, &c, json!({"action": "collect_evidence", "findings": "渗水"}))
            .await;
    let c =
        moved(&app, &r.specialist, &c, json!({"action": "escalate", "reason": "需工程中心"})).await;
    let c =
        moved(&app, &r.specialist, &c, json!({"action": "propose_plan", "plan": "重做防水"})).await;
    let c = moved(&app, &r.specialist, &c, json!({"action": "agree", "terms": "重做防水"})).await;
    let c = moved(&app, &r.manager, &c, json!({"action": "approve_plan"})).await;
    assert_eq!(c["state"], "plan_approved");
}
