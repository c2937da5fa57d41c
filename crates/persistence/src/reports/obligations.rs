//! Obligations (应报报表): one report owed for one period by one project or department, planned
//! ahead by the periodic job ([`super::plan`]); `pending` → `submitted` (on time or late) →
//! `reviewed` or `returned` (and submitted again).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::schedule::{ObligationAction, ObligationState, next_state};
use serde::Serialize;

use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::to_db,
    kit::{Expected, ListRequest, Page, page},
    schema::report_obligations,
    scope::{Place, Scope},
};

/// Obligations of the caller's group within his reach: his companies', projects' and
/// departments' (a row has a project or a department, the other column is NULL).
pub fn within(scope: &Scope) -> crate::scope::Filter<report_obligations::table> {
    use diesel::{BoolExpressionMethods, ExpressionMethods};
    let in_group = report_obligations::group_id.eq(scope.group_id.clone());
    if scope.reach.whole_group {
        return Box::new(in_group);
    }
    let reach = &scope.reach;
    let below = report_obligations::company_id
        .eq_any(reach.companies.clone())
        .or(report_obligations::project_id.assume_not_null().eq_any(reach.projects.clone()))
        .or(report_obligations::department_id.assume_not_null().eq_any(reach.departments.clone()));
    Box::new(in_group.and(below))
}

/// A stored obligation.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = report_obligations)]
pub struct Obligation {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// The company of the project or department that owes it.
    pub company_id: String,
    /// The definition's code (`rp1_monthly`).
    pub code: String,
    /// The rule (`R-RP-1`).
    pub rule_id: String,
    /// The report's name.
    pub label_zh: String,
    /// The data period's first day, `YYYY-MM-DD`.
    pub period_start: String,
    /// Its last day.
    pub period_end: String,
    /// `project` or `department`.
    pub responsible_type: String,
    /// The project's or department's id.
    pub responsible_id: String,
    /// The project that owes it.
    pub project_id: Option<String>,
    /// The department that owes it.
    pub department_id: Option<String>,
    /// The due as the rule reads (naive UTC).
    pub nominal_due_at: NaiveDateTime,
    /// The due after R-RP-16 (naive UTC).
    pub due_at: NaiveDateTime,
    /// Whether R-RP-16 moved it.
    pub moved: bool,
    /// Whether the period had ended at the due.
    pub period_closed_at_due: bool,
    /// When its preparers are reminded (naive UTC).
    pub remind_at: NaiveDateTime,
    /// `pending`, `submitted`, `reviewed` or `returned`.
    pub state: String,
    /// The last submission (naive UTC).
    pub submitted_at: Option<NaiveDateTime>,
    /// Whether the first submission came by the due.
    pub on_time: Option<bool>,
    /// When it was reviewed or returned.
    pub reviewed_at: Option<NaiveDateTime>,
    /// By whom.
    pub reviewed_by: Option<String>,
    /// The reviewer's note (why it was returned).
    pub review_note: Option<String>,
    /// When the reminder before the due was sent.
    pub reminded_at: Option<NaiveDateTime>,
    /// When the breach was told.
    pub overdue_notified_at: Option<NaiveDateTime>,
    /// When it was planned.
    pub created_at: NaiveDateTime,
    /// When it last changed.
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl Obligation {
    /// Where it stands.
    pub fn state(&self) -> ObligationState {
        ObligationState::try_from(self.state.clone()).unwrap_or(ObligationState::Pending)
    }

    /// Whether it is past its due and not submitted at `now`.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.state().accepts_submission() && self.submitted_at.is_none() && to_db(now) > self.due_at
    }
}

/// Where an obligation sits, for scope checks and the audit trail.
pub fn place(o: &Obligation) -> Place {
    Place {
        company: Some(o.company_id.clone()),
        project: o.project_id.clone(),
        department: o.department_id.clone(),
    }
}

/// The obligation `id` within `scope`, inside a transaction (404 out of reach).
pub(crate) fn find(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
) -> Result<Obligation, StoreError> {
    Ok(report_obligations::table
        .filter(within(scope))
        .filter(report_obligations::id.eq(id))
        .select(Obligation::as_select())
        .first(conn)?)
}

