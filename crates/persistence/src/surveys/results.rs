//! A campaign's results (R-SAT-1): planned, distributed, returned and valid answers, and the
//! dimensions over the valid answers for the company and by project.

use diesel::prelude::*;
use kefu_domain::survey::{
    SurveyState,
    tally::{self, Counts, DimensionTally, Scores},
};

use super::{Survey, find};
use crate::{
    db::Conn,
    error::StoreError,
    schema::{survey_answers, survey_respondents},
    scope::Scope,
};

/// A campaign's results (R-SAT-1).
#[derive(Debug, Clone)]
pub struct SurveyResults {
    /// The campaign.
    pub survey: Survey,
    /// Planned, distributed, returned, valid.
    pub counts: Counts,
    /// Whether the collection is over (closed or cancelled): a rate over nothing is then a
    /// breach.
    pub closed: bool,
    /// Every dimension over the valid answers.
    pub dimensions: Vec<DimensionTally>,
    /// The same, by project (every project of the campaign).
    pub projects: Vec<(String, Vec<DimensionTally>)>,
}

/// The results of a campaign within reach.
pub fn results(conn: &mut Conn, scope: &Scope, id: &str) -> Result<SurveyResults, StoreError> {
    let conn = conn.raw();
    let survey = find(conn, scope, id)?;
    let mine = survey_respondents::table.filter(survey_respondents::survey_id.eq(id));
    let planned: i64 = mine.count().get_result(conn)?;
    let distributed: i64 =
        mine.filter(survey_respondents::distributed_at.is_not_null()).count().get_result(conn)?;
    let answers: Vec<(String, String, bool)> = survey_answers::table
        .filter(survey_answers::survey_id.eq(id))
        .select((survey_answers::project_id, survey_answers::scores, survey_answers::valid))
        .load(conn)?;
    let returned = i64::try_from(answers.len()).unwrap_or(i64::MAX);
    let valid: Vec<(String, Scores)> = answers
        .into_iter()
        .filter(|(_, _, valid)| *valid)
        .map(|(p, s, _)| (p, serde_json::from_str(&s).unwrap_or_default()))
        .collect();
    let counts = Counts {
        planned,
        distributed,
        returned,
        valid: i64::try_from(valid.len()).unwrap_or(i64::MAX),
    };
    let dimensions = tally::dimensions(valid.iter().map(|(_, s)| s));
    let detail = super::detail(conn, survey.clone())?;
    let projects = detail
        .project_ids
        .into_iter()
        .map(|p| {
            let of = valid.iter().filter(|(q, _)| *q == p).map(|(_, s)| s);
            (p.clone(), tally::dimensions(of))
        })
        .collect();
    let closed = !matches!(survey.state, SurveyState::Collecting);
    Ok(SurveyResults { survey, counts, closed, dimensions, projects })
}
