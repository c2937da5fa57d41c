//! Approval requests (报批): a document travels through the steps of the matrix version it
//! started under; users holding a step's roles over the request's project decide it (R-AP);
//! each step runs the R-T-8 clock; each decision lands on the complaint's timeline.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    access::{GrantRef, Role, roles_over},
    approval::{
        ApprovalState, Credit, Decision, DisbursementState, DocumentKind, Progress, Step,
        StepDecision,
    },
    complaint::Grade,
    ids::GroupId,
    sla::Happening,
};
use serde::Serialize;

use super::in_force;

/// Nullable text as diesel loads it.
type OptionalText = Option<String>;
use crate::{
    complaints::{Complaint, Entry, Json, Optional, TimelineActor, intake::calendar_of, timeline},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{Expected, ListRequest, Page, new_row, page},
    schema::{approval_decisions, approval_requests, disbursements, projects, users},
    scope::{Filter, Place, Scope},
    sla::{ClockNow, clocks},
};

/// Requests of the caller's group within his reach: by company, project, or the requesting
/// department (a center's head sees his contact sheets).
pub fn within(scope: &Scope) -> Filter<approval_requests::table> {
    use diesel::{BoolExpressionMethods, NullableExpressionMethods};
    let in_group = approval_requests::group_id.eq(scope.group_id.clone());
    if scope.reach.whole_group {
        return Box::new(in_group);
    }
    let reach = &scope.reach;
    let below = approval_requests::company_id
        .eq_any(reach.companies.clone())
        .or(approval_requests::project_id.eq_any(reach.projects.clone()))
        .or(approval_requests::department_id.assume_not_null().eq_any(reach.departments.clone()));
    Box::new(in_group.and(below))
}

/// A stored approval request.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = approval_requests)]
pub struct ApprovalRequest {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its company.
    pub company_id: String,
    /// Its project: whose roles decide.
    pub project_id: String,
    /// The requesting department (a contact sheet's center), if any.
    pub department_id: Option<String>,
    /// The complaint it is about, if any.
    pub complaint_id: Option<String>,
    /// What waits for it (`disbursement`), if anything.
    pub subject_type: Option<String>,
    /// Its id.
    pub subject_id: Option<String>,
    /// The document kind.
    #[diesel(deserialize_as = String)]
    pub document: DocumentKind,
    /// The grade it was routed by.
    #[diesel(deserialize_as = String)]
    pub grade: Grade,
    /// The amount it was routed by, in fen.
    pub amount_fen: Option<i64>,
    /// For a grade lowering: the grade the complaint takes once approved.
    #[diesel(deserialize_as = OptionalText)]
    pub to_grade: Optional<Grade>,
    /// A special matter (R-T-8: answer within 1 day, decide within 3).
    pub special: bool,
    /// What is asked.
    pub summary: String,
    /// The company whose override routed it (empty: the group's matrix).
    pub policy_company_id: String,
    /// The matrix version it started under (0: the shipped preset).
    pub policy_version: i64,
    /// Its steps, fixed when it was submitted.
    #[diesel(deserialize_as = String)]
    pub steps: Json<Vec<Step>>,
    /// Users named per step (R-AP-1), by step index.
    #[diesel(deserialize_as = String)]
    pub named_users: Json<Vec<Vec<String>>>,
    /// Where it stands.
    #[diesel(deserialize_as = String)]
    pub state: ApprovalState,
    /// 1, then one more on each resubmission.
    pub round: i64,
    /// The step awaiting decisions (0-based).
    pub step_index: i64,
    /// The roles the current step still awaits, `,`-framed (`,vp,president,`).
    pub awaited_roles: String,
    /// Who approved the current step in this round, `,`-framed.
    pub decided_by: String,
    /// Who prepared it; he never decides it.
    pub preparer_id: String,
    /// The comment of the last return.
    pub return_comment: Option<String>,
    /// When it was submitted (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl ApprovalRequest {
    /// Where it sits, for scope checks and the audit trail.
    pub fn place(&self) -> Place {
        Place {
            company: Some(self.company_id.clone()),
            project: Some(self.project_id.clone()),
            department: self.department_id.clone(),
        }
    }

    /// The step awaiting decisions while pending.
    pub fn current_step(&self) -> Option<(usize, &Step)> {
        let index = usize::try_from(self.step_index).ok()?;
        (self.state == ApprovalState::Pending)
            .then(|| self.steps.0.get(index).map(|s| (index, s)))?
    }

    /// The roles the current step still awaits.
    pub fn awaited(&self) -> Vec<Role> {
        self.awaited_roles.split(',').filter_map(|r| r.parse().ok()).collect()
    }

