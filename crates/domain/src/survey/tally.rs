//! The tally of a campaign (R-SAT-1): distribution and valid-return rates against the 95 %
//! target, and per-dimension sums and averages over the valid answers, by project and for the
//! company. Counts are integers; each rate and average is one division at the end, and the
//! target is compared in integers (`n × 100 < d × 95`), so 19 of 20 is exactly no breach.

use std::collections::BTreeMap;

use super::SurveyDimension;

/// The scores of one answer, by dimension.
pub type Scores = BTreeMap<SurveyDimension, i64>;

/// The target of both rates, in percent (R-SAT-1: ≥ 95 %).
pub const TARGET_PERCENT: i64 = 95;

/// Whether an answer is valid: every dimension scored (R-SAT-2).
pub fn is_valid(scores: &Scores) -> bool {
    SurveyDimension::ALL.iter().all(|d| scores.contains_key(d))
}

/// One dimension's count, sum and average over valid answers.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionTally {
    /// The dimension.
    pub dimension: SurveyDimension,
    /// How many valid answers scored it.
    pub count: i64,
    /// The sum of their scores.
    pub sum: i64,
    /// `sum / count`, unrounded; `None` without answers.
    pub average: Option<f64>,
}

/// Sums of every dimension over a set of valid answers.
pub fn dimensions<'a>(answers: impl Iterator<Item = &'a Scores> + Clone) -> Vec<DimensionTally> {
    SurveyDimension::ALL
        .iter()
        .map(|&dimension| {
            let scores = answers.clone().filter_map(|s| s.get(&dimension).copied());
            let (count, sum) = scores.fold((0_i64, 0_i64), |(c, s), v| (c + 1, s + v));
            #[allow(clippy::cast_precision_loss)]
            let average = (count > 0).then(|| sum as f64 / count as f64);
            DimensionTally { dimension, count, sum, average }
        })
        .collect()
}

/// A rate the target applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// The numerator.
    pub part: i64,
    /// The denominator.
    pub whole: i64,
}

impl Rate {
    /// `part / whole`; `None` when `whole` is 0.
    #[allow(clippy::cast_precision_loss)]
    pub fn value(self) -> Option<f64> {
        (self.whole > 0).then(|| self.part as f64 / self.whole as f64)
    }

    /// Whether the rate misses the 95 % target. A rate over nothing (`whole` 0) misses it only
    /// once the collection is closed: until then there is still time to distribute.
    pub fn breached(self, closed: bool) -> bool {
        if self.whole == 0 { closed } else { self.part * 100 < self.whole * TARGET_PERCENT }
    }
}

/// The counts of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Respondents (owners chosen).
    pub planned: i64,
    /// Respondents a questionnaire reached (answered ones included).
    pub distributed: i64,
    /// Answers returned.
    pub returned: i64,
    /// Valid answers (every dimension scored).
    pub valid: i64,
}

impl Counts {
    /// `distributed / planned`.
    pub fn distribution(self) -> Rate {
        Rate { part: self.distributed, whole: self.planned }
    }

    /// `valid / distributed`.
    pub fn valid_return(self) -> Rate {
        Rate { part: self.valid, whole: self.distributed }
    }

    /// The rates that miss the target: `distribution_rate`, `valid_return_rate`.
    pub fn breaches(self, closed: bool) -> Vec<&'static str> {
        let mut breaches = Vec::new();
        if self.distribution().breached(closed) {
            breaches.push("distribution_rate");
        }
        if self.valid_return().breached(closed) {
            breaches.push("valid_return_rate");
        }
        breaches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(v: [i64; 6]) -> Scores {
        SurveyDimension::ALL.iter().copied().zip(v).collect()
    }

    #[test]
    fn r_sat_1_rates_are_compared_exactly_with_95_percent() {
        let c = Counts { planned: 20, distributed: 19, returned: 18, valid: 17 };
        assert_eq!(c.distribution().value(), Some(0.95));
        assert_eq!(c.breaches(false), vec!["valid_return_rate"]);
        let none = Counts::default();
        assert_eq!(none.distribution().value(), None);
        assert!(none.breaches(false).is_empty());
        assert_eq!(none.breaches(true), vec!["distribution_rate", "valid_return_rate"]);
    }

    #[test]
    fn r_sat_2_an_answer_is_valid_with_every_dimension_and_averages_are_unrounded() {
        let (a, b) = (scores([5, 4, 3, 2, 1, 5]), scores([4, 4, 4, 4, 4, 4]));
        assert!(is_valid(&a));
        let mut partial = a.clone();
        partial.remove(&SurveyDimension::SalesProcess);
        assert!(!is_valid(&partial));
        let third = scores([5, 5, 5, 5, 5, 5]);
        let tally = dimensions([&a, &b, &third].into_iter());
        assert_eq!(tally[0].sum, 14);
        assert_eq!(tally[0].average, Some(14.0 / 3.0));
        assert_eq!(tally[4].average, Some(10.0 / 3.0));
    }
}
