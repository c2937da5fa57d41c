//! Complaint statistics (投诉统计, RULES.md §7: R-RP-1's statements, R-RP-11's composition by
//! category, R-RP-15's departments): one read-only use case, [`complaints`], that answers a
//! statement for a period and a filter within the caller's reach — counts, the SLA clocks met
//! and breached, handling time in working hours, callbacks and satisfaction, customer events,
//! and the change against the previous period — one `GROUP BY` query per figure over the
//! complaints received in the period. The report drafts call the same function.
//!
//! Additive figures (counts, clocks, callbacks, ratings) of the rows sum to the total; the
//! percentiles and the distinct customer events are computed over the whole period for the
//! total. A rate is `None` when its denominator is 0.

pub mod figures;
mod queries;
mod sql;

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use diesel::prelude::*;
use kefu_domain::{
    complaint::{Category, Channel, ComplaintKind, ComplaintState, Grade},
    stats::{Quantile, StatsGroup, rate},
};

use crate::{
    callbacks::day_start,
    db::{Conn, DbConnection},
    error::StoreError,
    schema::{departments, projects},
    scope::Scope,
};

/// What a statement counts: complaints received on the local days `from` to `to` (both
/// included, China time), cut by `group_by`, narrowed by the other fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsFilter {
    /// The first day.
    pub from: NaiveDate,
    /// The last day (included).
    pub to: NaiveDate,
    /// One row per value of this field; `None`: the total only.
    pub group_by: Option<StatsGroup>,
    /// Only this project's.
    pub project_id: Option<String>,
    /// Only this company's.
    pub company_id: Option<String>,
    /// Only those this department is responsible for.
    pub department_id: Option<String>,
    /// Only this kind.
    pub kind: Option<ComplaintKind>,
    /// Only this grade.
    pub grade: Option<Grade>,
    /// Only this category.
    pub category: Option<Category>,
    /// Only those that came in on this channel.
    pub channel: Option<Channel>,
    /// Only those in this state now.
    pub state: Option<ComplaintState>,
}

impl StatsFilter {
    /// The whole period, from `from` to `to`, with nothing else narrowed.
    pub fn period(from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            from,
            to,
            group_by: None,
            project_id: None,
            company_id: None,
            department_id: None,
            kind: None,
            grade: None,
            category: None,
            channel: None,
            state: None,
        }
    }

    /// The number of days of the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// One SLA clock's results (R-T): met on time, breached (stopped late, or running past its
/// due at the statement's instant), still open (running before its due, or paused).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClockFigures {
    /// The clock's name in the policy (`self_resolve`, …).
    pub clock: String,
    /// Its label in the group's policy.
    pub label_zh: Option<String>,
    /// Stopped by their due.
    pub met: i64,
    /// Stopped after their due, or running past it.
    pub breached: i64,
    /// Running before their due, or paused.
    pub open: i64,
}

impl ClockFigures {
    /// `met / (met + breached)`.
    pub fn rate(&self) -> Option<f64> {
        rate(self.met, self.met + self.breached)
    }
}

/// One row of a statement, or its total.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsRow {
    /// The value of the grouped field (`None` for the total, or complaints without one).
    pub key: Option<String>,
    /// What people read: the vocabulary's Chinese label, the project's or department's name.
    pub label_zh: Option<String>,
    /// Complaints received in the period.
    pub count: i64,
    /// The same, in the previous period of equal length.
    pub previous_count: i64,
    /// Per clock, in the policy's order.
    pub sla: Vec<ClockFigures>,
    /// Resolved complaints with a handling time.
    pub resolved: i64,
    /// Working hours from receipt to resolution: median.
    pub handling_median_hours: Option<f64>,
    /// Working hours from receipt to resolution: 90th percentile.
    pub handling_p90_hours: Option<f64>,
    /// Callback tasks of their complaints (R-T-6, R-CB-1, R-CB-2), cancelled ones left out.
    pub callbacks_due: i64,
    /// Of those, done.
    pub callbacks_done: i64,
    /// Calls that reached the customer and recorded a satisfaction (1–5, the lowest answer).
    pub rated: i64,
    /// Of those, satisfied: 4 or 5 (满意, 非常满意).
    pub satisfied: i64,
    /// Major customer events (R-EVT) their complaints belong to, each counted once.
    pub customer_events: i64,
}

