//! The facts of one running clock, and what [`compute`](super::compute) answers.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Coverage;

use super::SlaError;

/// The facts of one clock instance (计时): when it started, stopped, paused and was reset.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClockRun {
    /// When the start event happened.
    pub started_at: DateTime<Utc>,
    /// When the stop event happened, if it has.
    #[serde(default)]
    pub stopped_at: Option<DateTime<Utc>>,
    /// Pauses `(from, until)` in order, none overlapping; only the last may be open.
    #[serde(default)]
    pub pauses: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    /// The last reset of a recurring clock (R-T-9); ignored by clocks that do not recur.
    #[serde(default)]
    pub last_reset: Option<DateTime<Utc>>,
    /// A due agreed with the customer, replacing the computed one (R-T-9).
    #[serde(default)]
    pub negotiated_due: Option<NegotiatedDue>,
    /// When the clock was cancelled: its subject no longer needs it (an escalated complaint
    /// is not settled alone; a withdrawn one needs nothing more). A cancelled clock is neither
    /// met nor breached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// A deadline negotiated with the customer (与客户协商的期限, R-T-9), kept by the negotiator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NegotiatedDue {
    /// The agreed due.
    pub due: DateTime<Utc>,
    /// Who agreed it with the customer (a user id), and so keeps it.
    pub agreed_by: String,
    /// When it was agreed; the allowed time of a negotiated due is counted from here.
    pub agreed_at: DateTime<Utc>,
}

crate::vocabulary! {
    /// Where a clock stands (时限状态).
    pub enum ClockState as "clock_state" {
        /// Running, below the warning threshold.
        Running = "running", "计时中";
        /// Paused by the subject's state.
        Paused = "paused", "暂停";
        /// Running, at or above the warning threshold (预警).
        Warning = "warning", "预警";
        /// Running past its due (超时).
        Breached = "breached", "超时";
        /// Stopped on time.
        Met = "met", "按时完成";
        /// Stopped after its due.
        MetLate = "met_late", "超时完成";
        /// No longer needed (its subject escalated or withdrawn).
        Cancelled = "cancelled", "已取消";
    }
}

/// A clock computed at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockStatus {
    /// The due (到期时间), pauses and negotiation applied.
    pub due: DateTime<Utc>,
    /// The state at the instant asked about.
    pub state: ClockState,
    /// Working time from now to the due on the calendar; zero when past or stopped.
    pub remaining_working: TimeDelta,
    /// The elapsed share of the allowed time in percent (pauses excluded): working time for
    /// working limits, real time for calendar limits. Above 100 once past the due.
    pub elapsed_percent: u32,
    /// Whether the due rests on official holiday schedules only.
    pub coverage: Coverage,
}

impl ClockRun {
    /// A clock started at `at`, never stopped, paused or reset.
    pub fn new(started_at: DateTime<Utc>) -> Self {
        Self { started_at, ..Self::default() }
    }

    /// Whether the clock still runs (neither stopped nor cancelled).
    pub fn is_open(&self) -> bool {
        self.stopped_at.is_none() && self.cancelled_at.is_none()
    }

    /// Whether a pause is open.
    pub fn is_paused(&self) -> bool {
        self.pauses.last().is_some_and(|(_, until)| until.is_none())
    }

    /// Opens a pause at `at` (no-op when one is open or the clock has ended).
    pub fn pause(&mut self, at: DateTime<Utc>) {
        if self.is_open() && !self.is_paused() {
            self.pauses.push((at, None));
        }
    }

    /// Closes the open pause at `at` (no-op when none is open).
    pub fn resume(&mut self, at: DateTime<Utc>) {
        if let Some((from, until)) = self.pauses.last_mut()
            && until.is_none()
        {
            *until = Some(at.max(*from));
        }
    }

    /// Stops the clock at `at`, closing an open pause.
    pub fn stop(&mut self, at: DateTime<Utc>) {
        if self.is_open() {
            self.resume(at);
            self.stopped_at = Some(at.max(self.started_at));
        }
    }

    /// Cancels the clock at `at`, closing an open pause.
    pub fn cancel(&mut self, at: DateTime<Utc>) {
        if self.is_open() {
            self.resume(at);
            self.cancelled_at = Some(at.max(self.started_at));
        }
    }

    /// Refuses facts that cannot have happened.
    pub(super) fn check(&self) -> Result<(), SlaError> {
        if self.stopped_at.is_some_and(|s| s < self.started_at) {
            return Err(SlaError::StopBeforeStart);
        }
        if self.cancelled_at.is_some_and(|c| c < self.started_at) {
            return Err(SlaError::StopBeforeStart);
        }
        if self.last_reset.is_some_and(|r| r < self.started_at) {
            return Err(SlaError::ResetBeforeStart);
        }
        let mut free_from = Some(self.started_at);
        for (i, &(from, until)) in self.pauses.iter().enumerate() {
            match free_from {
                Some(f) if from >= f && until.is_none_or(|u| u >= from) => free_from = until,
                _ => return Err(SlaError::PauseOrder(i)),
            }
        }
        if self.negotiated_due.as_ref().is_some_and(|n| n.agreed_by.trim().is_empty()) {
            return Err(SlaError::NegotiatedWithoutAgreement);
        }
        Ok(())
    }
}
