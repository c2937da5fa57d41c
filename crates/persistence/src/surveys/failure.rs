//! Why a survey or improvement-plan operation is refused: the HTTP layer maps each to one
//! problem `code`.

use kefu_domain::survey::csv::RowError;

use crate::error::StoreError;

/// Why a survey or improvement-plan operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum SurveyFailure {
    /// A storage failure (404, 403, 412, …).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An action the record's state does not allow.
    #[error("{action} is not allowed in state {state}")]
    NotAllowed {
        /// The state.
        state: &'static str,
        /// The action refused.
        action: &'static str,
        /// What the state allows.
        allowed: Vec<&'static str>,
    },
    /// Distributions and answers are taken only while collecting.
    #[error("the survey is {0}: distributions and answers are taken only while collecting")]
    NotCollecting(&'static str),
    /// The respondent answered already (one answer each).
    #[error("this customer answered the survey already")]
    AlreadyAnswered,
    /// A reply before the company's official position on the comment (R-SAT-1).
    #[error("record the company's official position on this comment before replying")]
    PositionRequired,
    /// The comment was answered already.
    #[error("this comment has its reply already")]
    AlreadyReplied,
    /// A department has a plan for that year already (R-SAT-3).
    #[error("the department has an improvement plan for this year already")]
    PlanExists,
    /// The plan's items may change only in draft or returned.
    #[error("the plan is {0}: its items change only in draft or returned")]
    PlanNotEditable(&'static str),
    /// Progress is reported only on an approved plan.
    #[error("progress is reported only on an approved plan (this one is {0})")]
    PlanNotApproved(&'static str),
    /// Fields of the request that are wrong: `(field, code, message)`.
    #[error("{} invalid", .0.len())]
    Fields(Vec<(String, &'static str, String)>),
    /// Rows of an imported file that are wrong.
    #[error("{} rows invalid", .0.len())]
    Rows(Vec<RowError>),
}

impl SurveyFailure {
    /// A single-field refusal.
    pub fn field(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self::Fields(vec![(field.into(), code, message.into())])
    }
}

impl From<diesel::result::Error> for SurveyFailure {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}
