//! Complaint statistics (R-RP-1, R-RP-11, R-RP-15) and exports: a seeded week of complaints on
//! the 2026 calendar, every figure written out by hand; the statement's total equals the sum of
//! its rows and the list endpoint's count for the same filter; scope and roles; the XLSX read
//! back with calamine and the CSV parsed back.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use kefu_tests::api::at;
use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use serde_json::{Value, json};

both_backends! {
    r_rp_1_a_week_statement_matches_the_figures_written_by_hand => r_rp_1_a_week_statement_matches_the_figures_written_by_hand;
    r_rp_1_the_total_is_the_sum_of_the_rows_and_the_list_count => r_rp_1_the_total_is_the_sum_of_the_rows_and_the_list_count;
    stats_keep_to_scope_and_roles => stats_keep_to_scope_and_roles;
    stats_refuse_bad_periods_naming_the_field => stats_refuse_bad_periods_naming_the_field;
    r_rp_11_the_xlsx_export_reads_back_with_numbers_dates_and_chinese_labels => r_rp_11_the_xlsx_export_reads_back_with_numbers_dates_and_chinese_labels;
    stats_and_the_list_export_as_csv => stats_and_the_list_export_as_csv;
}

/// The week counted (Monday 2 to Friday 6 November 2026, working days all) and when the
/// statement is asked for: the next Monday morning.
const WEEK: &str = "from=2026-11-02&to=2026-11-06";
const ASKED: &str = "2026-11-09T09:00:00+08:00";

/// Sets the app's clock and signs in again (tokens live 15 minutes of that clock).
async fn when(app: &TestApp, instant: &str, username: &str) -> String {
    app.clock.set(at(instant));
    let res = app.login(username, &format!("{username}-password")).await;
    assert_eq!(res.status(), 200, "{username}");
    res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
}

async fn receive(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/complaints", token, &body).await;
    assert_eq!(res.status(), 201, "{body}");
    res.json().await.unwrap()
}

async fn walk(app: &TestApp, token: &str, mut c: Value, steps: &[Value]) -> Value {
    for body in steps {
        let res = app
            .http
            .post(app.url(&format!("/api/v1/complaints/{}/transitions", id(&c))))
            .bearer_auth(token)
            .header("if-match", format!("\"{}\"", c["version"]))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let answer: Value = res.json().await.unwrap();
        assert_eq!(status, 200, "{body}: {answer}");
        c = answer;
    }
    c
}

fn ticket() -> Vec<Value> {
    vec![json!({"action": "write_ticket"})]
}

fn settle() -> Vec<Value> {
    vec![
        json!({"action": "collect_evidence", "findings": "属实"}),
        json!({"action": "handle"}),
        json!({"action": "resolve", "resolution": "已处理"}),
    ]
}

/// Calls the customer of `complaint` back, reached, with one satisfaction answer.
async fn call_back(app: &TestApp, token: &str, complaint: &Value, overall: u8) {
    let page: Value = app
        .get(&format!("/api/v1/callbacks?complaint_id={}", id(complaint)), token)
        .await
        .json()
        .await
        .unwrap();
    let task = id(&page["items"][0]);
    let body = json!({"method": "phone", "recording_ref": "rec-1", "reached": true,
        "satisfaction": {"overall": overall}});
    let res = app.post(&format!("/api/v1/callbacks/{task}/records"), token, &body).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
}

/// The seeded week, received and worked by the group's cs manager (`cs.manager`):
///
/// | | project | grade | category | channel | received | ticket (R-T-1, 30 WM) | resolved | working time |
/// |---|---|---|---|---|---|---|---|---|
/// | C0 | A | general | staff_attitude | phone | Fri 10-30 10:00 (previous period) | – | – | – |
/// | C1 | A | general | staff_attitude | phone | Mon 11-02 09:00 | 09:10 met | Mon 15:00 | 180 + 90 = 270 min |
/// | C2 | A | general | other | web | Mon 10:00 | 11:00 late | Tue 10:00 | 120 + 270 + 60 = 450 min |
/// | C3 | B | general | staff_attitude | phone | Tue 11-03 09:00 | 09:20 met | Fri 11-06 17:00 | 3 × 450 + 390 = 1740 min |
/// | C4 | A | major (litigation, R-EVT-4) | sales_promise | visit | Wed 11-04 09:00 | never: breached | – | – |
/// | C5 | X | important (60,000 fen, R-CLS-10) | construction_quality | email | Thu 11-05 09:00 | 09:05 met | – | – |
///
/// C1's customer is called back satisfied (5), C2's not (3); C3's callback is still due.
struct Seeded {
    app: TestApp,
    admin: String,
    projects: [String; 3],
    complaints: Vec<Value>,
}

