//! Automation: the periodic jobs of `kefu serve` and the leases that let several nodes share
//! them. A job claims its items by leasing rows — PostgreSQL `FOR UPDATE SKIP LOCKED` picks rows
//! no other node holds, the lease (`lease_owner`, `lease_until`) outlives the claim so a node
//! that dies mid-work gives its items back when the lease expires — and does each item in its
//! own transaction, guarded by the item's version, so an item is never done twice.

pub mod sweep;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use crate::{db::Conn, error::StoreError, ids::to_db, schema::job_runs};

/// Who holds a lease and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The node's id (`KEFU_NODE_ID`, else random per process).
    pub node: String,
    /// How long a claim lasts unless the node finishes first.
    pub ttl: TimeDelta,
}

impl Lease {
    /// When a claim made at `now` expires (naive UTC).
    pub(crate) fn until(&self, now: DateTime<Utc>) -> NaiveDateTime {
        to_db(now + self.ttl)
    }
}

/// The record of a job on one node.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = job_runs)]
pub struct JobRun {
    /// The job (`deadline_sweep`).
    pub job: String,
    /// The node that ran it.
    pub node: String,
    /// How many times it ran there.
    pub runs: i64,
    /// How many items it handled there in all.
    pub items: i64,
    /// When its last run started.
    pub last_started_at: NaiveDateTime,
    /// When its last run finished.
    pub last_finished_at: Option<NaiveDateTime>,
    /// How many items its last run handled.
    pub last_items: i64,
    /// Why its last run failed, if it did.
    pub last_error: Option<String>,
}

/// One run of a job on a node, to record.
#[derive(Debug, Clone)]
pub struct Ran<'a> {
    /// The job.
    pub job: &'a str,
    /// The node.
    pub node: &'a str,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
    /// Items handled.
    pub items: i64,
    /// Why it failed.
    pub error: Option<String>,
}

/// Records a run of a job on a node (one row per job and node, counted up).
pub fn record_run(conn: &mut Conn, ran: &Ran<'_>) -> Result<(), StoreError> {
    let (started, finished) = (to_db(ran.started_at), to_db(ran.finished_at));
    // One process writes its own rows only (the node id is its own): update, else insert.
    let mine =
        job_runs::table.filter(job_runs::job.eq(ran.job)).filter(job_runs::node.eq(ran.node));
    let updated = diesel::update(mine)
        .set((
            job_runs::runs.eq(job_runs::runs + 1),
            job_runs::items.eq(job_runs::items + ran.items),
            job_runs::last_started_at.eq(started),
            job_runs::last_finished_at.eq(Some(finished)),
            job_runs::last_items.eq(ran.items),
            job_runs::last_error.eq(ran.error.as_deref()),
        ))
        .execute(conn.raw())?;
    if updated == 0 {
        diesel::insert_into(job_runs::table)
            .values((
                job_runs::job.eq(ran.job),
                job_runs::node.eq(ran.node),
                job_runs::runs.eq(1_i64),
                job_runs::items.eq(ran.items),
                job_runs::last_started_at.eq(started),
                job_runs::last_finished_at.eq(Some(finished)),
                job_runs::last_items.eq(ran.items),
                job_runs::last_error.eq(ran.error.as_deref()),
            ))
            .execute(conn.raw())?;
    }
    Ok(())
}

/// Every job's record on every node, by job then node.
pub fn runs(conn: &mut Conn) -> Result<Vec<JobRun>, StoreError> {
    Ok(job_runs::table
        .order((job_runs::job.asc(), job_runs::node.asc()))
        .select(JobRun::as_select())
        .load(conn.raw())?)
}
