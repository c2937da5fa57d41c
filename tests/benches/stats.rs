//! The quarter statement over a million complaints on PostgreSQL (`make bench-stats`): seeds
//! 1,000,000 complaints received over five years (2022–2026) with a realistic spread of
//! projects, grades, categories, channels and states, two SLA clocks each (the written ticket
//! and self-resolution, met, late or running), the handling time of the resolved ones, and
//! their callbacks with the satisfaction recorded; then times the statement of 2025-Q4 (about
//! 50,000 complaints) through the persistence function and through HTTP, median of several
//! runs per grouping. Prints a Markdown table for the README. `STATS_BENCH_SIZE` seeds fewer.
// A benchmark: a failed step should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, clippy::print_stdout)]

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use diesel::{Connection, PgConnection, RunQueryDsl, sql_query, sql_types::Text};
use kefu_domain::{access::Reach, stats::StatsGroup};
use kefu_persistence::{
    DatabaseUrl,
    audit::Acting,
    scope::Scope,
    stats::{self, StatsFilter},
};
use kefu_tests::{Backend, api::id, org::org, spawn_app};
use serde_json::{Value, json};

/// Complaints seeded.
const SIZE: i64 = 1_000_000;
/// Runs per grouping (the median is reported).
const RUNS: usize = 5;

#[derive(diesel::QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    text: String,
}

fn exec(conn: &mut PgConnection, sql: &str) {
    sql_query(sql).execute(conn).unwrap_or_else(|e| panic!("{e}: {sql}"));
}

/// The complaints' columns, each as it is copied from the template or overridden.
fn copy_of(conn: &mut PgConnection, overrides: &[(&str, String)]) -> (String, String) {
    let columns: Vec<String> = sql_query(
        "SELECT column_name::text AS text FROM information_schema.columns \
         WHERE table_name = 'complaints' ORDER BY ordinal_position",
    )
    .load::<Line>(conn)
    .unwrap()
    .into_iter()
    .map(|l| l.text)
    .collect();
    let values = columns
        .iter()
        .map(|c| {
            overrides
                .iter()
                .find(|(o, _)| o == c)
                .map_or_else(|| format!("t.{c}"), |(_, v)| v.clone())
        })
        .collect::<Vec<_>>()
        .join(", ");
    (columns.join(", "), values)
}

fn list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    format!("ARRAY[{}]", quoted.join(", "))
}

