//! The SLA policy (时限策略): every clock of one company, and its checks.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::def::{MAX_CALENDAR_MONTHS, is_zero};
use super::{ClockDef, DueRule, is_snake_id};
use crate::callback::CallbackPolicy;
use crate::complaint::{Context, DEFAULT_MAX_BACKDATE_DAYS, GradingPolicy};

/// One group's rules for complaints, stored as a JSON document: its SLA clocks, how far back an
/// intake may be dated, its grading and its lifecycle settings. [`SlaPolicy::default`] is
/// RULES.md §1 and the clock column of §3; a document without the later fields takes their
/// defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    /// The clocks, each with a unique name.
    pub clocks: Vec<ClockDef>,
    /// How many days back a complaint's `received_at` may lie (a receiver logs a call or a
    /// letter after the fact; a group moving from a legacy system raises it). Default 30.
    #[serde(default = "default_max_backdate_days")]
    pub max_backdate_days: u32,
    /// Grading (R-CLS) and the facts that open a major customer event (R-EVT).
    #[serde(default)]
    pub grading: GradingPolicy,
    /// What a dissatisfied callback recorded as a complaint transition does.
    #[serde(default)]
    pub lifecycle: Context,
    /// The callback tasks' settings: attempts, questionnaire, what a dissatisfied callback
    /// does, the weekly sample (R-CB).
    #[serde(default)]
    pub callbacks: CallbackPolicy,
}

pub(super) fn default_max_backdate_days() -> u32 {
    DEFAULT_MAX_BACKDATE_DAYS
}

/// The most days back a policy may allow an intake to be dated (ten years).
pub const MAX_BACKDATE_DAYS: u32 = 3650;

/// One thing wrong with a policy, for a 422 problem's `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyProblem {
    /// Where, as a path into the document: `clocks[3].warning_percent`.
    pub path: String,
    /// A stable snake_case code.
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: String,
}

impl SlaPolicy {
    /// The clock with this name.
    pub fn clock(&self, name: &str) -> Option<&ClockDef> {
        self.clocks.iter().find(|c| c.name == name)
    }