    /// The users named for a step.
    pub fn named_for(&self, index: usize) -> &[String] {
        self.named_users.0.get(index).map_or(&[], Vec::as_slice)
    }

    fn clock_subject(&self) -> String {
        format!("{}.{}.{}", self.id, self.round, self.step_index)
    }
}

/// One decision on a request.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = approval_decisions)]
pub struct DecisionRecord {
    /// UUIDv7.
    pub id: String,
    /// The request.
    pub request_id: String,
    /// The round it belongs to.
    pub round: i64,
    /// The step (0-based).
    pub step_index: i64,
    /// Who decided.
    pub user_id: String,
    /// The role it counted for.
    #[diesel(deserialize_as = String)]
    pub role: Role,
    /// What he decided.
    #[diesel(deserialize_as = String)]
    pub decision: Decision,
    /// His comment.
    pub comment: Option<String>,
    /// When (naive UTC).
    pub decided_at: NaiveDateTime,
}

/// Why a request could not move.
#[derive(Debug, thiserror::Error)]
pub enum ApprovalFailure {
    /// The store refused (404, 403, 409, 412, 422).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request is not awaiting this (it is approved, rejected, returned or pending).
    #[error("the request is {0}")]
    NotAllowed(ApprovalState),
    /// The preparer never decides his own request.
    #[error("the preparer does not decide his own request")]
    OwnRequest,
    /// Only the preparer resubmits.
    #[error("only the preparer resubmits a returned request")]
    NotPreparer,
    /// The caller holds none of the step's roles over the project, or is not named for it.
    #[error("this step is decided by {0:?}")]
    NotHisStep(Vec<Role>),
    /// One user decides one step once.
    #[error("you already decided this step")]
    AlreadyDecided,
    /// No row of the matrix covers the request.
    #[error("no row of the approval matrix covers this request")]
    NoRoute,
}

