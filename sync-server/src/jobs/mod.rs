//! Background jobs: one database-backed queue for every kind of work that must not run inside a
//! request (mail, and later sync projections, AI drafts, reminders, webhooks).
//!
//! Owns the `jobs` table's life (queueing, claiming, retrying, purging) and the doorbell that wakes
//! this process's runner. Never runs a job inside the transaction that queued it.

use shared::domain::{JobId, UserId};
use tokio::sync::watch;

/// Wakes this process's job runner: rung by `Tx::commit` after a transaction that queued a job.
/// Other server processes find the job at their next poll. Cheap to clone.
///
/// A counter in a `watch` channel rather than a `Notify`: every runner listening (tests run several
/// on one database) sees each ring, and a ring while a runner is busy is not lost.
#[derive(Debug, Clone)]
pub struct Waker {
    rings: std::sync::Arc<watch::Sender<u64>>,
}

impl Default for Waker {
    fn default() -> Self {
        Self::new()
    }
}

impl Waker {
    pub fn new() -> Self {
        Self {
            rings: std::sync::Arc::new(watch::channel(0).0),
        }
    }

    /// Tells the runner new work is waiting (it looks at once, or again when it is done).
    pub fn wake(&self) {
        self.rings.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A handle that completes `woken` once per ring since it last did.
    pub fn listen(&self) -> watch::Receiver<u64> {
        self.rings.subscribe()
    }
}

mod runner;

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};

use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};

pub use runner::{Runner, WorkerOptions};

/// How long finished (done or failed) jobs are kept, with what their handler let them keep of the
/// payload; after it, their row and their unique key go.
pub const RETENTION: chrono::Duration = chrono::Duration::days(7);

/// How a job is queued; `Options::default()` runs it as soon as possible, once per `enqueue`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Not before this time (a reminder's hour); `None`: now.
    pub run_at: Option<DateTime<Utc>>,
    /// Names one piece of work (`reminder:{user_id}:{day}`): while a row holds the key, pending or
    /// finished, queueing it again does nothing, in any process; the key is free again once the
    /// row is purged (`RETENTION` after it finished). Work meant to repeat puts its period in the
    /// key. Chosen over "unique while pending" so that a reminder sent at 18:00 is not sent again by
    /// a scheduler tick at 18:05; a failed keyed job is not re-queued by the next tick either (its
    /// error is in `last_error`; an operator re-runs it by setting it back to `pending`).
    pub unique_key: Option<String>,
    /// Whose personal data the payload carries: account deletion removes the user's jobs.
    pub user_id: Option<UserId>,
}

/// Queues a job of `kind` (a registered `Handler`'s) in the caller's transaction: it exists only if
/// `tx` commits, and the commit wakes this process's runner. Returns the job's id, or `None` when
/// `options.unique_key` is already taken (then nothing was queued).
pub async fn enqueue<P: serde::Serialize + ?Sized>(
    tx: &mut Tx,
    kind: &str,
    payload: &P,
    options: Options,
) -> Result<Option<JobId>> {
    let payload = serde_json::to_string(payload)
        .map_err(|e| Error::Internal(format!("cannot encode a {kind} job: {e}")))?;
    let now = Utc::now();
    let run_at = options.run_at.unwrap_or(now);
    let id = JobId::new();
    // With a key taken, PostgreSQL waits for the transaction holding it: if that one commits this
    // insert does nothing, if it rolls back this one goes in. SQLite has one writer at a time.
    let inserted = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, user_id, unique_key, status, attempts, \
                               run_at_ms, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $7) \
             ON CONFLICT (unique_key) DO NOTHING",
        )
        .bind(&id)
        .bind(kind)
        .bind(&payload)
        .bind(&options.user_id)
        .bind(&options.unique_key)
        .bind(run_at.timestamp_millis())
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected()
    });
    if inserted == 0 {
        tracing::debug!(kind, "job not queued: its unique key is taken");
        return Ok(None);
    }
    tx.queued_job();
    tracing::debug!(job_id = %id, kind, "job queued");
    Ok(Some(id))
}

/// Deletes the pending jobs of `kind` for `user_id` (a password change withdraws mail with links).
/// Takes the rows' locks: a handler holding one (`Job::hold`) finishes first, or finds it gone.
pub async fn withdraw(tx: &mut Tx, kind: &str, user_id: &UserId) -> Result<u64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("DELETE FROM jobs WHERE kind = $1 AND user_id = $2 AND status = 'pending'")
            .bind(kind)
            .bind(user_id)
            .execute(conn)
            .await?
            .rows_affected()
    }))
}

/// Deletes every job of a deleted user, pending or finished.
pub async fn forget_user(tx: &mut Tx, user_id: &UserId) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM jobs WHERE user_id = $1")
            .bind(user_id)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(())
}

