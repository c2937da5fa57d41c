//! Department performance (部门绩效, R-RP-15): the complaints handled (resolved) in a month with
//! their proposed and confirmed responsible department, the president's confirmation
//! (`PerformanceConfirm`), the monthly statement per department and person, and each
//! department's year-end customer-service score from its work-order completion. Read with
//! `ReportsRead`.

use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::{access::Permission, complaint::Grade};
use kefu_persistence::performance::{self, DepartmentScore, Month, Responsibility, StatementLine};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::{
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::ok,
    time::local,
};

const READ: Permission = Permission::ReportsRead;
const CONFIRM: Permission = Permission::PerformanceConfirm;

fn month(text: &str) -> Result<Month, ApiError> {
    Month::parse(text).ok_or_else(|| {
        ApiError::field("month", "invalid", "must be a month like 2026-10 (years 2000–2150)")
    })
}

/// A complaint handled in the month, with its responsible department.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"complaint_id": "019ab2f7-0000-7000-8000-000000000051", "number": "TS-2026-000012",
    "company_id": "019ab2f1-0000-7000-8000-000000000011", "project_id": "019ab2f1-0000-7000-8000-000000000012",
    "grade": "general", "owner_id": "019ab2f1-0000-7000-8000-000000000041", "month": "2026-10",
    "proposed_department_id": "019ab2f1-0000-7000-8000-000000000021",
    "confirmed_department_id": null, "confirmed_by": null, "confirmed_at": null, "version": 0}))]
pub struct ResponsibilityView {
    /// The complaint.
    pub complaint_id: String,
    /// Its number.
    pub number: String,
    /// Its company.
    pub company_id: String,
    /// Its project.
    pub project_id: String,
    /// Its grade.
    pub grade: Grade,
    /// Who owns it (the person its statement line counts it for).
    pub owner_id: String,
    /// The month.
    pub month: String,
    /// The complaint's responsible department as handled (proposed).
    pub proposed_department_id: Option<String>,
    /// The department the president confirmed; `null` until confirmed.
    pub confirmed_department_id: Option<String>,
    /// Who confirmed it.
    pub confirmed_by: Option<String>,
    /// When it was confirmed last.
    pub confirmed_at: Option<DateTime<FixedOffset>>,
    /// The confirmation's version, also the `ETag` (0 before the first: confirm with
    /// `If-Match: "0"`).
    pub version: i64,
}

impl From<Responsibility> for ResponsibilityView {
    fn from(r: Responsibility) -> Self {
        let c = r.complaint;
        Self {
            complaint_id: c.id,
            number: c.number,
            company_id: c.company_id,
            project_id: c.project_id,
            grade: c.grade,
            owner_id: c.owner_id,
            month: r.month,
            proposed_department_id: c.responsible_department_id,
            confirmed_department_id: r.confirmed_department_id,
            confirmed_by: r.confirmed_by,
            confirmed_at: r.confirmed_at.map(local),
            version: r.version,
        }
    }
}

page_type!(
    ResponsibilityPage,
    ResponsibilityView,
    "A page of handled complaints with their responsible departments."
);

list_query!(
    /// The month and paging of the handled complaints.
    ResponsibilityQuery {
        /// The month, `YYYY-MM` (China Standard Time).
        #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
        month: String,
    }
);

/// A confirmation of a complaint's responsible department.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"month": "2026-10", "department_id": "019ab2f1-0000-7000-8000-000000000021"}))]
pub struct ConfirmBody {
    /// The month it was handled in, `YYYY-MM`.
    #[schema(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub month: String,
    /// The responsible department: one of the complaint's company.
    #[schema(min_length = 1, max_length = 64)]
    pub department_id: String,
}

/// The complaints within reach handled (resolved) in the month, each with its proposed
/// responsible department and the confirmed one (`null` until confirmed) (R-RP-15).
#[utoipa::path(tag = "performance", operation_id = "list_performance_responsibilities", security(("bearer" = [])),
    params(ResponsibilityQuery),
    responses((status = 200, description = "A page of handled complaints", body = ResponsibilityPage)))]
#[get("/api/v1/performance/responsibilities")]
pub async fn list_performance_responsibilities(
    ctx: Ctx,
    q: web::Query<ResponsibilityQuery>,
) -> ApiResult<web::Json<ResponsibilityPage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let month = month(&q.month)?;
    ctx.list(READ, move |conn, scope| performance::responsibilities(conn, scope, month, &req)).await
}

/// Confirm the responsible department of a complaint handled in the month (R-RP-15;
/// `PerformanceConfirm`, the president), with `If-Match` (`"0"` for the first confirmation).
/// A complaint not resolved that month is 422 `month`; a department not of its company, 422
/// `department_id`.
#[utoipa::path(tag = "performance", operation_id = "confirm_performance_responsibility", security(("bearer" = [])),
    params(("complaint_id" = String, Path, description = "Complaint id")), request_body = ConfirmBody,
    responses((status = 200, description = "The confirmed responsibility; new `ETag`", body = ResponsibilityView)))]
