//! A group's callback settings (回访设置), part of its policy document.

use serde::{Deserialize, Serialize};

use crate::sla::PolicyProblem;
use crate::vocabulary;

vocabulary! {
    /// What a dissatisfied callback does to a complaint already called back or resolved.
    pub enum Dissatisfaction as "callback_dissatisfaction" {
        /// Reopen the complaint (重新处理).
        Reopen = "reopen", "重新处理原投诉";
        /// Open a new complaint, linked to the old one (新开投诉).
        NewComplaint = "new_complaint", "新开投诉";
    }
}

/// One question of the callback questionnaire, answered 1 (very dissatisfied) to 5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Its code, the key of an answer (`overall`).
    pub code: String,
    /// The question as asked.
    pub text: String,
}

/// The callback settings (R-CB, R-T-6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CallbackPolicy {
    /// Attempts to reach a customer before the task is `failed` (1 to 10).
    pub callback_attempts: u8,
    /// The satisfaction (1 to 4) at or below which the customer is dissatisfied.
    pub reopen_at_or_below: u8,
    /// What a dissatisfied callback of a resolved or closed complaint does.
    pub on_dissatisfaction: Dissatisfaction,
    /// The questions every callback asks; the first is the overall satisfaction.
    pub questionnaire: Vec<Question>,
    /// The share of the complaints in progress the Monday batch samples (R-CB-1), 1 to 100.
    pub weekly_sample_percent: u8,
}

impl Default for CallbackPolicy {
    /// Three attempts, dissatisfied at 2 or below reopens, a four-question questionnaire and
    /// a 20 % weekly sample.
    fn default() -> Self {
        let q = |code: &str, text: &str| Question { code: code.into(), text: text.into() };
        Self {
            callback_attempts: 3,
            reopen_at_or_below: 2,
            on_dissatisfaction: Dissatisfaction::Reopen,
            questionnaire: vec![
                q("overall", "您对本次投诉处理的总体满意度"),
                q("timeliness", "处理是否及时"),
                q("attitude", "工作人员的服务态度"),
                q("result", "处理结果"),
            ],
            weekly_sample_percent: 20,
        }
    }
}

impl CallbackPolicy {
    /// The question a bare satisfaction answers: the first.
    pub fn overall(&self) -> &str {
        self.questionnaire.first().map_or("overall", |q| q.code.as_str())
    }

    /// Every problem of the settings, paths relative to the section.
    pub fn validate(&self) -> Vec<PolicyProblem> {
        let mut out = Vec::new();
        let mut bad = |path: &str, code: &'static str, message: String| {
            out.push(PolicyProblem { path: path.into(), code, message })
        };
        if !(1..=10).contains(&self.callback_attempts) {
            bad("callback_attempts", "out_of_range", "must be 1 to 10".into());
        }
        if !(1..=4).contains(&self.reopen_at_or_below) {
            bad("reopen_at_or_below", "out_of_range", "must be 1 to 4".into());
        }
        if !(1..=100).contains(&self.weekly_sample_percent) {
            bad("weekly_sample_percent", "out_of_range", "must be 1 to 100".into());
        }
        if self.questionnaire.is_empty() || self.questionnaire.len() > 20 {
            bad("questionnaire", "out_of_range", "must have 1 to 20 questions".into());
        }
        let mut seen = std::collections::HashSet::new();
        for (i, q) in self.questionnaire.iter().enumerate() {
            if !crate::sla::is_snake_id(&q.code) {
                bad(&format!("questionnaire[{i}].code"), "invalid", "a snake_case code".into());
            } else if !seen.insert(q.code.as_str()) {
                bad(&format!("questionnaire[{i}].code"), "duplicate", "codes are unique".into());
            }
            if q.text.trim().is_empty() || q.text.chars().count() > 200 {
                bad(&format!("questionnaire[{i}].text"), "required", "1 to 200 characters".into());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_asks_four_questions_and_tries_three_times() {
        let p = CallbackPolicy::default();
        assert_eq!(p.validate(), vec![]);
        assert_eq!((p.callback_attempts, p.reopen_at_or_below, p.overall()), (3, 2, "overall"));
        let bad = CallbackPolicy { callback_attempts: 0, reopen_at_or_below: 5, ..p };
        let paths: Vec<String> = bad.validate().into_iter().map(|p| p.path).collect();
        assert_eq!(paths, ["callback_attempts", "reopen_at_or_below"]);
    }
}
