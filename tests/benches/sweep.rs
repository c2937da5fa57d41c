//! The deadline sweep's cost as closed complaints grow (`make bench`): 1,000 clocks fall due
//! among 10,000 and then 1,000,000 closed complaints (each with its stopped clock) on PostgreSQL;
//! the sweep breaches and escalates the 1,000 (timeline entry, outbox message, notifications,
//! audit event, each in its own transaction), three times per size, the state reset between
//! runs. Index-driven, its time stays flat: it reads the clocks that fell due, not the table.
//! Prints a Markdown table for the README.
// A benchmark: a failed step should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use diesel::{Connection, PgConnection, RunQueryDsl, sql_query, sql_types::Text};
use kefu_persistence::{
    DatabaseUrl,
    automation::{Lease, sweep::sweep},
};
use kefu_tests::{Backend, api::id, org::org, spawn_app};
use serde_json::json;

/// Clocks falling due in each run.
const DUE: i64 = 1_000;
/// The sizes measured: closed complaints.
const SIZES: [i64; 2] = [10_000, 1_000_000];
/// Runs per size (the median is reported).
const RUNS: usize = 3;

#[derive(diesel::QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

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

const CLOCK_COLUMNS: &str = "id, subject_type, subject_id, clock, rule_id, calendar_id, policy_id, \
    policy_version, started_at, stopped_at, due_at, state, run, updated_at, version, check_at";

/// `n` closed complaints (archived, their clock met) numbered from `from`, copied from the
/// template.
fn add_closed(conn: &mut PgConnection, template: &str, (from, n): (i64, i64)) {
    let (columns, values) = copy_of(
        conn,
        &[
            ("id", "'closed-' || g".into()),
            ("number", "'TS-C-' || lpad(g::text, 8, '0')".into()),
            ("state", "'archived'".into()),
        ],
    );
    exec(
        conn,
        &format!(
            "INSERT INTO complaints ({columns}) SELECT {values} FROM complaints t, \
         generate_series({}, {}) g WHERE t.id = '{template}'",
            from + 1,
            from + n
        ),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO sla_clocks ({CLOCK_COLUMNS}) SELECT 'closed-clock-' || g, 'complaint', \
         'closed-' || g, k.clock, k.rule_id, k.calendar_id, k.policy_id, k.policy_version, \
         k.started_at, k.started_at, k.due_at, 'met', k.run, k.updated_at, 1, NULL \
         FROM sla_clocks k, generate_series({}, {}) g \
         WHERE k.subject_id = '{template}' AND k.clock = 'self_resolve'",
            from + 1,
            from + n
        ),
    );
}

/// `DUE` open complaints, each with an R-T-3 clock that started in January: due long ago.
fn add_due(conn: &mut PgConnection, template: &str) {
    let (columns, values) = copy_of(
        conn,
        &[("id", "'open-' || g".into()), ("number", "'TS-O-' || lpad(g::text, 8, '0')".into())],
    );
    exec(
        conn,
        &format!(
            "INSERT INTO complaints ({columns}) SELECT {values} FROM complaints t, \
         generate_series(1, {DUE}) g WHERE t.id = '{template}'"
        ),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO sla_clocks ({CLOCK_COLUMNS}) SELECT 'open-clock-' || g, 'complaint', \
         'open-' || g, k.clock, k.rule_id, k.calendar_id, k.policy_id, k.policy_version, \
         TIMESTAMP '2026-01-05 01:00', NULL, k.due_at, 'running', \
         '{{\"started_at\":\"2026-01-05T01:00:00Z\"}}', k.updated_at, 1, TIMESTAMP '2026-01-05 01:00' \
         FROM sla_clocks k, generate_series(1, {DUE}) g \
         WHERE k.subject_id = '{template}' AND k.clock = 'self_resolve'"
        ),
    );
}

/// Puts the due clocks back as they were before a sweep, and removes what it wrote.
fn reset(conn: &mut PgConnection) {
    exec(
        conn,
        "UPDATE sla_clocks SET breached_at = NULL, warned_at = NULL, state = 'running', \
                check_at = TIMESTAMP '2026-01-05 01:00', lease_owner = NULL, lease_until = NULL \
                WHERE id LIKE 'open-clock-%'",
    );
    exec(conn, "DELETE FROM notifications");
    exec(conn, "DELETE FROM complaint_events WHERE kind = 'clock'");
    // (The audit trail is append-only: its sla_clock.breached events stay.)
    exec(conn, "DELETE FROM outbox WHERE topic = 'complaint.clock_breached'");
    exec(conn, "VACUUM ANALYZE sla_clocks");
}

/// One sweep of everything due; its duration and how many breaches it recorded.
fn sweep_all(db: &kefu_persistence::Db) -> (Duration, usize) {
    let lease = Lease { node: "bench".into(), ttl: TimeDelta::seconds(300) };
    let mut conn = db.conn().unwrap();
    let started = Instant::now();
    let mut breached = 0;
    loop {
        let swept = sweep(&mut conn, &lease, 200, Utc::now()).unwrap();
        breached += swept.breached;
        if swept.claimed == 0 {
            break;
        }
    }
    (started.elapsed(), breached)
}

fn plan(conn: &mut PgConnection) -> String {
    let lines: Vec<String> = sql_query(
        "EXPLAIN SELECT id FROM sla_clocks WHERE check_at <= now() AND \
         (lease_until IS NULL OR lease_until < now()) ORDER BY check_at LIMIT 200",
    )
    .load::<PlanLine>(conn)
    .unwrap()
    .into_iter()
    .map(|l| l.line)
    .collect();
    let scan = lines.iter().find(|l| l.contains("Scan")).cloned().unwrap_or_default();
    scan.trim().trim_start_matches("->").trim().split("  ").next().unwrap_or_default().to_owned()
}

fn main() {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let app = runtime.block_on(async {
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
        (app, id(&template))
    });
    let (app, template) = app;
    let DatabaseUrl::Postgres(url) = app.db.url().clone() else { panic!("PostgreSQL only") };
    let mut conn = PgConnection::establish(&url).unwrap();
    add_due(&mut conn, &template);
    // The template's own clocks (received on the app's clock, long ago) breach once, untimed.
    sweep_all(&app.db);
    let mut rows = Vec::new();
    let mut closed = 0;
    for size in SIZES {
        let seeding = Instant::now();
        add_closed(&mut conn, &template, (closed, size - closed));
        closed = size;
        exec(&mut conn, "VACUUM ANALYZE complaints");
        eprintln!("seeded {size} closed complaints in {:.1?}", seeding.elapsed());
        let mut times = Vec::new();
        for _ in 0..RUNS {
            reset(&mut conn);
            let (took, breached) = sweep_all(&app.db);
            assert_eq!(breached, usize::try_from(DUE).unwrap(), "every due clock breached once");
            times.push(took);
        }
        times.sort();
        let median = times[RUNS / 2];
        rows.push((size, median, plan(&mut conn)));
    }
    println!(
        "| closed complaints | clocks due | sweep (median of {RUNS}) | per clock | claim query |"
    );
    println!("|---:|---:|---:|---:|---|");
    for (size, median, plan) in rows {
        let per = median.as_secs_f64() * 1000.0 / DUE as f64;
        println!("| {size} | {DUE} | {:.2} s | {per:.2} ms | `{plan}` |", median.as_secs_f64());
    }
    drop(app);
}
