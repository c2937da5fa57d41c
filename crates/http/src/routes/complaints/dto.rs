//! What the complaint endpoints take and answer.

use chrono::{DateTime, FixedOffset};
use kefu_domain::{
    complaint::{
        CallbackMethod, Category, Channel, ComplaintAction, ComplaintKind, ComplaintState, Flag,
        Grade, WarningSource,
    },
    sla::ClockState,
};
use kefu_persistence::{complaints::Complaint, sla::ClockNow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{list_query, page_type, time::local};

/// One clock of a complaint, computed when it is read.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockView {
    /// Its name in the group's SLA policy (`self_resolve`).
    pub clock: String,
    /// The rule it implements (`R-T-3`).
    pub rule_id: String,
    /// Its label (`自行处理完毕`).
    pub label: String,
    /// Where it stands now: a clock past its due reads `breached` at once.
    pub state: ClockState,
    /// When it started.
    pub started_at: DateTime<FixedOffset>,
    /// When it stopped, if it has.
    pub stopped_at: Option<DateTime<FixedOffset>>,
    /// Its due, pauses and agreements applied.
    pub due_at: DateTime<FixedOffset>,
    /// Working minutes left to the due on the project's calendar; 0 once past or stopped.
    pub remaining_working_minutes: i64,
}

impl From<ClockNow> for ClockView {
    fn from(c: ClockNow) -> Self {
        let run = &c.record.run.0;
        Self {
            clock: c.record.clock,
            rule_id: c.record.rule_id,
            label: c.label,
            state: c.status.state,
            started_at: local(run.started_at),
            stopped_at: run.stopped_at.or(run.cancelled_at).map(local),
            due_at: local(c.status.due),
            remaining_working_minutes: c.status.remaining_working.num_minutes().max(0),
        }
    }
}

/// A complaint (or an early warning, or a front-desk request) as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000051", "number": "TS-2026-000001",
    "kind": "complaint", "channel": "phone", "project_id": "019ab2f1-0000-7000-8000-000000000012",
    "company_id": "019ab2f1-0000-7000-8000-000000000011", "customer_id": "019ab2f1-0000-7000-8000-000000000031",
    "unit_id": null, "warning_source": null, "category": "construction_quality",
    "description": "卫生间渗水", "amount_claimed_fen": 0, "flags": [], "grade": "important",
    "grade_rules": ["R-CLS-6"], "state": "received", "allowed_actions": ["write_ticket", "hand_over", "report_progress", "withdraw"],
    "clocks": [{"clock": "self_resolve", "rule_id": "R-T-3", "label": "自行处理完毕", "state": "running",
        "started_at": "2026-09-30T17:00:00+08:00", "stopped_at": null, "due_at": "2026-10-13T17:00:00+08:00",
        "remaining_working_minutes": 2400}],
    "receiver_id": "019ab2f1-0000-7000-8000-000000000001", "owner_id": "019ab2f1-0000-7000-8000-000000000001",
    "tracker_id": "019ab2f1-0000-7000-8000-000000000001", "callback_owner_id": "019ab2f1-0000-7000-8000-000000000001",
    "responsible_department_id": null, "problem_id": null, "customer_event_id": null,
    "source_system": null, "external_ref": null, "received_at": "2026-09-30T17:00:00+08:00",
    "created_at": "2026-09-30T17:02:00+08:00", "updated_at": "2026-09-30T17:02:00+08:00", "version": 1}))]