    /// Every problem of the policy, in document order; empty when it is valid.
    ///
    /// Codes: `duplicate_name`, `invalid_name` (clock, event and state names follow
    /// [`is_snake_id`]), `invalid_rule_id` (`R-T-3`), `label_required`, `same_as_start_event`,
    /// `zero_duration`, `out_of_range` (working days 1 to 3650, months 1 to 60, warning
    /// 1 to 100 %), `recurrence_required`, `reset_event_required`, `duplicate_pause_state`.
    pub fn validate(&self) -> Vec<PolicyProblem> {
        let mut out = Problems(Vec::new());
        let mut names = HashSet::new();
        for (i, c) in self.clocks.iter().enumerate() {
            let at = |field: &str| format!("clocks[{i}].{field}");
            if !is_snake_id(&c.name) {
                out.push(at("name"), "invalid_name", invalid_name(&c.name));
            } else if !names.insert(c.name.as_str()) {
                let message = format!("another clock is already named `{}`", c.name);
                out.push(at("name"), "duplicate_name", message);
            }
            if !is_rule_id(&c.rule_id) {
                let message = format!("`{}` is not a rule ID such as `R-T-3`", c.rule_id);
                out.push(at("rule_id"), "invalid_rule_id", message);
            }
            if c.label_zh.trim().is_empty() {
                out.push(at("label_zh"), "label_required", "a Chinese label is required".into());
            }
            out.event(at("start_event"), &c.start_event);
            out.event(at("stop_event"), &c.stop_event);
            if c.stop_event == c.start_event {
                let message = "the clock cannot stop on the event that starts it".into();
                out.push(at("stop_event"), "same_as_start_event", message);
            }
            out.due(at("due"), &c.due);
            match (&c.recurrence, &c.reset_event) {
                (Some(d), Some(event)) => {
                    if is_zero(d) {
                        out.push(at("recurrence"), "zero_duration", "must be longer than 0".into());
                    }
                    out.event(at("reset_event"), event);
                }
                (Some(_), None) => out.push(
                    at("reset_event"),
                    "reset_event_required",
                    "a recurring clock needs the event that starts its next period".into(),
                ),
                (None, Some(_)) => out.push(
                    at("recurrence"),
                    "recurrence_required",
                    "a reset event needs the recurrence it restarts".into(),
                ),
                (None, None) => {}
            }
            let mut states = HashSet::new();
            for (j, state) in c.pause_states.iter().enumerate() {
                let path = at(&format!("pause_states[{j}]"));
                if !is_snake_id(state) {
                    out.push(path, "invalid_name", invalid_name(state));
                } else if !states.insert(state.as_str()) {
                    out.push(path, "duplicate_pause_state", format!("`{state}` is listed twice"));
                }
            }
            if !(1..=100).contains(&c.warning_percent) {
                let message = format!("must be 1 to 100, not {}", c.warning_percent);
                out.push(at("warning_percent"), "out_of_range", message);
            }
        }
        if !(1..=MAX_BACKDATE_DAYS).contains(&self.max_backdate_days) {
            let message =
                format!("must be 1 to {MAX_BACKDATE_DAYS}, not {}", self.max_backdate_days);
            out.push("max_backdate_days".into(), "out_of_range", message);
        }
        for (prefix, problems) in [
            ("grading", self.grading.validate()),
            ("lifecycle", self.lifecycle.validate()),
            ("callbacks", self.callbacks.validate()),
        ] {
            out.0.extend(
                problems
                    .into_iter()
                    .map(|p| PolicyProblem { path: format!("{prefix}.{}", p.path), ..p }),
            );
        }
        out.0
    }
}

struct Problems(Vec<PolicyProblem>);

impl Problems {
    fn push(&mut self, path: String, code: &'static str, message: String) {
        self.0.push(PolicyProblem { path, code, message });
    }

    fn event(&mut self, path: String, name: &str) {
        if !is_snake_id(name) {
            self.push(path, "invalid_name", invalid_name(name));
        }
    }

    fn due(&mut self, path: String, due: &DueRule) {
        let (field, count, max) = match due {
            DueRule::After(d) => {
                if is_zero(d) {
                    self.push(
                        format!("{path}.after"),
                        "zero_duration",
                        "must be longer than 0".into(),
                    );
                }
                return;
            }
            DueRule::EndOfWorkingDay(n) => ("end_of_working_day", *n, 3650),
            DueRule::CalendarMonths(n) => ("calendar_months", *n, MAX_CALENDAR_MONTHS),
        };
        if !(1..=max).contains(&count) {
            let message = format!("must be 1 to {max}, not {count}");
            self.push(format!("{path}.{field}"), "out_of_range", message);
        }
    }
}

fn invalid_name(name: &str) -> String {
    format!("`{name}` is not a snake_case name: a lowercase letter, then up to 63 of a-z, 0-9, _")
}

/// `R-` then an uppercase family and a number: `R-T-3`, `R-CLS-10`.
pub(crate) fn is_rule_id(s: &str) -> bool {
    let Some((family, number)) = s.strip_prefix("R-").and_then(|rest| rest.split_once('-')) else {
        return false;
    };
    (1..=8).contains(&family.len())
        && family.bytes().all(|b| b.is_ascii_uppercase())
        && (1..=3).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids() {
        for ok in ["R-T-3", "R-CLS-10", "R-RP-16"] {
            assert!(is_rule_id(ok), "{ok}");
        }
        for bad in ["", "R-T", "R-T-", "r-t-3", "R-T-3a", "R--3", "T-3", "R-T-1000"] {
            assert!(!is_rule_id(bad), "{bad}");
        }
    }
}
