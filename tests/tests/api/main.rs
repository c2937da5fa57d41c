//! kefu's black-box suite: one binary, a module per feature, every test on a fresh database.
//! Tests named `…::postgres` need PostgreSQL; `make test` skips them visibly when it is down.
// Test code: a failed step should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod approvals;
mod attachments;
mod audit;
mod auth;
mod automation;
mod calendars;
mod callbacks;
mod cases;
mod cli;
mod clients;
mod complaints;
mod concurrency;
mod contract;
mod conventions;
mod customers;
mod errors;
mod idempotency;
mod improvement_plans;
mod nodes;
mod observability;
mod org;
mod performance;
mod persistence;
mod privacy;
mod reports;
mod rules;
mod rules_complaints;
mod security;
mod stats;
mod surveys;
mod upgrade;
mod users;
mod work_orders;
mod work_plans;
