//! Grading (投诉分级, R-CLS) and the facts that open a major customer event (R-EVT), as data
//! of a group's policy. [`GradingPolicy::default`] holds the rules of RULES.md §1.
//!
//! The highest grade any rule matches wins. [`Grading::grade_rules`] lists the rules of the
//! winning grade only, ascending by number (`R-CLS-9` before `R-CLS-10`), then every R-EVT rule
//! that applies, whatever its grade; `R-CLS-3` stands alone when no rule matched at all.

mod validate;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use super::{Category, Flag, Grade};

/// The rule a complaint falls under when no other matched (R-CLS-3: general).
pub const FALLBACK_RULE: &str = "R-CLS-3";
/// The rule that makes every complaint of a shared problem major once enough households
/// raised it (R-EVT-1).
pub const HOUSEHOLDS_RULE: &str = "R-EVT-1";
/// The rule that opens a major customer event on a large amount (R-EVT-2).
pub const EVENT_AMOUNT_RULE: &str = "R-EVT-2";

/// One group's grading rules (分级规则), stored as a JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct GradingPolicy {
    /// Amount bands, ascending: each from its `from_fen` up to the next band's.
    pub amount_bands: Vec<AmountBand>,
    /// The grade of each category; a category not listed matches nothing.
    pub categories: Vec<CategoryRule>,
    /// The grade of each flag; a flag not listed matches nothing.
    pub flags: Vec<FlagRule>,
    /// How many distinct households raising one shared problem open a major customer event
    /// (R-EVT-1).
    pub event_households: u32,
    /// The amount claimed, in fen, from which a complaint opens a major customer event
    /// (R-EVT-2).
    pub event_amount_fen: i64,
    /// Flags that open a major customer event (R-EVT-3 media, R-EVT-4 litigation).
    pub event_flags: Vec<EventFlag>,
}

/// Amounts from `from_fen` (up to the next band) grade a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AmountBand {
    /// The lowest amount of the band, in fen (分).
    pub from_fen: i64,
    /// The grade it gives.
    pub grade: Grade,
    /// The rule (`R-CLS-10`).
    pub rule_id: String,
}

/// A category grades a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    /// The category.
    pub category: Category,
    /// The grade it gives.
    pub grade: Grade,
    /// The rule (`R-CLS-4`).
    pub rule_id: String,
}

/// A flag grades a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FlagRule {
    /// The flag.
    pub flag: Flag,
    /// The grade it gives.
    pub grade: Grade,
    /// The rule (`R-CLS-13`).
    pub rule_id: String,
}

/// A flag opens a major customer event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventFlag {
    /// The flag.
    pub flag: Flag,
    /// The rule (`R-EVT-3`).
    pub rule_id: String,
}

/// What grading looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts<'a> {
    /// The category, if known.
    pub category: Option<Category>,
    /// The amount claimed, in fen (never negative: intake refuses that; a negative amount
    /// matches no band).
    pub amount_claimed_fen: i64,
    /// The flags.
    pub flags: &'a [Flag],
    /// Whether its shared problem was raised by enough households (R-EVT-1): major.
    pub in_customer_event: bool,
}

/// A grade and the rules that gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grading {
    /// The grade.
    pub grade: Grade,
    /// The rules of the winning grade, then the R-EVT rules that apply (see the module).
    pub grade_rules: Vec<String>,
}

