//! Changing a complaint (`PATCH`): its facts, re-graded on every change of category, amount or
//! flags (R-CLS), its responsible department (R-RP-15) and its people (reassignment is on the
//! timeline); and internal notes. One transaction each, the change a compare-and-swap.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::complaint::{Category, Facts, FieldProblem, Flag, Grade};
use serde::Serialize;

use super::{
    Complaint, Entry, IntakeError, TimelineActor, at_version, enqueue, find, is_active_member,
    stale, timeline,
};
use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::to_db,
    kit::Expected,
    org::units,
    schema::{complaints, departments},
    scope::Scope,
    sla::{self, ClockNow},
};

/// What a `PATCH` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ComplaintPatch {
    /// What the customer says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The amount claimed, in fen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_claimed_fen: Option<i64>,
    /// The flags (the whole set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<Flag>>,
    /// The unit, in the complaint's project.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    /// The responsible department, of the project's company (R-RP-15).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible_department_id: Option<String>,
    /// A new owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// A new tracker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracker_id: Option<String>,
    /// A new callback owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_owner_id: Option<String>,
    /// A grade raised by hand above what the rules give.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    /// Why it was raised (required with `grade`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_reason: Option<String>,
}

/// The problems of a patch that depend on stored records.
fn check_records(
    conn: &mut DbConnection,
    read: &Scope,
    current: &Complaint,
    patch: &ComplaintPatch,
) -> Result<Vec<FieldProblem>, StoreError> {
    let mut out = Vec::new();
    if let Some(unit) = &patch.unit_id {
        match units::find(conn, read, unit) {
            Ok(u) if u.project_id == current.project_id => {}
            Ok(_) => out.push(FieldProblem::new(
                "unit_id",
                "not_in_project",
                "the unit is not in the complaint's project",
            )),
            Err(StoreError::NotFound) => {
                out.push(FieldProblem::new("unit_id", "unknown", "no such unit within your reach"))
            }
            Err(e) => return Err(e),
        }
    }
    if let Some(department) = &patch.responsible_department_id {
        let found: i64 = departments::table
            .filter(departments::id.eq(department))
            .filter(departments::company_id.eq(&current.company_id))
            .count()
            .get_result(conn)?;
        if found == 0 {
            out.push(FieldProblem::new(
                "responsible_department_id",
                "unknown",
                "no such department in the complaint's company",
            ));
        }
    }
    for (field, id) in [
        ("owner_id", &patch.owner_id),
        ("tracker_id", &patch.tracker_id),
        ("callback_owner_id", &patch.callback_owner_id),
    ] {
        if let Some(id) = id
            && !is_active_member(conn, id, &current.group_id)?
        {
            out.push(FieldProblem::new(field, "unknown", "no such active user in the group"));
        }
    }
    Ok(out)
}

