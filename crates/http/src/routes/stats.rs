//! Complaint statistics (投诉统计, R-RP-1, R-RP-11, R-RP-15): a statement for a period, cut by a
//! field, within the caller's reach — as JSON, or exported as CSV or an Excel workbook.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, FixedOffset, NaiveDate};
use kefu_domain::{
    access::Permission,
    complaint::{Category, Channel, ComplaintKind, ComplaintState, Grade},
    stats::{StatsGroup, rate},
};
use kefu_persistence::stats::{self, ClockFigures, Statement, StatsFilter, StatsRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    ctx::Ctx,
    export::{self, Cell, Column, Format, Kind, Table},
    list::text_filter,
    problem::{ApiError, ApiResult},
    time::{Day, local},
};

/// The longest period a statement covers: five years of 366 days.
pub const MAX_DAYS: i64 = 366 * 5;

/// What a statement counts, and how it answers.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// The first day (China time), included: complaints received from its 00:00.
    #[param(
        pattern = r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        example = "2026-10-01"
    )]
    pub from: String,
    /// The last day, included; at most 1830 days (5 × 366) after `from`.
    #[param(
        pattern = r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        example = "2026-12-31"
    )]
    pub to: String,
    /// One row per value of this field; without it, the total only.
    #[param(inline)]
    pub group_by: Option<StatsGroup>,
    /// Only this project's (one outside the caller's reach counts nothing, as the list).
    #[param(max_length = 64)]
    pub project_id: Option<String>,
    /// Only this company's.
    #[param(max_length = 64)]
    pub company_id: Option<String>,
    /// Only those this department is responsible for (R-RP-15).
    #[param(max_length = 64)]
    pub department_id: Option<String>,
    /// Only this kind (all kinds without it).
    pub kind: Option<ComplaintKind>,
    /// Only this grade.
    pub grade: Option<Grade>,
    /// Only this category.
    pub category: Option<Category>,
    /// Only those that came in on this channel.
    pub channel: Option<Channel>,
    /// Only those in this state now.
    pub state: Option<ComplaintState>,
    /// `json` (default), `csv` (UTF-8 with BOM, Chinese headers) or `xlsx`; the `Accept`
    /// header (`text/csv`, the workbook's type) chooses too.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
}

/// One clock's results (R-T): `rate` = met / (met + breached), `null` when both are 0.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockStatsView {
    /// The clock's name in the SLA policy.
    pub clock: String,
    /// Its label in the group's policy.
    pub label_zh: Option<String>,
    /// Stopped by their due (按时).
    pub met: i64,
    /// Stopped after their due, or running past it now (超时).
    pub breached: i64,
    /// Running before their due, or paused.
    pub open: i64,
    /// met / (met + breached); `null` when nothing was met or breached.
    pub rate: Option<f64>,
}

/// Working hours from receipt to resolution (处理工时), on the project's business calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandlingView {
    /// Resolved complaints measured.
    pub resolved: i64,
    /// The median; `null` when none was resolved.
    pub median: Option<f64>,
    /// The 90th percentile (interpolated); `null` when none was resolved.
    pub p90: Option<f64>,
}

/// The complaints' own callback tasks (R-T-6, R-CB-1, R-CB-2), cancelled ones left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallbackStatsView {
    /// Tasks planned.
    pub due: i64,
    /// Tasks done.
    pub done: i64,
    /// done / due; `null` when none was due.
    pub rate: Option<f64>,
}

/// The satisfaction recorded by those callbacks (R-CB-3): the lowest answer, 1 to 5.
#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionView {
    /// Calls that recorded a satisfaction.
    pub rated: i64,
    /// Of those, 4 or 5 (满意, 非常满意).
    pub satisfied: i64,
    /// satisfied / rated; `null` when none was rated.
    pub rate: Option<f64>,
}

/// Against the previous period of equal length (环比).
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    /// Complaints of the previous period.
    pub previous_count: i64,
    /// count − previous_count.
    pub delta: i64,
    /// delta / previous_count; `null` when the previous period had none.
    pub rate: Option<f64>,
}

/// One row of a statement, or its total.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsRowView {
    /// The grouped field's value (`null` for the total, or complaints without one).
    pub key: Option<String>,
    /// The vocabulary's label, or the project's or department's name.
    pub label_zh: Option<String>,
    /// Complaints received in the period.
    pub count: i64,
    /// Per SLA clock, in the policy's order.
    pub sla: Vec<ClockStatsView>,
    /// Working hours from receipt to resolution.
    pub handling_hours: HandlingView,
    /// Callbacks.
    pub callbacks: CallbackStatsView,
    /// Satisfaction.
    pub satisfaction: SatisfactionView,
    /// Major customer events (R-EVT) their complaints belong to, each counted once.
    pub customer_events: i64,
    /// Against the previous period.
    pub change: ChangeView,
}

