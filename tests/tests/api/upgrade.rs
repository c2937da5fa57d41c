//! Upgrading a database of the foundation: every administrator stays an administrator (admin
//! of the default group and platform operator), every user joins the default group.

use diesel::{RunQueryDsl, connection::SimpleConnection, sql_types::Text};
use kefu_persistence::{calendars, groups, migrate, sla, users};
use kefu_tests::{Backend, TestDb, both_backends};

both_backends! {
    upgrading_keeps_administrators_administrators => upgrading_keeps_administrators_administrators;
}

/// The foundation's `up.sql` shared by both backends, then each backend's part.
const FOUNDATION: &str = include_str!("../../../migrations/2026-11-23-000001_foundation/up.sql");
const FOUNDATION_PG: &str =
    include_str!("../../../migrations/2026-11-23-000001_foundation/up.postgres.sql");
const FOUNDATION_SQLITE: &str =
    include_str!("../../../migrations/2026-11-23-000001_foundation/up.sqlite.sql");

async fn upgrading_keeps_administrators_administrators(backend: Backend) {
    tokio::task::spawn_blocking(move || {
        let test_db = TestDb::empty(backend);
        let db = test_db.pool();
        let mut pooled = db.conn().unwrap();
        let conn = pooled.raw();
        // The database as the foundation left it: its schema, marked as migrated, two users.
        let (foundation, admin_flag) = match backend {
            Backend::Postgres => (FOUNDATION_PG, "TRUE"),
            Backend::Sqlite => (FOUNDATION_SQLITE, "1"),
        };
        conn.batch_execute(FOUNDATION).unwrap();
        conn.batch_execute(foundation).unwrap();
        conn.batch_execute(&format!(
            "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, \
             run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
             INSERT INTO __diesel_schema_migrations (version) VALUES ('20261123000001');
             INSERT INTO users (id, username, display_name, password_hash, is_admin, created_at, updated_at, version)
                 VALUES ('u-admin', 'old.admin', 'Old admin', 'h', {admin_flag}, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1);
             INSERT INTO users (id, username, display_name, password_hash, is_admin, created_at, updated_at, version)
                 VALUES ('u-staff', 'old.staff', 'Old staff', 'h', NOT {admin_flag}, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1);"
        ))
        .unwrap();
        let applied = migrate::run_pending(&mut pooled).unwrap();
        assert!(!applied.is_empty());
        let admin = users::get(&mut pooled, "u-admin").unwrap();
        let staff = users::get(&mut pooled, "u-staff").unwrap();
        assert!(admin.group_id.is_some() && admin.group_id == staff.group_id, "both in the default group");
        assert_eq!(roles(&mut pooled, "u-admin"), ["admin", "platform_operator"]);
        assert!(roles(&mut pooled, "u-staff").is_empty());
        // Start-up then gives the upgraded group its own copy of the rules.
        let now = chrono::Utc::now();
        calendars::ensure_default(&mut pooled, now).unwrap();
        sla::ensure_default_policy(&mut pooled, now).unwrap();
        assert_eq!(groups::ensure_rules(&mut pooled, now).unwrap(), 2, "a policy and a calendar");
        assert_eq!(groups::ensure_rules(&mut pooled, now).unwrap(), 0, "once");
        let group = admin.group_id.clone().map(kefu_domain::ids::GroupId::from);
        assert!(calendars::default_id(&mut pooled, group.as_ref()).unwrap().is_some());
        let policy = sla::current_policy(&mut pooled, admin.group_id.as_deref()).unwrap();
        assert_eq!(policy.unwrap().version, 1);
    })
    .await
    .unwrap();
}

#[derive(diesel::QueryableByName)]
struct RoleRow {
    #[diesel(sql_type = Text)]
    role: String,
}

/// The roles a user holds, sorted.
fn roles(conn: &mut kefu_persistence::Conn, user: &str) -> Vec<String> {
    diesel::sql_query(format!(
        "SELECT role FROM grants WHERE principal_id = '{user}' ORDER BY role"
    ))
    .load::<RoleRow>(conn.raw())
    .unwrap()
    .into_iter()
    .map(|r| r.role)
    .collect()
}
