//! The customer-service fund (客户服务基金, R-AP-3, 001): one account per project, credited by
//! source, debited only by an approved disbursement, never below zero; finance keeps its own
//! ledger of every movement.

pub mod disbursements;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::approval::FundSource;
use serde::Serialize;

use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{ListRequest, Page, new_row, page},
    schema::{contractors, fund_accounts, fund_entries, projects},
    scope::{Place, Scope, scoped_table, taken},
};
pub use disbursements::{Disbursement, FundFailure, NewDisbursement, Pending};

scoped_table!(fund_accounts { group: group_id, company: company_id, project: project_id });

/// A project's fund account.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = fund_accounts)]
pub struct FundAccount {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its company.
    pub company_id: String,
    /// Its project (one account each).
    pub project_id: String,
    /// What it holds, in fen (never below zero).
    pub balance_fen: i64,
    /// When it was opened (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last moved (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag: one more on each movement.
    pub version: i64,
}

impl FundAccount {
    /// Where it sits.
    pub fn place(&self) -> Place {
        Place::of_project(&self.company_id, &self.project_id)
    }
}

/// One movement of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = fund_entries)]
pub struct FundEntry {
    /// UUIDv7.
    pub id: String,
    /// The account.
    pub account_id: String,
    /// `credit` or `debit`.
    pub direction: String,
    /// The source of a credit or the use of a debit.
    pub category: String,
    /// How much, in fen.
    pub amount_fen: i64,
    /// The balance after it, in fen.
    pub balance_after_fen: i64,
    /// The complaint a debit paid for.
    pub complaint_id: Option<String>,
    /// The disbursement a debit paid.
    pub disbursement_id: Option<String>,
    /// A receipt, voucher or decision number.
    pub reference: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (naive UTC).
    pub recorded_at: NaiveDateTime,
}

/// Opens the fund account of a project within the caller's reach (one per project: 409).
pub fn open(
    conn: &mut Conn,
    scope: &Scope,
    project_id: &str,
    now: DateTime<Utc>,
) -> Result<FundAccount, StoreError> {
    transaction(conn.raw(), |conn| {
        let found: Option<String> = projects::table
            .filter(projects::id.eq(project_id))
            .filter(projects::group_id.eq(&scope.group_id))
            .select(projects::company_id)
            .first(conn)
            .optional()?;
        let Some(company_id) = found else {
            return Err(StoreError::Invalid {
                field: "project_id".into(),
                message: "no such project in the group".into(),
            });
        };
        let place = Place::of_project(&company_id, project_id);
        scope.require(&place)?;
        let id = new_id();
        diesel::insert_into(fund_accounts::table)
            .values((
                new_row!(fund_accounts, &id, now),
                fund_accounts::group_id.eq(&scope.group_id),
                fund_accounts::company_id.eq(&company_id),
                fund_accounts::project_id.eq(project_id),
            ))
            .execute(conn)
            .map_err(taken("the project has a fund account".to_owned()))?;
        let payload = serde_json::json!({ "project_id": project_id });
        scope.audit(conn, now, "fund_account.created", ("fund_account", &id), &place, payload)?;
        find(conn, scope, &id)
    })
}

/// An account within reach, inside a transaction.
pub(crate) fn find(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
) -> Result<FundAccount, StoreError> {
    Ok(fund_accounts::table
        .filter(fund_accounts::id.eq(id))
        .filter(within(scope))
        .select(FundAccount::as_select())
        .first(conn)?)
}

/// An account within reach (404 outside).
pub fn get(conn: &mut Conn, scope: &Scope, id: &str) -> Result<FundAccount, StoreError> {
    find(conn.raw(), scope, id)
}

/// A page of the accounts within reach, optionally of one project.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    project_id: Option<&str>,
    req: &ListRequest,
) -> Result<Page<FundAccount>, StoreError> {
    let query = || {
        let mut q = fund_accounts::table.filter(within(scope)).into_boxed();
        if let Some(project) = project_id {
            q = q.filter(fund_accounts::project_id.eq(project.to_owned()));
        }
        q
    };
    page!(conn.raw(), fund_accounts, query, FundAccount, req)
}

/// The most an account holds, in fen (a hundred trillion yuan): far within an i64.
pub const MAX_BALANCE_FEN: i64 = 10_000_000_000_000_000;

/// Money put into an account.
#[derive(Debug, Clone, Serialize)]
pub struct NewCredit {
    /// Where it comes from.
    pub source: FundSource,
    /// How much, in fen (more than 0).
    pub amount_fen: i64,
    /// The voucher, or for the maintenance fund the owners' committee decision.
    pub reference: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// For a warranty deposit: the defaulting contractor.
    pub contractor_id: Option<String>,
}

