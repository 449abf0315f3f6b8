//! Account life cycle: register, verify, sign in and out, recover, change password and email,
//! edit the profile, delete the account (the export is `export`'s).
//!
//! Owns the rules of each step (validation, limits, which mail goes out, which sessions end) and
//! their SQL, one transaction per action. Answers never tell whether an address has an account:
//! register, resend and forgot answer the same, sign-in costs one hash either way, and resend and
//! forgot do the same work either way (they only queue a `TokenMail`; its mail job looks the
//! address up and makes the token when it sends, see `compose`).

use chrono::Utc;
use shared::api::accounts::{
    ChangeEmailRequest, ChangePasswordRequest, Me, RegisterRequest, ResetPasswordRequest, Role,
    SessionInfo, SignInRequest, UpdateProfileRequest,
};
use shared::domain::{Email, SessionId};
use shared::validate;

use super::audit::{self, Event};
use super::devices;
use super::sessions::{self, Session};
use super::token::{consume_token, forget_all_tokens, issue_token, Purpose};
use super::users::{
    find_by_email_key, insert_user, password_hash_of, user_by_key_in, user_in, NewUser,
};
use super::{invalid, is_unique_violation, Accounts, Attempt, Client, User};
use crate::db::{on_tx, Tx};
use crate::error::{Error, Result};
use crate::notify::{self, ComposeFuture, Recipient, Template, TokenMail};

/// What a successful sign-in hands the client.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The new session's token.
    pub token: String,
    pub user: Me,
    /// A device token for a browser that was not known to the account yet (its cookie).
    pub new_device: Option<String>,
}

