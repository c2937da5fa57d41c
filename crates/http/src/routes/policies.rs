//! The SLA policy (时限策略): every clock of RULES.md §3 as data. Each group owns its policy,
//! versioned on every edit by its admin or customer-service manager (`RulesManage`); the
//! shipped defaults are a deployment-wide template that the platform operator keeps
//! (`CalendarsManage`, `?template=true`) and every new group copies. Clocks keep the version
//! they started under.

use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::{
    access::Permission,
    callback::CallbackPolicy,
    complaint::{Context, GradingPolicy},
    sla::SlaPolicy,
};
use kefu_persistence::sla::{self, PolicyVersion};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::{
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    problem::{ApiError, ApiResult, FieldError},
    respond::ok,
    time::local,
};

/// How a clock's due is reached: exactly one of the three keys.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DueRuleDoc {
    /// A time limit: working (`5WD`, `0.5WD`, `30WM`) or calendar time (`P1D`, `PT5M`).
    After(String),
    /// The close of the Nth working day (the start's own day counts when it is one), 1–3650.
    EndOfWorkingDay(u32),
    /// The same local time N calendar months later (R-T-12), 1–60.
    CalendarMonths(u32),
}

/// One clock of the policy.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "self_resolve", "rule_id": "R-T-3", "label_zh": "自行处理完毕",
    "start_event": "complaint_received", "stop_event": "complaint_resolved",
    "due": {"after": "5WD"}, "pause_states": ["awaiting_customer"], "warning_percent": 80}))]
pub struct ClockDoc {
    /// Unique name (`snake_case`).
    #[schema(pattern = "^[a-z][a-z0-9_]{0,63}$")]
    pub name: String,
    /// The rule it implements (`R-T-3`).
    #[schema(pattern = r"^R-[A-Z]+-\d+$", max_length = 20)]
    pub rule_id: String,
    /// The label staff read (中文).
    #[schema(min_length = 1, max_length = 100)]
    pub label_zh: String,
    /// The event that starts it.
    #[schema(pattern = "^[a-z][a-z0-9_]{0,63}$")]
    pub start_event: String,
    /// The event that stops it.
    #[schema(pattern = "^[a-z][a-z0-9_]{0,63}$")]
    pub stop_event: String,
    /// How the due is reached.
    pub due: DueRuleDoc,
    /// For a recurring clock (R-T-9): the time from each reset to the next due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^(\d+(\.\d{1,2})?(WD|WH|WM)|P.+)$", max_length = 40)]
    pub recurrence: Option<String>,
    /// For a recurring clock: the event that starts the next period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[a-z][a-z0-9_]{0,63}$")]
    pub reset_event: Option<String>,
    /// States of the subject during which the clock is paused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 20)]
    pub pause_states: Vec<String>,
    /// From which share of the allowed time it warns (default 80).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 100)]
    pub warning_percent: Option<u8>,
}

/// A policy as sent to `PUT`; the fields after `clocks` take their defaults when left out.
#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PolicyDoc {
    /// The clocks.
    #[schema(max_items = 200)]
    pub clocks: Vec<ClockDoc>,
    /// How many days back a complaint's `received_at` may lie (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 3650)]
    pub max_backdate_days: Option<u32>,
    /// Grading (R-CLS) and what opens a major customer event (R-EVT); default RULES.md §1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading: Option<GradingPolicy>,
    /// What a dissatisfied callback does (default: reopen at a satisfaction of 2 or below).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Context>,
    /// Callback tasks: attempts, questionnaire, what a dissatisfied callback does, the weekly
    /// sample (R-CB); default 3 attempts, reopen at 2 or below, 20 %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callbacks: Option<CallbackPolicy>,
}

/// A version of the policy.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyView {
    /// The group that owns it; `null` for the deployment-wide template.
    pub group_id: Option<String>,
    /// 1, 2, …; also the `ETag`.
    pub version: i64,
    /// When this version was made.
    pub created_at: DateTime<FixedOffset>,
    /// Who made it (null for the shipped defaults).
    pub created_by: Option<String>,
    /// The clocks.
    pub clocks: Vec<ClockDoc>,
    /// How many days back a complaint's `received_at` may lie.
    pub max_backdate_days: u32,
    /// Grading (R-CLS) and what opens a major customer event (R-EVT).
    pub grading: GradingPolicy,
    /// What a dissatisfied callback does.
    pub lifecycle: Context,
    /// Callback tasks (R-CB).
    pub callbacks: CallbackPolicy,
}

