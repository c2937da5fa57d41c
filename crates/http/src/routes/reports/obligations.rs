//! Obligations (应报报表): one report owed for one period by one project or department,
//! planned ahead by the periodic job of `kefu serve`; their submissions, drafts, the customer
//! center's review, and the completion rate per project and department (R-RP-13, R-RP-14).

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::schedule::{ObligationAction, ObligationState, Responsible};
use kefu_persistence::{
    kit::Expected,
    reports::{
        Completion, Obligation, ObligationFilter,
        drafts::{self, Draft},
        obligations,
        submissions::{self, NewSubmission, Submission},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{MANAGE, READ, SUBMIT};
use crate::{
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    export::{self, Cell, Column, Format, Kind, Table},
    list::text_filter,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
    routes::{
        calendars::{date_param, instant_param},
        org::projects::Contact,
    },
    time::local,
};

/// An obligation as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ad0d1-0000-7000-8000-000000000201", "code": "rp1_monthly",
    "rule_id": "R-RP-1", "label_zh": "投诉处理月报表", "period_start": "2026-10-01",
    "period_end": "2026-10-31", "responsible_type": "department",
    "responsible_id": "019ab2f3-0000-7000-8000-000000000031", "company_id": "019ab2f1-0000-7000-8000-000000000011",
    "project_id": null, "department_id": "019ab2f3-0000-7000-8000-000000000031",
    "nominal_due_at": "2026-11-01T12:00:00+08:00", "due_at": "2026-10-30T12:00:00+08:00",
    "moved": true, "period_closed_at_due": false, "remind_at": "2026-10-29T12:00:00+08:00",
    "state": "pending", "overdue": false, "submitted_at": null, "on_time": null,
    "reviewed_at": null, "reviewed_by": null, "review_note": null,
    "created_at": "2026-10-01T00:00:05+08:00", "updated_at": "2026-10-01T00:00:05+08:00", "version": 1}))]
