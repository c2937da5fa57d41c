//! Creating a campaign (R-SAT-1): its projects, its calendar clocks and its respondents — the
//! owners named, or every customer holding a unit in those projects.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use kefu_domain::survey::{COLLECTION_WORKING_DAYS, Period, SurveyState, TALLY_WORKING_DAYS};

use super::{SurveyDetail, SurveyFailure, after_working_days, detail, find, opening};
use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::new_row,
    schema::{customer_units, customers, projects, survey_projects, survey_respondents, surveys},
    scope::{Place, Scope},
};

/// A campaign to create.
#[derive(Debug, Clone)]
pub struct NewSurvey {
    /// Its name.
    pub name: String,
    /// Its period; `None`: the next June or December.
    pub period: Option<Period>,
    /// The day it starts; `None`: the 15th of the period's month.
    pub starts_on: Option<NaiveDate>,
    /// Its company.
    pub company_id: String,
    /// Projects of that company (at least one).
    pub project_ids: Vec<String>,
    /// The owners to ask; `None`: every customer holding a unit in those projects.
    pub customer_ids: Option<Vec<String>>,
}

/// Creates a campaign with its respondents (`SurveysManage` over each of its projects).
pub fn create(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    new: &NewSurvey,
    now: DateTime<Utc>,
) -> Result<SurveyDetail, SurveyFailure> {
    transaction(conn.raw(), |conn| {
        let group = write.group_id.as_str();
        crate::org::companies::require_in_group(conn, group, &new.company_id)?;
        check_projects(conn, (read, write), new)?;
        let calendar_id = calendar(conn, group, &new.project_ids[0])?;
        let calendar = crate::calendars::load_any(conn, &calendar_id)?;
        let today = now.with_timezone(&calendar.time_zone()).date_naive();
        let period = new.period.unwrap_or_else(|| Period::next_after(today));
        let starts_on = match new.starts_on {
            Some(day) => day,
            None => period
                .day(15)
                .ok_or_else(|| SurveyFailure::field("period", "invalid", "no such month"))?,
        };
        let opens_at = opening(&calendar, starts_on)?;
        let collection_due = after_working_days(&calendar, opens_at, COLLECTION_WORKING_DAYS)?;
        let tally_due = after_working_days(&calendar, collection_due, TALLY_WORKING_DAYS)?;
        let respondents = respondents(conn, group, new)?;
        let id = new_id();
        let (_, by) = write.actor().parts();
        diesel::insert_into(surveys::table)
            .values((
                new_row!(surveys, &id, now),
                (surveys::group_id.eq(group), surveys::company_id.eq(&new.company_id)),
                (surveys::name.eq(&new.name), surveys::period.eq(period.to_string())),
                surveys::starts_on.eq(starts_on.to_string()),
                surveys::calendar_id.eq(&calendar_id),
                surveys::state.eq(SurveyState::Collecting.as_str()),
                surveys::opens_at.eq(to_db(opens_at)),
                surveys::collection_due_at.eq(to_db(collection_due)),
                surveys::tally_due_at.eq(to_db(tally_due)),
                surveys::created_by.eq(by),
            ))
            .execute(conn)?;
        for project in &new.project_ids {
            diesel::insert_into(survey_projects::table)
                .values((
                    survey_projects::survey_id.eq(&id),
                    survey_projects::project_id.eq(project),
                ))
                .execute(conn)?;
        }
        // One statement per row: batch inserts do not compile over the multi backend.
        for (customer, project) in &respondents {
            diesel::insert_into(survey_respondents::table)
                .values((
                    survey_respondents::survey_id.eq(&id),
                    survey_respondents::customer_id.eq(customer),
                    survey_respondents::project_id.eq(project),
                ))
                .execute(conn)?;
        }
        // Its period suspends the group's node callbacks (R-CB-4): their dues move now.
        crate::callbacks::nodes::reschedule(conn, group, now)?;
        let payload = serde_json::json!({
            "name": new.name, "period": period.to_string(), "company_id": new.company_id,
            "project_ids": new.project_ids, "respondents": respondents.len(),
        });
        let place = Place { company: Some(new.company_id.clone()), ..Place::default() };
        write.audit(conn, now, "survey.created", ("survey", &id), &place, payload)?;
        let survey = find(conn, read, &id)?;
        Ok(detail(conn, survey)?)
    })
}

/// Each project must be one of the company's, visible to the caller (else it is unknown: 422,
/// existence is not leaked) and within his writing reach (else 403).
fn check_projects(
    conn: &mut DbConnection,
    (read, write): (&Scope, &Scope),
    new: &NewSurvey,
) -> Result<(), SurveyFailure> {
    for (i, project) in new.project_ids.iter().enumerate() {
        let field = format!("project_ids[{i}]");
        if new.project_ids[..i].contains(project) {
            return Err(SurveyFailure::field(field, "duplicate", "named twice"));
        }
        let company: Option<String> = projects::table
            .filter(projects::id.eq(project))
            .filter(projects::group_id.eq(&write.group_id))
            .select(projects::company_id)
            .first(conn)
            .optional()?;
        let visible = |c: &str| read.reach.covers(Some(c), Some(project), None);
        match company {
            Some(ref c) if !visible(c) => {
                return Err(SurveyFailure::field(field, "unknown", "no such project in the group"));
            }
            None => {
                return Err(SurveyFailure::field(field, "unknown", "no such project in the group"));
            }
            Some(c) if c != new.company_id => {
                return Err(SurveyFailure::field(
                    field,
                    "other_company",
                    "the project is not of that company",
                ));
            }
            Some(_) => write.require(&Place::of_project(&new.company_id, project))?,
        }
    }
    Ok(())
}

/// The calendar of the first project (its own, else the group's default, else the template).
fn calendar(conn: &mut DbConnection, group: &str, project: &str) -> Result<String, StoreError> {
    match crate::complaints::intake::calendar_of(conn, project, group) {
        Ok(id) => Ok(id.as_str().to_owned()),
        Err(StoreError::NotFound) => {
            crate::calendars::default_of(conn, None)?.ok_or(StoreError::NotFound)
        }
        Err(e) => Err(e),
    }
}

/// The respondents: `(customer, project)`, each customer counted in the first of his projects;
/// a customer whose data was erased is asked no more.
fn respondents(
    conn: &mut DbConnection,
    group: &str,
    new: &NewSurvey,
) -> Result<Vec<(String, String)>, SurveyFailure> {
    let present = customers::table.filter(customers::erased_at.is_null()).select(customers::id);
    let mut q = customer_units::table
        .filter(customer_units::group_id.eq(group))
        .filter(customer_units::project_id.eq_any(&new.project_ids))
        .filter(customer_units::customer_id.eq_any(present))
        .select((customer_units::customer_id, customer_units::project_id))
        .into_boxed();
    if let Some(named) = &new.customer_ids {
        q = q.filter(customer_units::customer_id.eq_any(named.clone()));
    }
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    for (customer, project) in q.load::<(String, String)>(conn)? {
        let slot = first.entry(customer).or_insert_with(|| project.clone());
        if project < *slot {
            *slot = project;
        }
    }
    if let Some(named) = &new.customer_ids {
        for (i, customer) in named.iter().enumerate() {
            let field = format!("customer_ids[{i}]");
            if named[..i].contains(customer) {
                return Err(SurveyFailure::field(field, "duplicate", "named twice"));
            }
            if !first.contains_key(customer) {
                let message = "not an owner of a unit in the survey's projects";
                return Err(SurveyFailure::field(field, "not_an_owner", message));
            }
        }
    }
    Ok(first.into_iter().collect())
}
