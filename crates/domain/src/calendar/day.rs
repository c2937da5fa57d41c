//! Dated overrides of the weekly hours: holidays (节假日), adjusted working days (调休), half days.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{DayBlocks, ImportProblem};

/// What a dated override makes of its day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    /// No working time (a public holiday or a company closure).
    Holiday,
    /// An adjusted working day (调休): a working day on a weekend, or other hours on a weekday.
    /// `None` means the calendar's Monday hours, resolved when the calendar is built, so an
    /// official schedule works with any company's hours.
    Workday(Option<DayBlocks>),
    /// A half day (半天); its blocks default to 09:00–12:00.
    HalfDay(DayBlocks),
}

impl DayKind {
    /// The kind as written in files: `holiday`, `workday`, `half_day`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::Workday(_) => "workday",
            Self::HalfDay(_) => "half_day",
        }
    }
}

/// One dated exception to the weekly hours, with a name for people (`元旦 New Year's Day`).
///
/// Serialized as `{"date","kind","name","blocks"}`, the same record as schedule files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "OverrideRecord", into = "OverrideRecord")]
pub struct DayOverride {
    date: NaiveDate,
    name: String,
    kind: DayKind,
}

impl DayOverride {
    /// A holiday; its name is required.
    pub fn holiday(date: NaiveDate, name: &str) -> Result<Self, ImportProblem> {
        if name.trim().is_empty() {
            return Err(ImportProblem::Missing);
        }
        Ok(Self { date, name: name.trim().to_owned(), kind: DayKind::Holiday })
    }

    /// An adjusted working day; empty or absent blocks mean the calendar's Monday hours.
    pub fn workday(date: NaiveDate, name: &str, blocks: Option<DayBlocks>) -> Self {
        let blocks = blocks.filter(|b| !b.is_empty());
        Self { date, name: name.trim().to_owned(), kind: DayKind::Workday(blocks) }
    }

    /// A half day; empty or absent blocks mean 09:00–12:00.
    pub fn half_day(date: NaiveDate, name: &str, blocks: Option<DayBlocks>) -> Self {
        let blocks = blocks.filter(|b| !b.is_empty()).unwrap_or_else(DayBlocks::morning);
        Self { date, name: name.trim().to_owned(), kind: DayKind::HalfDay(blocks) }
    }

    /// The local date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The name people read; may be empty for workdays and half days.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the override makes of the day.
    pub fn kind(&self) -> &DayKind {
        &self.kind
    }

    /// Builds an override from the four text fields of a file record.
    pub(super) fn from_record(r: &OverrideRecord) -> Result<Self, (&'static str, ImportProblem)> {
        let date = r.date.trim();
        if date.is_empty() {
            return Err(("date", ImportProblem::Missing));
        }
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .ok()
            .filter(|_| date.len() == 10)
            .ok_or_else(|| ("date", ImportProblem::BadDate(date.to_owned())))?;
        let blocks: DayBlocks =
            r.blocks.parse().map_err(|e| ("blocks", ImportProblem::Blocks(e)))?;
        let blocks = Some(blocks).filter(|b| !b.is_empty());
        match r.kind.trim() {
            "holiday" if blocks.is_some() => {
                Err(("blocks", ImportProblem::NotAllowed("a holiday has no working blocks")))
            }
            "holiday" => Self::holiday(date, &r.name).map_err(|p| ("name", p)),
            "workday" => Ok(Self::workday(date, &r.name, blocks)),
            "half_day" => Ok(Self::half_day(date, &r.name, blocks)),
            "" => Err(("kind", ImportProblem::Missing)),
            other => Err(("kind", ImportProblem::UnknownKind(other.to_owned()))),
        }
    }
}

/// The file form of an override: four text fields, as in CSV and JSON schedules.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct OverrideRecord {
    pub date: String,
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub blocks: String,
}

impl From<DayOverride> for OverrideRecord {
    fn from(o: DayOverride) -> Self {
        let blocks = match &o.kind {
            DayKind::Holiday | DayKind::Workday(None) => String::new(),
            DayKind::Workday(Some(b)) | DayKind::HalfDay(b) => b.to_string(),
        };
        Self { date: o.date.to_string(), kind: o.kind.as_str().to_owned(), name: o.name, blocks }
    }
}

impl TryFrom<OverrideRecord> for DayOverride {
    type Error = String;

    fn try_from(r: OverrideRecord) -> Result<Self, Self::Error> {
        Self::from_record(&r).map_err(|(field, problem)| format!("field `{field}`: {problem}"))
    }
}
