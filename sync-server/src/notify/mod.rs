//! Notifications: mail queued in the `outbox` table in the same transaction as the action that
//! causes it, delivered later by a background worker, and in-app notifications (the bell).
//!
//! Owns the templates, the outbox, the dev mailbox and the `notifications` table. Never sends mail
//! inside a request: `enqueue` only writes rows; after committing, callers `wake` the worker.

mod in_app;
pub mod mailbox;
mod template;
pub mod transport;
pub mod worker;

use std::sync::Arc;

use shared::api::accounts::Locale;

use crate::db::{on_tx, Tx};
use crate::error::Result;

pub use in_app::{list_for_user, mark_all_read, mark_read};
pub use template::{escape_html, InApp, Rendered};
pub use transport::{DeliveryError, Mail, Transport};
pub use worker::{Worker, WorkerOptions};

/// Who a mail goes to. `user_id` is `None` for an address with no account behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: Option<String>,
    pub email: String,
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
}

/// Renders the template in the recipient's locale (subject, text, html) and queues it in the same
/// transaction as the action that caused it. Approvals/rejections also create an in-app
/// notification. Call `Outbox::wake` after committing so the mail leaves at once.
pub async fn enqueue(tx: &mut Tx, to: &Recipient, template: Template) -> Result<()> {
    let rendered = template.render(to.locale, &to.display_name);
    let now = chrono::Utc::now();
    let id = uuid::Uuid::now_v7().to_string();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO outbox (id, user_id, to_email, to_name, locale, template, subject, \
             body_text, body_html, status, attempts, due_at_ms, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $10, $11)",
        )
        .bind(&id)
        .bind(&to.user_id)
        .bind(&to.email)
        .bind(&to.display_name)
        .bind(to.locale.code())
        .bind(template.code())
        .bind(&rendered.subject)
        .bind(&rendered.text)
        .bind(&rendered.html)
        .bind(now.timestamp_millis())
        .bind(now)
        .execute(conn)
        .await
        .map(drop)?
    });
    if let (Some(in_app), Some(user_id)) = (&rendered.in_app, &to.user_id) {
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO notifications (id, user_id, kind, title, body, link, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(user_id)
            .bind(template.code())
            .bind(&in_app.title)
            .bind(&in_app.body)
            .bind(&in_app.link)
            .bind(now)
            .execute(conn)
            .await
            .map(drop)?
        });
    }
    tracing::debug!(outbox_id = %id, template = template.code(), "mail queued");
    Ok(())
}

/// Removes a deleted user's notifications and queued mail (account deletion calls it).
pub async fn forget_user(tx: &mut Tx, user_id: &str) -> Result<()> {
    for sql in [
        "DELETE FROM notifications WHERE user_id = $1",
        "DELETE FROM outbox WHERE user_id = $1",
        "DELETE FROM dev_mailbox WHERE user_id = $1",
    ] {
        on_tx!(tx, conn => sqlx::query(sql).bind(user_id).execute(conn).await.map(drop)?);
    }
    Ok(())
}

/// Wakes the mail worker: call it after committing a transaction that enqueued mail. Cheap to clone.
/// Other server processes pick the mail up at their next poll.
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    wake: Arc<tokio::sync::Notify>,
}

impl Outbox {
    pub fn new() -> Self {
        Self::default()
    }

    /// Tells the worker new mail is waiting (a no-op when it is already busy: it looks again).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Completes at the next `wake` (or at once if one came since the last wait).
    pub async fn woken(&self) {
        self.wake.notified().await;
    }
}
