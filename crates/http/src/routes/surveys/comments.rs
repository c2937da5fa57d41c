//! The owners' open comments of a campaign (R-SAT-1): every point answered individually —
//! one reply per comment, never collectively — and none before the company's official
//! position on it is recorded.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, FixedOffset};
use kefu_persistence::surveys::comments::{self, SurveyComment};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{MANAGE, READ};
use crate::{
    body::{Body, not_blank},
    ctx::Ctx,
    list_query, page_type,
    problem::ApiResult,
    respond::ok,
    time::local,
};

/// A comment as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentView {
    /// UUIDv7.
    pub id: String,
    /// Its campaign.
    pub survey_id: String,
    /// The answer it came with.
    pub answer_id: String,
    /// The owner who wrote it.
    pub customer_id: String,
    /// His project.
    pub project_id: String,
    /// What he wrote.
    pub body: String,
    /// The company's official position on it.
    pub position: Option<String>,
    /// When the position was recorded.
    pub position_at: Option<DateTime<FixedOffset>>,
    /// The reply to this owner.
    pub reply: Option<String>,
    /// Who replied.
    pub replied_by: Option<String>,
    /// When.
    pub replied_at: Option<DateTime<FixedOffset>>,
    /// When it was recorded.
    pub created_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<SurveyComment> for CommentView {
    fn from(c: SurveyComment) -> Self {
        Self {
            id: c.id,
            survey_id: c.survey_id,
            answer_id: c.answer_id,
            customer_id: c.customer_id,
            project_id: c.project_id,
            body: c.body,
            position: c.position,
            position_at: c.position_at.map(local),
            reply: c.reply,
            replied_by: c.replied_by,
            replied_at: c.replied_at.map(local),
            created_at: local(c.created_at),
            version: c.version,
        }
    }
}

page_type!(CommentPage, CommentView, "A page of survey comments.");

list_query!(
    /// Paging of a campaign's comments.
    CommentQuery {}
);

/// The company's official position on a comment.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"position": "车库照明列入2027年一季度整改"}))]
pub struct PositionBody {
    /// The position.
    #[schema(min_length = 1, max_length = 4000)]
    pub position: String,
}

/// A reply to one owner's comment.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reply": "您好，车库照明将于2027年3月前完成改造。"}))]
pub struct ReplyBody {
    /// The reply.
    #[schema(min_length = 1, max_length = 4000)]
    pub reply: String,
}

/// List a campaign's comments.
#[utoipa::path(tag = "surveys", operation_id = "list_survey_comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id"), CommentQuery),
    responses((status = 200, description = "A page of comments", body = CommentPage)))]
#[get("/api/v1/surveys/{id}/comments")]
pub async fn list_survey_comments(
    ctx: Ctx,
    id: web::Path<String>,
    q: web::Query<CommentQuery>,
) -> ApiResult<web::Json<CommentPage>> {
    let req = q.list_request()?;
    ctx.list(READ, move |conn, scope| comments::list(conn, scope, &id, &req)).await
}

/// Record (or revise, until it is replied to) the company's official position on a comment
/// (`SurveysManage`); 409 `already_replied` once it has its reply.
#[utoipa::path(tag = "surveys", operation_id = "set_survey_comment_position", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id"), ("comment_id" = String, Path, description = "Comment id")),
    request_body = PositionBody,
    responses((status = 200, description = "The comment; `ETag` is set", body = CommentView),
        (status = 409, description = "Replied already (`already_replied`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[put("/api/v1/surveys/{id}/comments/{comment_id}/position")]
pub async fn set_survey_comment_position(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    body: Body<PositionBody>,
) -> ApiResult<HttpResponse> {
    let position = body.into_inner().position;
    not_blank("position", &position)?;
    let (survey, id) = path.into_inner();
    let (read, write) = ctx.caller.scopes(READ, MANAGE)?;
    let now = ctx.now();
    let c = ctx
        .run(move |conn| {
            Ok(comments::set_position(conn, (&read, &write), (&survey, &id), &position, now)?)
        })
        .await?;
    Ok(ok(c.version, &CommentView::from(c)))
}

/// Reply to one owner's comment (`SurveysManage`): 409 `position_required` before the
/// company's official position is recorded, 409 `already_replied` for a second reply.
#[utoipa::path(tag = "surveys", operation_id = "reply_survey_comment", security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id"), ("comment_id" = String, Path, description = "Comment id")),
    request_body = ReplyBody,
    responses((status = 200, description = "The comment with its reply; `ETag` is set", body = CommentView),
        (status = 409, description = "No official position yet (`position_required`) or replied already (`already_replied`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[post("/api/v1/surveys/{id}/comments/{comment_id}/reply")]
pub async fn reply_survey_comment(
    ctx: Ctx,
    path: web::Path<(String, String)>,
    body: Body<ReplyBody>,
) -> ApiResult<HttpResponse> {
    let reply = body.into_inner().reply;
    not_blank("reply", &reply)?;
    let (survey, id) = path.into_inner();
    let (read, write) = ctx.caller.scopes(READ, MANAGE)?;
    let now = ctx.now();
    let c = ctx
        .run(move |conn| Ok(comments::reply(conn, (&read, &write), (&survey, &id), &reply, now)?))
        .await?;
    Ok(ok(c.version, &CommentView::from(c)))
}
