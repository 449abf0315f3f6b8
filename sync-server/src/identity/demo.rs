//! Demo accounts for `EDU_DEMO_DATA=true`: one admin, one teacher, one student, all verified, all
//! with `DEMO_PASSWORD`. For trying the app locally; never enable demo data in production.
//!
//! Owns the list and their creation. Safe on every start and from several replicas: an address
//! that already has an account is left alone, and only missing accounts cost a hash.

use chrono::Utc;
use shared::api::accounts::Role;

use super::{new_id, PasswordHasher};
use crate::db::{on_pool, Db};
use crate::error::Result;

/// The password of every demo account (10+ characters, not on the common-password list).
pub const DEMO_PASSWORD: &str = "demo-password-2026";

/// `(email, display name, role)` of the demo accounts.
pub const ACCOUNTS: &[(&str, &str, Role)] = &[
    ("admin@demo.local", "Demo Admin", Role::Admin),
    ("teacher@demo.local", "Demo Teacher", Role::Teacher),
    ("student@demo.local", "Demo Student", Role::Student),
];

/// Creates the demo accounts that do not exist yet; returns how many were created.
pub async fn create_accounts(db: &Db, passwords: &PasswordHasher) -> Result<usize> {
    let mut created = 0;
    for (email, name, role) in ACCOUNTS {
        let exists: Option<String> = on_pool!(db, pool => {
            sqlx::query_scalar("SELECT id FROM users WHERE email_key = $1")
                .bind(email)
                .fetch_optional(pool)
                .await?
        });
        if exists.is_some() {
            continue;
        }
        let hash = passwords.hash(DEMO_PASSWORD).await?;
        let now = Utc::now();
        let done = on_pool!(db, pool => {
            sqlx::query(
                "INSERT INTO users (id, email, email_key, password_hash, display_name, role, \
                                    locale, time_zone, email_verified_at, created_at, updated_at) \
                 VALUES ($1, $2, $2, $3, $4, $5, 'en', 'UTC', $6, $6, $6) \
                 ON CONFLICT (email_key) DO NOTHING",
            )
            .bind(new_id())
            .bind(email)
            .bind(&hash)
            .bind(name)
            .bind(role.code())
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        created += done as usize;
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_password_passes_the_password_rules() {
        assert_eq!(shared::validate::password(DEMO_PASSWORD), Ok(()));
        for (email, name, _) in ACCOUNTS {
            assert_eq!(shared::validate::email(email).as_deref(), Ok(*email));
            assert!(shared::validate::display_name(name).is_ok());
        }
    }
}
