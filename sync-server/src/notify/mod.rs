//! Notifications: mail queued as a job (`jobs`) in the same transaction as the action that causes
//! it, sent later by the job runner, and in-app notifications (the bell).
//!
//! Owns the templates, the two mail job kinds and their handlers (`delivery`), the transports, the
//! dev mailbox and the `notifications` table. Never sends mail inside a request: `enqueue` only
//! queues a job, and committing it wakes the runner. Never keeps a usable secret at rest: mail
//! carrying a single-use link is queued as a `TokenMail` and composed (token made, text rendered)
//! when it is sent; sent and failed mail loses its text at once and its row after `jobs::RETENTION`.

pub mod daily;
pub mod delivery;
mod in_app;
pub mod mailbox;
mod template;
pub mod transport;

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use shared::api::accounts::Locale;
use shared::domain::{Email, NotificationId, UserId};

use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::Result;
use crate::jobs;
use delivery::{MailPayload, TokenMailPayload, MAIL, TOKEN_MAIL};

pub use delivery::handlers as mail_handlers;
pub use in_app::{export_for_user, list_for_user, mark_all_read, mark_read};
pub use template::{escape_html, escape_html_into, InApp, Rendered, LEARN_PATH, REVIEW_PATH};
pub use transport::{DeliveryError, Mail, Transport};

/// Who a mail goes to. `user_id` is `None` for an address with no account behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: Option<UserId>,
    pub email: Email,
    pub display_name: String,
    pub locale: Locale,
}

/// Every mail the server sends. Links are complete URLs (`{EDU_PUBLIC_URL}/…`) built by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Template {
    VerifyEmail {
        link: String,
    },
    ConfirmEmailChange {
        link: String,
    },
    ResetPassword {
        link: String,
    },
    AccountAlreadyExists {
        sign_in_link: String,
        reset_link: String,
    },
    PasswordChanged,
    /// Sent to the old address.
    EmailChanged {
        new_email: String,
    },
    /// Mail and in-app notification.
    TeacherApplicationApproved,
    /// Mail and in-app notification, with the admin's reason.
    TeacherApplicationRejected {
        reason: String,
    },
    /// "Cards are due" (mail and in-app): `count` cards waiting, a link to review them and the
    /// one-click unsubscribe link (also in the mail's `List-Unsubscribe` header).
    CardsDue {
        count: u32,
        review_link: String,
        unsubscribe_link: String,
    },
    /// In-app only (the bell): `author` replied in a discussion of `lesson_title` that the
    /// recipient takes part in; `link` is the lesson page's path.
    DiscussionReply {
        author: String,
        lesson_title: String,
        link: String,
    },
    /// The daily mail digest of replies the recipient has not seen: one line per reply
    /// ("author in lesson: excerpt"), the account page where the digest is turned off and the
    /// one-click unsubscribe link.
    DiscussionDigest {
        lines: Vec<String>,
        account_link: String,
        unsubscribe_link: String,
    },
    /// "Your streak is at risk" (mail and in-app): a `streak`-day streak breaks tonight unless
    /// today's goal is reached; a link to learn and the one-click unsubscribe link.
    StreakAtRisk {
        streak: u32,
        learn_link: String,
        unsubscribe_link: String,
    },
}

/// Renders the template in the recipient's locale (subject, text, html) and queues it in the same
/// transaction as the action that caused it. Approvals/rejections also create an in-app
/// notification. The job runner is woken when `tx` commits.
pub async fn enqueue(tx: &mut Tx, to: &Recipient, template: Template) -> Result<()> {
    let rendered = template.render(to.locale, &to.display_name);
    let payload = MailPayload {
        to_email: to.email.to_string(),
        to_name: to.display_name.clone(),
        locale: to.locale,
        template: template.code().to_owned(),
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
    };
    let options = jobs::Options {
        user_id: to.user_id.clone(),
        ..jobs::Options::default()
    };
    jobs::enqueue(tx, MAIL, &payload, options).await?;
    if let (Some(in_app), Some(user_id)) = (&rendered.in_app, &to.user_id) {
        add_in_app(tx, user_id, template.code(), in_app).await?;
    }
    tracing::debug!(template = template.code(), "mail queued");
    Ok(())
}

/// Adds an in-app notification (the bell's entry) for `user_id`, of kind `code`, in `tx`.
pub async fn add_in_app(tx: &mut Tx, user_id: &UserId, code: &str, in_app: &InApp) -> Result<()> {
    let now = chrono::Utc::now();
    on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO notifications (id, user_id, kind, title, body, link, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(NotificationId::new())
            .bind(user_id)
            .bind(code)
            .bind(&in_app.title)
            .bind(&in_app.body)
            .bind(&in_app.link)
            .bind(now)
            .execute(conn)
            .await
            .map(drop)?
    });
    Ok(())
}