impl From<diesel::result::Error> for ApprovalFailure {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

fn invalid(field: &str, message: &str) -> ApprovalFailure {
    StoreError::Invalid { field: field.into(), message: message.into() }.into()
}

/// A request to submit.
#[derive(Debug, Clone, Serialize)]
pub struct NewApproval {
    /// The document kind.
    pub document: DocumentKind,
    /// The complaint it is about; its project, company and grade route it.
    pub complaint_id: Option<String>,
    /// The project, when no complaint is named (a key-account request).
    pub project_id: Option<String>,
    /// The requesting department (a contact sheet's center).
    pub department_id: Option<String>,
    /// The grade when no complaint is named (default general).
    pub grade: Option<Grade>,
    /// The amount, in fen.
    pub amount_fen: Option<i64>,
    /// For a grade lowering: the lower grade the complaint takes once approved.
    pub to_grade: Option<Grade>,
    /// A special matter (R-T-8).
    pub special: bool,
    /// What is asked.
    pub summary: String,
    /// Users named per step (R-AP-1: the VPs concerned countersign).
    pub named_users: Vec<(usize, Vec<String>)>,
}

/// Where the request sits and what routes it.
struct Origin {
    group_id: String,
    company_id: String,
    project_id: String,
    grade: Grade,
}

fn origin(
    conn: &mut DbConnection,
    (read, write): (&Scope, &Scope),
    new: &NewApproval,
) -> Result<(Origin, Option<Complaint>), ApprovalFailure> {
    if let Some(id) = &new.complaint_id {
        let complaint: Complaint = match crate::complaints::find(conn, read, id) {
            Err(StoreError::NotFound) => {
                return Err(invalid("complaint_id", "no such complaint within your reach"));
            }
            other => other?,
        };
        write.require(&complaint.place())?;
        let origin = Origin {
            group_id: complaint.group_id.clone(),
            company_id: complaint.company_id.clone(),
            project_id: complaint.project_id.clone(),
            grade: complaint.grade,
        };
        return Ok((origin, Some(complaint)));
    }
    let Some(project) = &new.project_id else {
        return Err(invalid("complaint_id", "name the complaint, or the project"));
    };
    let found: Option<(String, String)> = projects::table
        .filter(projects::id.eq(project))
        .filter(projects::group_id.eq(&write.group_id))
        .select((projects::group_id, projects::company_id))
        .first(conn)
        .optional()?;
    let Some((group_id, company_id)) = found else {
        return Err(invalid("project_id", "no such project in the group"));
    };
    let place = Place::of_project(&company_id, project);
    write.require(&place)?;
    let origin = Origin {
        group_id,
        company_id,
        project_id: project.clone(),
        grade: new.grade.unwrap_or(Grade::General),
    };
    Ok((origin, None))
}

fn framed(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    if items.is_empty() { String::new() } else { format!(",{},", items.join(",")) }
}

fn roles_text(roles: &[Role]) -> String {
    framed(roles.iter().map(|r| r.as_str().to_owned()))
}

/// What each document needs besides its route: a grade lowering names its complaint and a
/// lower grade; only a key-account request or the committee's matter may name a project
/// instead of a complaint; only a contact sheet names a requesting department.
fn fits(new: &NewApproval, complaint: Option<&Complaint>) -> Result<(), ApprovalFailure> {
    match (new.document, new.to_grade, complaint) {
        (DocumentKind::GradeLowering, Some(to), Some(c)) if to < c.grade => {}
        (DocumentKind::GradeLowering, _, None) => {
            return Err(invalid("complaint_id", "a grade lowering names its complaint"));
        }
        (DocumentKind::GradeLowering, _, Some(_)) => {
            return Err(invalid("to_grade", "a grade below the complaint's grade"));
        }
        (_, Some(_), _) => {
            return Err(invalid("to_grade", "only a grade_lowering request carries to_grade"));
        }
        _ => {}
    }
    let about_a_project =
        matches!(new.document, DocumentKind::KeyAccountRequest | DocumentKind::CommitteeDecision);
    if complaint.is_none() && !about_a_project {
        return Err(invalid("complaint_id", "this document is about a complaint: name it"));
    }
    if new.department_id.is_some() && new.document != DocumentKind::Proposal {
        return Err(invalid(
            "department_id",
            "only a proposal (contact sheet) names a requesting department",
        ));
    }
    Ok(())
}

/// Opens a request inside the caller's transaction, routed by the matrix in force for its
/// company; starts the first step's clock. `subject` names what waits for it.
pub(crate) fn open(
    conn: &mut DbConnection,
    (read, write): (&Scope, &Scope),
    new: &NewApproval,
    subject: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> Result<ApprovalRequest, ApprovalFailure> {
    let preparer = match write.actor().parts() {
        ("user", Some(id)) => id.to_owned(),
        _ => return Err(StoreError::Forbidden.into()),
    };
    let (origin, complaint) = origin(conn, (read, write), new)?;
    fits(new, complaint.as_ref())?;
    if let Some(department) = &new.department_id {
        let found: i64 = crate::schema::departments::table
            .filter(crate::schema::departments::id.eq(department))
            .filter(crate::schema::departments::company_id.eq(&origin.company_id))
            .count()
            .get_result(conn)?;
        if found == 0 {
            return Err(invalid("department_id", "no such department in the company"));
        }
    }
    // A contact sheet's requesting department: the one named, else the complaint's responsible
    // department; its head decides the center's part of the review.
    let department = match new.document {
        DocumentKind::Proposal => new
            .department_id
            .clone()
            .or_else(|| complaint.as_ref().and_then(|c| c.responsible_department_id.clone())),
        _ => None,
    };
    let matrix = in_force(conn, &origin.group_id, Some(&origin.company_id))?;
    let routed = matrix
        .matrix
        .route(new.document, origin.grade, new.amount_fen)
        .ok_or(ApprovalFailure::NoRoute)?;
    let steps = without_absent_center(routed, department.is_some());
    if steps.is_empty() {
        return Err(ApprovalFailure::NoRoute);
    }
    let place = Place {
        company: Some(origin.company_id.clone()),
        project: Some(origin.project_id.clone()),
        department: department.clone(),
    };
    let mut named = vec![Vec::<String>::new(); steps.len()];
    for (index, ids) in &new.named_users {
        let Some(slot) = named.get_mut(*index) else {
            return Err(invalid("named_users", "names a step the route does not have"));
        };
        let members: i64 = users::table
            .filter(users::id.eq_any(ids))
            .filter(users::group_id.eq(&origin.group_id))
            .filter(users::disabled_at.is_null())
            .count()
            .get_result(conn)?;
        if usize::try_from(members).ok() != Some(ids.len()) || ids.contains(&preparer) {
            return Err(invalid(
                "named_users",
                "each named user is an active member of the group, other than the preparer",
            ));
        }
        for user in ids {
            if !holds_any(conn, (&origin.group_id, user), &steps[*index].roles, &place)? {
                return Err(invalid(
                    "named_users",
                    "each named user holds one of the step's roles over the request's project",
                ));
            }
        }
        slot.clone_from(ids);
    }
    let id = new_id();
    diesel::insert_into(approval_requests::table)
        .values((
            new_row!(approval_requests, &id, now),
            (
                approval_requests::group_id.eq(&origin.group_id),
                approval_requests::company_id.eq(&origin.company_id),
                approval_requests::project_id.eq(&origin.project_id),
                approval_requests::department_id.eq(&department),
                approval_requests::complaint_id.eq(complaint.as_ref().map(|c| c.id.clone())),
                approval_requests::subject_type.eq(subject.map(|s| s.0)),
                approval_requests::subject_id.eq(subject.map(|s| s.1)),
            ),
            (
                approval_requests::document.eq(new.document.as_str()),
                approval_requests::grade.eq(origin.grade.as_str()),
                approval_requests::amount_fen.eq(new.amount_fen),
                approval_requests::to_grade.eq(new.to_grade.map(|g| g.as_str())),
                approval_requests::special.eq(new.special),
                approval_requests::summary.eq(&new.summary),
                approval_requests::policy_company_id
                    .eq(matrix.company_id.clone().unwrap_or_default()),
                approval_requests::policy_version.eq(matrix.version),
            ),
            (
                approval_requests::steps.eq(json(&steps)?),
                approval_requests::named_users.eq(json(&named)?),
                approval_requests::state.eq(ApprovalState::Pending.as_str()),
                approval_requests::awaited_roles.eq(roles_text(&steps[0].roles)),
                // `steps` is not empty: checked above.
                approval_requests::preparer_id.eq(&preparer),
            ),
        ))
        .execute(conn)?;
    let request = find(conn, read, &id)?;
    start_step(conn, &request, now)?;
    let payload = serde_json::json!({
        "approval_id": id, "document": new.document.as_str(), "grade": origin.grade.as_str(),
        "amount_fen": new.amount_fen, "special": new.special,
        "policy_version": matrix.version, "steps": steps.len(),
    });
    tell(conn, write, &request, ("approval.submitted", "submitted"), payload, now)?;
    Ok(request)
}

/// Opens the approval of a document a complaint's transition made (its proposal, its final
/// plan), inside that transition's transaction; nothing when one of that kind is under way
/// already or no row of the matrix covers it.
pub(crate) fn open_for(
    conn: &mut DbConnection,
    scopes: (&Scope, &Scope),
    complaint_id: &str,
    (document, summary): (DocumentKind, &str),
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // One under way is enough (a preparer may have submitted it himself).
    let under_way: i64 = approval_requests::table
        .filter(approval_requests::complaint_id.eq(complaint_id))
        .filter(approval_requests::document.eq(document.as_str()))
        .filter(
            approval_requests::state
                .eq_any([ApprovalState::Pending.as_str(), ApprovalState::Returned.as_str()]),
        )
        .count()
        .get_result(conn)?;
    if under_way > 0 {
        return Ok(());
    }
    let new = NewApproval {
        document,
        complaint_id: Some(complaint_id.to_owned()),
        project_id: None,
        department_id: None,
        grade: None,
        amount_fen: None,
        to_grade: None,
        special: false,
        summary: summary.to_owned(),
        named_users: Vec::new(),
    };
    match open(conn, scopes, &new, None, now) {
        Ok(_) | Err(ApprovalFailure::NoRoute) => Ok(()),
        Err(ApprovalFailure::Store(e)) => Err(e),
        Err(other) => Err(StoreError::Conflict(other.to_string())),
    }
}

/// The route without the requesting center's director when no department requests it (no one
/// could hold that role over the request); steps left without roles are dropped.
fn without_absent_center(steps: &[Step], has_department: bool) -> Vec<Step> {
    if has_department {
        return steps.to_vec();
    }
    steps
        .iter()
        .map(|s| Step {
            roles: s.roles.iter().copied().filter(|r| *r != Role::DeptHead).collect(),
            ..s.clone()
        })
        .filter(|s| !s.roles.is_empty())
        .collect()
}

/// Whether `user` of `group` holds one of `roles` over a record at `place`, by the same rule
/// that decides who may decide a step ([`roles_over`]).
fn holds_any(
    conn: &mut DbConnection,
    (group, user): (&str, &str),
    roles: &[Role],
    place: &Place,
) -> Result<bool, StoreError> {
    use crate::schema::grants;
    let rows: Vec<(String, String, String)> = grants::table
        .filter(grants::group_id.eq(group))
        .filter(grants::principal_kind.eq("user"))
        .filter(grants::principal_id.eq(user))
        .select((grants::role, grants::scope_kind, grants::scope_id))
        .load(conn)?;
    let held: Vec<GrantRef> = rows
        .into_iter()
        .filter_map(|(role, scope, id)| {
            Some(GrantRef {
                role: role.parse().ok()?,
                scope: scope.parse().ok()?,
                scope_id: Some(id),
            })
        })
        .collect();
    let (company, project) = (place.company.as_deref(), place.project.as_deref());
    let over = roles_over(
        &held,
        company.unwrap_or_default(),
        project.unwrap_or_default(),
        place.department.as_deref(),
    );
    Ok(over.iter().any(|r| roles.contains(r)))
}

/// A value stored as JSON text.
fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("approval: {e}")))
}

