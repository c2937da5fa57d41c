//! The security suite (OWASP API Security Top 10, see SECURITY.md), on both backends: who may
//! read and change whom (every role, every resource, the platform operator), tenant isolation,
//! token attacks and revoked sessions, sign-in limits under concurrency. Token forgery is in
//! `auth.rs`; slow clients and limits on the HTTP layer in `server.rs`.

mod access;
mod limits;
mod matrix;
mod platform;
mod scope;
mod server;
mod sessions;
