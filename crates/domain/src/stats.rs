//! Complaint statistics (投诉统计, R-RP-1, R-RP-11): how a statement's rows are cut, and the
//! arithmetic of its figures (rates, percentiles) kept pure so both the statement and the
//! report drafts built on it agree.

use crate::vocabulary;

vocabulary! {
    /// What a statement's rows are (统计维度): one row per value of this field.
    pub enum StatsGroup as "stats_group" {
        /// Per grade (等级).
        Grade = "grade", "按等级";
        /// Per category (类别).
        Category = "category", "按类别";
        /// Per intake channel (渠道).
        Channel = "channel", "按渠道";
        /// Per project (项目).
        Project = "project", "按项目";
        /// Per responsible department (责任部门, R-RP-15).
        Department = "department", "按责任部门";
        /// Per state (状态).
        State = "state", "按状态";
    }
}

/// `part / whole`, or `None` when nothing was counted (a rate of nothing is not 0 %).
#[allow(clippy::cast_precision_loss)]
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole != 0).then(|| part as f64 / whole as f64)
}

/// A percentile as a fraction `num / den` (the median is 1/2, the 90th percentile 9/10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantile {
    /// The numerator.
    pub num: i64,
    /// The denominator (positive).
    pub den: i64,
}

impl Quantile {
    /// The median.
    pub const MEDIAN: Self = Self { num: 1, den: 2 };
    /// The 90th percentile.
    pub const P90: Self = Self { num: 9, den: 10 };

    /// The two 0-based ranks around the quantile of `n` sorted values (equal when it falls on
    /// one), in integers so SQL can name the same rows.
    pub fn ranks(self, n: i64) -> (i64, i64) {
        let scaled = (n - 1).max(0) * self.num;
        (scaled / self.den, (scaled + self.den - 1) / self.den)
    }

    /// The quantile of `n` sorted values, linearly interpolated between the two nearest ranks
    /// (as PostgreSQL's `percentile_cont`), given the values at the ranks [`Self::ranks`]
    /// names; `None` for no values.
    #[allow(clippy::cast_precision_loss)]
    pub fn of(self, n: i64, at: impl Fn(i64) -> Option<i64>) -> Option<f64> {
        if n <= 0 {
            return None;
        }
        let (lo, hi) = self.ranks(n);
        let (a, b) = (at(lo)? as f64, at(hi)? as f64);
        let fraction = ((n - 1) * self.num - lo * self.den) as f64 / self.den as f64;
        Some(a + fraction * (b - a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_of_nothing_are_none() {
        assert_eq!(rate(3, 4), Some(0.75));
        assert_eq!(rate(0, 0), None);
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let values = [60, 120, 180, 450];
        let at = |i: i64| values.get(usize::try_from(i).ok()?).copied();
        assert_eq!(Quantile::MEDIAN.of(4, at), Some(150.0));
        // 0.9 × 3 = 2.7: 180 + 0.7 × 270.
        let p90 = Quantile::P90.of(4, at).unwrap();
        assert!((p90 - 369.0).abs() < 1e-9, "{p90}");
        assert_eq!(Quantile::MEDIAN.of(1, |_| Some(42)), Some(42.0));
        assert_eq!(Quantile::MEDIAN.of(0, |_| Some(1)), None);
        assert_eq!(Quantile::P90.ranks(11), (9, 9));
        assert_eq!(Quantile::MEDIAN.ranks(4), (1, 2));
    }
}
