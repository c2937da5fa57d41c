//! Disbursements (资金调度, R-AP-3): a payment from a project's fund for a complaint, requested
//! with an approval routed by its amount, paid only once that approval is complete, and never
//! beyond the balance (the check and the debit are one statement).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    access::Role,
    approval::{ApprovalState, DisbursementState, DocumentKind, FundUse, Step},
};
use serde::Serialize;

use super::{FundAccount, FundEntry, Movement, record};
use crate::{
    approvals::requests::{self, ApprovalFailure, NewApproval},
    complaints::{Entry, TimelineActor, timeline},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{ListRequest, Page, new_row, page},
    schema::{disbursements, fund_accounts},
    scope::{Place, Scope, scoped_table},
};

scoped_table!(disbursements { group: group_id, company: company_id, project: project_id });

/// A stored disbursement.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = disbursements)]
pub struct Disbursement {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its company.
    pub company_id: String,
    /// Its project.
    pub project_id: String,
    /// The account it is paid from.
    pub account_id: String,
    /// The complaint it pays for.
    pub complaint_id: String,
    /// How much, in fen.
    pub amount_fen: i64,
    /// What for.
    #[diesel(deserialize_as = String)]
    pub fund_use: FundUse,
    /// Where it stands.
    #[diesel(deserialize_as = String)]
    pub state: DisbursementState,
    /// Its approval request.
    pub approval_id: String,
    /// When it was paid (naive UTC).
    pub paid_at: Option<NaiveDateTime>,
    /// Who paid it.
    pub paid_by: Option<String>,
    /// When it was requested (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl Disbursement {
    /// Where it sits.
    pub fn place(&self) -> Place {
        Place::of_project(&self.company_id, &self.project_id)
    }
}

/// The step an unfinished approval waits on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The approval request.
    pub approval_id: String,
    /// Its state (`pending`, or `returned` to the preparer).
    pub state: ApprovalState,
    /// The step (0-based) and what it is, while pending.
    pub step: Option<(usize, Step)>,
    /// The roles it still awaits.
    pub awaited: Vec<Role>,
}

