//! Department performance (部门绩效, R-RP-15): each month the president confirms the
//! responsible department of every complaint handled (resolved) that month; the confirmed
//! complaints make a monthly statement per department and per person ([`statements`]); a
//! department's year-end customer-service score comes from its work-order completion
//! ([`scores`]).

pub mod scores;
pub mod statements;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use diesel::prelude::*;

pub use scores::{DepartmentScore, scores};
pub use statements::{Statement, StatementLine, statement};

use crate::{
    audit::Event,
    complaints,
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{Expected, ListRequest, Page, Record},
    schema::{complaint_events, departments, responsibility_confirmations},
    scope::{Place, Scope},
};

/// A month, `YYYY-MM`, in China Standard Time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    /// Its year.
    pub year: i32,
    /// Its month, 1–12.
    pub month: u32,
}

impl Month {
    /// Parses `YYYY-MM` (years 2000–2150).
    pub fn parse(text: &str) -> Option<Self> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        ((2000..=2150).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// Its first instant and the next month's, in UTC (naive, as stored).
    pub fn bounds(self) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let first = NaiveDate::from_ymd_opt(self.year, self.month, 1)?;
        let next = first.checked_add_months(chrono::Months::new(1))?;
        let start = |d: NaiveDate| {
            Shanghai.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single().map(|t| t.naive_utc())
        };
        Some((start(first)?, start(next)?))
    }