async fn seed(backend: Backend) -> Seeded {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let body = |project: usize, category: &str, channel: &str| {
        json!({"kind": "complaint", "channel": channel, "project_id": o.projects[project],
            "customer_id": o.customers[project], "category": category, "description": "投诉"})
    };
    let cs = when(&app, "2026-10-30T10:00:00+08:00", "cs.manager").await;
    let c0 = receive(&app, &cs, body(0, "staff_attitude", "phone")).await;

    let cs = when(&app, "2026-11-02T09:00:00+08:00", "cs.manager").await;
    let c1 = receive(&app, &cs, body(0, "staff_attitude", "phone")).await;
    let cs = when(&app, "2026-11-02T09:10:00+08:00", "cs.manager").await;
    let c1 = walk(&app, &cs, c1, &ticket()).await;
    let cs = when(&app, "2026-11-02T10:00:00+08:00", "cs.manager").await;
    let c2 = receive(&app, &cs, body(0, "other", "web")).await;
    let cs = when(&app, "2026-11-02T11:00:00+08:00", "cs.manager").await;
    let c2 = walk(&app, &cs, c2, &ticket()).await;
    let cs = when(&app, "2026-11-02T15:00:00+08:00", "cs.manager").await;
    let c1 = walk(&app, &cs, c1, &settle()).await;

    let cs = when(&app, "2026-11-03T09:00:00+08:00", "cs.manager").await;
    let c3 = receive(&app, &cs, body(1, "staff_attitude", "phone")).await;
    let cs = when(&app, "2026-11-03T09:20:00+08:00", "cs.manager").await;
    let c3 = walk(&app, &cs, c3, &ticket()).await;
    let cs = when(&app, "2026-11-03T10:00:00+08:00", "cs.manager").await;
    let c2 = walk(&app, &cs, c2, &settle()).await;

    let cs = when(&app, "2026-11-04T09:00:00+08:00", "cs.manager").await;
    let mut litigation = body(0, "sales_promise", "visit");
    litigation["flags"] = json!(["litigation"]);
    let c4 = receive(&app, &cs, litigation).await;
    assert_eq!(c4["grade"], "major");

    let cs = when(&app, "2026-11-05T09:00:00+08:00", "cs.manager").await;
    let mut claim = body(2, "construction_quality", "email");
    claim["amount_claimed_fen"] = json!(60_000);
    let c5 = receive(&app, &cs, claim).await;
    assert_eq!(c5["grade"], "important");
    let cs = when(&app, "2026-11-05T09:05:00+08:00", "cs.manager").await;
    let c5 = walk(&app, &cs, c5, &ticket()).await;

    let cs = when(&app, "2026-11-06T17:00:00+08:00", "cs.manager").await;
    let c3 = walk(&app, &cs, c3, &settle()).await;
    let cs = when(&app, "2026-11-06T17:30:00+08:00", "cs.manager").await;
    call_back(&app, &cs, &c1, 5).await;
    call_back(&app, &cs, &c2, 3).await;

    app.clock.set(at(ASKED));
    let admin = app.admin_token().await;
    let projects = o.projects.clone();
    Seeded { app, admin, projects, complaints: vec![c0, c1, c2, c3, c4, c5] }
}

async fn stats(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/stats/complaints?{query}"), token).await;
    assert_eq!(res.status(), 200, "{query}");
    res.json().await.unwrap()
}

fn clock<'a>(row: &'a Value, name: &str) -> &'a Value {
    row["sla"].as_array().unwrap().iter().find(|c| c["clock"] == name).unwrap()
}

fn close(actual: &Value, expected: f64) {
    let a = actual.as_f64().unwrap_or_else(|| panic!("{actual} is not a number"));
    assert!((a - expected).abs() < 1e-9, "{a} ≠ {expected}");
}