/// A complaint statement (投诉统计表). Counts, clocks, callbacks and ratings of the rows add up
/// to the total, and the total is what `GET /api/v1/complaints` counts for the same filter
/// (`received_from`/`received_to` at the days' 00:00 +08:00); the quantiles and the distinct
/// customer events are the whole period's. Every rate is a number from 0 (0.75 = 75 %), or
/// `null` when its denominator is 0.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"from": "2026-10-01", "to": "2026-12-31", "previous_from": "2026-07-01",
    "previous_to": "2026-09-30", "group_by": "grade", "as_of": "2027-01-01T12:00:00+08:00",
    "rows": [{"key": "general", "label_zh": "一般", "count": 3,
        "sla": [{"clock": "self_resolve", "label_zh": "自行处理", "met": 2, "breached": 1, "open": 0, "rate": 0.6666666666666666}],
        "handling_hours": {"resolved": 3, "median": 7.5, "p90": 20.1},
        "callbacks": {"due": 3, "done": 2, "rate": 0.6666666666666666},
        "satisfaction": {"rated": 2, "satisfied": 1, "rate": 0.5},
        "customer_events": 0, "change": {"previous_count": 2, "delta": 1, "rate": 0.5}}],
    "total": {"key": null, "label_zh": "合计", "count": 3,
        "sla": [{"clock": "self_resolve", "label_zh": "自行处理", "met": 2, "breached": 1, "open": 0, "rate": 0.6666666666666666}],
        "handling_hours": {"resolved": 3, "median": 7.5, "p90": 20.1},
        "callbacks": {"due": 3, "done": 2, "rate": 0.6666666666666666},
        "satisfaction": {"rated": 2, "satisfied": 1, "rate": 0.5},
        "customer_events": 0, "change": {"previous_count": 2, "delta": 1, "rate": 0.5}}}))]
pub struct StatementView {
    /// The first day.
    pub from: Day,
    /// The last day (included).
    pub to: Day,
    /// The previous period's first day.
    pub previous_from: Day,
    /// The previous period's last day.
    pub previous_to: Day,
    /// What the rows are.
    pub group_by: Option<StatsGroup>,
    /// The instant open clocks were judged at.
    pub as_of: DateTime<FixedOffset>,
    /// One per value of the grouped field; empty without `group_by`.
    pub rows: Vec<StatsRowView>,
    /// The total.
    pub total: StatsRowView,
}

/// The statement as a spreadsheet (`format=xlsx`).
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct StatementWorkbook(Vec<u8>);

fn clock_view(c: &ClockFigures) -> ClockStatsView {
    ClockStatsView {
        clock: c.clock.clone(),
        label_zh: c.label_zh.clone(),
        met: c.met,
        breached: c.breached,
        open: c.open,
        rate: c.rate(),
    }
}

fn row_view(r: StatsRow) -> StatsRowView {
    StatsRowView {
        sla: r.sla.iter().map(clock_view).collect(),
        handling_hours: HandlingView {
            resolved: r.resolved,
            median: r.handling_median_hours,
            p90: r.handling_p90_hours,
        },
        callbacks: CallbackStatsView {
            due: r.callbacks_due,
            done: r.callbacks_done,
            rate: rate(r.callbacks_done, r.callbacks_due),
        },
        satisfaction: SatisfactionView {
            rated: r.rated,
            satisfied: r.satisfied,
            rate: rate(r.satisfied, r.rated),
        },
        change: ChangeView {
            previous_count: r.previous_count,
            delta: r.delta(),
            rate: r.change_rate(),
        },
        customer_events: r.customer_events,
        count: r.count,
        key: r.key,
        label_zh: r.label_zh,
    }
}

fn view(s: Statement) -> StatementView {
    StatementView {
        from: Day(s.filter.from),
        to: Day(s.filter.to),
        previous_from: Day(s.previous.0),
        previous_to: Day(s.previous.1),
        group_by: s.filter.group_by,
        as_of: local(s.as_of),
        rows: s.rows.into_iter().map(row_view).collect(),
        total: row_view(s.total),
    }
}

