//! Why a transition (of a complaint or a work order) or an intake was refused.

use std::fmt;

use serde::Serialize;

use super::{ComplaintAction, ComplaintState};

/// One field of a request that is wrong, for a 422 problem's `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field, as the API names it (`reason`, `satisfaction`).
    pub field: String,
    /// A stable snake_case code: `required`, `out_of_range`, `not_allowed`, …
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: String,
}

impl FieldProblem {
    /// A problem of `field`.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code, message: message.into() }
    }

    /// `field` must be given and not blank.
    pub fn required(field: impl Into<String>) -> Self {
        Self::new(field, "required", "this field is required")
    }
}

/// Pushes a `required` problem when `text` is blank.
pub(crate) fn require_text(out: &mut Vec<FieldProblem>, field: &str, text: &str) {
    if text.trim().is_empty() {
        out.push(FieldProblem::required(field));
    }
}

/// Why a lifecycle refused a command: a complaint's by default, a work order's as
/// `work_order::WorkOrderError`. [`LifecycleError::code`] is stable for API
/// clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError<S = ComplaintState, A = ComplaintAction>
where
    S: fmt::Display + fmt::Debug,
    A: fmt::Display + fmt::Debug,
{
    /// The action cannot be taken in this state (409 `action_not_allowed`, with the state and
    /// what is allowed).
    #[error("{action} is not allowed in state {state}")]
    NotAllowed {
        /// The current state.
        state: S,
        /// The action refused.
        action: A,
        /// What the state allows, in API order.
        allowed: Vec<A>,
    },
    /// The payload is wrong (422 `validation_failed`, naming each field).
    #[error("{} field(s) invalid", .0.len())]
    Invalid(Vec<FieldProblem>),
}

impl<S, A> LifecycleError<S, A>
where
    S: fmt::Display + fmt::Debug,
    A: fmt::Display + fmt::Debug,
{
    /// A stable snake_case code for the API's problem documents.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAllowed { .. } => "action_not_allowed",
            Self::Invalid(_) => "validation_failed",
        }
    }
}

/// `Ok` when nothing is wrong, else every problem at once.
pub(crate) fn invalid<S, A>(problems: Vec<FieldProblem>) -> Result<(), LifecycleError<S, A>>
where
    S: fmt::Display + fmt::Debug,
    A: fmt::Display + fmt::Debug,
{
    if problems.is_empty() { Ok(()) } else { Err(LifecycleError::Invalid(problems)) }
}