pub struct ObligationView {
    /// UUIDv7.
    pub id: String,
    /// The definition's code.
    pub code: String,
    /// Its rule.
    pub rule_id: String,
    /// The report's name.
    pub label_zh: String,
    /// The data period's first day (inclusive).
    pub period_start: String,
    /// Its last day (inclusive).
    pub period_end: String,
    /// Who owes it: a project or a department.
    pub responsible_type: Responsible,
    /// The project's or department's id.
    pub responsible_id: String,
    /// The company.
    pub company_id: String,
    /// The project that owes it.
    pub project_id: Option<String>,
    /// The department that owes it.
    pub department_id: Option<String>,
    /// The due as the rule reads.
    pub nominal_due_at: DateTime<FixedOffset>,
    /// The due that applies (R-RP-16).
    pub due_at: DateTime<FixedOffset>,
    /// Whether R-RP-16 moved it earlier.
    pub moved: bool,
    /// Whether the period had ended at the due.
    pub period_closed_at_due: bool,
    /// When the preparers are reminded.
    pub remind_at: DateTime<FixedOffset>,
    /// `pending`, `submitted`, `reviewed` or `returned`.
    pub state: ObligationState,
    /// Past its due and not submitted.
    pub overdue: bool,
    /// The last submission.
    pub submitted_at: Option<DateTime<FixedOffset>>,
    /// Whether the first submission came by the due (null until submitted).
    pub on_time: Option<bool>,
    /// When it was reviewed or returned.
    pub reviewed_at: Option<DateTime<FixedOffset>>,
    /// By whom.
    pub reviewed_by: Option<String>,
    /// Why it was returned.
    pub review_note: Option<String>,
    /// When it was planned.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

fn view(o: Obligation, now: DateTime<chrono::Utc>) -> ObligationView {
    ObligationView {
        overdue: o.overdue(now),
        state: o.state(),
        responsible_type: if o.responsible_type == "project" {
            Responsible::Project
        } else {
            Responsible::Department
        },
        nominal_due_at: local(o.nominal_due_at),
        due_at: local(o.due_at),
        remind_at: local(o.remind_at),
        submitted_at: o.submitted_at.map(local),
        reviewed_at: o.reviewed_at.map(local),
        created_at: local(o.created_at),
        updated_at: local(o.updated_at),
        id: o.id,
        code: o.code,
        rule_id: o.rule_id,
        label_zh: o.label_zh,
        period_start: o.period_start,
        period_end: o.period_end,
        responsible_id: o.responsible_id,
        company_id: o.company_id,
        project_id: o.project_id,
        department_id: o.department_id,
        moved: o.moved,
        period_closed_at_due: o.period_closed_at_due,
        on_time: o.on_time,
        reviewed_by: o.reviewed_by,
        review_note: o.review_note,
        version: o.version,
    }
}

page_type!(ObligationPage, ObligationView, "A page of report obligations.");

list_query!(
    /// Filters and paging of the obligations.
    ObligationQuery {
        /// Only in this state.
        state: Option<ObligationState>,
        /// Only of this definition (`rp1_monthly`).
        #[param(max_length = 64)]
        code: Option<String>,
        /// Only this department's.
        #[param(max_length = 64)]
        department_id: Option<String>,
        /// Only this project's.
        #[param(max_length = 64)]
        project_id: Option<String>,
        /// Only those due before this instant (RFC 3339, a year from 1900 to 2200).
        #[param(max_length = 40)]
        due_before: Option<String>,
        /// `true`: only those past their due and not submitted.
        overdue: Option<bool>,
        /// `json` (default, a page), `csv` or `xlsx`: every obligation of the filter, with
        /// Chinese column labels; the `Accept` header chooses too.
        #[param(pattern = "^(json|csv|xlsx)$")]
        format: Option<String>,
    }
);

/// A download of a list or statement (`format=xlsx`).
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct ReportWorkbook(Vec<u8>);

/// The obligations as a table: one row each, Chinese headers.
fn obligations_table(items: Vec<ObligationView>) -> Table {
    let columns = [
        ("报表代码", Kind::Text),
        ("规则", Kind::Text),
        ("报表名称", Kind::Text),
        ("统计期起", Kind::Date),
        ("统计期止", Kind::Date),
        ("责任类型", Kind::Text),
        ("责任项目或部门", Kind::Text),
        ("应报时间", Kind::DateTime),
        ("截止时间", Kind::DateTime),
        ("是否提前", Kind::Text),
        ("状态", Kind::Text),
        ("是否逾期", Kind::Text),
        ("提交时间", Kind::DateTime),
        ("按时提交", Kind::Text),
    ];
    let yes = |b: bool| Cell::Text(if b { "是" } else { "否" }.into());
    let date = |d: &str| d.parse().map_or(Cell::Empty, Cell::Date);
    let rows = items
        .into_iter()
        .map(|o| {
            vec![
                Cell::Text(o.code),
                Cell::Text(o.rule_id),
                Cell::Text(o.label_zh),
                date(&o.period_start),
                date(&o.period_end),
                Cell::Text(o.responsible_type.label_zh().into()),
                Cell::Text(o.responsible_id),
                Cell::DateTime(o.nominal_due_at),
                Cell::DateTime(o.due_at),
                yes(o.moved),
                Cell::Text(o.state.label_zh().into()),
                yes(o.overdue),
                o.submitted_at.map_or(Cell::Empty, Cell::DateTime),
                o.on_time.map_or(Cell::Empty, yes),
            ]
        })
        .collect();
    Table {
        sheet: "应报报表".into(),
        columns: columns.into_iter().map(|(l, k)| Column::new(l, k)).collect(),
        rows,
    }
}

/// The obligations within reach: `?state=pending&overdue=true` is who is late. `format=csv`
/// or `format=xlsx` downloads every obligation of the filter.
#[utoipa::path(tag = "reports", operation_id = "list_report_obligations", security(("bearer" = [])),
    params(ObligationQuery),
    responses((status = 200, description = "A page of obligations, or all of them as CSV or a workbook", content(
        (ObligationPage = "application/json"),
        (String = "text/csv", example = "\u{feff}报表代码,规则,报表名称,统计期起,统计期止,责任类型,责任项目或部门,应报时间,截止时间,是否提前,状态,是否逾期,提交时间,按时提交\r\n"),
        (ReportWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
#[get("/api/v1/reports/obligations")]
pub async fn list_report_obligations(
    ctx: Ctx,
    http: HttpRequest,
    q: web::Query<ObligationQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let format = Format::choose(q.format.as_deref(), &http)?;
    let mut req = q.list_request()?;
    let now = ctx.now();
    let due_before = match q.due_before.as_deref() {
        None => None,
        Some(text) => Some(instant_param("due_before", text)?),
    };
    let filter = ObligationFilter {
        state: q.state,
        code: text_filter("code", q.code, 64)?,
        department_id: text_filter("department_id", q.department_id, 64)?,
        project_id: text_filter("project_id", q.project_id, 64)?,
        due_from: None,
        due_before,
        overdue_at: (q.overdue == Some(true)).then_some(now),
    };
    let scope = ctx.caller.scope(READ)?;
    if format == Format::Json {
        let page = ctx.run(move |conn| Ok(obligations::list(conn, &scope, &filter, &req)?)).await?;
        return Ok(HttpResponse::Ok().json(ObligationPage::from_page(page, |o| view(o, now))));
    }
    // Every obligation of the filter, read page by page.
    (req.limit, req.after, req.count) = (kefu_persistence::kit::MAX_LIMIT, None, false);
    let all = ctx
        .run(move |conn| {
            let mut all = Vec::new();
            loop {
                let page = obligations::list(conn, &scope, &filter, &req)?;
                all.extend(page.items);
                match page.next {
                    Some(next) => req.after = Some(next),
                    None => return Ok(all),
                }
            }
        })
        .await?;
    let table = obligations_table(all.into_iter().map(|o| view(o, now)).collect());
    export::answer(format, &table, "report-obligations")
}

/// An obligation with who collects and submits it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObligationDetail {
    /// The obligation.
    #[serde(flatten)]
    pub obligation: ObligationView,
    /// For a project's report: its customer-service contact (R-RP-14).
    pub customer_service_contact: Option<Contact>,
    /// For a project's report: its property contact (R-RP-14).
    pub property_contact: Option<Contact>,
}

/// One obligation, with the project's report contacts (R-RP-14).
#[utoipa::path(tag = "reports", operation_id = "get_report_obligation", security(("bearer" = [])),
    params(("id" = String, Path, description = "Obligation id")),
    responses((status = 200, description = "The obligation; `ETag` is set", body = ObligationDetail)))]
#[get("/api/v1/reports/obligations/{id}")]
pub async fn get_report_obligation(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let (scope, now) = (ctx.caller.scope(READ)?, ctx.now());
    let (o, cs, property) =
        ctx.run(move |conn| Ok(obligations::contacts(conn, &scope, &id)?)).await?;
    let contact = |c: Option<String>| c.and_then(|c| serde_json::from_str(&c).ok());
    let body = ObligationDetail {
        customer_service_contact: contact(cs),
        property_contact: contact(property),
        obligation: view(o, now),
    };
    Ok(ok(body.obligation.version, &body))
}

/// The figures of a pre-filled draft.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresView {
    /// Complaints received in the period.
    pub received: i64,
    /// By grade.
    pub by_grade: BTreeMap<String, i64>,
    /// By category (`none` when not yet set).
    pub by_category: BTreeMap<String, i64>,
    /// By channel.
    pub by_channel: BTreeMap<String, i64>,
    /// By the state they are in now.
    pub by_state: BTreeMap<String, i64>,
}

/// A report's draft.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"prefilled": true, "figures": {"received": 3,
    "by_grade": {"general": 2, "major": 1}, "by_category": {"quality": 3},
    "by_channel": {"phone": 3}, "by_state": {"handling": 3}},
    "period_closed_at_due": false,
    "note_zh": "本报表截止时统计期（2026-10-01 至 2026-10-31）尚未结束，数据截至报送时，统计期结束后以完整数据为准。"}))]