/// Mail whose link carries a single-use token. Queued with `enqueue_token_mail`; its job asks
/// its `Composer` to make the token and say who gets which `Template` at the moment it sends, so
/// the link exists only in the mail itself (and, hashed, in `account_tokens`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TokenMail {
    /// A new account's verification link.
    VerifyEmail { user_id: UserId },
    /// Someone asked for a new verification link: sent only if an unverified account has the
    /// address (looked up when the mail is composed, so the request does the same work either way).
    ResendVerification { email_key: String },
    /// Someone asked for a password reset link: sent only if an account has the address.
    ResetPassword { email_key: String },
    /// A link to `new_email` confirming it as the account's address.
    ConfirmEmailChange { user_id: UserId, new_email: Email },
}

impl TokenMail {
    /// The template's name, for logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::VerifyEmail { .. } | Self::ResendVerification { .. } => "verify_email",
            Self::ResetPassword { .. } => "reset_password",
            Self::ConfirmEmailChange { .. } => "confirm_email_change",
        }
    }

    /// The account the mail is about, when known at queue time (password changes and account
    /// deletion remove such mail that has not left yet).
    fn user_id(&self) -> Option<&UserId> {
        match self {
            Self::VerifyEmail { user_id } | Self::ConfirmEmailChange { user_id, .. } => {
                Some(user_id)
            }
            Self::ResendVerification { .. } | Self::ResetPassword { .. } => None,
        }
    }
}

pub type ComposeFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<(Recipient, Template)>>> + Send + 'a>>;

/// Makes the token of a `TokenMail` inside the mail job's transaction and says who gets which mail,
/// or `None` when there is nothing to send (no such account, already verified, address taken).
/// Implemented by `identity::Accounts`.
pub trait Composer: std::fmt::Debug + Send + Sync + 'static {
    fn compose<'a>(&'a self, tx: &'a mut Tx, mail: &'a TokenMail) -> ComposeFuture<'a>;
}

/// Queues a `TokenMail` to `to_email` in the caller's transaction: one job with no text, the same
/// work whether or not an account has the address.
pub async fn enqueue_token_mail(tx: &mut Tx, to_email: &Email, mail: &TokenMail) -> Result<()> {
    let payload = TokenMailPayload {
        to_email: to_email.to_string(),
        token_mail: mail.clone(),
    };
    let options = jobs::Options {
        user_id: mail.user_id().cloned(),
        ..jobs::Options::default()
    };
    jobs::enqueue(tx, TOKEN_MAIL, &payload, options).await?;
    tracing::debug!(template = mail.code(), "token mail queued");
    Ok(())
}

/// Drops a user's token mail that has not left yet (a password change or reset calls it, so a
/// link asked for before cannot be made after). Takes the jobs' locks first: a job composing one
/// of them either finishes before (and its token is then removed with the others) or finds the
/// job gone and sends nothing.
pub async fn forget_token_mail(tx: &mut Tx, user_id: &UserId) -> Result<()> {
    jobs::withdraw(tx, TOKEN_MAIL, user_id).await?;
    Ok(())
}

/// How long dev-mailbox mail is kept.
pub const RETENTION: chrono::Duration = chrono::Duration::days(7);

/// Deletes dev-mailbox mail created before `before` (mail jobs go with `jobs::purge`). Returns
/// how many rows went.
pub async fn purge(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    let deleted = on_pool!(db, pool => {
        sqlx::query("DELETE FROM dev_mailbox WHERE created_at < $1")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(deleted)
}

/// An address as logs may show it: the first character of the local part and the domain
/// (`k***@example.org`), enough to tell a provider's trouble from a typo, not enough to collect.
pub fn mask_email(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// Removes a deleted user's notifications and mail, queued or sent, and every other job of theirs
/// (account deletion calls it).
pub async fn forget_user(tx: &mut Tx, user_id: &UserId) -> Result<()> {
    for sql in [
        "DELETE FROM notifications WHERE user_id = $1",
        "DELETE FROM dev_mailbox WHERE user_id = $1",
    ] {
        on_tx!(tx, conn => sqlx::query(sql).bind(user_id).execute(conn).await.map(drop)?);
    }
    jobs::forget_user(tx, user_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_addresses_keep_the_first_letter_and_the_domain() {
        let cases = [
            ("kate@example.org", "k***@example.org"),
            ("k@example.org", "k***@example.org"),
            ("Борис@почта.рф", "Б***@почта.рф"),
            ("a@b@example.org", "a***@example.org"),
            ("no-at-sign", "***"),
        ];
        for (email, masked) in cases {
            assert_eq!(mask_email(email), masked, "{email}");
        }
    }

    #[test]
    fn token_mail_is_stored_as_tagged_json() {
        let mail = TokenMail::ConfirmEmailChange {
            user_id: UserId::parse("01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0e").unwrap(),
            new_email: Email::parse("new@example.org").unwrap(),
        };
        let json = serde_json::to_string(&mail).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"confirm_email_change","user_id":"01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0e","new_email":"new@example.org"}"#
        );
        assert_eq!(serde_json::from_str::<TokenMail>(&json).unwrap(), mail);
        assert_eq!(mail.code(), "confirm_email_change");
    }
}
