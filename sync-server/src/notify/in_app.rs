//! In-app notifications (the bell): a user's newest notifications, the unread count, marking read.
//!
//! Owns reads and updates of the `notifications` table; rows are created by `notify::enqueue`.
//! Every query is scoped to the user: another user's id is "not found", never "forbidden".

use shared::api::notifications::{Notification, NotificationList};
use shared::domain::{NotificationId, UserId};

use crate::db::{on_pool, Db};
use crate::error::{Error, Result};

/// How many notifications a list returns.
pub const LIST_LIMIT: i64 = 50;

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: NotificationId,
    title: String,
    body: String,
    link: Option<String>,
    created_at: chrono::DateTime<chrono::Utc>,
    read_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The user's newest notifications (at most `LIST_LIMIT`) and how many are unread in all.
pub async fn list_for_user(db: &Db, user_id: &UserId) -> Result<NotificationList> {
    let items = newest_for_user(db, user_id, LIST_LIMIT).await?;
    let unread: i64 = on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(pool)
        .await?
    });
    Ok(NotificationList {
        items,
        unread_count: u32::try_from(unread).unwrap_or(u32::MAX),
    })
}

/// Every notification of the user, newest first (the account export).
pub async fn export_for_user(db: &Db, user_id: &UserId) -> Result<Vec<Notification>> {
    newest_for_user(db, user_id, i64::MAX).await
}

async fn newest_for_user(db: &Db, user_id: &UserId, limit: i64) -> Result<Vec<Notification>> {
    let rows: Vec<NotificationRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, title, body, link, created_at, read_at FROM notifications \
             WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|row| Notification {
            id: row.id,
            title: row.title,
            body: row.body,
            link: row.link,
            created_at: row.created_at.into(),
            read: row.read_at.is_some(),
        })
        .collect())
}

/// Marks one of the user's notifications read (again is fine). Not theirs or no such id: NotFound.
pub async fn mark_read(db: &Db, user_id: &UserId, id: &NotificationId) -> Result<()> {
    let found: Option<(String,)> = on_pool!(db, pool => {
        sqlx::query_as(
            "UPDATE notifications SET read_at = COALESCE(read_at, $1) \
             WHERE id = $2 AND user_id = $3 RETURNING id",
        )
        .bind(chrono::Utc::now())
        .bind(id)
        .bind(user_id)
        .fetch_optional(pool)
        .await?
    });
    found
        .map(drop)
        .ok_or_else(|| Error::NotFound("no such notification".into()))
}

/// Marks all of the user's notifications read.
pub async fn mark_all_read(db: &Db, user_id: &UserId) -> Result<()> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(chrono::Utc::now())
            .bind(user_id)
            .execute(pool)
            .await
            .map(drop)?
    });
    Ok(())
}
