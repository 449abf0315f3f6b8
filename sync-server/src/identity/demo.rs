//! Demo accounts for `EDU_DEMO_DATA=true`: one admin, one teacher, one student, all verified, all
//! with `DEMO_PASSWORD`. For trying the app locally; never enable demo data in production.
//!
//! Owns the list and their creation. Safe on every start and from several replicas: an address
//! that already has an account is left alone, and only missing accounts cost a hash.

use shared::api::accounts::{Locale, Role};
use shared::domain::Email;

use super::users::{insert_user, NewUser};
use super::PasswordHasher;
use crate::db::{on_pool, Db};
use crate::error::{Error, Result};

/// The password of every demo account (10+ characters, not on the common-password list).
pub const DEMO_PASSWORD: &str = "demo-password-2026";

/// The demo teacher, who owns the demo courses.
pub const TEACHER_EMAIL: &str = "teacher@demo.local";

/// `(email, display name, role)` of the demo accounts.
pub const ACCOUNTS: &[(&str, &str, Role)] = &[
    ("admin@demo.local", "Demo Admin", Role::Admin),
    (TEACHER_EMAIL, "Demo Teacher", Role::Teacher),
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
        let email = Email::parse(email).map_err(|reason| {
            Error::Internal(format!("demo account: {}", reason.english("email")))
        })?;
        let hash = passwords.hash(DEMO_PASSWORD).await?;
        let mut tx = db.begin().await?;
        let new_user = NewUser {
            email: &email,
            password_hash: &hash,
            display_name: name,
            role: *role,
            locale: Locale::En,
            time_zone: "UTC",
            verified: true,
        };
        let done = insert_user(&mut tx, &new_user).await?.is_some();
        tx.commit().await?;
        created += usize::from(done);
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