#[put("/api/v1/performance/responsibilities/{complaint_id}")]
pub async fn confirm_performance_responsibility(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<ConfirmBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let month = month(&b.month)?;
    let (read, write) = ctx.caller.scopes(READ, CONFIRM)?;
    let now = ctx.now();
    let done = ctx
        .run(move |conn| {
            let what = (id.as_str(), month, b.department_id.as_str());
            Ok(performance::confirm(conn, (&read, &write), what, if_match.0, now)?)
        })
        .await?;
    Ok(ok(done.version, &ResponsibilityView::from(done)))
}

/// The month of a statement.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// The month, `YYYY-MM` (China Standard Time).
    #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub month: String,
}

/// One department's or person's line.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementLineView {
    /// The department or user.
    pub id: String,
    /// Complaints confirmed for the month.
    pub complaints: u32,
    /// By grade: general, important, major.
    pub general: u32,
    /// Important ones.
    pub important: u32,
    /// Major ones.
    pub major: u32,
    /// Their clocks stopped on time.
    pub clocks_met: u32,
    /// Their clocks breached (past their due, stopped or not).
    pub clocks_breached: u32,
}

impl From<StatementLine> for StatementLineView {
    fn from(l: StatementLine) -> Self {
        Self {
            id: l.id,
            complaints: l.complaints,
            general: l.general,
            important: l.important,
            major: l.major,
            clocks_met: l.clocks_met,
            clocks_breached: l.clocks_breached,
        }
    }
}

/// A month's complaint performance statement.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"month": "2026-10",
    "departments": [{"id": "019ab2f1-0000-7000-8000-000000000021", "complaints": 2, "general": 1,
        "important": 1, "major": 0, "clocks_met": 5, "clocks_breached": 1}],
    "people": [{"id": "019ab2f1-0000-7000-8000-000000000041", "complaints": 2, "general": 1,
        "important": 1, "major": 0, "clocks_met": 5, "clocks_breached": 1}]}))]
pub struct PerformanceStatementView {
    /// The month.
    pub month: String,
    /// Per confirmed responsible department.
    pub departments: Vec<StatementLineView>,
    /// Per person (the complaint's owner).
    pub people: Vec<StatementLineView>,
}

/// The monthly complaint performance statement per department and person (R-RP-15), over the
/// complaints within reach whose responsible department was confirmed for the month.
#[utoipa::path(tag = "performance", operation_id = "get_performance_statement", security(("bearer" = [])),
    params(StatementQuery),
    responses((status = 200, description = "The statement", body = PerformanceStatementView)))]
#[get("/api/v1/performance/statements")]
pub async fn get_performance_statement(
    ctx: Ctx,
    q: web::Query<StatementQuery>,
) -> ApiResult<web::Json<PerformanceStatementView>> {
    let m = month(&q.month)?;
    let scope = ctx.caller.scope(READ)?;
    let s = ctx.run(move |conn| Ok(performance::statement(conn, &scope, m)?)).await?;
    Ok(web::Json(PerformanceStatementView {
        month: m.to_string(),
        departments: s.departments.into_iter().map(Into::into).collect(),
        people: s.people.into_iter().map(Into::into).collect(),
    }))
}

/// The year of the scores.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScoreQuery {
    /// The year.
    #[param(minimum = 2000, maximum = 2150)]
    pub year: i32,
}

/// A department's year-end score.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreView {
    /// The department.
    pub department_id: String,
    /// Its company.
    pub company_id: String,
    /// Work orders sent to it that year.
    pub work_orders: u32,
    /// Of those, answered on time (every reply clock, R-T-7, stopped by its due).
    pub on_time: u32,
    /// `on_time / work_orders × 100`, 0–100.
    pub score: f64,
}

impl From<DepartmentScore> for ScoreView {
    fn from(s: DepartmentScore) -> Self {
        Self {
            department_id: s.department_id,
            company_id: s.company_id,
            work_orders: s.work_orders,
            on_time: s.on_time,
            score: s.score,
        }
    }
}

/// The year-end scores.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"year": 2026, "items": [{"department_id": "019ab2f1-0000-7000-8000-000000000021",
    "company_id": "019ab2f1-0000-7000-8000-000000000011", "work_orders": 4, "on_time": 3, "score": 75.0}]}))]
pub struct ScoresView {
    /// The year.
    pub year: i32,
    /// Per department with work orders that year.
    pub items: Vec<ScoreView>,
}

/// Each department's year-end customer-service score (R-RP-15) from its work-order (联系单)
/// completion: the work orders within reach sent to it that year and answered on time, over
/// all sent to it, as 0–100.
#[utoipa::path(tag = "performance", operation_id = "get_performance_scores", security(("bearer" = [])),
    params(ScoreQuery),
    responses((status = 200, description = "The scores", body = ScoresView)))]
#[get("/api/v1/performance/scores")]
pub async fn get_performance_scores(
    ctx: Ctx,
    q: web::Query<ScoreQuery>,
) -> ApiResult<web::Json<ScoresView>> {
    let year = q.year;
    if !(2000..=2150).contains(&year) {
        return Err(ApiError::field("year", "out_of_range", "must be 2000 to 2150"));
    }
    let scope = ctx.caller.scope(READ)?;
    let items = ctx.run(move |conn| Ok(performance::scores(conn, &scope, year)?)).await?;
    Ok(web::Json(ScoresView { year, items: items.into_iter().map(Into::into).collect() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_yyyy_mm() {
        assert!(month("2026-10").is_ok() && month("2026-13").is_err());
    }
}
