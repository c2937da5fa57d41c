//! A campaign's distributions, answers (JSON, or a CSV file imported all or nothing) and
//! results against the 95 % target (R-SAT-1, R-SAT-2).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::survey::{SurveyDimension, csv, tally::Scores};
use kefu_persistence::surveys::answers::{self, NewAnswer, SurveyAnswer};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{MANAGE, READ};
use crate::{
    body::{Body, RawBody},
    ctx::Ctx,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::created,
    time::local,
};

/// Respondents reached by a questionnaire.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"customer_ids": ["019ab2f1-0000-7000-8000-000000000031"]}))]
pub struct DistributionBody {
    /// Respondents of the campaign (422 names `customer_ids[i]` for any other).
    #[schema(min_items = 1, max_items = 10000)]
    pub customer_ids: Vec<String>,
}

/// What a distribution did.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistributionView {
    /// Respondents newly marked distributed.
    pub marked: i64,
    /// Respondents distributed in all (answered ones included).
    pub distributed: i64,
}

/// Record that questionnaires reached these respondents (`SurveysManage`, while collecting:
/// otherwise 409 `not_collecting`). Marking one twice changes nothing.
#[utoipa::path(tag = "surveys", operation_id = "create_survey_distribution", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id")), request_body = DistributionBody,
    responses((status = 200, description = "Marked", body = DistributionView),
        (status = 409, description = "The collection is closed (`not_collecting`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[post("/api/v1/surveys/{id}/distributions")]
pub async fn create_survey_distribution(
    ctx: Ctx,
    id: web::Path<String>,
    body: Body<DistributionBody>,
) -> ApiResult<web::Json<DistributionView>> {
    let customers = body.into_inner().customer_ids;
    let (read, write) = ctx.caller.scopes(READ, MANAGE)?;
    let now = ctx.now();
    let done = ctx
        .run(move |conn| Ok(answers::distribute(conn, (&read, &write), &id, &customers, now)?))
        .await?;
    Ok(web::Json(DistributionView { marked: done.marked, distributed: done.distributed }))
}

/// The scores of an answer, 1 to 5 each; a dimension left out is not scored (the answer is
/// then not valid, R-SAT-2).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ScoresBody {
    /// 整体设计.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overall_design: Option<i64>,
    /// 施工质量.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub construction_quality: Option<i64>,
    /// 装修质量.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fitout_quality: Option<i64>,
    /// 销售过程.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sales_process: Option<i64>,
    /// 开发商客户服务.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_service: Option<i64>,
    /// 物业客户服务.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property_service: Option<i64>,
}

impl ScoresBody {
    fn scores(&self) -> Result<Scores, ApiError> {
        use SurveyDimension as D;
        let given = [
            (D::OverallDesign, self.overall_design),
            (D::ConstructionQuality, self.construction_quality),
            (D::FitoutQuality, self.fitout_quality),
            (D::SalesProcess, self.sales_process),
            (D::DeveloperService, self.developer_service),
            (D::PropertyService, self.property_service),
        ];
        let mut scores = Scores::new();
        for (dimension, value) in given {
            if let Some(v) = value {
                if !(1..=5).contains(&v) {
                    let field = format!("scores.{dimension}");
                    return Err(ApiError::field(&field, "out_of_range", "must be from 1 to 5"));
                }
                scores.insert(dimension, v);
            }
        }
        Ok(scores)
    }

    fn of(scores: &Scores) -> Self {
        use SurveyDimension as D;
        let get = |d| scores.get(&d).copied();
        Self {
            overall_design: get(D::OverallDesign),
            construction_quality: get(D::ConstructionQuality),
            fitout_quality: get(D::FitoutQuality),
            sales_process: get(D::SalesProcess),
            developer_service: get(D::DeveloperService),
            property_service: get(D::PropertyService),
        }
    }
}

/// One respondent's answer.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"customer_id": "019ab2f1-0000-7000-8000-000000000031",
    "scores": {"overall_design": 5, "construction_quality": 4, "fitout_quality": 4,
        "sales_process": 5, "developer_service": 3, "property_service": 4},
    "comments": ["地下车库照明不足"]}))]
pub struct AnswerBody {
    /// The respondent.
    #[schema(min_length = 1, max_length = 64)]
    pub customer_id: String,
    /// The scores given.
    pub scores: ScoresBody,
    /// Open comments: what to improve (each answered individually).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub comments: Vec<String>,
}

/// An answer as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    /// UUIDv7.
    pub id: String,
    /// The respondent.
    pub customer_id: String,
    /// The project he is counted in.
    pub project_id: String,
    /// The scores given.
    pub scores: ScoresBody,
    /// Whether every dimension is scored (R-SAT-2).
    pub valid: bool,
    /// `api` or `csv`.
    pub source: String,
    /// When it was recorded.
    pub created_at: DateTime<FixedOffset>,
}

impl From<SurveyAnswer> for AnswerView {
    fn from(a: SurveyAnswer) -> Self {
        Self {
            scores: ScoresBody::of(&a.scores()),
            id: a.id,
            customer_id: a.customer_id,
            project_id: a.project_id,
            valid: a.valid,
            source: a.source,
            created_at: local(a.created_at),
        }
    }
}

