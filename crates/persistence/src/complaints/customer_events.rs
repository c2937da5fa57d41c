//! Shared problems (共性问题) and major customer events (重大客户事件, R-EVT). A problem names
//! what several households complain about; when complaints from the policy's
//! `event_households` distinct households (units, or customers where no unit) name one problem,
//! a customer event opens and every complaint of the problem becomes major with `R-EVT-1`
//! (R-EVT-1). A complaint alone opens one by its amount (R-EVT-2), media (R-EVT-3) or litigation
//! (R-EVT-4). Both happen inside the intake's transaction; the problem's row is taken first, so
//! concurrent intakes of one problem line up and exactly one opens its event.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::complaint::{Facts, GradingPolicy, ProblemEvent, problem_event};
use serde::Serialize;

use super::{Complaint, Entry, TimelineActor, enqueue, timeline};
use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{Audited, ListRequest, Page, new_row, page, resource},
    org::projects,
    schema::{complaints, customer_events, problems},
    scope::Scope,
};

/// Shared problems.
pub mod problem {
    use super::*;

    resource!(problems => Problem, ProblemChanges, "problem" {
        group: group_id, company: company_id, project: project_id
    });

    /// A stored shared problem.
    #[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
    #[diesel(table_name = problems)]
    pub struct Problem {
        /// UUIDv7.
        pub id: String,
        /// Its group.
        pub group_id: String,
        /// Its project's company.
        pub company_id: String,
        /// Its project.
        pub project_id: String,
        /// What it is (`3号楼外墙渗水`).
        pub title: String,
        /// The customer event it opened.
        pub customer_event_id: Option<String>,
        /// When it was created (naive UTC).
        pub created_at: NaiveDateTime,
        /// When it last changed (naive UTC).
        pub updated_at: NaiveDateTime,
        /// The ETag.
        pub version: i64,
    }

    /// Changes to a problem.
    #[derive(Debug, Clone, Default, Serialize, AsChangeset)]
    #[diesel(table_name = problems)]
    pub struct ProblemChanges {
        /// A new title.
        pub title: Option<String>,
    }

    impl Audited for ProblemChanges {
        fn taken(&self) -> String {
            "the problem changed".to_owned()
        }
    }

    /// Creates a shared problem in a project visible under `read` and within `write`.
    pub fn create(
        conn: &mut Conn,
        (read, write): (&Scope, &Scope),
        project_id: &str,
        title: &str,
        now: DateTime<Utc>,
    ) -> Result<Problem, StoreError> {
        transaction(conn.raw(), |conn| {
            let project = projects::find(conn, read, project_id)?;
            write.require(&projects::place(&project))?;
            let id = new_id();
            diesel::insert_into(problems::table)
                .values((
                    new_row!(problems, &id, now),
                    problems::group_id.eq(&project.group_id),
                    problems::company_id.eq(&project.company_id),
                    problems::project_id.eq(&project.id),
                    problems::title.eq(title),
                ))
                .execute(conn)?;
            let payload = serde_json::json!({"project_id": project.id, "title": title});
            created(conn, (read, write), &id, payload, now)
        })
    }

    /// A page of the problems within reach, of one project or all.
    pub fn list(
        conn: &mut Conn,
        scope: &Scope,
        project_id: Option<&str>,
        req: &ListRequest,
    ) -> Result<Page<Problem>, StoreError> {
        let query = || {
            let mut q = problems::table.filter(within(scope)).into_boxed();
            if let Some(project) = project_id {
                q = q.filter(problems::project_id.eq(project.to_owned()));
            }
            q
        };
        page!(conn.raw(), problems, query, Problem, req)
    }
}

resource!(customer_events => CustomerEvent, CustomerEventChanges, "customer_event" {
    group: group_id, company: company_id, project: project_id
});

