//! The user row: its columns, reading a live account, and the one INSERT that makes an account
//! (used by registration, the admin CLI and the demo accounts).
//!
//! Owns the `users` table's shape as the rest of identity sees it. Never reads or writes sessions,
//! tokens or mail: those are `sessions`, `token` and `notify`'s.

use chrono::{DateTime, Utc};
use shared::api::accounts::{Locale, Me, Role};
use shared::domain::{Email, UserId};

use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};
use crate::notify::Recipient;
use shared::api::Timestamp;

/// A live (not deleted) account.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub time_zone: String,
    /// The local hour (0-23) "cards are due" reminders come at.
    pub reminder_hour: u8,
    /// Whether "cards are due" reminders are sent.
    pub card_reminders: bool,
    /// Whether the daily digest of discussion replies is mailed.
    pub discussion_digest: bool,
    /// The local evening hour (0-23) "streak at risk" reminders come at.
    pub streak_reminder_hour: u8,
    /// Whether "streak at risk" reminders are sent.
    pub streak_reminders: bool,
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
}

impl User {
    pub fn to_me(&self) -> Me {
        Me {
            id: self.id.clone(),
            email: self.email.to_string(),
            display_name: self.display_name.clone(),
            role: self.role,
            locale: self.locale,
            time_zone: self.time_zone.clone(),
            reminder_hour: self.reminder_hour,
            card_reminders: self.card_reminders,
            discussion_digest: self.discussion_digest,
            streak_reminder_hour: self.streak_reminder_hour,
            streak_reminders: self.streak_reminders,
            email_verified: self.email_verified,
            created_at: Timestamp::from(self.created_at),
        }
    }

    /// Where mail for this user goes.
    pub fn recipient(&self) -> Recipient {
        Recipient {
            user_id: Some(self.id.clone()),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            locale: self.locale,
        }
    }
}

/// The columns `UserRow` reads, for `SELECT {USER_COLUMNS} FROM users u ...`.
pub(crate) const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.locale, \
     u.time_zone, u.reminder_hour, u.card_reminders, u.discussion_digest, \
     u.streak_reminder_hour, u.streak_reminders, u.email_verified_at, u.created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: UserId,
    email: Option<String>,
    display_name: Option<String>,
    role: String,
    locale: String,
    time_zone: String,
    reminder_hour: i32,
    card_reminders: bool,
    discussion_digest: bool,
    streak_reminder_hour: i32,
    streak_reminders: bool,
    email_verified_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = Error;

    fn try_from(row: UserRow) -> Result<Self> {
        let corrupt = |what: &str| Error::Internal(format!("user {}: bad {what}", row.id));
        Ok(Self {
            email: row
                .email
                .as_deref()
                .ok_or_else(|| corrupt("email (deleted?)"))
                .and_then(|email| Email::parse(email).map_err(|_| corrupt("email")))?,
            display_name: row.display_name.clone().unwrap_or_default(),
            role: Role::from_code(&row.role).ok_or_else(|| corrupt("role"))?,
            locale: Locale::from_code(&row.locale).ok_or_else(|| corrupt("locale"))?,
            email_verified: row.email_verified_at.is_some(),
            time_zone: row.time_zone,
            reminder_hour: u8::try_from(row.reminder_hour)
                .ok()
                .filter(|h| *h <= 23)
                .ok_or_else(|| corrupt("reminder hour"))?,
            card_reminders: row.card_reminders,
            discussion_digest: row.discussion_digest,
            streak_reminder_hour: u8::try_from(row.streak_reminder_hour)
                .ok()
                .filter(|h| *h <= 23)
                .ok_or_else(|| corrupt("streak reminder hour"))?,
            streak_reminders: row.streak_reminders,
            created_at: row.created_at,
            id: row.id,
        })
    }
}

/// A new account's fields; `insert_user` makes it.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Its key is derived here.
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub locale: Locale,
    pub time_zone: &'a str,
    /// Verified from the start (the admin CLI, the demo accounts) or only once the link is followed.
    pub verified: bool,
}

/// Inserts `user` unless its address already has an account; returns the new id, or `None` when
/// the address was taken (nothing changed).
pub async fn insert_user(tx: &mut Tx, user: &NewUser<'_>) -> Result<Option<UserId>> {
    let id = UserId::new();
    let now = Utc::now();
    let key = user.email.key();
    let inserted = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO users (id, email, email_key, password_hash, display_name, role, locale, \
                                time_zone, email_verified_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             ON CONFLICT (email_key) DO NOTHING",
        )
        .bind(&id)
        .bind(user.email.as_str())
        .bind(&key)
        .bind(user.password_hash)
        .bind(user.display_name)
        .bind(user.role.code())
        .bind(user.locale.code())
        .bind(user.time_zone)
        .bind(user.verified.then_some(now))
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok((inserted > 0).then_some(id))
}

/// A live user and their password hash, by email key.
pub(crate) async fn find_by_email_key(db: &Db, key: &str) -> Result<Option<(User, String)>> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, u.password_hash FROM users u \
         WHERE u.email_key = $1 AND u.deleted_at IS NULL"
    );
    let row: Option<UserRowWithHash> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(key).fetch_optional(pool).await?
    });
    row.map(|r| Ok((User::try_from(r.user)?, r.password_hash.unwrap_or_default())))
        .transpose()
}

#[derive(sqlx::FromRow)]
struct UserRowWithHash {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: Option<String>,
}

/// A live user by id, read inside `tx` (sees the transaction's own changes).
pub(crate) async fn user_in(tx: &mut Tx, user_id: &UserId) -> Result<Option<User>> {
    let sql =
        format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL");
    let row: Option<UserRow> = on_tx!(tx, conn => {
        sqlx::query_as(&sql).bind(user_id).fetch_optional(conn).await?
    });
    row.map(User::try_from).transpose()
}

/// The stored hash of a live user.
pub(crate) async fn password_hash_of(db: &Db, user_id: &UserId) -> Result<Option<String>> {
    let hash: Option<Option<String>> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND deleted_at IS NULL")
            .bind(user_id)
            .fetch_optional(pool)
            .await?
    });
    Ok(hash.flatten())
}

/// The live user with the email key `key`, read inside `tx`.
pub(crate) async fn user_by_key_in(tx: &mut Tx, key: &str) -> Result<Option<User>> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.email_key = $1 AND u.deleted_at IS NULL"
    );
    let row: Option<UserRow> = on_tx!(tx, conn => {
        sqlx::query_as(&sql).bind(key).fetch_optional(conn).await?
    });
    row.map(User::try_from).transpose()
}
