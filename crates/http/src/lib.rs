//! kefu-http: the HTTP API of kefu (客服), its start-up and its command line.
//!
//! Handlers are thin: extract, call one persistence operation through [`state::AppState::run`]
//! (on the blocking pool), map the result. Errors are RFC 9457 problems ([`problem`]).

pub mod app;
pub mod auth;
pub mod body;
pub mod cli;
pub mod config;
pub mod contract;
pub mod ctx;
pub mod etag;
pub mod export;
pub mod head;
pub mod headers;
pub mod idempotency;
pub mod jobs;
pub mod list;
pub mod metrics;
pub mod observe;
pub mod openapi;
pub mod openapi_access;
pub mod openapi_links;
pub mod openapi_webhooks;
pub mod problem;
pub mod rate_limit;
pub mod respond;
pub mod routes;
pub mod server;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod time;
pub mod transport;
