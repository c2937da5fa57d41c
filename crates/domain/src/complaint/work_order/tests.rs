//! R-WO and R-T-7 on the work order's lifecycle.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::access::{Permission, Role};
use crate::complaint::{ApologyMeans, FieldProblem};
use crate::ids::ContractorId;

use WorkOrderAction as A;
use WorkOrderState as S;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap()
}

fn later() -> DateTime<Utc> {
    now() + TimeDelta::days(7)
}

/// A valid command for each action.
fn sample(action: WorkOrderAction) -> WorkOrderCommand {
    use WorkOrderCommand as C;
    match action {
        A::CommitReplyTime => C::CommitReplyTime { reply_by: later() },
        A::Reply => C::Reply { proposal: "更换防水层".into() },
        A::ApproveReply => C::ApproveReply,
        A::RecordSurvey => {
            C::RecordSurvey { findings: "外墙渗水".into(), attachment_ids: vec![] }
        }
        A::AssignRectification => {
            C::AssignRectification { contractor_id: "k-1".into(), deadline: later() }
        }
        A::RecordAcceptance => C::RecordAcceptance { passed: true, comment: None },
        A::Apologize => C::Apologize { means: ApologyMeans::Phone, note: None },
        A::Close => C::Close { reason: Some("投诉已撤销".into()) },
    }
}

fn step(order: &mut WorkOrderSnapshot, command: WorkOrderCommand) -> WorkOrderTransition {
    let t = apply(order, &command, now()).unwrap();
    order.state = t.to;
    order.contractor_id.clone_from(&t.contractor_id);
    order.failed_acceptances = t.failed_acceptances;
    order.disqualified.extend(t.disqualify_contractor.clone());
    t
}

#[test]
fn r_wo_1_a_work_order_starts_sent() {
    let order = WorkOrderSnapshot::sent(false, false);
    assert_eq!(order.state, S::Sent);
    assert_eq!(allowed_actions(&order), [A::Reply, A::Apologize, A::Close]);
    assert_eq!(A::Reply.permission(), Permission::WorkOrdersRespond);
    assert!(Role::DeptCoordinator.permits(Permission::WorkOrdersRespond));
    assert!(Role::CsSpecialist.permits(Permission::WorkOrdersManage), "the center sends");
}

#[test]
fn r_t_7_the_sent_event_picks_the_reply_clock() {
    assert_eq!(sent_event(false, false), "work_order_sent");
    assert_eq!(sent_event(true, false), "survey_work_order_sent");
    assert_eq!(sent_event(false, true), "complex_work_order_sent");
    assert_eq!(sent_event(true, true), "complex_work_order_sent");
    let mut complex = WorkOrderSnapshot::sent(false, true);
    assert_eq!(allowed_actions(&complex), [A::CommitReplyTime, A::Apologize, A::Close]);
    let t = step(&mut complex, sample(A::CommitReplyTime));
    assert_eq!((t.to, t.events), (S::ReplyCommitted, vec!["reply_time_committed"]));
    let past = WorkOrderCommand::CommitReplyTime { reply_by: now() };
    let err = apply(&WorkOrderSnapshot::sent(false, true), &past, now()).unwrap_err();
    assert_eq!(err.code(), "validation_failed");
    assert_eq!(step(&mut complex, sample(A::Reply)).events, ["work_order_replied"]);
}

#[test]
fn r_wo_2_the_department_head_approves_the_reply() {
    let mut order = WorkOrderSnapshot::sent(false, false);
    step(&mut order, sample(A::Reply));
    assert_eq!(allowed_actions(&order), [A::ApproveReply, A::Apologize, A::Close]);
    assert_eq!(step(&mut order, sample(A::ApproveReply)).to, S::ReplyApproved);
    assert_eq!(A::ApproveReply.permission(), Permission::WorkOrdersApprove);
    assert!(Role::DeptHead.permits(Permission::WorkOrdersApprove));
    assert!(Role::Vp.permits(Permission::WorkOrdersApprove), "or the VP");
    assert!(!Role::DeptCoordinator.permits(Permission::WorkOrdersApprove));
    let blank = WorkOrderCommand::Reply { proposal: " ".into() };
    let err = apply(&WorkOrderSnapshot::sent(false, false), &blank, now()).unwrap_err();
    assert_eq!(err, WorkOrderError::Invalid(vec![FieldProblem::required("proposal")]));
}

#[test]
fn r_wo_3_a_survey_is_recorded_before_the_reply() {
    let mut order = WorkOrderSnapshot::sent(true, false);
    assert_eq!(allowed_actions(&order), [A::RecordSurvey, A::Apologize, A::Close]);
    let err = apply(&order, &sample(A::Reply), now()).unwrap_err();
    assert!(matches!(err, WorkOrderError::NotAllowed { state: S::Sent, action: A::Reply, .. }));
    assert_eq!(step(&mut order, sample(A::RecordSurvey)).to, S::Surveyed);
    assert_eq!(step(&mut order, sample(A::Reply)).to, S::Replied);
    // A complex order with a survey commits its reply time first.
    let mut both = WorkOrderSnapshot::sent(true, true);
    assert_eq!(allowed_actions(&both), [A::CommitReplyTime, A::Apologize, A::Close]);
    step(&mut both, sample(A::CommitReplyTime));
    assert_eq!(allowed_actions(&both), [A::RecordSurvey, A::Apologize, A::Close]);
}