/// `n` complaints copied from the template, spread over projects, grades, categories,
/// channels, states and five years of receipt (one every 157 s from 2022-01-01).
fn seed(conn: &mut PgConnection, template: &str, n: i64, org: &kefu_tests::org::Org) {
    let projects = list(&org.projects.iter().map(String::as_str).collect::<Vec<_>>());
    let companies = list(&[&org.c1, &org.c1, &org.c2]);
    let departments = list(&[&org.departments[0], &org.departments[1]]);
    let categories = list(&[
        "staff_attitude",
        "sales_promise",
        "design_planning",
        "construction_quality",
        "mortgage_title",
        "property_service",
        "other",
    ]);
    let channels = list(&[
        "on_site_center",
        "on_site_property",
        "on_site_sales",
        "phone",
        "web",
        "forum",
        "letter",
        "email",
        "visit",
        "other",
    ]);
    let states = list(&["received", "handling", "resolved", "called_back", "archived"]);
    let (columns, values) = copy_of(
        conn,
        &[
            ("id", "'bench-' || g".into()),
            ("number", "'TS-B-' || lpad(g::text, 8, '0')".into()),
            ("project_id", format!("({projects})[1 + g % 3]")),
            ("company_id", format!("({companies})[1 + g % 3]")),
            ("grade", "CASE g % 10 WHEN 0 THEN 'major' WHEN 1 THEN 'important' WHEN 2 THEN 'important' ELSE 'general' END".into()),
            ("category", format!("({categories})[1 + (g / 3) % 7]")),
            ("channel", format!("({channels})[1 + (g / 7) % 10]")),
            ("state", format!("({states})[1 + (g / 11) % 5]")),
            ("responsible_department_id", format!("CASE WHEN g % 4 = 0 THEN NULL ELSE ({departments})[1 + g % 2] END")),
            ("received_at", "TIMESTAMP '2022-01-01 01:00' + g * INTERVAL '157 seconds'".into()),
            ("created_at", "TIMESTAMP '2022-01-01 01:00' + g * INTERVAL '157 seconds'".into()),
        ],
    );
    exec(
        conn,
        &format!(
            "INSERT INTO complaints ({columns}) SELECT {values} FROM complaints t, \
             generate_series(1, {n}) g WHERE t.id = '{template}'"
        ),
    );
    // Two clocks each: met (six in ten), late (two), running (two; due a working hour after
    // receipt, so past due by now).
    exec(
        conn,
        &format!(
            "INSERT INTO sla_clocks (id, subject_type, subject_id, clock, rule_id, calendar_id, \
             policy_id, policy_version, started_at, stopped_at, due_at, state, run, updated_at, \
             version, check_at) \
             SELECT k.clock || '-' || c.id, 'complaint', c.id, k.clock, k.rule_id, k.calendar_id, \
             k.policy_id, k.policy_version, c.received_at, \
             CASE WHEN s.v < 8 THEN c.received_at + INTERVAL '20 minutes' END, \
             c.received_at + INTERVAL '1 hour', \
             CASE WHEN s.v < 6 THEN 'met' WHEN s.v < 8 THEN 'met_late' ELSE 'running' END, \
             k.run, c.received_at, 1, NULL \
             FROM complaints c \
             CROSS JOIN LATERAL (SELECT (hashtext(c.id) & 1023) % 10 AS v) s \
             JOIN sla_clocks k ON k.subject_id = '{template}' AND k.clock IN ('written_ticket', 'self_resolve') \
             WHERE c.id LIKE 'bench-%'"
        ),
    );
    let done = "c.id LIKE 'bench-%' AND c.state IN ('resolved', 'called_back', 'archived')";
    exec(
        conn,
        &format!(
            "INSERT INTO complaint_figures (complaint_id, handling_minutes, resolved_at) \
             SELECT c.id, (hashtext(c.id) & 4095) % 3000, c.received_at + INTERVAL '2 days' \
             FROM complaints c WHERE {done}"
        ),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO callback_tasks (id, group_id, company_id, project_id, complaint_id, \
             customer_id, unit_id, reason, reasons, state, open_key, started_at, nominal_due_at, \
             due_at, assignee_id, attempts, next_attempt_at, finished_at, created_at, updated_at, \
             version) \
             SELECT 'cb-' || c.id, c.group_id, c.company_id, c.project_id, c.id, c.customer_id, \
             NULL, 'completion', '[\"completion\"]', \
             CASE WHEN c.state = 'resolved' THEN 'due' ELSE 'done' END, NULL, \
             c.received_at + INTERVAL '2 days', c.received_at + INTERVAL '3 days', \
             c.received_at + INTERVAL '3 days', c.owner_id, 1, NULL, \
             CASE WHEN c.state = 'resolved' THEN NULL ELSE c.received_at + INTERVAL '3 days' END, \
             c.received_at, c.received_at, 1 FROM complaints c WHERE {done}"
        ),
    );
    exec(
        conn,
        "INSERT INTO callback_records (id, task_id, group_id, attempt, method, recording_ref, \
         signature_ref, reached, scores, satisfaction, comment, outcome, complaint_id, \
         new_complaint_id, recorded_by, recorded_at) \
         SELECT 'rec-' || t.id, t.id, t.group_id, 1, 'phone', 'rec', NULL, TRUE, \
         '{\"overall\": 4}', 1 + (hashtext(t.id) & 1023) % 5, NULL, 'recorded', t.complaint_id, \
         NULL, NULL, t.finished_at \
         FROM callback_tasks t WHERE t.id LIKE 'cb-bench-%' AND t.state = 'done'",
    );
    exec(conn, "VACUUM ANALYZE");
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let size: i64 =
        std::env::var("STATS_BENCH_SIZE").ok().and_then(|s| s.parse().ok()).unwrap_or(SIZE);
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (app, o, admin, template) = runtime.block_on(async {
        let app = spawn_app(Backend::Postgres).await;
        let admin = app.admin_token().await;
        let o = org(&app, &admin).await;
        let (_, cs) = app.user_with(&admin, "cs", &[("cs_manager", "group", None)]).await;
        let template = app
            .create(
                "/api/v1/complaints",
                &cs,
                json!({"kind": "complaint", "channel": "visit",
                "project_id": o.projects[0], "customer_id": o.customers[0], "description": "漏水"}),
            )
            .await;
        (app, o, admin, template)
    });
    let DatabaseUrl::Postgres(url) = app.db.url().clone() else { panic!("PostgreSQL only") };
    let mut conn = PgConnection::establish(&url).unwrap();
    let seeding = Instant::now();
    seed(&mut conn, &id(&template), size, &o);
    eprintln!("seeded {size} complaints in {:.1?}", seeding.elapsed());

    let group_id = sql_query(format!(
        "SELECT group_id AS text FROM complaints WHERE id = '{}'",
        id(&template)
    ))
    .load::<Line>(&mut conn)
    .unwrap()
    .remove(0)
    .text;
    let scope = Scope {
        group_id,
        reach: Reach {
            whole_group: true,
            companies: vec![],
            projects: vec![],
            departments: vec![],
        },
        acting: Acting::system(),
        platform: false,
    };
    let quarter = (
        NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
    );
    let groupings = [None, Some(StatsGroup::Grade), Some(StatsGroup::Project)];
    let mut rows = Vec::new();
    for group in groupings {
        let filter = StatsFilter { group_by: group, ..StatsFilter::period(quarter.0, quarter.1) };
        let mut db = app.db.conn().unwrap();
        let mut times = Vec::new();
        let mut counted = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let s = stats::complaints(&mut db, &scope, &filter, Utc::now()).unwrap();
            times.push(started.elapsed());
            counted = s.total.count;
        }
        let name = group.map_or("(total only)", |g| g.as_str());
        let query = format!(
            "/api/v1/stats/complaints?from={}&to={}{}",
            quarter.0,
            quarter.1,
            group.map(|g| format!("&group_by={}", g.as_str())).unwrap_or_default()
        );
        let http = runtime.block_on(async {
            let mut times = Vec::new();
            for _ in 0..RUNS {
                let started = Instant::now();
                let res = app.get(&query, &admin).await;
                assert_eq!(res.status(), 200);
                let body: Value = res.json().await.unwrap();
                times.push(started.elapsed());
                assert_eq!(body["total"]["count"], counted);
            }
            median(times)
        });
        rows.push((name, counted, median(times), http));
    }
    println!(
        "| statement of 2025-Q4 over {size} complaints | complaints counted | persistence (median of {RUNS}) | HTTP (median of {RUNS}) |"
    );
    println!("|---|---:|---:|---:|");
    for (name, counted, persistence, http) in rows {
        println!(
            "| group_by={name} | {counted} | {:.0} ms | {:.0} ms |",
            persistence.as_secs_f64() * 1000.0,
            http.as_secs_f64() * 1000.0
        );
    }
    drop(app);
}