/// A stored major customer event.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = customer_events)]
pub struct CustomerEvent {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its project's company.
    pub company_id: String,
    /// Its project.
    pub project_id: String,
    /// The shared problem that opened it (R-EVT-1).
    pub problem_id: Option<String>,
    /// The rules that opened it, a JSON array (`["R-EVT-1"]`).
    pub rules: String,
    /// What it is about.
    pub title: String,
    /// `open`, `reported` or `closed`.
    pub state: String,
    /// When it opened (naive UTC).
    pub opened_at: NaiveDateTime,
    /// Its report (R-RP-5), once written.
    pub report: Option<String>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

/// Changes to a customer event.
#[derive(Debug, Clone, Default, Serialize, AsChangeset)]
#[diesel(table_name = customer_events)]
pub struct CustomerEventChanges {
    /// Its report.
    pub report: Option<String>,
}

impl Audited for CustomerEventChanges {
    fn taken(&self) -> String {
        "the customer event changed".to_owned()
    }
}

/// A page of the customer events within reach, of one project or all.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    project_id: Option<&str>,
    req: &ListRequest,
) -> Result<Page<CustomerEvent>, StoreError> {
    let query = || {
        let mut q = customer_events::table.filter(within(scope)).into_boxed();
        if let Some(project) = project_id {
            q = q.filter(customer_events::project_id.eq(project.to_owned()));
        }
        q
    };
    page!(conn.raw(), customer_events, query, CustomerEvent, req)
}

/// The complaints of each of `events`, oldest first, by event id (one query).
pub fn members(
    conn: &mut Conn,
    events: &[&str],
) -> Result<std::collections::HashMap<String, Vec<String>>, StoreError> {
    let rows: Vec<(Option<String>, String)> = complaints::table
        .filter(complaints::customer_event_id.eq_any(events))
        .order(complaints::id.asc())
        .select((complaints::customer_event_id, complaints::id))
        .load(conn.raw())?;
    let mut out: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (event, complaint) in rows {
        out.entry(event.unwrap_or_default()).or_default().push(complaint);
    }
    Ok(out)
}

/// A customer event within reach with its complaints.
pub fn get_with_members(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
) -> Result<(CustomerEvent, Vec<String>), StoreError> {
    let event = find(conn.raw(), scope, id)?;
    let mut members = members(conn, &[id])?;
    Ok((event, members.remove(id).unwrap_or_default()))
}

/// A customer event's timeline within reach, oldest first: the timelines of its complaints
/// together (each entry names its complaint).
pub fn timeline_of(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
) -> Result<Vec<super::EventRecord>, StoreError> {
    use crate::schema::complaint_events;
    let conn = conn.raw();
    find(conn, scope, id)?;
    let members =
        complaints::table.filter(complaints::customer_event_id.eq(id)).select(complaints::id);
    Ok(complaint_events::table
        .filter(complaint_events::complaint_id.eq_any(members))
        .order(complaint_events::id.asc())
        .select(super::EventRecord::as_select())
        .load(conn)?)
}

/// The report of a major customer event (重大客户事件报告, R-RP-5): what 000 annex 2 asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct EventReport {
    /// The kinds of event, from the rules that opened it: `group_complaint` (R-EVT-1),
    /// `large_loss` (R-EVT-2), `media` (R-EVT-3), `litigation` (R-EVT-4).
    pub event_types: Vec<String>,
    /// What happened.
    pub description: String,
    /// How it was handled, and where it stands.
    pub handling_result: String,
    /// The department that submits it.
    pub submitting_department_id: String,
    /// Who wrote it (a user or client id).
    pub author_id: Option<String>,
    /// When it was submitted.
    pub reported_at: DateTime<Utc>,
}

/// The kind of event a rule opening one stands for.
fn event_type(rule: &str) -> &'static str {
    match rule {
        "R-EVT-1" => "group_complaint",
        "R-EVT-2" => "large_loss",
        "R-EVT-3" => "media",
        "R-EVT-4" => "litigation",
        _ => "other",
    }
}

