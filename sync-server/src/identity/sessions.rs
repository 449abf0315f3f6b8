//! Sign-in sessions: opaque tokens (only their SHA-256 stored), 30 days sliding within 90 days
//! from sign-in, revocable.
//!
//! Owns creating, authenticating, listing and revoking sessions. Authentication touches
//! `last_seen_at` at most once a minute so reads stay reads. Never returns another user's session:
//! every query that takes a session id also takes the caller's user id.

use chrono::{DateTime, Duration, Utc};
use shared::api::accounts::SessionInfo;
use shared::domain::{SessionId, UserId};

use super::users::{UserRow, USER_COLUMNS};
use super::{token, Client, User};
use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::Result;
use shared::api::Timestamp;

/// How long a session lives without use; each use (at most once a minute) extends it.
pub const LIFETIME: Duration = Duration::days(30);
/// How long a session lives at most, however often it is used: a stolen token stops working
/// after this even if the thief keeps it busy.
pub const ABSOLUTE_LIFETIME: Duration = Duration::days(90);
/// `last_seen_at` is written at most this often per session.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A session that authenticated a request.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: SessionId,
    pub user: User,
}

/// Starts a session for `user_id`; returns the token to hand to the client (shown once).
pub async fn create(tx: &mut Tx, user_id: &UserId, client: &Client) -> Result<String> {
    let (token, hash) = token::generate();
    let now = Utc::now();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at, \
                                   user_agent, ip) \
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
        )
        .bind(SessionId::new())
        .bind(user_id)
        .bind(&hash)
        .bind(now)
        .bind(now + LIFETIME)
        .bind(client.user_agent.as_deref())
        .bind(client.ip_text())
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(token)
}

#[derive(sqlx::FromRow)]
struct SessionUserRow {
    session_id: SessionId,
    session_created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    #[sqlx(flatten)]
    user: UserRow,
}

/// The live session a token belongs to, or `None` for an unknown, expired or revoked token or a
/// deleted account. Slides the expiry forward when the session was last seen over a minute ago.
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<Session>> {
    if !token::looks_valid(token) {
        return Ok(None);
    }
    let hash = token::hash(token);
    let sql = format!(
        "SELECT s.id AS session_id, s.created_at AS session_created_at, s.last_seen_at, \
                s.expires_at, {USER_COLUMNS} \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND u.deleted_at IS NULL"
    );
    let row: Option<SessionUserRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(&hash).fetch_optional(pool).await?
    });
    let Some(row) = row else {
        return Ok(None);
    };
    let now = Utc::now();
    let ends_at = row.session_created_at + ABSOLUTE_LIFETIME;
    if row.expires_at <= now || ends_at <= now {
        on_pool!(db, pool => {
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(&row.session_id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        return Ok(None);
    }
    if now - row.last_seen_at >= TOUCH_EVERY {
        on_pool!(db, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1")
                .bind(&row.session_id)
                .bind(now)
                .bind((now + LIFETIME).min(ends_at))
                .execute(pool)
                .await?
                .rows_affected()
        });
    }
    Ok(Some(Session {
        id: row.session_id,
        user: User::try_from(row.user)?,
    }))
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: SessionId,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    user_agent: Option<String>,
    ip: Option<String>,
}

/// The caller's live sessions, newest first; `current` marks the one making the request.
pub async fn list(
    db: &Db,
    user_id: &UserId,
    current: Option<&SessionId>,
) -> Result<Vec<SessionInfo>> {
    let rows: Vec<SessionRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, created_at, last_seen_at, expires_at, user_agent, ip FROM sessions \
             WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?
    });
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .filter(|row| row.expires_at > now)
        .map(|row| SessionInfo {
            current: current == Some(&row.id),
            created_at: Timestamp::from(row.created_at),
            last_seen_at: Timestamp::from(row.last_seen_at),
            expires_at: Timestamp::from(row.expires_at),
            user_agent: row.user_agent,
            ip: row.ip,
            id: row.id,
        })
        .collect())
}

/// Ends one of the caller's sessions; false when `session_id` is not one of theirs.
pub async fn revoke(tx: &mut Tx, user_id: &UserId, session_id: &SessionId) -> Result<bool> {
    let done = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(session_id)
            .bind(user_id)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(done > 0)
}

/// Ends every session of `user_id` except `keep` (the one changing the password).
pub async fn revoke_all(tx: &mut Tx, user_id: &UserId, keep: Option<&SessionId>) -> Result<u64> {
    let done = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(keep.map_or("", SessionId::as_str))
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(done)
}

/// Deletes every expired session (the hourly housekeeping). Returns how many went.
pub async fn purge_expired(db: &Db) -> Result<u64> {
    let now = Utc::now();
    let deleted = on_pool!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR created_at <= $2")
            .bind(now)
            .bind(now - ABSOLUTE_LIFETIME)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(deleted)
}

/// Removes the user's sessions that have expired (housekeeping at sign-in).
pub async fn forget_expired(tx: &mut Tx, user_id: &UserId) -> Result<()> {
    // On SQLite times are RFC 3339 text written by one encoder (always `+00:00`), which sorts in
    // time order, so the comparison is the same on both backends.
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
            .bind(user_id)
            .bind(Utc::now())
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(())
}
