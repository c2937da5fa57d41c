//! Intake (受理, R-IN): which clocks a new complaint starts, and the checks of its facts that
//! depend on its kind and on the time.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::events as ev;
use super::{Channel, ComplaintKind, FieldProblem, WarningSource};
use crate::ids::{CustomerId, UserId};

/// How far back `received_at` may lie when the group's policy does not say
/// (`max_backdate_days`).
pub const DEFAULT_MAX_BACKDATE_DAYS: u32 = 30;

/// How far ahead of kefu's clock a `received_at` is still taken as "now": the clocks of the
/// systems that log calls are never exactly in step with ours.
pub const CLOCK_SKEW_TOLERANCE: TimeDelta = TimeDelta::seconds(60);

/// What an intake starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntakeClocks {
    /// The SLA events to fire at `received_at`.
    pub events: Vec<&'static str>,
    /// Clocks those events would start that do not apply to this intake.
    pub skip_clocks: Vec<&'static str>,
    /// Whether the customer must be told by phone that it was received (R-IN-5): a task for
    /// the receiver.
    pub acknowledgement_task: bool,
}

/// The clocks a new complaint starts. Complaints and early warnings fire
/// `complaint_received` (R-T-1, R-T-2, R-T-3, R-T-9), front-desk requests
/// `front_desk_request_received` (R-T-11). The 5-minute verbal hand-over (R-IN-4) runs only
/// for complaints received on site; a letter asks for an acknowledgement by phone (R-IN-5),
/// whatever its kind.
pub fn intake_events(kind: ComplaintKind, channel: Channel) -> IntakeClocks {
    let (events, skip_clocks) = if kind.is_front_desk() {
        (vec![ev::FRONT_DESK_REQUEST_RECEIVED], Vec::new())
    } else if channel.is_on_site() {
        (vec![ev::COMPLAINT_RECEIVED], Vec::new())
    } else {
        (vec![ev::COMPLAINT_RECEIVED], vec![ev::VERBAL_HANDOVER_CLOCK])
    };
    IntakeClocks { events, skip_clocks, acknowledgement_task: channel == Channel::Letter }
}

/// The facts of an intake whose checks depend on each other or on the time.
#[derive(Debug, Clone, Copy)]
pub struct IntakeFacts<'a> {
    /// What was received.
    pub kind: ComplaintKind,
    /// The customer, if named.
    pub customer_id: Option<&'a CustomerId>,
    /// An early warning's source, if named.
    pub warning_source: Option<WarningSource>,
    /// The amount claimed, in fen.
    pub amount_claimed_fen: i64,
    /// When it was received, as given (`None`: now).
    pub received_at: Option<DateTime<Utc>>,
    /// A due negotiated with the customer for progress feedback (R-T-9).
    pub negotiated_due: Option<DateTime<Utc>>,
    /// Who negotiated it.
    pub agreed_by: Option<&'a UserId>,
}