page_type!(AnswerPage, AnswerView, "A page of answers.");

list_query!(
    /// Paging of a campaign's answers.
    AnswerQuery {}
);

/// Record one respondent's answer (`SurveysManage`, while collecting). 422 names
/// `scores.<dimension>` (out of 1–5) or `customer_id` (not a respondent); 409
/// `already_answered` for a second answer, `not_collecting` once the collection is closed.
#[utoipa::path(tag = "surveys", operation_id = "create_survey_answer", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id")), request_body = AnswerBody,
    responses((status = 201, description = "Recorded", body = AnswerView),
        (status = 409, description = "Answered already (`already_answered`) or the collection is closed (`not_collecting`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[post("/api/v1/surveys/{id}/answers")]
pub async fn create_survey_answer(
    ctx: Ctx,
    id: web::Path<String>,
    body: Body<AnswerBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let scores = b.scores.scores()?;
    for (i, c) in b.comments.iter().enumerate() {
        let field = format!("comments[{i}]");
        crate::body::not_blank(&field, c)?;
        if c.chars().count() > 2000 || c.contains('\0') {
            let message = "at most 2000 characters, no NUL";
            return Err(ApiError::field(&field, "too_long", message));
        }
    }
    let answer = NewAnswer { customer_id: b.customer_id, scores, comments: b.comments };
    let (read, write) = ctx.caller.scopes(READ, MANAGE)?;
    let now = ctx.now();
    let survey = id.into_inner();
    let path = survey.clone();
    let stored = ctx
        .run(move |conn| Ok(answers::answer(conn, (&read, &write), &survey, &answer, now)?))
        .await?;
    let location = format!("/api/v1/surveys/{path}/answers/{}", stored.id);
    Ok(created(location, 1, &AnswerView::from(stored)))
}

/// List a campaign's answers.
#[utoipa::path(tag = "surveys", operation_id = "list_survey_answers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id"), AnswerQuery),
    responses((status = 200, description = "A page of answers", body = AnswerPage)))]
#[get("/api/v1/surveys/{id}/answers")]
pub async fn list_survey_answers(
    ctx: Ctx,
    id: web::Path<String>,
    q: web::Query<AnswerQuery>,
) -> ApiResult<web::Json<AnswerPage>> {
    let req = q.list_request()?;
    ctx.list(READ, move |conn, scope| answers::list(conn, scope, &id, &req)).await
}

/// One answer of a campaign.
#[utoipa::path(tag = "surveys", operation_id = "get_survey_answer", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id"), ("answer_id" = String, Path, description = "Answer id")),
    responses((status = 200, description = "The answer", body = AnswerView)))]
#[get("/api/v1/surveys/{id}/answers/{answer_id}")]
pub async fn get_survey_answer(
    ctx: Ctx,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<AnswerView>> {
    let (survey, id) = path.into_inner();
    let scope = ctx.caller.scope(READ)?;
    let found = ctx.run(move |conn| Ok(answers::one(conn, &scope, &survey, &id)?)).await?;
    Ok(web::Json(AnswerView::from(found)))
}

/// What an import stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    /// Answers imported.
    pub imported: usize,
}

/// Import answers from a CSV file (`Content-Type: text/csv`, UTF-8; `SurveysManage`, while
/// collecting), all or nothing. The header is
/// `customer_id,overall_design,construction_quality,fitout_quality,sales_process,developer_service,property_service,comment`;
/// an empty score cell is not scored; quoted fields may hold commas. Any bad row refuses the
/// whole file with 422: each entry of `errors` names the column in `field` and the row in
/// `line`, counting the header as row 1; nothing is imported.
#[utoipa::path(tag = "surveys", operation_id = "import_survey_answers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id")),
    request_body(content((String = "text/csv",
        example = "customer_id,overall_design,construction_quality,fitout_quality,sales_process,developer_service,property_service,comment\n019ab2f1-0000-7000-8000-000000000031,5,4,4,5,3,4,地下车库照明不足\n"))),
    responses((status = 200, description = "Imported", body = ImportView),
        (status = 409, description = "The collection is closed (`not_collecting`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[post("/api/v1/surveys/{id}/answers/import")]
pub async fn import_survey_answers(
    ctx: Ctx,
    id: web::Path<String>,
    raw: RawBody,
) -> ApiResult<web::Json<ImportView>> {
    if raw.media_type != "text/csv" {
        return Err(ApiError::UnsupportedMediaType);
    }
    let text = std::str::from_utf8(&raw.bytes)
        .map_err(|_| ApiError::field("body", "invalid_encoding", "CSV must be UTF-8"))?;
    let rows = csv::parse(text)
        .map_err(|rows| ApiError::from(kefu_persistence::surveys::SurveyFailure::Rows(rows)))?;
    let (read, write) = ctx.caller.scopes(READ, MANAGE)?;
    let now = ctx.now();
    let imported =
        ctx.run(move |conn| Ok(answers::import(conn, (&read, &write), &id, &rows, now)?)).await?;
    Ok(web::Json(ImportView { imported }))
}