pub struct ComplaintView {
    /// UUIDv7.
    pub id: String,
    /// `TS-<year received>-<6 digits>`, unique per company and year.
    pub number: String,
    /// What it is (R-IN-6, R-IN-7).
    pub kind: ComplaintKind,
    /// How it came in (R-IN-1).
    pub channel: Channel,
    /// Its project.
    pub project_id: String,
    /// The project's company.
    pub company_id: String,
    /// The customer.
    pub customer_id: Option<String>,
    /// The unit.
    pub unit_id: Option<String>,
    /// An early warning's source.
    pub warning_source: Option<WarningSource>,
    /// The category (R-CLS).
    pub category: Option<Category>,
    /// What the customer says.
    pub description: String,
    /// The amount claimed, in fen.
    pub amount_claimed_fen: i64,
    /// The flags that weigh on its grade.
    pub flags: Vec<Flag>,
    /// `general`, `important` or `major` (R-CLS).
    pub grade: Grade,
    /// The rules that gave the grade: those of the winning grade ascending, then R-EVT ids;
    /// `R-CLS-3` when nothing matched.
    pub grade_rules: Vec<String>,
    /// Where it stands.
    pub state: ComplaintState,
    /// The actions this state allows to this caller.
    pub allowed_actions: Vec<ComplaintAction>,
    /// Every clock started for it, computed now.
    pub clocks: Vec<ClockView>,
    /// Who received it (R-IN-3).
    pub receiver_id: String,
    /// Who owns it (whoever writes the ticket, until handed over).
    pub owner_id: String,
    /// Who tracks it.
    pub tracker_id: String,
    /// Who calls the customer back (the tracker unless reassigned).
    pub callback_owner_id: String,
    /// The responsible department (R-RP-15).
    pub responsible_department_id: Option<String>,
    /// The shared problem it names.
    pub problem_id: Option<String>,
    /// The major customer event it belongs to.
    pub customer_event_id: Option<String>,
    /// The system it came from.
    pub source_system: Option<String>,
    /// Its id there.
    pub external_ref: Option<String>,
    /// When it was received.
    pub received_at: DateTime<FixedOffset>,
    /// When it was recorded.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl ComplaintView {
    /// The view of a complaint with its clocks and the actions open to the caller.
    pub fn new(c: Complaint, clocks: Vec<ClockNow>, allowed_actions: Vec<ComplaintAction>) -> Self {
        Self {
            id: c.id,
            number: c.number,
            kind: c.kind,
            channel: c.channel,
            project_id: c.project_id,
            company_id: c.company_id,
            customer_id: c.customer_id,
            unit_id: c.unit_id,
            warning_source: c.warning_source.0,
            category: c.category.0,
            description: c.description,
            amount_claimed_fen: c.amount_claimed_fen,
            flags: c.flags.0,
            grade: c.grade,
            grade_rules: c.grade_rules.0,
            state: c.state,
            allowed_actions,
            clocks: clocks.into_iter().map(ClockView::from).collect(),
            receiver_id: c.receiver_id,
            owner_id: c.owner_id,
            tracker_id: c.tracker_id,
            callback_owner_id: c.callback_owner_id,
            responsible_department_id: c.responsible_department_id,
            problem_id: c.problem_id,
            customer_event_id: c.customer_event_id,
            source_system: c.source_system,
            external_ref: c.external_ref,
            received_at: local(c.received_at),
            created_at: local(c.created_at),
            updated_at: local(c.updated_at),
            version: c.version,
        }
    }
}

page_type!(ComplaintPage, ComplaintView, "A page of complaints.");

/// A complaint, early warning or front-desk request received (R-IN).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "complaint", "channel": "phone",
    "project_id": "019ab2f1-0000-7000-8000-000000000012",
    "customer_id": "019ab2f1-0000-7000-8000-000000000031", "category": "construction_quality",
    "description": "卫生间渗水，楼下天花板发霉", "amount_claimed_fen": 0,
    "received_at": "2026-09-30T17:00:00+08:00"}))]
pub struct NewComplaint {
    /// What it is: complaints and early warnings run the complaint clocks, the other kinds the
    /// front desk's (R-T-11).
    pub kind: ComplaintKind,
    /// How it came in (R-IN-1).
    pub channel: Channel,
    /// The project.
    #[schema(min_length = 1, max_length = 64)]
    pub project_id: String,
    /// The customer: required for `complaint` and `repair`.
    #[schema(min_length = 1, max_length = 64)]
    pub customer_id: Option<String>,
    /// An early warning's source (only for `early_warning`, and required there).
    pub warning_source: Option<WarningSource>,
    /// The unit, in the project.
    #[schema(min_length = 1, max_length = 64)]
    pub unit_id: Option<String>,
    /// The category (grading, R-CLS).
    pub category: Option<Category>,
    /// What the customer says.
    #[schema(min_length = 1, max_length = 4000)]
    pub description: String,
    /// The amount claimed, in fen (default 0).
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub amount_claimed_fen: Option<i64>,
    /// Flags that weigh on the grade.
    #[serde(default)]
    #[schema(max_items = 9)]
    pub flags: Vec<Flag>,
    /// When it was received (RFC 3339; default now): never in the future, at most the policy's
    /// `max_backdate_days` back.
    #[schema(format = DateTime, max_length = 40)]
    pub received_at: Option<String>,
    /// Who received it (a user id; default the caller; required from an integration client).
    #[schema(min_length = 1, max_length = 64)]
    pub received_by: Option<String>,
    /// The shared problem it names (R-EVT-1): from `event_households` distinct households
    /// (default 10) naming one problem, a major customer event opens.
    #[schema(min_length = 1, max_length = 64)]
    pub problem_id: Option<String>,
    /// The system it came from; with `external_ref`, unique in the group.
    #[schema(min_length = 1, max_length = 64)]
    pub source_system: Option<String>,
    /// Its id in `source_system`.
    #[schema(min_length = 1, max_length = 128)]
    pub external_ref: Option<String>,
    /// A due for progress feedback agreed with the customer (R-T-9), RFC 3339.
    #[schema(format = DateTime, max_length = 40)]
    pub negotiated_due: Option<String>,
    /// Who agreed it (a user id).
    #[schema(min_length = 1, max_length = 64)]
    pub agreed_by: Option<String>,
}