fn rectifying(contractor: &str) -> WorkOrderSnapshot {
    let mut order = WorkOrderSnapshot::sent(false, false);
    step(&mut order, sample(A::Reply));
    step(&mut order, sample(A::ApproveReply));
    let assign = WorkOrderCommand::AssignRectification {
        contractor_id: contractor.into(),
        deadline: later(),
    };
    step(&mut order, assign);
    order
}

fn fail() -> WorkOrderCommand {
    WorkOrderCommand::RecordAcceptance { passed: false, comment: Some("仍渗水".into()) }
}

#[test]
fn r_wo_4_a_contractor_failing_acceptance_twice_loses_the_job() {
    let mut order = rectifying("k-1");
    let first = step(&mut order, fail());
    assert_eq!((first.to, first.failed_acceptances), (S::Rectifying, 1));
    assert_eq!(first.disqualify_contractor, None);
    let second = step(&mut order, fail());
    assert_eq!(second.to, S::AwaitingContractor);
    assert_eq!(second.disqualify_contractor, Some(ContractorId::from("k-1")));
    assert_eq!((second.contractor_id, second.failed_acceptances), (None, 0));
    assert_eq!(allowed_actions(&order), [A::AssignRectification, A::Apologize, A::Close]);
    let again =
        WorkOrderCommand::AssignRectification { contractor_id: "k-1".into(), deadline: later() };
    let err = apply(&order, &again, now()).unwrap_err();
    let WorkOrderError::Invalid(problems) = err else { panic!("{err:?}") };
    assert_eq!(
        (problems[0].field.as_str(), problems[0].code),
        ("contractor_id", "contractor_disqualified")
    );
    let other =
        WorkOrderCommand::AssignRectification { contractor_id: "k-2".into(), deadline: later() };
    let t = step(&mut order, other);
    assert_eq!((t.to, t.failed_acceptances), (S::Rectifying, 0));
    step(&mut order, fail());
    let passed = WorkOrderCommand::RecordAcceptance { passed: true, comment: None };
    assert_eq!(step(&mut order, passed).to, S::Accepted);
    let t = step(&mut order, WorkOrderCommand::Close { reason: None });
    assert!(t.to == S::Closed && t.stop_all_clocks);
    assert_eq!(allowed_actions(&order), []);
}

#[test]
fn r_wo_4_a_failed_acceptance_says_why() {
    let order = rectifying("k-1");
    let silent = WorkOrderCommand::RecordAcceptance { passed: false, comment: None };
    let err = apply(&order, &silent, now()).unwrap_err();
    assert_eq!(err, WorkOrderError::Invalid(vec![FieldProblem::required("comment")]));
}

#[test]
fn r_wo_5_apologies_by_any_means_in_any_open_state() {
    for means in ApologyMeans::ALL {
        let command = WorkOrderCommand::Apologize { means: *means, note: None };
        let order = rectifying("k-1");
        let t = apply(&order, &command, now()).unwrap();
        assert_eq!((t.from, t.to), (S::Rectifying, S::Rectifying));
    }
    let means: WorkOrderCommand =
        serde_json::from_str(r#"{"action": "apologize", "means": "in_person"}"#).unwrap();
    assert_eq!(means.action(), A::Apologize);
    assert_eq!(A::Apologize.permission(), Permission::WorkOrdersManage);
}

#[test]
fn r_wo_6_defects_within_warranty_go_to_the_contractor() {
    let end = NaiveDate::from_ymd_opt(2027, 6, 30);
    let day = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
    assert_eq!(warranty_cover(end, day(6, 30)), WarrantyCover::Contractor);
    assert_eq!(warranty_cover(end, day(7, 1)), WarrantyCover::Fund);
    assert_eq!(warranty_cover(None, day(1, 1)), WarrantyCover::Fund);
}

#[test]
fn closing_early_needs_a_reason() {
    let order = WorkOrderSnapshot::sent(false, false);
    let err = apply(&order, &WorkOrderCommand::Close { reason: None }, now()).unwrap_err();
    assert_eq!(err.code(), "validation_failed");
    assert!(apply(&order, &sample(A::Close), now()).unwrap().stop_all_clocks);
}

fn snapshot() -> impl Strategy<Value = WorkOrderSnapshot> {
    (0..S::ALL.len(), any::<bool>(), any::<bool>(), 0u8..2, any::<bool>()).prop_map(
        |(state, site_survey, complex, failed, assigned)| WorkOrderSnapshot {
            state: S::ALL[state],
            site_survey,
            complex,
            contractor_id: assigned.then(|| "k-9".into()),
            failed_acceptances: failed,
            disqualified: vec!["k-0".into()],
        },
    )
}

proptest! {
    #[test]
    fn allowed_actions_and_apply_agree(order in snapshot(), action in 0..A::ALL.len()) {
        let action = A::ALL[action];
        let result = apply(&order, &sample(action), now());
        prop_assert_eq!(result.is_ok(), allowed_actions(&order).contains(&action));
        if let Err(WorkOrderError::NotAllowed { allowed, .. }) = &result {
            prop_assert_eq!(allowed, &allowed_actions(&order));
        }
        if let Ok(t) = result {
            prop_assert_eq!(t.from, order.state);
            prop_assert!(t.events.iter().all(|e| crate::complaint::events::is_known(e)));
            prop_assert_eq!(t.to == S::Closed, action == A::Close);
        }
    }
}
