//! Known devices: browsers that signed in to an account before, remembered by a random token in a
//! long-lived cookie (only its SHA-256 is stored).
//!
//! Owns the `known_devices` table. A known device proves nothing and opens no session: it only
//! lets its sign-in attempts count against a budget of its own, so that strangers guessing the
//! password cannot lock the owner out (see `rate_limit`). Ended by a password reset and by
//! deleting the account.

use chrono::{Duration, Utc};
use shared::domain::UserId;

use super::token;
use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::Result;

/// How long a browser stays known without signing in again.
pub const LIFETIME: Duration = Duration::days(365);

/// The stored hash of `device_token` when it belongs to a browser that signed in to the account
/// with `email_key` before and has not expired; `None` otherwise (a forged, stale or other
/// account's cookie).
pub async fn known(db: &Db, device_token: &str, email_key: &str) -> Result<Option<String>> {
    if !token::looks_valid(device_token) {
        return Ok(None);
    }
    let hash = token::hash(device_token);
    let found: Option<i32> = on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT 1 FROM known_devices d JOIN users u ON u.id = d.user_id \
             WHERE d.token_hash = $1 AND u.email_key = $2 AND u.deleted_at IS NULL \
               AND d.expires_at > $3",
        )
        .bind(&hash)
        .bind(email_key)
        .bind(Utc::now())
        .fetch_optional(pool)
        .await?
    });
    Ok(found.map(|_| hash))
}

/// The most devices remembered per account: API clients that keep no cookies sign in as a new
/// device each time, and must not grow the table without end. Enforced by the hourly
/// housekeeping (`purge_expired`), so a sign-in costs one INSERT, not an INSERT and a DELETE.
pub const MAX_PER_ACCOUNT: i64 = 20;

/// Remembers a new device for `user_id`; returns the token for its cookie (shown once).
pub async fn remember(tx: &mut Tx, user_id: &UserId) -> Result<String> {
    let (device_token, hash) = token::generate();
    let now = Utc::now();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO known_devices (token_hash, user_id, created_at, last_used_at, expires_at) \
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(&hash)
        .bind(user_id)
        .bind(now)
        .bind(now + LIFETIME)
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(device_token)
}

/// Records a sign-in from a known device, extending its life.
pub async fn touch(tx: &mut Tx, hash: &str) -> Result<()> {
    let now = Utc::now();
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE known_devices SET last_used_at = $2, expires_at = $3 WHERE token_hash = $1",
        )
        .bind(hash)
        .bind(now)
        .bind(now + LIFETIME)
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// Forgets every device of `user_id` (a password reset: whoever had the password had them too).
pub async fn forget_all(tx: &mut Tx, user_id: &UserId) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM known_devices WHERE user_id = $1")
            .bind(user_id)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(())
}

/// Deletes every expired device (the hourly housekeeping). Returns how many went.
pub async fn purge_expired(db: &Db) -> Result<u64> {
    let deleted = on_pool!(db, pool => {
        let expired = sqlx::query("DELETE FROM known_devices WHERE expires_at <= $1")
            .bind(Utc::now())
            .execute(pool)
            .await?
            .rows_affected();
        // Beyond MAX_PER_ACCOUNT, the least recently used of each account go.
        let surplus = sqlx::query(
            "DELETE FROM known_devices WHERE token_hash IN \
                 (SELECT token_hash FROM \
                     (SELECT token_hash, ROW_NUMBER() OVER \
                          (PARTITION BY user_id ORDER BY last_used_at DESC, created_at DESC) AS n \
                      FROM known_devices) ranked \
                  WHERE n > $1)",
        )
        .bind(MAX_PER_ACCOUNT)
        .execute(pool)
        .await?
        .rows_affected();
        expired + surplus
    });
    Ok(deleted)
}
