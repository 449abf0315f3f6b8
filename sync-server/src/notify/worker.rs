//! The mail worker: claims due outbox rows in small batches, hands them to the `Transport`, and
//! marks each sent, or schedules a retry with exponential backoff and jitter, or gives up.
//!
//! Safe with several server processes on one PostgreSQL database: a claim takes rows with
//! `FOR UPDATE SKIP LOCKED` and leases them (`locked_until_ms`), so each row goes to one worker and
//! a crashed worker's rows come back when the lease ends. Only the claim holder may settle a row.
//! A row queued as a `TokenMail` is composed (token made, text rendered) just before it is sent and
//! its text is never written back; a settled row keeps no body. Logs show masked addresses only.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::transport::{DeliveryError, Mail, Transport};
use super::{mask_email, Composer, TokenMail};
use crate::config::Backend;
use crate::db::{on_pool, on_tx, Db};
use crate::error::{Error, Result};

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// False: this process queues mail but never sends it (another process does; tests that
    /// look at the queue before delivery drive `deliver_due` themselves).
    pub enabled: bool,
    /// How often to look for rows other processes queued (this process's are announced by `wake`).
    pub poll_interval: Duration,
    /// Rows claimed at once.
    pub batch_size: u32,
    /// How long a claim holds its rows; after it, another worker may take them.
    pub lease: Duration,
    /// Attempts before a mail is marked `failed`.
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
    id: String,
    user_id: Option<String>,
    to_email: String,
    to_name: String,
    template: String,
    subject: String,
    body_text: String,
    body_html: String,
    attempts: i32,
    deferred: Option<String>,
}

/// Delivers the outbox. Cheap to clone; `run` it as a task.
#[derive(Debug, Clone)]
pub struct Worker {
    db: Db,
    transport: Arc<dyn Transport>,
    composer: Option<Arc<dyn Composer>>,
    options: WorkerOptions,
}

/// What became of a claimed row before sending.
enum Prepared {
    Send(Mail),
    /// A token mail with nothing to send (no such account, or the row was withdrawn meanwhile).
    Nothing,
}

impl Worker {
    pub fn new(db: Db, transport: Arc<dyn Transport>, options: WorkerOptions) -> Self {
        Self {
            db,
            transport,
            composer: None,
            options,
        }
    }

    /// Composes `TokenMail` rows with `composer` (without one they fail and are retried).
    pub fn with_composer(mut self, composer: Arc<dyn Composer>) -> Self {
        self.composer = Some(composer);
        self
    }

