//! Approvals (审批, RULES.md §5): the matrix each group sets (with a company's override),
//! versioned on every edit; the requests that travel through it; and their decisions.
//!
//! A group without a stored matrix runs on the shipped `jinyu-2012` preset, its version 0.
//! A request keeps the steps of the version it started under, so a later edit never changes
//! a request already under way.

pub mod committee;
pub mod requests;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::approval::{Matrix, presets};

use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::Expected,
    schema::approval_policies,
    scope::{Place, Scope},
};
pub use requests::{
    ApprovalFailure, ApprovalFilter, ApprovalRequest, DecisionRecord, NewApproval, decide, get,
    list, resubmit, submit,
};

/// One version of a matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixVersion {
    /// The group.
    pub group_id: String,
    /// The company whose override it is; `None` for the group's own.
    pub company_id: Option<String>,
    /// 1, 2, …; 0 for the shipped preset a group runs on until it stores its own.
    pub version: i64,
    /// The rows.
    pub matrix: Matrix,
    /// When this version was made (naive UTC); `None` for the shipped preset.
    pub created_at: Option<NaiveDateTime>,
    /// Who made it.
    pub created_by: Option<String>,
}

type Row = (String, String, i64, String, NaiveDateTime, Option<String>);

fn parse(row: Row) -> Result<MatrixVersion, StoreError> {
    let (group_id, company_id, version, document, created_at, created_by) = row;
    let matrix = serde_json::from_str(&document)
        .map_err(|e| StoreError::Corrupt(format!("approval matrix: {e}")))?;
    Ok(MatrixVersion {
        group_id,
        company_id: (!company_id.is_empty()).then_some(company_id),
        version,
        matrix,
        created_at: Some(created_at),
        created_by,
    })
}

/// One stored version of a group's matrix (`company` empty) or a company's override; version
/// 0 of the group's is the shipped preset.
pub fn version_of(
    conn: &mut Conn,
    scope: &Scope,
    company: Option<&str>,
    version: i64,
) -> Result<MatrixVersion, StoreError> {
    let conn = conn.raw();
    if let Some(company) = company {
        crate::org::companies::require_in_group(conn, &scope.group_id, company)?;
    }
    if version == 0 && company.is_none() {
        return Ok(shipped(&scope.group_id));
    }
    let row: Row = approval_policies::table
        .filter(approval_policies::group_id.eq(&scope.group_id))
        .filter(approval_policies::company_id.eq(company.unwrap_or_default()))
        .filter(approval_policies::version.eq(version))
        .select(COLUMNS)
        .first(conn)?;
    parse(row)
}

type Columns = (
    approval_policies::group_id,
    approval_policies::company_id,
    approval_policies::version,
    approval_policies::document,
    approval_policies::created_at,
    approval_policies::created_by,
);

const COLUMNS: Columns = (
    approval_policies::group_id,
    approval_policies::company_id,
    approval_policies::version,
    approval_policies::document,
    approval_policies::created_at,
    approval_policies::created_by,
);

/// The latest stored version of a group's matrix (`company` empty) or a company's override.
fn latest(
    conn: &mut DbConnection,
    group: &str,
    company: &str,
) -> Result<Option<MatrixVersion>, StoreError> {
    let row: Option<Row> = approval_policies::table
        .filter(approval_policies::group_id.eq(group))
        .filter(approval_policies::company_id.eq(company))
        .order(approval_policies::version.desc())
        .select(COLUMNS)
        .first(conn)
        .optional()?;
    row.map(parse).transpose()
}

fn shipped(group: &str) -> MatrixVersion {
    MatrixVersion {
        group_id: group.to_owned(),
        company_id: None,
        version: 0,
        matrix: presets::jinyu_2012(),
        created_at: None,
        created_by: None,
    }
}

/// The matrix in force for a company: its override, else its group's, else the shipped preset.
pub(crate) fn in_force(
    conn: &mut DbConnection,
    group: &str,
    company: Option<&str>,
) -> Result<MatrixVersion, StoreError> {
    if let Some(company) = company
        && let Some(own) = latest(conn, group, company)?
    {
        return Ok(own);
    }
    Ok(latest(conn, group, "")?.unwrap_or_else(|| shipped(group)))
}

/// The matrix a company (or, for `None`, the group) runs on: for a company, its override when
/// it has one, else the group's.
pub fn current(
    conn: &mut Conn,
    scope: &Scope,
    company: Option<&str>,
) -> Result<MatrixVersion, StoreError> {
    let conn = conn.raw();
    if let Some(company) = company {
        crate::org::companies::require_in_group(conn, &scope.group_id, company)?;
    }
    in_force(conn, &scope.group_id, company)
}

/// Stores a new version of the group's matrix (`company` `None`) or of a company's override if
/// `expected` is still the version in force for it (0: none stored yet); else `StaleVersion`.
/// The insert of version `expected + 1` is the compare-and-swap: (group, company, version) is
/// unique. Needs a group-wide reach.
pub fn put(
    conn: &mut Conn,
    scope: &Scope,
    company: Option<&str>,
    expected: Expected,
    matrix: &Matrix,
    now: DateTime<Utc>,
) -> Result<MatrixVersion, StoreError> {
    scope.require_group()?;
    if let Some(problem) = matrix.validate().into_iter().next() {
        return Err(StoreError::Invalid { field: problem.path, message: problem.message });
    }
    transaction(conn.raw(), |conn| {
        if let Some(company) = company {
            crate::org::companies::require_in_group(conn, &scope.group_id, company)?;
        }
        let owner = company.unwrap_or_default();
        let current = latest(conn, &scope.group_id, owner)?.map_or(0, |v| v.version);
        let expected = match expected {
            Expected::Version(v) => v,
            Expected::Any => current,
        };
        if current != expected {
            return Err(StoreError::StaleVersion { current });
        }
        let next = expected + 1;
        let document = serde_json::to_string(matrix)
            .map_err(|e| StoreError::Corrupt(format!("approval matrix: {e}")))?;
        let by = scope.actor().parts().1.map(str::to_owned);
        diesel::insert_into(approval_policies::table)
            .values((
                approval_policies::id.eq(new_id()),
                approval_policies::group_id.eq(&scope.group_id),
                approval_policies::company_id.eq(owner),
                approval_policies::version.eq(next),
                approval_policies::document.eq(document),
                approval_policies::created_at.eq(to_db(now)),
                approval_policies::created_by.eq(by),
            ))
            .execute(conn)
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => StoreError::StaleVersion { current: next },
                other => other,
            })?;
        let place = Place { company: company.map(str::to_owned), ..Place::group() };
        let payload = serde_json::json!({
            "version": next, "rows": matrix.rows.len(), "preset": matrix.preset,
        });
        let subject = ("approval_policy", company.unwrap_or(&scope.group_id));
        scope.audit(conn, now, "approval_policy.versioned", subject, &place, payload)?;
        latest(conn, &scope.group_id, owner)?.ok_or(StoreError::NotFound)
    })
}
