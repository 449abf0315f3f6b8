//! The dev mailbox: where mail lands when no SMTP server is configured, for a developer (or a test)
//! to read links from. Served only in dev mode (`/api/dev/mailbox`, `/dev/mailbox`).
//!
//! Owns the `dev_mailbox` table. Must never be the way mail reaches real users.

use crate::db::{on_pool, Db};
use crate::error::Result;

/// One delivered mail, newest first in lists.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MailboxMessage {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The one-click unsubscribe address (`List-Unsubscribe`) of a subscription mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_unsubscribe: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: shared::api::Timestamp,
}

#[derive(sqlx::FromRow)]
struct MailboxRow {
    id: String,
    to_email: String,
    subject: String,
    body_text: String,
    body_html: String,
    list_unsubscribe: Option<String>,
    created_at: chrono::DateTime<chrono::Utc>,
}

/// The most mail one listing returns.
pub const MAILBOX_LIMIT: i64 = 200;

/// Mail delivered to `to` (any case), or to anyone when `to` is `None`; newest first.
pub async fn list(db: &Db, to: Option<&str>) -> Result<Vec<MailboxMessage>> {
    let rows: Vec<MailboxRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, to_email, subject, body_text, body_html, list_unsubscribe, created_at \
             FROM dev_mailbox \
             WHERE $1 IS NULL OR lower(to_email) = lower($1) ORDER BY id DESC LIMIT $2",
        )
        .bind(to)
        .bind(MAILBOX_LIMIT)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|row| MailboxMessage {
            id: row.id,
            to: row.to_email,
            subject: row.subject,
            text: row.body_text,
            html: row.body_html,
            list_unsubscribe: row.list_unsubscribe,
            created_at: row.created_at.into(),
        })
        .collect())
}