/// Credits an account visible under `read` and within `write`: the balance grows in one
/// statement, the ledger gets its entry, the audit trail its event.
pub fn credit(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    new: &NewCredit,
    now: DateTime<Utc>,
) -> Result<(FundAccount, FundEntry), StoreError> {
    transaction(conn.raw(), |conn| {
        let account = find(conn, read, id)?;
        write.require(&account.place())?;
        if let Some(contractor) = &new.contractor_id {
            let found: i64 = contractors::table
                .filter(contractors::id.eq(contractor))
                .filter(contractors::group_id.eq(&account.group_id))
                .count()
                .get_result(conn)?;
            if found == 0 {
                return Err(StoreError::Invalid {
                    field: "contractor_id".into(),
                    message: "no such contractor in the group".into(),
                });
            }
        }
        // The balance grows in one statement, and never past what an i64 of fen holds.
        let grown = diesel::update(
            fund_accounts::table
                .filter(fund_accounts::id.eq(id))
                .filter(fund_accounts::balance_fen.le(MAX_BALANCE_FEN - new.amount_fen)),
        )
        .set((
            fund_accounts::balance_fen.eq(fund_accounts::balance_fen + new.amount_fen),
            fund_accounts::updated_at.eq(to_db(now)),
            fund_accounts::version.eq(fund_accounts::version + 1),
        ))
        .execute(conn)?;
        if grown == 0 {
            return Err(StoreError::Conflict(format!(
                "the account would hold more than {MAX_BALANCE_FEN} fen"
            )));
        }
        let account = find(conn, read, id)?;
        let entry = Movement {
            direction: "credit",
            category: new.source.as_str(),
            amount_fen: new.amount_fen,
            complaint_id: None,
            disbursement_id: None,
            reference: new.reference.as_deref(),
            note: new.note.as_deref(),
        };
        let entry = record(conn, write, &account, &entry, now)?;
        let payload = serde_json::to_value(new).unwrap_or_default();
        write.audit(
            conn,
            now,
            "fund_account.credited",
            ("fund_account", id),
            &account.place(),
            payload,
        )?;
        Ok((account, entry))
    })
}

/// A movement to write in the ledger.
pub(crate) struct Movement<'a> {
    pub(crate) direction: &'a str,
    pub(crate) category: &'a str,
    pub(crate) amount_fen: i64,
    pub(crate) complaint_id: Option<&'a str>,
    pub(crate) disbursement_id: Option<&'a str>,
    pub(crate) reference: Option<&'a str>,
    pub(crate) note: Option<&'a str>,
}

/// Writes a movement with the balance it left: `account` as read after its balance changed,
/// inside the same transaction.
pub(crate) fn record(
    conn: &mut DbConnection,
    write: &Scope,
    account: &FundAccount,
    m: &Movement<'_>,
    now: DateTime<Utc>,
) -> Result<FundEntry, StoreError> {
    let id = new_id();
    diesel::insert_into(fund_entries::table)
        .values((
            (fund_entries::id.eq(&id), fund_entries::account_id.eq(&account.id)),
            (fund_entries::direction.eq(m.direction), fund_entries::category.eq(m.category)),
            fund_entries::amount_fen.eq(m.amount_fen),
            fund_entries::balance_after_fen.eq(account.balance_fen),
            fund_entries::complaint_id.eq(m.complaint_id),
            fund_entries::disbursement_id.eq(m.disbursement_id),
            fund_entries::reference.eq(m.reference),
            fund_entries::note.eq(m.note),
            fund_entries::recorded_by.eq(write.actor().parts().1),
            fund_entries::recorded_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(fund_entries::table.find(&id).select(FundEntry::as_select()).first(conn)?)
}

/// A page of an account's ledger, oldest first (404 outside reach).
pub fn entries(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    req: &ListRequest,
) -> Result<Page<FundEntry>, StoreError> {
    let conn = conn.raw();
    find(conn, scope, id)?;
    let query =
        || fund_entries::table.filter(fund_entries::account_id.eq(id.to_owned())).into_boxed();
    page!(conn, fund_entries, query, FundEntry, req)
}

/// An account's whole ledger, oldest first, for an export (404 outside reach).
pub fn ledger(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Vec<FundEntry>, StoreError> {
    let conn = conn.raw();
    find(conn, scope, id)?;
    Ok(fund_entries::table
        .filter(fund_entries::account_id.eq(id))
        .order(fund_entries::id.asc())
        .select(FundEntry::as_select())
        .load(conn)?)
}
