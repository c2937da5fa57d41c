//! The SLA policy's event names that complaints and work orders fire (see the table of
//! [`SlaPolicy::default`](crate::sla::SlaPolicy)), and the clocks they name. A group may edit
//! its clocks but not these names: they are what the lifecycle emits.

/// Intake of a complaint or an early warning (受理): R-T-1, R-T-2, R-T-3, R-T-9 start.
pub const COMPLAINT_RECEIVED: &str = "complaint_received";
/// Intake of a front-desk request (物业前台受理): R-T-11 starts.
pub const FRONT_DESK_REQUEST_RECEIVED: &str = "front_desk_request_received";
/// The written ticket is complete (受理单完成).
pub const TICKET_WRITTEN: &str = "ticket_written";
/// Passed on to a colleague (转交); stops the verbal hand-over clock.
pub const COMPLAINT_HANDED_OVER: &str = "complaint_handed_over";
/// Evidence collected (取证完成).
pub const EVIDENCE_COLLECTED: &str = "evidence_collected";
/// Escalated (上报): the plan clock starts (R-T-4).
pub const COMPLAINT_ESCALATED: &str = "complaint_escalated";
/// A plan drafted (方案拟定).
pub const PLAN_DRAFTED: &str = "plan_drafted";
/// The customer agreed (客户同意): approval and start within 1 WD (R-T-5).
pub const CUSTOMER_AGREED: &str = "customer_agreed";
/// Rectification started (开工).
pub const RECTIFICATION_STARTED: &str = "rectification_started";
/// Rectification completed (整改完成): acceptance by the end of the day (R-T-5).
pub const RECTIFICATION_COMPLETED: &str = "rectification_completed";
/// The acceptance form signed (验收签字).
pub const ACCEPTANCE_SIGNED: &str = "acceptance_signed";
/// Resolved (处理完毕): the callback clock starts (R-T-6).
pub const COMPLAINT_RESOLVED: &str = "complaint_resolved";
/// The callback done (回访完成).
pub const CALLBACK_DONE: &str = "callback_done";
/// The front desk's feedback and callback done (前台回访完成, R-T-11).
pub const FRONT_DESK_CALLBACK_DONE: &str = "front_desk_callback_done";
/// Progress reported to the customer (进度反馈): the next R-T-9 period starts.
pub const PROGRESS_REPORTED: &str = "progress_reported";
/// A complaint archived (投诉关闭): the node callback a week later starts (R-T-12).
pub const COMPLAINT_CLOSED: &str = "complaint_closed";
/// A repair request archived (维修关闭): the node callback a week later starts (R-T-12).
pub const REPAIR_CLOSED: &str = "repair_closed";
/// A work order sent (联系单发出): the written reply within 0.5 WD (R-T-7).
pub const WORK_ORDER_SENT: &str = "work_order_sent";
/// A work order that needs a site survey sent: the reply within 1.5 WD (R-T-7).
pub const SURVEY_WORK_ORDER_SENT: &str = "survey_work_order_sent";
/// A complex work order sent: a reply time committed within 0.5 WD (R-T-7).
pub const COMPLEX_WORK_ORDER_SENT: &str = "complex_work_order_sent";
/// A work order replied in writing (书面回复).
pub const WORK_ORDER_REPLIED: &str = "work_order_replied";
/// A reply time committed (承诺回复时间).
pub const REPLY_TIME_COMMITTED: &str = "reply_time_committed";

/// The verbal hand-over clock (R-T-1, 5 minutes): runs for on-site intake only (R-IN-4).
pub const VERBAL_HANDOVER_CLOCK: &str = "verbal_handover";
/// The clock of complaints settled by the handler alone (R-T-3); an escalation cancels it.
pub const SELF_RESOLVE_CLOCK: &str = "self_resolve";

/// Whether an event starts, stops or resets a clock of the default policy.
#[cfg(test)]
pub(crate) fn is_known(event: &str) -> bool {
    crate::sla::SlaPolicy::default().clocks.iter().any(|c| {
        c.start_event == event || c.stop_event == event || c.reset_event.as_deref() == Some(event)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::SlaPolicy;

    #[test]
    fn every_event_is_one_of_the_default_policy() {
        for event in [
            COMPLAINT_RECEIVED,
            FRONT_DESK_REQUEST_RECEIVED,
            TICKET_WRITTEN,
            COMPLAINT_HANDED_OVER,
            EVIDENCE_COLLECTED,
            COMPLAINT_ESCALATED,
            PLAN_DRAFTED,
            CUSTOMER_AGREED,
            RECTIFICATION_STARTED,
            RECTIFICATION_COMPLETED,
            ACCEPTANCE_SIGNED,
            COMPLAINT_RESOLVED,
            CALLBACK_DONE,
            FRONT_DESK_CALLBACK_DONE,
            PROGRESS_REPORTED,
            COMPLAINT_CLOSED,
            REPAIR_CLOSED,
            WORK_ORDER_SENT,
            SURVEY_WORK_ORDER_SENT,
            COMPLEX_WORK_ORDER_SENT,
            WORK_ORDER_REPLIED,
            REPLY_TIME_COMMITTED,
        ] {
            assert!(is_known(event), "{event} is no event of the default SLA policy");
        }
        let policy = SlaPolicy::default();
        for clock in [VERBAL_HANDOVER_CLOCK, SELF_RESOLVE_CLOCK] {
            assert!(policy.clock(clock).is_some(), "{clock}");
        }
    }
}
