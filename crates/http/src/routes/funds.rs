//! The customer-service fund (客户服务基金, R-AP-3): an account per project, credits by
//! source, disbursements for complaints that pay only once their approval completes and never
//! beyond the balance, and the ledger finance keeps and exports.

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::{
    access::Permission,
    approval::{DisbursementState, FundSource, FundUse},
};
use kefu_persistence::funds::{
    self, Disbursement, FundAccount, FundEntry, FundFailure, NewCredit, NewDisbursement,
    disbursements,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    body::{Body, RawBody, not_blank},
    ctx::Ctx,
    list::text_filter,
    list_query, page_type,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
    routes::approvals::{
        pending,
        requests::{MAX_FEN, NamedUsers, named_pairs},
    },
    time::local,
};

impl From<FundFailure> for ApiError {
    fn from(e: FundFailure) -> Self {
        let detail = e.to_string();
        match e {
            FundFailure::Store(e) => e.into(),
            FundFailure::Approval(e) => e.into(),
            FundFailure::ApprovalPending(p) => pending(&p),
            FundFailure::NotPayable(_) => {
                ApiError::Refused(StatusCode::CONFLICT, "not_payable", detail)
            }
            FundFailure::InsufficientFunds { .. } => {
                ApiError::Refused(StatusCode::CONFLICT, "insufficient_funds", detail)
            }
        }
    }
}

/// A project's fund account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000081",
    "project_id": "019ab2f1-0000-7000-8000-000000000012",
    "company_id": "019ab2f1-0000-7000-8000-000000000011", "balance_fen": 5_000_000,
    "created_at": "2026-09-30T17:00:00+08:00", "updated_at": "2026-09-30T17:00:00+08:00",
    "version": 2}))]
pub struct FundAccountView {
    /// UUIDv7.
    pub id: String,
    /// Its project (one account each).
    pub project_id: String,
    /// Its company.
    pub company_id: String,
    /// What it holds, in fen; never below zero.
    pub balance_fen: i64,
    /// When it was opened.
    pub created_at: DateTime<FixedOffset>,
    /// When it last moved.
    pub updated_at: DateTime<FixedOffset>,
    /// One more on each movement; also the `ETag`.
    pub version: i64,
}

impl From<FundAccount> for FundAccountView {
    fn from(a: FundAccount) -> Self {
        Self {
            id: a.id,
            project_id: a.project_id,
            company_id: a.company_id,
            balance_fen: a.balance_fen,
            created_at: local(a.created_at),
            updated_at: local(a.updated_at),
            version: a.version,
        }
    }
}

page_type!(FundAccountPage, FundAccountView, "A page of fund accounts.");

/// One movement of the ledger.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000084",
    "account_id": "019ab2f1-0000-7000-8000-000000000081", "direction": "debit",
    "category": "compensation", "amount_fen": 1_200_000, "balance_after_fen": 3_800_000,
    "complaint_id": "019ab2f1-0000-7000-8000-000000000051",
    "disbursement_id": "019ab2f1-0000-7000-8000-000000000093", "reference": "FK-2026-0012",
    "note": null, "recorded_by": "019ab2f1-0000-7000-8000-000000000035",
    "recorded_at": "2026-10-08T10:00:00+08:00"}))]
pub struct FundEntryView {
    /// UUIDv7.
    pub id: String,
    /// The account.
    pub account_id: String,
    /// `credit` or `debit`.
    pub direction: String,
    /// A credit's source (`fund_source`) or a debit's use (`fund_use`).
    pub category: String,
    /// How much, in fen.
    pub amount_fen: i64,
    /// The balance after it, in fen.
    pub balance_after_fen: i64,
    /// The complaint a debit paid for.
    pub complaint_id: Option<String>,
    /// The disbursement a debit paid.
    pub disbursement_id: Option<String>,
    /// A voucher, receipt or decision number.
    pub reference: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When.
    pub recorded_at: DateTime<FixedOffset>,
}

