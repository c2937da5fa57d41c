//! Working blocks (工作时段): the stretches of one day when the clock runs.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use super::CalendarError;

/// Seconds in a day; a block may end at 24:00.
const DAY: u32 = 86_400;

/// One stretch of working time within a day, `[start, end)` in local clock time.
///
/// Whole seconds; `start < end`; `end` may be 24:00 (midnight at the day's end). Written
/// `09:00-12:00` (or `09:00:30-12:00`), which is also its serde form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Block {
    start: u32,
    end: u32,
}

impl Block {
    /// The block from `start` to `end` (both whole seconds; `start < end`).
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<Self, CalendarError> {
        let secs = |t: NaiveTime| {
            (t.nanosecond() == 0)
                .then(|| t.num_seconds_from_midnight())
                .ok_or_else(|| CalendarError::BlockFormat(format!("{start}-{end}")))
        };
        Self::from_seconds(secs(start)?, secs(end)?)
    }

    /// The block from `start` to `end` seconds after midnight (`end` ≤ 86 400, i.e. 24:00).
    pub fn from_seconds(start: u32, end: u32) -> Result<Self, CalendarError> {
        let block = Self { start, end };
        if end > DAY {
            return Err(CalendarError::BlockFormat(block.to_string()));
        }
        if start >= end {
            return Err(CalendarError::BlockOrder(block.to_string()));
        }
        Ok(block)
    }

    /// Seconds from midnight to the start.
    pub fn start_seconds(&self) -> u32 {
        self.start
    }

    /// Seconds from midnight to the end (86 400 for 24:00).
    pub fn end_seconds(&self) -> u32 {
        self.end
    }

    /// The length in seconds.
    pub fn seconds(&self) -> u32 {
        self.end - self.start
    }
}

fn clock(s: &str) -> Option<u32> {
    let mut parts = s.split(':');
    let mut field = |max: u32| -> Option<u32> {
        let p = parts.next()?;
        (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit())).then_some(())?;
        p.parse().ok().filter(|&n| n <= max)
    };
    let (h, m) = (field(24)?, field(59)?);
    let s = match parts.next() {
        None => 0,
        Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok()?,
        Some(_) => return None,
    };
    let total = h * 3600 + m * 60 + s;
    (s <= 59 && parts.next().is_none() && total <= DAY).then_some(total)
}

fn show(f: &mut fmt::Formatter<'_>, secs: u32) -> fmt::Result {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match s {
        0 => write!(f, "{h:02}:{m:02}"),
        _ => write!(f, "{h:02}:{m:02}:{s:02}"),
    }
}

impl FromStr for Block {
    type Err = CalendarError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CalendarError::BlockFormat(s.to_owned());
        let (a, b) = s.trim().split_once('-').ok_or_else(bad)?;
        let (start, end) = (clock(a.trim()).ok_or_else(bad)?, clock(b.trim()).ok_or_else(bad)?);
        Self::from_seconds(start, end)
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        show(f, self.start)?;
        f.write_str("-")?;
        show(f, self.end)
    }
}

impl TryFrom<String> for Block {
    type Error = CalendarError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Block> for String {
    fn from(b: Block) -> Self {
        b.to_string()
    }
}

/// One day's working blocks: sorted, not overlapping, touching blocks merged.
///
/// `09:00-12:00` and `12:00-13:00` become `09:00-13:00`, so a block's end is always the start
/// of non-working time: a due "at a block's end" is then an instant where work stops.
/// Written `09:00-12:00;13:30-18:00`; the empty string is a day without work.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DayBlocks(Vec<Block>);

impl DayBlocks {
    /// Sorts, checks for overlaps and merges touching blocks.
    pub fn new(mut blocks: Vec<Block>) -> Result<Self, CalendarError> {
        blocks.sort_by_key(|b| (b.start, b.end));
        let mut merged: Vec<Block> = Vec::with_capacity(blocks.len());
        for b in blocks {
            match merged.last_mut() {
                Some(last) if b.start < last.end => {
                    return Err(CalendarError::OverlappingBlocks(last.to_string(), b.to_string()));
                }
                Some(last) if b.start == last.end => last.end = b.end,
                _ => merged.push(b),
            }
        }
        Ok(Self(merged))
    }

    /// A day without working time.
    pub fn none() -> Self {
        Self(Vec::new())
    }

    /// The default full day: 09:00–12:00 and 13:30–18:00.
    pub fn standard() -> Self {
        Self(vec![Block { start: 9 * 3600, end: 12 * 3600 }, Block { start: 48_600, end: 64_800 }])
    }

    /// The default half day (半天): 09:00–12:00.
    pub fn morning() -> Self {
        Self(vec![Block { start: 9 * 3600, end: 12 * 3600 }])
    }

    /// The blocks, in order.
    pub fn blocks(&self) -> &[Block] {
        &self.0
    }

    /// True when the day has no working time.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The day's working time in seconds.
    pub fn total_seconds(&self) -> u32 {
        self.0.iter().map(Block::seconds).sum()
    }
}

impl FromStr for DayBlocks {
    type Err = CalendarError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().is_empty() {
            return Ok(Self::none());
        }
        Self::new(s.split(';').map(str::parse).collect::<Result<_, _>>()?)
    }
}

impl fmt::Display for DayBlocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            b.fmt(f)?;
        }
        Ok(())
    }
}

impl TryFrom<String> for DayBlocks {
    type Error = CalendarError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<DayBlocks> for String {
    fn from(b: DayBlocks) -> Self {
        b.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_shows_and_merges() {
        let day: DayBlocks = "13:30-18:00;09:00-12:00".parse().unwrap();
        assert_eq!(day, DayBlocks::standard());
        assert_eq!(day.to_string(), "09:00-12:00;13:30-18:00");
        assert_eq!(day.total_seconds(), 27_000);
        let merged: DayBlocks = "09:00-12:00;12:00-13:00".parse().unwrap();
        assert_eq!(merged.to_string(), "09:00-13:00");
        let late: DayBlocks = "22:00-24:00; 08:00:30-09:00".parse().unwrap();
        assert_eq!(late.to_string(), "08:00:30-09:00;22:00-24:00");
        assert!("".parse::<DayBlocks>().unwrap().is_empty());
    }

    #[test]
    fn rejects_bad_blocks() {
        let cases = [
            ("09:00-12:00;11:00-13:00", "overlapping_blocks"),
            ("12:00-09:00", "block_order"),
            ("09:00-09:00", "block_order"),
            ("9:00-12:00", "block_format"),
            ("09:00", "block_format"),
            ("09:60-12:00", "block_format"),
            ("24:01-24:30", "block_format"),
            ("09:00-12:00;", "block_format"),
            ("09:00-25:00", "block_format"),
        ];
        for (text, code) in cases {
            assert_eq!(text.parse::<DayBlocks>().unwrap_err().code(), code, "{text}");
        }
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(Block::new(t(9, 0), t(12, 0)).unwrap().to_string(), "09:00-12:00");
        assert_eq!(Block::new(t(12, 0), t(9, 0)).unwrap_err().code(), "block_order");
        let fraction = NaiveTime::from_hms_milli_opt(9, 0, 0, 500).unwrap();
        assert_eq!(Block::new(fraction, t(12, 0)).unwrap_err().code(), "block_format");
    }
}
