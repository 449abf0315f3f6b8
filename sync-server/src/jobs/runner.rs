//! The job runner: claims due jobs of the kinds it has handlers for in small batches, runs each
//! with its `Handler`, and marks it done, or schedules a retry with exponential backoff and jitter,
//! or gives up and marks it failed.
//!
//! Safe with several server processes on one PostgreSQL database: a claim takes rows with
//! `FOR UPDATE SKIP LOCKED` (SQLite: the one writer, `BEGIN IMMEDIATE`) and leases them
//! (`locked_until_ms`), so each job goes to one runner and a crashed runner's jobs come back when
//! the lease ends. Only the claim holder may settle a job (`claim_id` fencing). Kinds this process
//! has no handler for are left to the processes that do (a rolling deploy adds kinds one by one).

use shared::domain::{JobId, UserId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tracing::Instrument as _;

use super::{Handler, Job, JobError, Outcome};
use crate::config::Backend;
use crate::db::{on_pool, on_tx, Db};
use crate::error::Result;

/// How the runner paces itself.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// False: this process queues jobs but never runs them (another process does; tests that
    /// look at the queue before it runs drive `run_due` themselves).
    pub enabled: bool,
    /// How often to look for jobs other processes queued, or that came due (this process's
    /// commits wake the runner at once).
    pub poll_interval: Duration,
    /// Jobs claimed at once.
    pub batch_size: u32,
    /// How long a claim holds its jobs; after it, another runner may take them.
    pub lease: Duration,
    /// Attempts before a job is marked `failed`.
    pub max_attempts: u32,
    /// Delay after the first failure; doubled after each further one, plus up to 25 % jitter.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            poll_interval: Duration::from_secs(2),
            batch_size: 10,
            lease: Duration::from_secs(5 * 60),
            max_attempts: 8,
            base_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(60 * 60),
        }
    }
}

impl WorkerOptions {
    /// The delay before attempt `attempts + 1`, `attempts` ≥ 1 having failed: base · 2^(attempts-1),
    /// capped, then stretched by `jitter` (0.0..1.0) up to 25 %, so replicas retrying the same
    /// broken server do not stampede together. Each delay is at least 1.6× the previous uncapped one.
    pub fn backoff(&self, attempts: u32, jitter: f64) -> Duration {
        let exponent = attempts.saturating_sub(1).min(30);
        let delay = self
            .base_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        delay.mul_f64(1.0 + 0.25 * jitter.clamp(0.0, 1.0))
    }
}

/// A number in 0.0..1.0 from the random bits of a UUID v7 (no RNG dependency for jitter).
fn jitter() -> f64 {
    let random = uuid::Uuid::now_v7().as_u128() & 0xFFFF_FFFF;
    random as f64 / (u64::from(u32::MAX) + 1) as f64
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: JobId,
    kind: String,
    payload: String,
    user_id: Option<UserId>,
    attempts: i32,
}

/// Runs the queue with the handlers it was given. Cheap to clone; `run` it as a task.
#[derive(Debug, Clone)]
pub struct Runner {
    db: Db,
    handlers: Arc<HashMap<&'static str, Arc<dyn Handler>>>,
    options: WorkerOptions,
    /// The claim whose jobs are being run, shared by the clones: shutdown hands its jobs back.
    claim: Arc<std::sync::Mutex<Option<String>>>,
}

impl Runner {
    pub fn new(db: Db, options: WorkerOptions) -> Self {
        Self {
            db,
            handlers: Arc::new(HashMap::new()),
            options,
            claim: Arc::default(),
        }
    }

    /// Runs the jobs of `handler.kind()` with `handler` (replacing an earlier one for that kind).
    pub fn with_handler(mut self, handler: Arc<dyn Handler>) -> Self {
        Arc::make_mut(&mut self.handlers).insert(handler.kind(), handler);
        self
    }

    pub fn with_handlers(self, handlers: impl IntoIterator<Item = Arc<dyn Handler>>) -> Self {
        handlers.into_iter().fold(self, Self::with_handler)
    }

