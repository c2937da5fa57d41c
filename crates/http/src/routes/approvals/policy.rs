//! The approval matrix (审批矩阵, R-AP) as policy data: each group's, with a company's
//! override, versioned on every edit like the SLA policy; and the route a request would take.

use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::{
    access::Permission,
    approval::{DocumentKind, Matrix, Row, Step, presets},
    complaint::Grade,
};
use kefu_persistence::approvals::{self, MatrixVersion};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::{
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    list::text_filter,
    problem::{ApiError, ApiResult, FieldError},
    respond::ok,
    time::local,
};

/// A version of the matrix.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"group_id": "019ab2f1-0000-7000-8000-000000000001", "company_id": null,
    "version": 0, "created_at": null, "created_by": null, "preset": "jinyu-2012",
    "rows": [{"document": "fund_disbursement", "grade": "any", "min_fen": 1_000_000,
        "steps": [{"kind": "review", "roles": ["office_director", "vp"], "mode": "all"},
                  {"kind": "approve", "roles": ["president"], "mode": "all"}]}]}))]
pub struct MatrixView {
    /// The group.
    pub group_id: String,
    /// The company whose override this is; `null` for the group's matrix.
    pub company_id: Option<String>,
    /// 1, 2, …; 0 for the shipped `jinyu-2012` a group runs on until it stores its own. Also
    /// the `ETag`.
    pub version: i64,
    /// When this version was made (`null` for the shipped preset).
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Who made it.
    pub created_by: Option<String>,
    /// The preset it is, when stored from one unchanged (`jinyu-2012`, `service-fund`).
    pub preset: Option<String>,
    /// The rows: the first that covers a request routes it.
    pub rows: Vec<Row>,
}

fn view(v: MatrixVersion) -> HttpResponse {
    let body = MatrixView {
        group_id: v.group_id,
        company_id: v.company_id,
        version: v.version,
        created_at: v.created_at.map(local),
        created_by: v.created_by,
        preset: v.matrix.preset,
        rows: v.matrix.rows,
    };
    ok(v.version, &body)
}

/// Whose matrix: the group's, or a company's override.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatrixQuery {
    /// A company of the group: its override (reading: what is in force for it).
    #[param(max_length = 64)]
    pub company_id: Option<String>,
}

/// A new version of the matrix: a preset by name, or the rows.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"preset": "service-fund"}))]
pub struct MatrixDoc {
    /// `jinyu-2012` (the R-AP table) or `service-fund` (R-AP-3 for fund disbursements).
    #[schema(max_length = 40)]
    pub preset: Option<String>,
    /// The rows, when no preset is named: first match wins; amounts are fen, bounds inclusive.
    #[schema(max_items = 200)]
    pub rows: Option<Vec<Row>>,
}

impl MatrixDoc {
    fn matrix(self) -> Result<Matrix, ApiError> {
        let matrix = match (self.preset, self.rows) {
            (Some(name), None) => presets::named(&name).ok_or_else(|| {
                ApiError::field(
                    "preset",
                    "unknown",
                    format!("one of {}", presets::NAMES.join(", ")),
                )
            })?,
            (None, Some(rows)) => Matrix { preset: None, rows },
            _ => {
                return Err(ApiError::field("rows", "one_of", "send either preset or rows"));
            }
        };
        let problems = matrix.validate();
        if problems.is_empty() {
            Ok(matrix)
        } else {
            Err(ApiError::Validation(
                problems.into_iter().map(|p| FieldError::new(p.path, p.code, p.message)).collect(),
            ))
        }
    }
}

/// The matrix in force: the group's, or for `?company_id=` the company's override when it has
/// one (else the group's, `company_id` `null`).
#[utoipa::path(tag = "approvals", operation_id = "get_approval_policy", security(("bearer" = [])),
    params(MatrixQuery),
    responses((status = 200, description = "The version in force; `ETag` is its version", body = MatrixView)))]
#[get("/api/v1/policies/approvals")]
pub async fn get_approval_policy(ctx: Ctx, q: web::Query<MatrixQuery>) -> ApiResult<HttpResponse> {
    let company = text_filter("company_id", q.into_inner().company_id, 64)?;
    let scope = ctx.caller.scope(Permission::OrgRead)?;
    let found =
        ctx.run(move |conn| Ok(approvals::current(conn, &scope, company.as_deref())?)).await?;
    Ok(view(found))
}

