//! Embedded migrations: one folder per migration under `migrations/`, written once when both
//! backends run the same SQL, with a per-backend part only where they must differ (the layout
//! rule is in `migrations/README.md`).
//!
//! The SQL is compiled in with `include_str!` from the list [`MIGRATIONS`]; diesel's harness
//! applies what is pending, each migration in a transaction, and records the version diesel
//! derives from the folder name, so databases migrated by `embed_migrations!` see nothing new.

use std::fmt;

use diesel::{
    backend::Backend,
    connection::BoxableConnection,
    migration::{Migration, MigrationMetadata, MigrationName, MigrationSource, MigrationVersion},
    pg::Pg,
    sqlite::Sqlite,
};
use diesel_migrations::MigrationHarness;

use crate::{
    db::{Conn, DbConnection},
    error::StoreError,
};

/// Includes one file of a migration folder.
macro_rules! sql {
    ($folder:literal, $file:literal) => {
        include_str!(concat!("../../../migrations/", $folder, "/", $file))
    };
}

/// One entry of [`MIGRATIONS`]: `migration!("<folder>")` for a folder of `up.sql` and
/// `down.sql`, `migration!("<folder>", per_backend)` for one that also has the backend parts.
macro_rules! migration {
    ($folder:literal) => {
        Embedded {
            folder: $folder,
            shared: Sql { up: sql!($folder, "up.sql"), down: sql!($folder, "down.sql") },
            per_backend: None,
        }
    };
    ($folder:literal, per_backend) => {
        Embedded {
            folder: $folder,
            shared: Sql { up: sql!($folder, "up.sql"), down: sql!($folder, "down.sql") },
            per_backend: Some(PerBackend {
                postgres: Sql {
                    up: sql!($folder, "up.postgres.sql"),
                    down: sql!($folder, "down.postgres.sql"),
                },
                sqlite: Sql {
                    up: sql!($folder, "up.sqlite.sql"),
                    down: sql!($folder, "down.sqlite.sql"),
                },
            }),
        }
    };
}

/// Every migration, oldest first: one line per folder of `migrations/`.
const MIGRATIONS: &[Embedded] = &[
    migration!("2026-11-23-000001_foundation", per_backend),
    migration!("2026-11-23-000002_calendars"),
    migration!("2026-11-23-000010_identity"),
    migration!("2026-12-01-000020_group_rules"),
    migration!("2026-12-01-000030_customer_erasure"),
    migration!("2026-12-01-000040_complaints"),
    migration!("2026-12-01-000050_approvals", per_backend),
    migration!("2026-12-01-000060_automation"),
    migration!("2026-12-01-000070_callbacks"),
    migration!("2026-12-01-000080_surveys"),
    migration!("2026-12-01-000090_reports"),
    migration!("2026-12-01-000100_stats"),
    migration!("2026-12-01-000110_work_plans"),
];

/// Applies every pending migration; returns the versions applied now (empty when up to date).
pub fn run_pending(conn: &mut Conn) -> Result<Vec<String>, StoreError> {
    apply(conn.raw())
}

fn apply(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let applied = match conn {
        DbConnection::Pg(c) => c.run_pending_migrations(Source),
        DbConnection::Sqlite(c) => c.run_pending_migrations(Source),
    }
    .map_err(|e| StoreError::Corrupt(format!("migration failed: {e}")))?;
    Ok(applied.into_iter().map(|v| v.to_string()).collect())
}

/// The `up` and `down` SQL of a migration or of one backend's part of it.
struct Sql {
    up: &'static str,
    down: &'static str,
}

/// The backend parts of a migration that cannot be shared.
struct PerBackend {
    postgres: Sql,
    sqlite: Sql,
}

/// A migration compiled into the binary.
struct Embedded {
    /// The folder name, e.g. `2026-11-23-000001_foundation`.
    folder: &'static str,
    /// `up.sql` and `down.sql`, run on both backends.
    shared: Sql,
    /// `up.<backend>.sql` and `down.<backend>.sql`, when the folder has them.
    per_backend: Option<PerBackend>,
}

