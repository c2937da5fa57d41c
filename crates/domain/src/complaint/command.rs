//! A complaint's commands: each action with its payload, and the payload's checks.

use serde::{Deserialize, Serialize};

use super::error::require_text;
use super::{CallbackMethod, ComplaintAction, FieldProblem};
use crate::ids::{AttachmentId, UserId};

/// The lowest and highest satisfaction a callback records (满意度, 1 = very dissatisfied).
pub const SATISFACTION: std::ops::RangeInclusive<u8> = 1..=5;

/// An action with its payload, as `POST /complaints/{id}/transitions` carries it:
/// `{"action": "escalate", "reason": "…"}`. Text is checked by [`Command::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    /// Write the ticket.
    WriteTicket,
    /// Hand over to a colleague, who becomes the owner.
    HandOver {
        /// Who takes it over.
        to_user_id: UserId,
        /// Why.
        reason: String,
    },
    /// Record the evidence.
    CollectEvidence {
        /// What was found.
        findings: String,
        /// Photos, scans, recordings already uploaded to the complaint.
        #[serde(default)]
        attachment_ids: Vec<AttachmentId>,
    },
    /// Handle it alone (general grade only).
    Handle,
    /// Escalate to the direct superior.
    Escalate {
        /// Why it cannot be settled alone.
        reason: String,
    },
    /// Propose a plan to the customer.
    ProposePlan {
        /// The plan.
        plan: String,
    },
    /// The customer agreed.
    Agree {
        /// The terms agreed.
        terms: String,
    },
    /// Approve the final plan.
    ApprovePlan,
    /// Start the rectification.
    StartRectification,
    /// Complete the rectification.
    CompleteRectification,
    /// The customer signed the acceptance form.
    Accept,
    /// The customer refused acceptance.
    Reject {
        /// Why.
        reason: String,
    },
    /// Resolve it.
    Resolve {
        /// How it was settled.
        resolution: String,
    },
    /// Record a callback (R-CB-3).
    RecordCallback {
        /// How the customer was called back.
        method: CallbackMethod,
        /// Whether the customer was reached.
        reached: bool,
        /// Satisfaction 1 to 5, when the customer was reached and gave one.
        #[serde(default)]
        satisfaction: Option<u8>,
        /// What the customer said.
        #[serde(default)]
        comment: Option<String>,
    },
    /// Archive it.
    Archive,
    /// Reopen it.
    Reopen {
        /// Why.
        reason: String,
    },
    /// Wait for the customer.
    AwaitCustomer,
    /// Resume after waiting.
    Resume,
    /// Tell the customer how it progresses (R-T-9).
    ReportProgress {
        /// What the customer was told.
        message: String,
    },
    /// Withdraw it.
    Withdraw {
        /// Why.
        reason: String,
    },
}

impl Command {
    /// The action, without its payload.
    pub fn action(&self) -> ComplaintAction {
        use ComplaintAction as A;
        match self {
            Self::WriteTicket => A::WriteTicket,
            Self::HandOver { .. } => A::HandOver,
            Self::CollectEvidence { .. } => A::CollectEvidence,
            Self::Handle => A::Handle,
            Self::Escalate { .. } => A::Escalate,
            Self::ProposePlan { .. } => A::ProposePlan,
            Self::Agree { .. } => A::Agree,
            Self::ApprovePlan => A::ApprovePlan,
            Self::StartRectification => A::StartRectification,
            Self::CompleteRectification => A::CompleteRectification,
            Self::Accept => A::Accept,
            Self::Reject { .. } => A::Reject,
            Self::Resolve { .. } => A::Resolve,
            Self::RecordCallback { .. } => A::RecordCallback,
            Self::Archive => A::Archive,
            Self::Reopen { .. } => A::Reopen,
            Self::AwaitCustomer => A::AwaitCustomer,
            Self::Resume => A::Resume,
            Self::ReportProgress { .. } => A::ReportProgress,
            Self::Withdraw { .. } => A::Withdraw,
        }
    }