/// R-RP-1: the week's statement per grade, each figure as worked out in [`seed`]'s table.
async fn r_rp_1_a_week_statement_matches_the_figures_written_by_hand(backend: Backend) {
    let s = seed(backend).await;
    let st = stats(&s.app, &s.admin, &format!("{WEEK}&group_by=grade")).await;
    assert_eq!((&st["from"], &st["to"]), (&json!("2026-11-02"), &json!("2026-11-06")));
    assert_eq!(
        (&st["previous_from"], &st["previous_to"]),
        (&json!("2026-10-28"), &json!("2026-11-01"))
    );
    assert_eq!(st["as_of"], ASKED);
    let keys: Vec<&Value> = st["rows"].as_array().unwrap().iter().map(|r| &r["key"]).collect();
    assert_eq!(keys, [&json!("general"), &json!("important"), &json!("major")], "vocabulary order");
    let [general, important, major] = [0, 1, 2].map(|i| &st["rows"][i]);
    let total = &st["total"];
    assert_eq!((&general["label_zh"], &total["label_zh"]), (&json!("一般"), &json!("合计")));

    // Counts and the change against the previous five days (C0).
    assert_eq!(
        [&general["count"], &important["count"], &major["count"], &total["count"]],
        [3, 1, 1, 5]
    );
    assert_eq!(general["change"], json!({"previous_count": 1, "delta": 2, "rate": 2.0}));
    assert_eq!(important["change"], json!({"previous_count": 0, "delta": 1, "rate": null}));
    assert_eq!(total["change"], json!({"previous_count": 1, "delta": 4, "rate": 4.0}));

    // R-T-1's written ticket: C1, C3, C5 on time; C2 late, C4 never written (past due now).
    let tickets = clock(total, "written_ticket");
    assert_eq!(
        (&tickets["met"], &tickets["breached"], &tickets["open"]),
        (&json!(3), &json!(2), &json!(0))
    );
    close(&tickets["rate"], 0.6);
    assert_eq!(tickets["label_zh"], "书面受理单");
    let g = clock(general, "written_ticket");
    assert_eq!((&g["met"], &g["breached"]), (&json!(2), &json!(1)));
    close(&g["rate"], 2.0 / 3.0);
    assert_eq!(clock(important, "written_ticket")["rate"], 1.0);
    assert_eq!(clock(major, "written_ticket")["rate"], 0.0);

    // Handling time in working hours: 270, 450 and 1740 minutes. The median is 450 min; the
    // 90th percentile lies at rank 0.9 × 2 = 1.8: 450 + 0.8 × 1290 = 1482 min = 24.7 h.
    assert_eq!(total["handling_hours"]["resolved"], 3);
    close(&total["handling_hours"]["median"], 7.5);
    close(&total["handling_hours"]["p90"], 24.7);
    assert_eq!(general["handling_hours"], total["handling_hours"]);
    assert_eq!(important["handling_hours"], json!({"resolved": 0, "median": null, "p90": null}));

    // Callbacks (R-T-6): C1, C2, C3 due, C1 and C2 done; satisfaction 5 and 3 (R-CB-3).
    assert_eq!(total["callbacks"]["due"], 3);
    assert_eq!(total["callbacks"]["done"], 2);
    close(&total["callbacks"]["rate"], 2.0 / 3.0);
    assert_eq!(total["satisfaction"], json!({"rated": 2, "satisfied": 1, "rate": 0.5}));
    assert_eq!(important["callbacks"], json!({"due": 0, "done": 0, "rate": null}));

    // R-EVT-4: C4's litigation opened a major customer event.
    assert_eq!(
        [&general["customer_events"], &major["customer_events"], &total["customer_events"]],
        [0, 1, 1]
    );

    // Per project: A, B and X by name.
    let st = stats(&s.app, &s.admin, &format!("{WEEK}&group_by=project")).await;
    let rows: Vec<(Value, Value, Value)> = st["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].clone(), r["label_zh"].clone(), r["count"].clone()))
        .collect();
    let [a, b, x] = &s.projects;
    assert_eq!(
        rows,
        [
            (json!(a), json!("项目A"), json!(3)),
            (json!(b), json!("项目B"), json!(1)),
            (json!(x), json!("项目X"), json!(1))
        ]
    );
}

/// The sums that must hold, on every grouping: rows add up to the total, and the total is the
/// list endpoint's count of the same filter (the days' midnights at +08:00).
async fn r_rp_1_the_total_is_the_sum_of_the_rows_and_the_list_count(backend: Backend) {
    let s = seed(backend).await;
    let list_count = |extra: &'static str| {
        let (app, admin) = (&s.app, &s.admin);
        async move {
            let query = format!(
                "received_from=2026-11-02T00:00:00%2B08:00&received_to=2026-11-07T00:00:00%2B08:00&count=true&limit=1{extra}"
            );
            let page: Value =
                app.get(&format!("/api/v1/complaints?{query}"), admin).await.json().await.unwrap();
            page["total"].as_i64().unwrap()
        }
    };
    for group in ["grade", "category", "channel", "project", "department", "state"] {
        let st = stats(&s.app, &s.admin, &format!("{WEEK}&group_by={group}")).await;
        let rows = st["rows"].as_array().unwrap();
        let sum = |f: &dyn Fn(&Value) -> i64| rows.iter().map(f).sum::<i64>();
        let total = &st["total"];
        assert_eq!(
            sum(&|r| r["count"].as_i64().unwrap()),
            total["count"].as_i64().unwrap(),
            "{group}"
        );
        for figure in ["callbacks", "satisfaction"] {
            for part in ["due", "done", "rated", "satisfied"] {
                if let Some(t) = total[figure][part].as_i64() {
                    assert_eq!(
                        sum(&|r| r[figure][part].as_i64().unwrap()),
                        t,
                        "{group} {figure}.{part}"
                    );
                }
            }
        }
        for c in total["sla"].as_array().unwrap() {
            let name = c["clock"].as_str().unwrap();
            for part in ["met", "breached", "open"] {
                assert_eq!(
                    sum(&|r| clock(r, name)[part].as_i64().unwrap()),
                    c[part].as_i64().unwrap(),
                    "{group} {name}"
                );
            }
        }
        assert_eq!(
            sum(&|r| r["change"]["previous_count"].as_i64().unwrap()),
            total["change"]["previous_count"].as_i64().unwrap()
        );
        assert_eq!(total["count"].as_i64().unwrap(), list_count("").await, "{group}");
    }
    // The same filter on both sides.
    for (stats_filter, list_filter, expected) in [
        ("&grade=general", "&grade=general", 3),
        ("&channel=phone", "&channel=phone", 2),
        ("&category=staff_attitude", "&category=staff_attitude", 2),
        ("&state=called_back", "&state=called_back", 2),
    ] {
        let st = stats(&s.app, &s.admin, &format!("{WEEK}{stats_filter}")).await;
        assert_eq!(st["total"]["count"], expected, "{stats_filter}");
        assert_eq!(list_count(list_filter).await, expected, "{list_filter}");
    }
    let c1 = &s.projects[0];
    let company = s
        .app
        .get(&format!("/api/v1/org/projects/{c1}"), &s.admin)
        .await
        .json::<Value>()
        .await
        .unwrap()["company_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let st = stats(&s.app, &s.admin, &format!("{WEEK}&company_id={company}")).await;
    assert_eq!(st["total"]["count"], 4, "projects A and B");
    let page: Value = s
        .app
        .get(&format!("/api/v1/complaints?received_from=2026-11-02T00:00:00%2B08:00&received_to=2026-11-07T00:00:00%2B08:00&count=true&company_id={company}"), &s.admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 4);
}

/// A project-scoped user counts his project only (and nothing for another project, as the list
/// answers); another group never; a role without `ReportsRead` is refused (403).
async fn stats_keep_to_scope_and_roles(backend: Backend) {
    let s = seed(backend).await;
    let (app, admin) = (&s.app, &s.admin);
    let [a, _, x] = &s.projects;
    let (_, cs_a) = app.user_with(admin, "cs.a", &[("cs_specialist", "project", Some(a))]).await;
    let st = stats(app, &cs_a, &format!("{WEEK}&group_by=project")).await;
    assert_eq!(st["total"]["count"], 3, "C1, C2, C4");
    assert_eq!(st["rows"].as_array().unwrap().len(), 1);
    assert_eq!(st["rows"][0]["key"], json!(a));
    assert_eq!(st["total"]["change"]["previous_count"], 1);
    let st = stats(app, &cs_a, &format!("{WEEK}&project_id={x}")).await;
    assert_eq!(st["total"]["count"], 0, "out of reach counts nothing");
    let page: Value = app
        .get(&format!("/api/v1/complaints?project_id={x}&count=true"), &cs_a)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 0, "as the list");

    let (_, sales) = app.user_with(admin, "sales", &[("sales_staff", "group", None)]).await;
    let res = app.get(&format!("/api/v1/stats/complaints?{WEEK}"), &sales).await;
    assert_problem(res, 403, "forbidden").await;
    let res = app.get(&format!("/api/v1/stats/complaints?{WEEK}&format=xlsx"), &sales).await;
    assert_problem(res, 403, "forbidden").await;
    let res =
        app.http.get(app.url(&format!("/api/v1/stats/complaints?{WEEK}"))).send().await.unwrap();
    assert_eq!(res.status(), 401);

    // Another group's administrator sees none of it.
    app.create(
        "/api/v1/groups",
        admin,
        json!({"code": "other", "name": "另一集团",
            "admin": {"username": "other.admin", "display_name": "管理员", "password": "other.admin-password"}}),
    )
    .await;
    let other = when(app, ASKED, "other.admin").await;
    let st = stats(app, &other, WEEK).await;
    assert_eq!(st["total"]["count"], 0, "another group's statement");
}