impl From<FundEntry> for FundEntryView {
    fn from(e: FundEntry) -> Self {
        Self {
            id: e.id,
            account_id: e.account_id,
            direction: e.direction,
            category: e.category,
            amount_fen: e.amount_fen,
            balance_after_fen: e.balance_after_fen,
            complaint_id: e.complaint_id,
            disbursement_id: e.disbursement_id,
            reference: e.reference,
            note: e.note,
            recorded_by: e.recorded_by,
            recorded_at: local(e.recorded_at),
        }
    }
}

page_type!(FundEntryPage, FundEntryView, "A page of the ledger.");

/// A disbursement.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000093",
    "account_id": "019ab2f1-0000-7000-8000-000000000081",
    "project_id": "019ab2f1-0000-7000-8000-000000000012",
    "complaint_id": "019ab2f1-0000-7000-8000-000000000051", "amount_fen": 1_200_000,
    "use": "compensation", "state": "awaiting_approval",
    "approval_id": "019ab2f1-0000-7000-8000-000000000091", "paid_at": null, "paid_by": null,
    "created_at": "2026-09-30T17:00:00+08:00", "updated_at": "2026-09-30T17:00:00+08:00",
    "version": 1}))]
pub struct DisbursementView {
    /// UUIDv7.
    pub id: String,
    /// The account it is paid from.
    pub account_id: String,
    /// The account's project.
    pub project_id: String,
    /// The complaint it pays for.
    pub complaint_id: String,
    /// How much, in fen.
    pub amount_fen: i64,
    /// What for.
    #[serde(rename = "use")]
    pub fund_use: FundUse,
    /// Where it stands.
    pub state: DisbursementState,
    /// Its approval request (`GET /api/v1/approvals/{id}`).
    pub approval_id: String,
    /// When it was paid.
    pub paid_at: Option<DateTime<FixedOffset>>,
    /// Who paid it.
    pub paid_by: Option<String>,
    /// When it was requested.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

impl From<Disbursement> for DisbursementView {
    fn from(d: Disbursement) -> Self {
        Self {
            id: d.id,
            account_id: d.account_id,
            project_id: d.project_id,
            complaint_id: d.complaint_id,
            amount_fen: d.amount_fen,
            fund_use: d.fund_use,
            state: d.state,
            approval_id: d.approval_id,
            paid_at: d.paid_at.map(local),
            paid_by: d.paid_by,
            created_at: local(d.created_at),
            updated_at: local(d.updated_at),
            version: d.version,
        }
    }
}

page_type!(DisbursementPage, DisbursementView, "A page of disbursements.");

/// An account to open.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"project_id": "019ab2f1-0000-7000-8000-000000000012"}))]
pub struct NewFundAccountBody {
    /// The project (one account each).
    #[schema(min_length = 1, max_length = 64)]
    pub project_id: String,
}

/// Open a project's fund account (`FundsManage`: finance, within reach).
#[utoipa::path(tag = "funds", operation_id = "create_fund_account", security(("bearer" = [])),
    request_body = NewFundAccountBody,
    responses((status = 201, description = "Opened, balance 0", body = FundAccountView)))]
#[post("/api/v1/fund-accounts")]
pub async fn create_fund_account(
    ctx: Ctx,
    body: Body<NewFundAccountBody>,
) -> ApiResult<HttpResponse> {
    let project = text_filter("project_id", Some(body.into_inner().project_id), 64)?
        .ok_or_else(|| ApiError::field("project_id", "blank", "must not be blank"))?;
    let (scope, now) = (ctx.caller.scope(Permission::FundsManage)?, ctx.now());
    let account = ctx.run(move |conn| Ok(funds::open(conn, &scope, &project, now)?)).await?;
    let (location, version) = (format!("/api/v1/fund-accounts/{}", account.id), account.version);
    Ok(created(location, version, &FundAccountView::from(account)))
}

