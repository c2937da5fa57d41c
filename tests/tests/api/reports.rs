//! Scheduled reports (报表, RULES.md §7): every 2026 due of every preset through the schedule
//! endpoint, with the moves of R-RP-16 worked out by hand from the State Council's 2026
//! holiday notice; obligations planned ahead by the periodic job, reminded before the due and
//! told once breached with the injected clock; submissions on time and late, returned and
//! reviewed; the completion rate (R-RP-13); the draft of a statement due before its period
//! ends; the move-in report (R-RP-10); definitions as policy data; roles and scope.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use kefu_http::{
    jobs::{JobSettings, Runner},
    state::AppState,
};
use kefu_tests::api::{at, token};
use kefu_tests::{Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app};
use serde_json::{Value, json};

both_backends! {
    r_rp_16_every_2026_due_of_the_monthly_quarterly_half_yearly_and_annual_presets => r_rp_16_every_2026_due_of_the_monthly_quarterly_half_yearly_and_annual_presets;
    r_rp_1_r_rp_2_r_rp_3_every_2026_weekly_due_moves_earlier_off_the_holidays => r_rp_1_r_rp_2_r_rp_3_every_2026_weekly_due_moves_earlier_off_the_holidays;
    r_rp_13_obligations_are_planned_reminded_breached_submitted_and_reviewed => r_rp_13_obligations_are_planned_reminded_breached_submitted_and_reviewed;
    r_rp_10_the_move_in_report_is_owed_three_months_after_move_in_ends => r_rp_10_the_move_in_report_is_owed_three_months_after_move_in_ends;
    report_definitions_are_group_policy_data => report_definitions_are_group_policy_data;
    reports_keep_to_roles_and_scope => reports_keep_to_roles_and_scope;
    twenty_submitters_of_one_report_one_wins => twenty_submitters_of_one_report_one_wins;
}

