//! Satisfaction surveys (满意度调查, R-SAT-1, R-SAT-2): campaigns with their calendar clocks
//! and states here; distributions, answers, the CSV import and the results in [`answers`];
//! the owners' comments with the company's position and the individual replies in
//! [`comments`]. Reading needs `SurveysRead`, running a campaign `SurveysManage`.

pub mod answers;
pub mod comments;
pub mod results;

use actix_web::{HttpResponse, get, http::StatusCode, patch, post, web};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use kefu_domain::{
    access::Permission,
    survey::{ClockResult, Period, SurveyAction, SurveyState, clock_result},
};
use kefu_persistence::surveys::{self, NewSurvey, SurveyDetail, SurveyFailure, SurveyFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    body::{Body, not_blank},
    ctx::Ctx,
    etag::IfMatch,
    list::text_filter,
    list_query, page_type,
    problem::{ApiError, ApiResult, FieldError},
    respond::{created, ok},
    time::local,
};

/// Reading surveys.
pub const READ: Permission = Permission::SurveysRead;
/// Running them.
pub const MANAGE: Permission = Permission::SurveysManage;

impl From<SurveyFailure> for ApiError {
    fn from(e: SurveyFailure) -> Self {
        let detail = e.to_string();
        let conflict = |code| ApiError::Refused(StatusCode::CONFLICT, code, detail.clone());
        match e {
            SurveyFailure::Store(e) => e.into(),
            SurveyFailure::NotAllowed { state, action, allowed } => {
                ApiError::ActionNotAllowed { state, action, allowed }
            }
            SurveyFailure::NotCollecting(_) => conflict("not_collecting"),
            SurveyFailure::AlreadyAnswered => conflict("already_answered"),
            SurveyFailure::PositionRequired => conflict("position_required"),
            SurveyFailure::AlreadyReplied => conflict("already_replied"),
            SurveyFailure::PlanExists => conflict("plan_exists"),
            SurveyFailure::PlanNotEditable(_) => conflict("plan_not_editable"),
            SurveyFailure::PlanNotApproved(_) => conflict("plan_not_approved"),
            SurveyFailure::Fields(fields) => ApiError::Validation(
                fields.into_iter().map(|(f, code, m)| FieldError::new(f, code, m)).collect(),
            ),
            SurveyFailure::Rows(rows) => ApiError::Validation(
                rows.into_iter()
                    .map(|r| {
                        let mut e = FieldError::new(r.column, r.code, r.message);
                        e.line = u32::try_from(r.row).ok();
                        e
                    })
                    .collect(),
            ),
        }
    }
}

/// A clock of a campaign (R-SAT-1).
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyClock {
    /// When it is due.
    pub due_at: DateTime<FixedOffset>,
    /// When it was done.
    pub done_at: Option<DateTime<FixedOffset>>,
    /// `running`, `met`, `breached` (done after its due, or not done and past it), or
    /// `cancelled`.
    pub result: ClockResult,
}

fn clock(
    due: NaiveDateTime,
    done: Option<NaiveDateTime>,
    now: DateTime<Utc>,
    cancelled: bool,
) -> SurveyClock {
    SurveyClock {
        due_at: local(due),
        done_at: done.map(local),
        result: clock_result(&due, done.as_ref(), &now.naive_utc(), cancelled),
    }
}

/// A campaign as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ad3a0-0000-7000-8000-000000000101", "name": "2026年12月业主满意度调查",
    "company_id": "019ab2f1-0000-7000-8000-000000000011",
    "project_ids": ["019ab2f1-0000-7000-8000-000000000012"], "period": "2026-12",
    "starts_on": "2026-12-15", "state": "collecting", "opens_at": "2026-12-15T09:00:00+08:00",
    "collection": {"due_at": "2026-12-28T18:00:00+08:00", "done_at": null, "result": "running"},
    "tally": {"due_at": "2026-12-31T18:00:00+08:00", "done_at": null, "result": "running"},
    "created_at": "2026-12-01T09:00:00+08:00", "updated_at": "2026-12-01T09:00:00+08:00", "version": 1}))]