list_query!(
    /// Filters and paging of fund accounts.
    FundAccountQuery {
        /// Only this project's.
        #[param(max_length = 64)]
        project_id: Option<String>,
    }
);

/// The fund accounts within reach.
#[utoipa::path(tag = "funds", operation_id = "list_fund_accounts", security(("bearer" = [])),
    params(FundAccountQuery),
    responses((status = 200, description = "A page of accounts", body = FundAccountPage)))]
#[get("/api/v1/fund-accounts")]
pub async fn list_fund_accounts(
    ctx: Ctx,
    q: web::Query<FundAccountQuery>,
) -> ApiResult<web::Json<FundAccountPage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let project = text_filter("project_id", q.project_id, 64)?;
    let scope = ctx.caller.scope(Permission::FundsRead)?;
    let page =
        ctx.run(move |conn| Ok(funds::list(conn, &scope, project.as_deref(), &req)?)).await?;
    Ok(web::Json(FundAccountPage::from_page(page, FundAccountView::from)))
}

/// One fund account with its balance.
#[utoipa::path(tag = "funds", operation_id = "get_fund_account", security(("bearer" = [])),
    params(("id" = String, Path, description = "Fund account id")),
    responses((status = 200, description = "The account; `ETag` is set", body = FundAccountView)))]
#[get("/api/v1/fund-accounts/{id}")]
pub async fn get_fund_account(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(Permission::FundsRead)?;
    let account = ctx.run(move |conn| Ok(funds::get(conn, &scope, &id)?)).await?;
    Ok(ok(account.version, &FundAccountView::from(account)))
}

/// Money put into the fund.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"source": "project_reserve", "amount_fen": 5_000_000,
    "reference": "立项预留 2026-031"}))]
pub struct NewCreditBody {
    /// Where it comes from.
    pub source: FundSource,
    /// How much, in fen.
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub amount_fen: i64,
    /// The voucher; for `maintenance_fund` the owners' committee decision (required).
    #[schema(min_length = 1, max_length = 200)]
    pub reference: Option<String>,
    /// A note.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// For `warranty_deposit`: the defaulting contractor (required).
    #[schema(min_length = 1, max_length = 64)]
    pub contractor_id: Option<String>,
}

/// A credit: the account after it and the ledger entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditView {
    /// The account, balance grown.
    pub account: FundAccountView,
    /// The ledger entry.
    pub entry: FundEntryView,
}

/// Credit an account by source (`FundsManage`). The building maintenance fund needs the owners'
/// committee decision as `reference`; a warranty deposit names its contractor.
#[utoipa::path(tag = "funds", operation_id = "create_fund_credit", security(("bearer" = [])),
    params(("id" = String, Path, description = "Fund account id")), request_body = NewCreditBody,
    responses((status = 201, description = "Credited; `Location` is the ledger", body = CreditView)))]
#[post("/api/v1/fund-accounts/{id}/credits")]
pub async fn create_fund_credit(
    ctx: Ctx,
    id: web::Path<String>,
    body: Body<NewCreditBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    if !(1..=MAX_FEN).contains(&b.amount_fen) {
        return Err(ApiError::field("amount_fen", "out_of_range", "1 to 10^12 fen"));
    }
    let reference = text_filter("reference", b.reference, 200)?;
    if b.source == FundSource::MaintenanceFund && reference.is_none() {
        return Err(ApiError::field(
            "reference",
            "required",
            "the maintenance fund is used on the owners' committee decision: name it",
        ));
    }
    let contractor = text_filter("contractor_id", b.contractor_id, 64)?;
    if b.source == FundSource::WarrantyDeposit && contractor.is_none() {
        return Err(ApiError::field("contractor_id", "required", "whose warranty deposit"));
    }
    let new = NewCredit {
        source: b.source,
        amount_fen: b.amount_fen,
        reference,
        note: text_filter("note", b.note, 2000)?,
        contractor_id: contractor,
    };
    let (read, write) = ctx.caller.scopes(Permission::FundsRead, Permission::FundsManage)?;
    let now = ctx.now();
    let id = id.into_inner();
    let location = format!("/api/v1/fund-accounts/{id}/entries");
    let (account, entry) =
        ctx.run(move |conn| Ok(funds::credit(conn, (&read, &write), &id, &new, now)?)).await?;
    let version = account.version;
    let body = CreditView { account: account.into(), entry: entry.into() };
    Ok(created(location, version, &body))
}