/// An action on a complaint and its payload: `{"action": "escalate", "reason": "…"}`. Which
/// fields an action needs: `hand_over` `to_user_id` and `reason`; `collect_evidence`
/// `findings` (and `attachment_ids`); `escalate`, `reject`, `reopen`, `withdraw` `reason`;
/// `propose_plan` `plan`; `agree` `terms`; `resolve` `resolution`; `record_callback` `method`,
/// `reached` (and `satisfaction` 1–5, `comment`); `report_progress` `message`; the others
/// nothing.
#[derive(Debug, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "escalate", "reason": "客户要求赔偿，超出项目权限"}))]
pub struct TransitionRequest {
    /// The action.
    pub action: ComplaintAction,
    /// `hand_over`: to whom (a user id).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 64)]
    pub to_user_id: Option<String>,
    /// Why (`hand_over`, `escalate`, `reject`, `reopen`, `withdraw`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
    /// `collect_evidence`: what was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 4000)]
    pub findings: Option<String>,
    /// `collect_evidence`: the photos, scans and recordings.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 50)]
    pub attachment_ids: Option<Vec<String>>,
    /// `propose_plan`: the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 4000)]
    pub plan: Option<String>,
    /// `agree`: the terms the customer agreed to.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 4000)]
    pub terms: Option<String>,
    /// `resolve`: how it was settled.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 4000)]
    pub resolution: Option<String>,
    /// `record_callback`: how the customer was called back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<CallbackMethod>,
    /// `record_callback`: whether the customer was reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reached: Option<bool>,
    /// `record_callback`: the satisfaction, 1 (very dissatisfied) to 5.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 5)]
    pub satisfaction: Option<u8>,
    /// `record_callback`: what the customer said.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
    /// `report_progress`: what the customer was told.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 2000)]
    pub message: Option<String>,
}

/// The order of a complaint list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub enum ComplaintOrder {
    /// Received earliest first.
    #[serde(rename = "received_at")]
    ReceivedAt,
    /// Received latest first.
    #[serde(rename = "-received_at")]
    ReceivedAtDesc,
    /// The earliest due of a running clock first; those without one last.
    #[serde(rename = "due")]
    Due,
}

/// One entry of a complaint's timeline.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000091",
    "complaint_id": "019ab2f1-0000-7000-8000-000000000051", "at": "2026-09-30T17:10:00+08:00",
    "actor_kind": "user", "actor_id": "019ab2f1-0000-7000-8000-000000000001", "kind": "transition",
    "action": "escalate", "from_state": "investigating", "to_state": "escalated",
    "payload": {"action": "escalate", "reason": "客户要求赔偿，超出项目权限"}}))]
pub struct ComplaintEventView {
    /// UUIDv7.
    pub id: String,
    /// Its complaint.
    pub complaint_id: String,
    /// When.
    pub at: DateTime<FixedOffset>,
    /// `user`, `client` or `system`.
    pub actor_kind: String,
    /// Who.
    pub actor_id: Option<String>,
    /// What happened: `received`, `transition`, `note`, `attachment`, `work_order`,
    /// `joined_customer_event`, `approval`, `committee`, `fund`, or `clock` (action `breached`:
    /// a time limit ran out and was escalated by the deadline sweep).
    pub kind: String,
    /// The action of a transition (or of a work order, an approval, a clock).
    pub action: Option<String>,
    /// The state before.
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: Option<String>,
    /// What was sent or decided.
    pub payload: serde_json::Value,
}

