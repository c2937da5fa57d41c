//! Per-test databases on both backends.

use std::{
    path::PathBuf,
    sync::Once,
    time::{Duration, SystemTime},
};

use diesel::{Connection, RunQueryDsl, pg::PgConnection, sql_query, sql_types::Text};
use kefu_persistence::{DatabaseUrl, Db, PoolOptions, migrate};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A temporary database on the PostgreSQL server of `TEST_DATABASE_URL`.
    Postgres,
}

/// A database that exists for one test and is removed afterwards.
#[derive(Debug)]
pub struct TestDb {
    /// Its URL.
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Dir(PathBuf),
    Postgres { admin_url: String, name: String },
}

/// The maintenance database of the test server.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

#[derive(diesel::QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    datname: String,
}

/// Drops `kefu_test_*` databases older than an hour (their UUIDv7 says when they were made).
fn sweep(conn: &mut PgConnection) {
    let Ok(names) = sql_query("SELECT datname FROM pg_database WHERE datname LIKE 'kefu_test_%'")
        .load::<Name>(conn)
    else {
        return;
    };
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for Name { datname } in names {
        let made = uuid::Uuid::parse_str(datname.trim_start_matches("kefu_test_"))
            .ok()
            .and_then(|id| id.get_timestamp())
            .map(|ts| {
                let (secs, nanos) = ts.to_unix();
                SystemTime::UNIX_EPOCH + Duration::new(secs, nanos)
            });
        if made.is_some_and(|t| t < hour_ago) {
            let _ = sql_query(format!("DROP DATABASE IF EXISTS \"{datname}\" WITH (FORCE)"))
                .execute(conn);
        }
    }
}

impl TestDb {
    /// A fresh, empty database (not migrated).
    pub fn empty(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("kefu-test-{}", uuid::Uuid::now_v7()));
                std::fs::create_dir_all(&dir).unwrap();
                Self { url: DatabaseUrl::Sqlite(dir.join("kefu.db")), cleanup: Cleanup::Dir(dir) }
            }
            Backend::Postgres => {
                let admin = admin_url();
                let mut conn = PgConnection::establish(&admin).unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL tests need the server of TEST_DATABASE_URL ({admin}): {e}. \
                         `make test` skips them when it is down (outside CI)."
                    )
                });
                static SWEEP: Once = Once::new();
                SWEEP.call_once(|| sweep(&mut conn));
                let name = format!("kefu_test_{}", uuid::Uuid::now_v7().simple());
                sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).unwrap();
                Self {
                    url: DatabaseUrl::Postgres(with_database(&admin, &name)),
                    cleanup: Cleanup::Postgres { admin_url: admin, name },
                }
            }
        }
    }

    /// A fresh database with every migration applied, and a pool on it.
    pub fn migrated(backend: Backend) -> (Self, Db) {
        let test_db = Self::empty(backend);
        let db = test_db.pool();
        migrate::run_pending(&mut db.conn().unwrap()).unwrap();
        (test_db, db)
    }

    /// A pool on this database.
    pub fn pool(&self) -> Db {
        Db::connect(&self.url, PoolOptions { max_size: 4, ..PoolOptions::default() }).unwrap()
    }

    /// The URL as `KEFU_DATABASE_URL` takes it.
    pub fn env_url(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => url.clone(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut conn) = PgConnection::establish(admin_url) {
                    let _ = sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut conn);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_replaces_the_maintenance_one() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1:5432/postgres", "kefu_test_x"),
            "postgres://postgres@127.0.0.1:5432/kefu_test_x"
        );
        assert_eq!(
            super::with_database("postgresql://u:p@h/postgres?sslmode=disable", "d"),
            "postgresql://u:p@h/d?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h:1", "d"), "postgres://h:1/d");
    }
}
