//! Business calendars through the API: the shipped schedules, the calculator, imports and
//! exports, and the SLA clocks recomputed when a calendar changes (R-T-0, R-RP-16).

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use kefu_domain::{
    ids::{CalendarId, GroupId},
    sla::ClockRun,
};
use kefu_persistence::{audit, sla};
use kefu_tests::{Backend, TestApp, assert_problem, both_backends, spawn_app};
use serde_json::{Value, json};

both_backends! {
    a_new_year_schedule_recomputes_running_clocks => a_new_year_schedule_recomputes_running_clocks;
    calendar_changes_need_the_current_etag => calendar_changes_need_the_current_etag;
}

struct Admin<'a> {
    app: &'a TestApp,
    token: String,
}

impl<'a> Admin<'a> {
    async fn new(app: &'a TestApp) -> Self {
        let token = app.admin_tokens().await["access_token"].as_str().unwrap().to_owned();
        Self { app, token }
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.app.http.get(self.app.url(path)).bearer_auth(&self.token)
    }

    fn put(&self, path: &str) -> reqwest::RequestBuilder {
        self.app.http.put(self.app.url(path)).bearer_auth(&self.token)
    }

    async fn group(&self) -> String {
        let me: Value = self.get("/api/v1/me").send().await.unwrap().json().await.unwrap();
        me["group_id"].as_str().unwrap().to_owned()
    }

    async fn default_calendar(&self) -> Value {
        let list: Value = self.get("/api/v1/calendars").send().await.unwrap().json().await.unwrap();
        list["items"].as_array().unwrap().iter().find(|c| c["is_default"] == true).unwrap().clone()
    }

    async fn due(&self, calendar: &str, start: &str, duration: &str) -> Value {
        let res = self
            .get(&format!("/api/v1/calendars/{calendar}/due"))
            .query(&[("start", start), ("duration", duration)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{start} + {duration}");
        res.json().await.unwrap()
    }
}

#[tokio::test]
async fn the_default_calendar_ships_the_official_2025_and_2026_schedules() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = Admin::new(&app).await;
    let calendar = admin.default_calendar().await;
    assert_eq!(calendar["time_zone"], "Asia/Shanghai");
    assert_eq!(calendar["standard_day_minutes"], 450);
    assert_eq!(calendar["week"]["monday"], "09:00-12:00;13:30-18:00");
    assert_eq!(calendar["week"]["saturday"], "");
    let years: Vec<i64> =
        calendar["years"].as_array().unwrap().iter().map(|y| y["year"].as_i64().unwrap()).collect();
    assert_eq!(years, [2025, 2026]);
    assert!(calendar["years"][1]["source"].as_str().unwrap().contains("国务院办公厅"));
}

/// Whether the data file says `date` is a working day: a weekday outside every holiday
/// range, or a listed adjusted working day.
fn working_per_data_file(data: &Value, date: NaiveDate) -> bool {
    let year = &data["years"][date.year().to_string()];
    let day = date.to_string();
    if year["workdays"].as_array().unwrap().iter().any(|d| d == &json!(day)) {
        return true;
    }
    let in_holiday = year["holidays"].as_array().unwrap().iter().any(|h| {
        h["from"].as_str().unwrap() <= day.as_str() && day.as_str() <= h["to"].as_str().unwrap()
    });
    !in_holiday && !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[tokio::test]
async fn every_day_of_2025_and_2026_is_a_working_day_exactly_as_the_data_file_says() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = Admin::new(&app).await;
    let id = admin.default_calendar().await["id"].as_str().unwrap().to_owned();
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/domain/data/mainland-china.json");
    let data: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut days = 0;
    for year in [2025, 2026] {
        let res = admin
            .get(&format!("/api/v1/calendars/{id}/days"))
            .query(&[("from", format!("{year}-01-01")), ("to", format!("{year}-12-31"))])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        for item in body["items"].as_array().unwrap() {
            let date: NaiveDate = item["date"].as_str().unwrap().parse().unwrap();
            assert_eq!(item["working"], working_per_data_file(&data, date), "{item}");
            assert_eq!(item["coverage"], "scheduled");
            days += 1;
        }
    }
    assert_eq!(days, 730);
}

#[tokio::test]
async fn the_calculator_answers_in_the_calendars_zone_naming_the_rule() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = Admin::new(&app).await;
    let id = admin.default_calendar().await["id"].as_str().unwrap().to_owned();
    // (rule, start, duration, due, working days crossed, coverage)
    let cases = [
        // R-T-3: across National Day, counting the working Saturday 2026-10-10.
        ("R-T-3", "2026-09-30T17:00:00+08:00", "5WD", "2026-10-13T17:00:00+08:00", 6, "scheduled"),
        // R-T-7: Friday 16:00 + 0.5 WD is Monday 10:45.
        (
            "R-T-7",
            "2026-11-20T16:00:00+08:00",
            "0.5WD",
            "2026-11-23T10:45:00+08:00",
            2,
            "scheduled",
        ),
        // R-T-0: any offset is accepted; the answer is in +08:00.
        ("R-T-0", "2026-11-24T02:00:00Z", "1WD", "2026-11-25T10:00:00+08:00", 2, "scheduled"),
        // R-T-8: calendar time, the same clock time the next day, weekend or not.
        ("R-T-8", "2026-11-20T10:00:00+08:00", "P1D", "2026-11-21T10:00:00+08:00", 0, "scheduled"),
        // R-T-1: 30 working minutes from 11:50 run over lunch.
        ("R-T-1", "2026-11-23T11:50:00+08:00", "30WM", "2026-11-23T13:50:00+08:00", 1, "scheduled"),
        // A year without a schedule assumes weekends only, and says so.
        ("R-T-6", "2026-12-31T17:00:00+08:00", "1WD", "2027-01-01T17:00:00+08:00", 2, "assumed"),
    ];
    for (rule, start, duration, due, crossed, coverage) in cases {
        let answer = admin.due(&id, start, duration).await;
        assert_eq!(answer["due"], due, "{rule}: {answer}");
        assert_eq!(answer["working_days_crossed"], crossed, "{rule}: {answer}");
        assert_eq!(answer["coverage"], coverage, "{rule}: {answer}");
        assert_eq!(answer["time_zone"], "Asia/Shanghai");
    }
}

