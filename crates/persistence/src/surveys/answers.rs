//! A campaign's distributions, answers (one per respondent; valid when every dimension is
//! scored, R-SAT-2), the CSV import (all or nothing) and the results against the 95 % target
//! (R-SAT-1).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::survey::{
    SurveyState,
    csv::{CsvAnswer, RowError},
    tally::{self, Scores},
};

use super::{Survey, SurveyFailure, find};
use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{ListRequest, Page, page},
    schema::{survey_answers, survey_comments, survey_respondents, surveys},
    scope::{Place, Scope},
};

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = survey_answers)]
pub struct SurveyAnswer {
    /// UUIDv7.
    pub id: String,
    /// Its campaign.
    pub survey_id: String,
    /// The respondent.
    pub customer_id: String,
    /// The project he is counted in.
    pub project_id: String,
    /// The scores, a JSON object dimension → 1..5.
    pub scores: String,
    /// Whether every dimension is scored.
    pub valid: bool,
    /// `api` or `csv`.
    pub source: String,
    /// Who recorded it.
    pub created_by: Option<String>,
    /// When it was recorded (naive UTC).
    pub created_at: NaiveDateTime,
}

impl SurveyAnswer {
    /// The scores given.
    pub fn scores(&self) -> Scores {
        serde_json::from_str(&self.scores).unwrap_or_default()
    }
}

/// The campaign visible under `read`, and `Forbidden` unless `write` reaches it too.
pub(crate) fn writable(
    conn: &mut DbConnection,
    (read, write): (&Scope, &Scope),
    id: &str,
) -> Result<Survey, StoreError> {
    let survey = find(conn, read, id)?;
    match find(conn, write, id) {
        Err(StoreError::NotFound) => Err(StoreError::Forbidden),
        other => other.map(|_| survey),
    }
}

fn collecting(survey: &Survey) -> Result<(), SurveyFailure> {
    match survey.state {
        SurveyState::Collecting => Ok(()),
        other => Err(SurveyFailure::NotCollecting(other.as_str())),
    }
}

fn place(survey: &Survey) -> Place {
    Place { company: Some(survey.company_id.clone()), ..Place::default() }
}

/// The respondents of a campaign: customer → (project, answered).
fn respondents(
    conn: &mut DbConnection,
    survey: &str,
) -> Result<BTreeMap<String, (String, bool)>, StoreError> {
    let rows: Vec<(String, String, Option<NaiveDateTime>)> = survey_respondents::table
        .filter(survey_respondents::survey_id.eq(survey))
        .select((
            survey_respondents::customer_id,
            survey_respondents::project_id,
            survey_respondents::answered_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(|(c, p, a)| (c, (p, a.is_some()))).collect())
}

/// What a distribution did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Distributed {
    /// Respondents newly marked distributed.
    pub marked: i64,
    /// Respondents distributed in all.
    pub distributed: i64,
}

/// Marks respondents distributed (while collecting); 422 naming `customer_ids[i]` for a
/// customer who is not a respondent.
pub fn distribute(
    conn: &mut Conn,
    scopes: (&Scope, &Scope),
    id: &str,
    customers: &[String],
    now: DateTime<Utc>,
) -> Result<Distributed, SurveyFailure> {
    transaction(conn.raw(), |conn| {
        let survey = writable(conn, scopes, id)?;
        collecting(&survey)?;
        let known = respondents(conn, id)?;
        for (i, customer) in customers.iter().enumerate() {
            if !known.contains_key(customer) {
                let field = format!("customer_ids[{i}]");
                return Err(SurveyFailure::field(
                    field,
                    "not_a_respondent",
                    "not a respondent of this survey",
                ));
            }
        }
        let mut marked = 0;
        for chunk in customers.chunks(500) {
            marked += diesel::update(
                survey_respondents::table
                    .filter(survey_respondents::survey_id.eq(id))
                    .filter(survey_respondents::customer_id.eq_any(chunk))
                    .filter(survey_respondents::distributed_at.is_null()),
            )
            .set(survey_respondents::distributed_at.eq(to_db(now)))
            .execute(conn)?;
        }
        let distributed = survey_respondents::table
            .filter(survey_respondents::survey_id.eq(id))
            .filter(survey_respondents::distributed_at.is_not_null())
            .count()
            .get_result(conn)?;
        let marked = i64::try_from(marked).unwrap_or(i64::MAX);
        let payload = serde_json::json!({"marked": marked, "distributed": distributed});
        scopes.1.audit(
            conn,
            now,
            "survey.distributed",
            ("survey", id),
            &place(&survey),
            payload,
        )?;
        Ok(Distributed { marked, distributed })
    })
}

