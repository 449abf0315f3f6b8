//! What the daily mails share ("cards are due", "streak at risk" and the discussion digest):
//! - the payload of their mail job;
//! - the claim of one reminder a day, in the transaction that adds the bell's entry and queues
//!   the mail;
//! - the mail itself, composed when its job runs, with its one-click unsubscribe address;
//! - the handler that composes and sends it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use shared::domain::UserId;

use super::{Mail, Template, Transport};
use crate::db::{on_tx, Db};
use crate::error::Result;
use crate::identity::users::{user_in, User};
use crate::jobs::{self, Handler, Job, JobError, Outcome, RunFuture};

/// What a daily mail's job carries: whose, and which of their local days; nothing secret.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DailyPayload {
    pub user_id: UserId,
    pub local_date: String,
}

/// One day's claim of a reminder: `insert` adds the row (user `$1`, local date `$2`, the figure
/// the reminder tells `$3`, the time `$4`) or nothing when the primary key has it already.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub insert: &'static str,
    pub user: &'a UserId,
    pub local_date: &'a str,
    pub figure: i64,
    pub now: DateTime<Utc>,
}

/// In one transaction: takes `claim` (none if another process or an earlier sweep did), adds
/// the bell's entry (the in-app part of `bell`, rendered in the user's language) and queues the
/// `kind` mail job, unique per user and day. Whether this call took it.
pub async fn claim(db: &Db, claim: Claim<'_>, bell: &Template, kind: &'static str) -> Result<bool> {
    let mut tx = db.begin().await?;
    let claimed = on_tx!(&mut tx, conn => {
        sqlx::query(claim.insert)
            .bind(claim.user)
            .bind(claim.local_date)
            .bind(claim.figure)
            .bind(claim.now)
            .execute(conn)
            .await?
            .rows_affected()
    });
    if claimed == 0 {
        return Ok(false);
    }
    let Some(user) = user_in(&mut tx, claim.user).await? else {
        return Ok(false);
    };
    if let Some(in_app) = bell.render(user.locale, &user.display_name).in_app {
        super::add_in_app(&mut tx, &user.id, bell.code(), &in_app).await?;
    }
    let payload = DailyPayload {
        user_id: user.id.clone(),
        local_date: claim.local_date.to_owned(),
    };
    let options = jobs::Options {
        unique_key: Some(format!("{kind}:{}:{}", user.id, claim.local_date)),
        user_id: Some(user.id.clone()),
        run_at: None,
    };
    jobs::enqueue(&mut tx, kind, &payload, options).await?;
    tx.commit().await?;
    tracing::debug!(user_id = %user.id, date = claim.local_date, kind, "daily reminder claimed");
    Ok(true)
}

/// The mail of `template` to `user` for `job`, in their language; `list_unsubscribe` is the
/// one-click address of the list it belongs to (RFC 8058).
pub fn mail_to(job: &Job, user: &User, template: &Template, list_unsubscribe: String) -> Mail {
    let rendered = template.render(user.locale, &user.display_name);
    Mail {
        job_id: job.id.clone(),
        user_id: Some(user.id.clone()),
        to_email: user.email.to_string(),
        to_name: user.display_name.clone(),
        template: template.code().to_owned(),
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        list_unsubscribe: Some(list_unsubscribe),
    }
}

/// What a sweep returns: how many reminders it queued.
pub type SweepFuture<'a> = Pin<Box<dyn Future<Output = Result<u32>> + Send + 'a>>;

/// Runs the sweep jobs of one daily reminder: `sweep` finds who is due one at the time given and
/// claims it ([`claim`]).
#[derive(Debug)]
pub struct SweepHandler {
    pub db: Db,
    pub kind: &'static str,
    pub sweep: for<'a> fn(&'a Db, DateTime<Utc>) -> SweepFuture<'a>,
}

impl Handler for SweepHandler {
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn run<'a>(&'a self, _job: &'a Job) -> RunFuture<'a> {
        Box::pin(async move {
            (self.sweep)(&self.db, Utc::now())
                .await
                .map(|_| Outcome::Done)
                .map_err(|e| JobError::transient(format!("{}: {e}", self.kind)))
        })
    }
}

/// What [`DailyMail::compose`] returns.
pub type ComposeFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<Mail>>> + Send + 'a>>;

/// One kind of daily mail: what its job is called and how its mail is made when the job runs.
pub trait DailyMail: std::fmt::Debug + Send + Sync + 'static {
    /// The job kind.
    fn kind(&self) -> &'static str;

    /// The mail to send now for `payload`, or `None` when there is nothing to send any more (the
    /// job was withdrawn, the account is gone or unconfirmed, the mail was turned off, what it
    /// was about has passed).
    fn compose<'a>(&'a self, job: &'a Job, payload: &'a DailyPayload) -> ComposeFuture<'a>;
}

/// Runs the jobs of one [`DailyMail`]: composes the mail, sends it through `transport`.
#[derive(Debug)]
pub struct DailyMailHandler<M> {
    pub mail: M,
    pub transport: Arc<dyn Transport>,
}

impl<M: DailyMail> Handler for DailyMailHandler<M> {
    fn kind(&self) -> &'static str {
        self.mail.kind()
    }

    fn run<'a>(&'a self, job: &'a Job) -> RunFuture<'a> {
        Box::pin(async move {
            let payload: DailyPayload = job.payload()?;
            match self.mail.compose(job, &payload).await {
                Ok(Some(mail)) => self
                    .transport
                    .send(&mail)
                    .await
                    .map(|()| Outcome::Done)
                    .inspect_err(|e| {
                        tracing::warn!(
                            to = %super::mask_email(&mail.to_email),
                            kind = self.mail.kind(),
                            error = %e,
                            "daily mail not sent"
                        );
                    }),
                Ok(None) => Ok(Outcome::Discarded),
                Err(e) => Err(JobError::transient(format!("cannot compose: {e}"))),
            }
        })
    }
}
