//! Approvals (审批, RULES.md §5): the matrix (`policy`), the route a request would take, the
//! requests themselves with their decisions, and the inbox of those awaiting the caller.

pub mod committee;
pub mod policy;
pub mod requests;

use actix_web::http::StatusCode;
use kefu_persistence::{approvals::ApprovalFailure, funds::Pending};

use crate::problem::{ApiError, PendingStep};

/// The 409 `approval_pending` problem naming the step still awaited and its roles.
pub fn pending(p: &Pending) -> ApiError {
    let step = p.step.as_ref();
    ApiError::ApprovalPending(Box::new(PendingStep {
        approval_id: p.approval_id.clone(),
        approval_state: p.state.as_str().to_owned(),
        index: step.map(|s| s.0),
        kind: step.map(|s| s.1.kind.as_str().to_owned()),
        mode: step.map(|s| s.1.mode.as_str().to_owned()),
        roles: step
            .map_or_else(Vec::new, |s| s.1.roles.iter().map(|r| r.as_str().to_owned()).collect()),
        awaited_roles: p.awaited.iter().map(|r| r.as_str().to_owned()).collect(),
    }))
}

impl From<ApprovalFailure> for ApiError {
    fn from(e: ApprovalFailure) -> Self {
        let detail = e.to_string();
        match e {
            ApprovalFailure::Store(e) => e.into(),
            ApprovalFailure::NotAllowed(_) => {
                ApiError::Refused(StatusCode::CONFLICT, "approval_not_pending", detail)
            }
            ApprovalFailure::OwnRequest => {
                ApiError::Refused(StatusCode::FORBIDDEN, "own_request", detail)
            }
            ApprovalFailure::NotPreparer => {
                ApiError::Refused(StatusCode::FORBIDDEN, "not_preparer", detail)
            }
            ApprovalFailure::NotHisStep(_) => {
                ApiError::Refused(StatusCode::FORBIDDEN, "not_your_step", detail)
            }
            ApprovalFailure::AlreadyDecided => {
                ApiError::Refused(StatusCode::CONFLICT, "already_decided", detail)
            }
            ApprovalFailure::NoRoute => ApiError::field("document", "no_route", detail),
        }
    }
}
