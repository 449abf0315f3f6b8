//! Teacher applications: a student applies (one pending at a time), an admin approves (the user
//! becomes a teacher) or rejects with a reason; the applicant is told by mail and in the app.
//!
//! Owns the application rules and SQL. Who may call what is decided by the HTTP guards
//! (`RequireStudent`, `RequireAdmin`); the queries still scope "mine" to the caller's id.

use chrono::{DateTime, Utc};
use shared::api::accounts::Role;
use shared::api::teaching::{ApplicationStatus, TeacherApplication, TeacherApplicationRequest};
use shared::domain::{ApplicationId, UserId};
use shared::validate;

use super::audit::{self, Event};
use super::users::user_in;
use super::{invalid, is_unique_violation, Accounts, Client, User};
use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};
use crate::notify::{self, Template};
use shared::api::Timestamp;

/// Most applications one admin listing returns (oldest first).
pub const LIST_LIMIT: i64 = 200;

const SELECT: &str = "SELECT a.id, a.user_id, u.display_name AS applicant_name, \
         u.email AS applicant_email, a.bio, a.subject, a.link, a.status, a.rejection_reason, \
         a.created_at, a.decided_at \
     FROM teacher_applications a JOIN users u ON u.id = a.user_id";

#[derive(sqlx::FromRow)]
struct ApplicationRow {
    id: ApplicationId,
    user_id: UserId,
    applicant_name: Option<String>,
    applicant_email: Option<String>,
    bio: String,
    subject: String,
    link: String,
    status: String,
    rejection_reason: Option<String>,
    created_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
}

impl TryFrom<ApplicationRow> for TeacherApplication {
    type Error = Error;

    fn try_from(row: ApplicationRow) -> Result<Self> {
        let status = ApplicationStatus::from_code(&row.status)
            .ok_or_else(|| Error::Internal(format!("application {}: bad status", row.id)))?;
        Ok(Self {
            id: row.id,
            user_id: row.user_id,
            applicant_name: row.applicant_name.unwrap_or_default(),
            applicant_email: row.applicant_email.unwrap_or_default(),
            bio: row.bio,
            subject: row.subject,
            link: row.link,
            status,
            rejection_reason: row.rejection_reason,
            created_at: Timestamp::from(row.created_at),
            decided_at: row.decided_at.map(Timestamp::from),
        })
    }
}

async fn one_in(tx: &mut Tx, id: &ApplicationId) -> Result<Option<TeacherApplication>> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    let row: Option<ApplicationRow> = on_tx!(tx, conn => {
        sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?
    });
    row.map(TeacherApplication::try_from).transpose()
}

/// Every application of one user, oldest first (for their data export).
pub async fn for_user(db: &Db, user_id: &UserId) -> Result<Vec<TeacherApplication>> {
    let sql = format!("{SELECT} WHERE a.user_id = $1 ORDER BY a.id");
    let rows: Vec<ApplicationRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await?
    });
    rows.into_iter().map(TeacherApplication::try_from).collect()
}