/// Why a disbursement could not be requested or paid.
#[derive(Debug, thiserror::Error)]
pub enum FundFailure {
    /// The store refused (404, 403, 409, 412, 422).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Its approval could not be opened.
    #[error(transparent)]
    Approval(#[from] ApprovalFailure),
    /// Its approval is not complete yet.
    #[error("the approval is not complete")]
    ApprovalPending(Box<Pending>),
    /// It is not awaiting payment (rejected, or paid already).
    #[error("the disbursement is {0}")]
    NotPayable(DisbursementState),
    /// The account holds less than the amount.
    #[error("the account holds {balance_fen} fen, less than {amount_fen}")]
    InsufficientFunds {
        /// What it holds.
        balance_fen: i64,
        /// What was to be paid.
        amount_fen: i64,
    },
}

impl From<diesel::result::Error> for FundFailure {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

/// A disbursement to request.
#[derive(Debug, Clone, Serialize)]
pub struct NewDisbursement {
    /// The complaint it pays for, of the account's project.
    pub complaint_id: String,
    /// How much, in fen (more than 0).
    pub amount_fen: i64,
    /// What for.
    pub fund_use: FundUse,
    /// A special matter (R-T-8).
    pub special: bool,
    /// What is asked, for the approvers.
    pub summary: String,
    /// Users named per step (R-AP-1).
    pub named_users: Vec<(usize, Vec<String>)>,
}

/// Requests a disbursement from an account of the caller's group for a complaint visible under
/// `read` and within `write` (its preparer): opens its `fund_disbursement` approval, routed by
/// the amount, in the same transaction.
pub fn request(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    account_id: &str,
    new: &NewDisbursement,
    now: DateTime<Utc>,
) -> Result<Disbursement, FundFailure> {
    transaction(conn.raw(), |conn| {
        let account: FundAccount = fund_accounts::table
            .filter(fund_accounts::id.eq(account_id))
            .filter(fund_accounts::group_id.eq(&write.group_id))
            .select(FundAccount::as_select())
            .first(conn)?;
        // An account outside the preparer's reach is not his to know of.
        write.require(&account.place()).map_err(|_| StoreError::NotFound)?;
        let id = new_id();
        let approval = NewApproval {
            document: DocumentKind::FundDisbursement,
            complaint_id: Some(new.complaint_id.clone()),
            project_id: None,
            department_id: None,
            grade: None,
            amount_fen: Some(new.amount_fen),
            to_grade: None,
            special: new.special,
            summary: new.summary.clone(),
            named_users: new.named_users.clone(),
        };
        let opened =
            requests::open(conn, (read, write), &approval, Some(("disbursement", &id)), now)?;
        if opened.project_id != account.project_id {
            return Err(StoreError::Invalid {
                field: "complaint_id".into(),
                message: "the complaint is not of the account's project".into(),
            }
            .into());
        }
        diesel::insert_into(disbursements::table)
            .values((
                new_row!(disbursements, &id, now),
                (
                    disbursements::group_id.eq(&account.group_id),
                    disbursements::company_id.eq(&account.company_id),
                    disbursements::project_id.eq(&account.project_id),
                    disbursements::account_id.eq(&account.id),
                ),
                disbursements::complaint_id.eq(&new.complaint_id),
                disbursements::amount_fen.eq(new.amount_fen),
                disbursements::fund_use.eq(new.fund_use.as_str()),
                disbursements::state.eq(DisbursementState::AwaitingApproval.as_str()),
                disbursements::approval_id.eq(&opened.id),
            ))
            .execute(conn)?;
        let payload = serde_json::json!({
            "disbursement_id": id, "account_id": account.id, "complaint_id": new.complaint_id,
            "amount_fen": new.amount_fen, "use": new.fund_use.as_str(), "approval_id": opened.id,
        });
        write.audit(
            conn,
            now,
            "disbursement.created",
            ("disbursement", &id),
            &account.place(),
            payload,
        )?;
        Ok(find(conn, read, &id)?)
    })
}

/// A disbursement within reach, inside a transaction.
pub(crate) fn find(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
) -> Result<Disbursement, StoreError> {
    Ok(disbursements::table
        .filter(disbursements::id.eq(id))
        .filter(within(scope))
        .select(Disbursement::as_select())
        .first(conn)?)
}

/// A disbursement within reach (404 outside).
pub fn get(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Disbursement, StoreError> {
    find(conn.raw(), scope, id)
}

/// A page of an account's disbursements within reach.
pub fn of_account(
    conn: &mut Conn,
    scope: &Scope,
    account_id: &str,
    state: Option<DisbursementState>,
    req: &ListRequest,
) -> Result<Page<Disbursement>, StoreError> {
    let conn = conn.raw();
    super::find(conn, scope, account_id)?;
    let query = || {
        let mut q = disbursements::table
            .filter(within(scope))
            .filter(disbursements::account_id.eq(account_id.to_owned()))
            .into_boxed();
        if let Some(state) = state {
            q = q.filter(disbursements::state.eq(state.as_str()));
        }
        q
    };
    page!(conn, disbursements, query, Disbursement, req)
}

/// Pays an approved disbursement visible under `read` and within `write`: 409
/// `approval_pending` (naming the step) before its approval completes, 409 once paid or
/// rejected, 409 `insufficient_funds` when the account holds less. The state change, the debit
/// (`balance_fen = balance_fen - amount WHERE balance_fen >= amount`), the ledger entry, the
/// complaint's timeline, the outbox and the audit trail commit together.
pub fn pay(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    reference: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Disbursement, FundEntry), FundFailure> {
    transaction(conn.raw(), |conn| {
        let current = find(conn, read, id)?;
        write.require(&current.place())?;
        match current.state {
            DisbursementState::Approved => {}
            DisbursementState::AwaitingApproval => {
                let approval = requests::find_any(conn, &current.approval_id)?;
                return Err(FundFailure::ApprovalPending(Box::new(requests::pending_of(
                    &approval,
                ))));
            }
            other => return Err(FundFailure::NotPayable(other)),
        }
        let paid = diesel::update(
            disbursements::table
                .filter(disbursements::id.eq(id))
                .filter(disbursements::state.eq(DisbursementState::Approved.as_str())),
        )
        .set((
            disbursements::state.eq(DisbursementState::Paid.as_str()),
            disbursements::paid_at.eq(to_db(now)),
            disbursements::paid_by.eq(write.actor().parts().1),
            disbursements::updated_at.eq(to_db(now)),
            disbursements::version.eq(disbursements::version + 1),
        ))
        .execute(conn)?;
        if paid == 0 {
            return Err(FundFailure::NotPayable(DisbursementState::Paid));
        }
        let debited = diesel::update(
            fund_accounts::table
                .filter(fund_accounts::id.eq(&current.account_id))
                .filter(fund_accounts::balance_fen.ge(current.amount_fen)),
        )
        .set((
            fund_accounts::balance_fen.eq(fund_accounts::balance_fen - current.amount_fen),
            fund_accounts::updated_at.eq(to_db(now)),
            fund_accounts::version.eq(fund_accounts::version + 1),
        ))
        .execute(conn)?;
        let account: FundAccount = fund_accounts::table
            .find(&current.account_id)
            .select(FundAccount::as_select())
            .first(conn)?;
        if debited == 0 {
            return Err(FundFailure::InsufficientFunds {
                balance_fen: account.balance_fen,
                amount_fen: current.amount_fen,
            });
        }
        let movement = Movement {
            direction: "debit",
            category: current.fund_use.as_str(),
            amount_fen: current.amount_fen,
            complaint_id: Some(&current.complaint_id),
            disbursement_id: Some(id),
            reference,
            note: None,
        };
        let entry = record(conn, write, &account, &movement, now)?;
        let payload = serde_json::json!({
            "disbursement_id": id, "account_id": account.id, "amount_fen": current.amount_fen,
            "use": current.fund_use.as_str(), "balance_after_fen": entry.balance_after_fen,
            "reference": reference,
        });
        let (kind, actor) = write.actor().parts();
        let timeline_entry = Entry {
            kind: "fund",
            action: Some("paid"),
            states: (None, None),
            payload: payload.clone(),
        };
        timeline(
            conn,
            &current.complaint_id,
            TimelineActor { kind, id: actor },
            timeline_entry,
            now,
        )?;
        let topic = (current.group_id.as_str(), "disbursement.paid");
        crate::outbox::enqueue(conn, topic, &current.place(), ("disbursement", id), &payload, now)?;
        write.audit(
            conn,
            now,
            "disbursement.paid",
            ("disbursement", id),
            &current.place(),
            payload,
        )?;
        Ok((find(conn, read, id)?, entry))
    })
}