/// 422 naming the field: a day that does not exist, `to` before `from`, more than five years,
/// an unknown `group_by` or `format`.
async fn stats_refuse_bad_periods_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    for (query, field) in [
        ("from=2026-02-30&to=2026-03-01", "from"),
        ("from=2026-03-01&to=2026-02-01", "to"),
        ("from=2020-01-01&to=2025-01-04", "to"),
        ("from=1899-12-31&to=2026-01-05", "from"),
        ("from=2026-01-01&to=2026-01-05&group_by=weather", "group_by"),
        ("from=2026-01-01&to=2026-01-05&format=pdf", "format"),
        ("to=2026-01-05", "from"),
    ] {
        let res = app.get(&format!("/api/v1/stats/complaints?{query}"), &admin).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
    }
    // 1830 days (5 × 366) are allowed, one more is not.
    let res = app.get("/api/v1/stats/complaints?from=2020-01-01&to=2025-01-03", &admin).await;
    assert_eq!(res.status(), 200);
    let empty: Value = res.json().await.unwrap();
    assert_eq!(empty["total"]["count"], 0);
    assert_eq!(empty["total"]["handling_hours"]["median"], Value::Null);
    assert_eq!(empty["total"]["change"]["rate"], Value::Null);
}

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

fn text(cell: &Data) -> &str {
    match cell {
        Data::String(s) => s,
        other => panic!("{other:?} is not text"),
    }
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(x) => *x,
        Data::Int(n) => *n as f64,
        other => panic!("{other:?} is not a number"),
    }
}

