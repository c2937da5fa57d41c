//! Upgrading a database of the foundation: every administrator stays an administrator (admin
//! of the default group and platform operator), every user joins the default group.

use diesel::connection::SimpleConnection;
use kefu_persistence::{DbConnection, grants, migrate, users};
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
        let mut conn = db.conn().unwrap();
        let conn: &mut DbConnection = &mut conn;
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
        let applied = migrate::run_pending(conn).unwrap();
        assert!(!applied.is_empty());
        let admin = users::get(conn, "u-admin").unwrap();
        let staff = users::get(conn, "u-staff").unwrap();
        assert!(admin.group_id.is_some() && admin.group_id == staff.group_id, "both in the default group");
        let mut roles: Vec<String> =
            grants::of_principal(conn, "user", "u-admin").unwrap().into_iter().map(|g| g.role).collect();
        roles.sort();
        assert_eq!(roles, ["admin", "platform_operator"]);
        assert!(grants::of_principal(conn, "user", "u-staff").unwrap().is_empty());
    })
    .await
    .unwrap();
}
