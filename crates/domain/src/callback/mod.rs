//! Callbacks (回访, RULES.md §6): the tasks that call a customer back, why each exists, where
//! it stands, the group's callback settings, the Monday batch and its reproducible sample
//! (R-CB-1), and the node callbacks' dues around a survey period (R-T-12, R-CB-4).

mod node;
mod policy;
mod weekly;

pub use node::{node_due, survey_pauses};
pub use policy::{CallbackPolicy, Dissatisfaction, Question};
pub use weekly::{BatchWeek, batch_week, sample, sample_size};

use crate::vocabulary;

vocabulary! {
    /// Why a customer is called back (回访原因).
    pub enum CallbackReason as "callback_reason" {
        /// The complaint was resolved: callback within 1 WD (R-T-6).
        Completion = "completion", "处理完毕回访";
        /// A major complaint: called back by the customer director (R-CB-2).
        Major = "major", "重大投诉回访";
        /// Received last week: the Monday batch's 100 % (R-CB-1).
        Weekly = "weekly", "周回访";
        /// Still in progress: the Monday batch's sample (R-CB-1).
        WeeklySample = "weekly_sample", "在办抽样回访";
        /// One month after the contract was signed (R-T-12).
        ContractSigned = "contract_signed", "签约后回访";
        /// One week after a complaint closed (R-T-12).
        ComplaintClosed = "complaint_closed", "投诉关闭后回访";
        /// One month after the project's mass handover (R-T-12).
        MassHandover = "mass_handover", "集中交付后回访";
        /// One week after a repair closed (R-T-12).
        RepairClosed = "repair_closed", "维修关闭后回访";
    }
}

impl CallbackReason {
    /// Whether the reason is one of the node callbacks of R-T-12 (questionnaires, suspended
    /// while a satisfaction survey runs, R-CB-4).
    pub fn is_node(self) -> bool {
        matches!(
            self,
            Self::ContractSigned | Self::ComplaintClosed | Self::MassHandover | Self::RepairClosed
        )
    }

    /// The SLA policy's clock that sets a node callback's due (R-T-12).
    pub fn node_clock(self) -> Option<&'static str> {
        Some(match self {
            Self::ContractSigned => "node_callback_after_contract",
            Self::ComplaintClosed => "node_callback_after_complaint_closed",
            Self::MassHandover => "node_callback_after_mass_handover",
            Self::RepairClosed => "node_callback_after_repair_closed",
            _ => return None,
        })
    }
}

vocabulary! {
    /// Where a callback task stands (回访任务状态).
    pub enum CallbackState as "callback_state" {
        /// To be done by its due (待回访).
        Due = "due", "待回访";
        /// Done: the customer was reached (已回访).
        Done = "done", "已回访";
        /// Every attempt allowed failed to reach the customer (回访失败).
        Failed = "failed", "回访失败";
        /// No longer needed: the complaint was withdrawn (已取消).
        Cancelled = "cancelled", "已取消";
    }
}

vocabulary! {
    /// What a callback record led to (回访结果).
    pub enum CallbackOutcome as "callback_outcome" {
        /// The customer was not reached; another attempt is planned (未接通).
        NotReached = "not_reached", "未联系上";
        /// Recorded; nothing else changes (已记录).
        Recorded = "recorded", "已记录";
        /// The complaint was called back (`record_callback`).
        CalledBack = "called_back", "投诉已回访";
        /// The dissatisfied customer's complaint was reopened.
        Reopened = "reopened", "投诉已重新处理";
        /// The dissatisfied customer's point was taken as a new complaint.
        NewComplaint = "new_complaint", "已新开投诉";
    }
}
