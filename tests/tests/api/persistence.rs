//! The persistence suite, the same on SQLite and PostgreSQL.

use chrono::{DateTime, TimeDelta, Utc};
use kefu_domain::{access::Reach, clock::to_micros, ids::GroupId, org::CompanyKind};
use kefu_persistence::{
    Conn, StoreError,
    audit::{self, Acting, Actor},
    calendars, groups,
    kit::Expected::Version,
    migrate,
    org::{
        archive,
        companies::{self, CompanyChanges},
    },
    scope::Scope,
    sla,
    users::{self, NewUser},
};
use kefu_tests::{Backend, TestDb, both_backends};

both_backends! {
    migrations_run_up_from_empty => migrations_run_up_from_empty;
    instants_read_back_equal_to_the_microsecond => instants_read_back_equal_to_the_microsecond;
    a_failed_use_case_leaves_nothing_behind => a_failed_use_case_leaves_nothing_behind;
    a_stale_version_is_refused => a_stale_version_is_refused;
    the_audit_trail_is_append_only => the_audit_trail_is_append_only;
    usernames_are_unique_and_say_nothing_of_who_holds_them => usernames_are_unique_and_say_nothing_of_who_holds_them;
}

fn new_user(name: &str) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("{name} (display)"),
        password_hash: "$argon2id$not-a-real-hash".into(),
        email: None,
    }
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

/// The shipped templates and the first administrator (in the default group), as start-up
/// makes them; the administrator's group id.
fn bootstrap(conn: &mut Conn, at: DateTime<Utc>) -> String {
    calendars::ensure_default(conn, at).unwrap();
    sla::ensure_default_policy(conn, at).unwrap();
    users::create_administrator(conn, &new_user("admin"), at).unwrap().group_id.unwrap()
}

/// A group-wide scope of `group` acting for a user from a request.
fn group_scope(group: &str) -> Scope {
    Scope {
        group_id: group.into(),
        reach: Reach { whole_group: true, ..Reach::default() },
        acting: Acting::request(Actor::User("u-test".into()), "req-test"),
        platform: false,
    }
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
        let group = bootstrap(&mut conn, at);
        let company =
            companies::create(&mut conn, &group_scope(&group), "晋愉", CompanyKind::Developer, at)
                .unwrap();
        let back = companies::get(&mut conn, &group_scope(&group), &company.id).unwrap();
        assert_eq!(back.created_at.and_utc(), to_micros(at));
        assert_eq!(back.created_at.and_utc().timestamp_subsec_nanos(), 123_456_000);
        assert_eq!(back, company);
    })
    .await;
}

async fn a_failed_use_case_leaves_nothing_behind(backend: Backend) {
    blocking(move || {
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        let at = instant("2026-10-08T10:00:00+08:00");
        bootstrap(&mut conn, at);
        // A group whose first administrator's name is taken: the group, its rules and its audit
        // event go with the failed admin, in one transaction.
        let acting = Acting::request(Actor::User("u-op".into()), "req-1");
        let outcome = groups::create(&mut conn, &acting, ("lost", "Lost"), &new_user("admin"), at);
        assert!(matches!(outcome, Err(StoreError::Conflict(_))), "{outcome:?}");
        let listed = groups::list(&mut conn, &Default::default()).unwrap();
        assert_eq!(listed.items.len(), 1, "only the default group");
        let kept =
            groups::create(&mut conn, &acting, ("kept", "Kept"), &new_user("k.admin"), at).unwrap();
        assert_eq!(audit::for_subject(&mut conn, "group", &kept.id).unwrap().len(), 1);
        assert!(
            calendars::default_id(&mut conn, Some(&kept.id.as_str().into())).unwrap().is_some()
        );
        assert!(sla::current_policy(&mut conn, Some(&kept.id)).unwrap().is_some());
    })
    .await;
}

