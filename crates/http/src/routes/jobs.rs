//! The periodic jobs and their last runs on every node, for the platform operator.

use actix_web::{get, web};
use chrono::{DateTime, FixedOffset};
use kefu_domain::access::Permission;
use kefu_persistence::automation::{self, JobRun};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{ctx::Ctx, problem::ApiResult, time::local};

/// One job on one node.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"job": "deadline_sweep", "node": "kefu-1-4821-ab12cd34", "runs": 1440,
    "items": 2000, "last_started_at": "2026-12-01T09:00:00+08:00",
    "last_finished_at": "2026-12-01T09:00:00.120+08:00", "last_items": 0, "last_error": null}))]
pub struct JobRunView {
    /// `deadline_sweep`, `webhook_fan_out` or `webhook_delivery`.
    pub job: String,
    /// The node (`KEFU_NODE_ID`).
    pub node: String,
    /// Rounds it ran there.
    pub runs: i64,
    /// Items it handled there in all (clocks, messages, deliveries).
    pub items: i64,
    /// When its last round started.
    pub last_started_at: DateTime<FixedOffset>,
    /// When its last round finished.
    pub last_finished_at: Option<DateTime<FixedOffset>>,
    /// Items its last round handled.
    pub last_items: i64,
    /// Why its last round failed, if it did.
    pub last_error: Option<String>,
}

impl From<JobRun> for JobRunView {
    fn from(r: JobRun) -> Self {
        Self {
            job: r.job,
            node: r.node,
            runs: r.runs,
            items: r.items,
            last_started_at: local(r.last_started_at),
            last_finished_at: r.last_finished_at.map(local),
            last_items: r.last_items,
            last_error: r.last_error,
        }
    }
}

/// Every job and node.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobList {
    /// By job, then node.
    pub items: Vec<JobRunView>,
}

/// The periodic jobs and their last runs on every node (platform operators).
#[utoipa::path(tag = "jobs", operation_id = "list_jobs", security(("bearer" = [])),
    responses((status = 200, description = "Every job on every node", body = JobList)))]
#[get("/api/v1/jobs")]
pub async fn list_jobs(ctx: Ctx) -> ApiResult<web::Json<JobList>> {
    ctx.caller.require(Permission::JobsRead)?;
    let runs = ctx.run(move |conn| Ok(automation::runs(conn)?)).await?;
    Ok(web::Json(JobList { items: runs.into_iter().map(JobRunView::from).collect() }))
}
