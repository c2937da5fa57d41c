//! Several `kefu serve` processes on one PostgreSQL share the periodic jobs: 2,000 clocks falling
//! due at once are each breached and escalated exactly once by two nodes; a node killed
//! mid-sweep leaves leases that expire, and another node finishes its work. And a message
//! committed while no node runs the jobs is delivered after the restart.

use std::{
    io::{Read, Write},
    net::TcpListener,
    process::Command,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use diesel::{Connection, PgConnection, RunQueryDsl, sql_query, sql_types::BigInt};
use kefu_tests::{Backend, TestDb};
use serde_json::{Value, json};

use crate::cli::{Server, kefu, login, sync_http};

/// How many clocks fall due at once.
const CLOCKS: i64 = 2_000;

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    sql_query(sql).get_result::<Count>(conn).unwrap().n
}

fn post(base: &str, token: &str, path: &str, body: Value) -> Value {
    let res =
        sync_http::request("POST", &format!("{base}{path}"), Some(token), Some(&body.to_string()));
    assert!(matches!(res.status, 200 | 201), "POST {path}: {} {}", res.status, res.body);
    serde_json::from_str(&res.body).unwrap()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// A company, a project with a building and a unit, and the unit's owner: the project's and
/// the customer's ids.
fn project_and_customer(base: &str, admin: &str) -> (String, String) {
    let company =
        post(base, admin, "/api/v1/org/companies", json!({"name": "一公司", "kind": "developer"}));
    let project = post(
        base,
        admin,
        "/api/v1/org/projects",
        json!({"company_id": id(&company), "name": "项目A"}),
    );
    let building = post(
        base,
        admin,
        "/api/v1/org/buildings",
        json!({"project_id": id(&project), "name": "1号楼"}),
    );
    let unit = post(
        base,
        admin,
        "/api/v1/org/units",
        json!({"building_id": id(&building), "number": "1-101", "floor": "1"}),
    );
    let customer = post(
        base,
        admin,
        "/api/v1/customers",
        json!({"name": "业主", "phones": ["13812345678"], "units": [{"unit_id": id(&unit)}]}),
    );
    (id(&project), id(&customer))
}

/// A complaint about a leak, received by the holder of `token`.
fn leak(base: &str, token: &str, (project, customer): (&str, &str)) -> Value {
    let body = json!({"kind": "complaint", "channel": "visit", "project_id": project,
        "description": "漏水", "customer_id": customer});
    post(base, token, "/api/v1/complaints", body)
}

/// A node of `kefu serve` on `url` with its jobs every 100 ms.
fn node(url: &str, name: &str, lease: &str) -> Command {
    let mut cmd = kefu();
    cmd.env("KEFU_DATABASE_URL", url)
        .env("KEFU_BOOTSTRAP_ADMIN_PASSWORD", "nodes-admin-pass")
        .env("KEFU_NODE_ID", name)
        .env("KEFU_JOBS_INTERVAL", "100ms")
        .env("KEFU_JOBS_LEASE", lease)
        .env("KEFU_WEBHOOK_ALLOW_PRIVATE", "true");
    cmd
}

/// A project with a customer-service manager, a complaint received by a specialist, and
/// `CLOCKS` copies of its R-T-3 clock that started in January: all long past due. The
/// complaint's owner and the manager's ids.
fn seed(url: &str, conn: &mut PgConnection) -> (String, String) {
    let mut cmd = node(url, "seeder", "60s");
    cmd.env("KEFU_JOBS", "off");
    let server = Server::start(cmd);
    let base = server.base.clone();
    let admin =
        login(&base, "admin", "nodes-admin-pass")["access_token"].as_str().unwrap().to_owned();
    let (project, customer) = project_and_customer(&base, &admin);
    let user = |name: &str, role: &str| {
        let u = post(
            &base,
            &admin,
            "/api/v1/users",
            json!({"username": name, "display_name": name, "password": format!("{name}-password")}),
        );
        post(
            &base,
            &admin,
            "/api/v1/grants",
            json!({"principal_kind": "user", "principal_id": id(&u),
            "role": role, "scope_kind": "project", "scope_id": project}),
        );
        id(&u)
    };
    let spec = user("spec", "cs_specialist");
    let manager = user("manager", "cs_manager");
    let token = login(&base, "spec", "spec-password")["access_token"].as_str().unwrap().to_owned();
    let complaint = leak(&base, &token, (&project, &customer));
    let (status, _) = server.terminate();
    assert!(status.success());
    let inserted = sql_query(format!(
        "INSERT INTO sla_clocks (id, subject_type, subject_id, clock, rule_id, calendar_id, \
         policy_id, policy_version, started_at, stopped_at, due_at, state, run, updated_at, \
         version, check_at) \
         SELECT gen_random_uuid()::text, subject_type, subject_id, clock, rule_id, calendar_id, \
         policy_id, policy_version, TIMESTAMP '2026-01-05 01:00', NULL, due_at, 'running', \
         '{{\"started_at\":\"2026-01-05T01:00:00Z\"}}', updated_at, 1, TIMESTAMP '2026-01-05 01:00' \
         FROM sla_clocks, generate_series(1, {CLOCKS}) \
         WHERE subject_id = '{}' AND clock = 'self_resolve'",
        id(&complaint)
    ))
    .execute(conn)
    .unwrap();
    assert_eq!(i64::try_from(inserted).unwrap(), CLOCKS);
    (spec, manager)
}

/// The seeded clocks not yet breached and escalated.
fn pending(conn: &mut PgConnection) -> i64 {
    count(
        conn,
        "SELECT count(*) AS n FROM sla_clocks WHERE breached_at IS NULL \
                 AND started_at = TIMESTAMP '2026-01-05 01:00'",
    )
}

fn wait_until_done(conn: &mut PgConnection, within: Duration) {
    let deadline = Instant::now() + within;
    while pending(conn) > 0 {
        assert!(Instant::now() < deadline, "{} clocks still pending", pending(conn));
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Each seeded clock: one breach in the audit trail, one timeline entry, one notification to
/// its owner and one escalation to the manager — never two.
fn each_exactly_once(conn: &mut PgConnection, (owner, manager): (&str, &str)) {
    let seeded = "SELECT id FROM sla_clocks WHERE started_at = TIMESTAMP '2026-01-05 01:00'";
    assert_eq!(
        count(
            conn,
            &format!(
                "SELECT count(*) AS n FROM audit_events WHERE action = 'sla_clock.breached' AND subject_id IN ({seeded})"
            )
        ),
        CLOCKS
    );
    assert_eq!(
        count(
            conn,
            &format!(
                "SELECT count(DISTINCT subject_id) AS n FROM audit_events WHERE action = 'sla_clock.breached' AND subject_id IN ({seeded})"
            )
        ),
        CLOCKS
    );
    assert_eq!(
        count(
            conn,
            "SELECT count(*) AS n FROM complaint_events WHERE kind = 'clock' AND action = 'breached'"
        ),
        CLOCKS
    );
    assert_eq!(
        count(
            conn,
            &format!(
                "SELECT count(*) AS n FROM notifications WHERE user_id = '{owner}' AND kind = 'clock_breached'"
            )
        ),
        CLOCKS
    );
    assert_eq!(
        count(
            conn,
            &format!(
                "SELECT count(*) AS n FROM notifications WHERE user_id = '{manager}' AND kind = 'clock_escalated'"
            )
        ),
        CLOCKS
    );
}

/// Acceptance: two `kefu serve` processes on one PostgreSQL, 2,000 clocks falling due at once:
/// each breach is recorded and escalated exactly once, and the two nodes claimed 2,000 clocks
/// between them, none twice.
#[test]
fn postgres_two_nodes_breach_and_escalate_each_clock_exactly_once() {
    let db = TestDb::empty(Backend::Postgres);
    let url = db.env_url();
    let mut conn = PgConnection::establish(&url).unwrap();
    let people = {
        // The seeder migrates the database on its start.
        seed(&url, &mut conn)
    };
    let a = Server::start(node(&url, "node-a", "60s"));
    let b = Server::start(node(&url, "node-b", "60s"));
    wait_until_done(&mut conn, Duration::from_secs(180));
    drop((a, b));
    each_exactly_once(&mut conn, (&people.0, &people.1));
    let claimed = count(
        &mut conn,
        "SELECT coalesce(sum(items), 0)::bigint AS n FROM job_runs WHERE job = 'deadline_sweep'",
    );
    assert_eq!(claimed, CLOCKS, "claimed by the two nodes together, none twice");
    let nodes = count(
        &mut conn,
        "SELECT count(*) AS n FROM job_runs WHERE job = 'deadline_sweep' AND node IN ('node-a', 'node-b')",
    );
    assert_eq!(nodes, 2, "both nodes ran the sweep");
}

/// Acceptance: a node killed (SIGKILL) mid-sweep holds leases on clocks it never finished; they
/// expire and another node finishes the work, still exactly once per clock.
#[test]
fn postgres_a_node_killed_mid_sweep_leaves_its_work_to_another() {
    let db = TestDb::empty(Backend::Postgres);
    let url = db.env_url();
    let mut conn = PgConnection::establish(&url).unwrap();
    let people = seed(&url, &mut conn);
    let mut a = Server::start(node(&url, "node-a", "3s"));
    let leased =
        "SELECT count(*) AS n FROM sla_clocks WHERE lease_owner = 'node-a' AND breached_at IS NULL";
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&mut conn, leased) == 0 {
        assert!(Instant::now() < deadline, "node a never claimed a clock");
        std::thread::sleep(Duration::from_millis(5));
    }
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    let abandoned = count(&mut conn, leased);
    assert!(abandoned > 0, "killed while holding clocks it had not finished");
    assert!(pending(&mut conn) > 0);
    let _b = Server::start(node(&url, "node-b", "3s"));
    wait_until_done(&mut conn, Duration::from_secs(180));
    assert_eq!(count(&mut conn, leased), 0, "the abandoned leases were taken over");
    each_exactly_once(&mut conn, (&people.0, &people.1));
    let by_b = count(
        &mut conn,
        "SELECT coalesce(sum(items), 0)::bigint AS n FROM job_runs WHERE job = 'deadline_sweep' AND node = 'node-b'",
    );
    assert!(by_b >= abandoned, "node b finished what node a left: {by_b} < {abandoned}");
}

/// Acceptance: nothing is lost when the server restarts between commit and delivery: a
/// complaint received while no node runs the jobs is posted, once, after the restart.
#[test]
fn a_message_committed_before_a_restart_is_delivered_after_it() {
    let db = TestDb::empty(Backend::Sqlite);
    let url = db.env_url();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut raw = Vec::new();
            let mut buf = [0_u8; 4096];
            // Read the head, then as much body as Content-Length says.
            loop {
                let n = stream.read(&mut buf).unwrap_or(0);
                raw.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&raw).into_owned();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if body.len() >= length || n == 0 {
                        sink.lock().unwrap().push(body.to_owned());
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
        }
    });
    let mut cmd = node(&url, "first", "60s");
    cmd.env("KEFU_JOBS", "off");
    let first = Server::start(cmd);
    let base = first.base.clone();
    let admin =
        login(&base, "admin", "nodes-admin-pass")["access_token"].as_str().unwrap().to_owned();
    post(
        &base,
        &admin,
        "/api/v1/webhooks",
        json!({"url": hook_url, "event_types": ["complaint.created"]}),
    );
    let (project, customer) = project_and_customer(&base, &admin);
    let u = post(
        &base,
        &admin,
        "/api/v1/users",
        json!({"username": "mgr", "display_name": "mgr", "password": "mgr-password"}),
    );
    post(
        &base,
        &admin,
        "/api/v1/grants",
        json!({"principal_kind": "user", "principal_id": id(&u),
        "role": "cs_manager", "scope_kind": "group"}),
    );
    let token = login(&base, "mgr", "mgr-password")["access_token"].as_str().unwrap().to_owned();
    let complaint = leak(&base, &token, (&project, &customer));
    std::thread::sleep(Duration::from_millis(500));
    assert!(got.lock().unwrap().is_empty(), "no node runs the jobs yet");
    let (status, _) = first.terminate();
    assert!(status.success());

    let _second = Server::start(node(&url, "second", "60s"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while got.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "the message committed before the restart never came");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "delivered once");
    let message: Value = serde_json::from_str(&got[0]).unwrap();
    assert_eq!(message["type"], "complaint.created");
    assert_eq!(message["data"]["subject"]["id"], json!(id(&complaint)));
}