async fn schedule(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let res = app.get(&format!("/api/v1/reports/schedule?{query}"), token).await;
    assert_eq!(res.status(), 200, "{query}");
    let body: Value = res.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

/// (period_start, period_end, nominal_due_at, due_at, moved, period_closed_at_due) of each item.
fn dues(items: &[Value]) -> Vec<(String, String, String, String, bool, bool)> {
    items
        .iter()
        .map(|i| {
            let s = |k: &str| i[k].as_str().unwrap().to_owned();
            let b = |k: &str| i[k].as_bool().unwrap();
            (
                s("period_start"),
                s("period_end"),
                s("nominal_due_at"),
                s("due_at"),
                b("moved"),
                b("period_closed_at_due"),
            )
        })
        .collect()
}

type Due = (&'static str, &'static str, &'static str, &'static str, bool, bool);

fn owned(expected: &[Due]) -> Vec<(String, String, String, String, bool, bool)> {
    expected
        .iter()
        .map(|(a, b, c, d, e, f)| {
            (a.to_string(), b.to_string(), c.to_string(), d.to_string(), *e, *f)
        })
        .collect()
}

/// The monthly, quarterly, half-yearly and annual presets, every period whose due falls in
/// 2026, written out by hand. 2026 (国务院办公厅 2025-11-04): holidays 1–3 Jan, 15–23 Feb, 4–6
/// Apr, 1–5 May, 19–21 Jun, 25–27 Sep, 1–7 Oct; working Sunday 4 Jan, Saturdays 14 and 28 Feb,
/// 9 May, Sunday 20 Sep, Saturday 10 Oct. Working hours end at 18:00. "By the Nth" dues end at
/// 18:00 of that day (R-RP-16); dues on a non-working day move to the previous working day,
/// keeping their clock time — 1 January 2026 moves into 2025 and still shows in 2026.
async fn r_rp_16_every_2026_due_of_the_monthly_quarterly_half_yearly_and_annual_presets(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    // R-RP-1 monthly: the 1st at 12:00, the previous month's data.
    let rp1_monthly: [Due; 12] = [
        (
            "2025-12-01",
            "2025-12-31",
            "2026-01-01T12:00:00+08:00",
            "2025-12-31T12:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-01-01",
            "2026-01-31",
            "2026-02-01T12:00:00+08:00",
            "2026-01-30T12:00:00+08:00",
            true,
            false,
        ),
        // Sunday 1 March: Saturday 28 February is a working day.
        (
            "2026-02-01",
            "2026-02-28",
            "2026-03-01T12:00:00+08:00",
            "2026-02-28T12:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-03-01",
            "2026-03-31",
            "2026-04-01T12:00:00+08:00",
            "2026-04-01T12:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-04-01",
            "2026-04-30",
            "2026-05-01T12:00:00+08:00",
            "2026-04-30T12:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-05-01",
            "2026-05-31",
            "2026-06-01T12:00:00+08:00",
            "2026-06-01T12:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-06-01",
            "2026-06-30",
            "2026-07-01T12:00:00+08:00",
            "2026-07-01T12:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-07-01",
            "2026-07-31",
            "2026-08-01T12:00:00+08:00",
            "2026-07-31T12:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-08-01",
            "2026-08-31",
            "2026-09-01T12:00:00+08:00",
            "2026-09-01T12:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-09-01",
            "2026-09-30",
            "2026-10-01T12:00:00+08:00",
            "2026-09-30T12:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-10-01",
            "2026-10-31",
            "2026-11-01T12:00:00+08:00",
            "2026-10-30T12:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-11-01",
            "2026-11-30",
            "2026-12-01T12:00:00+08:00",
            "2026-12-01T12:00:00+08:00",
            false,
            true,
        ),
    ];
    let at_four = |d: &[Due]| -> Vec<(String, String, String, String, bool, bool)> {
        owned(d)
            .into_iter()
            .map(|(a, b, c, e, f, g)| {
                (a, b, c.replace("T12:", "T16:"), e.replace("T12:", "T16:"), f, g)
            })
            .collect()
    };
    for code in ["rp1_monthly", "rp4_monthly"] {
        let items = schedule(&app, &admin, &format!("year=2026&code={code}")).await;
        assert_eq!(dues(&items), owned(&rp1_monthly), "{code}");
        assert!(items.iter().all(|i| i["coverage"] == "scheduled"), "2025 and 2026 are published");
    }
    // R-RP-2 monthly: the 1st at 16:00.
    let items = schedule(&app, &admin, "year=2026&code=rp2_monthly").await;
    assert_eq!(dues(&items), at_four(&rp1_monthly));
    // R-RP-3 monthly: the 2nd at 16:00.
    let rp3_monthly: [Due; 12] = [
        (
            "2025-12-01",
            "2025-12-31",
            "2026-01-02T16:00:00+08:00",
            "2025-12-31T16:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-01-01",
            "2026-01-31",
            "2026-02-02T16:00:00+08:00",
            "2026-02-02T16:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-02-01",
            "2026-02-28",
            "2026-03-02T16:00:00+08:00",
            "2026-03-02T16:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-03-01",
            "2026-03-31",
            "2026-04-02T16:00:00+08:00",
            "2026-04-02T16:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-04-01",
            "2026-04-30",
            "2026-05-02T16:00:00+08:00",
            "2026-04-30T16:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-05-01",
            "2026-05-31",
            "2026-06-02T16:00:00+08:00",
            "2026-06-02T16:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-06-01",
            "2026-06-30",
            "2026-07-02T16:00:00+08:00",
            "2026-07-02T16:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-07-01",
            "2026-07-31",
            "2026-08-02T16:00:00+08:00",
            "2026-07-31T16:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-08-01",
            "2026-08-31",
            "2026-09-02T16:00:00+08:00",
            "2026-09-02T16:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-09-01",
            "2026-09-30",
            "2026-10-02T16:00:00+08:00",
            "2026-09-30T16:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-10-01",
            "2026-10-31",
            "2026-11-02T16:00:00+08:00",
            "2026-11-02T16:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-11-01",
            "2026-11-30",
            "2026-12-02T16:00:00+08:00",
            "2026-12-02T16:00:00+08:00",
            false,
            true,
        ),
    ];
    let items = schedule(&app, &admin, "year=2026&code=rp3_monthly").await;
    assert_eq!(dues(&items), owned(&rp3_monthly));
    // R-RP-1 quarterly: the 1st of January, April, July and October at 12:00.
    let rp1_quarterly: [Due; 4] = [
        (
            "2025-10-01",
            "2025-12-31",
            "2026-01-01T12:00:00+08:00",
            "2025-12-31T12:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-01-01",
            "2026-03-31",
            "2026-04-01T12:00:00+08:00",
            "2026-04-01T12:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-04-01",
            "2026-06-30",
            "2026-07-01T12:00:00+08:00",
            "2026-07-01T12:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-07-01",
            "2026-09-30",
            "2026-10-01T12:00:00+08:00",
            "2026-09-30T12:00:00+08:00",
            true,
            false,
        ),
    ];
    for code in ["rp1_quarterly", "rp4_quarterly"] {
        let items = schedule(&app, &admin, &format!("year=2026&code={code}")).await;
        assert_eq!(dues(&items), owned(&rp1_quarterly), "{code}");
    }
    let items = schedule(&app, &admin, "year=2026&code=rp2_quarterly").await;
    assert_eq!(dues(&items), at_four(&rp1_quarterly));
    // R-RP-3 quarterly: the 2nd at 16:00.
    let rp3_quarterly: [Due; 4] = [
        (
            "2025-10-01",
            "2025-12-31",
            "2026-01-02T16:00:00+08:00",
            "2025-12-31T16:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-01-01",
            "2026-03-31",
            "2026-04-02T16:00:00+08:00",
            "2026-04-02T16:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-04-01",
            "2026-06-30",
            "2026-07-02T16:00:00+08:00",
            "2026-07-02T16:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-07-01",
            "2026-09-30",
            "2026-10-02T16:00:00+08:00",
            "2026-09-30T16:00:00+08:00",
            true,
            false,
        ),
    ];
    let items = schedule(&app, &admin, "year=2026&code=rp3_quarterly").await;
    assert_eq!(dues(&items), owned(&rp3_quarterly));
    // The annual dates of January: by the 5th (Monday), 8th (Thursday), 15th (Thursday) at the
    // end of work; by the 25th — a Sunday in 2026 — moves to Friday the 23rd.
    let last_year = ("2025-01-01", "2025-12-31");
    for (code, nominal, due, moved) in [
        ("rp1_annual", "2026-01-05T18:00:00+08:00", "2026-01-05T18:00:00+08:00", false),
        ("rp4_annual", "2026-01-05T18:00:00+08:00", "2026-01-05T18:00:00+08:00", false),
        ("rp2_annual", "2026-01-08T18:00:00+08:00", "2026-01-08T18:00:00+08:00", false),
        ("rp3_annual", "2026-01-15T18:00:00+08:00", "2026-01-15T18:00:00+08:00", false),
        ("rp10_annual", "2026-01-25T18:00:00+08:00", "2026-01-23T18:00:00+08:00", true),
        ("rp11", "2026-01-25T18:00:00+08:00", "2026-01-23T18:00:00+08:00", true),
    ] {
        let items = schedule(&app, &admin, &format!("year=2026&code={code}")).await;
        let expected: [Due; 1] = [(last_year.0, last_year.1, nominal, due, moved, true)];
        assert_eq!(dues(&items), owned(&expected), "{code}");
    }
    // R-RP-6/7/8: by the 25th of the quarter's last month, on the quarter itself (its data
    // period has not ended at the due). 25 September is the Mid-Autumn holiday.
    let by_25th: [Due; 4] = [
        (
            "2026-01-01",
            "2026-03-31",
            "2026-03-25T18:00:00+08:00",
            "2026-03-25T18:00:00+08:00",
            false,
            false,
        ),
        (
            "2026-04-01",
            "2026-06-30",
            "2026-06-25T18:00:00+08:00",
            "2026-06-25T18:00:00+08:00",
            false,
            false,
        ),
        (
            "2026-07-01",
            "2026-09-30",
            "2026-09-25T18:00:00+08:00",
            "2026-09-24T18:00:00+08:00",
            true,
            false,
        ),
        (
            "2026-10-01",
            "2026-12-31",
            "2026-12-25T18:00:00+08:00",
            "2026-12-25T18:00:00+08:00",
            false,
            false,
        ),
    ];
    for code in ["rp6", "rp7", "rp8"] {
        let items = schedule(&app, &admin, &format!("year=2026&code={code}")).await;
        assert_eq!(dues(&items), owned(&by_25th), "{code}");
    }
    // R-RP-9: half-yearly by 25 January (a Sunday) and 25 July (a Saturday).
    let rp9: [Due; 2] = [
        (
            "2025-07-01",
            "2025-12-31",
            "2026-01-25T18:00:00+08:00",
            "2026-01-23T18:00:00+08:00",
            true,
            true,
        ),
        (
            "2026-01-01",
            "2026-06-30",
            "2026-07-25T18:00:00+08:00",
            "2026-07-24T18:00:00+08:00",
            true,
            true,
        ),
    ];
    let items = schedule(&app, &admin, "year=2026&code=rp9").await;
    assert_eq!(dues(&items), owned(&rp9));
    // R-RP-12: monthly by the 10th. 10 January is a Saturday; 10 May a Sunday after the
    // working Saturday 9 May; 10 October is itself a working Saturday.
    let rp12: [Due; 12] = [
        (
            "2025-12-01",
            "2025-12-31",
            "2026-01-10T18:00:00+08:00",
            "2026-01-09T18:00:00+08:00",
            true,
            true,
        ),
        (
            "2026-01-01",
            "2026-01-31",
            "2026-02-10T18:00:00+08:00",
            "2026-02-10T18:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-02-01",
            "2026-02-28",
            "2026-03-10T18:00:00+08:00",
            "2026-03-10T18:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-03-01",
            "2026-03-31",
            "2026-04-10T18:00:00+08:00",
            "2026-04-10T18:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-04-01",
            "2026-04-30",
            "2026-05-10T18:00:00+08:00",
            "2026-05-09T18:00:00+08:00",
            true,
            true,
        ),
        (
            "2026-05-01",
            "2026-05-31",
            "2026-06-10T18:00:00+08:00",
            "2026-06-10T18:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-06-01",
            "2026-06-30",
            "2026-07-10T18:00:00+08:00",
            "2026-07-10T18:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-07-01",
            "2026-07-31",
            "2026-08-10T18:00:00+08:00",
            "2026-08-10T18:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-08-01",
            "2026-08-31",
            "2026-09-10T18:00:00+08:00",
            "2026-09-10T18:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-09-01",
            "2026-09-30",
            "2026-10-10T18:00:00+08:00",
            "2026-10-10T18:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-10-01",
            "2026-10-31",
            "2026-11-10T18:00:00+08:00",
            "2026-11-10T18:00:00+08:00",
            false,
            true,
        ),
        (
            "2026-11-01",
            "2026-11-30",
            "2026-12-10T18:00:00+08:00",
            "2026-12-10T18:00:00+08:00",
            false,
            true,
        ),
    ];
    let items = schedule(&app, &admin, "year=2026&code=rp12").await;
    assert_eq!(dues(&items), owned(&rp12));
    // December 2026's monthly statement is due on Friday 1 January 2027: the calendar has no
    // 2027 schedule yet, so that due is only assumed (and shows in 2027).
    let next = schedule(&app, &admin, "year=2027&code=rp1_monthly").await;
    assert_eq!(next[0]["period_start"], "2026-12-01");
    assert_eq!(
        (&next[0]["due_at"], &next[0]["coverage"]),
        (&json!("2027-01-01T12:00:00+08:00"), &json!("assumed"))
    );
    // Every preset of the issue has a schedule; the whole year is sorted by due.
    let all = schedule(&app, &admin, "year=2026").await;
    let codes: std::collections::BTreeSet<&str> =
        all.iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes.len(),
        22,
        "every preset but the move-in report (no project has one): {codes:?}"
    );
    let due: Vec<&str> = all.iter().map(|i| i["due_at"].as_str().unwrap()).collect();
    assert!(due.windows(2).all(|w| at(w[0]) <= at(w[1])));
    assert_problem(
        app.get("/api/v1/reports/schedule?year=2026&code=rp99", &admin).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get("/api/v1/reports/schedule?year=1800", &admin).await,
        422,
        "validation_failed",
    )
    .await;
    // The calendars reach 2150: dues are listed up to 2149.
    let res = app.get("/api/v1/reports/schedule?year=2150", &admin).await;
    assert_problem(res, 422, "validation_failed").await;
    let last = schedule(&app, &admin, "year=2149&code=rp1_weekly").await;
    assert_eq!(last.len(), 52, "every Friday of 2149");
}