/// Deletes jobs that finished before `before` (freeing their unique keys). Returns how many went.
pub async fn purge(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    Ok(on_pool!(db, pool => {
        sqlx::query("DELETE FROM jobs WHERE status IN ('done', 'failed') AND finished_at < $1")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected()
    }))
}

/// The queue's state for one job kind, as the metrics show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindStats {
    pub kind: String,
    /// Jobs waiting to run (due or not yet).
    pub pending: i64,
    /// Pending jobs that failed at least once and wait for a retry.
    pub retrying: i64,
    /// Failed for good (kept until purged).
    pub failed: i64,
    /// How long the oldest due job has waited past its run time, in seconds (0 when none is due).
    pub oldest_due_seconds: i64,
}

/// The queue by kind, as of `now`: one query over the `jobs_due` index's columns.
pub async fn stats(db: &Db, now: DateTime<Utc>) -> Result<Vec<KindStats>> {
    let now_ms = now.timestamp_millis();
    let rows: Vec<(String, i64, i64, i64, Option<i64>)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT kind, \
                    COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0), \
                    COALESCE(SUM(CASE WHEN status = 'pending' AND attempts > 0 THEN 1 ELSE 0 END), 0), \
                    COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0), \
                    MIN(CASE WHEN status = 'pending' AND run_at_ms <= $1 THEN run_at_ms END) \
             FROM jobs GROUP BY kind ORDER BY kind",
        )
        .bind(now_ms)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(kind, pending, retrying, failed, oldest)| KindStats {
            kind,
            pending,
            retrying,
            failed,
            oldest_due_seconds: oldest.map_or(0, |run_at| (now_ms - run_at).max(0) / 1_000),
        })
        .collect())
}

/// Why a run did not succeed. A `permanent` error is not retried (a malformed payload, an address
/// the mail server refuses); any other is, with backoff, until `WorkerOptions::max_attempts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    pub permanent: bool,
    /// Kept in `jobs.last_error`: name what failed, never a secret from the payload.
    pub message: String,
}

impl JobError {
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            permanent: false,
            message: message.into(),
        }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            permanent: true,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a successful run leaves behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The work is done: the row stays `done` until it is purged.
    Done,
    /// There was nothing to do (the work was withdrawn or no longer applies): the row is deleted.
    Discarded,
}

/// A claimed job, as its handler sees it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    /// JSON, as queued.
    pub payload: String,
    pub user_id: Option<UserId>,
    /// Counting this one.
    pub attempts: u32,
    claim_id: String,
}

impl Job {
    /// The payload as the handler's type; a payload that does not parse fails for good.
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> std::result::Result<T, JobError> {
        serde_json::from_str(&self.payload)
            .map_err(|e| JobError::permanent(format!("job {}: bad payload: {e}", self.id)))
    }

    /// Re-takes the job's row inside the handler's own transaction, holding its lock until `tx`
    /// ends; false when the job was withdrawn or another runner took it over (its lease ran out),
    /// and then the handler must write nothing. Handlers that write their results in a transaction
    /// call it first, so work withdrawn meanwhile is not done.
    pub async fn hold(&self, tx: &mut Tx) -> Result<bool> {
        let held = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE jobs SET locked_until_ms = locked_until_ms \
                 WHERE id = $1 AND claim_id = $2 AND status = 'pending'",
            )
            .bind(&self.id)
            .bind(&self.claim_id)
            .execute(conn)
            .await?
            .rows_affected()
        });
        Ok(held > 0)
    }
}

pub type RunFuture<'a> =
    Pin<Box<dyn Future<Output = std::result::Result<Outcome, JobError>> + Send + 'a>>;

/// What [`Handler::gave_up`] returns.
pub type GaveUpFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Runs the jobs of one kind. A job may run more than once (a runner can stop between the work and
/// recording it, and its lease then runs out), so handlers are idempotent or fence their writes
/// with `Job::hold`.
pub trait Handler: std::fmt::Debug + Send + Sync + 'static {
    /// The `kind` its jobs are queued with; one handler per kind.
    fn kind(&self) -> &'static str;

    fn run<'a>(&'a self, job: &'a Job) -> RunFuture<'a>;

    /// What of the payload a finished job keeps until it is purged: all of it unless the handler
    /// says otherwise (mail drops its text, which is the recipient's business, not a backup's).
    fn settled_payload(&self, payload: &str) -> String {
        payload.to_owned()
    }

    /// Called once the job has failed for good (a permanent error, or its last attempt), after
    /// the row is marked `failed`: a handler whose work shows a state of its own elsewhere (a
    /// batch "running" on a teacher's screen) ends that state here, so nothing waits for ever.
    /// Best effort: it may fail too, and then only logs.
    fn gave_up<'a>(&'a self, _job: &'a Job, _error: &'a JobError) -> GaveUpFuture<'a> {
        Box::pin(async {})
    }
}