pub struct SurveyView {
    /// UUIDv7.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its company.
    pub company_id: String,
    /// The projects it covers.
    pub project_ids: Vec<String>,
    /// `YYYY-MM`.
    pub period: String,
    /// The day it starts.
    pub starts_on: String,
    /// Where it stands.
    pub state: SurveyState,
    /// When the collection opens: the first working block on `starts_on`, or on the next
    /// working day.
    pub opens_at: DateTime<FixedOffset>,
    /// The collection: due 10 WD after it opens (R-SAT-1).
    pub collection: SurveyClock,
    /// The tally: due 3 WD after the collection closes (before it closes: after its due).
    pub tally: SurveyClock,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

/// The view of a campaign at `now`.
pub fn view(d: SurveyDetail, now: DateTime<Utc>) -> SurveyView {
    let s = d.survey;
    let cancelled = s.state == SurveyState::Cancelled;
    SurveyView {
        collection: clock(s.collection_due_at, s.collection_done_at, now, cancelled),
        tally: clock(s.tally_due_at, s.tally_done_at, now, cancelled),
        id: s.id,
        name: s.name,
        company_id: s.company_id,
        project_ids: d.project_ids,
        period: s.period,
        starts_on: s.starts_on,
        state: s.state,
        opens_at: local(s.opens_at),
        created_at: local(s.created_at),
        updated_at: local(s.updated_at),
        version: s.version,
    }
}

page_type!(SurveyPage, SurveyView, "A page of survey campaigns.");

/// A campaign to create.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "2026年12月业主满意度调查", "period": "2026-12",
    "company_id": "019ab2f1-0000-7000-8000-000000000011",
    "project_ids": ["019ab2f1-0000-7000-8000-000000000012"]}))]
pub struct NewSurveyBody {
    /// Its name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// `YYYY-MM`; default: the next June or December whose 15th is today or later (R-SAT-1).
    #[schema(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$", max_length = 7)]
    pub period: Option<String>,
    /// The day it starts; default: the 15th of the period's month.
    pub starts_on: Option<NaiveDate>,
    /// Its company.
    #[schema(min_length = 1, max_length = 64)]
    pub company_id: String,
    /// Projects of that company (at least one).
    #[schema(min_items = 1, max_items = 200)]
    pub project_ids: Vec<String>,
    /// The owners to ask; default: every customer holding a unit in those projects.
    #[schema(max_items = 10000)]
    pub customer_ids: Option<Vec<String>>,
}

/// Changes to a campaign: its name only.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "2026年冬季业主满意度调查"}))]
pub struct SurveyPatch {
    /// A new name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
}

/// An action on a campaign.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "close_collection"}))]
pub struct SurveyTransition {
    /// `close_collection` (collecting → tallying), `tally` (tallying → tallied), `cancel`
    /// (collecting → cancelled).
    pub action: SurveyAction,
}

list_query!(
    /// Filters and paging of the campaign list.
    SurveyQuery {
        /// Only this state.
        state: Option<SurveyState>,
        /// Only this company's.
        #[param(max_length = 64)]
        company_id: Option<String>,
        /// Only this period (`YYYY-MM`).
        #[param(max_length = 7)]
        period: Option<String>,
    }
);

/// Create a campaign (R-SAT-1) with its respondents (`SurveysManage` over its projects):
/// `opens_at` is the first working block on `starts_on` (or the next working day) on the
/// calendar of its first project, the collection is due 10 WD later, the tally 3 WD after
/// that. 422 names `project_ids[i]` (not a project of the company) or `customer_ids[i]` (not
/// an owner in those projects).
#[utoipa::path(tag = "surveys", operation_id = "create_survey", security(("bearer" = [])),
    request_body = NewSurveyBody,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = SurveyView)))]
