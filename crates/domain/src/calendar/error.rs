//! Errors of the business calendar and of holiday-schedule files.

use std::fmt;

use chrono::NaiveDate;

/// Why a calendar could not be built or could not answer. [`CalendarError::code`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A block that is not `HH:MM-HH:MM` (or `HH:MM:SS`), or not whole seconds.
    #[error("`{0}` is not a working block: write it as `09:00-12:00` (24:00 may end a block)")]
    BlockFormat(String),
    /// A block that does not start before it ends.
    #[error("working block {0} must start before it ends")]
    BlockOrder(String),
    /// Two blocks of one day that share more than an instant.
    #[error("working blocks {0} and {1} overlap")]
    OverlappingBlocks(String, String),
    /// A time zone name that the IANA database does not know.
    #[error("`{0}` is not an IANA time zone name such as `Asia/Shanghai`")]
    UnknownTimeZone(String),
    /// A standard working day outside 1..=1440 minutes.
    #[error("the standard working day must be 1 to 1440 minutes, not {0}")]
    StandardDay(u32),
    /// Two schedules for one year.
    #[error("there are two holiday schedules for {0}")]
    DuplicateYear(i32),
    /// The calendar has no working time where the answer would have to be.
    #[error("the calendar has no working time within {0} days of the start")]
    NoWorkingTime(u32),
    /// An instant or date outside the supported years.
    #[error("{0} is outside the supported years 1900 to 2150")]
    OutOfRange(String),
    /// An amount of working time below zero or above 3650 × 24 hours.
    #[error("working time must be between zero and 3650 × 24 hours")]
    WorkingTimeLimit,
    /// "The end of the Nth working day" needs 1 ≤ N ≤ 3650.
    #[error("the working day count must be 1 to 3650, not {0}")]
    WorkingDayCount(u32),
    /// A holiday schedule that was refused.
    #[error(transparent)]
    Schedule(Box<ImportError>),
}

impl From<ImportError> for CalendarError {
    fn from(e: ImportError) -> Self {
        Self::Schedule(Box::new(e))
    }
}

impl From<ImportErrors> for CalendarError {
    fn from(e: ImportErrors) -> Self {
        Self::Schedule(Box::new(e.first().clone()))
    }
}

impl CalendarError {
    /// A stable snake_case code for the API's problem documents.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BlockFormat(_) => "block_format",
            Self::BlockOrder(_) => "block_order",
            Self::OverlappingBlocks(..) => "overlapping_blocks",
            Self::UnknownTimeZone(_) => "unknown_time_zone",
            Self::StandardDay(_) => "standard_day",
            Self::DuplicateYear(_) => "duplicate_year",
            Self::NoWorkingTime(_) => "no_working_time",
            Self::OutOfRange(_) => "out_of_range",
            Self::WorkingTimeLimit => "working_time_limit",
            Self::WorkingDayCount(_) => "working_day_count",
            Self::Schedule(e) => e.code(),
        }
    }
}

/// Where in an imported file a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// A CSV line, counting from 1 (the header is line 1).
    Line(usize),
    /// An element of a JSON file's `days` array, counting from 0.
    Item(usize),
    /// The file as a whole (syntax, or a top-level field).
    Document,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line(n) => write!(f, "line {n}"),
            Self::Item(i) => write!(f, "days[{i}]"),
            Self::Document => f.write_str("document"),
        }
    }
}

/// What is wrong with one field of an imported schedule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportProblem {
    /// Not CSV or JSON of the expected shape.
    #[error("{0}")]
    Syntax(String),
    /// A required field is missing or empty.
    #[error("is required")]
    Missing,
    /// A kind other than `holiday`, `workday`, `half_day`.
    #[error("`{0}` is not a day kind: use holiday, workday or half_day")]
    UnknownKind(String),
    /// Not a date as `YYYY-MM-DD`, or not a year number.
    #[error("`{0}` is not a date as YYYY-MM-DD")]
    BadDate(String),
    /// A date in another year than the schedule's.
    #[error("{date} is not in {year}")]
    OutsideYear {
        /// The date given.
        date: NaiveDate,
        /// The schedule's year.
        year: i32,
    },
    /// A year outside 1900..=2150, or not a number.
    #[error("`{0}` is not a year from 1900 to 2150")]
    BadYear(String),
    /// A date listed twice.
    #[error("{0} is listed twice")]
    DuplicateDate(NaiveDate),
    /// Working blocks that are malformed or overlap.
    #[error("{0}")]
    Blocks(CalendarError),
    /// A value that this kind of day may not have (a holiday with working blocks).
    #[error("{0}")]
    NotAllowed(&'static str),
}

impl ImportProblem {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "schedule_syntax",
            Self::Missing => "missing_field",
            Self::UnknownKind(_) => "unknown_day_kind",
            Self::BadDate(_) => "invalid_date",
            Self::BadYear(_) => "invalid_year",
            Self::OutsideYear { .. } => "date_outside_year",
            Self::DuplicateDate(_) => "duplicate_date",
            Self::Blocks(e) => e.code(),
            Self::NotAllowed(_) => "field_not_allowed",
        }
    }
}

/// A refused holiday-schedule file: where, which field, and why. Nothing of it was applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}, field `{field}`: {problem}")]
pub struct ImportError {
    /// The CSV line or JSON item.
    pub at: Position,
    /// The field (CSV column or JSON key), e.g. `date`, `kind`, `blocks`.
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: ImportProblem,
}

/// Every problem of a refused file, in file order (never empty): one bad line does not hide
/// the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportErrors(Vec<ImportError>);

impl ImportErrors {
    /// The problems found, never empty.
    pub(crate) fn new(errors: Vec<ImportError>) -> Self {
        Self(errors)
    }

    /// The first problem.
    pub fn first(&self) -> &ImportError {
        // `new` is only called with at least one error; a document-level fallback otherwise.
        self.0.first().unwrap_or(&NO_PROBLEM)
    }

    /// Every problem, in file order.
    pub fn all(&self) -> &[ImportError] {
        &self.0
    }

    /// The first problem's stable code.
    pub fn code(&self) -> &'static str {
        self.first().code()
    }
}

static NO_PROBLEM: ImportError =
    ImportError { at: Position::Document, field: "document", problem: ImportProblem::Missing };

impl From<ImportError> for ImportErrors {
    fn from(e: ImportError) -> Self {
        Self(vec![e])
    }
}

impl std::fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&all.join("; "))
    }
}

impl std::error::Error for ImportErrors {}

impl ImportError {
    /// Bundles a field problem with its position.
    pub fn new(at: Position, field: &'static str, problem: ImportProblem) -> Self {
        Self { at, field, problem }
    }

    /// A stable snake_case code (the problem's).
    pub fn code(&self) -> &'static str {
        self.problem.code()
    }
}
