//! Satisfaction surveys (满意度调查, R-SAT-1, R-SAT-2): a company's campaign over some of its
//! projects, its respondents, its collection (10 WD) and tally (3 WD) clocks on the business
//! calendar, its answers ([`answers`]), its results and its comments ([`comments`]). The
//! departments' improvement plans that follow are in [`plans`].

pub mod answers;
pub mod comments;
mod create;
mod failure;
pub mod plans;
pub mod results;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::{
    calendar::BusinessCalendar,
    duration::WorkingDuration,
    survey::{SurveyAction, SurveyState},
};
use serde::Serialize;

pub use create::{NewSurvey, create};
pub use failure::SurveyFailure;

use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{from_db, to_db},
    kit::{Audited, Expected, ListRequest, Page, Record, page, resource},
    schema::{survey_projects, surveys},
    scope::{Filter, Scope},
};

resource!(surveys => Survey, SurveyChanges, "survey", within self::within_reach);

/// Campaigns of the caller's group within reach: the company's, or any covering one of the
/// caller's projects.
pub fn within_reach(scope: &Scope) -> Filter<surveys::table> {
    let in_group = surveys::group_id.eq(scope.group_id.clone());
    if scope.reach.whole_group {
        return Box::new(in_group);
    }
    let of_projects = survey_projects::table
        .filter(survey_projects::project_id.eq_any(scope.reach.projects.clone()))
        .select(survey_projects::survey_id);
    Box::new(
        in_group.and(
            surveys::company_id
                .eq_any(scope.reach.companies.clone())
                .or(surveys::id.eq_any(of_projects)),
        ),
    )
}

/// A stored campaign.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = surveys)]
pub struct Survey {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its company.
    pub company_id: String,
    /// Its name.
    pub name: String,
    /// `YYYY-MM`.
    pub period: String,
    /// The day it starts (ISO date).
    pub starts_on: String,
    /// The calendar its clocks count on.
    pub calendar_id: String,
    /// Where it stands.
    #[diesel(deserialize_as = String)]
    pub state: SurveyState,
    /// When the collection opens (naive UTC).
    pub opens_at: NaiveDateTime,
    /// When the collection is due (10 WD).
    pub collection_due_at: NaiveDateTime,
    /// When the collection closed.
    pub collection_done_at: Option<NaiveDateTime>,
    /// When the tally is due (3 WD after the collection closes, or after its due).
    pub tally_due_at: NaiveDateTime,
    /// When the tally was done.
    pub tally_done_at: Option<NaiveDateTime>,
    /// When it was cancelled.
    pub cancelled_at: Option<NaiveDateTime>,
    /// Who created it.
    pub created_by: Option<String>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

/// A campaign with the projects it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyDetail {
    /// The campaign.
    pub survey: Survey,
    /// Its projects.
    pub project_ids: Vec<String>,
}

impl Record for SurveyDetail {
    fn id(&self) -> &str {
        &self.survey.id
    }
    fn version(&self) -> i64 {
        self.survey.version
    }
}

/// Changes to a campaign; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize, AsChangeset)]
#[diesel(table_name = surveys)]
pub struct SurveyChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new state.
    #[diesel(serialize_as = String)]
    pub state: Option<SurveyState>,
    /// When the collection closed.
    #[serde(skip)]
    pub collection_done_at: Option<NaiveDateTime>,
    /// The tally's due once the collection closed.
    #[serde(skip)]
    pub tally_due_at: Option<NaiveDateTime>,
    /// When the tally was done.
    #[serde(skip)]
    pub tally_done_at: Option<NaiveDateTime>,
    /// When it was cancelled.
    #[serde(skip)]
    pub cancelled_at: Option<NaiveDateTime>,
}

impl Audited for SurveyChanges {}

fn detail(conn: &mut DbConnection, survey: Survey) -> Result<SurveyDetail, StoreError> {
    let project_ids = survey_projects::table
        .filter(survey_projects::survey_id.eq(&survey.id))
        .select(survey_projects::project_id)
        .order(survey_projects::project_id)
        .load(conn)?;
    Ok(SurveyDetail { survey, project_ids })
}

/// One campaign within reach.
pub fn one(conn: &mut Conn, scope: &Scope, id: &str) -> Result<SurveyDetail, StoreError> {
    let conn = conn.raw();
    let survey = find(conn, scope, id)?;
    detail(conn, survey)
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct SurveyFilter {
    /// Only this state.
    pub state: Option<SurveyState>,
    /// Only this company's.
    pub company_id: Option<String>,
    /// Only this period (`YYYY-MM`).
    pub period: Option<String>,
}

/// A page of the campaigns within reach.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &SurveyFilter,
    req: &ListRequest,
) -> Result<Page<SurveyDetail>, StoreError> {
    let conn = conn.raw();
    let query = || {
        let mut q = surveys::table.filter(within(scope)).into_boxed();
        if let Some(state) = filter.state {
            q = q.filter(surveys::state.eq(state.as_str()));
        }
        if let Some(company) = &filter.company_id {
            q = q.filter(surveys::company_id.eq(company.clone()));
        }
        if let Some(period) = &filter.period {
            q = q.filter(surveys::period.eq(period.clone()));
        }
        q
    };
    let page: Page<Survey> = page!(&mut *conn, surveys, query, Survey, req)?;
    let ids: Vec<&str> = page.items.iter().map(|s| s.id.as_str()).collect();
    let links: Vec<(String, String)> = survey_projects::table
        .filter(survey_projects::survey_id.eq_any(&ids))
        .select((survey_projects::survey_id, survey_projects::project_id))
        .order((survey_projects::survey_id, survey_projects::project_id))
        .load(conn)?;
    Ok(page.map(|survey| {
        let project_ids =
            links.iter().filter(|(s, _)| *s == survey.id).map(|(_, p)| p.clone()).collect();
        SurveyDetail { survey, project_ids }
    }))
}