/// The ledger as an Excel workbook (`?format=xlsx`).
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct LedgerWorkbook(Vec<u8>);

/// The media type of an Excel workbook.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

list_query!(
    /// Paging of the ledger; `format=csv` or `format=xlsx` exports all of it.
    FundEntryQuery {
        /// `csv`: the whole ledger as CSV (UTF-8 with a header line); `xlsx`: as an Excel
        /// workbook.
        #[param(pattern = "^(json|csv|xlsx)$")]
        format: Option<String>,
    }
);

/// An account's ledger, oldest first; `?format=csv` or `?format=xlsx` exports it whole, for
/// finance's own books.
#[utoipa::path(tag = "funds", operation_id = "list_fund_entries", security(("bearer" = [])),
    params(("id" = String, Path, description = "Fund account id"), FundEntryQuery),
    responses((status = 200, description = "A page of the ledger, or the whole ledger as CSV", content(
        (FundEntryPage = "application/json"),
        (String = "text/csv", example = "id,recorded_at,direction,category,amount_fen,balance_after_fen,complaint_id,disbursement_id,reference,note,recorded_by\n"),
        (LedgerWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
#[get("/api/v1/fund-accounts/{id}/entries")]
pub async fn list_fund_entries(
    ctx: Ctx,
    id: web::Path<String>,
    q: web::Query<FundEntryQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let scope = ctx.caller.scope(Permission::FundsRead)?;
    match q.format.as_deref() {
        None | Some("json") => {
            let page = ctx.run(move |conn| Ok(funds::entries(conn, &scope, &id, &req)?)).await?;
            Ok(HttpResponse::Ok().json(FundEntryPage::from_page(page, FundEntryView::from)))
        }
        Some("csv") => {
            let all = ctx.run(move |conn| Ok(funds::ledger(conn, &scope, &id)?)).await?;
            Ok(HttpResponse::Ok().content_type("text/csv; charset=utf-8").body(csv(all)))
        }
        Some("xlsx") => {
            let all = ctx.run(move |conn| Ok(funds::ledger(conn, &scope, &id)?)).await?;
            Ok(HttpResponse::Ok()
                .content_type(XLSX)
                .insert_header((
                    actix_web::http::header::CONTENT_DISPOSITION,
                    "attachment; filename=\"ledger.xlsx\"",
                ))
                .body(xlsx(all)?))
        }
        Some(_) => Err(ApiError::field("format", "invalid", "json, csv or xlsx")),
    }
}

/// The ledger's columns, in export order; `amount_fen` and `balance_after_fen` are numbers.
const LEDGER_COLUMNS: [&str; 11] = [
    "id",
    "recorded_at",
    "direction",
    "category",
    "amount_fen",
    "balance_after_fen",
    "complaint_id",
    "disbursement_id",
    "reference",
    "note",
    "recorded_by",
];

/// One ledger entry as the export's cells.
fn ledger_row(e: FundEntry) -> [String; 11] {
    [
        e.id,
        local(e.recorded_at).to_rfc3339(),
        e.direction,
        e.category,
        e.amount_fen.to_string(),
        e.balance_after_fen.to_string(),
        e.complaint_id.unwrap_or_default(),
        e.disbursement_id.unwrap_or_default(),
        e.reference.unwrap_or_default(),
        e.note.unwrap_or_default(),
        e.recorded_by.unwrap_or_default(),
    ]
}

/// The ledger as CSV; fields that could start a spreadsheet formula are quoted with a `'`.
fn csv(entries: Vec<FundEntry>) -> String {
    let cell = |text: &str| {
        let text = if text.starts_with(['=', '+', '-', '@']) {
            format!("'{text}")
        } else {
            text.to_owned()
        };
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    };
    let mut out = LEDGER_COLUMNS.join(",");
    out.push('\n');
    for e in entries {
        let line: Vec<String> = ledger_row(e).iter().map(|f| cell(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// The ledger as an Excel workbook: one sheet, a header row, amounts as numbers, every other
/// cell as text (never a formula).
fn xlsx(entries: Vec<FundEntry>) -> Result<Vec<u8>, ApiError> {
    let fail = |e: rust_xlsxwriter::XlsxError| ApiError::Internal(format!("ledger export: {e}"));
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("ledger").map_err(fail)?;
    for (col, name) in (0_u16..).zip(LEDGER_COLUMNS) {
        sheet.write_string(0, col, name).map_err(fail)?;
    }
    for (row, e) in (1_u32..).zip(entries) {
        let amounts = [e.amount_fen, e.balance_after_fen];
        for (col, cell) in (0_u16..).zip(ledger_row(e)) {
            match col {
                // Fen fit an f64 exactly up to 2^53.
                #[allow(clippy::cast_precision_loss)]
                4 | 5 => sheet.write_number(row, col, amounts[usize::from(col - 4)] as f64),
                _ => sheet.write_string(row, col, cell),
            }
            .map_err(fail)?;
        }
    }
    workbook.save_to_buffer().map_err(fail)
}

/// A payment to request from the fund.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"complaint_id": "019ab2f1-0000-7000-8000-000000000051",
    "amount_fen": 1_200_000, "use": "compensation", "summary": "赔偿业主装修损失"}))]
pub struct NewDisbursementBody {
    /// The complaint it pays for, of the account's project.
    #[schema(min_length = 1, max_length = 64)]
    pub complaint_id: String,
    /// How much, in fen; routes the approval (R-AP table, R-AP-3).
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub amount_fen: i64,
    /// What for.
    #[serde(rename = "use")]
    pub fund_use: FundUse,
    /// What is asked, for the approvers (default: the use and the amount).
    #[schema(min_length = 1, max_length = 4000)]
    pub summary: Option<String>,
    /// A special matter (R-T-8).
    #[serde(default)]
    pub special: bool,
    /// Users named per step (R-AP-1).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub named_users: Vec<NamedUsers>,
}

/// Request a payment from the fund for a complaint: opens its `fund_disbursement` approval,
/// routed by the amount. Nothing is paid until the approval completes.
#[utoipa::path(tag = "funds", operation_id = "create_disbursement", security(("bearer" = [])),
    params(("id" = String, Path, description = "Fund account id")), request_body = NewDisbursementBody,
    responses((status = 201, description = "Requested; its approval is under way", body = DisbursementView)))]
#[post("/api/v1/fund-accounts/{id}/disbursements")]
pub async fn create_disbursement(
    ctx: Ctx,
    id: web::Path<String>,
    body: Body<NewDisbursementBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    if !(1..=MAX_FEN).contains(&b.amount_fen) {
        return Err(ApiError::field("amount_fen", "out_of_range", "1 to 10^12 fen"));
    }
    let complaint = text_filter("complaint_id", Some(b.complaint_id), 64)?
        .ok_or_else(|| ApiError::field("complaint_id", "blank", "must not be blank"))?;
    let summary = match b.summary {
        Some(s) => {
            not_blank("summary", &s)?;
            s
        }
        None => format!("{} {} fen", b.fund_use.label_zh(), b.amount_fen),
    };
    let new = NewDisbursement {
        complaint_id: complaint,
        amount_fen: b.amount_fen,
        fund_use: b.fund_use,
        special: b.special,
        summary,
        named_users: named_pairs(b.named_users)?,
    };
    let (read, write) =
        ctx.caller.scopes(Permission::ComplaintsRead, Permission::ComplaintsWork)?;
    let now = ctx.now();
    let found = ctx
        .run(move |conn| Ok(disbursements::request(conn, (&read, &write), &id, &new, now)?))
        .await?;
    let (location, version) = (format!("/api/v1/disbursements/{}", found.id), found.version);
    Ok(created(location, version, &DisbursementView::from(found)))
}

list_query!(
    /// Filters and paging of an account's disbursements.
    DisbursementQuery {
        /// Only in this state.
        state: Option<DisbursementState>,
    }
);

/// An account's disbursements.
#[utoipa::path(tag = "funds", operation_id = "list_disbursements", security(("bearer" = [])),
    params(("id" = String, Path, description = "Fund account id"), DisbursementQuery),
    responses((status = 200, description = "A page of disbursements", body = DisbursementPage)))]
