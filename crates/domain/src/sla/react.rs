//! How a subject's clocks react to what happens to it: the events of a transition start and
//! stop clocks, reset recurring ones, and the state it enters pauses or resumes them. Pure: the
//! caller loads the subject's clocks, applies the [`Reaction`] and stores it, in one
//! transaction with the change that caused it.

use chrono::{DateTime, Utc};

use super::{ClockRun, SlaPolicy};

/// What happened to a subject, as its clocks see it.
#[derive(Debug, Clone, Copy)]
pub struct Happening<'a> {
    /// When.
    pub at: DateTime<Utc>,
    /// The policy events fired (`complaint_received`, `complaint_escalated`, …).
    pub events: &'a [&'a str],
    /// The state the subject is in afterwards (pauses the clocks that name it).
    pub state: &'a str,
    /// Clocks that start on these events but do not apply to this subject (a phone complaint
    /// has no verbal hand-over, R-T-1).
    pub skip: &'a [&'a str],
    /// Clocks no longer needed: cancelled, neither met nor breached (an escalated complaint is
    /// no longer settled alone, R-T-3/R-T-4).
    pub cancel: &'a [&'a str],
    /// Every open clock is cancelled (the subject was withdrawn).
    pub cancel_all: bool,
}

/// The clocks to start and the runs that changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reaction {
    /// New clock instances: the clock's name and its run (paused at once when the subject's
    /// state pauses it).
    pub started: Vec<(String, ClockRun)>,
    /// Existing clocks that changed: their index in the input and the new run.
    pub changed: Vec<(usize, ClockRun)>,
}

impl Reaction {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.started.is_empty() && self.changed.is_empty()
    }
}