#[post("/api/v1/surveys")]
pub async fn create_survey(ctx: Ctx, body: Body<NewSurveyBody>) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    not_blank("name", &b.name)?;
    let period = match b.period.as_deref() {
        None => None,
        Some(p) => Some(
            Period::parse(p)
                .ok_or_else(|| ApiError::field("period", "invalid", "must be YYYY-MM"))?,
        ),
    };
    let new = NewSurvey {
        name: b.name,
        period,
        starts_on: b.starts_on,
        company_id: b.company_id,
        project_ids: b.project_ids,
        customer_ids: b.customer_ids,
    };
    let (read, write) = ctx.caller.scopes(READ, MANAGE)?;
    let now = ctx.now();
    let made = ctx.run(move |conn| Ok(surveys::create(conn, (&read, &write), &new, now)?)).await?;
    let location = format!("/api/v1/surveys/{}", made.survey.id);
    Ok(created(location, made.survey.version, &view(made, now)))
}

/// List the campaigns within reach (a project-scoped reader sees those covering his projects).
#[utoipa::path(tag = "surveys", operation_id = "list_surveys", security(("bearer" = [])),
    params(SurveyQuery), responses((status = 200, description = "A page of campaigns", body = SurveyPage)))]
#[get("/api/v1/surveys")]
pub async fn list_surveys(
    ctx: Ctx,
    q: web::Query<SurveyQuery>,
) -> ApiResult<web::Json<SurveyPage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let filter = SurveyFilter {
        state: q.state,
        company_id: text_filter("company_id", q.company_id, 64)?,
        period: text_filter("period", q.period, 7)?,
    };
    let (scope, now) = (ctx.caller.scope(READ)?, ctx.now());
    let page = ctx.run(move |conn| Ok(surveys::list(conn, &scope, &filter, &req)?)).await?;
    Ok(web::Json(SurveyPage::from_page(page, |d| view(d, now))))
}

/// One campaign with its clocks.
#[utoipa::path(tag = "surveys", operation_id = "get_survey", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id")),
    responses((status = 200, description = "The campaign; `ETag` is set", body = SurveyView)))]
#[get("/api/v1/surveys/{id}")]
pub async fn get_survey(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let (scope, now) = (ctx.caller.scope(READ)?, ctx.now());
    let found = ctx.run(move |conn| Ok(surveys::one(conn, &scope, &id)?)).await?;
    Ok(ok(found.survey.version, &view(found, now)))
}

/// Rename a campaign (with `If-Match`).
#[utoipa::path(tag = "surveys", operation_id = "update_survey", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id")), request_body = SurveyPatch,
    responses((status = 200, description = "The changed campaign; new `ETag`", body = SurveyView)))]
#[patch("/api/v1/surveys/{id}")]
pub async fn update_survey(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<SurveyPatch>,
) -> ApiResult<HttpResponse> {
    let p = body.into_inner();
    let (read, write) = ctx.caller.scopes(READ, MANAGE)?;
    let now = ctx.now();
    let changed = match p.name {
        Some(name) => {
            not_blank("name", &name)?;
            ctx.run(move |conn| {
                Ok(surveys::rename(conn, (&read, &write), &id, if_match.0, &name, now)?)
            })
            .await?
        }
        None => ctx.run(move |conn| Ok(surveys::one(conn, &read, &id)?)).await?,
    };
    Ok(ok(changed.survey.version, &view(changed, now)))
}

/// Move a campaign on (with `If-Match`): `close_collection` fixes the tally's due 3 WD later;
/// an action the state does not allow is 409 `action_not_allowed` with `allowed_actions`.
#[utoipa::path(tag = "surveys", operation_id = "transition_survey", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id")), request_body = SurveyTransition,
    responses((status = 200, description = "The campaign after the action; new `ETag`", body = SurveyView),
        (status = 409, description = "Not allowed in this state (`action_not_allowed`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[post("/api/v1/surveys/{id}/transitions")]
pub async fn transition_survey(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<SurveyTransition>,
) -> ApiResult<HttpResponse> {
    let action = body.into_inner().action;
    let (read, write) = ctx.caller.scopes(READ, MANAGE)?;
    let now = ctx.now();
    let moved = ctx
        .run(move |conn| {
            Ok(surveys::transition(conn, (&read, &write), &id, if_match.0, action, now)?)
        })
        .await?;
    Ok(ok(moved.survey.version, &view(moved, now)))
}
