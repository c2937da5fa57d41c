//! A report definition: cadence, due rule, data period, who prepares it and its template.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::{access::Role, calendar::DayOfWeek, org::DepartmentKind, vocabulary};

vocabulary! {
    /// How often a report is owed (报送周期).
    pub enum Cadence as "report_cadence" {
        /// Every week; the data period is the seven days before the due day.
        Weekly = "weekly", "周报";
        /// Every calendar month.
        Monthly = "monthly", "月报";
        /// Every calendar quarter.
        Quarterly = "quarterly", "季报";
        /// Every half year (January – June, July – December).
        HalfYearly = "half_yearly", "半年报";
        /// Every calendar year.
        Annual = "annual", "年报";
        /// Once per project, a number of months after its move-in period ends (R-RP-10).
        MoveIn = "move_in", "入住后报告";
        /// Once per event, at once (R-RP-5): not on a schedule.
        PerEvent = "per_event", "按事件报送";
    }
}

impl Cadence {
    /// The length of a data period in months, for the calendar-aligned cadences.
    pub fn months(self) -> Option<u32> {
        match self {
            Self::Monthly => Some(1),
            Self::Quarterly => Some(3),
            Self::HalfYearly => Some(6),
            Self::Annual => Some(12),
            Self::Weekly | Self::MoveIn | Self::PerEvent => None,
        }
    }
}

vocabulary! {
    /// Who owes a report: one obligation per period and each of them (R-RP-14).
    pub enum Responsible as "report_responsible" {
        /// Every (not archived) project: its customer-service and property contacts.
        Project = "project", "项目";
        /// Every department of the definition's `department_kind` (the customer center, the
        /// brokerage …).
        Department = "department", "部门";
    }
}

vocabulary! {
    /// What a template section holds.
    pub enum SectionKind as "report_section_kind" {
        /// Free text (事件经过, 分析 …).
        Text = "text", "文字";
        /// Photos: attachment ids.
        Photos = "photos", "照片";
        /// Figures: a table of numbers, pre-filled for the complaint statements.
        Figures = "figures", "数据";
    }
}

/// One section of a report's template (R-RP-7: story with photos, analysis, measures, lessons).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Its key in a submission's `sections` (`snake_case`).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z][a-z0-9_]{0,63}$"))]
    pub key: String,
    /// What staff read (中文).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub label_zh: String,
    /// What it holds.
    pub kind: SectionKind,
    /// Whether a submission must fill it.
    #[serde(default)]
    pub required: bool,
}

/// When a report falls due, relative to its data period.
///
/// - weekly: `weekday` (and `time`); the data period is the seven days before the due day;
/// - monthly … annual: `months` after the period's first day, on `day` of that month;
/// - move-in: `months` after the project's move-in period ends, same day of the month.
///
/// Without `time` the due is the end of that day's working hours ("by the 25th", R-RP-16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DueRule {
    /// The due weekday of a weekly report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<DayOfWeek>,
    /// Months from the period's first day (monthly … annual) or from the move-in end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 24))]
    pub months: Option<u32>,
    /// The day of that month (1–28, or 29–31 clamped to the month's last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 31))]
    pub day: Option<u32>,
    /// The local clock time (`HH:MM`); none: the end of that day's working hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "12:00"))]
    pub time: Option<Time>,
}

/// A local clock time written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time(pub NaiveTime);

impl Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.format("%H:%M").to_string())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match NaiveTime::parse_from_str(&text, "%H:%M") {
            Ok(t) if text.len() == 5 => Ok(Self(t)),
            _ => Err(serde::de::Error::custom(format!("`{text}` is not a time HH:MM"))),
        }
    }
}

/// One report the group owes (a preset of R-RP-1 … R-RP-12, or the group's own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportDefinition {
    /// Stable code (`rp1_weekly`).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z][a-z0-9_]{0,63}$"))]
    pub code: String,
    /// The rule it implements (`R-RP-1`).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^R-[A-Z]+-[0-9]+$", max_length = 20))]
    pub rule_id: String,
    /// What staff read (中文).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub label_zh: String,
    /// How often it is owed.
    pub cadence: Cadence,
    /// When it falls due.
    pub due: DueRule,
    /// Who owes it.
    pub responsible: Responsible,
    /// For `department`: which departments owe it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_kind: Option<DepartmentKind>,
    /// The role that prepares it (R-RP-1: complaint and CS specialists …).
    pub preparing_role: Role,
    /// The template's sections.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    pub sections: Vec<Section>,
    /// Whether kefu pre-fills a draft from the period's complaint figures (R-RP-1/2/3/11).
    #[serde(default)]
    pub prefill: bool,
    /// How many hours before the due its preparers are reminded (default 24).
    #[serde(default = "default_remind")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 2160))]
    pub remind_hours_before: u32,
    /// Whether obligations are made for it (a group may switch a preset off).
    #[serde(default = "yes")]
    pub active: bool,
}

fn default_remind() -> u32 {
    24
}

fn yes() -> bool {
    true
}

/// A group's report definitions, as stored and as sent to `PUT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportDefinitions {
    /// Every definition, codes unique.
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub definitions: Vec<ReportDefinition>,
}

/// Why a definition is refused, with the path of the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionProblem {
    /// `definitions[3].due.day`.
    pub path: String,
    /// Stable code.
    pub code: &'static str,
    /// For people.
    pub message: String,
}

