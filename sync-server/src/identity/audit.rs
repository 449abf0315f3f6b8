//! The security audit log: who did what security-relevant thing, from where, when.
//!
//! Owns the event names and the one INSERT. Written in the same transaction as the change it
//! records. Never holds a password, a token or an email address beyond what `detail` says.

use chrono::{DateTime, Utc};
use shared::api::Timestamp;
use shared::domain::UserId;

use super::Client;
use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::Result;

shared::stored_codes! {
    /// What happened; the code is the `event` column.
    pub enum Event {
        SignIn = "sign_in",
        SignInFailed = "sign_in_failed",
        SignOut = "sign_out",
        PasswordChanged = "password_changed",
        PasswordReset = "password_reset",
        EmailChanged = "email_changed",
        RoleChanged = "role_changed",
        AccountDeleted = "account_deleted",
        SessionRevoked = "session_revoked",
    }
}

const INSERT: &str =
    "INSERT INTO audit_log (id, user_id, event, ip, user_agent, detail, created_at) \
                      VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Records `event` inside `tx`.
pub async fn record(
    tx: &mut Tx,
    event: Event,
    user_id: Option<&UserId>,
    client: &Client,
    detail: Option<&str>,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(INSERT)
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(user_id)
            .bind(event.code())
            .bind(client.ip_text())
            .bind(client.user_agent.as_deref())
            .bind(detail)
            .bind(Utc::now())
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(())
}

/// Records `event` on its own (for events with no other change, such as a failed sign-in).
pub async fn record_alone(
    db: &Db,
    event: Event,
    user_id: Option<&UserId>,
    client: &Client,
) -> Result<()> {
    on_pool!(db, pool => {
        sqlx::query(INSERT)
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(user_id)
            .bind(event.code())
            .bind(client.ip_text())
            .bind(client.user_agent.as_deref())
            .bind(None::<String>)
            .bind(Utc::now())
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(())
}

/// One entry as its user sees it in their data export.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub event: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub detail: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    event: String,
    ip: Option<String>,
    user_agent: Option<String>,
    detail: Option<String>,
    created_at: DateTime<Utc>,
}

/// The events of one user, oldest first.
pub async fn for_user(db: &Db, user_id: &UserId) -> Result<Vec<Entry>> {
    let rows: Vec<EntryRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT event, ip, user_agent, detail, created_at FROM audit_log \
             WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|row| Entry {
            event: row.event,
            ip: row.ip,
            user_agent: row.user_agent,
            detail: row.detail,
            created_at: row.created_at.into(),
        })
        .collect())
}