/// A backend we migrate: which part of a split migration is its own.
trait Dialect: Backend {
    /// This backend's part of `parts`.
    fn part(parts: &PerBackend) -> &Sql;
}

impl Dialect for Pg {
    fn part(parts: &PerBackend) -> &Sql {
        &parts.postgres
    }
}

impl Dialect for Sqlite {
    fn part(parts: &PerBackend) -> &Sql {
        &parts.sqlite
    }
}

/// The version diesel records for a migration folder: what precedes the first `_`, without
/// dashes (`2026-11-23-000001_foundation` → `20261123000001`), as
/// `migrations_internals::version_from_string` derives it.
fn version_of(folder: &str) -> String {
    folder.split_once('_').map_or(folder, |(version, _)| version).replace('-', "")
}

/// True when `sql` has no statement: only blank lines and `--` comments (PostgreSQL refuses to
/// execute such a batch, so it is skipped).
fn is_blank(sql: &str) -> bool {
    sql.lines().map(str::trim).all(|line| line.is_empty() || line.starts_with("--"))
}

/// The list as a diesel migration source for either backend.
struct Source;

impl<DB: Dialect> MigrationSource<DB> for Source {
    fn migrations(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<DB>>>> {
        Ok(MIGRATIONS.iter().map(|m| Box::new(Step(m)) as Box<dyn Migration<DB>>).collect())
    }
}

/// One migration of the list, as diesel runs it.
struct Step(&'static Embedded);

impl Step {
    /// Executes `batches` in order, skipping blank ones.
    fn execute<DB: Backend>(
        &self,
        conn: &mut dyn BoxableConnection<DB>,
        action: &'static str,
        batches: [&'static str; 2],
    ) -> diesel::migration::Result<()> {
        for sql in batches.into_iter().filter(|sql| !is_blank(sql)) {
            conn.batch_execute(sql).map_err(|source| StepFailed {
                action,
                folder: self.0.folder,
                source,
            })?;
        }
        Ok(())
    }
}

/// A migration whose SQL the database refused.
#[derive(Debug, thiserror::Error)]
#[error("Failed to {action} {folder} with: {source}")]
struct StepFailed {
    action: &'static str,
    folder: &'static str,
    source: diesel::result::Error,
}

impl<DB: Dialect> Migration<DB> for Step {
    /// The shared `up.sql`, then this backend's `up.<backend>.sql`.
    fn run(&self, conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        let own = self.0.per_backend.as_ref().map_or("", |p| DB::part(p).up);
        self.execute(conn, "run", [self.0.shared.up, own])
    }

    /// This backend's `down.<backend>.sql`, then the shared `down.sql`.
    fn revert(&self, conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        let own = self.0.per_backend.as_ref().map_or("", |p| DB::part(p).down);
        self.execute(conn, "revert", [own, self.0.shared.down])
    }

    fn metadata(&self) -> &dyn MigrationMetadata {
        self
    }

    fn name(&self) -> &dyn MigrationName {
        self
    }
}

/// The default: the harness runs each migration in a transaction.
impl MigrationMetadata for Step {}

impl MigrationName for Step {
    fn version(&self) -> MigrationVersion<'_> {
        MigrationVersion::from(version_of(self.0.folder))
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.folder)
    }
}

#[cfg(test)]
mod tests {
    use std::{
        collections::BTreeSet,
        fs,
        path::{Path, PathBuf},
    };

    use diesel::{Connection, RunQueryDsl, dsl::sql, sql_types::Text, sqlite::SqliteConnection};
    use diesel_migrations::FileBasedMigrations;

    use super::*;

    /// The versions recorded by the `embed_migrations!` this module replaced; they must never
    /// change, or migrated databases would run these migrations again.
    const RECORDED_BEFORE: [&str; 3] = ["20261123000001", "20261123000002", "20261123000010"];

    fn migrations_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations")
    }

