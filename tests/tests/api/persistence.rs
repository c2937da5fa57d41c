//! The persistence suite, the same on SQLite and PostgreSQL.

use chrono::{DateTime, TimeDelta, Utc};
use kefu_domain::clock::to_micros;
use kefu_persistence::{
    StoreError,
    audit::{self, Actor},
    migrate, transaction,
    users::{self, NewUser},
};
use kefu_tests::{Backend, TestDb, both_backends};

both_backends! {
    migrations_run_up_from_empty => migrations_run_up_from_empty;
    instants_read_back_equal_to_the_microsecond => instants_read_back_equal_to_the_microsecond;
    a_failed_transaction_leaves_nothing_behind => a_failed_transaction_leaves_nothing_behind;
    a_stale_version_is_refused => a_stale_version_is_refused;
    the_audit_trail_is_append_only => the_audit_trail_is_append_only;
    usernames_are_unique => usernames_are_unique;
}

fn new_user(name: &str) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("{name} (display)"),
        password_hash: "$argon2id$not-a-real-hash".into(),
        is_admin: false,
    }
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

async fn migrations_run_up_from_empty(backend: Backend) {
    blocking(move || {
        let test_db = TestDb::empty(backend);
        let db = test_db.pool();
        let mut conn = db.conn().unwrap();
        let applied = migrate::run_pending(&mut conn).unwrap();
        assert!(!applied.is_empty(), "an empty database gets every migration");
        assert!(
            migrate::run_pending(&mut conn).unwrap().is_empty(),
            "the second run has nothing to do"
        );
        assert_eq!(users::count(&mut conn).unwrap(), 0);
    })
    .await;
}

async fn instants_read_back_equal_to_the_microsecond(backend: Backend) {
    blocking(move || {
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        let at = instant("2026-10-10T09:30:15.123456789+08:00");
        let user = users::create(&mut conn, new_user("mei"), Actor::System, at).unwrap();
        let back = users::get(&mut conn, &user.id).unwrap();
        assert_eq!(back.created_at, to_micros(at));
        assert_eq!(back.created_at.timestamp_subsec_nanos(), 123_456_000);
        assert_eq!(back, user);
        assert_eq!(back.display_name, "mei (display)");
    })
    .await;
}

async fn a_failed_transaction_leaves_nothing_behind(backend: Backend) {
    blocking(move || {
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        let at = instant("2026-10-08T10:00:00+08:00");
        let outcome: Result<(), StoreError> = transaction(&mut conn, |conn| {
            let user = users::create(conn, new_user("lost"), Actor::System, at)?;
            users::rename(conn, &user.id, 1, "renamed", at)?;
            Err(StoreError::Conflict("the caller changed its mind".into()))
        });
        assert!(matches!(outcome, Err(StoreError::Conflict(_))));
        assert!(users::find_by_username(&mut conn, "lost").unwrap().is_none());
        assert_eq!(users::count(&mut conn).unwrap(), 0);
        // The audit event written inside the transaction is gone with it.
        let user = users::create(&mut conn, new_user("kept"), Actor::System, at).unwrap();
        assert_eq!(audit::for_subject(&mut conn, "user", &user.id).unwrap().len(), 1);
    })
    .await;
}

async fn a_stale_version_is_refused(backend: Backend) {
    blocking(move || {
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        let at = instant("2026-10-09T10:00:00+08:00");
        let user = users::create(&mut conn, new_user("li"), Actor::System, at).unwrap();
        assert_eq!(user.version, 1);
        let renamed =
            users::rename(&mut conn, &user.id, 1, "Li Lei", at + TimeDelta::minutes(1)).unwrap();
        assert_eq!((renamed.version, renamed.display_name.as_str()), (2, "Li Lei"));
        let stale = users::rename(&mut conn, &user.id, 1, "Han Meimei", at + TimeDelta::minutes(2));
        assert!(matches!(stale, Err(StoreError::StaleVersion { current: 2 })), "{stale:?}");
        assert_eq!(users::get(&mut conn, &user.id).unwrap().display_name, "Li Lei");
        assert!(matches!(
            users::rename(&mut conn, "missing", 1, "x", at),
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

async fn the_audit_trail_is_append_only(backend: Backend) {
    blocking(move || {
        use diesel::RunQueryDsl;
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        users::create(&mut conn, new_user("zhang"), Actor::System, Utc::now()).unwrap();
        let update =
            diesel::sql_query("UPDATE audit_events SET action = 'forged'").execute(&mut *conn);
        assert!(update.is_err(), "an audit event cannot be changed");
        let delete = diesel::sql_query("DELETE FROM audit_events").execute(&mut *conn);
        assert!(delete.is_err(), "an audit event cannot be removed");
    })
    .await;
}

async fn usernames_are_unique(backend: Backend) {
    blocking(move || {
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        users::create(&mut conn, new_user("wang"), Actor::System, Utc::now()).unwrap();
        let again = users::create(&mut conn, new_user("wang"), Actor::System, Utc::now());
        assert!(
            matches!(again, Err(StoreError::Conflict(ref m)) if m.contains("wang")),
            "{again:?}"
        );
    })
    .await;
}

both_backends! {
    r_t_9_a_negotiated_deadline_replaces_the_due_and_records_who_agreed => r_t_9_a_negotiated_deadline_replaces_the_due_and_records_who_agreed;
}

async fn r_t_9_a_negotiated_deadline_replaces_the_due_and_records_who_agreed(backend: Backend) {
    use kefu_domain::sla::{ClockRun, ClockState};
    use kefu_persistence::{calendars, sla};
    blocking(move || {
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        let received = instant("2026-11-23T10:00:00+08:00");
        calendars::ensure_default(&mut conn, received).unwrap();
        sla::ensure_default_policy(&mut conn, received).unwrap();
        let calendar = calendars::default_id(&mut conn).unwrap().unwrap();
        let clock = sla::start_clock(
            &mut conn,
            ("complaint", "TS-2026-000777"),
            "progress_feedback",
            &calendar,
            ClockRun::new(received),
            received,
        )
        .unwrap();
        // R-T-9: feedback within 3 WD, Mon 10:00 → Thu 10:00.
        assert_eq!(clock.due_at, instant("2026-11-26T10:00:00+08:00"));
        assert_eq!((clock.rule_id.as_str(), clock.state), ("R-T-9", ClockState::Running));

        let agreed = instant("2026-12-04T17:00:00+08:00");
        let now = received + TimeDelta::hours(2);
        let negotiated = sla::negotiate(&mut conn, &clock.id, agreed, "user-li", now).unwrap();
        assert_eq!(negotiated.due_at, agreed);
        let kept = negotiated.run.negotiated_due.unwrap();
        assert_eq!((kept.agreed_by.as_str(), kept.agreed_at), ("user-li", now));
        let events = audit::for_subject(&mut conn, "sla_clock", &clock.id).unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].action, "sla_clock.negotiated");
        assert_eq!(events[0].actor_id.as_deref(), Some("user-li"));
    })
    .await;
}