pub struct DraftView {
    /// Whether kefu pre-fills this report (the complaint statements R-RP-1/2/3/11).
    pub prefilled: bool,
    /// The period's figures, within the owner's reach.
    pub figures: FiguresView,
    /// Whether the period had ended when the report fell due.
    pub period_closed_at_due: bool,
    /// What the report says about a period not yet closed at its due (R-RP-16).
    pub note_zh: Option<String>,
}

impl From<Draft> for DraftView {
    fn from(d: Draft) -> Self {
        let f = d.figures;
        Self {
            prefilled: d.prefilled,
            figures: FiguresView {
                received: f.received,
                by_grade: f.by_grade,
                by_category: f.by_category,
                by_channel: f.by_channel,
                by_state: f.by_state,
            },
            period_closed_at_due: d.period_closed_at_due,
            note_zh: d.note_zh,
        }
    }
}

/// The draft kefu pre-fills from the period's data (the complaint statements).
#[utoipa::path(tag = "reports", operation_id = "get_report_draft", security(("bearer" = [])),
    params(("id" = String, Path, description = "Obligation id")),
    responses((status = 200, description = "The draft", body = DraftView)))]
#[get("/api/v1/reports/obligations/{id}/draft")]
pub async fn get_report_draft(ctx: Ctx, id: web::Path<String>) -> ApiResult<web::Json<DraftView>> {
    let scope = ctx.caller.scope(READ)?;
    let draft = ctx.run(move |conn| Ok(drafts::draft(conn, &scope, &id)?)).await?;
    Ok(web::Json(draft.into()))
}

