//! The weekly working hours (每周工作时间), before dated overrides.

use chrono::Weekday;
use serde::{Deserialize, Serialize};

use super::DayBlocks;

/// Working blocks for each weekday. Default: Monday to Friday 09:00–12:00 and 13:30–18:00,
/// Saturday and Sunday none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    /// Monday (星期一).
    pub monday: DayBlocks,
    /// Tuesday.
    pub tuesday: DayBlocks,
    /// Wednesday.
    pub wednesday: DayBlocks,
    /// Thursday.
    pub thursday: DayBlocks,
    /// Friday.
    pub friday: DayBlocks,
    /// Saturday.
    #[serde(default)]
    pub saturday: DayBlocks,
    /// Sunday.
    #[serde(default)]
    pub sunday: DayBlocks,
}

impl WeeklyHours {
    /// The same blocks on each of the seven days.
    pub fn every_day(blocks: DayBlocks) -> Self {
        Self {
            monday: blocks.clone(),
            tuesday: blocks.clone(),
            wednesday: blocks.clone(),
            thursday: blocks.clone(),
            friday: blocks.clone(),
            saturday: blocks.clone(),
            sunday: blocks,
        }
    }

    /// The blocks of `day`.
    pub fn get(&self, day: Weekday) -> &DayBlocks {
        match day {
            Weekday::Mon => &self.monday,
            Weekday::Tue => &self.tuesday,
            Weekday::Wed => &self.wednesday,
            Weekday::Thu => &self.thursday,
            Weekday::Fri => &self.friday,
            Weekday::Sat => &self.saturday,
            Weekday::Sun => &self.sunday,
        }
    }

    /// Mutable access to the blocks of `day`, for building a calendar.
    pub fn get_mut(&mut self, day: Weekday) -> &mut DayBlocks {
        match day {
            Weekday::Mon => &mut self.monday,
            Weekday::Tue => &mut self.tuesday,
            Weekday::Wed => &mut self.wednesday,
            Weekday::Thu => &mut self.thursday,
            Weekday::Fri => &mut self.friday,
            Weekday::Sat => &mut self.saturday,
            Weekday::Sun => &mut self.sunday,
        }
    }

    /// The week's working time in seconds.
    pub fn total_seconds(&self) -> u32 {
        [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
            .into_iter()
            .chain([Weekday::Sat, Weekday::Sun])
            .map(|d| self.get(d).total_seconds())
            .sum()
    }
}

impl Default for WeeklyHours {
    fn default() -> Self {
        let mut week = Self::every_day(DayBlocks::standard());
        week.saturday = DayBlocks::none();
        week.sunday = DayBlocks::none();
        week
    }
}