fn date(cell: &Data) -> chrono::NaiveDateTime {
    match cell {
        Data::DateTime(d) => d.as_datetime().unwrap(),
        other => panic!("{other:?} is not a date"),
    }
}

/// R-RP-11 in a workbook: the statement per category with Chinese headers, counts and rates as
/// numbers, the period as real dates; the complaint list with its dates and amounts.
async fn r_rp_11_the_xlsx_export_reads_back_with_numbers_dates_and_chinese_labels(
    backend: Backend,
) {
    let s = seed(backend).await;
    let res = s
        .app
        .get(&format!("/api/v1/stats/complaints?{WEEK}&group_by=category&format=xlsx"), &s.admin)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"complaint-stats-2026-11-02-2026-11-06.xlsx\""
    );
    let mut book = workbook(res.bytes().await.unwrap().to_vec());
    let sheet = book.worksheet_range("投诉统计").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<&str> = rows[0].iter().map(text).collect();
    assert_eq!(
        &header[..8],
        ["起始日期", "截止日期", "分组", "名称", "投诉数", "上期投诉数", "增减", "增减率"]
    );
    assert!(header.contains(&"书面受理单及时率"), "{header:?}");
    assert!(header.ends_with(&[
        "应回访数",
        "已回访数",
        "回访率",
        "评价数",
        "满意数",
        "满意率",
        "重大客户事件数"
    ]));
    let col = |label: &str| header.iter().position(|h| *h == label).unwrap();
    // staff_attitude (C1, C3), sales_promise (C4), construction_quality (C5), other (C2), total.
    let names: Vec<&str> = rows[1..].iter().map(|r| text(&r[col("名称")])).collect();
    assert_eq!(names, ["服务态度", "销售承诺", "工程质量", "其他", "合计"]);
    let staff = rows[1];
    assert_eq!(date(&staff[0]).date(), NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
    assert_eq!(date(&staff[1]).date(), NaiveDate::from_ymd_opt(2026, 11, 6).unwrap());
    assert_eq!(text(&staff[col("分组")]), "staff_attitude");
    assert_eq!(number(&staff[col("投诉数")]), 2.0);
    assert_eq!(number(&staff[col("上期投诉数")]), 1.0);
    assert_eq!(number(&staff[col("增减率")]), 1.0);
    assert_eq!(number(&staff[col("书面受理单及时率")]), 1.0);
    // (270 + 1740) / 2 minutes = 16.75 h.
    assert!((number(&staff[col("处理工时中位数")]) - 16.75).abs() < 1e-9);
    let total = rows.last().unwrap();
    assert_eq!(number(&total[col("投诉数")]), 5.0);
    assert_eq!(number(&total[col("满意率")]), 0.5);
    assert_eq!(total[col("分组")], Data::Empty, "the total has no key");
    assert_eq!(rows[2][col("增减率")], Data::Empty, "no previous complaint: no rate");

    // The list, every complaint of the filter, asked through the Accept header.
    let res = s
        .app
        .http
        .get(s.app.url("/api/v1/complaints?received_from=2026-11-02T00:00:00%2B08:00&received_to=2026-11-07T00:00:00%2B08:00&sort=received_at&limit=2"))
        .bearer_auth(&s.admin)
        .header("accept", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-disposition"], "attachment; filename=\"complaints.xlsx\"");
    let mut book = workbook(res.bytes().await.unwrap().to_vec());
    let sheet = book.worksheet_range("投诉").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len(), 6, "a header and all five complaints, whatever the page size");
    let header: Vec<&str> = rows[0].iter().map(text).collect();
    assert_eq!(header[..3], ["ID", "编号", "类型"]);
    let col = |label: &str| header.iter().position(|h| *h == label).unwrap();
    let c1 = rows[1];
    assert_eq!(text(&c1[col("ID")]), id(&s.complaints[1]));
    assert_eq!(text(&c1[col("等级")]), "一般");
    assert_eq!(text(&c1[col("渠道")]), "电话");
    assert_eq!(date(&c1[col("受理日期")]).date(), NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
    assert_eq!(date(&c1[col("受理时间")]).to_string(), "2026-11-02 09:00:00");
    assert_eq!(number(&rows[5][col("索赔金额（分）")]), 60_000.0);
}