/// Submits a request about a complaint (or, for a key-account request, a project) visible
/// under `read` and within `write`. A fund disbursement is submitted through its account.
pub fn submit(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    new: &NewApproval,
    now: DateTime<Utc>,
) -> Result<(ApprovalRequest, Vec<ClockNow>), ApprovalFailure> {
    if new.document == DocumentKind::FundDisbursement {
        return Err(invalid(
            "document",
            "a fund disbursement is requested through POST /api/v1/fund-accounts/{id}/disbursements",
        ));
    }
    if new.document == DocumentKind::CommitteeDecision {
        return Err(invalid(
            "document",
            "the decision committee is asked through POST /api/v1/committee-decisions",
        ));
    }
    transaction(conn.raw(), |conn| {
        let request = open(conn, (read, write), new, None, now)?;
        Ok(with_clocks(conn, request, now)?)
    })
}

/// Starts the R-T-8 clock of the request's current step.
fn start_step(
    conn: &mut DbConnection,
    request: &ApprovalRequest,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let event = if request.special { "special_approval_requested" } else { "approval_requested" };
    step_clocks(conn, request, &[event], now)
}

fn step_clocks(
    conn: &mut DbConnection,
    request: &ApprovalRequest,
    events: &[&str],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let happening =
        Happening { at: now, events, state: "pending", skip: &[], cancel: &[], cancel_all: false };
    let calendar = calendar_of(conn, &request.project_id, &request.group_id)?;
    let group = GroupId::from(request.group_id.clone());
    let subject = request.clock_subject();
    clocks::react(conn, &group, ("approval_step", &subject), &calendar, &happening)?;
    Ok(())
}

