//! One query per figure, each a `GROUP BY` of the grouped field over the complaints the
//! statement counts (the shared `WHERE` of [`super::sql`]); the handling-time quantiles take
//! only the rows at the ranks around each quantile (a window over the sorted figures), so no
//! complaint is read into Rust.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::{
    QueryableByName,
    sql_types::{BigInt, Nullable, Text},
};
use kefu_domain::{callback::CallbackReason, stats::StatsGroup};

use super::{ClockFigures, QUANTILES, StatsFilter, StatsRow, sql::Sql};
use crate::{db::DbConnection, error::StoreError, scope::Scope};

/// The grouped field as SQL over `complaints c` (a typed `NULL` for the total).
fn key_of(group: Option<StatsGroup>) -> &'static str {
    match group {
        None => "CAST(NULL AS TEXT)",
        Some(StatsGroup::Grade) => "c.grade",
        Some(StatsGroup::Category) => "c.category",
        Some(StatsGroup::Channel) => "c.channel",
        Some(StatsGroup::Project) => "c.project_id",
        Some(StatsGroup::Department) => "c.responsible_department_id",
        Some(StatsGroup::State) => "c.state",
    }
}

/// The callback reasons that call back about a complaint itself (R-T-6, R-CB-1, R-CB-2), as a
/// SQL list of literals from the vocabulary.
fn complaint_reasons() -> String {
    let reasons: Vec<String> = CallbackReason::ALL
        .iter()
        .filter(|r| !r.is_node())
        .map(|r| format!("'{}'", r.as_str()))
        .collect();
    reasons.join(", ")
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Nullable<Text>)]
    k: Option<String>,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    events: i64,
}

#[derive(QueryableByName)]
struct Clocked {
    #[diesel(sql_type = Nullable<Text>)]
    k: Option<String>,
    #[diesel(sql_type = Text)]
    clock: String,
    #[diesel(sql_type = BigInt)]
    met: i64,
    #[diesel(sql_type = BigInt)]
    breached: i64,
    #[diesel(sql_type = BigInt)]
    open: i64,
}

#[derive(QueryableByName)]
struct Pair {
    #[diesel(sql_type = Nullable<Text>)]
    k: Option<String>,
    #[diesel(sql_type = BigInt)]
    a: i64,
    #[diesel(sql_type = BigInt)]
    b: i64,
}

#[derive(QueryableByName)]
struct Ranked {
    #[diesel(sql_type = Nullable<Text>)]
    k: Option<String>,
    #[diesel(sql_type = BigInt)]
    rn: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    m: i64,
}

/// The statement's queries for one caller and filter.
pub(super) struct Figures<'a> {
    pub(super) scope: &'a Scope,
    pub(super) filter: &'a StatsFilter,
    /// The policy's clocks and their labels, in order.
    pub(super) labels: &'a [(String, String)],
    /// Open clocks past their due at this instant count as breached.
    pub(super) now: NaiveDateTime,
}

type Period = (NaiveDateTime, NaiveDateTime);

