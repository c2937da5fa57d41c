//! Submissions (报送): the content of a report, following its definition's template sections,
//! with attachments. The first submission decides whether the obligation was met on time; a
//! returned report is submitted again.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::schedule::{ObligationState, SectionKind};

use super::{
    definitions::in_force,
    obligations::{Obligation, find, place},
};
use crate::{
    db::{Conn, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::Expected,
    schema::{report_obligations, report_submissions},
    scope::Scope,
};

/// A submission to record.
#[derive(Debug, Clone, Default)]
pub struct NewSubmission {
    /// The content by section key: text for `text` sections, attachment ids for `photos`,
    /// any JSON for `figures`.
    pub sections: BTreeMap<String, serde_json::Value>,
    /// Further attachments.
    pub attachment_ids: Vec<String>,
}

/// A stored submission.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = report_submissions)]
pub struct Submission {
    /// UUIDv7.
    pub id: String,
    /// The obligation.
    pub obligation_id: String,
    /// Its group.
    pub group_id: String,
    /// The sections, a JSON object.
    pub sections: String,
    /// The attachment ids, a JSON array.
    pub attachment_ids: String,
    /// Who submitted it.
    pub submitted_by: String,
    /// When (naive UTC).
    pub submitted_at: NaiveDateTime,
    /// Whether it came by the due.
    pub on_time: bool,
}

/// Submits the report an obligation owes (404 out of reach, 412 stale, 409 unless `pending`
/// or `returned`, 422 for a section the template lacks or a required one left empty, 403
/// unless `write` reaches it).
pub fn submit(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    new: &NewSubmission,
    now: DateTime<Utc>,
) -> Result<(Obligation, Submission), StoreError> {
    transaction(conn.raw(), |conn| {
        let o = find(conn, read, id)?;
        if let Expected::Version(v) = expected
            && v != o.version
        {
            return Err(StoreError::StaleVersion { current: o.version });
        }
        write.require(&place(&o))?;
        if !o.state().accepts_submission() {
            return Err(StoreError::Conflict(format!(
                "the report is {}: it is submitted again only once returned",
                o.state
            )));
        }
        if let Some(def) = in_force(conn, &o.group_id)?.set.get(&o.code) {
            for key in new.sections.keys() {
                if !def.sections.iter().any(|s| &s.key == key) {
                    return Err(StoreError::Invalid {
                        field: format!("sections.{key}"),
                        message: format!("the template of {} has no section `{key}`", o.code),
                    });
                }
            }
            for s in def.sections.iter().filter(|s| s.required) {
                if new.sections.get(&s.key).is_none_or(|v| empty(v, s.kind)) {
                    return Err(StoreError::Invalid {
                        field: format!("sections.{}", s.key),
                        message: format!("the section {}（{}）is required", s.key, s.label_zh),
                    });
                }
            }
        }
        let on_time = to_db(now) <= o.due_at;
        let changed = diesel::update(
            report_obligations::table
                .filter(report_obligations::id.eq(id))
                .filter(report_obligations::version.eq(o.version)),
        )
        .set((
            report_obligations::state.eq(ObligationState::Submitted.as_str()),
            report_obligations::submitted_at.eq(to_db(now)),
            // The first submission decides whether it was on time.
            report_obligations::on_time.eq(o.on_time.unwrap_or(on_time)),
            report_obligations::updated_at.eq(to_db(now)),
            report_obligations::version.eq(report_obligations::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::StaleVersion { current: o.version });
        }
        let submission_id = new_id();
        let (_, by) = write.actor().parts();
        let sections = serde_json::to_string(&new.sections).unwrap_or_else(|_| "{}".into());
        let attachments =
            serde_json::to_string(&new.attachment_ids).unwrap_or_else(|_| "[]".into());
        diesel::insert_into(report_submissions::table)
            .values((
                report_submissions::id.eq(&submission_id),
                report_submissions::obligation_id.eq(id),
                report_submissions::group_id.eq(&o.group_id),
                report_submissions::sections.eq(sections),
                report_submissions::attachment_ids.eq(attachments),
                report_submissions::submitted_by.eq(by.unwrap_or("system")),
                report_submissions::submitted_at.eq(to_db(now)),
                report_submissions::on_time.eq(on_time),
            ))
            .execute(conn)?;
        let payload = serde_json::json!({
            "submission_id": submission_id, "on_time": on_time, "code": o.code,
            "period_start": o.period_start, "sections": new.sections.keys().collect::<Vec<_>>(),
        });
        let subject = ("report_obligation", id);
        write.audit(conn, now, "report_obligation.submitted", subject, &place(&o), payload)?;
        let submission = report_submissions::table
            .find(&submission_id)
            .select(Submission::as_select())
            .first(conn)?;
        Ok((find(conn, read, id)?, submission))
    })
}

/// Whether a section's content counts as left empty.
fn empty(value: &serde_json::Value, kind: SectionKind) -> bool {
    match (value, kind) {
        (serde_json::Value::Null, _) => true,
        (serde_json::Value::String(s), _) => s.trim().is_empty(),
        (serde_json::Value::Array(a), SectionKind::Photos) => a.is_empty(),
        _ => false,
    }
}

/// Every submission of an obligation within reach, oldest first.
pub fn list(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Vec<Submission>, StoreError> {
    let conn = conn.raw();
    find(conn, scope, id)?;
    Ok(report_submissions::table
        .filter(report_submissions::obligation_id.eq(id))
        .order(report_submissions::submitted_at.asc())
        .select(Submission::as_select())
        .load(conn)?)
}