#[tokio::test]
async fn bad_calculator_input_is_a_422_naming_the_parameter() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = Admin::new(&app).await;
    let id = admin.default_calendar().await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/calendars/{id}/due");
    for (query, field) in [
        ("start=2026-09-30T17:00:00%2B08:00&duration=5 days", "duration"),
        ("start=2026-09-30T17:00:00%2B08:00&duration=3651WD", "duration"),
        ("start=2026-09-30T17:00:00%2B08:00&duration=P1M", "duration"),
        ("start=yesterday&duration=5WD", "start"),
    ] {
        let res = admin.get(&format!("{path}?{query}")).send().await.unwrap();
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    // A raw '+' arrives as a space: the problem says how to send it.
    let res = admin
        .get(&format!("{path}?start=2026-09-30T17:00:00+08:00&duration=5WD"))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("%2B"), "{body}");
    let res = admin
        .get("/api/v1/calendars/nope/due?start=2026-09-30T17:00:00Z&duration=5WD")
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn r_rp_16_a_report_due_on_a_holiday_moves_to_the_previous_working_day() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = Admin::new(&app).await;
    let id = admin.default_calendar().await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/calendars/{id}/report-due");
    // The monthly statement due on National Day (1st, 12:00) falls into the month it reports on.
    let res: Value = admin
        .get(&path)
        .query(&[("due", "2026-10-01T12:00:00+08:00")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (res["due"].as_str(), res["moved"].as_bool()),
        (Some("2026-09-30T12:00:00+08:00"), Some(true))
    );
    // "By the 25th" on a Sunday: the end of Friday's working hours.
    let res: Value = admin
        .get(&path)
        .query(&[("date", "2026-01-25")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["due"], "2026-01-23T18:00:00+08:00");
    // A due on a working day stays.
    let res: Value = admin
        .get(&path)
        .query(&[("due", "2026-10-09T16:00:00+08:00")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (res["due"].as_str(), res["moved"].as_bool()),
        (Some("2026-10-09T16:00:00+08:00"), Some(false))
    );
}

const CSV_2027: &str = "date,kind,name,blocks\n\
    2027-01-01,holiday,元旦 New Year's Day,\n\
    2027-01-02,holiday,元旦 New Year's Day,\n\
    2027-01-03,holiday,元旦 New Year's Day,\n\
    2027-01-09,workday,元旦调休,\n";

#[tokio::test]
async fn a_year_imports_as_csv_and_exports_as_json_and_csv() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = Admin::new(&app).await;
    let id = admin.default_calendar().await["id"].as_str().unwrap().to_owned();
    let before = admin.due(&id, "2026-12-31T17:00:00+08:00", "1WD").await;
    assert_eq!(before["coverage"], "assumed");

    let res = admin
        .put(&format!("/api/v1/calendars/{id}/years/2027"))
        .query(&[("source", "国务院办公厅关于2027年部分节假日安排的通知")])
        .header("content-type", "text/csv")
        .body(CSV_2027)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let put: Value = res.json().await.unwrap();
    assert_eq!((put["days"].as_i64(), put["year"].as_i64()), (Some(4), Some(2027)));

    // 2027-01-01 to 03 are now holidays: the next working day is Monday the 4th.
    let after = admin.due(&id, "2026-12-31T17:00:00+08:00", "1WD").await;
    assert_eq!(
        (after["due"].as_str(), after["coverage"].as_str()),
        (Some("2027-01-04T17:00:00+08:00"), Some("scheduled"))
    );

    let json: Value = admin
        .get(&format!("/api/v1/calendars/{id}/years/2027"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["year"], 2027);
    assert_eq!(
        json["days"][3],
        json!({"date": "2027-01-09", "kind": "workday", "name": "元旦调休", "blocks": ""})
    );
    let res =
        admin.get(&format!("/api/v1/calendars/{id}/years/2027?format=csv")).send().await.unwrap();
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(res.text().await.unwrap(), CSV_2027);

    // The JSON export is what the JSON import takes: put it back under 2027 unchanged.
    let res =
        admin.put(&format!("/api/v1/calendars/{id}/years/2027")).json(&json).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_bad_schedule_file_is_refused_with_line_and_field_and_nothing_is_imported() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = Admin::new(&app).await;
    let id = admin.default_calendar().await["id"].as_str().unwrap().to_owned();
    let year_path = format!("/api/v1/calendars/{id}/years/2027");
    let csv_cases = [
        (
            "date,kind,name,blocks\n2027-01-01,holiday,元旦,\n2027-01-09,workday,调休,09:00-12:00;11:00-18:00\n",
            3,
            "blocks",
        ),
        ("date,kind,name,blocks\n2027-01-01,festival,元旦,\n", 2, "kind"),
        ("date,kind,name,blocks\n2027-01-01,holiday,元旦,\n2027-02-30,holiday,春节,\n", 3, "date"),
        ("date,kind,name,blocks\n2026-12-31,holiday,跨年,\n", 2, "date"),
    ];
    for (csv, line, field) in csv_cases {
        let res = admin
            .put(&year_path)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["line"], line, "{body}");
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    // Every bad line is named, not only the first.
    let res = admin
        .put(&year_path)
        .header("content-type", "text/csv")
        .body("date,kind,name,blocks\n2027-01-01,festival,元旦,\n2027-01-02,holiday,ok,\n2027-02-30,holiday,春节,\n2027-01-09,workday,调休,13:00-12:00\n")
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    let named: Vec<(i64, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(named, [(2, "kind"), (4, "date"), (5, "blocks")], "{body}");
    let bad_json = json!({"year": 2027, "days": [
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        {"date": "2027-01-09", "kind": "workday", "name": "调休", "blocks": "13:00-12:00"}]});
    let res = admin.put(&year_path).json(&bad_json).send().await.unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "days[1].blocks", "{body}");
    let res = admin.put(&year_path).json(&json!({"year": 2028, "days": []})).send().await.unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "year", "{body}");
    let res = admin
        .put(&year_path)
        .json(&json!({"year": 2027, "days": [{"date": "2027-01-01", "kind": "party"}]}))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "days[0].kind", "{body}");

    // Nothing of any refused file was stored.
    assert_problem(admin.get(&year_path).send().await.unwrap(), 404, "not_found").await;
    let calendar: Value =
        admin.get(&format!("/api/v1/calendars/{id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(calendar["years"].as_array().unwrap().len(), 2);
    assert_eq!(calendar["version"], 1);
}

#[tokio::test]
async fn staff_read_calendars_and_only_those_who_keep_the_rules_change_them() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin_token = app.admin_token().await;
    let (_, staff_token) =
        app.user_with(&admin_token, "wang", &[("cs_specialist", "group", None)]).await;
    let staff = Admin { app: &app, token: staff_token };
    let id = staff.default_calendar().await["id"].as_str().unwrap().to_owned();
    assert_eq!(
        staff.due(&id, "2026-09-30T17:00:00+08:00", "5WD").await["due"],
        "2026-10-13T17:00:00+08:00"
    );
    let res = staff
        .put(&format!("/api/v1/calendars/{id}/years/2027"))
        .header("content-type", "text/csv")
        .body(CSV_2027)
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .http
        .post(app.url("/api/v1/calendars"))
        .bearer_auth(&staff.token)
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "forbidden").await;
    // The templates are every group's starting point: a group's own administrator keeps his
    // group's rules, not the templates.
    let (_, group_admin) = app.user_with(&admin_token, "zhao", &[("admin", "group", None)]).await;
    let res = app
        .http
        .put(app.url("/api/v1/policies/sla?template=true"))
        .bearer_auth(&group_admin)
        .header("if-match", "1")
        .json(&json!({"clocks": []}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "forbidden").await;
    let template = Admin { app: &app, token: admin_token.clone() }.default_calendar().await;
    assert!(
        template["group_id"].is_null(),
        "the platform operator's first default is the template"
    );
    let res = app
        .http
        .put(app.url(&format!("/api/v1/calendars/{}/years/2027", template["id"].as_str().unwrap())))
        .bearer_auth(&group_admin)
        .header("content-type", "text/csv")
        .body(CSV_2027)
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .http
        .get(
            app.url(&format!("/api/v1/calendars/{id}/due?start=2026-09-30T17:00:00Z&duration=5WD")),
        )
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "unauthenticated").await;
}