    /// The month of an instant.
    pub fn of(at: DateTime<Utc>) -> Self {
        let local = at.with_timezone(&Shanghai);
        Self { year: local.year(), month: local.month() }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A handled complaint of a month with its proposed and confirmed responsible department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsibility {
    /// The complaint.
    pub complaint: complaints::Complaint,
    /// The month.
    pub month: String,
    /// The confirmed department, once confirmed.
    pub confirmed_department_id: Option<String>,
    /// Who confirmed it.
    pub confirmed_by: Option<String>,
    /// When it was confirmed last (naive UTC).
    pub confirmed_at: Option<NaiveDateTime>,
    /// The confirmation's version (0 before the first).
    pub version: i64,
}

impl Record for Responsibility {
    fn id(&self) -> &str {
        &self.complaint.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

/// The ids of the complaints resolved in `month` (any of their resolutions).
pub(crate) fn resolved_in(
    conn: &mut DbConnection,
    month: Month,
) -> Result<Vec<String>, StoreError> {
    let Some((from, to)) = month.bounds() else { return Ok(Vec::new()) };
    Ok(complaint_events::table
        .filter(complaint_events::to_state.eq("resolved"))
        .filter(complaint_events::at.ge(from))
        .filter(complaint_events::at.lt(to))
        .select(complaint_events::complaint_id)
        .distinct()
        .load(conn)?)
}

type Confirmation = (String, i64, Option<String>, NaiveDateTime);

fn confirmation(
    conn: &mut DbConnection,
    complaint: &str,
    month: Month,
) -> Result<Option<Confirmation>, StoreError> {
    Ok(responsibility_confirmations::table
        .filter(responsibility_confirmations::complaint_id.eq(complaint))
        .filter(responsibility_confirmations::month.eq(month.to_string()))
        .select((
            responsibility_confirmations::department_id,
            responsibility_confirmations::version,
            responsibility_confirmations::confirmed_by,
            responsibility_confirmations::updated_at,
        ))
        .first(conn)
        .optional()?)
}

fn with_confirmation(
    conn: &mut DbConnection,
    complaint: complaints::Complaint,
    month: Month,
) -> Result<Responsibility, StoreError> {
    let confirmed = confirmation(conn, &complaint.id, month)?;
    let (department, version, by, at) = match confirmed {
        Some((d, v, by, at)) => (Some(d), v, by, Some(at)),
        None => (None, 0, None, None),
    };
    Ok(Responsibility {
        complaint,
        month: month.to_string(),
        confirmed_department_id: department,
        confirmed_by: by,
        confirmed_at: at,
        version,
    })
}

/// A page of the complaints within reach handled (resolved) in `month`, each with its
/// proposed and confirmed responsible department; `unconfirmed` keeps those not confirmed yet.
pub fn responsibilities(
    conn: &mut Conn,
    scope: &Scope,
    month: Month,
    req: &ListRequest,
) -> Result<Page<Responsibility>, StoreError> {
    use crate::schema::complaints as rows;
    let conn = conn.raw();
    let ids = resolved_in(conn, month)?;
    let query = || {
        rows::table
            .filter(complaints::within(scope))
            .filter(rows::id.eq_any(ids.clone()))
            .into_boxed()
    };
    let page: Page<complaints::Complaint> =
        crate::kit::page!(&mut *conn, rows, query, complaints::Complaint, req)?;
    let mut items = Vec::with_capacity(page.items.len());
    for c in page.items {
        items.push(with_confirmation(conn, c, month)?);
    }
    Ok(Page { items, next: page.next, total: page.total })
}

/// Confirms the responsible department of a complaint handled in `month` (`PerformanceConfirm`,
/// the president): the first confirmation expects version 0, a later one the version it read.
/// The department must be of the complaint's company (422 `department_id`); a complaint not
/// handled that month is 422 `month`.
pub fn confirm(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    (complaint_id, month, department): (&str, Month, &str),
    expected: Expected,
    now: DateTime<Utc>,
) -> Result<Responsibility, StoreError> {
    transaction(conn.raw(), |conn| {
        let complaint = complaints::find(conn, read, complaint_id)?;
        let place = Place::of_project(&complaint.company_id, &complaint.project_id);
        if complaints::find(conn, write, complaint_id).is_err() {
            return Err(StoreError::Forbidden);
        }
        if !resolved_in(conn, month)?.contains(&complaint.id) {
            return Err(StoreError::Invalid {
                field: "month".into(),
                message: format!("the complaint was not handled (resolved) in {month}"),
            });
        }
        let of_company: i64 = departments::table
            .filter(departments::id.eq(department))
            .filter(departments::company_id.eq(&complaint.company_id))
            .count()
            .get_result(conn)?;
        if of_company == 0 {
            return Err(StoreError::Invalid {
                field: "department_id".into(),
                message: "no such department in the complaint's company".into(),
            });
        }
        let (_, by) = write.actor().parts();
        let current = confirmation(conn, complaint_id, month)?;
        match (current, expected) {
            (None, Expected::Version(0) | Expected::Any) => {
                diesel::insert_into(responsibility_confirmations::table)
                    .values((
                        responsibility_confirmations::id.eq(new_id()),
                        responsibility_confirmations::group_id.eq(&complaint.group_id),
                        responsibility_confirmations::company_id.eq(&complaint.company_id),
                        responsibility_confirmations::project_id.eq(&complaint.project_id),
                        responsibility_confirmations::complaint_id.eq(complaint_id),
                        responsibility_confirmations::month.eq(month.to_string()),
                        responsibility_confirmations::department_id.eq(department),
                        responsibility_confirmations::confirmed_by.eq(by),
                        responsibility_confirmations::created_at.eq(to_db(now)),
                        responsibility_confirmations::updated_at.eq(to_db(now)),
                        responsibility_confirmations::version.eq(1_i64),
                    ))
                    .execute(conn)
                    .map_err(|e| match StoreError::from(e) {
                        // Another confirmation won the race: this one read a stale state.
                        StoreError::Conflict(_) => StoreError::StaleVersion { current: 1 },
                        other => other,
                    })?;
            }
            (None, Expected::Version(_)) => return Err(StoreError::StaleVersion { current: 0 }),
            (Some((_, version, _, _)), expected) => {
                let expected = match expected {
                    Expected::Version(v) => v,
                    Expected::Any => version,
                };
                let changed = diesel::update(
                    responsibility_confirmations::table
                        .filter(responsibility_confirmations::complaint_id.eq(complaint_id))
                        .filter(responsibility_confirmations::month.eq(month.to_string()))
                        .filter(responsibility_confirmations::version.eq(expected)),
                )
                .set((
                    responsibility_confirmations::department_id.eq(department),
                    responsibility_confirmations::confirmed_by.eq(by),
                    responsibility_confirmations::updated_at.eq(to_db(now)),
                    responsibility_confirmations::version
                        .eq(responsibility_confirmations::version + 1),
                ))
                .execute(conn)?;
                if changed == 0 {
                    return Err(StoreError::StaleVersion { current: version });
                }
            }
        }
        let payload = serde_json::json!({"month": month.to_string(), "department_id": department,
            "proposed_department_id": complaint.responsible_department_id, "rule_id": "R-RP-15"});
        let event = Event {
            at: now,
            action: "complaint.responsibility_confirmed",
            subject: ("complaint", complaint_id),
            group: Some(&write.group_id),
            place: &place,
            payload,
        };
        write.acting.record(conn, event)?;
        with_confirmation(conn, complaint, month)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_rp_15_a_month_is_read_as_yyyy_mm_and_bounded_in_china_time() {
        assert_eq!(Month::parse("2026-10"), Some(Month { year: 2026, month: 10 }));
        for bad in ["2026-13", "2026-1", "26-10", "2026-10-01", "1999-12"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        let (from, to) = Month::parse("2026-10").unwrap().bounds().unwrap();
        assert_eq!(from.to_string(), "2026-09-30 16:00:00");
        assert_eq!(to.to_string(), "2026-10-31 16:00:00");
    }
}