/// An answer to record.
#[derive(Debug, Clone)]
pub struct NewAnswer {
    /// The respondent.
    pub customer_id: String,
    /// The scores given (checked: known dimensions, 1..5).
    pub scores: Scores,
    /// Open comments ("what to improve").
    pub comments: Vec<String>,
}

/// Stores one answer of a respondent who has none yet, with its comments; the respondent
/// counts as distributed from then on.
fn insert(
    conn: &mut DbConnection,
    (survey, project): (&Survey, &str),
    answer: &NewAnswer,
    (source, by): (&str, Option<&str>),
    now: DateTime<Utc>,
) -> Result<SurveyAnswer, SurveyFailure> {
    let at = to_db(now);
    let respondent = survey_respondents::table
        .filter(survey_respondents::survey_id.eq(&survey.id))
        .filter(survey_respondents::customer_id.eq(&answer.customer_id));
    let open = surveys::table
        .filter(surveys::id.eq(&survey.id))
        .filter(surveys::state.eq(SurveyState::Collecting.as_str()))
        .select(surveys::id);
    let claimed = diesel::update(
        respondent
            .filter(survey_respondents::answered_at.is_null())
            .filter(survey_respondents::survey_id.eq_any(open)),
    )
    .set(survey_respondents::answered_at.eq(at))
    .execute(conn)?;
    if claimed == 0 {
        return Err(SurveyFailure::AlreadyAnswered);
    }
    diesel::update(respondent.filter(survey_respondents::distributed_at.is_null()))
        .set(survey_respondents::distributed_at.eq(at))
        .execute(conn)?;
    let id = new_id();
    let scores =
        serde_json::to_string(&answer.scores).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    diesel::insert_into(survey_answers::table)
        .values((
            survey_answers::id.eq(&id),
            (
                survey_answers::survey_id.eq(&survey.id),
                survey_answers::customer_id.eq(&answer.customer_id),
            ),
            (survey_answers::project_id.eq(project), survey_answers::scores.eq(scores)),
            survey_answers::valid.eq(tally::is_valid(&answer.scores)),
            (survey_answers::source.eq(source), survey_answers::created_by.eq(by)),
            survey_answers::created_at.eq(at),
        ))
        .execute(conn)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => SurveyFailure::AlreadyAnswered,
            other => other.into(),
        })?;
    for body in &answer.comments {
        diesel::insert_into(survey_comments::table)
            .values((
                survey_comments::id.eq(new_id()),
                (survey_comments::survey_id.eq(&survey.id), survey_comments::answer_id.eq(&id)),
                survey_comments::customer_id.eq(&answer.customer_id),
                (survey_comments::project_id.eq(project), survey_comments::body.eq(body)),
                (survey_comments::created_at.eq(at), survey_comments::updated_at.eq(at)),
                survey_comments::version.eq(1_i64),
            ))
            .execute(conn)?;
    }
    Ok(survey_answers::table.find(&id).select(SurveyAnswer::as_select()).first(conn)?)
}