/// Changes a complaint visible under `read` and within `write` if it is still at `expected`.
/// The new grade is what the rules give for the new facts, or a higher one raised by hand with
/// a reason; a change that would lower the grade is refused (409): lowering a grade is a
/// `grade_lowering` approval request (R-AP), applied when it is approved.
pub fn patch(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    expected: Expected,
    patch: &ComplaintPatch,
    now: DateTime<Utc>,
) -> Result<(Complaint, Vec<ClockNow>), IntakeError> {
    transaction(conn.raw(), |conn| {
        let current = find(conn, read, id)?;
        at_version(&current, expected)?;
        write.require(&current.place())?;
        let mut problems = check_records(conn, read, &current, patch)?;
        if patch.grade.is_some()
            && patch.grade_reason.as_deref().is_none_or(|r| r.trim().is_empty())
        {
            problems.push(FieldProblem::new(
                "grade_reason",
                "required",
                "a grade raised by hand says why",
            ));
        }
        if patch.amount_claimed_fen.is_some_and(|a| a < 0) {
            problems.push(FieldProblem::new(
                "amount_claimed_fen",
                "out_of_range",
                "must be 0 or more",
            ));
        }
        if !problems.is_empty() {
            return Err(IntakeError::Invalid(problems));
        }
        let policy = sla::current(conn, Some(&current.group_id))?.ok_or(StoreError::NotFound)?;
        let flags = patch.flags.clone().unwrap_or_else(|| current.flags.0.clone());
        let category = patch.category.or(current.category.0);
        let amount = patch.amount_claimed_fen.unwrap_or(current.amount_claimed_fen);
        let regraded =
            patch.category.is_some() || patch.amount_claimed_fen.is_some() || patch.flags.is_some();
        let mut grading = policy.policy.0.grading.classify(&Facts {
            category,
            amount_claimed_fen: amount,
            flags: &flags,
            in_customer_event: current.customer_event_id.is_some(),
        });
        if let Some(raised) = patch.grade {
            if raised < grading.grade {
                return Err(IntakeError::Invalid(vec![FieldProblem::new(
                    "grade",
                    "below_rules",
                    format!("the rules give {} already", grading.grade),
                )]));
            }
            if raised > grading.grade {
                grading.grade = raised;
                grading.grade_rules = vec!["manual".to_owned()];
            }
        }
        let (grade, rules) = if regraded || patch.grade.is_some() {
            (grading.grade, grading.grade_rules)
        } else {
            (current.grade, current.grade_rules.0.clone())
        };
        if grade < current.grade {
            return Err(StoreError::Conflict(format!(
                "the change would lower the grade from {} to {}: submit a grade_lowering approval (POST /api/v1/approvals with to_grade); the grade is lowered once it is approved",
                current.grade, grade
            ))
            .into());
        }
        let (flags_text, rules_text) = (text(&flags)?, text(&rules)?);
        let changed = diesel::update(
            complaints::table
                .filter(complaints::id.eq(id))
                .filter(complaints::version.eq(current.version)),
        )
        .set((
            (
                complaints::description
                    .eq(patch.description.as_ref().unwrap_or(&current.description)),
                complaints::category.eq(category.map(|c| c.as_str())),
                complaints::amount_claimed_fen.eq(amount),
                complaints::flags.eq(flags_text),
                complaints::grade.eq(grade.as_str()),
                complaints::grade_rules.eq(rules_text),
            ),
            (
                complaints::unit_id.eq(patch.unit_id.as_ref().or(current.unit_id.as_ref())),
                complaints::responsible_department_id.eq(patch
                    .responsible_department_id
                    .as_ref()
                    .or(current.responsible_department_id.as_ref())),
                complaints::owner_id.eq(patch.owner_id.as_ref().unwrap_or(&current.owner_id)),
                complaints::tracker_id.eq(patch.tracker_id.as_ref().unwrap_or(&current.tracker_id)),
                complaints::callback_owner_id
                    .eq(patch.callback_owner_id.as_ref().unwrap_or(&current.callback_owner_id)),
            ),
            complaints::updated_at.eq(to_db(now)),
            complaints::version.eq(complaints::version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(stale(conn, id).into());
        }
        let reassigned = patch.owner_id.is_some()
            || patch.tracker_id.is_some()
            || patch.callback_owner_id.is_some();
        let mut payload =
            serde_json::to_value(patch).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        payload["grade"] = serde_json::json!(grade);
        payload["grade_rules"] = serde_json::json!(rules);
        let (kind, actor_id) = write.actor().parts();
        let entry = Entry {
            kind: if reassigned { "reassigned" } else { "changed" },
            action: None,
            states: (None, None),
            payload: payload.clone(),
        };
        timeline(conn, id, TimelineActor { kind, id: actor_id }, entry, now)?;
        write.audit(
            conn,
            now,
            "complaint.updated",
            ("complaint", id),
            &current.place(),
            payload.clone(),
        )?;
        let complaint = find(conn, read, id)?;
        enqueue(conn, &complaint, "complaint.updated", payload, now)?;
        if regraded {
            let grading = &policy.policy.0.grading;
            super::customer_events::settle_alone(conn, &complaint, grading, now)?;
        }
        Ok(super::with_clocks(conn, read, id, now)?)
    })
}

/// A value stored as JSON text.
fn text<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("complaint: {e}")))
}

/// Adds an internal note to a complaint's timeline (no change of the complaint itself).
pub fn add_note(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    id: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<super::EventRecord, StoreError> {
    use crate::schema::complaint_events;
    transaction(conn.raw(), |conn| {
        let current = find(conn, read, id)?;
        write.require(&current.place())?;
        let (kind, actor_id) = write.actor().parts();
        let entry = Entry {
            kind: "note",
            action: None,
            states: (None, None),
            payload: serde_json::json!({ "text": text }),
        };
        timeline(conn, id, TimelineActor { kind, id: actor_id }, entry, now)?;
        write.audit(
            conn,
            now,
            "complaint.noted",
            ("complaint", id),
            &current.place(),
            serde_json::json!({}),
        )?;
        Ok(complaint_events::table
            .filter(complaint_events::complaint_id.eq(id))
            .order(complaint_events::id.desc())
            .select(super::EventRecord::as_select())
            .first(conn)?)
    })
}