/// A report to submit.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"sections": {"figures": {"received": 3}, "analysis": "本月投诉以工程质量为主。",
    "measures": "加强交付前验房。"}, "attachment_ids": []}))]
pub struct SubmissionBody {
    /// The content by the template's section keys: text, attachment ids for photos, any JSON
    /// for figures.
    #[schema(value_type = Object)]
    pub sections: BTreeMap<String, serde_json::Value>,
    /// Further attachments (at most 50).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub attachment_ids: Vec<String>,
}

/// A stored submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionView {
    /// UUIDv7.
    pub id: String,
    /// The content by section key.
    #[schema(value_type = Object)]
    pub sections: serde_json::Value,
    /// Attachment ids.
    pub attachment_ids: Vec<String>,
    /// Who submitted it.
    pub submitted_by: String,
    /// When.
    pub submitted_at: DateTime<FixedOffset>,
    /// Whether it came by the due.
    pub on_time: bool,
}

impl From<Submission> for SubmissionView {
    fn from(s: Submission) -> Self {
        Self {
            sections: serde_json::from_str(&s.sections).unwrap_or_default(),
            attachment_ids: serde_json::from_str(&s.attachment_ids).unwrap_or_default(),
            id: s.id,
            submitted_by: s.submitted_by,
            submitted_at: local(s.submitted_at),
            on_time: s.on_time,
        }
    }
}

/// A submission with the obligation it changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedView {
    /// The obligation, now `submitted`.
    pub obligation: ObligationView,
    /// The submission.
    pub submission: SubmissionView,
}

/// Submit a report (`ReportsSubmit` over its project or department): from `pending` or
/// `returned`; the first submission decides `on_time`. `If-Match` (the obligation's `ETag`)
/// is optional.
#[utoipa::path(tag = "reports", operation_id = "submit_report", security(("bearer" = [])),
    params(("id" = String, Path, description = "Obligation id")), request_body = SubmissionBody,
    responses((status = 201, description = "Submitted; the obligation's new `ETag` is set", body = SubmittedView)))]
