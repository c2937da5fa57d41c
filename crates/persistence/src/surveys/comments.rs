//! The owners' open comments of a campaign (R-SAT-1): each is answered individually — one
//! reply per comment, so never collectively — and only once the company's official position
//! on it is recorded.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{SurveyFailure, answers::writable, find};
use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::to_db,
    kit::{ListRequest, Page, Record, page},
    schema::survey_comments,
    scope::{Place, Scope},
};

/// A stored comment.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = survey_comments)]
pub struct SurveyComment {
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
    /// Who recorded the position.
    pub position_by: Option<String>,
    /// When (naive UTC).
    pub position_at: Option<NaiveDateTime>,
    /// The reply to the owner.
    pub reply: Option<String>,
    /// Who replied.
    pub replied_by: Option<String>,
    /// When (naive UTC).
    pub replied_at: Option<NaiveDateTime>,
    /// When it was recorded (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl Record for SurveyComment {
    fn id(&self) -> &str {
        &self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

/// A page of a campaign's comments.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    survey: &str,
    req: &ListRequest,
) -> Result<Page<SurveyComment>, StoreError> {
    let conn = conn.raw();
    find(conn, scope, survey)?;
    let query = || {
        survey_comments::table.filter(survey_comments::survey_id.eq(survey.to_owned())).into_boxed()
    };
    page!(conn, survey_comments, query, SurveyComment, req)
}

fn load(conn: &mut DbConnection, survey: &str, id: &str) -> Result<SurveyComment, StoreError> {
    Ok(survey_comments::table
        .filter(survey_comments::id.eq(id))
        .filter(survey_comments::survey_id.eq(survey))
        .select(SurveyComment::as_select())
        .first(conn)?)
}

/// Records (or, before the reply, revises) the company's official position on a comment.
pub fn set_position(
    conn: &mut Conn,
    scopes: (&Scope, &Scope),
    (survey, id): (&str, &str),
    position: &str,
    now: DateTime<Utc>,
) -> Result<SurveyComment, SurveyFailure> {
    transaction(conn.raw(), |conn| {
        let campaign = writable(conn, scopes, survey)?;
        let (_, by) = scopes.1.actor().parts();
        let changed = diesel::update(
            survey_comments::table
                .filter(survey_comments::id.eq(id))
                .filter(survey_comments::survey_id.eq(survey))
                .filter(survey_comments::reply.is_null()),
        )
        .set((
            survey_comments::position.eq(position),
            (survey_comments::position_by.eq(by), survey_comments::position_at.eq(to_db(now))),
            survey_comments::updated_at.eq(to_db(now)),
            survey_comments::version.eq(survey_comments::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            load(conn, survey, id)?;
            return Err(SurveyFailure::AlreadyReplied);
        }
        let place = Place { company: Some(campaign.company_id), ..Place::default() };
        let payload = serde_json::json!({"survey_id": survey});
        scopes.1.audit(
            conn,
            now,
            "survey_comment.position_set",
            ("survey_comment", id),
            &place,
            payload,
        )?;
        Ok(load(conn, survey, id)?)
    })
}

/// Replies to one comment: 409 `position_required` before the official position, 409
/// `already_replied` for a second reply.
pub fn reply(
    conn: &mut Conn,
    scopes: (&Scope, &Scope),
    (survey, id): (&str, &str),
    reply: &str,
    now: DateTime<Utc>,
) -> Result<SurveyComment, SurveyFailure> {
    transaction(conn.raw(), |conn| {
        let campaign = writable(conn, scopes, survey)?;
        let (_, by) = scopes.1.actor().parts();
        let changed = diesel::update(
            survey_comments::table
                .filter(survey_comments::id.eq(id))
                .filter(survey_comments::survey_id.eq(survey))
                .filter(survey_comments::position.is_not_null())
                .filter(survey_comments::reply.is_null()),
        )
        .set((
            survey_comments::reply.eq(reply),
            (survey_comments::replied_by.eq(by), survey_comments::replied_at.eq(to_db(now))),
            survey_comments::updated_at.eq(to_db(now)),
            survey_comments::version.eq(survey_comments::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            let current = load(conn, survey, id)?;
            return Err(match current.reply {
                Some(_) => SurveyFailure::AlreadyReplied,
                None => SurveyFailure::PositionRequired,
            });
        }
        let place = Place { company: Some(campaign.company_id), ..Place::default() };
        let payload = serde_json::json!({"survey_id": survey});
        scopes.1.audit(
            conn,
            now,
            "survey_comment.replied",
            ("survey_comment", id),
            &place,
            payload,
        )?;
        Ok(load(conn, survey, id)?)
    })
}