#[get("/api/v1/fund-accounts/{id}/disbursements")]
pub async fn list_disbursements(
    ctx: Ctx,
    id: web::Path<String>,
    q: web::Query<DisbursementQuery>,
) -> ApiResult<web::Json<DisbursementPage>> {
    let q = q.into_inner();
    let req = q.list_request()?;
    let scope = ctx.caller.scope(Permission::FundsRead)?;
    let page = ctx
        .run(move |conn| Ok(disbursements::of_account(conn, &scope, &id, q.state, &req)?))
        .await?;
    Ok(web::Json(DisbursementPage::from_page(page, DisbursementView::from)))
}

/// One disbursement (read with the complaints: its preparer follows it).
#[utoipa::path(tag = "funds", operation_id = "get_disbursement", security(("bearer" = [])),
    params(("id" = String, Path, description = "Disbursement id")),
    responses((status = 200, description = "The disbursement; `ETag` is set", body = DisbursementView)))]
#[get("/api/v1/disbursements/{id}")]
pub async fn get_disbursement(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(Permission::ComplaintsRead)?;
    let found = ctx.run(move |conn| Ok(disbursements::get(conn, &scope, &id)?)).await?;
    Ok(ok(found.version, &DisbursementView::from(found)))
}

/// A payment's voucher.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reference": "FK-2026-0012"}))]
pub struct PayBody {
    /// The payment voucher.
    #[schema(min_length = 1, max_length = 200)]
    pub reference: Option<String>,
}