#[post("/api/v1/reports/obligations/{id}/submissions")]
pub async fn submit_report(
    ctx: Ctx,
    id: web::Path<String>,
    if_match: Option<IfMatch>,
    body: Body<SubmissionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    if b.sections.len() > 30 {
        return Err(ApiError::field("sections", "too_many", "at most 30 sections"));
    }
    if b.attachment_ids.len() > 50 {
        return Err(ApiError::field("attachment_ids", "too_many", "at most 50 attachments"));
    }
    for (i, a) in b.attachment_ids.iter().enumerate() {
        text_filter(&format!("attachment_ids[{i}]"), Some(a.clone()), 64)?;
    }
    let new = NewSubmission { sections: b.sections, attachment_ids: b.attachment_ids };
    let (read, write) = ctx.caller.scopes(READ, SUBMIT)?;
    let (now, expected) = (ctx.now(), if_match.map_or(Expected::Any, |m| m.0));
    let location = format!("/api/v1/reports/obligations/{id}");
    let (o, s) = ctx
        .run(move |conn| Ok(submissions::submit(conn, (&read, &write), &id, expected, &new, now)?))
        .await?;
    let version = o.version;
    let body = SubmittedView { obligation: view(o, now), submission: s.into() };
    Ok(created(location, version, &body))
}

/// An obligation's submissions, oldest first.
#[utoipa::path(tag = "reports", operation_id = "list_report_submissions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Obligation id")),
    responses((status = 200, description = "The submissions", body = [SubmissionView])))]
#[get("/api/v1/reports/obligations/{id}/submissions")]
pub async fn list_report_submissions(
    ctx: Ctx,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<SubmissionView>>> {
    let scope = ctx.caller.scope(READ)?;
    let list = ctx.run(move |conn| Ok(submissions::list(conn, &scope, &id)?)).await?;
    Ok(web::Json(list.into_iter().map(SubmissionView::from).collect()))
}

/// The customer center's decision on a submitted report.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "return", "note": "缺少原因分析，请补充。"}))]
pub struct ReportDecisionBody {
    /// `review` (accept) or `return` (send back).
    pub action: ObligationAction,
    /// Why (required to return).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// Review or return a submitted report (`ReportsManage`, with `If-Match`).
#[utoipa::path(tag = "reports", operation_id = "decide_report_obligation", security(("bearer" = [])),
    params(("id" = String, Path, description = "Obligation id")), request_body = ReportDecisionBody,
    responses((status = 200, description = "The obligation; new `ETag`", body = ObligationView)))]
#[post("/api/v1/reports/obligations/{id}/transitions")]
pub async fn decide_report_obligation(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<ReportDecisionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    if b.action == ObligationAction::Return && b.note.as_deref().is_none_or(|n| n.trim().is_empty())
    {
        return Err(ApiError::field("note", "required", "say why the report is returned"));
    }
    let (read, write) = ctx.caller.scopes(READ, MANAGE)?;
    let now = ctx.now();
    let o = ctx
        .run(move |conn| {
            let decision = (b.action, b.note.as_deref());
            Ok(obligations::decide(conn, (&read, &write), &id, if_match.0, decision, now)?)
        })
        .await?;
    Ok(ok(o.version, &view(o, now)))
}

/// The period of a completion statement.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportCompletionQuery {
    /// First day (inclusive) of the dues counted.
    #[param(value_type = String, format = Date, example = "2026-10-01", pattern = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub from: String,
    /// Last day (inclusive).
    #[param(value_type = String, format = Date, example = "2026-12-31", pattern = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub to: String,
    /// Only this definition's obligations.
    #[param(max_length = 64)]
    pub code: Option<String>,
    /// `json` (default), `csv` or `xlsx` (Chinese column labels); the `Accept` header
    /// chooses too.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
}

/// One project's or department's completion.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"responsible_type": "department", "responsible_id": "019ab2f3-0000-7000-8000-000000000031",
    "owed": 4, "submitted": 3, "on_time": 2, "late": 1, "overdue": 1,
    "completion_rate": 0.75, "on_time_rate": 0.5}))]
