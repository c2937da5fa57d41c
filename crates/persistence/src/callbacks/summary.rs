//! The node-callback questionnaires' monthly pull (R-CB-4): the answers recorded on node
//! callbacks from the 26th of the month before to the 25th of the month, per reason and
//! question; the monthly summary they feed is due by the 10th of the next month (the reports'
//! obligation).

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use diesel::prelude::*;
use kefu_domain::callback::CallbackReason;

use super::{CallbackTask, day_start, records::CallbackRecord, within};
use crate::{
    db::Conn,
    error::StoreError,
    schema::{callback_records, callback_tasks},
    scope::Scope,
};

/// One question's answers.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionTally {
    /// The question's code.
    pub code: String,
    /// How many answered it.
    pub count: i64,
    /// The sum of the answers.
    pub sum: i64,
}

/// One node reason's month.
#[derive(Debug, Clone, PartialEq)]
pub struct ReasonTally {
    /// The node.
    pub reason: CallbackReason,
    /// Calls recorded.
    pub records: i64,
    /// Calls that reached the customer.
    pub reached: i64,
    /// Tasks done in the window.
    pub done: i64,
    /// Tasks failed in the window.
    pub failed: i64,
    /// The answers per question, by code.
    pub questions: Vec<QuestionTally>,
}

/// The pull of a month.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSummary {
    /// The first day of the window (the 26th of the month before).
    pub from: NaiveDate,
    /// Its last day, the pull day (the 25th).
    pub to: NaiveDate,
    /// The summary's due date (the 10th of the next month).
    pub summary_due_on: NaiveDate,
    /// Per node reason, in the vocabulary's order.
    pub reasons: Vec<ReasonTally>,
}

/// The month's pull for the node callbacks within reach (`year`, `month` 1–12).
pub fn node_summary(
    conn: &mut Conn,
    scope: &Scope,
    (year, month): (i32, u32),
) -> Result<NodeSummary, StoreError> {
    let bad = || StoreError::Invalid { field: "month".into(), message: "not a month".into() };
    let to = NaiveDate::from_ymd_opt(year, month, 25).ok_or_else(bad)?;
    let from = to
        .checked_sub_months(chrono::Months::new(1))
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .ok_or_else(bad)?;
    let next = NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .ok_or_else(bad)?;
    let summary_due_on = NaiveDate::from_ymd_opt(next.year(), next.month(), 10).ok_or_else(bad)?;
    let (start, end) = (day_start(from).naive_utc(), day_start(to + Days::new(1)).naive_utc());
    let conn = conn.raw();
    let nodes: Vec<&str> =
        CallbackReason::ALL.iter().filter(|r| r.is_node()).map(|r| r.as_str()).collect();
    let tasks: Vec<CallbackTask> = callback_tasks::table
        .filter(within(scope))
        .filter(callback_tasks::reason.eq_any(nodes))
        .select(CallbackTask::as_select())
        .load(conn)?;
    let ids: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
    let records: Vec<CallbackRecord> = callback_records::table
        .filter(callback_records::task_id.eq_any(ids))
        .filter(callback_records::recorded_at.ge(start))
        .filter(callback_records::recorded_at.lt(end))
        .select(CallbackRecord::as_select())
        .load(conn)?;
    let by_id: BTreeMap<&str, &CallbackTask> = tasks.iter().map(|t| (t.id.as_str(), t)).collect();
    let rows: Vec<(&CallbackRecord, &CallbackTask)> =
        records.iter().filter_map(|r| by_id.get(r.task_id.as_str()).map(|t| (r, *t))).collect();
    let mut reasons = Vec::new();
    for reason in CallbackReason::ALL.iter().copied().filter(|r| r.is_node()) {
        let mut tally = ReasonTally {
            reason,
            records: 0,
            reached: 0,
            done: 0,
            failed: 0,
            questions: Vec::new(),
        };
        let mut questions: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for (record, task) in rows.iter().filter(|(_, t)| t.reason == reason.as_str()) {
            tally.records += 1;
            tally.reached += i64::from(record.reached);
            let finished_here = task.finished_at.is_some_and(|f| f >= start && f < end);
            if finished_here && task.finished_at == Some(record.recorded_at) {
                match task.state.as_str() {
                    "done" => tally.done += 1,
                    "failed" => tally.failed += 1,
                    _ => {}
                }
            }
            let scores: BTreeMap<String, i64> =
                serde_json::from_str(&record.scores).unwrap_or_default();
            for (code, score) in scores {
                let entry = questions.entry(code).or_default();
                entry.0 += 1;
                entry.1 += score;
            }
        }
        tally.questions = questions
            .into_iter()
            .map(|(code, (count, sum))| QuestionTally { code, count, sum })
            .collect();
        reasons.push(tally);
    }
    Ok(NodeSummary { from, to, summary_due_on, reasons })
}