/// The weekly statements, every week of 2026. R-RP-1 and R-RP-2 fall due on Friday (12:00 and
/// 16:00) for last Friday to this Thursday; R-RP-3 on Monday 12:00 for the previous Monday to
/// Sunday. The moves, by hand: Fridays 2 Jan → Wed 31 Dec 2025, 20 Feb → the working Saturday
/// 14 Feb, 1 May → Thu 30 Apr, 19 Jun → Thu 18 Jun, 25 Sep → Thu 24 Sep, 2 Oct → Wed 30 Sep;
/// Mondays 16 and 23 Feb → Sat 14 Feb, 6 Apr → Fri 3 Apr, 4 May → Thu 30 Apr, 5 Oct → Wed 30 Sep.
async fn r_rp_1_r_rp_2_r_rp_3_every_2026_weekly_due_moves_earlier_off_the_holidays(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let fridays_moved = [
        ("2026-01-02", "2025-12-31"),
        ("2026-02-20", "2026-02-14"),
        ("2026-05-01", "2026-04-30"),
        ("2026-06-19", "2026-06-18"),
        ("2026-09-25", "2026-09-24"),
        ("2026-10-02", "2026-09-30"),
    ];
    let mondays_moved = [
        ("2026-02-16", "2026-02-14"),
        ("2026-02-23", "2026-02-14"),
        ("2026-04-06", "2026-04-03"),
        ("2026-05-04", "2026-04-30"),
        ("2026-10-05", "2026-09-30"),
    ];
    for (code, weekday, hour, moves) in [
        ("rp1_weekly", Weekday::Fri, 12, &fridays_moved[..]),
        ("rp2_weekly", Weekday::Fri, 16, &fridays_moved[..]),
        ("rp3_weekly", Weekday::Mon, 12, &mondays_moved[..]),
    ] {
        let items = schedule(&app, &admin, &format!("year=2026&code={code}")).await;
        assert_eq!(items.len(), 52, "{code}: every {weekday:?} of 2026");
        let mut day = date("2026-01-01");
        while day.weekday() != weekday {
            day += Duration::days(1);
        }
        for item in &items {
            let nominal = format!("{day}T{hour}:00:00+08:00");
            let moved_to = moves.iter().find(|(from, _)| date(from) == day).map(|(_, to)| *to);
            let due = format!("{}T{hour}:00:00+08:00", moved_to.unwrap_or(&day.to_string()));
            assert_eq!(item["period_start"], (day - Duration::days(7)).to_string(), "{code} {day}");
            assert_eq!(item["period_end"], (day - Duration::days(1)).to_string(), "{code} {day}");
            assert_eq!(item["nominal_due_at"], nominal, "{code} {day}");
            assert_eq!(item["due_at"], due, "{code} {day}");
            assert_eq!(item["moved"], moved_to.is_some(), "{code} {day}");
            day += Duration::days(7);
        }
    }
}

