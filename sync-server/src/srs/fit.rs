//! The personal-parameters job `srs_fit`: fits FSRS parameters to a learner's synced review log
//! (`srs_reviews`) with `shared::srs::fit` on a blocking thread, and appends the result as an
//! `srs_parameters` event to their profile document as the server, so every device gets it by sync.
//!
//! Queued when a sync brings reviews and the learner has at least `MIN_REVIEWS` of them, at most
//! once per week (its unique key names the week), so the first fit comes as soon as the count is
//! reached and later ones weekly while the learner keeps reviewing.

use chrono::Utc;
use shared::doc::event::FittedParameters;
use shared::doc::{Event, EventKind};
use shared::domain::{DocId, UserId};
use shared::srs::fit::{fit, ReviewRecord, MIN_REVIEWS};

use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::Result;
use crate::jobs::{self, Handler, Job, JobError, Outcome, RunFuture};
use crate::sync::DocCache;

/// The job kind.
pub const FIT: &str = "srs_fit";

const WEEK_MS: i64 = 7 * 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct FitPayload {
    user_id: UserId,
}

/// Queues `user`'s fit for this week if they have enough synced reviews (`MIN_REVIEWS`) and none
/// is queued or done this week; in the transaction that recorded their new reviews.
pub async fn queue_if_due(tx: &mut Tx, user: &UserId, now_ms: i64) -> Result<()> {
    let count: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT COUNT(*) FROM srs_reviews WHERE user_id = $1")
            .bind(user)
            .fetch_one(conn)
            .await?
    });
    if usize::try_from(count).unwrap_or(0) < MIN_REVIEWS {
        return Ok(());
    }
    let week = now_ms.div_euclid(WEEK_MS);
    let options = jobs::Options {
        unique_key: Some(format!("{FIT}:{user}:{week}")),
        user_id: Some(user.clone()),
        run_at: None,
    };
    jobs::enqueue(
        tx,
        FIT,
        &FitPayload {
            user_id: user.clone(),
        },
        options,
    )
    .await?;
    Ok(())
}

/// Runs `srs_fit` jobs.
#[derive(Debug)]
pub struct FitHandler {
    pub db: Db,
    pub docs: DocCache,
}

impl FitHandler {
    /// Fits and records; nothing to record (too few reviews, a fit that fails for this log) is
    /// logged and done with for the week, so a log that cannot be fitted is not tried at every sync.
    async fn run_fit(&self, user: &UserId) -> Result<()> {
        let rows: Vec<(String, i64, i32)> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT card_id, reviewed_at_ms, rating FROM srs_reviews WHERE user_id = $1 \
                 ORDER BY reviewed_at_ms, event_id",
            )
            .bind(user)
            .fetch_all(pool)
            .await?
        });
        if rows.len() < MIN_REVIEWS {
            return Ok(());
        }
        let reviews: Vec<ReviewRecord> = rows
            .into_iter()
            .filter_map(|(card_id, at_ms, rating)| {
                Some(ReviewRecord {
                    card_id,
                    at_ms,
                    rating: shared::srs::Rating::from_number(u8::try_from(rating).ok()?)?,
                })
            })
            .collect();
        let count = reviews.len();
        // The optimizer takes seconds of CPU on a large log: off the async workers.
        let fitted = tokio::task::spawn_blocking(move || fit(&reviews))
            .await
            .map_err(|e| crate::error::Error::Internal(format!("the fit panicked: {e}")))?;
        let fitted = match fitted {
            Ok(fitted) => fitted,
            Err(e) => {
                tracing::warn!(user_id = %user, error = %e, "no personal parameters: the fit failed");
                return Ok(());
            }
        };
        let event = Event::new(
            EventKind::SrsParameters(FittedParameters {
                weights: fitted.weights.to_vec(),
                log_loss_before: fitted.log_loss_before,
                log_loss_after: fitted.log_loss_after,
                review_count: u64::try_from(count).unwrap_or(u64::MAX),
            }),
            Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        );
        let doc = DocId::profile(user);
        crate::sync::append_as_server(&self.db, &self.docs, &doc, user, &event).await?;
        tracing::info!(
            user_id = %user,
            reviews = count,
            log_loss_before = fitted.log_loss_before,
            log_loss_after = fitted.log_loss_after,
            "personal FSRS parameters fitted"
        );
        Ok(())
    }
}

impl Handler for FitHandler {
    fn kind(&self) -> &'static str {
        FIT
    }

    fn run<'a>(&'a self, job: &'a Job) -> RunFuture<'a> {
        Box::pin(async move {
            let payload: FitPayload = job.payload()?;
            self.run_fit(&payload.user_id)
                .await
                .map(|()| Outcome::Done)
                .map_err(|e| JobError::transient(format!("srs fit: {e}")))
        })
    }
}