    /// Delivers until `stop` turns true (or its sender is dropped). Wakes when a transaction that
    /// queued mail commits, and every `poll_interval`. A failing database is logged and tried
    /// again at the next poll.
    #[tracing::instrument(name = "mail_worker", skip_all)]
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut woken = self.db.jobs_waker().listen();
        tracing::debug!("mail worker started");
        loop {
            if *stop.borrow() {
                break;
            }
            match self.deliver_due().await {
                // A full batch: there may be more due right now.
                Ok(n) if n >= self.options.batch_size as usize => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "mail worker cannot reach the outbox"),
            }
            tokio::select! {
                changed = stop.changed() => if changed.is_err() { break },
                _ = woken.changed() => {},
                () = tokio::time::sleep(self.options.poll_interval) => {},
            }
        }
        tracing::debug!("mail worker stopped");
    }

    /// Claims one batch of due mail, sends it, and settles each row. Returns how many were claimed.
    pub async fn deliver_due(&self) -> Result<usize> {
        let claim_id = uuid::Uuid::now_v7().to_string();
        let claimed = self.claim(&claim_id).await?;
        let count = claimed.len();
        for row in claimed {
            let attempts = u32::try_from(row.attempts).unwrap_or(u32::MAX);
            let id = row.id.clone();
            let template = row.template.clone();
            match self.prepare(row, &claim_id).await {
                Ok(Prepared::Send(mail)) => {
                    let outcome = self.transport.send(&mail).await;
                    self.settle(
                        &mail.outbox_id,
                        &mail.to_email,
                        &mail.template,
                        &claim_id,
                        attempts,
                        outcome,
                    )
                    .await?;
                }
                Ok(Prepared::Nothing) => self.withdraw(&id, &claim_id).await?,
                Err(e) => {
                    let outcome = Err(DeliveryError::transient(format!("cannot compose: {e}")));
                    self.settle(&id, "", &template, &claim_id, attempts, outcome)
                        .await?;
                }
            }
        }
        Ok(count)
    }

    /// The mail of a claimed row: as stored, or, for a `TokenMail`, composed now in one
    /// transaction that first re-takes the row (so a row withdrawn meanwhile sends nothing).
    async fn prepare(&self, row: ClaimedRow, claim_id: &str) -> Result<Prepared> {
        let Some(deferred) = row.deferred else {
            return Ok(Prepared::Send(Mail {
                outbox_id: row.id,
                user_id: row.user_id,
                to_email: row.to_email,
                to_name: row.to_name,
                template: row.template,
                subject: row.subject,
                text: row.body_text,
                html: row.body_html,
            }));
        };
        let composer = self
            .composer
            .as_ref()
            .ok_or_else(|| Error::Internal("no composer for token mail".into()))?;
        let token_mail: TokenMail = serde_json::from_str(&deferred)
            .map_err(|e| Error::Internal(format!("outbox {}: bad token mail: {e}", row.id)))?;
        let mut tx = self.db.begin().await?;
        let still_ours = on_tx!(&mut tx, conn => {
            sqlx::query(
                "UPDATE outbox SET locked_until_ms = locked_until_ms \
                 WHERE id = $1 AND claim_id = $2 AND status = 'pending'",
            )
            .bind(&row.id)
            .bind(claim_id)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if still_ours == 0 {
            return Ok(Prepared::Nothing);
        }
        let composed = composer.compose(&mut tx, &token_mail).await?;
        tx.commit().await?;
        let Some((to, template)) = composed else {
            return Ok(Prepared::Nothing);
        };
        let rendered = template.render(to.locale, &to.display_name);
        Ok(Prepared::Send(Mail {
            outbox_id: row.id,
            user_id: to.user_id,
            to_email: to.email,
            to_name: to.display_name,
            template: row.template,
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
        }))
    }

    /// Deletes a token mail's row that had nothing to send.
    async fn withdraw(&self, id: &str, claim_id: &str) -> Result<()> {
        on_pool!(&self.db, pool => sqlx::query("DELETE FROM outbox WHERE id = $1 AND claim_id = $2")
            .bind(id)
            .bind(claim_id)
            .execute(pool)
            .await?
            .rows_affected());
        tracing::debug!(outbox_id = %id, "token mail had nothing to send");
        Ok(())
    }

    /// Takes up to `batch_size` due, unleased rows, leases them to `claim_id` and counts the attempt.
    async fn claim(&self, claim_id: &str) -> Result<Vec<ClaimedRow>> {
        let now = chrono::Utc::now().timestamp_millis();
        let locked_until = now.saturating_add(millis(self.options.lease));
        let limit = i64::from(self.options.batch_size);
        // The dialects differ here: PostgreSQL skips rows another worker is claiming this instant;
        // SQLite has one writer, and Db::begin's BEGIN IMMEDIATE makes the claim wait its turn.
        let lock = match self.db.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET locked_until_ms = $1, claim_id = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND due_at_ms <= $3 \
                          AND (locked_until_ms IS NULL OR locked_until_ms <= $3) \
                          ORDER BY due_at_ms, id LIMIT $4 {lock}) \
             RETURNING id, user_id, to_email, to_name, template, subject, body_text, body_html, \
                       attempts, deferred"
        );
        let mut tx = self.db.begin().await?;
        let rows: Vec<ClaimedRow> = crate::db::on_tx!(&mut tx, conn => {
            sqlx::query_as(&sql)
                .bind(locked_until)
                .bind(claim_id)
                .bind(now)
                .bind(limit)
                .fetch_all(conn)
                .await?
        });
        tx.commit().await?;
        Ok(rows)
    }

    /// Records the outcome of one attempt, if the claim still holds the row.
    /// A settled row keeps no body: the mail has left (or never will), and what it said is the
    /// recipient's business, not a backup's.
    async fn settle(
        &self,
        id: &str,
        to_email: &str,
        template: &str,
        claim_id: &str,
        attempts: u32,
        outcome: std::result::Result<(), DeliveryError>,
    ) -> Result<()> {
        let to = mask_email(to_email);
        let settled = match outcome {
            Ok(()) => {
                let sql =
                    "UPDATE outbox SET status = 'sent', sent_at = $1, locked_until_ms = NULL, \
                           claim_id = NULL, last_error = NULL, body_text = '', body_html = '' \
                     WHERE id = $2 AND claim_id = $3";
                on_pool!(&self.db, pool => sqlx::query(sql)
                    .bind(chrono::Utc::now())
                    .bind(id)
                    .bind(claim_id)
                    .execute(pool)
                    .await?
                    .rows_affected())
            }
            Err(e) if e.permanent || attempts >= self.options.max_attempts => {
                tracing::error!(
                    outbox_id = %id,
                    to = %to,
                    template = %template,
                    attempts,
                    error = %e,
                    "mail failed for good"
                );
                let sql = "UPDATE outbox SET status = 'failed', last_error = $1, \
                           locked_until_ms = NULL, claim_id = NULL, body_text = '', body_html = '' \
                           WHERE id = $2 AND claim_id = $3";
                on_pool!(&self.db, pool => sqlx::query(sql)
                    .bind(&e.message)
                    .bind(id)
                    .bind(claim_id)
                    .execute(pool)
                    .await?
                    .rows_affected())
            }
            Err(e) => {
                let delay = self.options.backoff(attempts, jitter());
                tracing::warn!(
                    outbox_id = %id,
                    to = %to,
                    template = %template,
                    attempts,
                    retry_in_ms = millis(delay),
                    error = %e,
                    "mail not sent; will retry"
                );
                let due = chrono::Utc::now()
                    .timestamp_millis()
                    .saturating_add(millis(delay));
                let sql = "UPDATE outbox SET due_at_ms = $1, last_error = $2, \
                           locked_until_ms = NULL, claim_id = NULL WHERE id = $3 AND claim_id = $4";
                on_pool!(&self.db, pool => sqlx::query(sql)
                    .bind(due)
                    .bind(&e.message)
                    .bind(id)
                    .bind(claim_id)
                    .execute(pool)
                    .await?
                    .rows_affected())
            }
        };
        if settled == 0 {
            // The lease ran out mid-send and another worker took the row: it settles it.
            tracing::warn!(outbox_id = %id, "mail outcome not recorded: the claim had expired");
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
