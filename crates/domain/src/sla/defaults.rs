//! The default policy: the clock column of RULES.md §3 (R-T).

use crate::duration::{CalendarDuration, SlaDuration};

use super::{ClockDef, DEFAULT_WARNING_PERCENT, DueRule, SlaPolicy};

impl Default for SlaPolicy {
    /// The clocks of RULES.md §3, one per limit, with the default warning at 80 %.
    ///
    /// Events (the complaint lifecycle's, later) and what starts or stops on them:
    ///
    /// | event | starts | stops |
    /// |---|---|---|
    /// | `complaint_received` 受理 | `written_ticket`, `verbal_handover` (R-T-1), `evidence` (R-T-2), `self_resolve` (R-T-3), `progress_feedback` (R-T-9) | |
    /// | `ticket_written` 受理单完成 | | `written_ticket` |
    /// | `complaint_handed_over` 口头转交 | | `verbal_handover` |
    /// | `evidence_collected` 取证完成 | | `evidence` |
    /// | `complaint_escalated` 上报 | `plan` (R-T-4) | |
    /// | `plan_drafted` 方案拟定 | | `plan` |
    /// | `customer_agreed` 客户同意 | `approve_and_start` (R-T-5) | |
    /// | `rectification_started` 开工 | | `approve_and_start` |
    /// | `rectification_completed` 整改完成 | `acceptance_signed` (R-T-5) | |
    /// | `acceptance_signed` 验收签字 | | `acceptance_signed` |
    /// | `complaint_resolved` 处理完毕 | `callback` (R-T-6) | `self_resolve`, `progress_feedback` |
    /// | `callback_done` 回访完成 | | `callback` |
    /// | `work_order_sent` 联系单发出 | `internal_reply` (R-T-7) | |
    /// | `survey_work_order_sent` 需现场勘查的联系单 | `internal_reply_with_survey` | |
    /// | `complex_work_order_sent` 需承诺回复时间的联系单 | `committed_reply_time` | |
    /// | `work_order_replied` 书面回复 | | `internal_reply`, `internal_reply_with_survey` |
    /// | `reply_time_committed` 承诺回复时间 | | `committed_reply_time` |
    /// | `approval_requested` 报批 | `internal_approval` (R-T-8) | |
    /// | `special_approval_requested` 特殊事项报批 | `special_approval_answer`, `special_approval` | |
    /// | `approval_answered` 答复 | | `special_approval_answer` |
    /// | `approval_decided` 审批完成 | | `internal_approval`, `special_approval` |
    /// | `progress_reported` 进度反馈 | resets `progress_feedback` (R-T-9) | |
    /// | `task_assigned` 任务布置 | `documents` (R-T-10) | |
    /// | `documents_submitted` 文件提交 | | `documents` |
    /// | `front_desk_request_received` 物业前台受理 | `front_desk_feedback` (R-T-11) | |
    /// | `front_desk_callback_done` 前台回访完成 | | `front_desk_feedback` |
    /// | `contract_signed`, `complaint_closed`, `mass_handover_completed`, `repair_closed` | the `node_callback_after_*` clocks (R-T-12) | |
    /// | `node_callback_done` 节点回访完成 | | the `node_callback_after_*` clocks |
    ///
    /// Pause states: `awaiting_customer` (待客户) pauses `self_resolve`; the group's
    /// `satisfaction_survey_period` (满意度调查期) pauses the node callbacks (R-CB-4).
    /// "Escalate at once" (R-T-4) has no clock: it is immediate, not a limit.
    fn default() -> Self {
        use DueRule::{After, CalendarMonths, EndOfWorkingDay};
        let received = "complaint_received";
        let node = |name, label, start, due| {
            let mut c = clock(name, "R-T-12", label, start, "node_callback_done", due);
            c.pause_states = vec!["satisfaction_survey_period".to_owned()];
            c
        };
        let mut self_resolve = clock(
            "self_resolve",
            "R-T-3",
            "自行处理完毕",
            received,
            "complaint_resolved",
            After(d("5WD")),
        );
        self_resolve.pause_states = vec!["awaiting_customer".to_owned()];
        let mut progress = clock(
            "progress_feedback",
            "R-T-9",
            "进度反馈",
            received,
            "complaint_resolved",
            After(d("3WD")),
        );
        progress.recurrence = Some(d("3WD"));
        progress.reset_event = Some("progress_reported".to_owned());
        let clocks = vec![
            clock(
                "written_ticket",
                "R-T-1",
                "书面受理单",
                received,
                "ticket_written",
                After(d("30WM")),
            ),
            clock(
                "verbal_handover",
                "R-T-1",
                "口头投诉转交",
                received,
                "complaint_handed_over",
                After(d("PT5M")),
            ),
            clock(
                "evidence",
                "R-T-2",
                "证据收集",
                received,
                "evidence_collected",
                EndOfWorkingDay(1),
            ),
            self_resolve,
            clock(
                "plan",
                "R-T-4",
                "处理方案拟定",
                "complaint_escalated",
                "plan_drafted",
                After(d("1WD")),
            ),
            clock(
                "approve_and_start",
                "R-T-5",
                "方案审批并开工",
                "customer_agreed",
                "rectification_started",
                After(d("1WD")),
            ),
            clock(
                "acceptance_signed",
                "R-T-5",
                "整改验收签字",
                "rectification_completed",
                "acceptance_signed",
                EndOfWorkingDay(1),
            ),
            clock(
                "callback",
                "R-T-6",
                "处理完毕回访",
                "complaint_resolved",
                "callback_done",
                After(d("1WD")),
            ),
            clock(
                "internal_reply",
                "R-T-7",
                "内部书面回复",
                "work_order_sent",
                "work_order_replied",
                After(d("0.5WD")),
            ),
            clock(
                "internal_reply_with_survey",
                "R-T-7",
                "现场勘查后书面回复",
                "survey_work_order_sent",
                "work_order_replied",
                After(d("1.5WD")),
            ),
            clock(
                "committed_reply_time",
                "R-T-7",
                "承诺回复时间",
                "complex_work_order_sent",
                "reply_time_committed",
                After(d("0.5WD")),
            ),
            clock(
                "internal_approval",
                "R-T-8",
                "内部审批",
                "approval_requested",
                "approval_decided",
                After(d("P1D")),
            ),
            clock(
                "special_approval_answer",
                "R-T-8",
                "特殊事项答复",
                "special_approval_requested",
                "approval_answered",
                After(d("P1D")),
            ),
            clock(
                "special_approval",
                "R-T-8",
                "特殊事项审批",
                "special_approval_requested",
                "approval_decided",
                After(d("P3D")),
            ),
            progress,
            clock(
                "documents",
                "R-T-10",
                "书面文件提交",
                "task_assigned",
                "documents_submitted",
                After(d("1WD")),
            ),
            clock(
                "front_desk_feedback",
                "R-T-11",
                "物业前台反馈回访",
                "front_desk_request_received",
                "front_desk_callback_done",
                After(d("P3D")),
            ),
            node(
                "node_callback_after_contract",
                "签约后一个月回访",
                "contract_signed",
                CalendarMonths(1),
            ),
            node(
                "node_callback_after_complaint_closed",
                "投诉关闭后一周回访",
                "complaint_closed",
                After(d("P7D")),
            ),
            node(
                "node_callback_after_mass_handover",
                "集中交付后一个月回访",
                "mass_handover_completed",
                CalendarMonths(1),
            ),
            node(
                "node_callback_after_repair_closed",
                "维修关闭后一周回访",
                "repair_closed",
                After(d("P7D")),
            ),
        ];
        Self {
            clocks,
            max_backdate_days: super::policy::default_max_backdate_days(),
            grading: crate::complaint::GradingPolicy::default(),
            lifecycle: crate::complaint::Context::default(),
            callbacks: crate::callback::CallbackPolicy::default(),
        }
    }
}

fn clock(name: &str, rule: &str, label: &str, start: &str, stop: &str, due: DueRule) -> ClockDef {
    ClockDef {
        name: name.to_owned(),
        rule_id: rule.to_owned(),
        label_zh: label.to_owned(),
        start_event: start.to_owned(),
        stop_event: stop.to_owned(),
        due,
        recurrence: None,
        reset_event: None,
        pause_states: Vec::new(),
        warning_percent: DEFAULT_WARNING_PERCENT,
    }
}

/// A preset duration. The texts above are constants; were one ever mistyped it would become a
/// zero duration, which [`SlaPolicy::validate`] reports and the tests check for.
fn d(text: &str) -> SlaDuration {
    text.parse().unwrap_or(SlaDuration::Calendar(CalendarDuration::default()))
}
