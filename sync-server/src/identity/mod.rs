//! Identity: accounts, sign-in sessions, mailed tokens, roles and teacher applications, the
//! security audit log, the first admin and the demo accounts.
//!
//! Owns every rule and every SQL statement about who someone is and what role they hold; callers
//! (HTTP handlers, the admin CLI) get domain values and `Error`s. Knows nothing of HTTP: cookies,
//! headers and CSRF are `http`'s. Ownership is enforced in the queries (`WHERE user_id = $caller`).
//!
//! Split by noun: `users` (the row and the one INSERT), `sessions`, `token` (secrets and mailed
//! links), `devices`, `audit`, `applications`, `export`; `accounts` holds the life-cycle steps that
//! combine them. Domain API style, for every domain: one cheap-to-clone service struct (here
//! `Accounts`) holds the domain's dependencies (the `Db`, a hasher, limits, configuration) and its
//! methods are what `http` and the CLI call, one transaction per user action; the nouns beneath it
//! are free functions over `&Db` or `&mut Tx`, so one action can combine several nouns in a single
//! transaction (and other domains can join it) without a second copy of any SQL.

pub mod accounts;
pub mod admin;
pub mod applications;
pub mod audit;
pub mod demo;
pub mod devices;
pub mod export;
pub mod password;
pub mod rate_limit;
pub mod sessions;
pub mod token;
pub mod users;

use std::net::IpAddr;
use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::error::{Error, Result};

pub use password::PasswordHasher;
pub use rate_limit::{Attempt, RateLimiter};
pub use users::User;

/// Everything the identity rules need: the database, the hasher, the limits and where mail links
/// point. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Accounts {
    pub db: Db,
    pub passwords: PasswordHasher,
    pub limits: Arc<RateLimiter>,
    /// `EDU_PUBLIC_URL` without a trailing slash.
    pub public_base: Arc<str>,
}

impl Accounts {
    /// Builds the identity services for `db` (computes one dummy password hash).
    pub async fn new(db: Db, config: &Config) -> Result<Self> {
        Ok(Self {
            db,
            passwords: PasswordHasher::new(config.limits.password_hash_permits).await?,
            limits: Arc::new(RateLimiter::new(&config.limits.rate)),
            public_base: config.http.public_url.base().into(),
        })
    }

    /// Deletes what has expired: sessions, mailed tokens, known devices (the hourly housekeeping).
    pub async fn purge_expired(&self) -> Result<u64> {
        Ok(sessions::purge_expired(&self.db).await?
            + token::purge_expired_tokens(&self.db).await?
            + devices::purge_expired(&self.db).await?)
    }

    /// A link into the web client, e.g. `link("verify-email", token)`.
    fn link(&self, route: &str, token: &str) -> String {
        format!("{}/{route}?token={token}", self.public_base)
    }
}

/// Who made a request, for sessions and the audit log.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

/// Longest user agent kept (they are unbounded headers).
const USER_AGENT_MAX_CHARS: usize = 256;

impl Client {
    pub fn new(ip: Option<IpAddr>, user_agent: Option<&str>) -> Self {
        Self {
            ip,
            user_agent: user_agent.map(|ua| ua.chars().take(USER_AGENT_MAX_CHARS).collect()),
        }
    }

    fn ip_text(&self) -> Option<String> {
        self.ip.map(|ip| ip.to_string())
    }
}

/// Whether a database error is a unique-constraint violation (same check on both backends).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// Maps a `shared::validate` reason to our validation error for `field`.
pub(crate) fn invalid(field: &'static str) -> impl FnOnce(shared::validate::Invalid) -> Error {
    move |reason| Error::Validation { field, reason }
}