async fn calendar_changes_need_the_current_etag(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = Admin::new(&app).await;
    // A property front desk that works around the clock (R-T-11 runs on it).
    let week = json!({"monday": "00:00-24:00", "tuesday": "00:00-24:00", "wednesday": "00:00-24:00",
        "thursday": "00:00-24:00", "friday": "00:00-24:00", "saturday": "00:00-24:00", "sunday": "00:00-24:00"});
    let res = app
        .http
        .post(app.url("/api/v1/calendars"))
        .bearer_auth(&admin.token)
        .json(&json!({"name": "物业前台 7×24", "week": week, "standard_day_minutes": 1440}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        admin.due(id, "2026-10-01T10:00:00+08:00", "3WD").await["due"],
        "2026-10-04T10:00:00+08:00"
    );

    let path = format!("/api/v1/calendars/{id}");
    let update = json!({"name": "物业前台", "time_zone": "Asia/Shanghai", "week": week, "standard_day_minutes": 720});
    assert_problem(
        admin.put(&path).json(&update).send().await.unwrap(),
        428,
        "precondition_required",
    )
    .await;
    assert_problem(
        admin.put(&path).header("if-match", "\"7\"").json(&update).send().await.unwrap(),
        412,
        "stale_version",
    )
    .await;
    let res = admin.put(&path).header("if-match", "\"1\"").json(&update).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"2\"");
    assert_eq!(
        admin.due(id, "2026-10-01T10:00:00+08:00", "1WD").await["due"],
        "2026-10-01T22:00:00+08:00"
    );

    let bad =
        json!({"name": "x", "time_zone": "Mars/Olympus", "week": week, "standard_day_minutes": 0});
    let body = assert_problem(
        admin.put(&path).header("if-match", "\"2\"").json(&bad).send().await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "standard_day_minutes", "{body}");

    let default_id = admin.default_calendar().await["id"].as_str().unwrap().to_owned();
    let res = app
        .http
        .delete(app.url(&format!("/api/v1/calendars/{default_id}")))
        .bearer_auth(&admin.token)
        .header("if-match", "1")
        .send()
        .await
        .unwrap();
    assert_problem(res, 409, "conflict").await;
    let res = app
        .http
        .delete(app.url(&path))
        .bearer_auth(&admin.token)
        .header("if-match", "2")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_problem(admin.get(&path).send().await.unwrap(), 404, "not_found").await;
}

