//! A work order's commands: each action with its payload, and the payload's checks.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::WorkOrderAction;
use crate::complaint::error::require_text;
use crate::complaint::{ApologyMeans, FieldProblem};
use crate::ids::{AttachmentId, ContractorId};

/// An action with its payload, as `POST /work-orders/{id}/transitions` carries it:
/// `{"action": "record_acceptance", "passed": false, "comment": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum WorkOrderCommand {
    /// Commit the time by which the department will reply (complex orders, R-T-7).
    CommitReplyTime {
        /// The committed reply time.
        reply_by: DateTime<Utc>,
    },
    /// Reply with a proposal (R-WO-2).
    Reply {
        /// The proposal (建议方案).
        proposal: String,
    },
    /// The department head approves the reply (R-WO-2).
    ApproveReply,
    /// Record the site survey, signed on the sheet (R-WO-3).
    RecordSurvey {
        /// What the survey found.
        findings: String,
        /// Photos and scans already uploaded.
        #[serde(default)]
        attachment_ids: Vec<AttachmentId>,
    },
    /// Give the rectification to a contractor, with its deadline (R-WO-4).
    AssignRectification {
        /// The contractor (施工单位).
        contractor_id: ContractorId,
        /// When it must be done.
        deadline: DateTime<Utc>,
    },
    /// Record the customer's acceptance (整改客户验收确认单, R-WO-4).
    RecordAcceptance {
        /// Whether the rectification passed.
        passed: bool,
        /// What the customer said; required when it failed.
        #[serde(default)]
        comment: Option<String>,
    },
    /// Record an apology the customer center required (R-WO-5).
    Apologize {
        /// How it was made.
        means: ApologyMeans,
        /// What was said or written.
        #[serde(default)]
        note: Option<String>,
    },
    /// Close the work order.
    Close {
        /// Why; required unless the reply was approved or the rectification accepted.
        #[serde(default)]
        reason: Option<String>,
    },
}

impl WorkOrderCommand {
    /// The action, without its payload.
    pub fn action(&self) -> WorkOrderAction {
        use WorkOrderAction as A;
        match self {
            Self::CommitReplyTime { .. } => A::CommitReplyTime,
            Self::Reply { .. } => A::Reply,
            Self::ApproveReply => A::ApproveReply,
            Self::RecordSurvey { .. } => A::RecordSurvey,
            Self::AssignRectification { .. } => A::AssignRectification,
            Self::RecordAcceptance { .. } => A::RecordAcceptance,
            Self::Apologize { .. } => A::Apologize,
            Self::Close { .. } => A::Close,
        }
    }

    /// The problems of the payload that need no state: `required` (blank text, the comment of
    /// a failed acceptance), `not_in_future` (a reply time or deadline not after `now`).
    pub(super) fn validate(&self, now: DateTime<Utc>) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let future = |out: &mut Vec<FieldProblem>, field: &str, at: &DateTime<Utc>| {
            if *at <= now {
                out.push(FieldProblem::new(field, "not_in_future", "must lie in the future"));
            }
        };
        match self {
            Self::CommitReplyTime { reply_by } => future(&mut out, "reply_by", reply_by),
            Self::Reply { proposal } => require_text(&mut out, "proposal", proposal),
            Self::RecordSurvey { findings, attachment_ids } => {
                require_text(&mut out, "findings", findings);
                for (i, id) in attachment_ids.iter().enumerate() {
                    require_text(&mut out, &format!("attachment_ids[{i}]"), id.as_str());
                }
            }
            Self::AssignRectification { contractor_id, deadline } => {
                require_text(&mut out, "contractor_id", contractor_id.as_str());
                future(&mut out, "deadline", deadline);
            }
            Self::RecordAcceptance { passed: false, comment } => {
                require_text(&mut out, "comment", comment.as_deref().unwrap_or_default());
            }
            Self::RecordAcceptance { passed: true, .. }
            | Self::ApproveReply
            | Self::Apologize { .. }
            | Self::Close { .. } => {}
        }
        out
    }
}
