//! The catalog of the messages kefu sends to webhooks: each is written to the outbox in the
//! transaction of the change it tells of, then posted to every subscription that wants its type.

/// Every message type, with what it tells of.
pub const EVENT_TYPES: &[(&str, &str)] = &[
    ("complaint.created", "A complaint, early warning or front-desk request was received (R-IN)."),
    ("complaint.updated", "A complaint's details changed (grade, department, people, …)."),
    ("complaint.transitioned", "A complaint moved on its lifecycle (an action and its new state)."),
    (
        "complaint.clock_breached",
        "A complaint's time limit ran out: marked breached and escalated (越级上报).",
    ),
    ("work_order.sent", "A work order (工作联系单) was sent to a department (R-WO-1)."),
    ("work_order.transitioned", "A work order moved on (reply, approval, acceptance, …)."),
    ("work_order.overdue", "A work order's time limit ran out; its department was reminded."),
    ("customer_event.opened", "Complaints were grouped into a customer event (R-EVT)."),
    ("customer_event.reported", "A customer event's report was filed (R-RP-5)."),
    ("approval.submitted", "An approval request was submitted (R-AP)."),
    ("approval.decided", "A step of an approval request was decided."),
    ("approval.resubmitted", "A returned approval request was submitted again."),
    ("disbursement.paid", "A customer-service fund disbursement was paid (R-AP-3)."),
    (
        "callback.recorded",
        "A callback was recorded on a callback task (R-CB-3): reached or not, satisfaction, outcome.",
    ),
];

/// Whether `name` is a message type of the catalog.
pub fn is_event_type(name: &str) -> bool {
    EVENT_TYPES.iter().any(|(t, _)| *t == name)
}
