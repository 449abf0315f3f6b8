//! How queued mail leaves: SMTP (`lettre`) when `EDU_SMTP_URL` is set; otherwise the dev mailbox
//! (dev mode) or the log alone. The worker sees only the `Transport` trait, so tests inject their own.
//!
//! Logs name the recipient and subject only: bodies hold single-use tokens and never reach the log.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::db::{on_pool, Db};

/// A claimed outbox row, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub outbox_id: String,
    pub user_id: Option<String>,
    pub to_email: String,
    pub to_name: String,
    pub template: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why a mail did not leave. `permanent` failures (a malformed address, a 5xx answer) are not retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryError {
    pub permanent: bool,
    pub message: String,
}

impl DeliveryError {
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

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), DeliveryError>> + Send + 'a>>;

/// Something that delivers one mail. Must be safe to call from several tasks at once.
pub trait Transport: fmt::Debug + Send + Sync + 'static {
    fn send<'a>(&'a self, mail: &'a Mail) -> SendFuture<'a>;
}

/// How long one SMTP conversation may take before it counts as failed (and is retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Mail over SMTP; the connection pool is `lettre`'s.
pub struct SmtpTransport {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The server URL without its password, for logs.
    server: String,
}

impl fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpTransport")
            .field("server", &self.server)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpTransport {
    /// `url` as lettre reads it: `smtp://…` is plain unless `?tls=required|opportunistic`,
    /// `smtps://…` is TLS from the first byte.
    pub fn new(url: &crate::config::SmtpUrl, from: Mailbox) -> Result<Self, String> {
        let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| format!("EDU_SMTP_URL: {} is not usable: {e}", url.redacted()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self {
            mailer,
            from,
            server: url.redacted(),
        })
    }

    fn message(&self, mail: &Mail) -> Result<Message, DeliveryError> {
        let address = mail.to_email.parse().map_err(|e| {
            DeliveryError::permanent(format!(
                "not a deliverable address {:?}: {e}",
                mail.to_email
            ))
        })?;
        let to = Mailbox::new(Some(mail.to_name.clone()), address);
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| DeliveryError::permanent(format!("cannot build the message: {e}")))
    }
}

impl Transport for SmtpTransport {
    fn send<'a>(&'a self, mail: &'a Mail) -> SendFuture<'a> {
        Box::pin(async move {
            let message = self.message(mail)?;
            match self.mailer.send(message).await {
                Ok(_) => {
                    tracing::info!(to = %mail.to_email, subject = %mail.subject, "mail sent by SMTP");
                    Ok(())
                }
                Err(e) if e.is_permanent() => Err(DeliveryError::permanent(format!(
                    "{} refused the mail: {e}",
                    self.server
                ))),
                Err(e) => Err(DeliveryError::transient(format!(
                    "SMTP via {}: {e}",
                    self.server
                ))),
            }
        })
    }
}

/// No SMTP server: each mail is written to the `dev_mailbox` table (read at `/dev/mailbox`) and
/// announced in the log. Only in dev mode.
#[derive(Debug, Clone)]
pub struct DevMailbox {
    db: Db,
}

impl DevMailbox {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

impl Transport for DevMailbox {
    fn send<'a>(&'a self, mail: &'a Mail) -> SendFuture<'a> {
        Box::pin(async move {
            let sql = "INSERT INTO dev_mailbox (id, outbox_id, user_id, to_email, subject, \
                       body_text, body_html, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
            let inserted = on_pool!(&self.db, pool => {
                sqlx::query(sql)
                    .bind(uuid::Uuid::now_v7().to_string())
                    .bind(&mail.outbox_id)
                    .bind(&mail.user_id)
                    .bind(&mail.to_email)
                    .bind(&mail.subject)
                    .bind(&mail.text)
                    .bind(&mail.html)
                    .bind(chrono::Utc::now())
                    .execute(pool)
                    .await
                    .map(drop)
            });
            inserted.map_err(|e| DeliveryError::transient(format!("dev mailbox: {e}")))?;
            tracing::info!(
                to = %mail.to_email,
                subject = %mail.subject,
                "mail delivered to the dev mailbox (/dev/mailbox)"
            );
            Ok(())
        })
    }
}

/// The transport the configuration asks for.
pub fn from_config(config: &Config, db: &Db) -> Result<std::sync::Arc<dyn Transport>, String> {
    Ok(match &config.smtp_url {
        Some(url) => {
            let from = Mailbox::from_str(&config.mail_from)
                .map_err(|e| format!("EDU_MAIL_FROM: {:?}: {e}", config.mail_from))?;
            tracing::info!(server = %url, "mail goes out by SMTP");
            std::sync::Arc::new(SmtpTransport::new(url, from)?)
        }
        // Without SMTP mail is kept in the dev mailbox table rather than dropped, so nothing is lost
        // once an operator configures SMTP or reads it there; only dev mode shows it over HTTP.
        None if config.dev_mode => {
            tracing::info!("no EDU_SMTP_URL: mail goes to the dev mailbox at /dev/mailbox");
            std::sync::Arc::new(DevMailbox::new(db.clone()))
        }
        None => {
            tracing::warn!(
                "no EDU_SMTP_URL: mail is kept in the dev_mailbox table, not sent; \
                 set EDU_SMTP_URL so people receive their verification and reset links"
            );
            std::sync::Arc::new(DevMailbox::new(db.clone()))
        }
    })
}
