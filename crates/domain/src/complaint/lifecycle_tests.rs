//! The complaint lifecycle, walked: events, cancelled clocks, pauses, callbacks.

use super::*;
use ComplaintAction as A;
use ComplaintState as S;

fn snapshot(state: ComplaintState, grade: Grade, kind: ComplaintKind) -> Snapshot {
    Snapshot { state, grade, kind, paused_from: None }
}

fn text() -> String {
    "说明".to_owned()
}

/// A valid command for each action; a callback that reached a satisfied customer.
pub(super) fn sample(action: ComplaintAction) -> Command {
    use Command as C;
    match action {
        A::WriteTicket => C::WriteTicket,
        A::HandOver => C::HandOver { to_user_id: "u-2".into(), reason: text() },
        A::CollectEvidence => C::CollectEvidence { findings: text(), attachment_ids: vec![] },
        A::Handle => C::Handle,
        A::Escalate => C::Escalate { reason: text() },
        A::ProposePlan => C::ProposePlan { plan: text() },
        A::Agree => C::Agree { terms: text() },
        A::ApprovePlan => C::ApprovePlan,
        A::StartRectification => C::StartRectification,
        A::CompleteRectification => C::CompleteRectification,
        A::Accept => C::Accept,
        A::Reject => C::Reject { reason: text() },
        A::Resolve => C::Resolve { resolution: text() },
        A::RecordCallback => callback(true, Some(5)),
        A::Archive => C::Archive,
        A::Reopen => C::Reopen { reason: text() },
        A::AwaitCustomer => C::AwaitCustomer,
        A::Resume => C::Resume,
        A::ReportProgress => C::ReportProgress { message: text() },
        A::Withdraw => C::Withdraw { reason: text() },
    }
}

fn callback(reached: bool, satisfaction: Option<u8>) -> Command {
    Command::RecordCallback { method: CallbackMethod::Phone, reached, satisfaction, comment: None }
}

/// Applies each action in turn; returns the events fired by each.
fn walk(start: Snapshot, actions: &[ComplaintAction]) -> (Snapshot, Vec<Vec<&'static str>>) {
    let mut s = start;
    let mut fired = Vec::new();
    for action in actions {
        let t = apply(&s, &sample(*action), &Context::default())
            .unwrap_or_else(|e| panic!("{action} from {}: {e}", s.state));
        assert_eq!(t.from, s.state);
        s.state = t.to;
        s.paused_from = t.paused_from;
        fired.push(t.events);
    }
    (s, fired)
}

#[test]
fn a_general_complaint_is_handled_alone() {
    let start = snapshot(S::Received, Grade::General, ComplaintKind::Complaint);
    let path =
        [A::WriteTicket, A::CollectEvidence, A::Handle, A::Resolve, A::RecordCallback, A::Archive];
    let (end, fired) = walk(start, &path);
    assert_eq!(end.state, S::Archived);
    let expected: [&[&str]; 6] = [
        &["ticket_written"],
        &["evidence_collected"],
        &[],
        &["complaint_resolved"],
        &["callback_done"],
        &["complaint_closed"],
    ];
    assert_eq!(fired, expected);
    assert_eq!(allowed_actions(&end), [A::Reopen]);
}

#[test]
fn a_major_complaint_is_escalated_planned_rectified_and_accepted() {
    let start = snapshot(S::Received, Grade::Major, ComplaintKind::Complaint);
    let path = [
        A::WriteTicket,
        A::CollectEvidence,
        A::Escalate,
        A::ProposePlan,
        A::Agree,
        A::ApprovePlan,
        A::StartRectification,
        A::CompleteRectification,
        A::Reject,
        A::CompleteRectification,
        A::Accept,
    ];
    let (end, fired) = walk(start, &path);
    assert_eq!(end.state, S::Resolved);
    let expected: [&[&str]; 11] = [
        &["ticket_written"],
        &["evidence_collected"],
        &["complaint_escalated"],
        &["plan_drafted"],
        &["customer_agreed"],
        &[],
        &["rectification_started"],
        &["rectification_completed"],
        &[],
        &["rectification_completed"],
        &["acceptance_signed", "complaint_resolved"],
    ];
    assert_eq!(fired, expected);
}

#[test]
fn r_t_3_only_a_general_complaint_is_handled_alone() {
    for grade in [Grade::Important, Grade::Major] {
        let s = snapshot(S::Investigating, grade, ComplaintKind::Complaint);
        let err = apply(&s, &Command::Handle, &Context::default()).unwrap_err();
        let LifecycleError::NotAllowed { allowed, .. } = &err else { panic!("{err:?}") };
        assert_eq!(
            allowed,
            &[A::HandOver, A::Escalate, A::AwaitCustomer, A::ReportProgress, A::Withdraw]
        );
        assert_eq!(err.code(), "action_not_allowed");
    }
}

#[test]
fn r_t_4_escalation_cancels_self_resolve_and_starts_the_plan() {
    for from in [S::Investigating, S::Handling] {
        let s = snapshot(from, Grade::General, ComplaintKind::Complaint);
        let t = apply(&s, &sample(A::Escalate), &Context::default()).unwrap();
        assert_eq!(
            (t.to, t.events, t.cancels),
            (S::Escalated, vec!["complaint_escalated"], vec!["self_resolve"])
        );
    }
}