async fn a_new_year_schedule_recomputes_running_clocks(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = Admin::new(&app).await;
    let id = admin.default_calendar().await["id"].as_str().unwrap().to_owned();
    // R-T-3: received 2026-12-30 17:00; five working days run into 2027, which has no schedule yet.
    let started =
        DateTime::parse_from_rfc3339("2026-12-30T17:00:00+08:00").unwrap().with_timezone(&Utc);
    let (db, calendar_id) = (app.db.clone(), CalendarId::from(id.clone()));
    let group = GroupId::from(admin.group().await);
    let clock = tokio::task::spawn_blocking(move || {
        sla::start_clock(
            &mut db.conn().unwrap(),
            &group,
            ("complaint", "TS-2026-000123"),
            ("self_resolve", &calendar_id),
            ClockRun::new(started),
            started,
        )
        .unwrap()
    })
    .await
    .unwrap();
    // Assumed: 1 h on Wed 30, then Thu 31, Fri 1 Jan, Mon 4, Tue 5 (7.5 h each), 6.5 h on
    // Wed 6 → due Wed 2027-01-06 17:00 (09:00 UTC).
    assert_eq!(clock.due_at.and_utc().to_rfc3339(), "2027-01-06T09:00:00+00:00");

    let res = admin
        .put(&format!("/api/v1/calendars/{id}/years/2027"))
        .header("content-type", "text/csv")
        .body(CSV_2027)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let put: Value = res.json().await.unwrap();
    assert_eq!(put["recomputed_clocks"], 1);

    let (db, clock_id) = (app.db.clone(), clock.id.clone());
    let (after, events) = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        (
            sla::get_clock(&mut conn, &clock_id).unwrap(),
            audit::for_subject(&mut conn, "sla_clock", &clock_id).unwrap(),
        )
    })
    .await
    .unwrap();
    // New Year's Day is now a holiday: the due moves one working day later, to Thu 2027-01-07.
    assert_eq!(after.due_at.and_utc().to_rfc3339(), "2027-01-07T09:00:00+00:00");
    assert_eq!(events.len(), 1);
    let payload: Value = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(events[0].action, "sla_clock.recomputed");
    assert_eq!(payload["old_due"], "2027-01-06T09:00:00+00:00");
    assert_eq!(payload["new_due"], "2027-01-07T09:00:00+00:00");
}