/// One round of every periodic job on the app's database and clock.
async fn round(app: &TestApp) -> kefu_persistence::reports::plan::Planned {
    let state = AppState::new(app.db.clone(), app.clock.clone());
    let settings = JobSettings { node: "test-node".into(), ..JobSettings::default() };
    Runner::new(state, settings).round().await.reports
}

async fn obligations(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let res = app.get(&format!("/api/v1/reports/obligations?limit=200&{query}"), token).await;
    assert_eq!(res.status(), 200, "{query}");
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

async fn inbox(app: &TestApp, token: &str) -> Vec<Value> {
    let page: Value = app.get("/api/v1/notifications?limit=200", token).await.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

async fn submit(app: &TestApp, token: &str, obligation: &str, body: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/reports/obligations/{obligation}/submissions"), token, &body).await
}

async fn decide(app: &TestApp, token: &str, o: &Value, body: Value) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/reports/obligations/{}/transitions", id(o))))
        .bearer_auth(token)
        .header("if-match", format!("\"{}\"", o["version"]))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The customer center owes R-RP-1's statements. On 30 September 17:00 the job plans what falls
/// due within a month (each once, however often it runs); a day before the October statement's
/// due (moved from Sunday 1 November to Friday 30 October 12:00) its preparers are reminded,
/// after the due they are told it is late — each once. A weekly statement submitted by its due
/// is on time, the monthly one late; the center returns it, it comes again, the center reviews
/// it; the completion rate counts both (R-RP-13). The draft counts the period's complaints and
/// says the period had not closed at the due (R-RP-16).
async fn r_rp_13_obligations_are_planned_reminded_breached_submitted_and_reviewed(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let center = id(&app
        .create(
            "/api/v1/org/departments",
            &admin,
            json!({"company_id": o.c1, "name": "客户中心", "kind": "customer_center"}),
        )
        .await);
    let (spec_id, _) = app
        .user_with(&admin, "specialist", &[("cs_specialist", "department", Some(&center))])
        .await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let mut mgr = token(&app, "cs.manager").await;
    // A complaint of September does not count in October's draft; one of October does.
    let complaint = |what: &str| {
        json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
            "customer_id": o.customers[0], "category": "staff_attitude", "description": what})
    };
    app.create("/api/v1/complaints", &mgr, complaint("九月投诉")).await;

    let planned = round(&app).await;
    assert!(planned.made > 0, "{planned:?}");
    assert_eq!(round(&app).await.made, 0, "a second round plans nothing twice");
    let spec = token(&app, "specialist").await;
    let monthly = obligations(&app, &spec, "code=rp1_monthly").await;
    assert_eq!(monthly.len(), 1, "{monthly:?}");
    let m = &monthly[0];
    assert_eq!(
        (&m["period_start"], &m["period_end"]),
        (&json!("2026-10-01"), &json!("2026-10-31"))
    );
    assert_eq!(m["nominal_due_at"], "2026-11-01T12:00:00+08:00");
    assert_eq!(m["due_at"], "2026-10-30T12:00:00+08:00");
    assert_eq!((&m["moved"], &m["period_closed_at_due"]), (&json!(true), &json!(false)));
    assert_eq!((&m["state"], &m["department_id"]), (&json!("pending"), &json!(center)));
    assert_eq!(m["rule_id"], "R-RP-1");
    // September's statement fell due at 12:00 today (moved from 1 October): not planned late.
    let weekly = obligations(&app, &spec, "code=rp1_weekly").await;
    let periods: Vec<&str> = weekly.iter().map(|w| w["period_start"].as_str().unwrap()).collect();
    assert_eq!(periods, ["2026-10-02", "2026-10-09", "2026-10-16", "2026-10-23"]);
    assert_eq!(weekly[0]["due_at"], "2026-10-09T12:00:00+08:00");

    // The weekly statement of 2–8 October, submitted on the morning of its due: on time.
    app.clock.set(at("2026-10-09T10:00:00+08:00"));
    let spec = token(&app, "specialist").await;
    let w = id(&weekly[0]);
    let res = submit(
        &app,
        &spec,
        &w,
        json!({"sections": {"figures": {"received": 0}, "analysis": "本周无投诉。"}}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let done: Value = res.json().await.unwrap();
    assert_eq!(
        (&done["obligation"]["state"], &done["obligation"]["on_time"]),
        (&json!("submitted"), &json!(true))
    );
    assert_eq!(done["submission"]["on_time"], true);

    // A complaint received in October, for the draft.
    app.clock.set(at("2026-10-12T09:00:00+08:00"));
    mgr = token(&app, "cs.manager").await;
    app.create("/api/v1/complaints", &mgr, complaint("十月投诉")).await;

    // Reminded a day before the due, once.
    app.clock.set(at("2026-10-29T12:30:00+08:00"));
    let before = round(&app).await;
    assert!(before.reminded >= 1, "{before:?}");
    let spec = token(&app, "specialist").await;
    let about_monthly = |n: &&Value| n["subject_id"] == m["id"];
    let notes = inbox(&app, &spec).await;
    let soon: Vec<&Value> = notes.iter().filter(about_monthly).collect();
    assert_eq!(soon.len(), 1, "{notes:?}");
    assert_eq!(
        (&soon[0]["kind"], &soon[0]["subject_type"]),
        (&json!("report_due_soon"), &json!("report_obligation"))
    );
    assert_eq!(round(&app).await.reminded, 0);
    assert!(obligations(&app, &spec, "overdue=true&code=rp1_monthly").await.is_empty());

    // Breached: told once, listed as overdue.
    app.clock.set(at("2026-10-30T13:00:00+08:00"));
    assert!(round(&app).await.overdue >= 1);
    assert_eq!(round(&app).await.overdue, 0);
    let spec = token(&app, "specialist").await;
    let notes = inbox(&app, &spec).await;
    let late: Vec<&Value> =
        notes.iter().filter(about_monthly).filter(|n| n["kind"] == "report_overdue").collect();
    assert_eq!(late.len(), 1, "{notes:?}");
    let overdue = obligations(&app, &spec, "overdue=true&code=rp1_monthly").await;
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["overdue"], true);
    let _ = &spec_id;

    // The draft: October's one complaint so far, and the period not closed at the due.
    let draft: Value = app
        .get(&format!("/api/v1/reports/obligations/{}/draft", id(m)), &spec)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(draft["prefilled"], true);
    assert_eq!(draft["figures"]["received"], 1, "{draft}");
    assert_eq!(draft["figures"]["by_category"]["staff_attitude"], 1);
    assert_eq!(draft["period_closed_at_due"], false);
    assert!(draft["note_zh"].as_str().unwrap().contains("尚未结束"));

    // A required section left out: 422 naming it; a section the template lacks likewise.
    let res = submit(&app, &spec, &id(m), json!({"sections": {"figures": {"received": 1}}})).await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "sections.analysis");
    let res = submit(
        &app,
        &spec,
        &id(m),
        json!({"sections": {"figures": {}, "analysis": "x", "poem": "y"}}),
    )
    .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "sections.poem");
    // Submitted late.
    let body = json!({"sections": {"figures": draft["figures"], "analysis": "十月投诉一件，为员工态度。"}});
    let res = submit(&app, &spec, &id(m), body.clone()).await;
    assert_eq!(res.status(), 201);
    let late: Value = res.json().await.unwrap();
    let ob = late["obligation"].clone();
    assert_eq!(
        (&ob["state"], &ob["on_time"], &ob["overdue"]),
        (&json!("submitted"), &json!(false), &json!(false))
    );
    // Only a returned report is submitted again.
    assert_problem(submit(&app, &spec, &id(m), body.clone()).await, 409, "conflict").await;
    // The specialist may not review; the manager returns it with a note (required).
    assert_problem(decide(&app, &spec, &ob, json!({"action": "review"})).await, 403, "forbidden")
        .await;
    mgr = token(&app, "cs.manager").await;
    let res = decide(&app, &mgr, &ob, json!({"action": "return"})).await;
    assert_eq!(assert_problem(res, 422, "validation_failed").await["errors"][0]["field"], "note");
    let res = decide(&app, &mgr, &ob, json!({"action": "return", "note": "请补充原因分析"})).await;
    assert_eq!(res.status(), 200);
    let returned: Value = res.json().await.unwrap();
    assert_eq!(
        (&returned["state"], &returned["review_note"]),
        (&json!("returned"), &json!("请补充原因分析"))
    );
    // A stale ETag: 412.
    assert_problem(
        decide(&app, &mgr, &ob, json!({"action": "review"})).await,
        412,
        "stale_version",
    )
    .await;
    let res = submit(&app, &spec, &id(m), body).await;
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["obligation"]["on_time"], false, "the first submission decides");
    let res = decide(&app, &mgr, &again["obligation"], json!({"action": "review"})).await;
    assert_eq!(res.status(), 200);
    let reviewed: Value = res.json().await.unwrap();
    assert_eq!(reviewed["state"], "reviewed");
    assert_problem(
        decide(&app, &mgr, &reviewed, json!({"action": "return", "note": "x"})).await,
        409,
        "conflict",
    )
    .await;
    let subs: Value = app
        .get(&format!("/api/v1/reports/obligations/{}/submissions", id(m)), &mgr)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(subs.as_array().unwrap().len(), 2);

    // R-RP-13: completion per department over October's dues so far.
    let rows: Value = app
        .get("/api/v1/reports/completion?from=2026-10-01&to=2026-10-31&code=rp1_monthly", &mgr)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        rows,
        json!([{"responsible_type": "department", "responsible_id": center, "owed": 1,
            "submitted": 1, "on_time": 0, "late": 1, "overdue": 0,
            "completion_rate": 1.0, "on_time_rate": 0.0}])
    );
    // The weeklies due 9, 16, 23 and 30 October (12:00; it is 13:00 on the 30th): one on time,
    // three not submitted.
    let rows: Value = app
        .get("/api/v1/reports/completion?from=2026-10-01&to=2026-10-31&code=rp1_weekly", &mgr)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&rows[0]["owed"], &rows[0]["on_time"], &rows[0]["overdue"], &rows[0]["completion_rate"]),
        (&json!(4), &json!(1), &json!(3), &json!(0.25))
    );
    // The same completion as a workbook: Chinese headers, counts and rates as numbers.
    let res = app
        .get(
            "/api/v1/reports/completion?from=2026-10-01&to=2026-10-31&code=rp1_weekly&format=xlsx",
            &mgr,
        )
        .await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::{Data, Reader};
    let sheet = book.worksheet_range("报表完成率").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows[0][2], Data::String("应报".into()));
    assert_eq!(rows[0][7], Data::String("完成率".into()));
    assert_eq!((&rows[1][2], &rows[1][7]), (&Data::Float(4.0), &Data::Float(0.25)));
    // Every obligation of a filter as CSV (BOM, Chinese headers, one line each).
    let res = app.get("/api/v1/reports/obligations?code=rp1_weekly&format=csv", &mgr).await;
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert!(lines[0].starts_with("\u{feff}报表代码,规则,报表名称,统计期起"), "{csv}");
    let listed = obligations(&app, &mgr, "code=rp1_weekly").await;
    assert_eq!(lines.len(), 1 + listed.len(), "one line per obligation the list shows: {csv}");
    assert!(
        lines[1].starts_with("rp1_weekly,R-RP-1,投诉处理周报表,2026-10-02,2026-10-08,部门,"),
        "{csv}"
    );
}