/// The complaint's timeline entry (when it has a complaint), the outbox row and the audit
/// event of a change to a request.
fn tell(
    conn: &mut DbConnection,
    write: &Scope,
    request: &ApprovalRequest,
    (topic, action): (&str, &str),
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (kind, actor_id) = write.actor().parts();
    if let Some(complaint) = &request.complaint_id {
        let entry = Entry {
            kind: "approval",
            action: Some(action),
            states: (None, None),
            payload: payload.clone(),
        };
        timeline(conn, complaint, TimelineActor { kind, id: actor_id }, entry, now)?;
    }
    let subject = ("approval_request", request.id.as_str());
    crate::outbox::enqueue(
        conn,
        (&request.group_id, topic),
        &request.place(),
        subject,
        &payload,
        now,
    )?;
    write.audit(conn, now, topic, ("approval_request", &request.id), &request.place(), payload)
}

/// `Ok` when the complaint's latest final-plan request is approved, or when none was made
/// because the matrix in force routes no final plan of its grade; else the step it waits on
/// (`Err(Ok(Some(…)))`), or `Err(Ok(None))` when none was submitted or it was rejected.
pub(crate) fn final_plan_approved(
    conn: &mut DbConnection,
    complaint: &Complaint,
) -> Result<(), Result<Option<Box<crate::funds::Pending>>, StoreError>> {
    let latest: Option<ApprovalRequest> = approval_requests::table
        .filter(approval_requests::complaint_id.eq(&complaint.id))
        .filter(approval_requests::document.eq(DocumentKind::FinalPlan.as_str()))
        .order(approval_requests::id.desc())
        .select(ApprovalRequest::as_select())
        .first(conn)
        .optional()
        .map_err(|e| Err(e.into()))?;
    match latest {
        Some(r) if r.state == ApprovalState::Approved => Ok(()),
        Some(r) if matches!(r.state, ApprovalState::Pending | ApprovalState::Returned) => {
            Err(Ok(Some(Box::new(pending_of(&r)))))
        }
        Some(_) => Err(Ok(None)),
        None => {
            let matrix =
                in_force(conn, &complaint.group_id, Some(&complaint.company_id)).map_err(Err)?;
            match matrix.matrix.route(DocumentKind::FinalPlan, complaint.grade, None) {
                None => Ok(()),
                Some(_) => Err(Ok(None)),
            }
        }
    }
}

/// Where an unfinished request stands.
pub(crate) fn pending_of(r: &ApprovalRequest) -> crate::funds::Pending {
    crate::funds::Pending {
        approval_id: r.id.clone(),
        state: r.state,
        awaited: r.awaited(),
        step: r.current_step().map(|(i, s)| (i, s.clone())),
    }
}

/// A request by id whatever the reach (what waits for it was found within reach).
pub(crate) fn find_any(conn: &mut DbConnection, id: &str) -> Result<ApprovalRequest, StoreError> {
    Ok(approval_requests::table.find(id).select(ApprovalRequest::as_select()).first(conn)?)
}

