//! The job runner of `kefu serve`: one per node (`KEFU_JOBS=off` for a node that only answers
//! the API), a round of every periodic job each `KEFU_JOBS_INTERVAL`:
//!
//! - `deadline_sweep`: warnings, breaches and escalations of the clocks that fell due
//!   ([`kefu_persistence::automation::sweep`]);
//! - `webhook_fan_out`: the outbox's new messages become deliveries of the subscriptions that
//!   want them;
//! - `webhook_delivery`: due deliveries are posted, signed, and retried on the schedule;
//! - `notification_mail` (with `KEFU_SMTP_URL`): new notifications of users with an e-mail
//!   address are mailed to them, once;
//! - `callback_batch`: on each week's first working day, every group's Monday batch of
//!   callbacks (R-CB-1), made once (a second node finds the week taken);
//! - `report_obligations`: every group's report obligations due within the next month are
//!   planned (once: the obligation's key is unique), their preparers reminded before the due
//!   and told once it is breached (R-RP-13, R-RP-16);
//! - `work_plan_reminders`: an open item of a submitted or reviewed work plan whose due day is
//!   over tells its owner (or the plan's author) once (R-RP-13).
//!
//! Work is claimed through leases on the rows, so several nodes on one PostgreSQL share it
//! without doing an item twice, and a node that dies gives its items back when its lease ends.
//! Each run is recorded per job and node (`GET /api/v1/jobs`).

pub mod deliver;
pub mod mail;
pub mod settings;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::{StreamExt, stream};
use kefu_persistence::{
    automation::{self, Lease, Ran, sweep::Swept},
    callbacks,
    notifications::{self, Notification},
    reports::plan::{self, Planned},
    webhooks::deliveries::{self, Outcome},
    work_plans,
};
pub use settings::JobSettings;

use crate::{problem::ApiError, state::AppState};

/// The deadline sweep's name.
pub const DEADLINE_SWEEP: &str = "deadline_sweep";
/// The outbox fan-out's name.
pub const WEBHOOK_FAN_OUT: &str = "webhook_fan_out";
/// The webhook delivery's name.
pub const WEBHOOK_DELIVERY: &str = "webhook_delivery";
/// The notification mail's name.
pub const NOTIFICATION_MAIL: &str = "notification_mail";
/// The Monday callback batch's name.
pub const CALLBACK_BATCH: &str = "callback_batch";
/// The report obligations' name.
pub const REPORT_OBLIGATIONS: &str = "report_obligations";
/// The work-plan reminders' name.
pub const WORK_PLAN_REMINDERS: &str = "work_plan_reminders";
/// Notifications mailed at a time.
const MAIL_BATCH: i64 = 50;
/// How old a notification may be and still be mailed (so that a server configured later does
/// not send a backlog, and a failing address is given up after a day).
const MAIL_WITHIN: TimeDelta = TimeDelta::days(1);

/// Clocks claimed at a time.
const SWEEP_BATCH: i64 = 200;
/// Outbox messages fanned out at a time.
const FAN_OUT_BATCH: i64 = 500;
/// Deliveries claimed at a time.
const DELIVERY_BATCH: i64 = 50;
/// Deliveries posted at once.
const DELIVERY_CONCURRENCY: usize = 8;
/// The most batches of one job in a round, so one round ends and the others get their turn.
const MAX_BATCHES: usize = 50;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// The deadline sweep.
    pub swept: Swept,
    /// Outbox messages fanned out.
    pub published: usize,
    /// Deliveries the receivers took.
    pub delivered: usize,
    /// Deliveries to try again later.
    pub retrying: usize,
    /// Deliveries failed for good (their subscriptions disabled).
    pub failed: usize,
    /// Notifications mailed.
    pub mailed: usize,
    /// Monday callback batches made.
    pub batches: usize,
    /// Report obligations planned, reminded and told overdue.
    pub reports: Planned,
    /// Late work-plan items reminded.
    pub reminded: usize,
}

/// The periodic jobs of one node.
#[derive(Debug, Clone)]
pub struct Runner {
    state: AppState,
    settings: JobSettings,
    client: reqwest::Client,
    mailer: Option<mail::Mailer>,
}