    /// Runs jobs until `stop` turns true (or its sender is dropped). Wakes when a transaction of
    /// this process that queued a job commits, and every `poll_interval`. A failing database is
    /// logged and tried again at the next poll.
    #[tracing::instrument(name = "job_runner", skip_all)]
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut woken = self.db.jobs_waker().listen();
        tracing::debug!("job runner started");
        loop {
            if *stop.borrow() {
                break;
            }
            // Rings up to now are answered by this pass.
            woken.borrow_and_update();
            match self.run_batch(Some(&stop)).await {
                // A full batch: there may be more due right now.
                Ok(n) if n >= self.options.batch_size as usize => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "job runner cannot reach the queue"),
            }
            tokio::select! {
                changed = stop.changed() => if changed.is_err() { break },
                _ = woken.changed() => {},
                () = tokio::time::sleep(self.options.poll_interval) => {},
            }
        }
        tracing::debug!("job runner stopped");
    }

    /// Claims one batch of due jobs, runs them, and settles each. Returns how many were claimed.
    pub async fn run_due(&self) -> Result<usize> {
        self.run_batch(None).await
    }

    /// `run_due`, handing the jobs not yet started back to the queue once `stop` turns true.
    async fn run_batch(&self, stop: Option<&watch::Receiver<bool>>) -> Result<usize> {
        let claim_id = uuid::Uuid::now_v7().to_string();
        let claimed = self.claim(&claim_id).await?;
        let count = claimed.len();
        self.set_claim(Some(&claim_id));
        let ran = self.run_claimed(claimed, &claim_id, stop).await;
        self.set_claim(None);
        ran.map(|()| count)
    }

    fn set_claim(&self, claim_id: Option<&str>) {
        if let Ok(mut claim) = self.claim.lock() {
            *claim = claim_id.map(str::to_owned);
        }
    }

    /// Gives the jobs of the claim being run back to the queue, due now, for this or another
    /// process to run; for shutdown, once the runner task has been stopped. The job that was
    /// running keeps its counted attempt. Returns how many jobs went back.
    pub async fn hand_back(&self) -> Result<u64> {
        let claim_id = self.claim.lock().ok().and_then(|mut claim| claim.take());
        match claim_id {
            Some(claim_id) => self.release(&claim_id, 0).await,
            None => Ok(0),
        }
    }

    /// Unleases the jobs `claim_id` still holds, taking `uncount` off their attempts.
    async fn release(&self, claim_id: &str, uncount: i32) -> Result<u64> {
        let sql = "UPDATE jobs SET locked_until_ms = NULL, claim_id = NULL, \
                   attempts = attempts - $1 WHERE claim_id = $2 AND status = 'pending'";
        Ok(on_pool!(&self.db, pool => sqlx::query(sql)
            .bind(uncount)
            .bind(claim_id)
            .execute(pool)
            .await?
            .rows_affected()))
    }

    async fn run_claimed(
        &self,
        claimed: Vec<ClaimedRow>,
        claim_id: &str,
        stop: Option<&watch::Receiver<bool>>,
    ) -> Result<()> {
        for row in claimed {
            if stop.is_some_and(|stop| *stop.borrow()) {
                // Not started: back to the queue, the attempt the claim counted undone.
                let jobs = self.release(claim_id, 1).await?;
                tracing::info!(jobs, "stopping: handed jobs not yet run back to the queue");
                break;
            }
            let job = Job {
                attempts: u32::try_from(row.attempts).unwrap_or(u32::MAX),
                id: row.id,
                kind: row.kind,
                payload: row.payload,
                user_id: row.user_id,
                claim_id: claim_id.to_owned(),
            };
            match self.handlers.get(job.kind.as_str()) {
                Some(handler) => {
                    let span = tracing::info_span!("job", job_id = %job.id, kind = %job.kind);
                    let outcome = handler.run(&job).instrument(span).await;
                    self.settle(&job, handler.as_ref(), outcome).await?;
                }
                // Unreachable while claims name only handled kinds; retried, never lost.
                None => {
                    let e = JobError::transient(format!("no handler for {}", job.kind));
                    self.settle_failure(&job, e).await?;
                }
            }
        }
        Ok(())
    }

    /// Takes up to `batch_size` due, unleased jobs of the kinds it handles, leases them to
    /// `claim_id` and counts the attempt.
    async fn claim(&self, claim_id: &str) -> Result<Vec<ClaimedRow>> {
        if self.handlers.is_empty() {
            return Ok(Vec::new());
        }
        let now = chrono::Utc::now().timestamp_millis();
        let locked_until = now.saturating_add(millis(self.options.lease));
        let limit = i64::from(self.options.batch_size);
        // The dialects differ here: PostgreSQL skips rows another runner is claiming this instant;
        // SQLite has one writer, and Db::begin's BEGIN IMMEDIATE makes the claim wait its turn.
        let lock = match self.db.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let mut kinds: Vec<&'static str> = self.handlers.keys().copied().collect();
        kinds.sort_unstable();
        let placeholders: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 5)).collect();
        let placeholders = placeholders.join(", ");
        let sql = format!(
            "UPDATE jobs SET locked_until_ms = $1, claim_id = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM jobs WHERE status = 'pending' AND run_at_ms <= $3 \
                          AND (locked_until_ms IS NULL OR locked_until_ms <= $3) \
                          AND kind IN ({placeholders}) \
                          ORDER BY run_at_ms, id LIMIT $4 {lock}) \
             RETURNING id, kind, payload, user_id, attempts"
        );
        let mut tx = self.db.begin().await?;
        let rows: Vec<ClaimedRow> = on_tx!(&mut tx, conn => {
            let mut query = sqlx::query_as(&sql)
                .bind(locked_until)
                .bind(claim_id)
                .bind(now)
                .bind(limit);
            for kind in &kinds {
                query = query.bind(*kind);
            }
            query.fetch_all(conn).await?
        });
        tx.commit().await?;
        Ok(rows)
    }

    /// Records the outcome of one run, if the claim still holds the job.
    async fn settle(
        &self,
        job: &Job,
        handler: &dyn Handler,
        outcome: std::result::Result<Outcome, JobError>,
    ) -> Result<()> {
        let settled = match outcome {
            Ok(Outcome::Done) => {
                let sql = "UPDATE jobs SET status = 'done', finished_at = $1, payload = $2, \
                           locked_until_ms = NULL, claim_id = NULL, last_error = NULL \
                           WHERE id = $3 AND claim_id = $4";
                on_pool!(&self.db, pool => sqlx::query(sql)
                    .bind(chrono::Utc::now())
                    .bind(handler.settled_payload(&job.payload))
                    .bind(&job.id)
                    .bind(&job.claim_id)
                    .execute(pool)
                    .await?
                    .rows_affected())
            }
            Ok(Outcome::Discarded) => {
                let sql = "DELETE FROM jobs WHERE id = $1 AND claim_id = $2";
                on_pool!(&self.db, pool => sqlx::query(sql)
                    .bind(&job.id)
                    .bind(&job.claim_id)
                    .execute(pool)
                    .await?
                    .rows_affected());
                tracing::debug!(job_id = %job.id, kind = %job.kind, "job had nothing to do");
                // Withdrawn meanwhile, or taken over: either way nothing is left to record.
                return Ok(());
            }
            Err(e) if e.permanent || job.attempts >= self.options.max_attempts => {
                tracing::error!(
                    job_id = %job.id,
                    kind = %job.kind,
                    attempts = job.attempts,
                    error = %e,
                    "job failed for good"
                );
                let sql = "UPDATE jobs SET status = 'failed', finished_at = $1, payload = $2, \
                           last_error = $3, locked_until_ms = NULL, claim_id = NULL \
                           WHERE id = $4 AND claim_id = $5";
                let settled = on_pool!(&self.db, pool => sqlx::query(sql)
                    .bind(chrono::Utc::now())
                    .bind(handler.settled_payload(&job.payload))
                    .bind(&e.message)
                    .bind(&job.id)
                    .bind(&job.claim_id)
                    .execute(pool)
                    .await?
                    .rows_affected());
                if settled > 0 {
                    handler.gave_up(job, &e).await;
                }
                settled
            }
            Err(e) => return self.settle_failure(job, e).await,
        };
        if settled == 0 {
            // Withdrawn meanwhile (deleted), or the lease ran out and another runner took the job
            // (it settles it).
            tracing::warn!(
                job_id = %job.id,
                "job outcome not recorded: withdrawn, or the lease ran out"
            );
        }
        Ok(())
    }

    /// Schedules the next attempt after a transient failure (or one with no handler).
    async fn settle_failure(&self, job: &Job, e: JobError) -> Result<()> {
        let delay = self.options.backoff(job.attempts, jitter());
        tracing::warn!(
            job_id = %job.id,
            kind = %job.kind,
            attempts = job.attempts,
            retry_in_ms = millis(delay),
            error = %e,
            "job failed; will retry"
        );
        let due = chrono::Utc::now()
            .timestamp_millis()
            .saturating_add(millis(delay));
        let sql = "UPDATE jobs SET run_at_ms = $1, last_error = $2, locked_until_ms = NULL, \
                   claim_id = NULL WHERE id = $3 AND claim_id = $4";
        let settled = on_pool!(&self.db, pool => sqlx::query(sql)
            .bind(due)
            .bind(&e.message)
            .bind(&job.id)
            .bind(&job.claim_id)
            .execute(pool)
            .await?
            .rows_affected());
        if settled == 0 {
            tracing::warn!(
                job_id = %job.id,
                "job outcome not recorded: withdrawn, or the lease ran out"
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_jitter_never_overtakes_the_next_step() {
        let options = WorkerOptions {
            base_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(3600),
            ..WorkerOptions::default()
        };
        let cases = [
            (1, 0.0, 30_000),
            (2, 0.0, 60_000),
            (3, 0.0, 120_000),
            (1, 1.0, 37_500),
            (8, 0.0, 3_600_000),
            (40, 0.0, 3_600_000),
        ];
        for (attempts, jitter, expected_ms) in cases {
            assert_eq!(
                options.backoff(attempts, jitter).as_millis(),
                expected_ms,
                "attempts {attempts}, jitter {jitter}"
            );
        }
        for attempts in 1..6 {
            assert!(options.backoff(attempts, 1.0) < options.backoff(attempts + 1, 0.0));
        }
    }

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }
}