/// Renames a campaign if it is still at `expected`.
pub fn rename(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    name: &str,
    now: DateTime<Utc>,
) -> Result<SurveyDetail, StoreError> {
    transaction(conn.raw(), |conn| {
        let changes = SurveyChanges { name: Some(name.to_owned()), ..SurveyChanges::default() };
        let survey = cas(conn, read, write, id, expected, &changes, now)?;
        detail(conn, survey)
    })
}

/// Moves a campaign on (`close_collection`, `tally`, `cancel`) if it is still at `expected`:
/// closing the collection fixes the tally's due 3 WD later (R-SAT-1).
pub fn transition(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    action: SurveyAction,
    now: DateTime<Utc>,
) -> Result<SurveyDetail, SurveyFailure> {
    transaction(conn.raw(), |conn| {
        let survey = find(conn, read, id)?;
        stale(expected, survey.version)?;
        let Some(next) = survey.state.apply(action) else {
            return Err(SurveyFailure::NotAllowed {
                state: survey.state.as_str(),
                action: action.as_str(),
                allowed: survey.state.allowed().iter().map(|a| a.as_str()).collect(),
            });
        };
        let at = to_db(now);
        let mut changes = SurveyChanges { state: Some(next), ..SurveyChanges::default() };
        match action {
            SurveyAction::CloseCollection => {
                let calendar = crate::calendars::load_any(conn, &survey.calendar_id)?;
                changes.collection_done_at = Some(at);
                changes.tally_due_at = Some(to_db(after_working_days(&calendar, now, TALLY)?));
            }
            SurveyAction::Tally => changes.tally_done_at = Some(at),
            SurveyAction::Cancel => changes.cancelled_at = Some(at),
        }
        let survey = cas(conn, read, write, id, expected, &changes, now)?;
        if action == SurveyAction::Cancel {
            // A cancelled campaign suspends no node callback (R-CB-4).
            crate::callbacks::nodes::reschedule(conn, &survey.group_id, now)?;
        }
        Ok(detail(conn, survey)?)
    })
}

/// A stale `If-Match` is told as such (412) before what the state would refuse: the caller
/// read an older record. The compare-and-swap still decides.
pub(crate) fn stale(expected: Expected, current: i64) -> Result<(), StoreError> {
    match expected {
        Expected::Version(v) if v != current => Err(StoreError::StaleVersion { current }),
        _ => Ok(()),
    }
}

const TALLY: u32 = kefu_domain::survey::TALLY_WORKING_DAYS;

/// `days` WD of working time after `start` on `calendar`.
pub(crate) fn after_working_days(
    calendar: &BusinessCalendar,
    start: DateTime<Utc>,
    days: u32,
) -> Result<DateTime<Utc>, StoreError> {
    let duration = WorkingDuration::days(days).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let due = calendar.add_working(start, duration).map_err(|e| StoreError::Invalid {
        field: "starts_on".into(),
        message: format!("no working time on the calendar: {e}"),
    })?;
    Ok(due.at)
}

/// The start of the first working block on `date` or, on a day off, on the next working day.
pub(crate) fn opening(
    calendar: &BusinessCalendar,
    date: NaiveDate,
) -> Result<DateTime<Utc>, StoreError> {
    let invalid = |e: String| StoreError::Invalid { field: "starts_on".into(), message: e };
    let day = if calendar.is_working_day(date) {
        date
    } else {
        calendar.next_working_day(date).map_err(|e| invalid(e.to_string()))?
    };
    calendar
        .start_of_working_hours(day)
        .map_err(|e| invalid(e.to_string()))?
        .ok_or_else(|| invalid("no working hours on the calendar".into()))
}

/// A survey period: `[opens_at, collection_due_at]`.
pub type SurveyPeriod = (DateTime<Utc>, DateTime<Utc>);

/// `[opens_at, collection_due_at]` of every campaign of the group that is not cancelled,
/// sorted by opening: the survey periods during which node callbacks are suspended (R-CB-4).
pub fn periods(conn: &mut DbConnection, group_id: &str) -> Result<Vec<SurveyPeriod>, StoreError> {
    let rows: Vec<(NaiveDateTime, NaiveDateTime)> = surveys::table
        .filter(surveys::group_id.eq(group_id))
        .filter(surveys::state.ne(SurveyState::Cancelled.as_str()))
        .select((surveys::opens_at, surveys::collection_due_at))
        .order((surveys::opens_at, surveys::id))
        .load(conn)?;
    Ok(rows.into_iter().map(|(open, due)| (from_db(open), from_db(due))).collect())
}