    fn folders() -> Vec<String> {
        let mut folders: Vec<String> = fs::read_dir(migrations_dir())
            .unwrap()
            .map(|entry| entry.unwrap())
            .filter(|entry| entry.file_type().unwrap().is_dir())
            .map(|entry| entry.file_name().into_string().unwrap())
            .collect();
        folders.sort();
        folders
    }

    fn versions(source: &dyn MigrationSource<Sqlite>) -> Vec<String> {
        let mut versions: Vec<String> =
            source.migrations().unwrap().iter().map(|m| m.name().version().to_string()).collect();
        versions.sort();
        versions
    }

    #[test]
    fn the_list_names_every_folder_once_oldest_first() {
        let listed: Vec<&str> = MIGRATIONS.iter().map(|m| m.folder).collect();
        assert_eq!(
            listed,
            folders(),
            "MIGRATIONS in migrate.rs and the folders of migrations/ must agree, in order"
        );
        let versions: Vec<String> = listed.iter().map(|f| version_of(f)).collect();
        assert!(
            versions.windows(2).all(|w| w[0] < w[1]),
            "versions must be distinct and ascending: {versions:?}"
        );
    }

    #[test]
    fn each_folder_holds_exactly_the_files_its_entry_reads() {
        for m in MIGRATIONS {
            let mut expected = BTreeSet::from(["up.sql", "down.sql"]);
            if m.per_backend.is_some() {
                expected.extend([
                    "up.postgres.sql",
                    "up.sqlite.sql",
                    "down.postgres.sql",
                    "down.sqlite.sql",
                    "README.md",
                ]);
            }
            let present: BTreeSet<String> = fs::read_dir(migrations_dir().join(m.folder))
                .unwrap()
                .map(|entry| entry.unwrap().file_name().into_string().unwrap())
                .collect();
            let present: BTreeSet<&str> = present.iter().map(String::as_str).collect();
            assert_eq!(present, expected, "files of migrations/{}", m.folder);
        }
    }

    #[test]
    fn versions_are_the_ones_diesel_derives_and_already_recorded() {
        let diesel = FileBasedMigrations::from_path(migrations_dir()).unwrap();
        let ours = versions(&Source);
        assert_eq!(ours, versions(&diesel), "diesel's own reading of the same folders");
        assert_eq!(ours[..RECORDED_BEFORE.len()], RECORDED_BEFORE);
    }

    #[test]
    fn blank_batches_are_only_whitespace_and_line_comments() {
        assert!(is_blank(""));
        assert!(is_blank("\n  -- nothing for this backend\n\n"));
        assert!(!is_blank("-- a comment\nDROP TABLE t;\n"));
        assert!(
            MIGRATIONS.iter().filter(|m| m.per_backend.is_none()).all(|m| !is_blank(m.shared.up)),
            "a migration written once does something"
        );
    }

    fn sqlite_objects(conn: &mut SqliteConnection) -> Vec<String> {
        sql::<Text>(
            "SELECT type || ' ' || name FROM sqlite_master \
             WHERE name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY 1",
        )
        .load(conn)
        .unwrap()
    }

    /// On an in-memory SQLite: up records the old versions, a database that has them has
    /// nothing pending, and down (backend part first) leaves no table, index or trigger.
    #[test]
    fn sqlite_in_memory_migrates_up_and_back_down() {
        let mut conn = DbConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
        let applied = apply(&mut conn).unwrap();
        assert_eq!(applied, versions(&Source));
        assert!(apply(&mut conn).unwrap().is_empty(), "nothing left pending");
        let DbConnection::Sqlite(conn) = &mut conn else { unreachable!() };
        assert!(sqlite_objects(conn).contains(&"trigger audit_events_no_delete".to_owned()));
        let recorded: Vec<String> =
            conn.applied_migrations().unwrap().iter().map(|v| v.to_string()).collect();
        assert!(RECORDED_BEFORE.iter().all(|v| recorded.contains(&(*v).to_owned())));
        assert_eq!(conn.revert_all_migrations(Source).unwrap().len(), MIGRATIONS.len());
        assert_eq!(sqlite_objects(conn), Vec::<String>::new());
    }
}
