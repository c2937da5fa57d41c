//! The draft kefu pre-fills for the complaint statements (R-RP-1, R-RP-2, R-RP-3, R-RP-11):
//! the period's complaints within the owner's reach, counted by grade, category, channel and
//! state, and whether the period had closed when the report fell due (R-RP-16).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::{definitions::in_force, obligations::find};
use crate::{
    callbacks::day_start, db::Conn, error::StoreError, ids::to_db, schema::complaints, scope::Scope,
};

/// The figures of a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Complaints received in the period.
    pub received: i64,
    /// By grade (`general`, `important`, `major`).
    pub by_grade: BTreeMap<String, i64>,
    /// By category.
    pub by_category: BTreeMap<String, i64>,
    /// By channel.
    pub by_channel: BTreeMap<String, i64>,
    /// By the state they are in now.
    pub by_state: BTreeMap<String, i64>,
}

/// A pre-filled draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// Whether kefu pre-fills this report (the complaint statements).
    pub prefilled: bool,
    /// The period's figures (empty when not pre-filled).
    pub figures: Figures,
    /// Whether the period had ended when the report fell due.
    pub period_closed_at_due: bool,
    /// What the report must say about its period (中文), when it had not closed.
    pub note_zh: Option<String>,
}

/// The draft of an obligation within reach.
pub fn draft(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Draft, StoreError> {
    let conn = conn.raw();
    let o = find(conn, scope, id)?;
    let prefill = in_force(conn, &o.group_id)?.set.get(&o.code).is_some_and(|d| d.prefill);
    let note_zh = (!o.period_closed_at_due).then(|| {
        format!(
            "本报表截止时统计期（{} 至 {}）尚未结束，数据截至报送时，统计期结束后以完整数据为准。",
            o.period_start, o.period_end
        )
    });
    let mut figures = Figures::default();
    if prefill {
        let day = |d: &str| d.parse::<NaiveDate>().map_err(|e| StoreError::Corrupt(e.to_string()));
        let from = day_start(day(&o.period_start)?);
        let to = day_start(day(&o.period_end)? + chrono::Days::new(1));
        let mut q = complaints::table
            .filter(complaints::group_id.eq(&o.group_id))
            .filter(complaints::company_id.eq(&o.company_id))
            .filter(complaints::received_at.ge(to_db(from)))
            .filter(complaints::received_at.lt(to_db(to)))
            .select((
                complaints::grade,
                complaints::category,
                complaints::channel,
                complaints::state,
            ))
            .into_boxed();
        if let Some(project) = &o.project_id {
            q = q.filter(complaints::project_id.eq(project.clone()));
        }
        let rows: Vec<(String, Option<String>, String, String)> = q.load(conn)?;
        for (grade, category, channel, state) in rows {
            figures.received += 1;
            *figures.by_grade.entry(grade).or_default() += 1;
            *figures.by_category.entry(category.unwrap_or_else(|| "none".into())).or_default() += 1;
            *figures.by_channel.entry(channel).or_default() += 1;
            *figures.by_state.entry(state).or_default() += 1;
        }
    }
    Ok(Draft { prefilled: prefill, figures, period_closed_at_due: o.period_closed_at_due, note_zh })
}
