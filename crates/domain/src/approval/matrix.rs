//! The approval matrix as data: rows of (document kind, grade or `any`, amount range in fen)
//! to the ordered steps a request takes.

use serde::{Deserialize, Serialize};

use super::vocab::{DocumentKind, StepKind, StepMode};
use crate::{access::Role, complaint::Grade};

crate::vocabulary! {
    /// The grade a row applies to: one grade, or any.
    pub enum GradeMatch as "grade_match" {
        /// Every grade.
        Any = "any", "任意等级";
        /// General complaints.
        General = "general", "一般";
        /// Important complaints.
        Important = "important", "重要";
        /// Major complaints.
        Major = "major", "重大";
    }
}

impl GradeMatch {
    /// Whether a request of `grade` falls under this row.
    pub fn matches(self, grade: Grade) -> bool {
        match self {
            Self::Any => true,
            Self::General => grade == Grade::General,
            Self::Important => grade == Grade::Important,
            Self::Major => grade == Grade::Major,
        }
    }
}

/// One step of a route: who decides it and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Reviews (审核) or approves (审批).
    pub kind: StepKind,
    /// The roles that decide it, held in the scope of the request's project.
    pub roles: Vec<Role>,
    /// `all`: every role (or every named user) approves (会签); `any`: one of them.
    pub mode: StepMode,
}

impl Step {
    /// A step.
    pub fn new(kind: StepKind, roles: &[Role], mode: StepMode) -> Self {
        Self { kind, roles: roles.to_vec(), mode }
    }
}

/// One row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// The document kind.
    pub document: DocumentKind,
    /// The grade, or `any`.
    pub grade: GradeMatch,
    /// The least amount this row covers, in fen (inclusive); none: from zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_fen: Option<i64>,
    /// The greatest amount this row covers, in fen (inclusive); none: without limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_fen: Option<i64>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Row {
    /// Whether a request of this kind, grade and amount falls under the row. A row with an
    /// amount range needs an amount.
    pub fn covers(&self, document: DocumentKind, grade: Grade, amount_fen: Option<i64>) -> bool {
        if self.document != document || !self.grade.matches(grade) {
            return false;
        }
        if self.min_fen.is_none() && self.max_fen.is_none() {
            return true;
        }
        amount_fen.is_some_and(|a| {
            self.min_fen.is_none_or(|min| a >= min) && self.max_fen.is_none_or(|max| a <= max)
        })
    }
}

/// The matrix: its rows, first match wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    /// The preset it was made from, when it is one unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The rows.
    pub rows: Vec<Row>,
}

/// What is wrong with a matrix, by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixProblem {
    /// Where (`rows[2].steps[0].roles`).
    pub path: String,
    /// A stable code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

/// At most this many rows.
pub const MAX_ROWS: usize = 200;
/// At most this many steps per row.
pub const MAX_STEPS: usize = 10;

impl Matrix {
    /// The steps a request of this kind, grade and amount takes: the first row that covers it.
    pub fn route(
        &self,
        document: DocumentKind,
        grade: Grade,
        amount_fen: Option<i64>,
    ) -> Option<&[Step]> {
        self.rows.iter().find(|r| r.covers(document, grade, amount_fen)).map(|r| &r.steps[..])
    }

    /// Every problem of the matrix (empty when it is sound).
    pub fn validate(&self) -> Vec<MatrixProblem> {
        let mut problems = Vec::new();
        let mut add = |path: String, code, message: &str| {
            problems.push(MatrixProblem { path, code, message: message.to_owned() })
        };
        if self.rows.is_empty() {
            add("rows".into(), "empty", "at least one row");
        }
        if self.rows.len() > MAX_ROWS {
            add("rows".into(), "too_many", "at most 200 rows");
        }
        for (i, row) in self.rows.iter().enumerate() {
            for (name, value) in [("min_fen", row.min_fen), ("max_fen", row.max_fen)] {
                if value.is_some_and(|v| v < 0) {
                    add(format!("rows[{i}].{name}"), "out_of_range", "an amount is 0 or more");
                }
            }
            if let (Some(min), Some(max)) = (row.min_fen, row.max_fen)
                && min > max
            {
                add(format!("rows[{i}].max_fen"), "out_of_range", "max_fen is min_fen or more");
            }
            if row.steps.is_empty() || row.steps.len() > MAX_STEPS {
                add(format!("rows[{i}].steps"), "length", "1 to 10 steps");
            }
            for (j, step) in row.steps.iter().enumerate() {
                let path = format!("rows[{i}].steps[{j}].roles");
                if step.roles.is_empty() || step.roles.len() > 10 {
                    add(path.clone(), "length", "1 to 10 roles");
                }
                let mut seen = step.roles.clone();
                seen.sort_by_key(|r| r.as_str());
                seen.dedup();
                if seen.len() != step.roles.len() {
                    add(path.clone(), "duplicate", "each role once");
                }
                if step.roles.iter().any(|r| matches!(r, Role::PlatformOperator)) {
                    add(path, "invalid", "platform operators decide no group's requests");
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::presets;

    #[test]
    fn a_row_with_a_range_needs_an_amount_and_bounds_are_inclusive() {
        let row = Row {
            document: DocumentKind::FundDisbursement,
            grade: GradeMatch::Any,
            min_fen: Some(50_000),
            max_fen: Some(999_999),
            steps: vec![],
        };
        let fund = DocumentKind::FundDisbursement;
        assert!(!row.covers(fund, Grade::General, None));
        assert!(!row.covers(fund, Grade::General, Some(49_999)));
        assert!(row.covers(fund, Grade::Major, Some(50_000)));
        assert!(row.covers(fund, Grade::Major, Some(999_999)));
        assert!(!row.covers(fund, Grade::Major, Some(1_000_000)));
        assert!(!row.covers(DocumentKind::Ticket, Grade::Major, Some(60_000)));
    }

    #[test]
    fn the_presets_are_sound_and_bad_matrices_name_the_field() {
        for name in presets::NAMES {
            assert_eq!(presets::named(name).unwrap().validate(), vec![], "{name}");
        }
        let mut bad = presets::jinyu_2012();
        bad.rows[0].steps[0].roles.clear();
        bad.rows[1].min_fen = Some(10);
        bad.rows[1].max_fen = Some(5);
        let paths: Vec<String> = bad.validate().into_iter().map(|p| p.path).collect();
        assert_eq!(paths, ["rows[0].steps[0].roles", "rows[1].max_fen"]);
    }
}