/// One version of the group's matrix, or of a company's override (`?company_id=`); version 0
/// of the group's is the shipped `jinyu-2012`. Requests name the version that routed them.
#[utoipa::path(tag = "approvals", operation_id = "get_approval_policy_version", security(("bearer" = [])),
    params(("version" = i64, Path, description = "The version"), MatrixQuery),
    responses((status = 200, description = "That version", body = MatrixView)))]
#[get("/api/v1/policies/approvals/versions/{version}")]
pub async fn get_approval_policy_version(
    ctx: Ctx,
    version: web::Path<i64>,
    q: web::Query<MatrixQuery>,
) -> ApiResult<HttpResponse> {
    let company = text_filter("company_id", q.into_inner().company_id, 64)?;
    let version = version.into_inner();
    let scope = ctx.caller.scope(Permission::OrgRead)?;
    let found = ctx
        .run(move |conn| Ok(approvals::version_of(conn, &scope, company.as_deref(), version)?))
        .await?;
    Ok(view(found))
}

/// Store a new version of the group's matrix, or of a company's override (`?company_id=`), with
/// `If-Match` naming the version in force for it (`"0"` before the first). Needs
/// `RulesManage` over the whole group. Requests already under way keep their route.
#[utoipa::path(tag = "approvals", operation_id = "update_approval_policy", security(("bearer" = [])),
    params(MatrixQuery), request_body = MatrixDoc,
    responses((status = 200, description = "The new version", body = MatrixView)))]
#[put("/api/v1/policies/approvals")]
pub async fn update_approval_policy(
    ctx: Ctx,
    (if_match, q): (IfMatch, web::Query<MatrixQuery>),
    body: Body<MatrixDoc>,
) -> ApiResult<HttpResponse> {
    let company = text_filter("company_id", q.into_inner().company_id, 64)?;
    let matrix = body.into_inner().matrix()?;
    let (scope, now) = (ctx.caller.scope(Permission::RulesManage)?, ctx.now());
    let stored = ctx
        .run(move |conn| {
            Ok(approvals::put(conn, &scope, company.as_deref(), if_match.0, &matrix, now)?)
        })
        .await?;
    Ok(view(stored))
}

/// What a request would be routed by.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RouteQuery {
    /// The document kind.
    pub document: DocumentKind,
    /// The grade (default `general`).
    pub grade: Option<Grade>,
    /// The amount in fen (fund disbursements need one).
    #[param(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub amount_fen: Option<i64>,
    /// The company whose matrix routes it (default: the group's).
    #[param(max_length = 64)]
    pub company_id: Option<String>,
}

/// The steps a request would take.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"document": "fund_disbursement", "grade": "important",
    "amount_fen": 1_200_000, "policy_version": 0, "company_id": null,
    "steps": [{"kind": "review", "roles": ["office_director", "vp"], "mode": "all"},
              {"kind": "approve", "roles": ["president"], "mode": "all"}]}))]
pub struct RouteView {
    /// The document kind.
    pub document: DocumentKind,
    /// The grade.
    pub grade: Grade,
    /// The amount, in fen.
    pub amount_fen: Option<i64>,
    /// The matrix version that routes it (0: the shipped preset).
    pub policy_version: i64,
    /// The company whose override routes it; `null`: the group's matrix.
    pub company_id: Option<String>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// The route a request would take, for forms that show it before submitting: 422
/// `no_route` when no row covers it (a fund disbursement without an amount).
#[utoipa::path(tag = "approvals", operation_id = "get_approval_route", security(("bearer" = [])),
    params(RouteQuery),
    responses((status = 200, description = "The steps", body = RouteView)))]
#[get("/api/v1/policies/approvals/route")]
pub async fn get_approval_route(ctx: Ctx, q: web::Query<RouteQuery>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    if q.amount_fen.is_some_and(|a| !(0..=super::requests::MAX_FEN).contains(&a)) {
        return Err(ApiError::field("amount_fen", "out_of_range", "0 to 10^12 fen"));
    }
    let company = text_filter("company_id", q.company_id, 64)?;
    let grade = q.grade.unwrap_or(Grade::General);
    let scope = ctx.caller.scope(Permission::OrgRead)?;
    let found =
        ctx.run(move |conn| Ok(approvals::current(conn, &scope, company.as_deref())?)).await?;
    let steps = found.matrix.route(q.document, grade, q.amount_fen).ok_or_else(|| {
        ApiError::field("document", "no_route", "no row of the approval matrix covers it")
    })?;
    let body = RouteView {
        document: q.document,
        grade,
        amount_fen: q.amount_fen,
        policy_version: found.version,
        company_id: found.company_id,
        steps: steps.to_vec(),
    };
    Ok(ok(found.version, &body))
}
