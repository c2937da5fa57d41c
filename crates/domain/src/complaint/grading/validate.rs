//! The checks of a grading policy, reported like the SLA policy's.

use std::collections::HashSet;
use std::fmt::Display;
use std::hash::Hash;

use super::GradingPolicy;
use crate::sla::{PolicyProblem, is_rule_id};

impl GradingPolicy {
    /// Every problem of the policy, in document order; empty when it is valid.
    ///
    /// Codes: `not_positive` (a band's `from_fen`, `event_households`, `event_amount_fen`),
    /// `not_ascending` (each band starts above the previous one), `grade_descending` (a larger
    /// amount never gives a lower grade), `invalid_rule_id` (`R-CLS-10`), `duplicate_category`,
    /// `duplicate_flag`.
    pub fn validate(&self) -> Vec<PolicyProblem> {
        let mut out = Problems(Vec::new());
        let mut previous = None;
        for (i, band) in self.amount_bands.iter().enumerate() {
            let at = |field: &str| format!("amount_bands[{i}].{field}");
            if band.from_fen < 1 {
                out.push(at("from_fen"), "not_positive", "must be 1 fen or more".into());
            }
            if let Some((from, grade)) = previous {
                if band.from_fen <= from {
                    let message = format!("must be above the previous band's {from} fen");
                    out.push(at("from_fen"), "not_ascending", message);
                }
                if band.grade < grade {
                    let message = format!("a larger amount cannot grade lower than {grade}");
                    out.push(at("grade"), "grade_descending", message);
                }
            }
            previous = Some((band.from_fen, band.grade));
            out.rule(at("rule_id"), &band.rule_id);
        }
        let mut seen = HashSet::new();
        for (i, r) in self.categories.iter().enumerate() {
            out.once(&mut seen, format!("categories[{i}].category"), r.category);
            out.rule(format!("categories[{i}].rule_id"), &r.rule_id);
        }
        let mut seen = HashSet::new();
        for (i, r) in self.flags.iter().enumerate() {
            out.once(&mut seen, format!("flags[{i}].flag"), r.flag);
            out.rule(format!("flags[{i}].rule_id"), &r.rule_id);
        }
        if self.event_households < 1 {
            out.push("event_households".into(), "not_positive", "must be 1 or more".into());
        }
        if self.event_amount_fen < 1 {
            out.push("event_amount_fen".into(), "not_positive", "must be 1 fen or more".into());
        }
        let mut seen = HashSet::new();
        for (i, r) in self.event_flags.iter().enumerate() {
            out.once(&mut seen, format!("event_flags[{i}].flag"), r.flag);
            out.rule(format!("event_flags[{i}].rule_id"), &r.rule_id);
        }
        out.0
    }
}

struct Problems(Vec<PolicyProblem>);

impl Problems {
    fn push(&mut self, path: String, code: &'static str, message: String) {
        self.0.push(PolicyProblem { path, code, message });
    }

    fn rule(&mut self, path: String, id: &str) {
        if !is_rule_id(id) {
            let message = format!("`{id}` is not a rule ID such as `R-CLS-10`");
            self.push(path, "invalid_rule_id", message);
        }
    }

    /// A category or flag listed a second time.
    fn once<T: Eq + Hash + Display>(&mut self, seen: &mut HashSet<T>, path: String, value: T) {
        let message = format!("`{value}` is listed twice");
        if !seen.insert(value) {
            let code =
                if path.ends_with(".category") { "duplicate_category" } else { "duplicate_flag" };
            self.push(path, code, message);
        }
    }
}