/// R-RP-10: a project whose move-in ends on 31 July 2026 owes its move-in survey report three
/// months later, by Saturday 31 October, moved to Friday the 30th at the end of work; the job
/// plans it for that project alone.
async fn r_rp_10_the_move_in_report_is_owed_three_months_after_move_in_ends(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    let project: Value = app
        .get(&format!("/api/v1/org/projects/{}", o.projects[1]), &admin)
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .patch(
            &format!("/api/v1/org/projects/{}", o.projects[1]),
            &admin,
            project["version"].as_i64().unwrap(),
            &json!({"handover_on": "2026-06-30", "move_in_ends_on": "2026-07-31",
                "customer_service_contact": {"name": "王芳", "mobile": "13812345678",
                    "email": "wang.fang@example.com"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["move_in_ends_on"], "2026-07-31");
    let items = schedule(&app, &admin, "year=2026&code=rp10_move_in").await;
    assert_eq!(items.len(), 1, "{items:?}");
    let i = &items[0];
    assert_eq!(i["project_id"], json!(o.projects[1]));
    assert_eq!(
        (&i["period_start"], &i["period_end"]),
        (&json!("2026-06-30"), &json!("2026-07-31"))
    );
    assert_eq!(
        (&i["nominal_due_at"], &i["due_at"]),
        (&json!("2026-10-31T18:00:00+08:00"), &json!("2026-10-30T18:00:00+08:00"))
    );
    assert!(schedule(&app, &admin, "year=2027&code=rp10_move_in").await.is_empty());
    round(&app).await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let mgr = token(&app, "cs.manager").await;
    let owed = obligations(&app, &mgr, "code=rp10_move_in").await;
    assert_eq!(owed.len(), 1);
    assert_eq!(
        (&owed[0]["project_id"], &owed[0]["responsible_type"]),
        (&json!(o.projects[1]), &json!("project"))
    );
    // R-RP-7 is owed by every project: three obligations for the fourth quarter.
    let cases = obligations(&app, &mgr, "code=rp7").await;
    assert_eq!(cases.len(), 0, "due 25 December: beyond the month ahead");
}

/// The presets until the group changes them; a new version with `If-Match`, checked field by
/// field; the schedule follows the group's own definitions.
async fn report_definitions_are_group_policy_data(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await;
    let mgr = token(&app, "cs.manager").await;
    let res = app.get("/api/v1/reports/definitions", &mgr).await;
    assert_eq!(res.headers()["etag"], "\"0\"");
    let presets: Value = res.json().await.unwrap();
    let codes: Vec<&str> = presets["definitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "rp1_weekly",
            "rp1_monthly",
            "rp1_quarterly",
            "rp1_annual",
            "rp2_weekly",
            "rp2_monthly",
            "rp2_quarterly",
            "rp2_annual",
            "rp3_weekly",
            "rp3_monthly",
            "rp3_quarterly",
            "rp3_annual",
            "rp4_monthly",
            "rp4_quarterly",
            "rp4_annual",
            "rp6",
            "rp7",
            "rp8",
            "rp9",
            "rp10_annual",
            "rp10_move_in",
            "rp11",
            "rp12"
        ]
    );
    let rp7 =
        presets["definitions"].as_array().unwrap().iter().find(|d| d["code"] == "rp7").unwrap();
    let keys: Vec<&str> =
        rp7["sections"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["story", "photos", "analysis", "measures", "lessons"], "R-RP-7's template");
    let put = |body: Value, version: &str| {
        app.http
            .put(app.url("/api/v1/reports/definitions"))
            .bearer_auth(&mgr)
            .header("if-match", format!("\"{version}\""))
            .json(&body)
            .send()
    };
    let rp12 = json!({"code": "rp12", "rule_id": "R-RP-12", "label_zh": "节点回访汇总",
        "cadence": "monthly", "due": {"months": 1, "day": 5, "time": "09:30"},
        "responsible": "department", "department_kind": "customer_center",
        "preparing_role": "cs_specialist"});
    // Two definitions with one code, a monthly due without its day: every field named.
    let bad = json!({"definitions": [rp12, rp12, {"code": "x", "rule_id": "R-RP-1",
        "label_zh": "x", "cadence": "monthly", "due": {"months": 1},
        "responsible": "project", "preparing_role": "cs_specialist"}]});
    let p = assert_problem(put(bad, "0").await.unwrap(), 422, "validation_failed").await;
    let fields: Vec<&str> =
        p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["definitions[1].code", "definitions[2].due.day"]);
    let res = put(json!({"definitions": [rp12]}), "0").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"1\"");
    assert_problem(put(json!({"definitions": [rp12]}), "0").await.unwrap(), 412, "stale_version")
        .await;
    // 5 April 2026 is the Qingming holiday (Sunday): the due keeps 09:30 on Friday 3 April.
    let items = schedule(&app, &mgr, "year=2026&code=rp12").await;
    assert_eq!(items[3]["nominal_due_at"], "2026-04-05T09:30:00+08:00");
    assert_eq!(items[3]["due_at"], "2026-04-03T09:30:00+08:00");
    assert_problem(
        app.get("/api/v1/reports/schedule?year=2026&code=rp1_weekly", &mgr).await,
        404,
        "not_found",
    )
    .await;
}

