//! The first admin: `sync-server admin create` makes a verified admin account, or promotes the
//! account that already has the address.
//!
//! Owns the rules of that one command (validation, create or promote, audit). Reading the password
//! (stdin or `EDU_ADMIN_PASSWORD`, never argv) is `main`'s; this takes it as a value.

use chrono::Utc;
use shared::validate;

use super::audit::{self, Event};
use super::{invalid, new_id, Client, PasswordHasher};
use crate::db::{on_tx, Db};
use crate::error::{Error, Result};

/// What `create_admin` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminOutcome {
    /// A new verified admin account.
    Created { id: String },
    /// The address had an account: it is now a verified admin; its password is unchanged.
    Promoted { id: String },
    /// The address already belonged to an admin; nothing changed.
    AlreadyAdmin { id: String },
}

/// Checks the address of an admin to create (so the caller can fail before asking for a password).
pub fn normalise_email(email: &str) -> Result<String> {
    validate::email(email).map_err(invalid("email"))
}

/// The id and role of the live account with this address, if any.
pub async fn existing(db: &Db, email: &str) -> Result<Option<(String, String)>> {
    let key = validate::email_key(&normalise_email(email)?);
    let row: Option<(String, String)> = crate::db::on_pool!(db, pool => {
        sqlx::query_as("SELECT id, role FROM users WHERE email_key = $1 AND deleted_at IS NULL")
            .bind(&key)
            .fetch_optional(pool)
            .await?
    });
    Ok(row)
}

/// Promotes the account with `email` to a verified admin, or creates one with `name` and
/// `password` (checked by the same rules as registration) when no account has the address.
pub async fn create_admin(
    db: &Db,
    passwords: &PasswordHasher,
    email: &str,
    name: &str,
    password: Option<&str>,
) -> Result<AdminOutcome> {
    let email = normalise_email(email)?;
    let key = validate::email_key(&email);
    let now = Utc::now();
    let cli = Client::new(None, Some("sync-server admin create"));

    if let Some((id, role)) = existing(db, &email).await? {
        if role == "admin" {
            return Ok(AdminOutcome::AlreadyAdmin { id });
        }
        let mut tx = db.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "UPDATE users SET role = 'admin', updated_at = $2, \
                     email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $1",
            )
            .bind(&id)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected()
        });
        let detail = format!("{role} -> admin by the admin CLI");
        audit::record(&mut tx, Event::RoleChanged, Some(&id), &cli, Some(&detail)).await?;
        tx.commit().await?;
        return Ok(AdminOutcome::Promoted { id });
    }

    let name = validate::display_name(name).map_err(invalid("name"))?;
    let password = password.ok_or_else(|| Error::Validation {
        field: "password",
        message: "password is required to create an account".into(),
    })?;
    validate::password(password).map_err(invalid("password"))?;
    let hash = passwords.hash(password).await?;
    let id = new_id();
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO users (id, email, email_key, password_hash, display_name, role, locale, \
                                time_zone, email_verified_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'admin', 'en', 'UTC', $6, $6, $6)",
        )
        .bind(&id)
        .bind(&email)
        .bind(&key)
        .bind(&hash)
        .bind(&name)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected()
    });
    audit::record(
        &mut tx,
        Event::RoleChanged,
        Some(&id),
        &cli,
        Some("created as admin by the admin CLI"),
    )
    .await?;
    tx.commit().await?;
    Ok(AdminOutcome::Created { id })
}
