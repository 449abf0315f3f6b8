//! How queued mail leaves: SMTP (`lettre`) when `EDU_SMTP_URL` is set; otherwise the dev mailbox
//! table, which keeps bodies only in dev mode. The mail jobs see only the `Transport` trait, so tests
//! inject their own.
//!
//! Logs name a masked recipient and the subject only: bodies hold single-use tokens and never reach
//! the log, and neither do whole addresses.

use shared::domain::{JobId, UserId};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::mask_email;
use crate::config::Config;
use crate::db::{on_pool, Db};

/// A claimed mail job, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub job_id: JobId,
    pub user_id: Option<UserId>,
    pub to_email: String,
    pub to_name: String,
    pub template: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A one-click unsubscribe address (RFC 8058): sent as `List-Unsubscribe` with
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`. Mail that is not a subscription has none.
    pub list_unsubscribe: Option<String>,
}

/// Why a mail did not leave: the job's own error, since a delivery is a mail job's work.
/// `permanent` failures (a malformed address, a 5xx answer) are not retried.
pub type DeliveryError = crate::jobs::JobError;

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

    /// Whether the SMTP server answers and accepts this client (greeting, TLS, login), sending
    /// nothing: for `sync-server doctor`.
    pub async fn check(&self) -> Result<(), String> {
        match self.mailer.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err("the server did not accept a connection".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn message(&self, mail: &Mail) -> Result<Message, DeliveryError> {
        let address = mail.to_email.parse().map_err(|e| {
            DeliveryError::permanent(format!(
                "not a deliverable address {}: {e}",
                mask_email(&mail.to_email)
            ))
        })?;
        let to = Mailbox::new(Some(mail.to_name.clone()), address);
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone());
        if let Some(url) = &mail.list_unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        builder
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
                    tracing::info!(
                        to = %mask_email(&mail.to_email),
                        subject = %mail.subject,
                        "mail sent by SMTP"
                    );
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

/// No SMTP server: each mail is written to the `dev_mailbox` table (read at `/dev/mailbox` in dev
/// mode) and announced in the log. Outside dev mode nobody may read it, and a mailed link is a
/// secret, so only who and what is kept, never the bodies.
#[derive(Debug, Clone)]
pub struct DevMailbox {
    db: Db,
    keep_bodies: bool,
}

impl DevMailbox {
    /// `keep_bodies`: dev mode, where a developer reads the links from `/dev/mailbox`.
    pub fn new(db: Db, keep_bodies: bool) -> Self {
        Self { db, keep_bodies }
    }
}

impl Transport for DevMailbox {
    fn send<'a>(&'a self, mail: &'a Mail) -> SendFuture<'a> {
        Box::pin(async move {
            let sql = "INSERT INTO dev_mailbox (id, job_id, user_id, to_email, subject, \
                       body_text, body_html, created_at, list_unsubscribe) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
            let inserted = on_pool!(&self.db, pool => {
                sqlx::query(sql)
                    .bind(uuid::Uuid::now_v7().to_string())
                    .bind(&mail.job_id)
                    .bind(&mail.user_id)
                    .bind(&mail.to_email)
                    .bind(&mail.subject)
                    .bind(if self.keep_bodies { mail.text.as_str() } else { "" })
                    .bind(if self.keep_bodies { mail.html.as_str() } else { "" })
                    .bind(chrono::Utc::now())
                    .bind(&mail.list_unsubscribe)
                    .execute(pool)
                    .await
                    .map(drop)
            });
            inserted.map_err(|e| DeliveryError::transient(format!("dev mailbox: {e}")))?;
            if self.keep_bodies {
                tracing::info!(
                    to = %mask_email(&mail.to_email),
                    subject = %mail.subject,
                    "mail delivered to the dev mailbox (/dev/mailbox)"
                );
            } else {
                tracing::warn!(
                    to = %mask_email(&mail.to_email),
                    subject = %mail.subject,
                    "mail not sent: no EDU_SMTP_URL (its text is not kept)"
                );
            }
            Ok(())
        })
    }
}

/// The transport the configuration asks for.
pub fn from_config(config: &Config, db: &Db) -> Result<std::sync::Arc<dyn Transport>, String> {
    Ok(match &config.mail.smtp_url {
        Some(url) => {
            let from = Mailbox::from_str(&config.mail.from)
                .map_err(|e| format!("EDU_MAIL_FROM: {:?}: {e}", config.mail.from))?;
            tracing::info!(server = %url, "mail goes out by SMTP");
            std::sync::Arc::new(SmtpTransport::new(url, from)?)
        }
        None if config.dev_mode => {
            tracing::info!("no EDU_SMTP_URL: mail goes to the dev mailbox at /dev/mailbox");
            std::sync::Arc::new(DevMailbox::new(db.clone(), true))
        }
        // Outside dev mode nobody can read the dev mailbox, and its links would be secrets at
        // rest: only the recipient and subject of each unsent mail are recorded.
        None => {
            tracing::warn!(
                "no EDU_SMTP_URL: mail is not sent (the dev_mailbox table records only who and \
                 what, not the text); set EDU_SMTP_URL so people receive their verification and \
                 reset links"
            );
            std::sync::Arc::new(DevMailbox::new(db.clone(), false))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(list_unsubscribe: Option<&str>) -> Mail {
        Mail {
            job_id: JobId::new(),
            user_id: None,
            to_email: "ada@example.org".into(),
            to_name: "Ada".into(),
            template: "cards_due".into(),
            subject: "Cards are due".into(),
            text: "text".into(),
            html: "<p>html</p>".into(),
            list_unsubscribe: list_unsubscribe.map(str::to_owned),
        }
    }

    fn transport() -> SmtpTransport {
        let url = crate::config::SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap();
        SmtpTransport::new(&url, "EduPlatform <no-reply@example.org>".parse().unwrap()).unwrap()
    }

    // The SMTP pool is built on the Tokio runtime.
    #[tokio::test]
    async fn subscription_mail_carries_one_click_unsubscribe_headers() {
        let url = "https://edu.example.org/api/reminders/unsubscribe?token=abc.def";
        let formatted = transport().message(&mail(Some(url))).unwrap().formatted();
        let text = String::from_utf8_lossy(&formatted);
        assert!(
            text.contains(&format!("List-Unsubscribe: <{url}>\r\n")),
            "{text}"
        );
        assert!(
            text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn other_mail_has_no_unsubscribe_headers() {
        let formatted = transport().message(&mail(None)).unwrap().formatted();
        let text = String::from_utf8_lossy(&formatted);
        assert!(!text.contains("List-Unsubscribe"), "{text}");
    }
}
