//! Failed sign-ins are limited per account and per address, with the injected clock
//! (acceptance 5): no sleeping, the test moves the clock.

use chrono::TimeDelta;
use kefu_tests::{ADMIN_PASSWORD, Backend, assert_problem, both_backends, spawn_app};

both_backends! {
    five_failures_lock_the_account_for_fifteen_minutes => five_failures_lock_the_account_for_fifteen_minutes;
    failures_spread_over_accounts_lock_the_address => failures_spread_over_accounts_lock_the_address;
    failures_outside_the_window_start_a_new_count => failures_outside_the_window_start_a_new_count;
}

async fn five_failures_lock_the_account_for_fifteen_minutes(backend: Backend) {
    let app = spawn_app(backend).await;
    for _ in 0..5 {
        assert_problem(app.login("admin", "wrong-password").await, 401, "invalid_credentials")
            .await;
    }
    // Locked: even the right password is refused, before it is checked.
    let res = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(res.headers()["retry-after"], "900");
    assert_problem(res, 429, "too_many_requests").await;
    // Case does not get around it.
    assert_eq!(app.login("ADMIN", ADMIN_PASSWORD).await.status(), 429);
    app.clock.advance(TimeDelta::minutes(10));
    let res = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(res.headers()["retry-after"], "300");
    app.clock.advance(TimeDelta::minutes(5));
    assert_eq!(app.login("admin", ADMIN_PASSWORD).await.status(), 200);
    // A success forgets the failures.
    for _ in 0..4 {
        app.login("admin", "wrong-password").await;
    }
    assert_eq!(app.login("admin", ADMIN_PASSWORD).await.status(), 200);
    for _ in 0..4 {
        app.login("admin", "wrong-password").await;
    }
    assert_eq!(app.login("admin", ADMIN_PASSWORD).await.status(), 200);
}

async fn failures_spread_over_accounts_lock_the_address(backend: Backend) {
    let app = spawn_app(backend).await;
    for i in 0..20 {
        assert_problem(
            app.login(&format!("guess{i}"), "password-1").await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    assert_problem(app.login("admin", ADMIN_PASSWORD).await, 429, "too_many_requests").await;
    // Failures older than the window do not count.
    app.clock.advance(TimeDelta::minutes(15));
    assert_eq!(app.login("admin", ADMIN_PASSWORD).await.status(), 200);
}

async fn failures_outside_the_window_start_a_new_count(backend: Backend) {
    let app = spawn_app(backend).await;
    for _ in 0..4 {
        app.login("admin", "wrong-password").await;
    }
    app.clock.advance(TimeDelta::minutes(16));
    for _ in 0..4 {
        app.login("admin", "wrong-password").await;
    }
    assert_eq!(app.login("admin", ADMIN_PASSWORD).await.status(), 200);
}

both_backends! {
    concurrent_wrong_passwords_cannot_outrun_the_limit => concurrent_wrong_passwords_cannot_outrun_the_limit;
    concurrent_guesses_from_one_address_cannot_outrun_its_limit => concurrent_guesses_from_one_address_cannot_outrun_its_limit;
}

/// Statuses of `n` sign-ins sent at once; the names come from `name(i)`.
async fn at_once(app: &kefu_tests::TestApp, n: usize, name: impl Fn(usize) -> String) -> Vec<u16> {
    let attempts = (0..n).map(|i| app.login_owned(name(i), "wrong-password".to_owned()));
    futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect()
}

async fn concurrent_wrong_passwords_cannot_outrun_the_limit(backend: Backend) {
    let app = spawn_app(backend).await;
    let statuses = at_once(&app, 40, |_| "admin".into()).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 40, "only 401 or 429, never a 500: {statuses:?}");
    assert_eq!(checked, 5, "exactly the limit is checked: {statuses:?}");
    let res = app.login("admin", ADMIN_PASSWORD).await;
    assert_problem(res, 429, "too_many_requests").await;
}

async fn concurrent_guesses_from_one_address_cannot_outrun_its_limit(backend: Backend) {
    let app = spawn_app(backend).await;
    // 80 guesses at 80 different names: the address limit (20) holds.
    let statuses = at_once(&app, 80, |i| format!("guess{i}")).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 80, "only 401 or 429, never a 500: {statuses:?}");
    assert_eq!(checked, 20, "{statuses:?}");
}
