//! The shipped matrices. Reading the R-AP table: one step per cell, in column order (reviews,
//! then approves); a cell naming several roles is one step with `mode: all` (countersign); an
//! "X or Y" is its own step with `mode: any`; a requesting center's director is the `dept_head`
//! of the requesting department, its general manager `general_manager`. Yuan in the table are
//! fen here (× 100); both bounds of a range are inclusive.

use super::{
    matrix::{GradeMatch, Matrix, Row, Step},
    vocab::{DocumentKind as D, StepKind as K, StepMode as M},
};
use crate::access::Role as R;

/// The names of the presets, the default first.
pub const NAMES: [&str; 2] = [JINYU_2012, SERVICE_FUND];
/// The R-AP table of 004 §3.9.5 (the default).
pub const JINYU_2012: &str = "jinyu-2012";
/// The R-AP table, with the fund disbursements of R-AP-3 (001).
pub const SERVICE_FUND: &str = "service-fund";

/// A preset by name.
pub fn named(name: &str) -> Option<Matrix> {
    match name {
        JINYU_2012 => Some(jinyu_2012()),
        SERVICE_FUND => Some(service_fund()),
        _ => None,
    }
}

fn review(roles: &[R]) -> Step {
    Step::new(K::Review, roles, M::All)
}

fn approve(roles: &[R]) -> Step {
    Step::new(K::Approve, roles, M::All)
}

fn row(document: D, grade: GradeMatch, steps: Vec<Step>) -> Row {
    Row { document, grade, min_fen: None, max_fen: None, steps }
}

fn funds(range: (Option<i64>, Option<i64>), steps: Vec<Step>) -> Row {
    Row {
        document: D::FundDisbursement,
        grade: GradeMatch::Any,
        min_fen: range.0,
        max_fen: range.1,
        steps,
    }
}

/// The rows every preset shares: tickets, proposals and final plans by grade (R-AP table),
/// grade lowering, and key-account requests (R-AP-4).
fn documents() -> Vec<Row> {
    let center = || review(&[R::CsManager, R::CustomerDirector]);
    let office = || approve(&[R::OfficeDirector]);
    let mut rows = Vec::new();
    for document in [D::Ticket, D::Proposal, D::FinalPlan] {
        rows.push(row(document, GradeMatch::General, vec![center(), office()]));
    }
    for grade in [GradeMatch::Important, GradeMatch::Major] {
        rows.push(row(D::Ticket, grade, vec![center(), office()]));
        rows.push(row(
            D::Proposal,
            grade,
            vec![
                review(&[R::CsManager, R::CustomerDirector, R::DeptHead]),
                office(),
                Step::new(K::Approve, &[R::GeneralManager, R::Vp], M::Any),
            ],
        ));
        rows.push(row(
            D::FinalPlan,
            grade,
            vec![review(&[R::OfficeDirector, R::CustomerDirector]), approve(&[R::Vp])],
        ));
    }
    let manager_then_director = || vec![review(&[R::CsManager]), approve(&[R::CustomerDirector])];
    rows.push(row(D::GradeLowering, GradeMatch::Any, manager_then_director()));
    rows.push(row(D::KeyAccountRequest, GradeMatch::Any, manager_then_director()));
    // R-AP-2: the customer center assesses, the office director approves, the president decides.
    rows.push(row(
        D::CommitteeDecision,
        GradeMatch::Any,
        vec![
            review(&[R::CustomerDirector]),
            approve(&[R::OfficeDirector]),
            approve(&[R::President]),
        ],
    ));
    rows
}

/// `jinyu-2012`: the R-AP table. Funds below 500 yuan: the CS manager reviews, the customer
/// director approves; 500 – 10,000 yuan: the office director and the customer director review,
/// the VP approves; 10,000 yuan and more: the office director and the VP review, the president
/// approves.
pub fn jinyu_2012() -> Matrix {
    let mut rows = documents();
    rows.push(funds(
        (None, Some(49_999)),
        vec![review(&[R::CsManager]), approve(&[R::CustomerDirector])],
    ));
    rows.push(funds(
        (Some(50_000), Some(999_999)),
        vec![review(&[R::OfficeDirector, R::CustomerDirector]), approve(&[R::Vp])],
    ));
    rows.push(funds(
        (Some(1_000_000), None),
        vec![review(&[R::OfficeDirector, R::Vp]), approve(&[R::President])],
    ));
    Matrix { preset: Some(JINYU_2012.to_owned()), rows }
}

/// `service-fund`: R-AP-3 for fund disbursements (below 10,000 yuan the CS manager reviews and
/// the development director approves; 10,000 – 100,000 yuan the general manager approves;
/// above, the regional headquarters), the R-AP table for the other documents.
pub fn service_fund() -> Matrix {
    let mut rows = documents();
    rows.push(funds(
        (None, Some(999_999)),
        vec![review(&[R::CsManager]), approve(&[R::DevelopmentDirector])],
    ));
    rows.push(funds((Some(1_000_000), Some(10_000_000)), vec![approve(&[R::GeneralManager])]));
    rows.push(funds((Some(10_000_001), None), vec![approve(&[R::RegionalHq])]));
    Matrix { preset: Some(SERVICE_FUND.to_owned()), rows }
}