#[test]
fn r_t_3_waiting_for_the_customer_pauses_and_resume_returns_where_it_left() {
    for from in ComplaintState::PAUSABLE {
        let s = snapshot(*from, Grade::General, ComplaintKind::Complaint);
        let (paused, _) = walk(s, &[A::AwaitCustomer]);
        assert_eq!((paused.state, paused.paused_from), (S::AwaitingCustomer, Some(*from)));
        let (still, _) = walk(paused, &[A::ReportProgress, A::HandOver]);
        assert_eq!(still.paused_from, Some(*from), "a same-state action keeps where it left");
        let (back, _) = walk(still, &[A::Resume]);
        assert_eq!((back.state, back.paused_from), (*from, None));
    }
    let lost = snapshot(S::AwaitingCustomer, Grade::General, ComplaintKind::Complaint);
    assert_eq!(walk(lost, &[A::Resume]).0.state, S::Investigating);
}

#[test]
fn r_t_9_progress_is_reported_and_hand_overs_taken_in_any_open_state() {
    for state in ComplaintState::ALL {
        let s = snapshot(*state, Grade::Important, ComplaintKind::EarlyWarning);
        for action in [A::ReportProgress, A::HandOver, A::Withdraw] {
            assert_eq!(allowed_actions(&s).contains(&action), state.is_open(), "{state} {action}");
        }
    }
    let s = snapshot(S::Received, Grade::General, ComplaintKind::Complaint);
    let t = apply(&s, &sample(A::ReportProgress), &Context::default()).unwrap();
    assert_eq!((t.to, t.events), (S::Received, vec!["progress_reported"]));
    let t = apply(&s, &sample(A::HandOver), &Context::default()).unwrap();
    assert_eq!(t.events, ["complaint_handed_over"], "stops the verbal hand-over (R-IN-4)");
}

#[test]
fn withdrawal_stops_every_clock() {
    let s = Snapshot {
        paused_from: Some(S::Escalated),
        ..snapshot(S::AwaitingCustomer, Grade::Major, ComplaintKind::Complaint)
    };
    let t = apply(&s, &sample(A::Withdraw), &Context::default()).unwrap();
    assert!(t.stop_all_clocks && t.events.is_empty());
    assert_eq!((t.to, t.paused_from), (S::Withdrawn, None));
    assert_eq!(
        allowed_actions(&snapshot(S::Withdrawn, Grade::Major, ComplaintKind::Complaint)),
        []
    );
}

#[test]
fn r_t_6_a_dissatisfied_callback_reopens_when_the_policy_says_so() {
    let resolved = snapshot(S::Resolved, Grade::General, ComplaintKind::Complaint);
    let ctx = Context::default();
    let to = |cmd: Command, ctx: &Context| apply(&resolved, &cmd, ctx).unwrap();
    let t = to(callback(true, Some(2)), &ctx);
    assert_eq!((t.to, t.events), (S::Investigating, vec!["callback_done"]));
    assert_eq!(to(callback(true, Some(3)), &ctx).to, S::CalledBack);
    assert_eq!(to(callback(true, None), &ctx).to, S::CalledBack);
    let keep = Context { reopen_on_dissatisfaction: false, ..ctx };
    assert_eq!(to(callback(true, Some(1)), &keep).to, S::CalledBack);
    let strict = Context { dissatisfied_at_or_below: 3, ..ctx };
    assert_eq!(to(callback(true, Some(3)), &strict).to, S::Investigating);
    let t = to(callback(false, None), &ctx);
    assert_eq!((t.to, t.events), (S::Resolved, vec![]), "an unanswered call changes nothing");
}

#[test]
fn the_context_is_a_document_with_defaults() {
    let ctx: Context = serde_json::from_str("{}").unwrap();
    assert_eq!(ctx, Context { reopen_on_dissatisfaction: true, dissatisfied_at_or_below: 2 });
    assert_eq!(ctx.validate(), vec![]);
    let bad = Context { dissatisfied_at_or_below: 5, ..ctx };
    assert_eq!(bad.validate()[0].code, "out_of_range");
}

#[test]
fn r_t_11_front_desk_requests_fire_the_front_desk_callback() {
    let repair = snapshot(S::Handling, Grade::General, ComplaintKind::Repair);
    let (_, fired) = walk(repair, &[A::Resolve, A::RecordCallback, A::Archive]);
    let expected: [&[&str]; 3] = [&[], &["front_desk_callback_done"], &["repair_closed"]];
    assert_eq!(fired, expected);
    let help = snapshot(S::Rectified, Grade::General, ComplaintKind::Help);
    let (_, fired) = walk(help, &[A::Accept, A::RecordCallback, A::Archive]);
    let expected: [&[&str]; 3] = [&["acceptance_signed"], &["front_desk_callback_done"], &[]];
    assert_eq!(fired, expected);
}

#[test]
fn the_state_is_checked_before_the_payload() {
    let s = snapshot(S::Received, Grade::General, ComplaintKind::Complaint);
    let blank = Command::Escalate { reason: String::new() };
    let err = apply(&s, &blank, &Context::default()).unwrap_err();
    assert_eq!(err.code(), "action_not_allowed");
    let s = snapshot(S::Investigating, Grade::General, ComplaintKind::Complaint);
    let err = apply(&s, &blank, &Context::default()).unwrap_err();
    assert_eq!(err, LifecycleError::Invalid(vec![FieldProblem::required("reason")]));
}
