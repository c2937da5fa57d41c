//! Start-up: connect, migrate, make sure a signing key and (optionally) an admin exist, serve.

use std::{net::TcpListener, sync::Arc, time::Duration};

use actix_http::{HttpService, error::DispatchError};
use actix_service::{ServiceFactoryExt, fn_service, map_config};
use actix_web::dev::{AppConfig, Server};
use anyhow::Context;
use kefu_domain::clock::{Clock, SystemClock};
use kefu_persistence::{DatabaseUrl, Db, PoolOptions, calendars, groups, migrate, sla, users};

use crate::{
    app::{self, AppParts},
    auth::password,
    config::{LogFormat, Secret, Settings},
    jobs::Runner,
    state::{AppState, ensure_signing_key},
    transport::ProblemIo,
};

/// Opens the database and brings its schema up to date.
pub fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect(&settings.database_url, PoolOptions::default()).map_err(|e| {
        let missing = e.to_string().contains("does not exist");
        let error = anyhow::Error::from(e)
            .context(format!("cannot open the database {}", settings.database_url));
        match &settings.database_url {
            DatabaseUrl::Postgres(_) if missing => error.context(
                "create the database first, e.g. `createdb -h 127.0.0.1 -U postgres kefu` \
                 (kefu creates its tables, not the database)",
            ),
            _ => error,
        }
    })?;
    let applied = migrate::run_pending(&mut db.conn()?)?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "migrations applied");
    }
    Ok(db)
}

/// Creates an administrator (the first, or another): a platform operator who is also the
/// admin of the default group (created when missing), so one account can set up tenants and
/// work in the default one. Everything in one transaction.
pub fn create_admin(
    db: &Db,
    username: &str,
    password: &Secret,
    clock: &dyn Clock,
) -> anyhow::Result<users::User> {
    anyhow::ensure!(!username.trim().is_empty(), "the username must not be empty");
    anyhow::ensure!(
        password.expose().chars().count() >= 8,
        "the password must have at least 8 characters"
    );
    let hash = password::hash(password.expose()).map_err(anyhow::Error::msg)?;
    let new = users::NewUser {
        username: username.to_owned(),
        display_name: username.to_owned(),
        password_hash: hash,
        email: None,
    };
    let user = users::create_administrator(&mut db.conn()?, &new, clock.now())?;
    Ok(user)
}

/// Prepares the state a server runs on: signing key, bootstrap admin.
pub fn prepare(db: Db, clock: Arc<dyn Clock>, settings: &Settings) -> anyhow::Result<AppState> {
    let now = clock.now();
    let mut conn = db.conn()?;
    ensure_signing_key(&mut conn, settings.jwt_secret.as_ref().map(Secret::expose), now)?;
    if calendars::ensure_default(&mut conn, now)? {
        tracing::info!("created the default calendar with the shipped holiday schedules");
    }
    sla::ensure_default_policy(&mut conn, now)?;
    let copies = groups::ensure_rules(&mut conn, now)?;
    if copies > 0 {
        tracing::info!(copies, "gave groups their own copy of the SLA policy and calendar");
    }
    let no_users = users::count(&mut conn)? == 0;
    drop(conn);
    match (&settings.bootstrap_admin_password, no_users) {
        (Some(password), true) => {
            create_admin(&db, "admin", password, clock.as_ref())?;
            tracing::info!("created the first administrator, user \"admin\"");
        }
        (None, true) => tracing::warn!(
            "no user exists yet: create the first administrator with \
             `kefu create-admin --username admin` (or set KEFU_BOOTSTRAP_ADMIN_PASSWORD)"
        ),
        _ => {}
    }
    let mut state = AppState::new(db, clock);
    state.webhooks_may_reach_private = settings.jobs.allow_private;
    Ok(state)
}

/// Starts serving HTTP/1.1 on `listener`; the returned server stops gracefully on
/// SIGTERM/SIGINT (in-flight requests finish, for up to 30 s). A client has
/// `parts.request_timeout` for a request's head and again for its body, then gets 408; the
/// answers actix-http writes itself leave as problem documents ([`crate::transport`]).
pub fn start(
    listener: TcpListener,
    parts: AppParts,
    workers: Option<usize>,
) -> std::io::Result<Server> {
    listener.set_nonblocking(true)?;
    let local = listener.local_addr()?;
    let timeout = parts.request_timeout;
    let mut builder = actix_server::Server::build().shutdown_timeout(30);
    if let Some(n) = workers {
        builder = builder.workers(n);
    }
    let server = builder
        .listen("kefu", listener, move || {
            let app = app::build(parts.clone());
            fn_service(|io: actix_rt::net::TcpStream| {
                let peer = io.peer_addr().ok();
                let _ = io.set_nodelay(true);
                std::future::ready(Ok::<_, DispatchError>((ProblemIo::new(io), peer)))
            })
            .and_then(
                HttpService::build()
                    .keep_alive(Duration::from_secs(5))
                    .client_request_timeout(timeout)
                    .client_disconnect_timeout(Duration::from_secs(1))
                    .local_addr(local)
                    .h1(map_config(app, |_| AppConfig::default())),
            )
        })?
        .run();
    Ok(server)
}

/// `kefu serve`.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    let listen = settings.listen.clone();
    let prepared = {
        let settings = settings.clone();
        actix_web::web::block(move || -> anyhow::Result<AppState> {
            let db = open_database(&settings)?;
            prepare(db, Arc::new(SystemClock), &settings)
        })
        .await??
    };
    let listener =
        TcpListener::bind(&listen).with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = %settings.database_url, "kefu is serving");
    if settings.log_format == LogFormat::Text {
        eprintln!("kefu is serving on http://{addr} (API docs: http://{addr}/docs)");
    }
    let runner =
        settings.jobs.enabled.then(|| Runner::new(prepared.clone(), settings.jobs.clone()));
    let parts = AppParts::new(prepared, &settings)?;
    let server = start(listener, parts, settings.workers)?;
    let jobs = runner.map(Runner::spawn);
    server.await?;
    if let Some(jobs) = jobs {
        jobs.abort();
    }
    tracing::info!("kefu stopped");
    Ok(())
}
