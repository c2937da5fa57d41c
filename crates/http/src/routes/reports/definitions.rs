//! `GET/PUT /api/v1/reports/definitions`: what each report is, when it falls due, which data
//! period it covers, who prepares it and its template, as the group's versioned policy data.

use actix_web::{HttpResponse, get, put};
use chrono::{DateTime, FixedOffset};
use kefu_domain::schedule::{ReportDefinition, ReportDefinitions};
use kefu_persistence::reports::{self, Definitions};
use serde::Deserialize;
use serde::Serialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{MANAGE, READ};
use crate::{
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    problem::{ApiError, ApiResult, FieldError},
    respond::ok,
    time::local,
};

/// The definitions in force.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"version": 0, "created_at": null, "created_by": null, "definitions": [
    {"code": "rp1_monthly", "rule_id": "R-RP-1", "label_zh": "投诉处理月报表", "cadence": "monthly",
     "due": {"months": 1, "day": 1, "time": "12:00"}, "responsible": "department",
     "department_kind": "customer_center", "preparing_role": "cs_specialist",
     "sections": [{"key": "figures", "label_zh": "数据统计", "kind": "figures", "required": true}],
     "prefill": true, "remind_hours_before": 24, "active": true}]}))]
pub struct DefinitionsView {
    /// 0 while the group uses the shipped presets, then 1, 2, …; also the `ETag`.
    pub version: i64,
    /// When this version was made (null for the presets).
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Who made it.
    pub created_by: Option<String>,
    /// Every definition.
    pub definitions: Vec<ReportDefinition>,
}

/// The definitions as sent to `PUT`: the whole set, codes unique.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"definitions": [
    {"code": "rp12", "rule_id": "R-RP-12", "label_zh": "节点回访汇总", "cadence": "monthly",
     "due": {"months": 1, "day": 10}, "responsible": "department",
     "department_kind": "customer_center", "preparing_role": "cs_specialist",
     "sections": [{"key": "content", "label_zh": "报告内容", "kind": "text", "required": true}]}]}))]
pub struct DefinitionsDoc {
    /// Every definition (at most 100).
    #[schema(max_items = 100)]
    pub definitions: Vec<ReportDefinition>,
}

fn view(d: Definitions) -> HttpResponse {
    let body = DefinitionsView {
        version: d.version,
        created_at: d.created_at.map(local),
        created_by: d.created_by,
        definitions: d.set.definitions,
    };
    ok(d.version, &body)
}

/// The group's report definitions: the presets `rp1_weekly` … `rp12` (R-RP-1 … R-RP-12) until
/// the group changes them.
#[utoipa::path(tag = "reports", operation_id = "get_report_definitions", security(("bearer" = [])),
    responses((status = 200, description = "The definitions in force; `ETag` is their version", body = DefinitionsView)))]
#[get("/api/v1/reports/definitions")]
pub async fn get_report_definitions(ctx: Ctx) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(READ)?;
    let group = scope.group_id;
    Ok(view(ctx.run(move |conn| Ok(reports::current_definitions(conn, &group)?)).await?))
}

/// Replace the group's report definitions (`If-Match` with the version in force;
/// `ReportsManage` over the whole group). Obligations already planned keep their dues.
#[utoipa::path(tag = "reports", operation_id = "update_report_definitions", security(("bearer" = [])),
    request_body = DefinitionsDoc,
    responses((status = 200, description = "The new version", body = DefinitionsView)))]
#[put("/api/v1/reports/definitions")]
pub async fn update_report_definitions(
    ctx: Ctx,
    if_match: IfMatch,
    body: Body<DefinitionsDoc>,
) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(MANAGE)?;
    scope.require_group().map_err(|_| ApiError::Forbidden)?;
    let set = ReportDefinitions { definitions: body.into_inner().definitions };
    if set.definitions.len() > 100 {
        return Err(ApiError::field("definitions", "too_many", "at most 100 definitions"));
    }
    let problems = set.validate();
    if !problems.is_empty() {
        let errors =
            problems.into_iter().map(|p| FieldError::new(p.path, p.code, p.message)).collect();
        return Err(ApiError::Validation(errors));
    }
    let (now, acting, group) = (ctx.now(), ctx.caller.acting(), scope.group_id);
    let stored = ctx
        .run(move |conn| {
            Ok(reports::put_definitions(conn, &acting, &group, if_match.0, &set, now)?)
        })
        .await?;
    Ok(view(stored))
}