/// One obligation within reach.
pub fn get(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Obligation, StoreError> {
    find(conn.raw(), scope, id)
}

/// Who collects and submits a project's reports (R-RP-14): its customer-service and property
/// contacts (JSON documents as the project keeps them); none for a department's.
pub fn contacts(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
) -> Result<(Obligation, Option<String>, Option<String>), StoreError> {
    use crate::schema::projects;
    let conn = conn.raw();
    let o = find(conn, scope, id)?;
    let Some(project) = &o.project_id else { return Ok((o, None, None)) };
    let (cs, property): (Option<String>, Option<String>) = projects::table
        .find(project)
        .select((projects::cs_contact, projects::property_contact))
        .first(conn)?;
    Ok((o, cs, property))
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct ObligationFilter {
    /// Only in this state.
    pub state: Option<ObligationState>,
    /// Only of this definition.
    pub code: Option<String>,
    /// Only this department's.
    pub department_id: Option<String>,
    /// Only this project's.
    pub project_id: Option<String>,
    /// Only those due at or after this instant.
    pub due_from: Option<DateTime<Utc>>,
    /// Only those due before this instant.
    pub due_before: Option<DateTime<Utc>>,
    /// Only those past their due and not submitted at this instant.
    pub overdue_at: Option<DateTime<Utc>>,
}

/// A page of the obligations within reach.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &ObligationFilter,
    req: &ListRequest,
) -> Result<Page<Obligation>, StoreError> {
    let query = || {
        let mut q = report_obligations::table.filter(within(scope)).into_boxed();
        if let Some(s) = filter.state {
            q = q.filter(report_obligations::state.eq(s.as_str()));
        }
        if let Some(c) = &filter.code {
            q = q.filter(report_obligations::code.eq(c.clone()));
        }
        if let Some(d) = &filter.department_id {
            q = q.filter(report_obligations::department_id.eq(d.clone()));
        }
        if let Some(p) = &filter.project_id {
            q = q.filter(report_obligations::project_id.eq(p.clone()));
        }
        if let Some(from) = filter.due_from {
            q = q.filter(report_obligations::due_at.ge(to_db(from)));
        }
        if let Some(before) = filter.due_before {
            q = q.filter(report_obligations::due_at.lt(to_db(before)));
        }
        if let Some(at) = filter.overdue_at {
            q = q
                .filter(report_obligations::submitted_at.is_null())
                .filter(report_obligations::due_at.lt(to_db(at)));
        }
        q
    };
    page!(conn.raw(), report_obligations, query, Obligation, req)
}

/// Reviews or returns a submitted report (the customer center; 404, 412, 409 unless
/// `submitted`, 403 unless `write` reaches it).
pub fn decide(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    (action, note): (ObligationAction, Option<&str>),
    now: DateTime<Utc>,
) -> Result<Obligation, StoreError> {
    transaction(conn.raw(), |conn| {
        let o = find(conn, read, id)?;
        if let Expected::Version(v) = expected
            && v != o.version
        {
            return Err(StoreError::StaleVersion { current: o.version });
        }
        write.require(&place(&o))?;
        let Some(next) = next_state(o.state(), action) else {
            return Err(StoreError::Conflict(format!(
                "the report is {}: only a submitted report is reviewed or returned",
                o.state
            )));
        };
        let (_, by) = write.actor().parts();
        let changed = diesel::update(
            report_obligations::table
                .filter(report_obligations::id.eq(id))
                .filter(report_obligations::version.eq(o.version)),
        )
        .set((
            report_obligations::state.eq(next.as_str()),
            report_obligations::reviewed_at.eq(to_db(now)),
            report_obligations::reviewed_by.eq(by),
            report_obligations::review_note.eq(note),
            report_obligations::updated_at.eq(to_db(now)),
            report_obligations::version.eq(report_obligations::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::StaleVersion { current: o.version });
        }
        let payload = serde_json::json!({ "action": action, "state": next, "note": note });
        let action = match action {
            ObligationAction::Review => "report_obligation.reviewed",
            ObligationAction::Return => "report_obligation.returned",
        };
        write.audit(conn, now, action, ("report_obligation", id), &place(&o), payload)?;
        find(conn, read, id)
    })
}

/// The completion of one project or department over the obligations due in a period
/// (R-RP-13: the center tracks who submits on time).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completion {
    /// `project` or `department`.
    pub responsible_type: String,
    /// Its id.
    pub responsible_id: String,
    /// Obligations due in the period (up to now).
    pub owed: i64,
    /// Of those, submitted (on time or late).
    pub submitted: i64,
    /// Submitted by their due.
    pub on_time: i64,
    /// Submitted after their due.
    pub late: i64,
    /// Past their due and not submitted.
    pub overdue: i64,
    /// `submitted / owed`, null when nothing was owed.
    pub completion_rate: Option<f64>,
    /// `on_time / owed`, null when nothing was owed.
    pub on_time_rate: Option<f64>,
}

/// The completion per project and department of the obligations within reach due in
/// `[from, to)` and not after `now`, optionally of one definition; sorted by responsible.
pub fn completion(
    conn: &mut Conn,
    scope: &Scope,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    code: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<Completion>, StoreError> {
    let until = to.min(now);
    let mut q = report_obligations::table
        .filter(within(scope))
        .filter(report_obligations::due_at.ge(to_db(from)))
        .filter(report_obligations::due_at.lt(to_db(until)))
        .select((
            report_obligations::responsible_type,
            report_obligations::responsible_id,
            report_obligations::submitted_at,
            report_obligations::on_time,
        ))
        .into_boxed();
    if let Some(code) = code {
        q = q.filter(report_obligations::code.eq(code.to_owned()));
    }
    let rows: Vec<(String, String, Option<NaiveDateTime>, Option<bool>)> = q.load(conn.raw())?;
    let mut out: std::collections::BTreeMap<(String, String), Completion> = Default::default();
    for (kind, id, submitted, on_time) in rows {
        let c = out.entry((kind.clone(), id.clone())).or_insert_with(|| Completion {
            responsible_type: kind,
            responsible_id: id,
            owed: 0,
            submitted: 0,
            on_time: 0,
            late: 0,
            overdue: 0,
            completion_rate: None,
            on_time_rate: None,
        });
        c.owed += 1;
        match (submitted, on_time) {
            (Some(_), Some(true)) => (c.submitted, c.on_time) = (c.submitted + 1, c.on_time + 1),
            (Some(_), _) => (c.submitted, c.late) = (c.submitted + 1, c.late + 1),
            (None, _) => c.overdue += 1,
        }
    }
    Ok(out
        .into_values()
        .map(|mut c| {
            #[allow(clippy::cast_precision_loss)]
            let rate = |n: i64| (c.owed > 0).then(|| n as f64 / c.owed as f64);
            c.completion_rate = rate(c.submitted);
            c.on_time_rate = rate(c.on_time);
            c
        })
        .collect())
}