#[tokio::test]
async fn the_sla_policy_is_readable_and_versioned_on_every_edit() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = Admin::new(&app).await;
    let res = admin.get("/api/v1/policies/sla").send().await.unwrap();
    assert_eq!(res.headers()["etag"], "\"1\"");
    let v1: Value = res.json().await.unwrap();
    let self_resolve =
        v1["clocks"].as_array().unwrap().iter().find(|c| c["name"] == "self_resolve").unwrap();
    assert_eq!(
        (self_resolve["rule_id"].as_str(), &self_resolve["due"]),
        (Some("R-T-3"), &json!({"after": "5WD"}))
    );
    let rules: Vec<&str> =
        v1["clocks"].as_array().unwrap().iter().map(|c| c["rule_id"].as_str().unwrap()).collect();
    for rule in [
        "R-T-1", "R-T-2", "R-T-3", "R-T-4", "R-T-5", "R-T-6", "R-T-7", "R-T-8", "R-T-9", "R-T-10",
        "R-T-11", "R-T-12",
    ] {
        assert!(rules.contains(&rule), "the default policy has a clock for {rule}");
    }

    let mut edited = json!({"clocks": v1["clocks"].clone()});
    edited["clocks"][0]["warning_percent"] = json!(90);
    let res = admin
        .put("/api/v1/policies/sla")
        .header("if-match", "\"1\"")
        .json(&edited)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v2: Value = res.json().await.unwrap();
    assert_eq!(
        (v2["version"].as_i64(), &v2["clocks"][0]["warning_percent"]),
        (Some(2), &json!(90))
    );
    assert!(v2["created_by"].is_string());
    assert_problem(
        admin
            .put("/api/v1/policies/sla")
            .header("if-match", "\"1\"")
            .json(&edited)
            .send()
            .await
            .unwrap(),
        412,
        "stale_version",
    )
    .await;

    let mut duplicate = edited.clone();
    duplicate["clocks"][1]["name"] = duplicate["clocks"][0]["name"].clone();
    duplicate["clocks"][2]["due"] = json!({"after": "5 days"});
    let res = admin
        .put("/api/v1/policies/sla")
        .header("if-match", "\"2\"")
        .json(&duplicate)
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert!(body["errors"][0]["field"].as_str().unwrap().starts_with("clocks[2].due"), "{body}");
    duplicate["clocks"][2]["due"] = json!({"after": "5WD"});
    let res = admin
        .put("/api/v1/policies/sla")
        .header("if-match", "\"2\"")
        .json(&duplicate)
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "clocks[1].name", "{body}");

    let old: Value =
        admin.get("/api/v1/policies/sla/versions/1").send().await.unwrap().json().await.unwrap();
    assert_eq!(old["clocks"], v1["clocks"]);
}