pub struct ReportCompletionView {
    /// `project` or `department`.
    pub responsible_type: String,
    /// Its id.
    pub responsible_id: String,
    /// Obligations due in the period, up to now.
    pub owed: i64,
    /// Of those, submitted.
    pub submitted: i64,
    /// Submitted by their due.
    pub on_time: i64,
    /// Submitted late.
    pub late: i64,
    /// Past their due, not submitted.
    pub overdue: i64,
    /// `submitted / owed`; null when nothing was owed.
    pub completion_rate: Option<f64>,
    /// `on_time / owed`; null when nothing was owed.
    pub on_time_rate: Option<f64>,
}

impl From<Completion> for ReportCompletionView {
    fn from(c: Completion) -> Self {
        Self {
            responsible_type: c.responsible_type,
            responsible_id: c.responsible_id,
            owed: c.owed,
            submitted: c.submitted,
            on_time: c.on_time,
            late: c.late,
            overdue: c.overdue,
            completion_rate: c.completion_rate,
            on_time_rate: c.on_time_rate,
        }
    }
}

/// The completion rate per project and department of the reports due in a period
/// (R-RP-13: the center tracks who submits on time and reminds the late).
#[utoipa::path(tag = "reports", operation_id = "get_report_completion", security(("bearer" = [])),
    params(ReportCompletionQuery),
    responses((status = 200, description = "One row per project or department, or their CSV or workbook", content(
        ([ReportCompletionView] = "application/json"),
        (String = "text/csv", example = "\u{feff}责任类型,责任项目或部门,应报,已报,按时,逾期提交,逾期未报,完成率,按时率\r\n"),
        (ReportWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
#[get("/api/v1/reports/completion")]
pub async fn get_report_completion(
    ctx: Ctx,
    http: HttpRequest,
    q: web::Query<ReportCompletionQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let format = Format::choose(q.format.as_deref(), &http)?;
    let (from, to) = (date_param("from", &q.from)?, date_param("to", &q.to)?);
    if to < from {
        return Err(ApiError::field("to", "out_of_range", "must not be before from"));
    }
    let code = text_filter("code", q.code, 64)?;
    let (scope, now) = (ctx.caller.scope(READ)?, ctx.now());
    let range = (crate::time::day_start(from), crate::time::day_start(to + chrono::Days::new(1)));
    let rows = ctx
        .run(move |conn| Ok(obligations::completion(conn, &scope, range, code.as_deref(), now)?))
        .await?;
    let rows: Vec<ReportCompletionView> =
        rows.into_iter().map(ReportCompletionView::from).collect();
    if format == Format::Json {
        return Ok(HttpResponse::Ok().json(rows));
    }
    let columns = [
        ("责任类型", Kind::Text),
        ("责任项目或部门", Kind::Text),
        ("应报", Kind::Integer),
        ("已报", Kind::Integer),
        ("按时", Kind::Integer),
        ("逾期提交", Kind::Integer),
        ("逾期未报", Kind::Integer),
        ("完成率", Kind::Number),
        ("按时率", Kind::Number),
    ];
    let table = Table {
        sheet: "报表完成率".into(),
        columns: columns.into_iter().map(|(l, k)| Column::new(l, k)).collect(),
        rows: rows
            .into_iter()
            .map(|c| {
                vec![
                    Cell::Text(c.responsible_type),
                    Cell::Text(c.responsible_id),
                    Cell::Integer(c.owed),
                    Cell::Integer(c.submitted),
                    Cell::Integer(c.on_time),
                    Cell::Integer(c.late),
                    Cell::Integer(c.overdue),
                    c.completion_rate.into(),
                    c.on_time_rate.into(),
                ]
            })
            .collect(),
    };
    export::answer(format, &table, &format!("report-completion-{}-{}", q.from, q.to))
}
