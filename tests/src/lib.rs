//! The test harness: a real kefu on a real socket over a fresh database of either backend.
//!
//! SQLite databases are temporary files (not `:memory:`, which hides WAL and pool behaviour).
//! PostgreSQL databases are `kefu_test_<uuidv7>` on the server that `TEST_DATABASE_URL` names
//! (default `postgres://postgres@127.0.0.1:5432/postgres`), dropped when the test ends; any left
//! over from a crashed run and older than an hour is swept when a test starts.
// Test support: a failed set-up should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

pub mod api;
pub mod app;
pub mod db;
pub mod org;

pub use app::{ADMIN_PASSWORD, TestApp, assert_problem, spawn_app, spawn_app_with};
pub use db::{Backend, TestDb};

/// Runs an async test body once per backend: `both_backends!(name, body)` makes
/// `name::sqlite` and `name::postgres`, where `body` is `async fn(Backend)`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident => $body:ident;)+) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$body($crate::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$body($crate::Backend::Postgres).await
                }
            }
        )+
    };
}