/// The reaction of `clocks` (the subject's clock instances by name, open or not) to
/// `happening`, under `policy`. Clocks the policy no longer names are left alone. A clock
/// starts on its start event unless an instance of it is still open or it is skipped; a
/// clock stopped in the same happening is not started again by it.
pub fn react(
    policy: &SlaPolicy,
    clocks: &[(&str, &ClockRun)],
    happening: &Happening<'_>,
) -> Reaction {
    let at = happening.at;
    let fired = |event: &str| happening.events.contains(&event);
    let mut reaction = Reaction::default();
    for (index, (name, run)) in clocks.iter().enumerate() {
        if !run.is_open() {
            continue;
        }
        let mut next = (*run).clone();
        match policy.clock(name) {
            _ if happening.cancel_all || happening.cancel.contains(name) => next.cancel(at),
            None => continue,
            Some(def) if fired(&def.stop_event) => next.stop(at),
            Some(def) => {
                if def.recurrence.is_some() && def.reset_event.as_deref().is_some_and(fired) {
                    next.resume(at);
                    next.last_reset = Some(at.max(next.last_reset.unwrap_or(next.started_at)));
                }
                if def.pause_states.iter().any(|s| s == happening.state) {
                    next.pause(at);
                } else {
                    next.resume(at);
                }
            }
        }
        if next != **run {
            reaction.changed.push((index, next));
        }
    }
    if happening.cancel_all {
        return reaction;
    }
    for def in &policy.clocks {
        let open = clocks.iter().any(|(name, run)| *name == def.name && run.is_open());
        let skipped = happening.skip.contains(&def.name.as_str())
            || happening.cancel.contains(&def.name.as_str());
        if fired(&def.start_event) && !open && !skipped && !fired(&def.stop_event) {
            let mut run = ClockRun::new(at);
            if def.pause_states.iter().any(|s| s == happening.state) {
                run.pause(at);
            }
            reaction.started.push((def.name.clone(), run));
        }
    }
    reaction
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 9, 30, hour, 0, 0).unwrap()
    }

    fn happening<'a>(hour: u32, events: &'a [&'a str], state: &'a str) -> Happening<'a> {
        Happening { at: at(hour), events, state, skip: &[], cancel: &[], cancel_all: false }
    }

    fn names(reaction: &Reaction) -> Vec<&str> {
        reaction.started.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn a_complaint_received_starts_the_r_t_1_to_3_and_9_clocks() {
        let policy = SlaPolicy::default();
        let r = react(&policy, &[], &happening(9, &["complaint_received"], "received"));
        assert_eq!(
            names(&r),
            ["written_ticket", "verbal_handover", "evidence", "self_resolve", "progress_feedback"]
        );
        assert!(r.started.iter().all(|(_, run)| run.started_at == at(9) && run.is_open()));
        let phone = Happening {
            skip: &["verbal_handover"],
            ..happening(9, &["complaint_received"], "received")
        };
        assert!(
            !names(&react(&policy, &[], &phone)).contains(&"verbal_handover"),
            "R-T-1: on site only"
        );
    }

    #[test]
    fn the_stop_event_stops_and_the_pause_state_pauses() {
        let policy = SlaPolicy::default();
        let running = ClockRun::new(at(9));
        let clocks = [("written_ticket", &running), ("self_resolve", &running)];
        let r = react(&policy, &clocks, &happening(10, &["ticket_written"], "awaiting_customer"));
        assert_eq!(r.changed.len(), 2);
        assert_eq!(r.changed[0].1.stopped_at, Some(at(10)));
        assert!(r.changed[1].1.is_paused(), "awaiting_customer pauses self_resolve (R-T-3)");
        let paused = r.changed[1].1.clone();
        let r = react(&policy, &[("self_resolve", &paused)], &happening(12, &[], "investigating"));
        assert_eq!(r.changed[0].1.pauses, vec![(at(10), Some(at(12)))], "resume closes the pause");
        assert!(
            react(&policy, &[("self_resolve", &running)], &happening(12, &[], "investigating"))
                .is_empty()
        );
    }

    #[test]
    fn escalation_cancels_self_resolve_and_starts_the_plan_clock() {
        let policy = SlaPolicy::default();
        let running = ClockRun::new(at(9));
        let escalated = Happening {
            cancel: &["self_resolve"],
            ..happening(11, &["complaint_escalated"], "escalated")
        };
        let r = react(&policy, &[("self_resolve", &running)], &escalated);
        assert_eq!(r.changed[0].1.cancelled_at, Some(at(11)));
        assert_eq!(names(&r), ["plan"], "R-T-4");
    }

    #[test]
    fn withdrawal_cancels_every_open_clock_and_starts_none() {
        let policy = SlaPolicy::default();
        let running = ClockRun::new(at(9));
        let mut stopped = ClockRun::new(at(9));
        stopped.stop(at(10));
        let clocks =
            [("self_resolve", &running), ("written_ticket", &stopped), ("evidence", &running)];
        let withdrawn =
            Happening { cancel_all: true, ..happening(11, &["complaint_received"], "withdrawn") };
        let r = react(&policy, &clocks, &withdrawn);
        assert_eq!(r.changed.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 2]);
        assert!(r.changed.iter().all(|(_, run)| run.cancelled_at == Some(at(11))));
        assert!(r.started.is_empty());
    }

    #[test]
    fn a_progress_report_resets_the_recurring_clock_r_t_9() {
        let policy = SlaPolicy::default();
        let running = ClockRun::new(at(9));
        let r = react(
            &policy,
            &[("progress_feedback", &running)],
            &happening(15, &["progress_reported"], "investigating"),
        );
        assert_eq!(r.changed[0].1.last_reset, Some(at(15)));
        assert!(r.changed[0].1.is_open());
    }

    #[test]
    fn an_open_instance_is_not_started_twice_but_a_finished_one_is_again() {
        let policy = SlaPolicy::default();
        let running = ClockRun::new(at(9));
        let r = react(
            &policy,
            &[("plan", &running)],
            &happening(10, &["complaint_escalated"], "escalated"),
        );
        assert!(names(&r).is_empty());
        let mut done = ClockRun::new(at(9));
        done.stop(at(10));
        let r = react(
            &policy,
            &[("plan", &done)],
            &happening(11, &["complaint_escalated"], "escalated"),
        );
        assert_eq!(names(&r), ["plan"]);
    }
}