impl Runner {
    /// A runner over the node's state.
    pub fn new(state: AppState, settings: JobSettings) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("kefu/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        let mailer = settings.smtp.as_ref().and_then(|smtp| {
            mail::Mailer::new(smtp)
                .inspect_err(|e| tracing::warn!(error = %e, "notifications will not be mailed"))
                .ok()
        });
        Self { state, settings, client, mailer }
    }

    /// This node's lease.
    pub fn lease(&self) -> Lease {
        let ttl = TimeDelta::from_std(self.settings.lease).unwrap_or(TimeDelta::seconds(60));
        Lease { node: self.settings.node.clone(), ttl }
    }

    /// Runs rounds until the process ends.
    pub fn spawn(self) -> actix_rt::task::JoinHandle<()> {
        tracing::info!(node = %self.settings.node, "periodic jobs started");
        actix_rt::spawn(async move {
            loop {
                self.round().await;
                actix_rt::time::sleep(self.settings.interval).await;
            }
        })
    }

    /// One round of every job, each run recorded.
    pub async fn round(&self) -> Round {
        let mut round = Round::default();
        if let Some(swept) = self.timed(DEADLINE_SWEEP, self.sweep(), |s| s.claimed).await {
            round.swept = swept;
        }
        if let Some(n) = self.timed(WEBHOOK_FAN_OUT, self.fan_out(), |n| *n).await {
            round.published = n;
        }
        if let Some((d, r, f)) =
            self.timed(WEBHOOK_DELIVERY, self.deliver(), |(d, r, f)| d + r + f).await
        {
            (round.delivered, round.retrying, round.failed) = (d, r, f);
        }
        if let Some(mailer) = &self.mailer
            && let Some(n) = self.timed(NOTIFICATION_MAIL, self.mail(mailer), |n| *n).await
        {
            round.mailed = n;
        }
        let now = self.now();
        let batches = self.state.run(move |conn| Ok(callbacks::batches::run_due(conn, now)?));
        if let Some(n) = self.timed(CALLBACK_BATCH, batches, |n| *n).await {
            round.batches = n;
        }
        let now = self.now();
        let reports = self.state.run(move |conn| Ok(plan::run(conn, now)?));
        if let Some(p) =
            self.timed(REPORT_OBLIGATIONS, reports, |p| p.made + p.reminded + p.overdue).await
        {
            round.reports = p;
        }
        let reminders = self.state.run(move |conn| Ok(work_plans::remind_overdue(conn, now)?));
        if let Some(n) = self.timed(WORK_PLAN_REMINDERS, reminders, |n| *n).await {
            round.reminded = n;
        }
        round
    }

    /// Runs one job and records its run; `None` when it failed (logged and recorded).
    async fn timed<T>(
        &self,
        job: &'static str,
        work: impl std::future::Future<Output = Result<T, ApiError>>,
        items: impl Fn(&T) -> usize,
    ) -> Option<T> {
        let started_at = self.now();
        let result = work.await;
        let (count, error) = match &result {
            Ok(value) => (items(value), None),
            Err(e) => {
                tracing::warn!(job, error = %e, "periodic job failed");
                (0, Some(e.to_string()))
            }
        };
        let node = self.settings.node.clone();
        let finished_at = self.now();
        let record = move |conn: &mut kefu_persistence::Conn| {
            let ran = Ran {
                job,
                node: &node,
                started_at,
                finished_at,
                items: i64::try_from(count).unwrap_or(i64::MAX),
                error,
            };
            Ok(automation::record_run(conn, &ran)?)
        };
        if let Err(e) = self.state.run(record).await {
            tracing::warn!(job, error = %e, "could not record a job run");
        }
        result.ok()
    }

    fn now(&self) -> DateTime<Utc> {
        self.state.clock.now()
    }

    /// Sweeps batch after batch while batches come back full.
    async fn sweep(&self) -> Result<Swept, ApiError> {
        let mut total = Swept::default();
        for _ in 0..MAX_BATCHES {
            let (lease, now) = (self.lease(), self.now());
            let swept = self
                .state
                .run(move |conn| Ok(automation::sweep::sweep(conn, &lease, SWEEP_BATCH, now)?))
                .await?;
            total.claimed += swept.claimed;
            total.warned += swept.warned;
            total.breached += swept.breached;
            total.skipped += swept.skipped;
            total.failed += swept.failed;
            if swept.claimed < usize::try_from(SWEEP_BATCH).unwrap_or(usize::MAX) {
                break;
            }
        }
        Ok(total)
    }

    /// Fans out the outbox batch after batch.
    async fn fan_out(&self) -> Result<usize, ApiError> {
        let mut total = 0;
        for _ in 0..MAX_BATCHES {
            let now = self.now();
            let n = self
                .state
                .run(move |conn| Ok(deliveries::fan_out(conn, FAN_OUT_BATCH, now)?))
                .await?;
            total += n;
            if n < usize::try_from(FAN_OUT_BATCH).unwrap_or(usize::MAX) {
                break;
            }
        }
        Ok(total)
    }

    /// Posts the due deliveries and records each attempt: (delivered, retrying, failed).
    async fn deliver(&self) -> Result<(usize, usize, usize), ApiError> {
        let (lease, now) = (self.lease(), self.now());
        let due = self
            .state
            .run(move |conn| Ok(deliveries::claim(conn, &lease, DELIVERY_BATCH, now)?))
            .await?;
        let attempts: Vec<_> = stream::iter(due)
            .map(|out| async move {
                let attempt = deliver::post(
                    &self.client,
                    &out,
                    self.settings.allow_private,
                    self.now().timestamp(),
                )
                .await;
                (out, attempt)
            })
            .buffer_unordered(DELIVERY_CONCURRENCY)
            .collect()
            .await;
        let mut counts = (0, 0, 0);
        for (out, attempt) in attempts {
            let retry_in = self.retry_in(out.attempts);
            let (lease, now) = (self.lease(), self.now());
            let outcome = self
                .state
                .run(move |conn| {
                    Ok(deliveries::record_attempt(
                        conn,
                        &lease,
                        (&out.id, &attempt),
                        retry_in,
                        now,
                    )?)
                })
                .await?;
            match outcome {
                Outcome::Delivered => counts.0 += 1,
                Outcome::Retrying => counts.1 += 1,
                Outcome::Failed => counts.2 += 1,
                Outcome::Lost => {}
            }
        }
        Ok(counts)
    }

    /// Mails the new notifications of users with an address; how many were sent. One that could
    /// not be sent is given back for a later round.
    async fn mail(&self, mailer: &mail::Mailer) -> Result<usize, ApiError> {
        let now = self.now();
        let since = now - MAIL_WITHIN;
        let due = self
            .state
            .run(move |conn| Ok(notifications::claim_mail(conn, MAIL_BATCH, since, now)?))
            .await?;
        let mut sent = 0;
        for m in due {
            let body = mail_body(&m.notification);
            let to = (m.display_name.as_str(), m.email.as_str());
            match mailer.send(to, &m.notification.title, body).await {
                Ok(()) => sent += 1,
                Err(e) => {
                    tracing::warn!(error = %e, notification = %m.notification.id, "a mail was not sent");
                    let id = m.notification.id.clone();
                    self.state.run(move |conn| Ok(notifications::unmail(conn, &id)?)).await?;
                }
            }
        }
        Ok(sent)
    }

    /// The delay before the next attempt after `before + 1` attempts, stretched by up to 10 %
    /// of jitter; `None` when the schedule is spent.
    fn retry_in(&self, before: i64) -> Option<TimeDelta> {
        let delay = self.settings.retry_schedule.get(usize::try_from(before).ok()?)?;
        let jitter = rand::random::<f64>() * 0.1;
        TimeDelta::from_std(delay.mul_f64(1.0 + jitter)).ok()
    }
}

/// A notification as plain text: its title, what it is about, and its details.
fn mail_body(n: &Notification) -> String {
    let details: serde_json::Value = serde_json::from_str(&n.payload).unwrap_or_default();
    let pretty = serde_json::to_string_pretty(&details).unwrap_or_default();
    format!(
        "{}\n\n{}: {}\n\n{pretty}\n\n-- kefu 客服 (GET /api/v1/notifications)\n",
        n.title, n.subject_type, n.subject_id
    )
}