impl StatsRow {
    /// `count - previous_count`.
    pub fn delta(&self) -> i64 {
        self.count - self.previous_count
    }

    /// `delta / previous_count`.
    pub fn change_rate(&self) -> Option<f64> {
        rate(self.delta(), self.previous_count)
    }
}

/// A statement (统计表).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// What was asked.
    pub filter: StatsFilter,
    /// The previous period's first and last day.
    pub previous: (NaiveDate, NaiveDate),
    /// The instant its open clocks were judged at.
    pub as_of: DateTime<Utc>,
    /// One per value of the grouped field (vocabulary order, or by name), empty without one.
    pub rows: Vec<StatsRow>,
    /// Everything the filter counts.
    pub total: StatsRow,
}

/// The statement of the complaints within `scope` that `filter` counts, with open clocks
/// judged at `now`. Read-only: no transaction, the caller's reach in every query.
pub fn complaints(
    conn: &mut Conn,
    scope: &Scope,
    filter: &StatsFilter,
    now: DateTime<Utc>,
) -> Result<Statement, StoreError> {
    if filter.to < filter.from {
        return Err(StoreError::Invalid {
            field: "to".into(),
            message: "the last day comes before the first".into(),
        });
    }
    let conn = conn.raw();
    if matches!(conn, DbConnection::Pg(_)) {
        // PostgreSQL would compile these short scans (JIT) for longer than they run.
        return conn.transaction(|conn| {
            diesel::sql_query("SET LOCAL jit = off").execute(conn)?;
            statement(conn, scope, filter, now)
        });
    }
    statement(conn, scope, filter, now)
}

fn statement(
    conn: &mut DbConnection,
    scope: &Scope,
    filter: &StatsFilter,
    now: DateTime<Utc>,
) -> Result<Statement, StoreError> {
    let days = Days::new(u64::try_from(filter.days()).unwrap_or(0));
    let previous_from = filter.from.checked_sub_days(days).unwrap_or(filter.from);
    let previous_to = filter.from.pred_opt().unwrap_or(filter.from);
    let end = filter.to.succ_opt().unwrap_or(filter.to);
    let period = (day_start(filter.from).naive_utc(), day_start(end).naive_utc());
    let before = (day_start(previous_from).naive_utc(), period.0);
    let labels = clock_labels(conn, &scope.group_id)?;
    let q = queries::Figures { scope, filter, labels: &labels, now: now.naive_utc() };
    let grouped = filter.group_by.is_some();
    let mut total =
        q.rows(conn, None, (period, (!grouped).then_some(before)))?.pop().unwrap_or_default();
    let mut rows = match filter.group_by {
        Some(group) => q.rows(conn, Some(group), (period, Some(before)))?,
        None => Vec::new(),
    };
    if grouped {
        add_up(&mut total, &rows, &labels);
    }
    if let Some(group) = filter.group_by {
        name_rows(conn, group, &mut rows)?;
    }
    // Every row lists the clocks of the total, in its order (zeros where it has none).
    for row in &mut rows {
        let mut mine: BTreeMap<String, ClockFigures> =
            std::mem::take(&mut row.sla).into_iter().map(|c| (c.clock.clone(), c)).collect();
        row.sla = total
            .sla
            .iter()
            .map(|t| {
                mine.remove(&t.clock).unwrap_or_else(|| ClockFigures {
                    clock: t.clock.clone(),
                    label_zh: t.label_zh.clone(),
                    ..ClockFigures::default()
                })
            })
            .collect();
    }
    Ok(Statement {
        filter: filter.clone(),
        previous: (previous_from, previous_to),
        as_of: now,
        rows,
        total: StatsRow { key: None, label_zh: Some("合计".into()), ..total },
    })
}