#[tokio::test]
async fn invalid_time_zones_blocks_and_dates_are_422_naming_the_field() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = Admin::new(&app).await;
    let post = |body: Value| {
        app.http.post(app.url("/api/v1/calendars")).bearer_auth(&admin.token).json(&body).send()
    };
    let body = assert_problem(
        post(json!({"name": "x", "time_zone": "Asia/Peking"})).await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
        (Some("time_zone"), Some("unknown_time_zone"))
    );
    let mut week = json!({"monday": "18:00-09:00", "tuesday": "09:00-12:00;11:00-13:00", "wednesday": "",
        "thursday": "", "friday": "", "saturday": "", "sunday": ""});
    let body = assert_problem(
        post(json!({"name": "x", "week": week})).await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["week.monday", "week.tuesday"], "{body}");
    week["monday"] = json!("9-12");
    let body = assert_problem(
        post(json!({"name": "x", "week": week})).await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "week.monday", "{body}");

    let id = admin.default_calendar().await["id"].as_str().unwrap().to_owned();
    let res = admin
        .get(&format!("/api/v1/calendars/{id}/days?from=2026-02-30&to=2026-03-01"))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "from");
    let res = admin
        .get(&format!("/api/v1/calendars/{id}/days?from=2026-01-01&to=2027-01-03"))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "to");
}

/// The policy holds the grading rules (R-CLS, R-EVT) and `max_backdate_days` (issue 9's
/// intake): defaults shown, edits kept, values outside their range a 422 naming the field.
#[tokio::test]
async fn the_policy_carries_grading_and_the_backdating_limit() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = Admin::new(&app).await;
    let v1: Value = admin.get("/api/v1/policies/sla").send().await.unwrap().json().await.unwrap();
    assert_eq!(v1["max_backdate_days"], 30);
    assert_eq!(v1["grading"]["event_households"], 10, "R-EVT-1");
    assert_eq!(v1["grading"]["event_amount_fen"], 2_000_000, "R-EVT-2");
    let put = |body: Value, version: &'static str| {
        admin.put("/api/v1/policies/sla").header("if-match", version).json(&body).send()
    };
    let mut body =
        json!({"clocks": v1["clocks"], "grading": v1["grading"], "max_backdate_days": 30});
    for (field, value) in
        [("event_households", json!(2_147_483_648_u64)), ("event_households", json!(0))]
    {
        let mut bad = body.clone();
        bad["grading"][field] = value;
        let res = assert_problem(put(bad, "\"1\"").await.unwrap(), 422, "validation_failed").await;
        assert_eq!(res["errors"][0]["field"], format!("grading.{field}"), "{res}");
    }
    let mut bad = body.clone();
    bad["max_backdate_days"] = json!(0);
    let res = assert_problem(put(bad, "\"1\"").await.unwrap(), 422, "validation_failed").await;
    assert_eq!(res["errors"][0]["field"], "max_backdate_days", "{res}");

    body["grading"]["event_households"] = json!(12);
    body["max_backdate_days"] = json!(400);
    let res = put(body, "\"1\"").await.unwrap();
    assert_eq!(res.status(), 200);
    let v2: Value = res.json().await.unwrap();
    assert_eq!(
        (&v2["grading"]["event_households"], &v2["max_backdate_days"]),
        (&json!(12), &json!(400))
    );
}