impl ReportDefinitions {
    /// The definition with `code`.
    pub fn get(&self, code: &str) -> Option<&ReportDefinition> {
        self.definitions.iter().find(|d| d.code == code)
    }

    /// Every problem of the set: unique codes, a due rule that fits the cadence, a department
    /// kind where departments owe it.
    pub fn validate(&self) -> Vec<DefinitionProblem> {
        let mut problems = Vec::new();
        for (i, d) in self.definitions.iter().enumerate() {
            let at = |field: &str| format!("definitions[{i}].{field}");
            let mut problem = |field: &str, code: &'static str, message: String| {
                problems.push(DefinitionProblem { path: at(field), code, message })
            };
            if !valid_code(&d.code) {
                problem("code", "invalid", "a code is snake_case, 1–64 characters".into());
            }
            if self.definitions[..i].iter().any(|e| e.code == d.code) {
                problem("code", "duplicate", format!("the code `{}` is used twice", d.code));
            }
            let label = d.label_zh.chars().count();
            if label == 0 || label > 100 {
                problem("label_zh", "invalid", "a label is 1–100 characters".into());
            }
            if !valid_rule_id(&d.rule_id) {
                problem("rule_id", "invalid", "a rule id looks like R-RP-1".into());
            }
            for (field, code, message) in due_problems(d.cadence, &d.due) {
                problem(field, code, message);
            }
            if d.responsible == Responsible::Department && d.department_kind.is_none() {
                problem(
                    "department_kind",
                    "required",
                    "a report owed by departments names their kind".into(),
                );
            }
            if d.remind_hours_before > 2160 {
                problem("remind_hours_before", "out_of_range", "at most 2160 hours".into());
            }
            for (j, s) in d.sections.iter().enumerate() {
                if !valid_code(&s.key) || d.sections[..j].iter().any(|t| t.key == s.key) {
                    let field = format!("sections[{j}].key");
                    problem(&field, "invalid", "section keys are unique snake_case".into());
                }
            }
        }
        problems
    }
}

fn valid_code(code: &str) -> bool {
    let mut chars = code.chars();
    code.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn valid_rule_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    id.len() <= 20
        && parts.len() == 3
        && parts[0] == "R"
        && !parts[1].is_empty()
        && parts[1].chars().all(|c| c.is_ascii_uppercase())
        && !parts[2].is_empty()
        && parts[2].chars().all(|c| c.is_ascii_digit())
}

/// What is wrong with a due rule for its cadence.
fn due_problems(cadence: Cadence, due: &DueRule) -> Vec<(&'static str, &'static str, String)> {
    let mut out = Vec::new();
    match cadence {
        Cadence::Weekly => {
            if due.weekday.is_none() {
                out.push(("due.weekday", "required", "a weekly report names its weekday".into()));
            }
            if due.months.is_some() || due.day.is_some() {
                out.push(("due.day", "not_allowed", "a weekly due has no month or day".into()));
            }
        }
        Cadence::PerEvent => {
            if due.weekday.is_some() || due.months.is_some() || due.day.is_some() {
                out.push(("due", "not_allowed", "a report per event is due at once".into()));
            }
        }
        Cadence::Monthly
        | Cadence::Quarterly
        | Cadence::HalfYearly
        | Cadence::Annual
        | Cadence::MoveIn => {
            if due.weekday.is_some() {
                out.push((
                    "due.weekday",
                    "not_allowed",
                    "only weekly reports name a weekday".into(),
                ));
            }
            match due.months {
                None => out.push(("due.months", "required", "give the months to the due".into())),
                Some(m) if m > 24 => {
                    out.push(("due.months", "out_of_range", "at most 24 months".into()))
                }
                Some(_) => {}
            }
            match due.day {
                None if cadence != Cadence::MoveIn => {
                    out.push(("due.day", "required", "give the day of the month".into()))
                }
                Some(d) if !(1..=31).contains(&d) => {
                    out.push(("due.day", "out_of_range", "a day of the month is 1–31".into()))
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::presets;

    #[test]
    fn r_rp_the_presets_are_a_valid_set_with_the_issues_codes() {
        let set = presets();
        assert!(set.validate().is_empty(), "{:?}", set.validate());
        assert_eq!(set.definitions.len(), 23);
        assert!(set.get("rp10_move_in").is_some() && set.get("rp5").is_none());
    }

    #[test]
    fn a_due_rule_must_fit_its_cadence() {
        let mut set = presets();
        let weekly = set.definitions.iter_mut().find(|d| d.code == "rp1_weekly").unwrap();
        weekly.due.weekday = None;
        weekly.due.day = Some(5);
        let monthly = set.definitions.iter_mut().find(|d| d.code == "rp12").unwrap();
        monthly.due.day = Some(32);
        monthly.department_kind = None;
        let problems: Vec<(String, &str)> =
            set.validate().into_iter().map(|p| (p.path, p.code)).collect();
        assert_eq!(
            problems,
            [
                ("definitions[0].due.weekday".to_owned(), "required"),
                ("definitions[0].due.day".to_owned(), "not_allowed"),
                ("definitions[22].due.day".to_owned(), "out_of_range"),
                ("definitions[22].department_kind".to_owned(), "required"),
            ]
        );
    }

    #[test]
    fn times_are_written_hh_mm() {
        let t: Time = serde_json::from_str("\"09:30\"").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"09:30\"");
        for bad in ["\"9:30\"", "\"24:00\"", "\"09:30:00\""] {
            assert!(serde_json::from_str::<Time>(bad).is_err(), "{bad}");
        }
    }
}