impl Accounts {
    /// Registers an account, or, when the address already has one, mails its owner instead. The
    /// answer is the same either way, and so is the work (one hash).
    pub async fn register(&self, req: RegisterRequest, client: &Client) -> Result<()> {
        let email = Email::parse(&req.email).map_err(invalid("email"))?;
        validate::password(&req.password).map_err(invalid("password"))?;
        let display_name =
            validate::display_name(&req.display_name).map_err(invalid("display_name"))?;
        let time_zone = validate::time_zone(&req.time_zone).map_err(invalid("time_zone"))?;
        let key = email.key();
        self.limits
            .check(Attempt::Register, client.ip, Some(&key))?;

        let hash = self.passwords.hash(&req.password).await?;
        let mut tx = self.db.begin().await?;
        let new_user = NewUser {
            email: &email,
            password_hash: &hash,
            display_name: &display_name,
            role: Role::Student,
            locale: req.locale,
            time_zone: &time_zone,
            verified: false,
        };
        let inserted = insert_user(&mut tx, &new_user).await?;
        if let Some(user_id) = inserted {
            let mail = TokenMail::VerifyEmail { user_id };
            notify::enqueue_token_mail(&mut tx, &email, &mail).await?;
        } else if let Some(existing) = user_by_key_in(&mut tx, &key).await? {
            let template = Template::AccountAlreadyExists {
                sign_in_link: format!("{}/sign-in", self.public_base),
                reset_link: format!("{}/forgot-password", self.public_base),
            };
            notify::enqueue(&mut tx, &existing.recipient(), template).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Follows a link from a mail: verifies the address, or switches to the new address of an
    /// email change (telling the old address). Returns the account as it is now.
    pub async fn verify_email(&self, token: &str, client: &Client) -> Result<Me> {
        let mut tx = self.db.begin().await?;
        let consumed = consume_token(
            &mut tx,
            token,
            &[Purpose::VerifyEmail, Purpose::ChangeEmail],
        )
        .await?;
        let before = user_in(&mut tx, &consumed.user_id)
            .await?
            .ok_or(Error::InvalidToken)?;
        let now = Utc::now();
        match (consumed.purpose, consumed.new_email) {
            (Purpose::ChangeEmail, Some(new_email)) => {
                let new_email = Email::parse(&new_email).map_err(|_| {
                    Error::Internal(format!("token of {}: bad new email", before.id))
                })?;
                let key = new_email.key();
                let changed = on_tx!(&mut tx, conn => {
                    sqlx::query(
                        "UPDATE users SET email = $2, email_key = $3, \
                             email_verified_at = COALESCE(email_verified_at, $4), updated_at = $4 \
                         WHERE id = $1 AND deleted_at IS NULL",
                    )
                    .bind(&consumed.user_id)
                    .bind(new_email.as_str())
                    .bind(&key)
                    .bind(now)
                    .execute(conn)
                    .await
                    .map(|r| r.rows_affected())
                });
                match changed {
                    Ok(_) => {}
                    Err(e) if is_unique_violation(&e) => {
                        return Err(Error::Conflict(
                            "that address now belongs to another account".into(),
                        ))
                    }
                    Err(e) => return Err(e.into()),
                }
                // Links mailed before (a reset link to the old address) must not outlive it.
                forget_all_tokens(&mut tx, &before.id).await?;
                let detail = format!("from {} to {new_email}", before.email);
                audit::record(
                    &mut tx,
                    Event::EmailChanged,
                    Some(&before.id),
                    client,
                    Some(&detail),
                )
                .await?;
                notify::enqueue(
                    &mut tx,
                    &before.recipient(),
                    Template::EmailChanged {
                        new_email: new_email.to_string(),
                    },
                )
                .await?;
            }
            _ => {
                on_tx!(&mut tx, conn => {
                    sqlx::query(
                        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2), \
                             updated_at = $2 WHERE id = $1",
                    )
                    .bind(&consumed.user_id)
                    .bind(now)
                    .execute(conn)
                    .await?
                    .rows_affected()
                });
            }
        }
        let after = user_in(&mut tx, &consumed.user_id)
            .await?
            .ok_or(Error::InvalidToken)?;
        tx.commit().await?;
        Ok(after.to_me())
    }

    /// Mails a new verification link if the address has an unverified account; otherwise nothing
    /// is sent. Answers the same and does the same work either way: it only queues the request.
    pub async fn resend_verification(&self, email: &str, client: &Client) -> Result<()> {
        let email = Email::parse(email).map_err(invalid("email"))?;
        let key = email.key();
        self.limits
            .check(Attempt::Recovery, client.ip, Some(&key))?;
        let mut tx = self.db.begin().await?;
        let mail = TokenMail::ResendVerification { email_key: key };
        notify::enqueue_token_mail(&mut tx, &email, &mail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks the password and starts a session. `device` is the device cookie of the browser,
    /// if it has one: a browser that signed in to this account before meets its own limit only
    /// (see `rate_limit`); a browser that did not gets a new device token on success.
    pub async fn sign_in(
        &self,
        req: &SignInRequest,
        client: &Client,
        device: Option<&str>,
    ) -> Result<SignedIn> {
        let email = Email::parse(&req.email).map_err(invalid("email"))?;
        let key = email.key();
        let known_device = match device {
            Some(device) => devices::known(&self.db, device, &key).await?,
            None => None,
        };
        self.limits
            .check_sign_in(client.ip, &key, known_device.as_deref())?;
        // No account has a longer password; don't spend a hash on it.
        if req.password.chars().count() > validate::PASSWORD_MAX_CHARS {
            return Err(Error::InvalidCredentials);
        }
        let found = find_by_email_key(&self.db, &key).await?;
        let stored = found.as_ref().map(|(_, hash)| hash.as_str());
        let matches = self.passwords.verify(&req.password, stored).await?;
        let user = match found {
            Some((user, _)) if matches => user,
            other => {
                let user_id = other.as_ref().map(|(user, _)| &user.id);
                audit::record_alone(&self.db, Event::SignInFailed, user_id, client).await?;
                return Err(Error::InvalidCredentials);
            }
        };
        // Told only to someone who knows the password, so it reveals nothing to others.
        if !user.email_verified {
            return Err(Error::EmailNotVerified);
        }
        let mut tx = self.db.begin().await?;
        sessions::forget_expired(&mut tx, &user.id).await?;
        let token = sessions::create(&mut tx, &user.id, client).await?;
        let new_device = match &known_device {
            Some(hash) => {
                devices::touch(&mut tx, hash).await?;
                None
            }
            None => Some(devices::remember(&mut tx, &user.id).await?),
        };
        audit::record(&mut tx, Event::SignIn, Some(&user.id), client, None).await?;
        tx.commit().await?;
        Ok(SignedIn {
            token,
            user: user.to_me(),
            new_device,
        })
    }

    /// The session a token belongs to, if it is live.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Session>> {
        sessions::authenticate(&self.db, token).await
    }

    /// Ends the session that made the request.
    pub async fn sign_out(&self, session: &Session, client: &Client) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if sessions::revoke(&mut tx, &session.user.id, &session.id).await? {
            audit::record(
                &mut tx,
                Event::SignOut,
                Some(&session.user.id),
                client,
                None,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Mails a reset link if the address has an account. Answers the same and does the same work
    /// either way: it only queues the request, and its mail job looks the address up.
    pub async fn forgot_password(&self, email: &str, client: &Client) -> Result<()> {
        let email = Email::parse(email).map_err(invalid("email"))?;
        let key = email.key();
        self.limits
            .check(Attempt::Recovery, client.ip, Some(&key))?;
        let mut tx = self.db.begin().await?;
        let mail = TokenMail::ResetPassword { email_key: key };
        notify::enqueue_token_mail(&mut tx, &email, &mail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password with a reset token and ends every session. Following the link also
    /// proves the address, so an unverified account becomes verified.
    pub async fn reset_password(&self, req: &ResetPasswordRequest, client: &Client) -> Result<()> {
        // Checked before the token is spent, so a weak password does not burn the link.
        validate::password(&req.new_password).map_err(invalid("new_password"))?;
        self.limits.check(Attempt::Recovery, client.ip, None)?;
        if !super::token::looks_valid(req.token.trim()) {
            return Err(Error::InvalidToken);
        }
        // Hashed before the transaction: SQLite's write lock is not held for tens of ms.
        let hash = self.passwords.hash(&req.new_password).await?;
        let mut tx = self.db.begin().await?;
        let consumed = consume_token(&mut tx, &req.token, &[Purpose::ResetPassword]).await?;
        let now = Utc::now();
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "UPDATE users SET password_hash = $2, updated_at = $3, \
                     email_verified_at = COALESCE(email_verified_at, $3) \
                 WHERE id = $1 AND deleted_at IS NULL",
            )
            .bind(&consumed.user_id)
            .bind(&hash)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected()
        });
        let user = user_in(&mut tx, &consumed.user_id)
            .await?
            .ok_or(Error::InvalidToken)?;
        sessions::revoke_all(&mut tx, &user.id, None).await?;
        forget_all_tokens(&mut tx, &user.id).await?;
        devices::forget_all(&mut tx, &user.id).await?;
        audit::record(&mut tx, Event::PasswordReset, Some(&user.id), client, None).await?;
        notify::enqueue(&mut tx, &user.recipient(), Template::PasswordChanged).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Confirms a signed-in user's own password (rate limited per user): `WrongPassword` if not.
    async fn confirm_password(&self, user: &User, password: &str) -> Result<()> {
        self.limits
            .check(Attempt::PasswordCheck, None, Some(user.id.as_str()))?;
        if password.chars().count() > validate::PASSWORD_MAX_CHARS {
            return Err(Error::WrongPassword);
        }
        let stored = password_hash_of(&self.db, &user.id).await?;
        if self.passwords.verify(password, stored.as_deref()).await? {
            Ok(())
        } else {
            Err(Error::WrongPassword)
        }
    }

    /// Changes the password and ends every other session.
    pub async fn change_password(
        &self,
        session: &Session,
        req: &ChangePasswordRequest,
        client: &Client,
    ) -> Result<()> {
        validate::password(&req.new_password).map_err(invalid("new_password"))?;
        self.confirm_password(&session.user, &req.current_password)
            .await?;
        let hash = self.passwords.hash(&req.new_password).await?;
        let user = &session.user;
        let mut tx = self.db.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                .bind(&user.id)
                .bind(&hash)
                .bind(Utc::now())
                .execute(conn)
                .await?
                .rows_affected()
        });
        sessions::revoke_all(&mut tx, &user.id, Some(&session.id)).await?;
        forget_all_tokens(&mut tx, &user.id).await?;
        audit::record(
            &mut tx,
            Event::PasswordChanged,
            Some(&user.id),
            client,
            None,
        )
        .await?;
        notify::enqueue(&mut tx, &user.recipient(), Template::PasswordChanged).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Mails a confirmation link to the new address; the change happens when it is followed. An
    /// address that already has an account gets no mail (checked when the mail is composed), and
    /// the answer is the same.
    pub async fn change_email(&self, user: &User, req: &ChangeEmailRequest) -> Result<()> {
        let new_email = Email::parse(&req.new_email).map_err(invalid("new_email"))?;
        if new_email.key() == user.email.key() {
            return Err(Error::Validation {
                field: "new_email",
                reason: validate::Invalid::Unchanged,
            });
        }
        self.confirm_password(user, &req.current_password).await?;
        let mut tx = self.db.begin().await?;
        let mail = TokenMail::ConfirmEmailChange {
            user_id: user.id.clone(),
            new_email: new_email.clone(),
        };
        notify::enqueue_token_mail(&mut tx, &new_email, &mail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the fields given; returns the profile as it is now.
    pub async fn update_profile(&self, user: &User, req: &UpdateProfileRequest) -> Result<Me> {
        let display_name = req
            .display_name
            .as_deref()
            .map(validate::display_name)
            .transpose()
            .map_err(invalid("display_name"))?;
        let time_zone = req
            .time_zone
            .as_deref()
            .map(validate::time_zone)
            .transpose()
            .map_err(invalid("time_zone"))?;
        let reminder_hour = req
            .reminder_hour
            .map(validate::reminder_hour)
            .transpose()
            .map_err(invalid("reminder_hour"))?;
        let streak_reminder_hour = req
            .streak_reminder_hour
            .map(validate::reminder_hour)
            .transpose()
            .map_err(invalid("streak_reminder_hour"))?;
        let renamed = display_name.is_some();
        let mut tx = self.db.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "UPDATE users SET display_name = COALESCE($2, display_name), \
                     locale = COALESCE($3, locale), time_zone = COALESCE($4, time_zone), \
                     reminder_hour = COALESCE($5, reminder_hour), \
                     card_reminders = COALESCE($6, card_reminders), updated_at = $7, \
                     discussion_digest = COALESCE($8, discussion_digest), \
                     streak_reminder_hour = COALESCE($9, streak_reminder_hour), \
                     streak_reminders = COALESCE($10, streak_reminders) \
                 WHERE id = $1 AND deleted_at IS NULL",
            )
            .bind(&user.id)
            .bind(display_name)
            .bind(req.locale.map(|l| l.code()))
            .bind(time_zone)
            .bind(reminder_hour.map(i32::from))
            .bind(req.card_reminders)
            .bind(Utc::now())
            .bind(req.discussion_digest)
            .bind(streak_reminder_hour.map(i32::from))
            .bind(req.streak_reminders)
            .execute(conn)
            .await?
            .rows_affected()
        });
        let after = user_in(&mut tx, &user.id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        if renamed {
            // Names show on public pages (a teacher's courses, a learner's reviews) that the
            // catalog cache keeps.
            tx.changed_catalog();
        }
        tx.commit().await?;
        Ok(after.to_me())
    }

    /// The caller's live sessions.
    pub async fn sessions(&self, session: &Session) -> Result<Vec<SessionInfo>> {
        sessions::list(&self.db, &session.user.id, Some(&session.id)).await
    }

    /// Ends one of the caller's sessions; `NotFound` when it is not theirs (or gone).
    pub async fn revoke_session(
        &self,
        user: &User,
        session_id: &SessionId,
        client: &Client,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !sessions::revoke(&mut tx, &user.id, session_id).await? {
            return Err(Error::NotFound("no such session".into()));
        }
        audit::record(&mut tx, Event::SessionRevoked, Some(&user.id), client, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the account: personal data (email, name, password, sessions, tokens, applications,
    /// notifications, learner documents, IPs in the audit log) goes; the row stays as an anonymous tombstone so
    /// aggregates that count it keep their meaning, and the address is free to register again.
    pub async fn delete_account(&self, user: &User, password: &str) -> Result<()> {
        self.confirm_password(user, password).await?;
        let now = Utc::now();
        let mut tx = self.db.begin().await?;
        on_tx!(&mut tx, conn => {
            for sql in [
                "DELETE FROM sessions WHERE user_id = $1",
                "DELETE FROM account_tokens WHERE user_id = $1",
                "DELETE FROM known_devices WHERE user_id = $1",
                "DELETE FROM teacher_applications WHERE user_id = $1",
                "DELETE FROM post_digest_entries WHERE user_id = $1",
                "UPDATE audit_log SET ip = NULL, user_agent = NULL, detail = NULL WHERE user_id = $1",
            ] {
                sqlx::query(sql).bind(&user.id).execute(&mut *conn).await?.rows_affected();
            }
            sqlx::query(
                "UPDATE users SET email = NULL, email_key = NULL, password_hash = NULL, \
                     display_name = NULL, locale = 'en', time_zone = 'UTC', \
                     reminder_hour = 18, card_reminders = FALSE, discussion_digest = FALSE, \
                     streak_reminder_hour = 19, streak_reminders = FALSE, email_verified_at = NULL, \
                     updated_at = $2, deleted_at = $2 \
                 WHERE id = $1",
            )
            .bind(&user.id)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected()
        });
        notify::forget_user(&mut tx, &user.id).await?;
        crate::sync::forget_user(&mut tx, &user.id).await?;
        crate::srs::cards::forget_user(&mut tx, &user.id).await?;
        crate::motivation::forget_user(&mut tx, &user.id).await?;
        crate::tutor::forget_user(&mut tx, &user.id).await?;
        // The name is gone: no cached public page (their reviews, their courses) may still show it.
        tx.changed_catalog();
        // No IP or user agent: the record outlives the person.
        audit::record(
            &mut tx,
            Event::AccountDeleted,
            Some(&user.id),
            &Client::default(),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Accounts {
    /// Makes the token of a queued `TokenMail` and the mail that carries it, inside the mail
    /// job's transaction, at the moment it is sent; `None` when there is nothing to send.
    async fn compose_token_mail(
        &self,
        tx: &mut Tx,
        mail: &TokenMail,
    ) -> Result<Option<(Recipient, Template)>> {
        Ok(match mail {
            TokenMail::VerifyEmail { user_id } => match user_in(tx, user_id).await? {
                Some(user) if !user.email_verified => Some(self.verify_mail(tx, &user).await?),
                _ => None,
            },
            TokenMail::ResendVerification { email_key } => {
                match user_by_key_in(tx, email_key).await? {
                    Some(user) if !user.email_verified => Some(self.verify_mail(tx, &user).await?),
                    _ => None,
                }
            }
            TokenMail::ResetPassword { email_key } => match user_by_key_in(tx, email_key).await? {
                Some(user) => {
                    let token = issue_token(tx, &user.id, Purpose::ResetPassword, None).await?;
                    let link = self.link("reset-password", &token);
                    Some((user.recipient(), Template::ResetPassword { link }))
                }
                None => None,
            },
            TokenMail::ConfirmEmailChange { user_id, new_email } => {
                let taken = user_by_key_in(tx, &new_email.key()).await?.is_some();
                match user_in(tx, user_id).await? {
                    Some(user) if !taken => {
                        let token = issue_token(
                            tx,
                            &user.id,
                            Purpose::ChangeEmail,
                            Some(new_email.as_str()),
                        )
                        .await?;
                        let link = self.link("verify-email", &token);
                        let to = Recipient {
                            email: new_email.clone(),
                            ..user.recipient()
                        };
                        Some((to, Template::ConfirmEmailChange { link }))
                    }
                    _ => None,
                }
            }
        })
    }

    async fn verify_mail(&self, tx: &mut Tx, user: &User) -> Result<(Recipient, Template)> {
        let token = issue_token(tx, &user.id, Purpose::VerifyEmail, None).await?;
        let link = self.link("verify-email", &token);
        Ok((user.recipient(), Template::VerifyEmail { link }))
    }
}

impl notify::Composer for Accounts {
    fn compose<'a>(&'a self, tx: &'a mut Tx, mail: &'a TokenMail) -> ComposeFuture<'a> {
        Box::pin(self.compose_token_mail(tx, mail))
    }
}
