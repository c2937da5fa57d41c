//! The monthly complaint performance statement (R-RP-15): over the complaints within reach
//! whose responsible department was confirmed for the month, per department and per person
//! (the complaint's owner), how many, by grade, and how their clocks ended (met on time, or
//! breached).

use std::collections::BTreeMap;

use diesel::prelude::*;
use kefu_domain::complaint::Grade;

use super::Month;
use crate::{
    complaints,
    db::Conn,
    error::StoreError,
    schema::{complaints as rows, responsibility_confirmations, sla_clocks},
    scope::Scope,
};

/// One department's or person's line of the statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementLine {
    /// The department or user.
    pub id: String,
    /// Complaints confirmed for the month.
    pub complaints: u32,
    /// Of those, general ones.
    pub general: u32,
    /// Important ones.
    pub important: u32,
    /// Major ones.
    pub major: u32,
    /// Their clocks stopped on time.
    pub clocks_met: u32,
    /// Their clocks breached (running past their due, or stopped after it).
    pub clocks_breached: u32,
}

impl StatementLine {
    fn add(&mut self, grade: Grade, (met, breached): (u32, u32)) {
        self.complaints += 1;
        match grade {
            Grade::General => self.general += 1,
            Grade::Important => self.important += 1,
            Grade::Major => self.major += 1,
        }
        self.clocks_met += met;
        self.clocks_breached += breached;
    }
}

/// A month's statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statement {
    /// Per confirmed department, by id.
    pub departments: Vec<StatementLine>,
    /// Per complaint owner, by id.
    pub people: Vec<StatementLine>,
}

/// The statement of `month` over the complaints within reach.
pub fn statement(conn: &mut Conn, scope: &Scope, month: Month) -> Result<Statement, StoreError> {
    let conn = conn.raw();
    let confirmed: Vec<(String, String)> = responsibility_confirmations::table
        .filter(responsibility_confirmations::group_id.eq(&scope.group_id))
        .filter(responsibility_confirmations::month.eq(month.to_string()))
        .select((
            responsibility_confirmations::complaint_id,
            responsibility_confirmations::department_id,
        ))
        .load(conn)?;
    let ids: Vec<String> = confirmed.iter().map(|c| c.0.clone()).collect();
    let visible: Vec<(String, String, String)> = rows::table
        .filter(complaints::within(scope))
        .filter(rows::id.eq_any(ids.clone()))
        .select((rows::id, rows::grade, rows::owner_id))
        .load(conn)?;
    let clocks: Vec<(String, String)> = sla_clocks::table
        .filter(sla_clocks::subject_type.eq("complaint"))
        .filter(sla_clocks::subject_id.eq_any(ids))
        .select((sla_clocks::subject_id, sla_clocks::state))
        .load(conn)?;
    let mut departments: BTreeMap<String, StatementLine> = BTreeMap::new();
    let mut people: BTreeMap<String, StatementLine> = BTreeMap::new();
    for (id, grade, owner) in visible {
        let Some((_, department)) = confirmed.iter().find(|c| c.0 == id) else { continue };
        let grade: Grade = grade.parse().unwrap_or(Grade::General);
        let of = clocks.iter().filter(|c| c.0 == id);
        let met = of.clone().filter(|c| c.1 == "met").count();
        let breached = of.filter(|c| c.1 == "breached" || c.1 == "met_late").count();
        let tally = (u32::try_from(met).unwrap_or(0), u32::try_from(breached).unwrap_or(0));
        let line = |id: &String| StatementLine { id: id.clone(), ..StatementLine::default() };
        departments.entry(department.clone()).or_insert_with(|| line(department)).add(grade, tally);
        people.entry(owner.clone()).or_insert_with(|| line(&owner)).add(grade, tally);
    }
    Ok(Statement {
        departments: departments.into_values().collect(),
        people: people.into_values().collect(),
    })
}
