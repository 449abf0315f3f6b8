//! Mail as two job kinds: `mail`, rendered when queued, and `token_mail`, composed (token made,
//! text rendered) by a `Composer` just before it is sent, so no mailed link is ever stored.
//!
//! Both hand the mail to the `Transport`; the job queue does the claiming, retrying and settling.
//! A finished mail job keeps who and what, never the text. Logs show masked addresses only.

use std::sync::Arc;

use shared::api::accounts::Locale;

use super::transport::{Mail, Transport};
use super::{mask_email, Composer, TokenMail};
use crate::db::Db;
use crate::jobs::{Handler, Job, JobError, Outcome, RunFuture};

/// The kind of rendered mail.
pub const MAIL: &str = "mail";
/// The kind of mail composed when it is sent.
pub const TOKEN_MAIL: &str = "token_mail";

/// A `mail` job: the rendered mail. Its text goes once the job is finished.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct MailPayload {
    pub to_email: String,
    pub to_name: String,
    pub locale: Locale,
    /// Which `Template`, for logs.
    pub template: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A `token_mail` job: where it goes and what to compose; nothing secret.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct TokenMailPayload {
    pub to_email: String,
    pub token_mail: TokenMail,
}

/// The handlers of both mail kinds, sending through `transport`; `composer` makes token mail.
pub fn handlers(
    db: &Db,
    transport: Arc<dyn Transport>,
    composer: Arc<dyn Composer>,
) -> [Arc<dyn Handler>; 2] {
    [
        Arc::new(MailHandler {
            transport: transport.clone(),
        }),
        Arc::new(TokenMailHandler {
            db: db.clone(),
            transport,
            composer,
        }),
    ]
}

/// Sends through the transport; a failure is logged with the masked address and handed back.
async fn send(transport: &dyn Transport, mail: &Mail) -> Result<Outcome, JobError> {
    match transport.send(mail).await {
        Ok(()) => Ok(Outcome::Done),
        Err(e) => {
            tracing::warn!(
                to = %mask_email(&mail.to_email),
                template = %mail.template,
                error = %e,
                "mail not sent"
            );
            Err(e)
        }
    }
}

#[derive(Debug)]
struct MailHandler {
    transport: Arc<dyn Transport>,
}

impl Handler for MailHandler {
    fn kind(&self) -> &'static str {
        MAIL
    }

    fn run<'a>(&'a self, job: &'a Job) -> RunFuture<'a> {
        Box::pin(async move {
            let payload: MailPayload = job.payload()?;
            let mail = Mail {
                job_id: job.id.clone(),
                user_id: job.user_id.clone(),
                to_email: payload.to_email,
                to_name: payload.to_name,
                template: payload.template,
                subject: payload.subject,
                text: payload.text,
                html: payload.html,
                list_unsubscribe: None,
            };
            send(self.transport.as_ref(), &mail).await
        })
    }

    /// The mail has left (or never will): what it said is the recipient's business, not a backup's.
    fn settled_payload(&self, payload: &str) -> String {
        let Ok(mut mail) = serde_json::from_str::<MailPayload>(payload) else {
            return "{}".to_owned();
        };
        mail.text.clear();
        mail.html.clear();
        serde_json::to_string(&mail).unwrap_or_else(|_| "{}".to_owned())
    }
}

#[derive(Debug)]
struct TokenMailHandler {
    db: Db,
    transport: Arc<dyn Transport>,
    composer: Arc<dyn Composer>,
}

impl TokenMailHandler {
    /// The mail to send, composed in one transaction that first re-takes the job (so mail withdrawn
    /// meanwhile by a password change sends nothing); `None` when there is nothing to send.
    async fn compose(
        &self,
        job: &Job,
        payload: &TokenMailPayload,
    ) -> crate::error::Result<Option<Mail>> {
        let mut tx = self.db.begin().await?;
        if !job.hold(&mut tx).await? {
            return Ok(None);
        }
        let composed = self.composer.compose(&mut tx, &payload.token_mail).await?;
        tx.commit().await?;
        let Some((to, template)) = composed else {
            return Ok(None);
        };
        let rendered = template.render(to.locale, &to.display_name);
        Ok(Some(Mail {
            job_id: job.id.clone(),
            user_id: to.user_id,
            to_email: to.email.into(),
            to_name: to.display_name,
            template: payload.token_mail.code().to_owned(),
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
            list_unsubscribe: None,
        }))
    }
}

impl Handler for TokenMailHandler {
    fn kind(&self) -> &'static str {
        TOKEN_MAIL
    }

    fn run<'a>(&'a self, job: &'a Job) -> RunFuture<'a> {
        Box::pin(async move {
            let payload: TokenMailPayload = job.payload()?;
            match self.compose(job, &payload).await {
                Ok(Some(mail)) => send(self.transport.as_ref(), &mail).await,
                Ok(None) => Ok(Outcome::Discarded),
                Err(e) => Err(JobError::transient(format!("cannot compose: {e}"))),
            }
        })
    }
}