    /// Every problem of the payload; empty when it is valid. Codes: `required` (missing or
    /// blank text), `out_of_range` (satisfaction outside 1 to 5), `not_allowed` (a
    /// satisfaction from a customer who was not reached).
    pub fn validate(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        match self {
            Self::HandOver { to_user_id, reason } => {
                require_text(&mut out, "to_user_id", to_user_id.as_str());
                require_text(&mut out, "reason", reason);
            }
            Self::CollectEvidence { findings, attachment_ids } => {
                require_text(&mut out, "findings", findings);
                for (i, id) in attachment_ids.iter().enumerate() {
                    require_text(&mut out, &format!("attachment_ids[{i}]"), id.as_str());
                }
            }
            Self::Escalate { reason } | Self::Reject { reason } => {
                require_text(&mut out, "reason", reason);
            }
            Self::Reopen { reason } | Self::Withdraw { reason } => {
                require_text(&mut out, "reason", reason);
            }
            Self::ProposePlan { plan } => require_text(&mut out, "plan", plan),
            Self::Agree { terms } => require_text(&mut out, "terms", terms),
            Self::Resolve { resolution } => require_text(&mut out, "resolution", resolution),
            Self::ReportProgress { message } => require_text(&mut out, "message", message),
            Self::RecordCallback { reached, satisfaction, .. } => match satisfaction {
                Some(_) if !reached => out.push(FieldProblem::new(
                    "satisfaction",
                    "not_allowed",
                    "a customer who was not reached gives no satisfaction",
                )),
                Some(s) if !SATISFACTION.contains(s) => out.push(FieldProblem::new(
                    "satisfaction",
                    "out_of_range",
                    format!("must be 1 to 5, not {s}"),
                )),
                _ => {}
            },
            Self::WriteTicket
            | Self::Handle
            | Self::ApprovePlan
            | Self::StartRectification
            | Self::CompleteRectification
            | Self::Accept
            | Self::Archive
            | Self::AwaitCustomer
            | Self::Resume => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_read_the_api_body() {
        let cmd: Command =
            serde_json::from_str(r#"{"action": "escalate", "reason": "需工程部配合"}"#).unwrap();
        assert_eq!(cmd, Command::Escalate { reason: "需工程部配合".into() });
        assert_eq!(cmd.action(), ComplaintAction::Escalate);
        let cmd: Command = serde_json::from_str(
            r#"{"action": "record_callback", "method": "phone", "reached": true, "satisfaction": 4}"#,
        )
        .unwrap();
        assert_eq!(cmd.action(), ComplaintAction::RecordCallback);
        assert_eq!(cmd.validate(), vec![]);
        let cmd: Command = serde_json::from_str(r#"{"action": "write_ticket"}"#).unwrap();
        assert_eq!(cmd, Command::WriteTicket);
        assert!(serde_json::from_str::<Command>(r#"{"action": "escalate"}"#).is_err());
    }

    #[test]
    fn blank_text_is_required_by_field() {
        let cmd = Command::HandOver { to_user_id: " ".into(), reason: "\t".into() };
        let fields: Vec<(String, &str)> =
            cmd.validate().into_iter().map(|p| (p.field, p.code)).collect();
        assert_eq!(
            fields,
            [("to_user_id".to_owned(), "required"), ("reason".to_owned(), "required")]
        );
        let cmd =
            Command::CollectEvidence { findings: "渗水".into(), attachment_ids: vec!["".into()] };
        assert_eq!(cmd.validate()[0].field, "attachment_ids[0]");
    }

    #[test]
    fn r_cb_3_a_callback_rates_only_a_customer_it_reached() {
        let callback = |reached, satisfaction| Command::RecordCallback {
            method: CallbackMethod::Phone,
            reached,
            satisfaction,
            comment: None,
        };
        assert_eq!(callback(true, Some(5)).validate(), vec![]);
        assert_eq!(callback(true, None).validate(), vec![]);
        assert_eq!(callback(false, None).validate(), vec![]);
        assert_eq!(callback(true, Some(0)).validate()[0].code, "out_of_range");
        assert_eq!(callback(true, Some(6)).validate()[0].code, "out_of_range");
        assert_eq!(callback(false, Some(3)).validate()[0].code, "not_allowed");
    }
}