impl Default for GradingPolicy {
    /// RULES.md §1: amounts 1–49,999 fen general (R-CLS-2), 50,000–999,999 important
    /// (R-CLS-10), from 1,000,000 major (R-CLS-15); categories R-CLS-1, 4–8 (`other` matches
    /// nothing); flags R-CLS-9, 11–14 and litigation major (R-EVT-4); events from 10 households
    /// (R-EVT-1), 2,000,000 fen (R-EVT-2), media (R-EVT-3) and litigation (R-EVT-4).
    fn default() -> Self {
        use Grade::{General, Important, Major};
        let band =
            |from_fen, grade, rule: &str| AmountBand { from_fen, grade, rule_id: rule.into() };
        let category =
            |category, grade, rule: &str| CategoryRule { category, grade, rule_id: rule.into() };
        let flag = |flag, grade, rule: &str| FlagRule { flag, grade, rule_id: rule.into() };
        let event = |flag, rule: &str| EventFlag { flag, rule_id: rule.into() };
        Self {
            amount_bands: vec![
                band(1, General, "R-CLS-2"),
                band(50_000, Important, "R-CLS-10"),
                band(1_000_000, Major, "R-CLS-15"),
            ],
            categories: vec![
                category(Category::StaffAttitude, General, "R-CLS-1"),
                category(Category::SalesPromise, Important, "R-CLS-4"),
                category(Category::DesignPlanning, Important, "R-CLS-5"),
                category(Category::ConstructionQuality, Important, "R-CLS-6"),
                category(Category::MortgageTitle, Important, "R-CLS-7"),
                category(Category::PropertyService, Important, "R-CLS-8"),
            ],
            flags: vec![
                flag(Flag::MultiDepartment, Important, "R-CLS-9"),
                flag(Flag::SafetyEmergency, Major, "R-CLS-11"),
                flag(Flag::MassHandover, Major, "R-CLS-12"),
                flag(Flag::Government, Major, "R-CLS-13"),
                flag(Flag::Media, Major, "R-CLS-13"),
                flag(Flag::ConsumerAssociation, Major, "R-CLS-13"),
                flag(Flag::PublicAttention, Major, "R-CLS-13"),
                flag(Flag::StructuralHazard, Major, "R-CLS-14"),
                flag(Flag::Litigation, Major, "R-EVT-4"),
            ],
            event_households: 10,
            event_amount_fen: 2_000_000,
            event_flags: vec![event(Flag::Media, "R-EVT-3"), event(Flag::Litigation, "R-EVT-4")],
        }
    }
}

impl GradingPolicy {
    /// The grade of a complaint and the rules that gave it.
    pub fn classify(&self, facts: &Facts<'_>) -> Grading {
        let mut matched: Vec<(Grade, &str)> = Vec::new();
        let band = self.amount_bands.iter().rev().find(|b| facts.amount_claimed_fen >= b.from_fen);
        matched.extend(band.map(|b| (b.grade, b.rule_id.as_str())));
        let category =
            facts.category.and_then(|c| self.categories.iter().find(|r| r.category == c));
        matched.extend(category.map(|r| (r.grade, r.rule_id.as_str())));
        for rule in self.flags.iter().filter(|r| facts.flags.contains(&r.flag)) {
            matched.push((rule.grade, rule.rule_id.as_str()));
        }
        if facts.in_customer_event {
            matched.push((Grade::Major, HOUSEHOLDS_RULE));
        }
        let Some(grade) = matched.iter().map(|(g, _)| *g).max() else {
            let mut grade_rules = vec![FALLBACK_RULE.to_owned()];
            grade_rules.extend(self.opens_customer_event(facts));
            return Grading { grade: Grade::General, grade_rules };
        };
        let mut rules: Vec<String> = matched
            .iter()
            .filter(|(g, id)| *g == grade || is_event_rule(id))
            .map(|(_, id)| (*id).to_owned())
            .chain(self.opens_customer_event(facts))
            .collect();
        rules.sort_by_key(|id| rule_order(id));
        rules.dedup();
        Grading { grade, grade_rules: rules }
    }

    /// The R-EVT rules by which this complaint alone opens a major customer event, ascending:
    /// `R-EVT-2` (amount), and the event flags (`R-EVT-3` media, `R-EVT-4` litigation).
    /// R-EVT-1 (households) is counted over a shared problem: see
    /// [`households_reached`](super::households_reached).
    pub fn opens_customer_event(&self, facts: &Facts<'_>) -> Vec<String> {
        let mut rules: Vec<String> = Vec::new();
        if facts.amount_claimed_fen >= self.event_amount_fen {
            rules.push(EVENT_AMOUNT_RULE.to_owned());
        }
        for rule in self.event_flags.iter().filter(|r| facts.flags.contains(&r.flag)) {
            rules.push(rule.rule_id.clone());
        }
        rules.sort_by_key(|id| rule_order(id));
        rules.dedup();
        rules
    }
}

fn is_event_rule(id: &str) -> bool {
    id.starts_with("R-EVT-")
}

/// Classification rules first, then event rules, then any other family; by number within one.
fn rule_order(id: &str) -> (u8, String, u32, String) {
    let (family, number) = id
        .strip_prefix("R-")
        .and_then(|rest| rest.rsplit_once('-'))
        .and_then(|(family, n)| Some((family, n.parse::<u32>().ok()?)))
        .unwrap_or(("", u32::MAX));
    let rank = match family {
        "CLS" => 0,
        "EVT" => 1,
        _ => 2,
    };
    (rank, family.to_owned(), number, id.to_owned())
}