/// Checks an intake at `now` under the group's `max_backdate_days`: the instant it was
/// received, or every problem at once. Codes: `required` (`customer_id` of a complaint or a
/// repair, `warning_source` of an early warning, `agreed_by` with `negotiated_due` and the
/// reverse), `not_allowed` (a warning source on anything but an early warning), `out_of_range`
/// (a negative amount), `in_future` and `too_old` (`received_at`), `before_received_at`
/// (`negotiated_due`). A `received_at` up to [`CLOCK_SKEW_TOLERANCE`] ahead is taken as `now`.
pub fn check_intake(
    facts: &IntakeFacts<'_>,
    now: DateTime<Utc>,
    max_backdate_days: u32,
) -> Result<DateTime<Utc>, Vec<FieldProblem>> {
    let mut out = Vec::new();
    if facts.kind.needs_customer() && facts.customer_id.is_none_or(|c| c.as_str().is_empty()) {
        out.push(FieldProblem::new(
            "customer_id",
            "required",
            format!("a {} names its customer", facts.kind),
        ));
    }
    match (facts.kind.needs_warning_source(), facts.warning_source) {
        (true, None) => out.push(FieldProblem::new(
            "warning_source",
            "required",
            "an early warning names its source",
        )),
        (false, Some(_)) => out.push(FieldProblem::new(
            "warning_source",
            "not_allowed",
            "only an early warning has a warning source",
        )),
        _ => {}
    }
    if facts.amount_claimed_fen < 0 {
        out.push(FieldProblem::new("amount_claimed_fen", "out_of_range", "must be 0 or more"));
    }
    let received_at = facts.received_at.unwrap_or(now);
    let latest = now.checked_add_signed(CLOCK_SKEW_TOLERANCE).unwrap_or(now);
    let received_at = if received_at > latest {
        out.push(FieldProblem::new("received_at", "in_future", "cannot lie in the future"));
        now
    } else {
        received_at.min(now)
    };
    // Beyond the instants chrono represents there is no lower limit to speak of.
    let earliest = now.checked_sub_signed(TimeDelta::days(i64::from(max_backdate_days)));
    if earliest.is_some_and(|earliest| received_at < earliest) {
        out.push(FieldProblem::new(
            "received_at",
            "too_old",
            format!("may lie at most {max_backdate_days} days back"),
        ));
    }
    match (facts.negotiated_due, facts.agreed_by) {
        (Some(due), agreed_by) => {
            if agreed_by.is_none_or(|u| u.as_str().is_empty()) {
                out.push(FieldProblem::new(
                    "agreed_by",
                    "required",
                    "a negotiated due names who agreed it with the customer",
                ));
            }
            if due <= received_at {
                out.push(FieldProblem::new(
                    "negotiated_due",
                    "before_received_at",
                    "must lie after the complaint was received",
                ));
            }
        }
        (None, Some(_)) => out.push(FieldProblem::new(
            "negotiated_due",
            "required",
            "agreed_by comes with the negotiated due",
        )),
        (None, None) => {}
    }
    if out.is_empty() { Ok(received_at) } else { Err(out) }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn r_t_1_complaints_start_the_complaint_clocks() {
        let intake = intake_events(ComplaintKind::Complaint, Channel::Phone);
        assert_eq!(intake.events, ["complaint_received"]);
        let intake = intake_events(ComplaintKind::EarlyWarning, Channel::Forum);
        assert_eq!(intake.events, ["complaint_received"]);
    }

    #[test]
    fn r_in_4_verbal_handover_only_on_site() {
        for channel in Channel::ALL {
            let intake = intake_events(ComplaintKind::Complaint, *channel);
            let skipped = intake.skip_clocks.contains(&"verbal_handover");
            assert_eq!(skipped, !channel.is_on_site(), "{channel}");
        }
    }

    #[test]
    fn r_in_5_a_letter_is_acknowledged_by_phone() {
        for kind in ComplaintKind::ALL {
            for channel in Channel::ALL {
                let task = intake_events(*kind, *channel).acknowledgement_task;
                assert_eq!(task, *channel == Channel::Letter, "{kind} {channel}");
            }
        }
    }

    #[test]
    fn r_t_11_front_desk_requests_start_the_front_desk_clock_instead() {
        for kind in ComplaintKind::ALL.iter().filter(|k| k.is_front_desk()) {
            let intake = intake_events(*kind, Channel::OnSiteProperty);
            assert_eq!(intake.events, ["front_desk_request_received"], "{kind}");
            assert!(intake.skip_clocks.is_empty());
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 9, 30, 9, 0, 0).unwrap()
    }

    fn facts(kind: ComplaintKind) -> IntakeFacts<'static> {
        IntakeFacts {
            kind,
            customer_id: None,
            warning_source: None,
            amount_claimed_fen: 0,
            received_at: None,
            negotiated_due: None,
            agreed_by: None,
        }
    }

    fn codes(result: Result<DateTime<Utc>, Vec<FieldProblem>>) -> Vec<(String, &'static str)> {
        result.err().unwrap_or_default().into_iter().map(|p| (p.field, p.code)).collect()
    }

    #[test]
    fn intake_names_the_customer_or_the_warning_source() {
        let customer = CustomerId::from("c1");
        let with_customer =
            IntakeFacts { customer_id: Some(&customer), ..facts(ComplaintKind::Repair) };
        assert_eq!(check_intake(&with_customer, now(), 30), Ok(now()));
        let missing = codes(check_intake(&facts(ComplaintKind::Complaint), now(), 30));
        assert_eq!(missing, [("customer_id".into(), "required")]);
        let warning = codes(check_intake(&facts(ComplaintKind::EarlyWarning), now(), 30));
        assert_eq!(warning, [("warning_source".into(), "required")]);
        let source = Some(WarningSource::Forum);
        let stray = IntakeFacts { warning_source: source, ..facts(ComplaintKind::Help) };
        assert_eq!(
            codes(check_intake(&stray, now(), 30)),
            [("warning_source".into(), "not_allowed")]
        );
        let negative = IntakeFacts { amount_claimed_fen: -1, ..facts(ComplaintKind::Praise) };
        assert_eq!(codes(check_intake(&negative, now(), 30))[0].1, "out_of_range");
    }

    #[test]
    fn received_at_is_never_in_the_future_nor_older_than_the_policy_allows() {
        let at = |received_at| IntakeFacts {
            received_at: Some(received_at),
            ..facts(ComplaintKind::Help)
        };
        let skew = now() + TimeDelta::seconds(30);
        assert_eq!(check_intake(&at(skew), now(), 30), Ok(now()), "a clock a little ahead is now");
        let future = codes(check_intake(&at(now() + TimeDelta::minutes(5)), now(), 30));
        assert_eq!(future, [("received_at".into(), "in_future")]);
        let oldest = now() - TimeDelta::days(30);
        assert_eq!(check_intake(&at(oldest), now(), 30), Ok(oldest));
        let older = codes(check_intake(&at(oldest - TimeDelta::seconds(1)), now(), 30));
        assert_eq!(older, [("received_at".into(), "too_old")]);
        assert_eq!(
            check_intake(&at(oldest - TimeDelta::days(300)), now(), 365).map(|_| ()),
            Ok(())
        );
    }

    #[test]
    fn r_t_9_a_negotiated_due_names_who_agreed_and_lies_after_receipt() {
        let user = UserId::from("u1");
        let due = |d, agreed_by| IntakeFacts {
            negotiated_due: d,
            agreed_by,
            ..facts(ComplaintKind::Suggestion)
        };
        let later = Some(now() + TimeDelta::days(10));
        assert_eq!(check_intake(&due(later, Some(&user)), now(), 30), Ok(now()));
        assert_eq!(
            codes(check_intake(&due(later, None), now(), 30)),
            [("agreed_by".into(), "required")]
        );
        assert_eq!(
            codes(check_intake(&due(Some(now()), Some(&user)), now(), 30)),
            [("negotiated_due".into(), "before_received_at")]
        );
        assert_eq!(
            codes(check_intake(&due(None, Some(&user)), now(), 30)),
            [("negotiated_due".into(), "required")]
        );
    }
}
