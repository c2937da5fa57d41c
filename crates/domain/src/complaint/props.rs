//! Laws of the complaint lifecycle over every snapshot and command: `allowed_actions` and
//! `apply` agree, closed states are left only by the listed actions, and every event fired is
//! one of the SLA policy's.

use proptest::prelude::*;

use super::lifecycle_tests::sample;
use super::*;
use ComplaintAction as A;
use ComplaintState as S;

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    (0..all.len()).prop_map(move |i| all[i])
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    (pick(S::ALL), pick(Grade::ALL), pick(ComplaintKind::ALL), prop::option::of(pick(S::ALL)))
        .prop_map(|(state, grade, kind, paused_from)| Snapshot { state, grade, kind, paused_from })
}

/// A command of any action, its text blank or not, a callback of any shape.
fn command() -> impl Strategy<Value = Command> {
    let text = prop_oneof![Just(String::new()), Just(" ".to_owned()), "[a-z说明]{1,8}"];
    (pick(A::ALL), text, any::<bool>(), prop::option::of(0u8..=7)).prop_map(
        |(action, text, reached, satisfaction)| match sample(action) {
            Command::RecordCallback { method, comment, .. } => {
                Command::RecordCallback { method, reached, satisfaction, comment }
            }
            Command::Escalate { .. } => Command::Escalate { reason: text },
            Command::Resolve { .. } => Command::Resolve { resolution: text },
            Command::ReportProgress { .. } => Command::ReportProgress { message: text },
            Command::Withdraw { .. } => Command::Withdraw { reason: text },
            other => other,
        },
    )
}

fn context() -> impl Strategy<Value = Context> {
    (any::<bool>(), 1u8..=4).prop_map(|(reopen_on_dissatisfaction, dissatisfied_at_or_below)| {
        Context { reopen_on_dissatisfaction, dissatisfied_at_or_below }
    })
}

/// The only ways out of a closed state.
fn leaves_closed(state: ComplaintState, action: ComplaintAction) -> bool {
    matches!(
        (state, action),
        (S::Resolved, A::RecordCallback)
            | (S::CalledBack, A::Archive | A::Reopen)
            | (S::Archived, A::Reopen)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn allowed_actions_and_apply_agree(s in snapshot(), cmd in command(), ctx in context()) {
        let allowed = allowed_actions(&s);
        let action = cmd.action();
        match apply(&s, &cmd, &ctx) {
            Ok(t) => {
                prop_assert!(allowed.contains(&action));
                prop_assert!(cmd.validate().is_empty());
                prop_assert_eq!((t.action, t.from), (action, s.state));
                prop_assert!(t.events.iter().all(|e| events::is_known(e)));
                prop_assert_eq!(t.paused_from.is_some(), t.to == S::AwaitingCustomer);
                prop_assert_eq!(t.stop_all_clocks, t.to == S::Withdrawn);
                prop_assert_eq!(!t.cancels.is_empty(), action == A::Escalate);
                if !s.state.is_open() {
                    prop_assert!(leaves_closed(s.state, action));
                }
            }
            Err(LifecycleError::NotAllowed { state, action: refused, allowed: listed }) => {
                prop_assert_eq!((state, refused), (s.state, action));
                prop_assert!(!allowed.contains(&action));
                prop_assert_eq!(listed, allowed);
            }
            Err(LifecycleError::Invalid(problems)) => {
                prop_assert!(allowed.contains(&action));
                prop_assert_eq!(problems, cmd.validate());
            }
        }
    }
}

#[test]
fn every_state_and_action_with_a_valid_payload() {
    for state in S::ALL {
        for grade in Grade::ALL {
            for kind in ComplaintKind::ALL {
                let s = Snapshot { state: *state, grade: *grade, kind: *kind, paused_from: None };
                let allowed = allowed_actions(&s);
                for action in A::ALL {
                    let result = apply(&s, &sample(*action), &Context::default());
                    assert_eq!(result.is_ok(), allowed.contains(action), "{state} {action}");
                    if !state.is_open() && result.is_ok() {
                        assert!(leaves_closed(*state, *action), "{state} {action}");
                    }
                }
            }
        }
    }
}
