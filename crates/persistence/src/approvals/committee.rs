//! The decision committee (投诉处理决策委员会, R-AP-2): for a major complaint or a customer
//! event, a written countersign (the customer center assesses, the office director approves,
//! the president decides: an approval request of kind `committee_decision`) or a meeting
//! chaired by the VP with the president's decision on the spot and its minutes. The outcome is
//! recorded on the complaint's timeline, or on the timeline of every complaint of the event.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    approval::{CommitteeForm, CommitteeState, DocumentKind},
    complaint::Grade,
};
use serde::Serialize;

use super::requests::{self, ApprovalFailure, NewApproval};
use crate::{
    complaints::{self, Entry, Json, TimelineActor, customer_events, timeline},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{ListRequest, Page, new_row, page},
    schema::{committee_decisions, complaints as complaint_rows, users},
    scope::{Place, Scope, scoped_table},
};

scoped_table!(committee_decisions { group: group_id, company: company_id, project: project_id });

/// A stored committee decision.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = committee_decisions)]
pub struct CommitteeDecision {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its company.
    pub company_id: String,
    /// Its project.
    pub project_id: String,
    /// The major complaint it decides, or
    pub complaint_id: Option<String>,
    /// the customer event.
    pub customer_event_id: Option<String>,
    /// Written countersign or meeting.
    #[diesel(deserialize_as = String)]
    pub form: CommitteeForm,
    /// The matter put to the committee.
    pub matter: String,
    /// Where it stands.
    #[diesel(deserialize_as = String)]
    pub state: CommitteeState,
    /// The written countersign's approval request.
    pub approval_id: Option<String>,
    /// The meeting's chair (the VP).
    pub chair_id: Option<String>,
    /// The meeting's members.
    #[diesel(deserialize_as = String)]
    pub member_ids: Json<Vec<String>>,
    /// When the meeting was held (naive UTC).
    pub held_at: Option<NaiveDateTime>,
    /// The meeting's minutes.
    pub minutes: Option<String>,
    /// The president's decision.
    pub decision: Option<String>,
    /// When it was decided (naive UTC).
    pub decided_at: Option<NaiveDateTime>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When it was recorded (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl CommitteeDecision {
    /// Where it sits.
    pub fn place(&self) -> Place {
        Place::of_project(&self.company_id, &self.project_id)
    }
}

/// A matter to put to the committee.
#[derive(Debug, Clone, Serialize)]
pub struct NewCommitteeDecision {
    /// Written countersign or meeting.
    pub form: CommitteeForm,
    /// A major complaint, or
    pub complaint_id: Option<String>,
    /// a customer event.
    pub customer_event_id: Option<String>,
    /// The matter.
    pub matter: String,
    /// A meeting's chair.
    pub chair_id: Option<String>,
    /// A meeting's members.
    pub member_ids: Vec<String>,
    /// When the meeting was held.
    pub held_at: Option<DateTime<Utc>>,
    /// A meeting's minutes.
    pub minutes: Option<String>,
    /// The president's decision on the spot.
    pub decision: Option<String>,
}

fn invalid(field: &str, message: &str) -> ApprovalFailure {
    StoreError::Invalid { field: field.into(), message: message.into() }.into()
}

/// Puts a matter to the committee: a written countersign opens its approval request; a meeting
/// is recorded with its decision at once, and its outcome goes on the timeline.
pub fn record(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    new: &NewCommitteeDecision,
    now: DateTime<Utc>,
) -> Result<CommitteeDecision, ApprovalFailure> {
    transaction(conn.raw(), |conn| {
        let (group, company, project) = match (&new.complaint_id, &new.customer_event_id) {
            (Some(id), None) => {
                let c = match complaints::find(conn, read, id) {
                    Err(StoreError::NotFound) => {
                        return Err(invalid("complaint_id", "no such complaint within your reach"));
                    }
                    other => other?,
                };
                if c.grade != Grade::Major {
                    return Err(invalid(
                        "complaint_id",
                        "the committee decides major complaints (and customer events)",
                    ));
                }
                (c.group_id, c.company_id, c.project_id)
            }
            (None, Some(id)) => match customer_events::find(conn, read, id) {
                Ok(e) => (e.group_id, e.company_id, e.project_id),
                Err(StoreError::NotFound) => {
                    return Err(invalid(
                        "customer_event_id",
                        "no such customer event within your reach",
                    ));
                }
                Err(e) => return Err(e.into()),
            },
            _ => {
                return Err(invalid(
                    "complaint_id",
                    "name either a major complaint or a customer event",
                ));
            }
        };
        let place = Place::of_project(&company, &project);
        write.require(&place)?;
        let id = new_id();
        let (state, approval_id) = match new.form {
            CommitteeForm::Written => {
                let meeting = [
                    ("chair_id", new.chair_id.is_some()),
                    ("member_ids", !new.member_ids.is_empty()),
                    ("held_at", new.held_at.is_some()),
                    ("minutes", new.minutes.is_some()),
                    ("decision", new.decision.is_some()),
                ];
                if let Some((field, _)) = meeting.iter().find(|(_, given)| *given) {
                    return Err(invalid(
                        field,
                        "a written countersign has no meeting: the president's decision comes with his approval",
                    ));
                }
                let approval = NewApproval {
                    document: DocumentKind::CommitteeDecision,
                    complaint_id: new.complaint_id.clone(),
                    project_id: Some(project.clone()),
                    department_id: None,
                    grade: Some(Grade::Major),
                    amount_fen: None,
                    to_grade: None,
                    special: false,
                    summary: new.matter.clone(),
                    named_users: Vec::new(),
                };
                let subject = Some(("committee_decision", id.as_str()));
                let opened = requests::open(conn, (read, write), &approval, subject, now)?;
                (CommitteeState::InProgress, Some(opened.id))
            }
            CommitteeForm::Meeting => {
                check_meeting(conn, &group, new)?;
                (CommitteeState::Decided, None)
            }
        };
        let decided = (state == CommitteeState::Decided).then(|| to_db(now));
        let members = serde_json::to_string(&new.member_ids)
            .map_err(|e| StoreError::Corrupt(format!("committee: {e}")))?;
        diesel::insert_into(committee_decisions::table)
            .values((
                new_row!(committee_decisions, &id, now),
                (
                    committee_decisions::group_id.eq(&group),
                    committee_decisions::company_id.eq(&company),
                    committee_decisions::project_id.eq(&project),
                    committee_decisions::complaint_id.eq(&new.complaint_id),
                    committee_decisions::customer_event_id.eq(&new.customer_event_id),
                ),
                (
                    committee_decisions::form.eq(new.form.as_str()),
                    committee_decisions::matter.eq(&new.matter),
                    committee_decisions::state.eq(state.as_str()),
                    committee_decisions::approval_id.eq(approval_id),
                ),
                (
                    committee_decisions::chair_id.eq(&new.chair_id),
                    committee_decisions::member_ids.eq(members),
                    committee_decisions::held_at.eq(new.held_at.map(to_db)),
                    committee_decisions::minutes.eq(&new.minutes),
                    committee_decisions::decision.eq(&new.decision),
                    committee_decisions::decided_at.eq(decided),
                    committee_decisions::recorded_by.eq(write.actor().parts().1),
                ),
            ))
            .execute(conn)?;
        let row = find(conn, read, &id)?;
        if row.state == CommitteeState::Decided {
            outcome(conn, write, &row, now)?;
        }
        let payload = serde_json::json!({
            "committee_decision_id": id, "form": new.form.as_str(), "state": state.as_str(),
        });
        write.audit(
            conn,
            now,
            "committee_decision.created",
            ("committee_decision", &id),
            &place,
            payload,
        )?;
        Ok(row)
    })
}

fn check_meeting(
    conn: &mut DbConnection,
    group: &str,
    new: &NewCommitteeDecision,
) -> Result<(), ApprovalFailure> {
    let required = [
        ("chair_id", new.chair_id.is_none()),
        ("member_ids", new.member_ids.is_empty()),
        ("held_at", new.held_at.is_none()),
        ("minutes", new.minutes.is_none()),
        ("decision", new.decision.is_none()),
    ];
    if let Some((field, _)) = required.iter().find(|(_, missing)| *missing) {
        return Err(invalid(
            field,
            "a meeting records its chair, members, time, minutes and decision",
        ));
    }
    let mut people = new.member_ids.clone();
    people.extend(new.chair_id.clone());
    people.sort();
    people.dedup();
    let known: i64 = users::table
        .filter(users::id.eq_any(&people))
        .filter(users::group_id.eq(group))
        .filter(users::disabled_at.is_null())
        .count()
        .get_result(conn)?;
    if usize::try_from(known).ok() != Some(people.len()) {
        return Err(invalid(
            "member_ids",
            "the chair and each member are active users of the group",
        ));
    }
    Ok(())
}

/// Records the decision on the complaint's timeline, or on each complaint of the event.
fn outcome(
    conn: &mut DbConnection,
    write: &Scope,
    row: &CommitteeDecision,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let targets: Vec<String> = match (&row.complaint_id, &row.customer_event_id) {
        (Some(c), _) => vec![c.clone()],
        (None, Some(e)) => complaint_rows::table
            .filter(complaint_rows::customer_event_id.eq(e))
            .select(complaint_rows::id)
            .load(conn)?,
        (None, None) => Vec::new(),
    };
    let payload = serde_json::json!({
        "committee_decision_id": row.id, "form": row.form.as_str(), "state": row.state.as_str(),
        "matter": row.matter, "decision": row.decision, "minutes": row.minutes,
        "customer_event_id": row.customer_event_id,
    });
    let (kind, id) = write.actor().parts();
    for complaint in targets {
        let entry = Entry {
            kind: "committee",
            action: Some(row.state.as_str()),
            states: (None, None),
            payload: payload.clone(),
        };
        timeline(conn, &complaint, TimelineActor { kind, id }, entry, now)?;
    }
    Ok(())
}

/// Ends a written countersign when its approval request ends: decided with the president's
/// comment when approved, rejected otherwise; the outcome goes on the timeline.
pub(crate) fn settle(
    conn: &mut DbConnection,
    write: &Scope,
    (id, approved, comment): (&str, bool, Option<&str>),
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let state = if approved { CommitteeState::Decided } else { CommitteeState::Rejected };
    let changed = diesel::update(
        committee_decisions::table
            .filter(committee_decisions::id.eq(id))
            .filter(committee_decisions::state.eq(CommitteeState::InProgress.as_str())),
    )
    .set((
        committee_decisions::state.eq(state.as_str()),
        committee_decisions::decision.eq(comment),
        committee_decisions::decided_at.eq(to_db(now)),
        committee_decisions::updated_at.eq(to_db(now)),
        committee_decisions::version.eq(committee_decisions::version + 1),
    ))
    .execute(conn)?;
    if changed == 1 {
        let row: CommitteeDecision = committee_decisions::table
            .find(id)
            .select(CommitteeDecision::as_select())
            .first(conn)?;
        outcome(conn, write, &row, now)?;
    }
    Ok(())
}

fn find(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<CommitteeDecision, StoreError> {
    Ok(committee_decisions::table
        .filter(committee_decisions::id.eq(id))
        .filter(within(scope))
        .select(CommitteeDecision::as_select())
        .first(conn)?)
}

/// A committee decision within reach (404 outside).
pub fn get(conn: &mut Conn, scope: &Scope, id: &str) -> Result<CommitteeDecision, StoreError> {
    find(conn.raw(), scope, id)
}

/// A page of the committee decisions within reach, of one complaint or event when asked.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    (complaint, event): (Option<&str>, Option<&str>),
    req: &ListRequest,
) -> Result<Page<CommitteeDecision>, StoreError> {
    let query = || {
        let mut q = committee_decisions::table.filter(within(scope)).into_boxed();
        if let Some(c) = complaint {
            q = q.filter(committee_decisions::complaint_id.eq(c.to_owned()));
        }
        if let Some(e) = event {
            q = q.filter(committee_decisions::customer_event_id.eq(e.to_owned()));
        }
        q
    };
    page!(conn.raw(), committee_decisions, query, CommitteeDecision, req)
}