/// The statement as a table: the period, the row, its figures; one set of four columns per
/// clock; the total last.
fn table(s: &Statement) -> Table {
    let mut columns = vec![
        Column::new("起始日期", Kind::Date),
        Column::new("截止日期", Kind::Date),
        Column::new("分组", Kind::Text),
        Column::new("名称", Kind::Text),
        Column::new("投诉数", Kind::Integer),
        Column::new("上期投诉数", Kind::Integer),
        Column::new("增减", Kind::Integer),
        Column::new("增减率", Kind::Number),
    ];
    for c in &s.total.sla {
        let name = c.label_zh.clone().unwrap_or_else(|| c.clock.clone());
        columns.push(Column::new(format!("{name}按时"), Kind::Integer));
        columns.push(Column::new(format!("{name}超时"), Kind::Integer));
        columns.push(Column::new(format!("{name}未到期"), Kind::Integer));
        columns.push(Column::new(format!("{name}及时率"), Kind::Number));
    }
    for (label, kind) in [
        ("已解决数", Kind::Integer),
        ("处理工时中位数", Kind::Number),
        ("处理工时P90", Kind::Number),
        ("应回访数", Kind::Integer),
        ("已回访数", Kind::Integer),
        ("回访率", Kind::Number),
        ("评价数", Kind::Integer),
        ("满意数", Kind::Integer),
        ("满意率", Kind::Number),
        ("重大客户事件数", Kind::Integer),
    ] {
        columns.push(Column::new(label, kind));
    }
    let line = |r: &StatsRow| {
        let mut cells = vec![
            Cell::Date(s.filter.from),
            Cell::Date(s.filter.to),
            Cell::from(r.key.clone()),
            Cell::from(r.label_zh.clone()),
            Cell::Integer(r.count),
            Cell::Integer(r.previous_count),
            Cell::Integer(r.delta()),
            Cell::from(r.change_rate()),
        ];
        for c in &r.sla {
            cells.extend([
                Cell::Integer(c.met),
                Cell::Integer(c.breached),
                Cell::Integer(c.open),
                Cell::from(c.rate()),
            ]);
        }
        cells.extend([
            Cell::Integer(r.resolved),
            Cell::from(r.handling_median_hours),
            Cell::from(r.handling_p90_hours),
            Cell::Integer(r.callbacks_due),
            Cell::Integer(r.callbacks_done),
            Cell::from(rate(r.callbacks_done, r.callbacks_due)),
            Cell::Integer(r.rated),
            Cell::Integer(r.satisfied),
            Cell::from(rate(r.satisfied, r.rated)),
            Cell::Integer(r.customer_events),
        ]);
        cells
    };
    let rows = s.rows.iter().chain(std::iter::once(&s.total)).map(line).collect();
    Table { sheet: "投诉统计".into(), columns, rows }
}

fn day(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    Day::parse(text).map(|d| d.0).map_err(|m| ApiError::field(field, "invalid", m))
}

/// The filter a query asks for: 422 naming `from` or `to` for a bad day, `to` before `from`,
/// or a period longer than five years.
pub fn filter_of(q: &StatsQuery) -> Result<StatsFilter, ApiError> {
    let (from, to) = (day("from", &q.from)?, day("to", &q.to)?);
    if to < from {
        return Err(ApiError::field("to", "out_of_range", "the last day comes before the first"));
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(ApiError::field(
            "to",
            "out_of_range",
            format!("a statement covers at most {MAX_DAYS} days"),
        ));
    }
    Ok(StatsFilter {
        group_by: q.group_by,
        project_id: text_filter("project_id", q.project_id.clone(), 64)?,
        company_id: text_filter("company_id", q.company_id.clone(), 64)?,
        department_id: text_filter("department_id", q.department_id.clone(), 64)?,
        kind: q.kind,
        grade: q.grade,
        category: q.category,
        channel: q.channel,
        state: q.state,
        ..StatsFilter::period(from, to)
    })
}

/// A complaint statement (R-RP-1, R-RP-11, R-RP-15) for the days `from` to `to` within the
/// caller's reach (`ReportsRead`): per `group_by` value and in total, the count, each SLA
/// clock's met and breached, the handling time in working hours, callbacks and satisfaction,
/// customer events and the change against the previous period of equal length. `format=csv`
/// or `format=xlsx` (or the `Accept` header) downloads it with Chinese column labels.
#[utoipa::path(tag = "stats", operation_id = "get_complaint_stats", security(("bearer" = [])),
    params(StatsQuery),
    responses((status = 200, description = "The statement, or its CSV or workbook", content(
        (StatementView = "application/json"),
        (String = "text/csv", example = "\u{feff}起始日期,截止日期,分组,名称,投诉数,上期投诉数,增减,增减率\r\n2026-10-01,2026-12-31,general,一般,3,2,1,0.5\r\n"),
        (StatementWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
#[get("/api/v1/stats/complaints")]
pub async fn get_complaint_stats(
    ctx: Ctx,
    req: HttpRequest,
    q: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let format = Format::choose(q.format.as_deref(), &req)?;
    let filter = filter_of(&q)?;
    let (scope, now) = (ctx.caller.scope(Permission::ReportsRead)?, ctx.now());
    let s = ctx.run(move |conn| Ok(stats::complaints(conn, &scope, &filter, now)?)).await?;
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(view(s))),
        other => {
            let name = format!("complaint-stats-{}-{}", s.filter.from, s.filter.to);
            export::answer(other, &table(&s), &name)
        }
    }
}