/// Who may read, keep, submit and review; a project's user sees his project's obligations only.
async fn reports_keep_to_roles_and_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    round(&app).await;
    let (_, finance) = app.user_with(&admin, "finance", &[("finance", "group", None)]).await;
    for path in [
        "/api/v1/reports/definitions",
        "/api/v1/reports/schedule?year=2026",
        "/api/v1/reports/obligations",
        "/api/v1/reports/completion?from=2026-10-01&to=2026-10-31",
    ] {
        assert_problem(app.get(path, &finance).await, 403, "forbidden").await;
    }
    let (_, spec) = app
        .user_with(&admin, "spec.a", &[("cs_specialist", "project", Some(&o.projects[0]))])
        .await;
    let res = app
        .http
        .put(app.url("/api/v1/reports/definitions"))
        .bearer_auth(&spec)
        .header("if-match", "\"0\"")
        .json(&json!({"definitions": []}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "forbidden").await;
    // The move-in report of project B and A: each project's user sees his own.
    for p in [&o.projects[0], &o.projects[1]] {
        let project: Value =
            app.get(&format!("/api/v1/org/projects/{p}"), &admin).await.json().await.unwrap();
        let res = app
            .patch(
                &format!("/api/v1/org/projects/{p}"),
                &admin,
                project["version"].as_i64().unwrap(),
                &json!({"move_in_ends_on": "2026-07-31"}),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    round(&app).await;
    let mine = obligations(&app, &spec, "code=rp10_move_in").await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["project_id"], json!(o.projects[0]));
    let (_, mgr) = app.user_with(&admin, "mgr", &[("cs_manager", "group", None)]).await;
    let all = obligations(&app, &mgr, "code=rp10_move_in").await;
    assert_eq!(all.len(), 2);
    let theirs = all.iter().find(|x| x["project_id"] == json!(o.projects[1])).unwrap();
    let path = format!("/api/v1/reports/obligations/{}", id(theirs));
    assert_problem(app.get(&path, &spec).await, 404, "not_found").await;
    let body = json!({"sections": {"content": "入住满意度 96%"}});
    assert_problem(submit(&app, &spec, &id(theirs), body.clone()).await, 404, "not_found").await;
    // A vice president reads but does not submit.
    let (_, vp) = app.user_with(&admin, "vp", &[("vp", "group", None)]).await;
    assert_eq!(app.get(&path, &vp).await.status(), 200);
    assert_problem(submit(&app, &vp, &id(theirs), body.clone()).await, 403, "forbidden").await;
    let res = submit(&app, &spec, &id(&mine[0]), body).await;
    assert_eq!(res.status(), 201);
}

/// Twenty submissions of one obligation at once, with and without its ETag: one is taken,
/// nineteen refused (412 stale or 409 already submitted), and one submission is stored.
async fn twenty_submitters_of_one_report_one_wins(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let o = org(&app, &admin).await;
    for p in [&o.projects[0], &o.projects[1]] {
        let project: Value =
            app.get(&format!("/api/v1/org/projects/{p}"), &admin).await.json().await.unwrap();
        let version = project["version"].as_i64().unwrap();
        let body = json!({"move_in_ends_on": "2026-07-31"});
        assert_eq!(
            app.patch(&format!("/api/v1/org/projects/{p}"), &admin, version, &body).await.status(),
            200
        );
    }
    round(&app).await;
    let (_, mgr) = app.user_with(&admin, "mgr", &[("cs_manager", "group", None)]).await;
    let owed = obligations(&app, &mgr, "code=rp10_move_in").await;
    assert_eq!(owed.len(), 2);
    for (o, with_etag) in owed.iter().zip([true, false]) {
        let requests = (0..20).map(|n| {
            let mut req = app
                .http
                .post(app.url(&format!("/api/v1/reports/obligations/{}/submissions", id(o))))
                .bearer_auth(&mgr)
                .json(&json!({"sections": {"content": format!("第{n}稿")}}));
            if with_etag {
                req = req.header("if-match", format!("\"{}\"", o["version"]));
            }
            req.send()
        });
        let statuses: Vec<u16> = futures_util::future::join_all(requests)
            .await
            .into_iter()
            .map(|r| r.unwrap().status().as_u16())
            .collect();
        let won = statuses.iter().filter(|s| **s == 201).count();
        let refused = statuses.iter().filter(|s| [409, 412].contains(*s)).count();
        assert_eq!((won, refused), (1, 19), "{statuses:?}");
        let subs: Value = app
            .get(&format!("/api/v1/reports/obligations/{}/submissions", id(o)), &mgr)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(subs.as_array().unwrap().len(), 1);
    }
}
