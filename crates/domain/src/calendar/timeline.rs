//! The zone's clock, day by day: which UTC stretches a local date's blocks cover.
//!
//! Instants are i64 nanoseconds since 1970 (exact, no rounding). A date's layout is one piece
//! with a constant offset, or two pieces around the one offset change near that date.

use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::{CalendarError, DayBlocks};

pub(super) const NANOS: i64 = 1_000_000_000;
const DAY: i64 = 86_400;
/// Wider than any UTC offset: the instants of a local date lie within this of its UTC day.
const MARGIN: i64 = 16 * 3600;
/// Two lookups this far apart with the same offset are taken to have no change between them
/// (two changes would be needed, and zones change at most once in this long).
const MAX_EXTEND: i64 = 4 * DAY;
/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const EPOCH_DAYS: i64 = 719_163;
/// Supported instants: 1900-01-01T00:00Z to 2151-01-01T00:00Z, in seconds.
const SUPPORTED: std::ops::Range<i64> = -2_208_988_800..5_712_969_600;

pub(super) fn to_nanos(at: DateTime<Utc>) -> Result<i64, CalendarError> {
    if !SUPPORTED.contains(&at.timestamp()) {
        return Err(CalendarError::OutOfRange(at.to_rfc3339()));
    }
    Ok(at.timestamp() * NANOS + i64::from(at.timestamp_subsec_nanos()))
}

pub(super) fn from_nanos(ns: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(ns)
}

/// Seconds from 1970-01-01T00:00 to the local midnight that starts `date`, on a naive clock.
pub(super) fn day_start(date: NaiveDate) -> i64 {
    (i64::from(date.num_days_from_ce()) - EPOCH_DAYS) * DAY
}

pub(super) fn check_date(date: NaiveDate) -> Result<(), CalendarError> {
    let start = day_start(date);
    match SUPPORTED.contains(&start) {
        true => Ok(()),
        false => Err(CalendarError::OutOfRange(date.to_string())),
    }
}

/// UTC offsets of one zone, remembering a stretch over which the offset is known constant.
#[derive(Debug, Clone)]
pub(super) struct Offsets {
    tz: Tz,
    from: i64,
    to: i64,
    off: i64,
}

impl Offsets {
    pub(super) fn new(tz: Tz) -> Self {
        Self { tz, from: 1, to: 0, off: 0 }
    }

    /// The offset in seconds at `u` seconds since 1970, looked up.
    fn raw(&self, u: i64) -> i64 {
        // Callers stay within the supported years, where the timestamp always exists.
        DateTime::from_timestamp(u, 0).map_or(0, |t| {
            i64::from(self.tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc())
        })
    }

    /// The offset at `u`, from the remembered stretch when it can. Near the stretch, one
    /// lookup a full [`MAX_EXTEND`] further on extends it as far as it can go at once.
    pub(super) fn at(&mut self, u: i64) -> i64 {
        if self.from <= u && u <= self.to {
            return self.off;
        }
        if self.from <= self.to {
            if u > self.to && u - self.to <= MAX_EXTEND {
                let probe = self.to + MAX_EXTEND;
                if self.raw(probe) == self.off {
                    self.to = probe;
                    return self.off;
                }
            } else if u < self.from && self.from - u <= MAX_EXTEND {
                let probe = self.from - MAX_EXTEND;
                if self.raw(probe) == self.off {
                    self.from = probe;
                    return self.off;
                }
            }
        }
        let off = self.raw(u);
        (self.from, self.to, self.off) = (u, u, off);
        off
    }

    /// The local date of the instant `ns`, and the nanoseconds since that local midnight.
    pub(super) fn local(&mut self, ns: i64) -> Result<(NaiveDate, i64), CalendarError> {
        let secs = ns.div_euclid(NANOS);
        let local = secs + self.at(secs);
        let days = local.div_euclid(DAY);
        let date = i32::try_from(days + EPOCH_DAYS)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or_else(|| CalendarError::OutOfRange(from_nanos(ns).to_rfc3339()))?;
        Ok((date, (local - days * DAY) * NANOS + ns.rem_euclid(NANOS)))
    }