/// The total's additive figures, summed from the rows (each complaint is in exactly one row).
fn add_up(total: &mut StatsRow, rows: &[StatsRow], labels: &[(String, String)]) {
    let mut clocks: BTreeMap<String, ClockFigures> = BTreeMap::new();
    for row in rows {
        total.previous_count += row.previous_count;
        total.callbacks_due += row.callbacks_due;
        total.callbacks_done += row.callbacks_done;
        total.rated += row.rated;
        total.satisfied += row.satisfied;
        for c in &row.sla {
            let sum = clocks.entry(c.clock.clone()).or_insert_with(|| ClockFigures {
                clock: c.clock.clone(),
                label_zh: c.label_zh.clone(),
                ..ClockFigures::default()
            });
            (sum.met, sum.breached, sum.open) =
                (sum.met + c.met, sum.breached + c.breached, sum.open + c.open);
        }
    }
    let order = |name: &str| labels.iter().position(|(c, _)| c == name).unwrap_or(usize::MAX);
    total.sla = clocks.into_values().collect();
    total.sla.sort_by_key(|c| (order(&c.clock), c.clock.clone()));
}

/// The Chinese labels of the group's clocks, in its policy's order.
fn clock_labels(conn: &mut DbConnection, group: &str) -> Result<Vec<(String, String)>, StoreError> {
    Ok(crate::sla::current(conn, Some(group))?
        .map(|p| p.policy.0.clocks.iter().map(|c| (c.name.clone(), c.label_zh.clone())).collect())
        .unwrap_or_default())
}

/// Labels the rows and puts them in order: a vocabulary's order and labels, or the project's
/// or department's name (then by name); rows without a value last.
fn name_rows(
    conn: &mut DbConnection,
    group: StatsGroup,
    rows: &mut [StatsRow],
) -> Result<(), StoreError> {
    fn vocab<T: Copy>(
        all: &[T],
        text: impl Fn(T) -> (&'static str, &'static str),
    ) -> Vec<(String, String)> {
        all.iter().map(|v| text(*v)).map(|(k, l)| (k.to_owned(), l.to_owned())).collect()
    }
    let keys: Vec<String> = rows.iter().filter_map(|r| r.key.clone()).collect();
    let known: Vec<(String, String)> = match group {
        StatsGroup::Grade => vocab(Grade::ALL, |v| (v.as_str(), v.label_zh())),
        StatsGroup::Category => vocab(Category::ALL, |v| (v.as_str(), v.label_zh())),
        StatsGroup::Channel => vocab(Channel::ALL, |v| (v.as_str(), v.label_zh())),
        StatsGroup::State => vocab(ComplaintState::ALL, |v| (v.as_str(), v.label_zh())),
        StatsGroup::Project => {
            let mut named: Vec<(String, String)> = projects::table
                .filter(projects::id.eq_any(&keys))
                .select((projects::id, projects::name))
                .load(conn)?;
            named.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
            named
        }
        StatsGroup::Department => {
            let mut named: Vec<(String, String)> = departments::table
                .filter(departments::id.eq_any(&keys))
                .select((departments::id, departments::name))
                .load(conn)?;
            named.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
            named
        }
    };
    let order: BTreeMap<&str, (usize, &str)> =
        known.iter().enumerate().map(|(i, (k, l))| (k.as_str(), (i, l.as_str()))).collect();
    for row in rows.iter_mut() {
        row.label_zh = match &row.key {
            Some(k) => order.get(k.as_str()).map(|(_, l)| (*l).to_owned()),
            None => Some("未指定".to_owned()),
        };
    }
    rows.sort_by_key(|r| match &r.key {
        Some(k) => {
            order.get(k.as_str()).map_or((1, usize::MAX, k.clone()), |(i, _)| (0, *i, k.clone()))
        }
        None => (2, 0, String::new()),
    });
    Ok(())
}

/// The quantiles a statement gives of the handling time.
pub(crate) const QUANTILES: [Quantile; 2] = [Quantile::MEDIAN, Quantile::P90];