/// Records one respondent's answer (while collecting): 422 `customer_id` for a customer who is
/// not a respondent, 409 `already_answered` for a second answer.
pub fn answer(
    conn: &mut Conn,
    scopes: (&Scope, &Scope),
    id: &str,
    answer: &NewAnswer,
    now: DateTime<Utc>,
) -> Result<SurveyAnswer, SurveyFailure> {
    transaction(conn.raw(), |conn| {
        let survey = writable(conn, scopes, id)?;
        collecting(&survey)?;
        let Some((project, answered)) = respondents(conn, id)?.remove(&answer.customer_id) else {
            return Err(SurveyFailure::field(
                "customer_id",
                "not_a_respondent",
                "not a respondent of this survey",
            ));
        };
        if answered {
            return Err(SurveyFailure::AlreadyAnswered);
        }
        let (_, by) = scopes.1.actor().parts();
        let stored = insert(conn, (&survey, &project), answer, ("api", by), now)?;
        let payload = serde_json::json!({"answer_id": stored.id, "valid": stored.valid,
            "comments": answer.comments.len()});
        scopes.1.audit(conn, now, "survey.answered", ("survey", id), &place(&survey), payload)?;
        Ok(stored)
    })
}

/// Imports answers read from a CSV file, all or nothing (while collecting): every row whose
/// customer is not a respondent, answered already or named twice is refused with its row, and
/// then nothing is stored. Answers the number imported.
pub fn import(
    conn: &mut Conn,
    scopes: (&Scope, &Scope),
    id: &str,
    rows: &[CsvAnswer],
    now: DateTime<Utc>,
) -> Result<usize, SurveyFailure> {
    transaction(conn.raw(), |conn| {
        let survey = writable(conn, scopes, id)?;
        collecting(&survey)?;
        let known = respondents(conn, id)?;
        let (mut errors, mut seen) = (Vec::new(), BTreeSet::new());
        for row in rows {
            let refuse = |code, message: &str| RowError::new(row.row, "customer_id", code, message);
            match known.get(&row.customer_id) {
                None => errors.push(refuse("not_a_respondent", "not a respondent of this survey")),
                Some((_, true)) => {
                    errors.push(refuse("already_answered", "this customer answered already"))
                }
                Some(_) if !seen.insert(row.customer_id.as_str()) => {
                    errors.push(refuse("duplicate", "this customer is on an earlier row"));
                }
                Some(_) => {}
            }
        }
        if !errors.is_empty() {
            errors.truncate(100);
            return Err(SurveyFailure::Rows(errors));
        }
        let (_, by) = scopes.1.actor().parts();
        for row in rows {
            let project = known.get(&row.customer_id).map(|(p, _)| p.as_str()).unwrap_or_default();
            let answer = NewAnswer {
                customer_id: row.customer_id.clone(),
                scores: row.scores.clone(),
                comments: row.comment.iter().cloned().collect(),
            };
            insert(conn, (&survey, project), &answer, ("csv", by), now)?;
        }
        let payload = serde_json::json!({"imported": rows.len()});
        scopes.1.audit(conn, now, "survey.imported", ("survey", id), &place(&survey), payload)?;
        Ok(rows.len())
    })
}

/// A page of a campaign's answers.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    req: &ListRequest,
) -> Result<Page<SurveyAnswer>, StoreError> {
    let conn = conn.raw();
    find(conn, scope, id)?;
    let query =
        || survey_answers::table.filter(survey_answers::survey_id.eq(id.to_owned())).into_boxed();
    page!(conn, survey_answers, query, SurveyAnswer, req)
}

/// One answer of a campaign within reach.
pub fn one(
    conn: &mut Conn,
    scope: &Scope,
    survey: &str,
    id: &str,
) -> Result<SurveyAnswer, StoreError> {
    let conn = conn.raw();
    find(conn, scope, survey)?;
    Ok(survey_answers::table
        .filter(survey_answers::id.eq(id))
        .filter(survey_answers::survey_id.eq(survey))
        .select(SurveyAnswer::as_select())
        .first(conn)?)
}
