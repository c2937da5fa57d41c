//! Satisfaction surveys (满意度调查, R-SAT-1, R-SAT-2) and the departments' improvement plans
//! that follow them (整改计划, R-SAT-3): the vocabularies, the default period, the states and
//! their actions, the tally of a campaign ([`tally`]) and the CSV of answers ([`csv`]).

pub mod csv;
pub mod plan;
pub mod tally;

use chrono::{Datelike, NaiveDate};

crate::vocabulary! {
    /// A dimension of the satisfaction survey (R-SAT-2), each scored 1 to 5.
    pub enum SurveyDimension as "survey_dimension" {
        /// Overall design (整体设计).
        OverallDesign = "overall_design", "整体设计";
        /// Construction quality (施工质量).
        ConstructionQuality = "construction_quality", "施工质量";
        /// Fit-out quality (装修质量).
        FitoutQuality = "fitout_quality", "装修质量";
        /// The sales process (销售过程).
        SalesProcess = "sales_process", "销售过程";
        /// The developer's customer service (开发商客户服务).
        DeveloperService = "developer_service", "开发商客户服务";
        /// The property company's customer service (物业客户服务).
        PropertyService = "property_service", "物业客户服务";
    }
}

crate::vocabulary! {
    /// Where a survey campaign stands.
    pub enum SurveyState as "survey_state" {
        /// Questionnaires go out and answers come in (10 WD, R-SAT-1).
        Collecting = "collecting", "收集中";
        /// Collection closed; the answers are being tallied (3 WD, R-SAT-1).
        Tallying = "tallying", "统计中";
        /// Tallied.
        Tallied = "tallied", "已统计";
        /// Cancelled while collecting.
        Cancelled = "cancelled", "已取消";
    }
}

crate::vocabulary! {
    /// What can be done to a survey campaign.
    pub enum SurveyAction as "survey_action" {
        /// Close the collection (collecting → tallying).
        CloseCollection = "close_collection", "结束收集";
        /// Record the tally as done (tallying → tallied).
        Tally = "tally", "完成统计";
        /// Cancel the campaign (collecting → cancelled).
        Cancel = "cancel", "取消";
    }
}

crate::vocabulary! {
    /// How a survey's clock (collection, tally) stands.
    pub enum ClockResult as "survey_clock_result" {
        /// Not done and not yet due.
        Running = "running", "进行中";
        /// Done by its due.
        Met = "met", "按时完成";
        /// Done after its due, or not done and past it.
        Breached = "breached", "已超时";
        /// The campaign was cancelled before this step.
        Cancelled = "cancelled", "已取消";
    }
}

/// The working days the collection has (R-SAT-1: "collected within 10 WD").
pub const COLLECTION_WORKING_DAYS: u32 = 10;
/// The working days the tally has after the collection closes (R-SAT-1).
pub const TALLY_WORKING_DAYS: u32 = 3;
/// The lowest score.
pub const MIN_SCORE: i64 = 1;
/// The highest score.
pub const MAX_SCORE: i64 = 5;

impl SurveyState {
    /// The actions this state allows.
    pub fn allowed(self) -> &'static [SurveyAction] {
        match self {
            Self::Collecting => &[SurveyAction::CloseCollection, SurveyAction::Cancel],
            Self::Tallying => &[SurveyAction::Tally],
            Self::Tallied | Self::Cancelled => &[],
        }
    }

    /// The state `action` leads to, or `None` when this state does not allow it.
    pub fn apply(self, action: SurveyAction) -> Option<Self> {
        match (self, action) {
            (Self::Collecting, SurveyAction::CloseCollection) => Some(Self::Tallying),
            (Self::Collecting, SurveyAction::Cancel) => Some(Self::Cancelled),
            (Self::Tallying, SurveyAction::Tally) => Some(Self::Tallied),
            _ => None,
        }
    }
}

/// A survey period: a year and a month (`2026-12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
}

impl Period {
    /// Parses `YYYY-MM` (a year from 1900 to 2150); `None` otherwise.
    pub fn parse(text: &str) -> Option<Self> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !(y.chars().chain(m.chars()).all(|c| c.is_ascii_digit()))
        {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        ((1900..=2150).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// The survey period after `today` (R-SAT-1: June and December, around the 15th): the
    /// first June or December whose 15th is on or after `today`.
    pub fn next_after(today: NaiveDate) -> Self {
        let year = today.year();
        [(year, 6), (year, 12), (year + 1, 6)]
            .into_iter()
            .map(|(year, month)| Self { year, month })
            .find(|p| p.day(15).is_none_or(|d| d >= today))
            .unwrap_or(Self { year: year + 1, month: 6 })
    }

    /// A day of the period's month.
    pub fn day(self, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, day)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The result of a clock due at `due`, done at `done`, looked at `now`.
pub fn clock_result<T: PartialOrd>(
    due: &T,
    done: Option<&T>,
    now: &T,
    cancelled: bool,
) -> ClockResult {
    match done {
        Some(done) if done <= due => ClockResult::Met,
        Some(_) => ClockResult::Breached,
        None if cancelled => ClockResult::Cancelled,
        None if now > due => ClockResult::Breached,
        None => ClockResult::Running,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn r_sat_1_the_default_period_is_the_next_june_or_december() {
        assert_eq!(Period::next_after(d(2026, 9, 30)).to_string(), "2026-12");
        assert_eq!(Period::next_after(d(2026, 12, 15)).to_string(), "2026-12");
        assert_eq!(Period::next_after(d(2026, 12, 16)).to_string(), "2027-06");
        assert_eq!(Period::next_after(d(2027, 1, 2)).to_string(), "2027-06");
        assert_eq!(Period::next_after(d(2027, 6, 16)).to_string(), "2027-12");
        assert_eq!(Period::parse("2026-12"), Some(Period { year: 2026, month: 12 }));
        for bad in ["2026-13", "2026-1", "26-12", "2026-00", "abcd-ef", "2026-12-01"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn r_sat_1_states_allow_their_actions_only() {
        use SurveyAction as A;
        use SurveyState as S;
        assert_eq!(S::Collecting.apply(A::CloseCollection), Some(S::Tallying));
        assert_eq!(S::Tallying.apply(A::Tally), Some(S::Tallied));
        assert_eq!(S::Collecting.apply(A::Cancel), Some(S::Cancelled));
        assert_eq!(S::Tallying.apply(A::Cancel), None);
        assert!(S::Tallied.allowed().is_empty());
    }

    #[test]
    fn clocks_are_met_or_breached() {
        assert_eq!(clock_result(&5, Some(&5), &9, false), ClockResult::Met);
        assert_eq!(clock_result(&5, Some(&6), &9, false), ClockResult::Breached);
        assert_eq!(clock_result(&5, None, &4, false), ClockResult::Running);
        assert_eq!(clock_result(&5, None, &6, false), ClockResult::Breached);
        assert_eq!(clock_result(&5, None, &6, true), ClockResult::Cancelled);
    }
}
