//! The `kefu` binary: start-up, settings, commands, logs and graceful shutdown.

use std::{
    io::Read,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use kefu_tests::{Backend, TestDb};
use serde_json::{Value, json};

/// The `kefu` binary next to this test binary (`make test` builds it first).
pub(crate) fn kefu() -> Command {
    let bin = std::env::var_os("KEFU_BIN").map(PathBuf::from).unwrap_or_else(|| {
        let exe = std::env::current_exe().unwrap();
        exe.parent().unwrap().parent().unwrap().join("kefu")
    });
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p kefu-http` (make test does)",
        bin.display()
    );
    let mut cmd = Command::new(bin);
    for (name, _) in std::env::vars() {
        if name.starts_with("KEFU_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base: String,
}

impl Server {
    pub(crate) fn start(mut cmd: Command) -> Self {
        let port = free_port();
        let mut child = cmd
            .arg("serve")
            .env("KEFU_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
                panic!("kefu serve exited with {status}: {err}");
            }
            assert!(Instant::now() < deadline, "kefu serve did not listen within 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, base }
    }

    /// SIGTERM, then the exit status and everything it logged.
    pub(crate) fn terminate(mut self) -> (std::process::ExitStatus, String) {
        Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().unwrap();
        let status = self.child.wait().unwrap();
        let mut err = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        (status, err)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny synchronous HTTP/1.1 client: these tests drive a child process, no runtime needed.
pub(crate) mod sync_http {
    use std::io::{Read, Write};

    pub struct Response {
        pub status: u16,
        pub body: String,
    }

    pub fn request(method: &str, url: &str, token: Option<&str>, body: Option<&str>) -> Response {
        let rest = url.strip_prefix("http://").unwrap();
        let (host, path) =
            rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        let body = body.unwrap_or("");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{auth}\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        let status = raw[9..12].parse().unwrap();
        let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
        Response { status, body }
    }

    pub fn get(url: &str) -> Response {
        request("GET", url, None, None)
    }
}

pub(crate) fn login(base: &str, username: &str, password: &str) -> Value {
    let body = json!({ "username": username, "password": password }).to_string();
    let res = sync_http::request("POST", &format!("{base}/api/v1/auth/login"), None, Some(&body));
    assert_eq!(res.status, 200, "{}", res.body);
    serde_json::from_str(&res.body).unwrap()
}

fn kid(token: &str) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap())
            .unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

#[test]
fn openapi_command_prints_the_committed_spec() {
    let out = kefu().arg("openapi").output().unwrap();
    assert!(out.status.success());
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("openapi/openapi.json")).unwrap())
            .unwrap();
    assert!(printed == committed, "run `make openapi`");
}

#[test]
fn every_command_has_help() {
    for command in ["serve", "migrate", "openapi", "create-admin", "rotate-jwt-key"] {
        let out = kefu().args([command, "--help"]).output().unwrap();
        assert!(out.status.success(), "{command} --help");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: kefu"), "{command}");
    }
}

#[test]
fn serve_help_lists_every_setting_and_its_default() {
    let out = kefu().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for name in [
        "KEFU_DATABASE_URL",
        "KEFU_LISTEN",
        "KEFU_BOOTSTRAP_ADMIN_PASSWORD",
        "KEFU_JWT_SECRET",
        "KEFU_LOG_FORMAT",
        "KEFU_BODY_LIMIT",
        "KEFU_WORKERS",
        "KEFU_REQUEST_TIMEOUT",
        "KEFU_CORS_ORIGINS",
        "KEFU_RATE_LIMIT",
        "KEFU_CONFIG",
    ] {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("{name}: {help}"));
        assert!(line.contains("[default: "), "{line}");
    }
}

#[test]
fn postgres_a_missing_database_says_how_to_create_it() {
    let url = kefu_tests::db::admin_url();
    let (base, _) = url.rsplit_once('/').unwrap();
    let missing = format!("{base}/kefu_missing_{}", uuid::Uuid::now_v7().simple());
    let out = kefu().arg("migrate").env("KEFU_DATABASE_URL", &missing).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("createdb") && err.contains("does not exist"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn a_bad_database_url_stops_start_up_with_one_line() {
    for url in ["mysql://root@localhost/kefu", "kefu.db", "postgres://h:port/db", "sqlite://"] {
        let out = kefu().arg("serve").env("KEFU_DATABASE_URL", url).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "one line for {url}: {err}");
        assert!(err.starts_with("kefu: KEFU_DATABASE_URL: "), "{err}");
    }
}

#[test]
fn serves_on_sqlite_under_data_by_default_and_stops_gracefully() {
    let dir = std::env::temp_dir().join(format!("kefu-cli-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = kefu();
    cmd.current_dir(&dir)
        .env("KEFU_LOG_FORMAT", "json")
        .env("KEFU_JWT_SECRET", "jwt-seed-never-logged");
    cmd.env("KEFU_BOOTSTRAP_ADMIN_PASSWORD", "bootstrap-never-logged");
    let server = Server::start(cmd);
    let res = sync_http::get(&format!("{}/healthz", server.base));
    assert_eq!(res.status, 200);
    assert!(dir.join("data/kefu.db").exists(), "the default database is ./data/kefu.db");
    let tokens = login(&server.base, "admin", "bootstrap-never-logged");
    assert!(kid(tokens["access_token"].as_str().unwrap()).starts_with("seed-"));
    let (status, log) = server.terminate();
    assert!(status.success(), "SIGTERM is a clean stop: {status}\n{log}");
    assert!(!log.contains("never-logged"), "secrets are never logged");
    let request_lines: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["fields"]["message"] == "request finished")
        .collect();
    assert!(request_lines.len() >= 2, "{log}");
    for line in request_lines {
        assert!(line["span"]["request_id"].is_string(), "every request line has its id: {line}");
    }
    for line in log.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            serde_json::from_str::<Value>(line).is_ok(),
            "with json logs every line is JSON: {line}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn postgres_the_same_binary_serves_on_postgresql() {
    let test_db = TestDb::empty(Backend::Postgres);
    let mut cmd = kefu();
    cmd.env("KEFU_DATABASE_URL", test_db.env_url())
        .env("KEFU_BOOTSTRAP_ADMIN_PASSWORD", "pg-admin-pass");
    let server = Server::start(cmd);
    assert_eq!(sync_http::get(&format!("{}/readyz", server.base)).status, 200);
    login(&server.base, "admin", "pg-admin-pass");
    let (status, _) = server.terminate();
    assert!(status.success());
}

#[test]
fn create_admin_then_rotate_the_signing_key() {
    let test_db = TestDb::empty(Backend::Sqlite);
    let url = test_db.env_url();
    let out = kefu()
        .args(["create-admin", "--username", "chen"])
        .env("KEFU_DATABASE_URL", &url)
        .stdin(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"chen-password-1\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = kefu()
        .args(["create-admin", "--username", "chen", "--password", "whatever-1"])
        .env("KEFU_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "a taken username is refused");

    let mut cmd = kefu();
    cmd.env("KEFU_DATABASE_URL", &url);
    let server = Server::start(cmd);
    let old = login(&server.base, "chen", "chen-password-1");
    let old_token = old["access_token"].as_str().unwrap();

    let out = kefu().arg("rotate-jwt-key").env("KEFU_DATABASE_URL", &url).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let new = login(&server.base, "chen", "chen-password-1");
    let new_token = new["access_token"].as_str().unwrap();
    assert_ne!(kid(new_token), kid(old_token), "new tokens carry the new kid");
    for token in [old_token, new_token] {
        let me =
            sync_http::request("GET", &format!("{}/api/v1/me", server.base), Some(token), None);
        assert_eq!(me.status, 200, "old tokens verify until they expire: {}", me.body);
    }
}

#[test]
fn migrate_brings_an_empty_database_up_to_date() {
    let test_db = TestDb::empty(Backend::Sqlite);
    let out = kefu().arg("migrate").env("KEFU_DATABASE_URL", test_db.env_url()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = test_db.pool();
    assert_eq!(kefu_persistence::users::count(&mut db.conn().unwrap()).unwrap(), 0);
}

/// Sends the head and half the body of a sign-in, SIGTERMs the server, sends the rest: the
/// request in flight is answered and the server then exits cleanly (R: graceful shutdown).
fn in_flight_request_finishes_at_sigterm(mut cmd: Command) {
    use std::io::{Read as _, Write as _};
    cmd.env("KEFU_BOOTSTRAP_ADMIN_PASSWORD", "in-flight-pass");
    let server = Server::start(cmd);
    let body = json!({ "username": "admin", "password": "in-flight-pass" }).to_string();
    let (first, rest) = body.split_at(10);
    let mut stream =
        std::net::TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    // A first request answered on this keep-alive connection: a worker holds it from then on
    // (a connection still waiting to be accepted when the signal comes is not in flight).
    write!(stream, "GET /healthz HTTP/1.1\r\nHost: kefu\r\n\r\n").unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
        .unwrap();
    let mut health = vec![0u8; length];
    stream.read_exact(&mut health).unwrap();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    write!(
        stream,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: kefu\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    Command::new("kill").arg("-TERM").arg(server.child.id().to_string()).status().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(rest.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n) = stream.read(&mut chunk) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&chunk[..n]);
        if answer.windows(4).any(|w| w == b"\r\n\r\n")
            && String::from_utf8_lossy(&answer).contains("access_token")
        {
            break;
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "the request in flight is answered: {answer}");
    let (status, log) = server.terminate();
    assert!(status.success(), "{status}: {log}");
}

#[test]
fn requests_in_flight_finish_at_sigterm_on_sqlite() {
    let test_db = TestDb::empty(Backend::Sqlite);
    let mut cmd = kefu();
    cmd.env("KEFU_DATABASE_URL", test_db.env_url());
    in_flight_request_finishes_at_sigterm(cmd);
}

#[test]
fn postgres_requests_in_flight_finish_at_sigterm() {
    let test_db = TestDb::empty(Backend::Postgres);
    let mut cmd = kefu();
    cmd.env("KEFU_DATABASE_URL", test_db.env_url());
    in_flight_request_finishes_at_sigterm(cmd);
}

/// Every row of every table, in a stable order, as text: what a restore must bring back.
fn every_row(url: &str) -> std::collections::BTreeMap<String, String> {
    use diesel::{QueryableByName, RunQueryDsl, sql_query, sql_types::Text};
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }
    #[derive(QueryableByName)]
    struct Rows {
        #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
        rows: Option<String>,
    }
    let db = kefu_persistence::Db::connect(&url.parse().unwrap(), Default::default()).unwrap();
    let mut conn = db.conn().unwrap();
    let conn = conn.raw();
    let tables: Vec<Name> = sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .load(conn)
    .unwrap();
    let mut all = std::collections::BTreeMap::new();
    for Name { name } in tables {
        let columns: Vec<Name> =
            sql_query(format!("SELECT name FROM pragma_table_info('{name}') ORDER BY cid"))
                .load(conn)
                .unwrap();
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{}\")", c.name))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let rows: Vec<Rows> = sql_query(format!(
            "SELECT group_concat(r, char(10)) AS rows FROM (SELECT {row} AS r FROM \"{name}\" ORDER BY 1)"
        ))
        .load(conn)
        .unwrap();
        all.insert(name, rows.into_iter().next().and_then(|r| r.rows).unwrap_or_default());
    }
    all
}

#[test]
fn backup_then_restore_brings_back_every_record_and_audit_event() {
    let dir = std::env::temp_dir().join(format!("kefu-backup-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let live = format!("sqlite://{}", dir.join("live.db").display());
    let copy = dir.join("backup/kefu-copy.db");
    let mut cmd = kefu();
    cmd.env("KEFU_DATABASE_URL", &live).env("KEFU_BOOTSTRAP_ADMIN_PASSWORD", "backup-pass-1");
    let server = Server::start(cmd);
    let admin = login(&server.base, "admin", "backup-pass-1");
    let token = admin["access_token"].as_str().unwrap();
    let company = sync_http::request(
        "POST",
        &format!("{}/api/v1/org/companies", server.base),
        Some(token),
        Some(&json!({ "name": "华东公司", "kind": "developer" }).to_string()),
    );
    assert_eq!(company.status, 201, "{}", company.body);
    let wrong = json!({ "username": "admin", "password": "wrong-pass" }).to_string();
    sync_http::request("POST", &format!("{}/api/v1/auth/login", server.base), None, Some(&wrong));
    let audit_before = sync_http::request(
        "GET",
        &format!("{}/api/v1/audit-events?limit=200", server.base),
        Some(token),
        None,
    );
    assert_eq!(audit_before.status, 200, "{}", audit_before.body);

    // Online: the server keeps serving while the copy is taken.
    let out = kefu()
        .args(["backup", "--to"])
        .arg(&copy)
        .env("KEFU_DATABASE_URL", &live)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = kefu()
        .args(["backup", "--to"])
        .arg(&copy)
        .env("KEFU_DATABASE_URL", &live)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "a backup never overwrites a file");
    let (status, _) = server.terminate();
    assert!(status.success());

    let restored = format!("sqlite://{}", copy.display());
    assert_eq!(every_row(&restored), every_row(&live), "every row of every table is back");

    let mut cmd = kefu();
    cmd.env("KEFU_DATABASE_URL", &restored);
    let server = Server::start(cmd);
    let admin = login(&server.base, "admin", "backup-pass-1");
    let token = admin["access_token"].as_str().unwrap();
    let companies = sync_http::request(
        "GET",
        &format!("{}/api/v1/org/companies", server.base),
        Some(token),
        None,
    );
    assert!(companies.body.contains("华东公司"), "{}", companies.body);
    let audit_after: Value = serde_json::from_str(
        &sync_http::request(
            "GET",
            &format!("{}/api/v1/audit-events?limit=200", server.base),
            Some(token),
            None,
        )
        .body,
    )
    .unwrap();
    let before: Value = serde_json::from_str(&audit_before.body).unwrap();
    for event in before["items"].as_array().unwrap() {
        assert!(
            audit_after["items"].as_array().unwrap().contains(event),
            "audit event {event} is back"
        );
    }
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn postgres_backup_points_to_pg_dump() {
    let test_db = TestDb::empty(Backend::Postgres);
    let out = kefu()
        .args(["backup", "--to", "/tmp/never-written.db"])
        .env("KEFU_DATABASE_URL", test_db.env_url())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pg_dump") && err.contains("pg_restore"), "{err}");
}