impl Figures<'_> {
    /// `SELECT <key> AS k, <select> FROM complaints c <join> WHERE <shared> [AND <extra>]`.
    fn select(
        &self,
        conn: &DbConnection,
        group: Option<StatsGroup>,
        (select, join): (&str, &str),
        period: Period,
    ) -> Sql {
        let mut q = Sql::new(conn);
        q.push("SELECT ").push(key_of(group)).push(" AS k, ").push(select);
        q.push(" FROM complaints c").push(join).push(" WHERE ");
        q.complaints_where(self.scope, self.filter, period);
        q
    }

    fn group(q: &mut Sql, group: Option<StatsGroup>, more: &str) {
        match group {
            Some(_) => q.push(" GROUP BY ").push(key_of(group)).push(more),
            None if !more.is_empty() => q.push(" GROUP BY ").push(&more[2..]),
            None => q,
        };
    }

    /// The rows of the statement (one, the total, for `None`), keyed by the grouped field.
    /// `(period, Some(before))` computes every figure; `(period, None)` only those that do not
    /// add up from rows (the count and distinct events, the handling-time quantiles): the
    /// total of a grouped statement sums the rest.
    pub(super) fn rows(
        &self,
        conn: &mut DbConnection,
        group: Option<StatsGroup>,
        (period, before): (Period, Option<Period>),
    ) -> Result<Vec<StatsRow>, StoreError> {
        let mut rows: BTreeMap<Option<String>, StatsRow> = BTreeMap::new();
        let counts = "COUNT(*) AS n, COUNT(DISTINCT c.customer_event_id) AS events";
        let periods = std::iter::once((period, true)).chain(before.map(|b| (b, false)));
        for (when, current) in periods {
            let mut q = self.select(conn, group, (counts, ""), when);
            Self::group(&mut q, group, "");
            for c in q.load::<Counted>(conn)? {
                let row = rows
                    .entry(c.k.clone())
                    .or_insert_with(|| StatsRow { key: c.k.clone(), ..StatsRow::default() });
                if current {
                    (row.count, row.customer_events) = (c.n, c.events);
                } else {
                    row.previous_count = c.n;
                }
            }
        }
        rows.retain(|_, r| group.is_none() || r.count > 0 || r.previous_count > 0);
        if before.is_some() {
            self.clocks(conn, group, period, &mut rows)?;
            self.callbacks(conn, group, period, &mut rows)?;
        }
        self.handling(conn, group, period, &mut rows)?;
        Ok(rows.into_values().collect())
    }

    /// Per clock: met, breached (stopped late, or running past its due now), open.
    fn clocks(
        &self,
        conn: &mut DbConnection,
        group: Option<StatsGroup>,
        period: Period,
        rows: &mut BTreeMap<Option<String>, StatsRow>,
    ) -> Result<(), StoreError> {
        let mut q = Sql::new(conn);
        q.push("SELECT ").push(key_of(group)).push(" AS k, s.clock AS clock, ");
        q.push("COALESCE(SUM(CASE WHEN s.state = 'met' THEN 1 ELSE 0 END), 0) AS met, ");
        q.push("COALESCE(SUM(CASE WHEN s.state = 'met_late' OR (s.state IN ('running', 'warning', 'breached') AND s.due_at < ");
        q.at(self.now);
        q.push(") THEN 1 ELSE 0 END), 0) AS breached, ");
        q.push("COALESCE(SUM(CASE WHEN s.state = 'paused' OR (s.state IN ('running', 'warning', 'breached') AND s.due_at >= ");
        q.at(self.now);
        q.push(") THEN 1 ELSE 0 END), 0) AS open");
        q.push(" FROM complaints c JOIN sla_clocks s ON s.subject_type = 'complaint' AND s.subject_id = c.id WHERE ");
        q.complaints_where(self.scope, self.filter, period);
        Self::group(&mut q, group, ", s.clock");
        let order = |name: &str| self.labels.iter().position(|(c, _)| c == name);
        for c in q.load::<Clocked>(conn)? {
            let Some(row) = rows.get_mut(&c.k) else { continue };
            row.sla.push(ClockFigures {
                label_zh: order(&c.clock).map(|i| self.labels[i].1.clone()),
                clock: c.clock,
                met: c.met,
                breached: c.breached,
                open: c.open,
            });
        }
        for row in rows.values_mut() {
            row.sla.sort_by_key(|c| (order(&c.clock).unwrap_or(usize::MAX), c.clock.clone()));
        }
        Ok(())
    }

    /// The complaints' own callback tasks (due, done) and the satisfaction their calls recorded.
    fn callbacks(
        &self,
        conn: &mut DbConnection,
        group: Option<StatsGroup>,
        period: Period,
        rows: &mut BTreeMap<Option<String>, StatsRow>,
    ) -> Result<(), StoreError> {
        let reasons = complaint_reasons();
        let tasks = format!(
            " JOIN callback_tasks t ON t.complaint_id = c.id AND t.state <> 'cancelled' \
             AND t.reason IN ({reasons})"
        );
        let select =
            "COUNT(*) AS a, COALESCE(SUM(CASE WHEN t.state = 'done' THEN 1 ELSE 0 END), 0) AS b";
        let mut q = self.select(conn, group, (select, &tasks), period);
        Self::group(&mut q, group, "");
        for p in q.load::<Pair>(conn)? {
            if let Some(row) = rows.get_mut(&p.k) {
                (row.callbacks_due, row.callbacks_done) = (p.a, p.b);
            }
        }
        let records = format!(
            "{tasks} JOIN callback_records r ON r.task_id = t.id AND r.satisfaction IS NOT NULL"
        );
        let select =
            "COUNT(*) AS a, COALESCE(SUM(CASE WHEN r.satisfaction >= 4 THEN 1 ELSE 0 END), 0) AS b";
        let mut q = self.select(conn, group, (select, &records), period);
        Self::group(&mut q, group, "");
        for p in q.load::<Pair>(conn)? {
            if let Some(row) = rows.get_mut(&p.k) {
                (row.rated, row.satisfied) = (p.a, p.b);
            }
        }
        Ok(())
    }

    /// The handling time's quantiles: the figures at the ranks around each, per row.
    fn handling(
        &self,
        conn: &mut DbConnection,
        group: Option<StatsGroup>,
        period: Period,
        rows: &mut BTreeMap<Option<String>, StatsRow>,
    ) -> Result<(), StoreError> {
        let partition = match group {
            Some(_) => format!("PARTITION BY {} ", key_of(group)),
            None => String::new(),
        };
        let mut q = Sql::new(conn);
        q.push("SELECT k, rn, n, m FROM (SELECT ").push(key_of(group)).push(" AS k, ");
        q.push("f.handling_minutes AS m, ROW_NUMBER() OVER (").push(&partition);
        q.push("ORDER BY f.handling_minutes) - 1 AS rn, COUNT(*) OVER (")
            .push(partition.trim_end());
        q.push(") AS n FROM complaints c JOIN complaint_figures f ON f.complaint_id = c.id WHERE ");
        q.complaints_where(self.scope, self.filter, period);
        let ranks: Vec<String> = QUANTILES
            .iter()
            .flat_map(|q| {
                let (num, den) = (q.num, q.den);
                [
                    format!("((n - 1) * {num}) / {den}"),
                    format!("((n - 1) * {num} + {den} - 1) / {den}"),
                ]
            })
            .collect();
        q.push(") x WHERE rn IN (").push(&ranks.join(", ")).push(")");
        let mut at: BTreeMap<Option<String>, (i64, BTreeMap<i64, i64>)> = BTreeMap::new();
        for r in q.load::<Ranked>(conn)? {
            let entry = at.entry(r.k).or_default();
            entry.0 = r.n;
            entry.1.insert(r.rn, r.m);
        }
        for (key, (n, values)) in at {
            let Some(row) = rows.get_mut(&key) else { continue };
            let hours = |q: kefu_domain::stats::Quantile| {
                q.of(n, |rank| values.get(&rank).copied()).map(|minutes| minutes / 60.0)
            };
            row.resolved = n;
            row.handling_median_hours = hours(QUANTILES[0]);
            row.handling_p90_hours = hours(QUANTILES[1]);
        }
        Ok(())
    }
}
