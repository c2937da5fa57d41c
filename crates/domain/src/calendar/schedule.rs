//! A year's holiday schedule (放假安排): the dated overrides of one year, with its source, and
//! its JSON form. Files are parsed whole before anything is applied.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::day::OverrideRecord;
use super::{DayOverride, ImportError, ImportErrors, ImportProblem, Position};

/// The overrides of one year, sorted by date, each date at most once, all in that year.
///
/// A calendar that has a schedule for a year answers with coverage `scheduled` there; the
/// `source` names the notice it restates (e.g. the State Council General Office's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ScheduleRecord", into = "ScheduleRecord")]
pub struct YearSchedule {
    year: i32,
    source: Option<String>,
    days: Vec<DayOverride>,
}

#[derive(Serialize, Deserialize)]
struct ScheduleRecord {
    year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    days: Vec<DayOverride>,
}

impl YearSchedule {
    /// Checks the year (1900..=2150), that every date lies in it and none is listed twice.
    /// Errors name the offending element as `days[i]`.
    pub fn new(
        year: i32,
        source: Option<String>,
        days: Vec<DayOverride>,
    ) -> Result<Self, ImportErrors> {
        let days = days.into_iter().enumerate().map(|(i, d)| (Position::Item(i), d));
        Self::checked(year, source, days)
    }

    pub(super) fn checked(
        year: i32,
        source: Option<String>,
        days: impl IntoIterator<Item = (Position, DayOverride)>,
    ) -> Result<Self, ImportErrors> {
        if !(1900..=2150).contains(&year) {
            let problem = ImportProblem::BadYear(year.to_string());
            return Err(ImportError::new(Position::Document, "year", problem).into());
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for (at, day) in days {
            let date = day.date();
            if date.year() != year {
                let problem = ImportProblem::OutsideYear { date, year };
                errors.push(ImportError::new(at, "date", problem));
            } else if !seen.insert(date) {
                errors.push(ImportError::new(at, "date", ImportProblem::DuplicateDate(date)));
            }
            out.push(day);
        }
        if !errors.is_empty() {
            return Err(ImportErrors::new(errors));
        }
        out.sort_by_key(DayOverride::date);
        Ok(Self { year, source: source.filter(|s| !s.trim().is_empty()), days: out })
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The notice this schedule restates, if known.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// The overrides, sorted by date.
    pub fn days(&self) -> &[DayOverride] {
        &self.days
    }

    /// The override of `date`, if any.
    pub fn get(&self, date: NaiveDate) -> Option<&DayOverride> {
        self.days.binary_search_by_key(&date, DayOverride::date).ok().map(|i| &self.days[i])
    }

    /// Reads `{"year": 2026, "source": "…", "days": [{"date","kind","name","blocks"}, …]}`.
    /// `blocks` is `"09:00-12:00;13:30-18:00"` or an array of blocks. A refused file names
    /// the item (`days[3]`) and the field.
    pub fn from_json(text: &str) -> Result<Self, ImportErrors> {
        let doc = |field, message: String| {
            ImportError::new(Position::Document, field, ImportProblem::Syntax(message))
        };
        let value: Value =
            serde_json::from_str(text).map_err(|e| doc("document", format!("not JSON: {e}")))?;
        let root = value.as_object().ok_or_else(|| {
            doc("document", "expected an object with year, source and days".into())
        })?;
        let year = match root.get("year") {
            None | Some(Value::Null) => {
                return Err(
                    ImportError::new(Position::Document, "year", ImportProblem::Missing).into()
                );
            }
            Some(v) => v.as_i64().and_then(|y| i32::try_from(y).ok()).ok_or_else(|| {
                ImportError::new(Position::Document, "year", ImportProblem::BadYear(v.to_string()))
            })?,
        };
        let source = match root.get("source") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(doc("source", "must be a string".into()).into()),
        };
        let items = match root.get("days") {
            Some(Value::Array(items)) => items,
            None => {
                return Err(
                    ImportError::new(Position::Document, "days", ImportProblem::Missing).into()
                );
            }
            Some(_) => return Err(doc("days", "must be an array".into()).into()),
        };
        let mut days = Vec::with_capacity(items.len());
        let mut errors = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let at = Position::Item(i);
            let day = record_of(item).and_then(|record| DayOverride::from_record(&record));
            match day {
                Ok(day) => days.push((at, day)),
                Err((field, problem)) => errors.push(ImportError::new(at, field, problem)),
            }
        }
        if !errors.is_empty() {
            return Err(ImportErrors::new(errors));
        }
        Self::checked(year, source, days)
    }

    /// Writes the form [`YearSchedule::from_json`] reads, one day per line.
    pub fn to_json(&self) -> String {
        let quoted = |s: &str| Value::String(s.to_owned()).to_string();
        let mut out = format!("{{\n  \"year\": {},\n", self.year);
        if let Some(source) = &self.source {
            out += &format!("  \"source\": {},\n", quoted(source));
        }
        out += "  \"days\": [";
        for (i, day) in self.days.iter().enumerate() {
            let r = OverrideRecord::from(day.clone());
            out += if i == 0 { "\n" } else { ",\n" };
            out += &format!(
                "    {{\"date\": {}, \"kind\": {}, \"name\": {}, \"blocks\": {}}}",
                quoted(&r.date),
                quoted(&r.kind),
                quoted(&r.name),
                quoted(&r.blocks)
            );
        }
        out += if self.days.is_empty() { "]\n}\n" } else { "\n  ]\n}\n" };
        out
    }
}

/// The four text fields of one JSON item; absent and null fields are empty.
fn record_of(item: &Value) -> Result<OverrideRecord, (&'static str, ImportProblem)> {
    let syntax = |field, message: &str| (field, ImportProblem::Syntax(message.to_owned()));
    let object = item.as_object().ok_or_else(|| syntax("days", "each day must be an object"))?;
    if let Some(key) =
        object.keys().find(|k| !["date", "kind", "name", "blocks"].contains(&k.as_str()))
    {
        let message = format!("unknown field `{key}`: a day has date, kind, name and blocks");
        return Err(("days", ImportProblem::Syntax(message)));
    }
    let text = |field: &'static str| match object.get(field) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(parts)) if field == "blocks" => parts
            .iter()
            .map(|p| p.as_str().ok_or_else(|| syntax(field, "blocks must be strings")))
            .collect::<Result<Vec<_>, _>>()
            .map(|parts| parts.join(";")),
        Some(_) => Err(syntax(field, "must be a string")),
    };
    Ok(OverrideRecord {
        date: text("date")?,
        kind: text("kind")?,
        name: text("name")?,
        blocks: text("blocks")?,
    })
}

impl TryFrom<ScheduleRecord> for YearSchedule {
    type Error = ImportErrors;

    fn try_from(r: ScheduleRecord) -> Result<Self, Self::Error> {
        Self::new(r.year, r.source, r.days)
    }
}

impl From<YearSchedule> for ScheduleRecord {
    fn from(s: YearSchedule) -> Self {
        Self { year: s.year, source: s.source, days: s.days }
    }
}