fn view(p: PolicyVersion) -> ApiResult<HttpResponse> {
    let value = serde_json::to_value(&p.policy.0).map_err(|e| ApiError::Internal(e.to_string()))?;
    let doc: PolicyDoc =
        serde_json::from_value(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    let body = PolicyView {
        group_id: p.group_id,
        version: p.version,
        created_at: local(p.created_at),
        created_by: p.created_by,
        clocks: doc.clocks,
        max_backdate_days: p.policy.0.max_backdate_days,
        grading: p.policy.0.grading.clone(),
        lifecycle: p.policy.0.lifecycle,
        callbacks: p.policy.0.callbacks.clone(),
    };
    Ok(ok(p.version, &body))
}

/// Which policy: the caller's group's, or the template.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PolicyQuery {
    /// `true`: the deployment-wide template new groups copy (platform operators change it).
    pub template: Option<bool>,
}

impl PolicyQuery {
    /// The owner asked for: the caller's group, or the template (`None`) when asked or when
    /// the caller belongs to no group.
    fn owner(&self, ctx: &Ctx) -> Option<String> {
        if self.template == Some(true) { None } else { ctx.caller.group_id.clone() }
    }
}

/// The policy in force: the caller's group's, or the template (`?template=true`).
#[utoipa::path(tag = "policies", operation_id = "get_sla_policy", security(("bearer" = [])),
    params(PolicyQuery),
    responses((status = 200, description = "The version in force; `ETag` is its version", body = PolicyView)))]
#[get("/api/v1/policies/sla")]
pub async fn get_sla_policy(ctx: Ctx, q: web::Query<PolicyQuery>) -> ApiResult<HttpResponse> {
    let owner = q.owner(&ctx);
    view(
        ctx.run(move |conn| sla::current_policy(conn, owner.as_deref())?.ok_or(ApiError::NotFound))
            .await?,
    )
}

/// One version of the policy.
#[utoipa::path(tag = "policies", operation_id = "get_sla_policy_version", security(("bearer" = [])),
    params(("version" = i64, Path, description = "The version"), PolicyQuery),
    responses((status = 200, description = "That version", body = PolicyView)))]
#[get("/api/v1/policies/sla/versions/{version}")]
pub async fn get_sla_policy_version(
    ctx: Ctx,
    version: web::Path<i64>,
    q: web::Query<PolicyQuery>,
) -> ApiResult<HttpResponse> {
    let (owner, version) = (q.owner(&ctx), version.into_inner());
    view(ctx.run(move |conn| Ok(sla::policy_version(conn, owner.as_deref(), version)?)).await?)
}

/// Edit the policy (`If-Match` with the version in force): stores a new version. The group's
/// needs `RulesManage` (its admin, its customer-service manager); the template
/// (`?template=true`) needs `CalendarsManage` (platform operators). Clocks already running
/// keep the version they started under.
#[utoipa::path(tag = "policies", operation_id = "update_sla_policy", security(("bearer" = [])),
    params(PolicyQuery), request_body = PolicyDoc,
    responses((status = 200, description = "The new version", body = PolicyView)))]
#[put("/api/v1/policies/sla")]
pub async fn update_sla_policy(
    ctx: Ctx,
    (if_match, q): (IfMatch, web::Query<PolicyQuery>),
    body: Body<PolicyDoc>,
) -> ApiResult<HttpResponse> {
    let owner = q.owner(&ctx);
    let needed =
        if owner.is_some() { Permission::RulesManage } else { Permission::CalendarsManage };
    ctx.caller.require(needed)?;
    let (policy, now, acting) = (parse_policy(&body.into_inner())?, ctx.now(), ctx.caller.acting());
    let stored = ctx
        .run(move |conn| {
            Ok(sla::put_policy(conn, &acting, owner.as_deref(), if_match.0, &policy, now)?)
        })
        .await?;
    view(stored)
}

/// The domain's policy, or a 422 naming every bad field.
fn parse_policy(doc: &PolicyDoc) -> Result<SlaPolicy, ApiError> {
    let value = serde_json::to_value(doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    let policy: SlaPolicy = serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        ApiError::field(&field, "invalid", e.into_inner().to_string())
    })?;
    let problems = policy.validate();
    if problems.is_empty() {
        Ok(policy)
    } else {
        Err(ApiError::Validation(
            problems.into_iter().map(|p| FieldError::new(p.path, p.code, p.message)).collect(),
        ))
    }
}