/// A request within reach, inside a transaction.
pub(crate) fn find(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
) -> Result<ApprovalRequest, StoreError> {
    Ok(approval_requests::table
        .filter(approval_requests::id.eq(id))
        .filter(within(scope))
        .select(ApprovalRequest::as_select())
        .first(conn)?)
}

/// A request with its current step's clocks as of `now`.
fn with_clocks(
    conn: &mut DbConnection,
    request: ApprovalRequest,
    now: DateTime<Utc>,
) -> Result<(ApprovalRequest, Vec<ClockNow>), StoreError> {
    let subject = request.clock_subject();
    let clocks = clocks::now_of(conn, ("approval_step", &subject), now)?;
    Ok((request, clocks))
}

/// A request within reach with its current step's clocks and every decision, oldest first
/// (404 outside reach).
pub fn get(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(ApprovalRequest, Vec<ClockNow>, Vec<DecisionRecord>), StoreError> {
    let conn = conn.raw();
    let request = find(conn, scope, id)?;
    let (request, clocks) = with_clocks(conn, request, now)?;
    let decisions = approval_decisions::table
        .filter(approval_decisions::request_id.eq(id))
        .order(approval_decisions::id.asc())
        .select(DecisionRecord::as_select())
        .load(conn)?;
    Ok((request, clocks, decisions))
}

fn approvals_on(
    conn: &mut DbConnection,
    request: &ApprovalRequest,
) -> Result<Vec<StepDecision>, StoreError> {
    let rows: Vec<(String, String)> = approval_decisions::table
        .filter(approval_decisions::request_id.eq(&request.id))
        .filter(approval_decisions::round.eq(request.round))
        .filter(approval_decisions::step_index.eq(request.step_index))
        .filter(approval_decisions::decision.eq(Decision::Approve.as_str()))
        .select((approval_decisions::user_id, approval_decisions::role))
        .load(conn)?;
    rows.into_iter()
        .map(|(user_id, role)| {
            let role = role.parse().map_err(|e| StoreError::Corrupt(format!("decision: {e}")))?;
            Ok(StepDecision { user_id, role })
        })
        .collect()
}

/// Decides the current step of a request visible under `read`, if still at `expected`, as the
/// caller whose grants are `grants`. Checks in this order: visible (404), the version (412),
/// pending (409), not his own (403), his step (403), once (409); then records the decision,
/// moves the request (approve: the step is done when its mode is met, the request when its
/// last step is; reject ends it; return sends it back with the comment), its clocks, what
/// waits for it, the timeline, the outbox and the audit trail, in one transaction.
pub fn decide(
    conn: &mut Conn,
    read: &Scope,
    grants: &[GrantRef],
    id: &str,
    expected: Expected,
    (decision, comment): (Decision, Option<&str>),
    now: DateTime<Utc>,
) -> Result<(ApprovalRequest, Vec<ClockNow>), ApprovalFailure> {
    transaction(conn.raw(), |conn| {
        let current = find(conn, read, id)?;
        if let Expected::Version(v) = expected
            && v != current.version
        {
            return Err(StoreError::StaleVersion { current: current.version }.into());
        }
        let Some((index, step)) = current.current_step() else {
            return Err(ApprovalFailure::NotAllowed(current.state));
        };
        let user = match read.actor().parts() {
            ("user", Some(id)) => id.to_owned(),
            _ => return Err(StoreError::Forbidden.into()),
        };
        if user == current.preparer_id {
            return Err(ApprovalFailure::OwnRequest);
        }
        let held = roles_over(
            grants,
            &current.company_id,
            &current.project_id,
            current.department_id.as_deref(),
        );
        let mut approvals = approvals_on(conn, &current)?;
        let progress = Progress { step, named: current.named_for(index), approvals: &approvals };
        let role = match progress.credit(&user, &held) {
            Credit::Counts(role) => role,
            Credit::AlreadyDecided => return Err(ApprovalFailure::AlreadyDecided),
            Credit::NotHisStep => {
                return Err(ApprovalFailure::NotHisStep(step.roles.clone()));
            }
        };
        diesel::insert_into(approval_decisions::table)
            .values((
                approval_decisions::id.eq(new_id()),
                approval_decisions::request_id.eq(id),
                approval_decisions::round.eq(current.round),
                approval_decisions::step_index.eq(current.step_index),
                approval_decisions::user_id.eq(&user),
                approval_decisions::role.eq(role.as_str()),
                approval_decisions::decision.eq(decision.as_str()),
                approval_decisions::comment.eq(comment),
                approval_decisions::decided_at.eq(to_db(now)),
            ))
            .execute(conn)
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => ApprovalFailure::AlreadyDecided,
                other => other.into(),
            })?;
        let first_on_step = approvals.is_empty() && current.decided_by.is_empty();
        let (mut state, mut step_index, mut awaited, mut decided_by) = (
            current.state,
            current.step_index,
            current.awaited_roles.clone(),
            format!(
                "{}{user},",
                if current.decided_by.is_empty() { "," } else { &current.decided_by }
            ),
        );
        let mut step_over = true;
        match decision {
            Decision::Reject => state = ApprovalState::Rejected,
            Decision::Return => state = ApprovalState::Returned,
            Decision::Approve => {
                approvals.push(StepDecision { user_id: user.clone(), role });
                let progress =
                    Progress { step, named: current.named_for(index), approvals: &approvals };
                if !progress.done() {
                    step_over = false;
                    awaited = roles_text(&progress.awaited());
                } else if index + 1 == current.steps.0.len() {
                    state = ApprovalState::Approved;
                    awaited = String::new();
                } else {
                    step_index += 1;
                    awaited = roles_text(&current.steps.0[index + 1].roles);
                    decided_by = String::new();
                }
            }
        }
        if state != ApprovalState::Pending {
            (awaited, decided_by) = (String::new(), String::new());
        }
        let return_comment = if decision == Decision::Return {
            comment.map(str::to_owned)
        } else {
            current.return_comment.clone()
        };
        let changed = diesel::update(
            approval_requests::table
                .filter(approval_requests::id.eq(id))
                .filter(approval_requests::version.eq(current.version)),
        )
        .set((
            approval_requests::state.eq(state.as_str()),
            approval_requests::step_index.eq(step_index),
            approval_requests::awaited_roles.eq(awaited),
            approval_requests::decided_by.eq(decided_by),
            approval_requests::return_comment.eq(return_comment),
            approval_requests::updated_at.eq(to_db(now)),
            approval_requests::version.eq(approval_requests::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            let current =
                approval_requests::table.find(id).select(approval_requests::version).first(conn)?;
            return Err(StoreError::StaleVersion { current }.into());
        }
        let mut events = Vec::new();
        if first_on_step && current.special {
            events.push("approval_answered");
        }
        if step_over {
            events.push("approval_decided");
        }
        if !events.is_empty() {
            step_clocks(conn, &current, &events, now)?;
        }
        let after = find(conn, read, id)?;
        if step_over && after.state == ApprovalState::Pending {
            start_step(conn, &after, now)?;
        }
        settle_subject(conn, (read, &after), comment, now)?;
        let payload = serde_json::json!({
            "approval_id": id, "document": after.document.as_str(), "step": index,
            "step_kind": step.kind.as_str(), "role": role.as_str(), "decision": decision.as_str(),
            "comment": comment, "state": after.state.as_str(),
        });
        tell(conn, read, &after, ("approval.decided", decision.as_str()), payload, now)?;
        Ok(with_clocks(conn, after, now)?)
    })
}

/// What waits for a request follows its end: an approved disbursement may be paid, a
/// rejected one never will; an approved grade lowering lowers the complaint's grade.
fn settle_subject(
    conn: &mut DbConnection,
    (write, request): (&Scope, &ApprovalRequest),
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if let (Some("committee_decision"), Some(subject)) =
        (request.subject_type.as_deref(), request.subject_id.as_deref())
        && matches!(request.state, ApprovalState::Approved | ApprovalState::Rejected)
    {
        let approved = request.state == ApprovalState::Approved;
        super::committee::settle(conn, write, (subject, approved, comment), now)?;
    }
    if let (ApprovalState::Approved, Optional(Some(to)), Some(complaint)) =
        (request.state, request.to_grade, request.complaint_id.as_deref())
    {
        lower_grade(conn, write, (complaint, to), &request.id, now)?;
    }
    let to = match request.state {
        ApprovalState::Approved => DisbursementState::Approved,
        ApprovalState::Rejected => DisbursementState::Rejected,
        ApprovalState::Pending | ApprovalState::Returned => return Ok(()),
    };
    if let (Some("disbursement"), Some(subject)) =
        (request.subject_type.as_deref(), request.subject_id.as_deref())
    {
        diesel::update(
            disbursements::table
                .filter(disbursements::id.eq(subject))
                .filter(disbursements::state.eq(DisbursementState::AwaitingApproval.as_str())),
        )
        .set((
            disbursements::state.eq(to.as_str()),
            disbursements::updated_at.eq(to_db(now)),
            disbursements::version.eq(disbursements::version + 1),
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// Lowers an approved complaint's grade (never raises it), with its timeline entry.
fn lower_grade(
    conn: &mut DbConnection,
    write: &Scope,
    (complaint, to): (&str, Grade),
    approval_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::schema::complaints;
    let from: String = complaints::table.find(complaint).select(complaints::grade).first(conn)?;
    let from: Grade = from.parse().map_err(|e| StoreError::Corrupt(format!("grade: {e}")))?;
    if to >= from {
        return Ok(());
    }
    diesel::update(complaints::table.find(complaint))
        .set((
            complaints::grade.eq(to.as_str()),
            complaints::updated_at.eq(to_db(now)),
            complaints::version.eq(complaints::version + 1),
        ))
        .execute(conn)?;
    let (kind, id) = write.actor().parts();
    let payload = serde_json::json!({
        "approval_id": approval_id, "from": from.as_str(), "to": to.as_str(),
    });
    let entry =
        Entry { kind: "approval", action: Some("grade_lowered"), states: (None, None), payload };
    timeline(conn, complaint, TimelineActor { kind, id }, entry, now)
}

/// Resubmits a returned request (its preparer only, `If-Match`): a new round from the first
/// step, with the same route.
pub fn resubmit(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    (summary, comment): (Option<&str>, Option<&str>),
    now: DateTime<Utc>,
) -> Result<(ApprovalRequest, Vec<ClockNow>), ApprovalFailure> {
    transaction(conn.raw(), |conn| {
        let current = find(conn, read, id)?;
        if let Expected::Version(v) = expected
            && v != current.version
        {
            return Err(StoreError::StaleVersion { current: current.version }.into());
        }
        if current.state != ApprovalState::Returned {
            return Err(ApprovalFailure::NotAllowed(current.state));
        }
        if read.actor().parts().1 != Some(current.preparer_id.as_str()) {
            return Err(ApprovalFailure::NotPreparer);
        }
        write.require(&current.place())?;
        let changed = diesel::update(
            approval_requests::table
                .filter(approval_requests::id.eq(id))
                .filter(approval_requests::version.eq(current.version)),
        )
        .set((
            approval_requests::state.eq(ApprovalState::Pending.as_str()),
            approval_requests::round.eq(approval_requests::round + 1),
            approval_requests::step_index.eq(0_i64),
            approval_requests::awaited_roles.eq(current
                .steps
                .0
                .first()
                .map_or_else(String::new, |s| roles_text(&s.roles))),
            approval_requests::decided_by.eq(""),
            approval_requests::summary.eq(summary.unwrap_or(&current.summary)),
            approval_requests::updated_at.eq(to_db(now)),
            approval_requests::version.eq(approval_requests::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            let current =
                approval_requests::table.find(id).select(approval_requests::version).first(conn)?;
            return Err(StoreError::StaleVersion { current }.into());
        }
        let after = find(conn, read, id)?;
        start_step(conn, &after, now)?;
        let payload = serde_json::json!({
            "approval_id": id, "round": after.round, "comment": comment,
        });
        tell(conn, write, &after, ("approval.resubmitted", "resubmitted"), payload, now)?;
        Ok(with_clocks(conn, after, now)?)
    })
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct ApprovalFilter {
    /// Only requests whose current step awaits one of these roles (the caller's roles over
    /// the request's place are checked on decision) and that this user has not decided.
    pub assignee: Option<(String, Vec<Role>)>,
    /// Only in this state.
    pub state: Option<ApprovalState>,
    /// Only about this complaint.
    pub complaint_id: Option<String>,
    /// Only of this document kind.
    pub document: Option<DocumentKind>,
    /// Only of this project.
    pub project_id: Option<String>,
}

/// A page of the requests within reach.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &ApprovalFilter,
    req: &ListRequest,
) -> Result<Page<ApprovalRequest>, StoreError> {
    use diesel::BoolExpressionMethods;
    let query = || {
        let mut q = approval_requests::table.filter(within(scope)).into_boxed();
        if let Some(state) = filter.state {
            q = q.filter(approval_requests::state.eq(state.as_str()));
        }
        if let Some(complaint) = &filter.complaint_id {
            q = q.filter(approval_requests::complaint_id.eq(complaint.clone()));
        }
        if let Some(document) = filter.document {
            q = q.filter(approval_requests::document.eq(document.as_str()));
        }
        if let Some(project) = &filter.project_id {
            q = q.filter(approval_requests::project_id.eq(project.clone()));
        }
        if let Some((user, roles)) = &filter.assignee {
            let mut any: Filter<approval_requests::table> =
                Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>("1 = 0"));
            for role in roles {
                let pattern = format!("%,{},%", role.as_str());
                any = Box::new(any.or(approval_requests::awaited_roles.like(pattern)));
            }
            q = q
                .filter(approval_requests::state.eq(ApprovalState::Pending.as_str()))
                .filter(any)
                .filter(approval_requests::decided_by.not_like(format!("%,{user},%")))
                .filter(approval_requests::preparer_id.ne(user.clone()));
        }
        q
    };
    page!(conn.raw(), approval_requests, query, ApprovalRequest, req)
}
