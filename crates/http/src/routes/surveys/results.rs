//! A campaign's results against the 95 % target (R-SAT-1): rates, breaches, and per-dimension
//! counts, sums and unrounded averages for the company and by project.

use actix_web::{get, web};
use kefu_domain::survey::{SurveyDimension, tally::DimensionTally};
use kefu_persistence::surveys::results::{self, SurveyResults};
use serde::Serialize;
use utoipa::ToSchema;

use super::READ;
use crate::{ctx::Ctx, problem::ApiResult};

/// One dimension's tally over the valid answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct DimensionView {
    /// The dimension.
    pub dimension: SurveyDimension,
    /// Valid answers that scored it.
    pub count: i64,
    /// The sum of their scores.
    pub sum: i64,
    /// `sum / count`, unrounded; `null` without answers.
    pub average: Option<f64>,
}

fn dimensions(tally: Vec<DimensionTally>) -> Vec<DimensionView> {
    tally
        .into_iter()
        .map(|t| DimensionView {
            dimension: t.dimension,
            count: t.count,
            sum: t.sum,
            average: t.average,
        })
        .collect()
}

/// One project's tally.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectResults {
    /// The project.
    pub project_id: String,
    /// Its dimensions.
    pub dimensions: Vec<DimensionView>,
}

/// The company's tally.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyResults {
    /// The company.
    pub company_id: String,
    /// Its dimensions.
    pub dimensions: Vec<DimensionView>,
}

/// A campaign's results (R-SAT-1).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"survey_id": "019ad3a0-0000-7000-8000-000000000101", "state": "collecting",
    "planned": 20, "distributed": 19, "returned": 18, "valid": 17, "distribution_rate": 0.95,
    "valid_return_rate": 0.8947368421052632, "target": 0.95, "breaches": ["valid_return_rate"],
    "dimensions": [{"dimension": "overall_design", "count": 17, "sum": 70, "average": 4.117647058823529}],
    "projects": [], "company": {"company_id": "019ab2f1-0000-7000-8000-000000000011", "dimensions": []}}))]
pub struct ResultsView {
    /// The campaign.
    pub survey_id: String,
    /// Its state.
    pub state: kefu_domain::survey::SurveyState,
    /// Respondents chosen.
    pub planned: i64,
    /// Respondents a questionnaire reached (answered ones included).
    pub distributed: i64,
    /// Answers returned.
    pub returned: i64,
    /// Valid answers (every dimension scored).
    pub valid: i64,
    /// `distributed / planned`; `null` when nobody is planned.
    pub distribution_rate: Option<f64>,
    /// `valid / distributed`; `null` when nothing is distributed.
    pub valid_return_rate: Option<f64>,
    /// The target of both rates (R-SAT-1): 0.95.
    pub target: f64,
    /// The rates below the target (compared exactly, in integers); a rate over nothing is a
    /// breach only once the collection is closed.
    pub breaches: Vec<String>,
    /// Every dimension over the valid answers.
    pub dimensions: Vec<DimensionView>,
    /// The same by project.
    pub projects: Vec<ProjectResults>,
    /// The same for the company.
    pub company: CompanyResults,
}

impl From<SurveyResults> for ResultsView {
    fn from(r: SurveyResults) -> Self {
        let c = r.counts;
        Self {
            survey_id: r.survey.id,
            state: r.survey.state,
            planned: c.planned,
            distributed: c.distributed,
            returned: c.returned,
            valid: c.valid,
            distribution_rate: c.distribution().value(),
            valid_return_rate: c.valid_return().value(),
            target: 0.95,
            breaches: c.breaches(r.closed).into_iter().map(str::to_owned).collect(),
            company: CompanyResults {
                company_id: r.survey.company_id,
                dimensions: dimensions(r.dimensions.clone()),
            },
            dimensions: dimensions(r.dimensions),
            projects: r
                .projects
                .into_iter()
                .map(|(project_id, d)| ProjectResults { project_id, dimensions: dimensions(d) })
                .collect(),
        }
    }
}

/// A campaign's results: distribution and valid-return rates against 95 %, and per-dimension
/// counts, sums and unrounded averages over the valid answers, for the company and by project.
#[utoipa::path(tag = "surveys", operation_id = "get_survey_results", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id")),
    responses((status = 200, description = "The results", body = ResultsView)))]
#[get("/api/v1/surveys/{id}/results")]
pub async fn get_survey_results(
    ctx: Ctx,
    id: web::Path<String>,
) -> ApiResult<web::Json<ResultsView>> {
    let scope = ctx.caller.scope(READ)?;
    let results = ctx.run(move |conn| Ok(results::results(conn, &scope, &id)?)).await?;
    Ok(web::Json(ResultsView::from(results)))
}