/// Submits (or submits again, corrected) the report of a customer event visible under `read`
/// and within `write`, if still at `expected`: the event is `reported` afterwards. 404, 403,
/// 412; 409 once closed; 422 for a department not of the event's company.
pub fn report(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: crate::kit::Expected,
    (description, handling_result, department_id): (&str, &str, &str),
    now: DateTime<Utc>,
) -> Result<(CustomerEvent, Vec<String>), StoreError> {
    use crate::schema::departments;
    let found = transaction(conn.raw(), |conn| {
        let current = find(conn, read, id)?;
        if let crate::kit::Expected::Version(v) = expected
            && v != current.version
        {
            return Err(StoreError::StaleVersion { current: current.version });
        }
        write.require(&place(&current))?;
        if current.state == "closed" {
            return Err(StoreError::Conflict("the customer event is closed".to_owned()));
        }
        let of_company: i64 = departments::table
            .filter(departments::id.eq(department_id))
            .filter(departments::company_id.eq(&current.company_id))
            .count()
            .get_result(conn)?;
        if of_company == 0 {
            return Err(StoreError::Invalid {
                field: "submitting_department_id".to_owned(),
                message: "no such department in the event's company".to_owned(),
            });
        }
        let rules: Vec<String> = serde_json::from_str(&current.rules).unwrap_or_default();
        let report = EventReport {
            event_types: rules.iter().map(|r| event_type(r).to_owned()).collect(),
            description: description.to_owned(),
            handling_result: handling_result.to_owned(),
            submitting_department_id: department_id.to_owned(),
            author_id: write.actor().parts().1.map(str::to_owned),
            reported_at: now,
        };
        let text =
            serde_json::to_string(&report).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let changed = diesel::update(
            customer_events::table
                .filter(customer_events::id.eq(id))
                .filter(customer_events::version.eq(current.version)),
        )
        .set((
            customer_events::report.eq(&text),
            customer_events::state.eq("reported"),
            customer_events::updated_at.eq(to_db(now)),
            customer_events::version.eq(customer_events::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            let version =
                customer_events::table.find(id).select(customer_events::version).first(conn)?;
            return Err(StoreError::StaleVersion { current: version });
        }
        let payload = serde_json::to_value(&report).unwrap_or_default();
        let topic = (current.group_id.as_str(), "customer_event.reported");
        crate::outbox::enqueue(
            conn,
            topic,
            &place(&current),
            ("customer_event", id),
            &payload,
            now,
        )?;
        let subject = ("customer_event", id);
        write.audit(conn, now, "customer_event.reported", subject, &place(&current), payload)?;
        Ok(())
    });
    found?;
    get_with_members(conn, read, id)
}

/// Opens a customer event for `complaint` (and its problem's other complaints), writing its
/// outbox row; the event's id.
fn open(
    conn: &mut DbConnection,
    complaint: &Complaint,
    (problem_id, title, rules): (Option<&str>, &str, &[String]),
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = new_id();
    let rules_text =
        serde_json::to_string(rules).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    diesel::insert_into(customer_events::table)
        .values((
            new_row!(customer_events, &id, now),
            customer_events::group_id.eq(&complaint.group_id),
            customer_events::company_id.eq(&complaint.company_id),
            customer_events::project_id.eq(&complaint.project_id),
            customer_events::problem_id.eq(problem_id),
            customer_events::rules.eq(rules_text),
            customer_events::title.eq(title),
            customer_events::state.eq("open"),
            customer_events::opened_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    let payload = serde_json::json!({
        "customer_event_id": id, "problem_id": problem_id, "rules": rules,
        "complaint_id": complaint.id,
    });
    enqueue(conn, complaint, "customer_event.opened", payload, now)?;
    Ok(id)
}

/// Puts a complaint into a customer event, re-graded as its member (major, `R-EVT-1` when the
/// event is its problem's), with a timeline entry: a compare-and-swap on the version read, read
/// again when a change of the complaint committed in between.
fn join(
    conn: &mut DbConnection,
    complaint: &Complaint,
    (event_id, households): (&str, bool),
    grading: &GradingPolicy,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut current = complaint.clone();
    for _ in 0..3 {
        let graded = grading.classify(&Facts {
            category: current.category.0,
            amount_claimed_fen: current.amount_claimed_fen,
            flags: &current.flags.0,
            in_customer_event: households,
        });
        let grade = graded.grade.max(current.grade);
        let rules = serde_json::to_string(&graded.grade_rules)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let changed = diesel::update(
            complaints::table
                .filter(complaints::id.eq(&current.id))
                .filter(complaints::version.eq(current.version)),
        )
        .set((
            complaints::customer_event_id.eq(event_id),
            complaints::grade.eq(grade.as_str()),
            complaints::grade_rules.eq(rules),
            complaints::updated_at.eq(to_db(now)),
            complaints::version.eq(complaints::version + 1),
        ))
        .execute(conn)?;
        if changed == 1 {
            let entry = Entry {
                kind: "joined_customer_event",
                action: None,
                states: (None, None),
                payload: serde_json::json!({"customer_event_id": event_id, "grade": grade,
                    "grade_rules": graded.grade_rules}),
            };
            let system = TimelineActor { kind: "system", id: None };
            return timeline(conn, &current.id, system, entry, now);
        }
        current =
            complaints::table.find(&complaint.id).select(Complaint::as_select()).first(conn)?;
    }
    Err(StoreError::StaleVersion { current: current.version })
}

/// After a complaint naming `problem_id` was inserted (the problem's row taken first): counts
/// the problem's distinct households and opens or joins its customer event (R-EVT-1). Then, if
/// the complaint is in no event yet, the R-EVT rules of the complaint alone (R-EVT-2/3/4).
pub(crate) fn settle(
    conn: &mut DbConnection,
    complaint: &Complaint,
    grading: &GradingPolicy,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if let Some(problem_id) = &complaint.problem_id {
        let problem: problem::Problem =
            problems::table.find(problem_id).select(problem::Problem::as_select()).first(conn)?;
        let households: Vec<Option<String>> = complaints::table
            .filter(complaints::problem_id.eq(problem_id))
            .filter(complaints::household.is_not_null())
            .select(complaints::household)
            .distinct()
            .load(conn)?;
        let households = households.len();
        match problem_event(households, problem.customer_event_id.is_some(), grading) {
            ProblemEvent::None => {}
            ProblemEvent::Join => {
                let event = problem.customer_event_id.as_deref().unwrap_or_default();
                join(conn, complaint, (event, true), grading, now)?;
            }
            ProblemEvent::Open => {
                let rules = [kefu_domain::complaint::HOUSEHOLDS_RULE.to_owned()];
                let event = open(conn, complaint, (Some(problem_id), &problem.title, &rules), now)?;
                diesel::update(problems::table.filter(problems::id.eq(problem_id)))
                    .set(problems::customer_event_id.eq(&event))
                    .execute(conn)?;
                let members: Vec<Complaint> = complaints::table
                    .filter(complaints::problem_id.eq(problem_id))
                    .order(complaints::id.asc())
                    .select(Complaint::as_select())
                    .load(conn)?;
                for member in &members {
                    join(conn, member, (&event, true), grading, now)?;
                }
            }
        }
    }
    let current: Complaint =
        complaints::table.find(&complaint.id).select(Complaint::as_select()).first(conn)?;
    settle_alone(conn, &current, grading, now)
}

/// For a complaint in no customer event yet: opens one of its own when its amount (R-EVT-2),
/// media (R-EVT-3) or litigation (R-EVT-4) calls for it — at intake, or when a change adds them.
pub(crate) fn settle_alone(
    conn: &mut DbConnection,
    complaint: &Complaint,
    grading: &GradingPolicy,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if complaint.customer_event_id.is_some() {
        return Ok(());
    }
    let alone = grading.opens_customer_event(&Facts {
        category: complaint.category.0,
        amount_claimed_fen: complaint.amount_claimed_fen,
        flags: &complaint.flags.0,
        in_customer_event: false,
    });
    if !alone.is_empty() {
        let title: String = complaint.description.chars().take(100).collect();
        let event = open(conn, complaint, (None, &title, &alone), now)?;
        join(conn, complaint, (&event, false), grading, now)?;
    }
    Ok(())
}

/// Takes a problem's row in the transaction of an intake that names it: concurrent intakes of
/// one problem line up behind it (a row lock on PostgreSQL; SQLite writes one at a time).
pub(crate) fn take_problem(
    conn: &mut DbConnection,
    read: &Scope,
    problem_id: &str,
    now: DateTime<Utc>,
) -> Result<problem::Problem, StoreError> {
    let found = problem::find(conn, read, problem_id)?;
    diesel::update(problems::table.filter(problems::id.eq(problem_id)))
        .set(problems::updated_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(found)
}