impl Accounts {
    /// Files a student's application; `Conflict` while an earlier one is pending.
    pub async fn apply_to_teach(
        &self,
        student: &User,
        req: &TeacherApplicationRequest,
    ) -> Result<TeacherApplication> {
        let bio = validate::bio(&req.bio).map_err(invalid("bio"))?;
        let subject = validate::subject(&req.subject).map_err(invalid("subject"))?;
        let link = validate::link(&req.link).map_err(invalid("link"))?;
        let id = ApplicationId::new();
        let mut tx = self.db.begin().await?;
        let inserted = on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO teacher_applications (id, user_id, bio, subject, link, status, \
                                                   created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
            )
            .bind(&id)
            .bind(&student.id)
            .bind(&bio)
            .bind(&subject)
            .bind(&link)
            .bind(Utc::now())
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
        });
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(Error::Conflict(
                    "you already have an application waiting for a decision".into(),
                ))
            }
            Err(e) => return Err(e.into()),
        }
        let application = one_in(&mut tx, &id)
            .await?
            .ok_or_else(|| Error::Internal("a new application vanished".into()))?;
        tx.commit().await?;
        Ok(application)
    }

    /// The caller's latest application; `NotFound` if they never applied.
    pub async fn my_application(&self, user: &User) -> Result<TeacherApplication> {
        let sql = format!("{SELECT} WHERE a.user_id = $1 ORDER BY a.id DESC LIMIT 1");
        let row: Option<ApplicationRow> = on_pool!(&self.db, pool => {
            sqlx::query_as(&sql).bind(&user.id).fetch_optional(pool).await?
        });
        row.map(TeacherApplication::try_from)
            .transpose()?
            .ok_or_else(|| Error::NotFound("you have not applied to teach".into()))
    }

    /// Applications in `status`, oldest first (at most `LIST_LIMIT`).
    pub async fn applications(&self, status: ApplicationStatus) -> Result<Vec<TeacherApplication>> {
        let sql = format!("{SELECT} WHERE a.status = $1 ORDER BY a.id LIMIT $2");
        let rows: Vec<ApplicationRow> = on_pool!(&self.db, pool => {
            sqlx::query_as(&sql).bind(status.code()).bind(LIST_LIMIT).fetch_all(pool).await?
        });
        rows.into_iter().map(TeacherApplication::try_from).collect()
    }

    /// Approves a pending application: the applicant becomes a teacher and is told.
    pub async fn approve_application(
        &self,
        admin: &User,
        id: &ApplicationId,
        client: &Client,
    ) -> Result<TeacherApplication> {
        self.decide(admin, id, ApplicationStatus::Approved, None, client)
            .await
    }

    /// Rejects a pending application with a reason the applicant is told.
    pub async fn reject_application(
        &self,
        admin: &User,
        id: &ApplicationId,
        reason: &str,
        client: &Client,
    ) -> Result<TeacherApplication> {
        let reason = validate::rejection_reason(reason).map_err(invalid("reason"))?;
        self.decide(admin, id, ApplicationStatus::Rejected, Some(reason), client)
            .await
    }

    async fn decide(
        &self,
        admin: &User,
        id: &ApplicationId,
        status: ApplicationStatus,
        reason: Option<String>,
        client: &Client,
    ) -> Result<TeacherApplication> {
        let mut tx = self.db.begin().await?;
        // Only a pending application changes, so two admins deciding at once cannot both win.
        let applicant: Option<UserId> = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "UPDATE teacher_applications \
                 SET status = $2, rejection_reason = $3, decided_by = $4, decided_at = $5 \
                 WHERE id = $1 AND status = 'pending' RETURNING user_id",
            )
            .bind(id)
            .bind(status.code())
            .bind(reason.as_deref())
            .bind(&admin.id)
            .bind(Utc::now())
            .fetch_optional(conn)
            .await?
        });
        let Some(applicant_id) = applicant else {
            return Err(match one_in(&mut tx, id).await? {
                Some(_) => Error::Conflict("this application has already been decided".into()),
                None => Error::NotFound("no such application".into()),
            });
        };
        let applicant = user_in(&mut tx, &applicant_id)
            .await?
            .ok_or_else(|| Error::NotFound("no such application".into()))?;
        let template = match reason {
            None => {
                let promoted = on_tx!(&mut tx, conn => {
                    sqlx::query(
                        "UPDATE users SET role = 'teacher', updated_at = $2 \
                         WHERE id = $1 AND role = 'student'",
                    )
                    .bind(&applicant.id)
                    .bind(Utc::now())
                    .execute(conn)
                    .await?
                    .rows_affected()
                });
                if promoted > 0 {
                    let detail = format!(
                        "{} -> {} by {}",
                        Role::Student.code(),
                        Role::Teacher.code(),
                        admin.id
                    );
                    audit::record(
                        &mut tx,
                        Event::RoleChanged,
                        Some(&applicant.id),
                        client,
                        Some(&detail),
                    )
                    .await?;
                }
                Template::TeacherApplicationApproved
            }
            Some(reason) => Template::TeacherApplicationRejected { reason },
        };
        notify::enqueue(&mut tx, &applicant.recipient(), template).await?;
        let application = one_in(&mut tx, id)
            .await?
            .ok_or_else(|| Error::Internal("a decided application vanished".into()))?;
        tx.commit().await?;
        Ok(application)
    }
}
