//! Secrets handed to people: session tokens and single-use mail tokens.
//!
//! Owns how they are made (32 bytes from the OS CSPRNG, base64url) and how they are stored (only
//! their SHA-256, hex), and the life of a mailed token: issued (replacing an older one for the same
//! purpose), consumed once, forgotten on a password change, purged when expired. A token itself is
//! never written to the database or to a log.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use shared::domain::UserId;

use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};
use crate::notify;

/// Bytes of randomness in a token: 256 bits, far beyond guessing.
const TOKEN_BYTES: usize = 32;

/// A new random token (43 base64url characters) and the hash to store for it.
pub fn generate() -> (String, String) {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

/// The SHA-256 of a token, lowercase hex: what the database holds and lookups compare.
///
/// A fast hash is enough here (unlike passwords): tokens have 256 bits of entropy, so a leaked
/// table cannot be reversed by guessing.
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
    }
    hex
}

/// Whether `text` could be a token this server issued (bounds the work a garbage token causes).
pub fn looks_valid(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

// ---- Mailed tokens --------------------------------------------------------------------------

/// How long a link to verify an address (or confirm a new one) works.
pub const VERIFY_TOKEN_LIFETIME: Duration = Duration::hours(24);
/// How long a password reset link works.
pub const RESET_TOKEN_LIFETIME: Duration = Duration::hours(1);

shared::stored_codes! {
    /// What a mailed token is for (the `purpose` column).
    pub(crate) enum Purpose {
        VerifyEmail = "verify_email",
        ResetPassword = "reset_password",
        ChangeEmail = "change_email",
    }
}

impl Purpose {
    fn lifetime(self) -> Duration {
        match self {
            Self::VerifyEmail | Self::ChangeEmail => VERIFY_TOKEN_LIFETIME,
            Self::ResetPassword => RESET_TOKEN_LIFETIME,
        }
    }
}

/// Stores a new single-use token for `user_id`, replacing any earlier one for the same purpose
/// (only the newest link works). Returns the token for the mail.
pub(crate) async fn issue_token(
    tx: &mut Tx,
    user_id: &UserId,
    purpose: Purpose,
    new_email: Option<&str>,
) -> Result<String> {
    let (token, hash) = generate();
    let now = Utc::now();
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM account_tokens WHERE user_id = $1 AND purpose = $2")
            .bind(user_id)
            .bind(purpose.code())
            .execute(&mut *conn)
            .await?
            .rows_affected();
        sqlx::query(
            "INSERT INTO account_tokens (token_hash, user_id, purpose, new_email, created_at, \
                                         expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&hash)
        .bind(user_id)
        .bind(purpose.code())
        .bind(new_email)
        .bind(now)
        .bind(now + purpose.lifetime())
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(token)
}

/// Ends every outstanding mailed link of `user_id` (a password change or reset): tokens already
/// made and token mail not yet sent. The queued mail goes first: a worker composing one holds its
/// row, so this waits for it and then deletes the token it made too.
pub(crate) async fn forget_all_tokens(tx: &mut Tx, user_id: &UserId) -> Result<()> {
    notify::forget_token_mail(tx, user_id).await?;
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM account_tokens WHERE user_id = $1")
            .bind(user_id)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(())
}

/// Deletes every expired mailed token (the hourly housekeeping). Returns how many went.
pub async fn purge_expired_tokens(db: &Db) -> Result<u64> {
    let deleted = on_pool!(db, pool => {
        sqlx::query("DELETE FROM account_tokens WHERE expires_at <= $1")
            .bind(Utc::now())
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(deleted)
}

/// A consumed token: whose, what for, and the address a change confirms.
pub(crate) struct Consumed {
    pub user_id: UserId,
    pub purpose: Purpose,
    pub new_email: Option<String>,
}

/// Deletes the token and returns what it was for; `InvalidToken` if it is unknown, used, for
/// another purpose or expired. The DELETE is the claim: of two requests racing with one token,
/// exactly one gets the row.
pub(crate) async fn consume_token(
    tx: &mut Tx,
    token: &str,
    purposes: &[Purpose],
) -> Result<Consumed> {
    if !looks_valid(token.trim()) {
        return Err(Error::InvalidToken);
    }
    let hash = hash(token.trim());
    let row: Option<(UserId, String, Option<String>, DateTime<Utc>)> = on_tx!(tx, conn => {
        sqlx::query_as(
            "DELETE FROM account_tokens WHERE token_hash = $1 \
             RETURNING user_id, purpose, new_email, expires_at",
        )
        .bind(&hash)
        .fetch_optional(conn)
        .await?
    });
    let Some((user_id, purpose, new_email, expires_at)) = row else {
        return Err(Error::InvalidToken);
    };
    let purpose = Purpose::from_code(&purpose)
        .filter(|p| purposes.contains(p))
        .ok_or(Error::InvalidToken)?;
    if expires_at <= Utc::now() {
        return Err(Error::InvalidToken);
    }
    Ok(Consumed {
        user_id,
        purpose,
        new_email,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_url_safe_and_stored_only_as_their_hash() {
        let (a, hash_a) = generate();
        let (b, _) = generate();
        assert_ne!(a, b);
        assert!(looks_valid(&a), "{a}");
        assert_eq!(hash_a, hash(&a));
        assert_eq!(hash_a.len(), 64);
        assert!(!hash_a.contains(&a));
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(!looks_valid("short"));
        assert!(!looks_valid(&format!("{}=", &a[..42])));
    }
}