/// The whole timeline of a complaint, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintEvents {
    /// The entries.
    pub items: Vec<ComplaintEventView>,
}

list_query!(
    /// Filters and paging of the complaint list.
    ComplaintQuery {
        /// Only this project's.
        #[param(max_length = 64)]
        project_id: Option<String>,
        /// Only this company's.
        #[param(max_length = 64)]
        company_id: Option<String>,
        /// Only this kind.
        kind: Option<ComplaintKind>,
        /// Only this grade.
        grade: Option<Grade>,
        /// Only in this state.
        state: Option<ComplaintState>,
        /// Only this owner's (a user id, or `me`).
        #[param(max_length = 64)]
        owner_id: Option<String>,
        /// Only this customer's.
        #[param(max_length = 64)]
        customer_id: Option<String>,
        /// Only those received at or after (RFC 3339).
        #[param(max_length = 40)]
        received_from: Option<String>,
        /// Only those received before (RFC 3339).
        #[param(max_length = 40)]
        received_to: Option<String>,
        /// Only this category.
        category: Option<Category>,
        /// Only those that came in on this channel.
        channel: Option<Channel>,
        /// Only those this department is responsible for (R-RP-15).
        #[param(max_length = 64)]
        department_id: Option<String>,
        /// A number (`TS-2026-000001`) or words of the description.
        #[param(max_length = 100)]
        q: Option<String>,
        /// With `external_ref`: the complaint another system knows by this reference.
        #[param(max_length = 64)]
        source_system: Option<String>,
        /// With `source_system`.
        #[param(max_length = 128)]
        external_ref: Option<String>,
        /// Only those naming this shared problem.
        #[param(max_length = 64)]
        problem_id: Option<String>,
        /// Only those with a running clock past its due (`true`), or with none (`false`).
        overdue: Option<bool>,
        /// The order: `received_at` (earliest first), `-received_at` (latest first), `due` (the
        /// most urgent open clock first, those without one last); default as recorded.
        #[param(inline)]
        sort: Option<ComplaintOrder>,
        /// `json` (default, one page), or every complaint of the filter as `csv` (UTF-8 with
        /// BOM, Chinese headers, streamed) or `xlsx`; the `Accept` header chooses too.
        #[param(pattern = "^(json|csv|xlsx)$")]
        format: Option<String>,
    }
);

/// Changes to a complaint; absent fields stay as they are. A change of `category`,
/// `amount_claimed_fen` or `flags` re-grades it (R-CLS); a change that would lower the grade is
/// refused (409) until approvals exist. `grade` raises it by hand, with a `grade_reason`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount_claimed_fen": 60000, "responsible_department_id": "019ab2f1-0000-7000-8000-000000000041"}))]
pub struct ComplaintPatchBody {
    /// What the customer says.
    #[schema(min_length = 1, max_length = 4000)]
    pub description: Option<String>,
    /// The category.
    pub category: Option<Category>,
    /// The amount claimed, in fen.
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub amount_claimed_fen: Option<i64>,
    /// The flags (the whole set).
    #[schema(max_items = 9)]
    pub flags: Option<Vec<Flag>>,
    /// The unit, in the complaint's project.
    #[schema(min_length = 1, max_length = 64)]
    pub unit_id: Option<String>,
    /// The responsible department, of the project's company (R-RP-15).
    #[schema(min_length = 1, max_length = 64)]
    pub responsible_department_id: Option<String>,
    /// A new owner (a user id): reassignment is on the timeline.
    #[schema(min_length = 1, max_length = 64)]
    pub owner_id: Option<String>,
    /// A new tracker.
    #[schema(min_length = 1, max_length = 64)]
    pub tracker_id: Option<String>,
    /// A new callback owner.
    #[schema(min_length = 1, max_length = 64)]
    pub callback_owner_id: Option<String>,
    /// A grade raised by hand above what the rules give.
    pub grade: Option<Grade>,
    /// Why the grade was raised (required with `grade`).
    #[schema(min_length = 1, max_length = 2000)]
    pub grade_reason: Option<String>,
}

/// An internal note on a complaint's timeline.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "客户要求下周一上午上门"}))]
pub struct NewNote {
    /// The note.
    #[schema(min_length = 1, max_length = 4000)]
    pub text: String,
}