/// CSV: UTF-8 with a byte-order mark, Chinese headers, CRLF lines; the list streamed whole.
async fn stats_and_the_list_export_as_csv(backend: Backend) {
    let s = seed(backend).await;
    let res = s
        .app
        .get(&format!("/api/v1/stats/complaints?{WEEK}&group_by=channel&format=csv"), &s.admin)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let body = res.text().await.unwrap();
    let body = body.strip_prefix('\u{feff}').expect("a byte-order mark");
    let lines: Vec<Vec<&str>> =
        body.split_terminator("\r\n").map(|l| l.split(',').collect()).collect();
    assert_eq!(lines[0][..5], ["起始日期", "截止日期", "分组", "名称", "投诉数"]);
    let phone = lines.iter().find(|l| l[2] == "phone").unwrap();
    assert_eq!(phone[..5], ["2026-11-02", "2026-11-06", "phone", "电话", "2"]);
    assert_eq!(lines.last().unwrap()[3..5], ["合计", "5"]);

    let res = s
        .app
        .http
        .get(s.app.url("/api/v1/complaints?limit=1"))
        .bearer_auth(&s.admin)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-disposition"], "attachment; filename=\"complaints.csv\"");
    let body = res.text().await.unwrap();
    let lines: Vec<&str> = body.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 7, "a header and all six complaints: {body}");
    assert!(lines[0].starts_with("\u{feff}ID,编号,类型,渠道,等级"));
    assert!(lines.iter().any(|l| l.contains(&id(&s.complaints[4])) && l.contains("重大")));
}