/// Pay an approved disbursement (`FundsPay`: finance); the body is optional. The account is
/// debited in the same statement that checks the balance. 409 `approval_pending` naming the
/// step and its roles before the approval completes; 409 `insufficient_funds` beyond the
/// balance; 409 `not_payable` once paid or rejected.
#[utoipa::path(tag = "funds", operation_id = "pay_disbursement", security(("bearer" = [])),
    params(("id" = String, Path, description = "Disbursement id")), request_body = Option<PayBody>,
    responses((status = 200, description = "Paid; new `ETag`", body = DisbursementView),
        (status = 409, description = "Not payable yet (`approval_pending`, with `pending_step`), beyond the balance (`insufficient_funds`), or paid or rejected already (`not_payable`)", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
#[post("/api/v1/disbursements/{id}/pay")]
pub async fn pay_disbursement(
    ctx: Ctx,
    id: web::Path<String>,
    raw: RawBody,
) -> ApiResult<HttpResponse> {
    let body = match (raw.bytes.is_empty(), raw.is_json()) {
        (true, _) => PayBody::default(),
        (false, true) => crate::body::parse::<PayBody>(&raw.bytes)?,
        (false, false) => return Err(ApiError::UnsupportedMediaType),
    };
    let reference = text_filter("reference", body.reference, 200)?;
    let (read, write) = ctx.caller.scopes(Permission::ComplaintsRead, Permission::FundsPay)?;
    let now = ctx.now();
    let (paid, _) = ctx
        .run(move |conn| {
            Ok(disbursements::pay(conn, (&read, &write), &id, reference.as_deref(), now)?)
        })
        .await?;
    Ok(ok(paid.version, &DisbursementView::from(paid)))
}
