//! The first admin: `sync-server admin create` makes a verified admin account, promotes the
//! verified account that already has the address, or, with `--force`, takes over an existing
//! account (new password, every session and link ended).
//!
//! Owns the rules of that one command (validation, create, promote or take over, audit). Never
//! promotes an account whose address nobody confirmed: whoever registered the address first would
//! become admin with their own password. Reading the password (stdin or `EDU_ADMIN_PASSWORD`,
//! never argv) is `main`'s; this takes it as a value.

use chrono::Utc;
use shared::api::accounts::{Locale, Role};
use shared::domain::{Email, UserId};
use shared::validate;

use super::audit::{self, Event};
use super::users::{insert_user, NewUser};
use super::{devices, invalid, sessions, Client, PasswordHasher};
use crate::db::{on_tx, Db};
use crate::error::{Error, Result};

/// What `create_admin` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminOutcome {
    /// A new verified admin account.
    Created { id: UserId },
    /// The address had a verified account: it is now an admin; its password is unchanged.
    Promoted { id: UserId },
    /// The address already belonged to an admin; nothing changed.
    AlreadyAdmin { id: UserId },
    /// The address had an account whose address was never confirmed; nothing changed. Taking it
    /// over needs `--force` (and a new password).
    RefusedUnverified { id: UserId },
    /// `--force`: the existing account is a verified admin with the new password; its sessions
    /// (`sessions_ended` of them), mailed links and known devices are gone.
    TakenOver { id: UserId, sessions_ended: u64 },
}

/// What an account with the address looks like to the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub id: UserId,
    pub role: String,
    pub verified: bool,
}

/// Checks the address of an admin to create (so the caller can fail before asking for a password).
pub fn normalise_email(email: &str) -> Result<Email> {
    Email::parse(email).map_err(invalid("email"))
}

/// The live account with this address, if any.
pub async fn existing(db: &Db, email: &str) -> Result<Option<Existing>> {
    let key = normalise_email(email)?.key();
    let row: Option<(UserId, String, Option<chrono::DateTime<Utc>>)> = crate::db::on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, role, email_verified_at FROM users \
             WHERE email_key = $1 AND deleted_at IS NULL",
        )
        .bind(&key)
        .fetch_optional(pool)
        .await?
    });
    Ok(row.map(|(id, role, verified_at)| Existing {
        id,
        role,
        verified: verified_at.is_some(),
    }))
}

/// Whether the command will need a password: for a new account, and for a take-over.
pub fn needs_password(existing: Option<&Existing>, force: bool) -> bool {
    existing.is_none() || force
}

/// Creates a verified admin with `name` and `password` (checked by the same rules as
/// registration) when no account has `email`; promotes a verified account (its password kept);
/// refuses an unverified one unless `force`, which takes the account over: `password` becomes its
/// password, it is verified and made admin, and its sessions, links and known devices end.
pub async fn create_admin(
    db: &Db,
    passwords: &PasswordHasher,
    email: &str,
    name: &str,
    password: Option<&str>,
    force: bool,
) -> Result<AdminOutcome> {
    let email = normalise_email(email)?;
    let now = Utc::now();
    let checked_password = |password: Option<&str>| -> Result<String> {
        let password = password.ok_or_else(|| Error::Validation {
            field: "password",
            reason: validate::Invalid::Required,
        })?;
        validate::password(password).map_err(invalid("password"))?;
        Ok(password.to_owned())
    };

    if let Some(found) = existing(db, email.as_str()).await? {
        if force {
            let hash = passwords.hash(&checked_password(password)?).await?;
            let mut tx = db.begin().await?;
            on_tx!(&mut tx, conn => {
                sqlx::query(
                    "UPDATE users SET role = 'admin', password_hash = $2, updated_at = $3, \
                         email_verified_at = COALESCE(email_verified_at, $3) WHERE id = $1",
                )
                .bind(&found.id)
                .bind(&hash)
                .bind(now)
                .execute(conn)
                .await?
                .rows_affected()
            });
            super::token::forget_all_tokens(&mut tx, &found.id).await?;
            let sessions_ended = sessions::revoke_all(&mut tx, &found.id, None).await?;
            devices::forget_all(&mut tx, &found.id).await?;
            let detail = format!(
                "{} -> admin by the admin CLI with --force: new password, sessions ended",
                found.role
            );
            record_role_change(&mut tx, &found.id, &detail).await?;
            tx.commit().await?;
            return Ok(AdminOutcome::TakenOver {
                id: found.id,
                sessions_ended,
            });
        }
        if found.role == "admin" {
            return Ok(AdminOutcome::AlreadyAdmin { id: found.id });
        }
        if !found.verified {
            return Ok(AdminOutcome::RefusedUnverified { id: found.id });
        }
        let mut tx = db.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE users SET role = 'admin', updated_at = $2 WHERE id = $1")
                .bind(&found.id)
                .bind(now)
                .execute(conn)
                .await?
                .rows_affected()
        });
        let detail = format!("{} -> admin by the admin CLI", found.role);
        record_role_change(&mut tx, &found.id, &detail).await?;
        tx.commit().await?;
        return Ok(AdminOutcome::Promoted { id: found.id });
    }

    let name = validate::display_name(name).map_err(invalid("name"))?;
    let hash = passwords.hash(&checked_password(password)?).await?;
    let mut tx = db.begin().await?;
    let new_user = NewUser {
        email: &email,
        password_hash: &hash,
        display_name: &name,
        role: Role::Admin,
        locale: Locale::En,
        time_zone: "UTC",
        verified: true,
    };
    // Taken meanwhile (a registration raced the command): say so rather than promote it.
    let id = insert_user(&mut tx, &new_user)
        .await?
        .ok_or_else(|| Error::Conflict(format!("{email} was registered meanwhile; run again")))?;
    record_role_change(&mut tx, &id, "created as admin by the admin CLI").await?;
    tx.commit().await?;
    Ok(AdminOutcome::Created { id })
}

/// The audit entry of every change this command makes, marked as the CLI's (no IP).
async fn record_role_change(tx: &mut crate::db::Tx, user_id: &UserId, detail: &str) -> Result<()> {
    let cli = Client::new(None, Some("sync-server admin create"));
    audit::record(tx, Event::RoleChanged, Some(user_id), &cli, Some(detail)).await
}