    /// The instant at which the clock of `date` shows `nanos` past midnight: a time that does
    /// not exist moves forward by the jump, a repeated one takes its first occurrence.
    pub(super) fn instant(&mut self, date: NaiveDate, nanos: i64) -> i64 {
        let local = day_start(date) + nanos.div_euclid(NANOS);
        let naive = DateTime::from_timestamp(local, 0).map(|t| t.naive_utc());
        let off = match naive.map(|n| self.tz.offset_from_local_datetime(&n)) {
            Some(r) => match (r.earliest(), r.latest()) {
                (Some(a), Some(b)) => {
                    i64::from(a.fix().local_minus_utc().max(b.fix().local_minus_utc()))
                }
                _ => self.raw(local - DAY),
            },
            None => 0,
        };
        (local - off) * NANOS + nanos.rem_euclid(NANOS)
    }

    /// How the local date starting at `d0` (see [`day_start`]) maps onto UTC.
    pub(super) fn layout(&mut self, d0: i64) -> Layout {
        let (lo, hi) = (d0 - MARGIN, d0 + DAY + MARGIN);
        let (before, after) = (self.at(lo), self.at(hi));
        if before == after {
            return Layout { d0, pieces: [(0, DAY, before); 2], len: 1 };
        }
        // The first second with the new offset: offsets change on whole seconds.
        let (mut x, mut y) = (lo, hi);
        while y - x > 1 {
            let m = x + (y - x) / 2;
            if self.raw(m) == before { x = m } else { y = m }
        }
        (self.from, self.to, self.off) = (y, hi, after);
        let first = (0, (y + before - d0).min(DAY), before);
        let second = ((y + after - d0).max(0), DAY, after);
        Layout { d0, pieces: [first, second], len: 2 }
    }
}

/// Pieces `(from, to, offset)`: seconds after local midnight, and the offset there.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    d0: i64,
    pieces: [(i64, i64, i64); 2],
    len: usize,
}

impl Layout {
    /// The UTC stretches `[start, end)` in nanoseconds that `blocks` cover on this date.
    pub(super) fn spans(self, blocks: &DayBlocks) -> impl Iterator<Item = (i64, i64)> + '_ {
        let d0 = self.d0;
        self.pieces.into_iter().take(self.len).flat_map(move |(lo, hi, off)| {
            blocks.blocks().iter().filter_map(move |b| {
                let start = i64::from(b.start_seconds()).max(lo);
                let end = i64::from(b.end_seconds()).min(hi);
                (start < end).then_some(((d0 + start - off) * NANOS, (d0 + end - off) * NANOS))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_plain_day_is_one_piece_and_a_clock_change_two() {
        let mut offsets = Offsets::new(chrono_tz::Europe::Berlin);
        let plain = offsets.layout(day_start(date("2026-03-10")));
        assert_eq!((plain.len, plain.pieces[0]), (1, (0, DAY, 3600)));
        let spring = offsets.layout(day_start(date("2026-03-29")));
        // Until 02:00 at +01:00, from 03:00 at +02:00.
        assert_eq!(spring.len, 2);
        assert_eq!(spring.pieces, [(0, 2 * 3600, 3600), (3 * 3600, DAY, 7200)]);
        let autumn = offsets.layout(day_start(date("2026-10-25")));
        // Until 03:00 at +02:00, then from 02:00 again at +01:00.
        assert_eq!(autumn.pieces, [(0, 3 * 3600, 7200), (2 * 3600, DAY, 3600)]);
    }

    #[test]
    fn local_clock_times_that_do_not_exist_move_forward() {
        let mut offsets = Offsets::new(chrono_tz::America::New_York);
        let half_past_two = (2 * 3600 + 1800) * NANOS;
        // 2026-03-08 02:30 does not exist in New York: 03:30 EDT, 07:30Z.
        let at = from_nanos(offsets.instant(date("2026-03-08"), half_past_two));
        assert_eq!(at.to_rfc3339(), "2026-03-08T07:30:00+00:00");
        // 2026-11-01 01:30 happens twice: the first, EDT, 05:30Z.
        let at = from_nanos(offsets.instant(date("2026-11-01"), half_past_two - 3600 * NANOS));
        assert_eq!(at.to_rfc3339(), "2026-11-01T05:30:00+00:00");
        let (day, clock) = offsets.local(to_nanos(at).unwrap()).unwrap();
        assert_eq!((day, clock), (date("2026-11-01"), 5400 * NANOS));
    }
}