async fn a_stale_version_is_refused(backend: Backend) {
    blocking(move || {
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        let at = instant("2026-10-09T10:00:00+08:00");
        let scope = group_scope(&bootstrap(&mut conn, at));
        let c = companies::create(&mut conn, &scope, "晋愉", CompanyKind::Developer, at).unwrap();
        assert_eq!(c.version, 1);
        let rename = |name: &str| CompanyChanges {
            name: Some(name.into()),
            archived_at: archive(None, at),
            ..CompanyChanges::default()
        };
        let later = at + TimeDelta::minutes(1);
        let renamed = companies::update(
            &mut conn,
            (&scope, &scope),
            &c.id,
            Version(1),
            &rename("晋愉置业"),
            later,
        )
        .unwrap();
        assert_eq!((renamed.version, renamed.name.as_str()), (2, "晋愉置业"));
        let stale =
            companies::update(&mut conn, (&scope, &scope), &c.id, Version(1), &rename("x"), later);
        assert!(matches!(stale, Err(StoreError::StaleVersion { current: 2 })), "{stale:?}");
        assert_eq!(companies::get(&mut conn, &scope, &c.id).unwrap().name, "晋愉置业");
        let missing =
            companies::update(&mut conn, (&scope, &scope), "missing", Version(1), &rename("x"), at);
        assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
        let events = audit::for_subject(&mut conn, "company", &c.id).unwrap();
        assert_eq!(events.len(), 2, "created and one change");
        assert!(events.iter().all(|e| e.request_id.as_deref() == Some("req-test")));
    })
    .await;
}

async fn the_audit_trail_is_append_only(backend: Backend) {
    blocking(move || {
        use diesel::RunQueryDsl;
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        bootstrap(&mut conn, Utc::now());
        let update =
            diesel::sql_query("UPDATE audit_events SET action = 'forged'").execute(conn.raw());
        assert!(update.is_err(), "an audit event cannot be changed");
        let delete = diesel::sql_query("DELETE FROM audit_events").execute(conn.raw());
        assert!(delete.is_err(), "an audit event cannot be removed");
    })
    .await;
}

async fn usernames_are_unique_and_say_nothing_of_who_holds_them(backend: Backend) {
    blocking(move || {
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        let at = Utc::now();
        let scope = group_scope(&bootstrap(&mut conn, at));
        users::create(&mut conn, &scope, &new_user("wang"), at).unwrap();
        let again = users::create(&mut conn, &scope, &new_user("wang"), at);
        assert!(
            matches!(again, Err(StoreError::Conflict(ref m)) if m == "this username is not available"),
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
    blocking(move || {
        let (_guard, db) = TestDb::migrated(backend);
        let mut conn = db.conn().unwrap();
        let received = instant("2026-11-23T10:00:00+08:00");
        let group = GroupId::from(bootstrap(&mut conn, received));
        let calendar = calendars::default_id(&mut conn, Some(&group)).unwrap().unwrap();
        let clock = sla::start_clock(
            &mut conn,
            &group,
            ("complaint", "TS-2026-000777"),
            ("progress_feedback", &calendar),
            ClockRun::new(received),
            received,
        )
        .unwrap();
        // R-T-9: feedback within 3 WD, Mon 10:00 → Thu 10:00.
        assert_eq!(clock.due_at.and_utc(), instant("2026-11-26T10:00:00+08:00"));
        assert_eq!((clock.rule_id.as_str(), clock.state), ("R-T-9", ClockState::Running));

        let agreed = instant("2026-12-04T17:00:00+08:00");
        let now = received + TimeDelta::hours(2);
        let acting = Acting::request(Actor::User("user-li".into()), "req-9");
        let negotiated =
            sla::negotiate(&mut conn, &acting, &clock.id, (agreed, "user-li"), now).unwrap();
        assert_eq!(negotiated.due_at.and_utc(), agreed);
        let kept = negotiated.run.0.negotiated_due.unwrap();
        assert_eq!((kept.agreed_by.as_str(), kept.agreed_at), ("user-li", now));
        let events = audit::for_subject(&mut conn, "sla_clock", &clock.id).unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].action, "sla_clock.negotiated");
        assert_eq!(events[0].actor_id.as_deref(), Some("user-li"));
        assert_eq!(events[0].group_id.as_deref(), Some(group.as_str()));
    })
    .await;
}
