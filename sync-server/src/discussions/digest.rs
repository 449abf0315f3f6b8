//! The daily mail digest of discussion replies: each reply adds a line (`post_digest_entries`)
//! for every participant who wants the digest, and queues their digest job for the end of their
//! local day, unique per user and local date, so at most one digest a day is sent, from any
//! number of processes. Opening a lesson's discussion removes its lines (seen); the job lists
//! what is left when it runs, and sends nothing when nothing is, or the digest was turned off.
//!
//! Never keeps a line after it was mailed, and never mails an address that is not confirmed.

use std::sync::Arc;

use chrono::{DateTime, TimeZone as _, Utc};
use shared::domain::{LessonId, PostId, UserId};

use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::Result;
use crate::identity::users::{user_in, User};
use crate::jobs::{self, Handler, Job, JobError, Outcome, RunFuture};
use crate::notify::daily::{self, DailyPayload};
use crate::notify::{self, Mail, Template, Transport};
use crate::srs::reminders::{ReminderList, UnsubscribeKey};

/// The job kind of one user's digest of one local day.
pub const DIGEST: &str = "discussion_digest";

/// A digest lists at most this many replies (the oldest first); the rest wait for the next one.
const MAX_LINES: i64 = 50;
/// How much of a reply's text a digest line quotes.
const EXCERPT_CHARS: usize = 140;

/// The next midnight after `now` in `time_zone` (an unknown zone is UTC), in UTC.
pub fn end_of_local_day(now: DateTime<Utc>, time_zone: &str) -> DateTime<Utc> {
    let zone = crate::srs::reminders::zone(time_zone);
    let local = now.with_timezone(&zone);
    local
        .date_naive()
        .succ_opt()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        // A midnight that a clock change skips has no local time: take the first one after it.
        .and_then(|midnight| {
            zone.from_local_datetime(&midnight).earliest().or_else(|| {
                zone.from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                    .earliest()
            })
        })
        .map_or(now + chrono::Duration::days(1), |t| t.with_timezone(&Utc))
}

/// Adds the reply `post` to `user`'s next digest and queues that digest (once per local day).
pub(super) async fn add_entry(
    tx: &mut Tx,
    user: &User,
    post: &PostId,
    lesson: &LessonId,
    now: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO post_digest_entries (user_id, post_id, lesson_id, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, post_id) DO NOTHING",
        )
        .bind(&user.id)
        .bind(post)
        .bind(lesson)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    let (_, local_date) = crate::srs::reminders::local_hour_and_date(now, &user.time_zone);
    let options = jobs::Options {
        run_at: Some(end_of_local_day(now, &user.time_zone)),
        unique_key: Some(format!("{DIGEST}:{}:{local_date}", user.id)),
        user_id: Some(user.id.clone()),
    };
    let payload = DailyPayload {
        user_id: user.id.clone(),
        local_date,
    };
    jobs::enqueue(tx, DIGEST, &payload, options).await?;
    Ok(())
}

/// The caller opened `lesson`'s discussion: its replies are seen and leave their digest.
pub(super) async fn mark_seen(db: &Db, user: &UserId, lesson: &LessonId) -> Result<()> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM post_digest_entries WHERE user_id = $1 AND lesson_id = $2")
            .bind(user)
            .bind(lesson)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// The digest job's handler; `key` signs each mail's one-click unsubscribe link.
pub fn handler(
    db: &Db,
    transport: Arc<dyn Transport>,
    key: UnsubscribeKey,
    public_base: &str,
) -> Arc<dyn Handler> {
    Arc::new(DigestHandler {
        db: db.clone(),
        transport,
        key,
        public_base: public_base.to_owned(),
    })
}

#[derive(Debug)]
struct DigestHandler {
    db: Db,
    transport: Arc<dyn Transport>,
    key: UnsubscribeKey,
    public_base: String,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    post_id: PostId,
    lesson_title: String,
    author: Option<String>,
    body: String,
}

/// `author in lesson: the first words of the reply`, on one line.
fn line(row: &LineRow) -> String {
    let text: String = row.body.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        excerpt.push('…');
    }
    let author = row.author.as_deref().unwrap_or("—");
    format!("{author} — {}: {excerpt}", row.lesson_title)
}

impl DigestHandler {
    /// The mail to send now and the replies it lists, or `None` when there is nothing to send
    /// (withdrawn, the account is gone or unconfirmed, the digest turned off, nothing unseen).
    async fn compose(
        &self,
        job: &Job,
        payload: &DailyPayload,
    ) -> Result<Option<(Mail, Vec<PostId>)>> {
        let mut tx = self.db.begin().await?;
        if !job.hold(&mut tx).await? {
            return Ok(None);
        }
        let Some(user) = user_in(&mut tx, &payload.user_id).await? else {
            return Ok(None);
        };
        if !user.discussion_digest || !user.email_verified {
            return Ok(None);
        }
        let rows: Vec<LineRow> = on_tx!(tx, conn => {
            sqlx::query_as(
                "SELECT p.id AS post_id, l.title AS lesson_title, u.display_name AS author, \
                        p.body \
                 FROM post_digest_entries e JOIN lesson_posts p ON p.id = e.post_id \
                 JOIN lessons l ON l.id = e.lesson_id LEFT JOIN users u ON u.id = p.author_id \
                 WHERE e.user_id = $1 AND p.deleted_at IS NULL AND NOT p.hidden \
                 ORDER BY p.id LIMIT $2",
            )
            .bind(&user.id)
            .bind(MAX_LINES)
            .fetch_all(&mut *conn)
            .await?
        });
        tx.commit().await?;
        if rows.is_empty() {
            return Ok(None);
        }
        // Signed when sent, never stored.
        let base = &self.public_base;
        let (page, one_click) = self.key.links(&user.id, ReminderList::Digest, base);
        let template = Template::DiscussionDigest {
            lines: rows.iter().map(line).collect(),
            account_link: format!("{base}/account"),
            unsubscribe_link: page,
        };
        let mail = daily::mail_to(job, &user, &template, one_click);
        Ok(Some((mail, rows.into_iter().map(|r| r.post_id).collect())))
    }

    /// The listed replies were mailed: they leave the digest.
    async fn forget(&self, user: &UserId, posts: &[PostId]) -> Result<()> {
        for post in posts {
            on_pool!(self.db, pool => {
                sqlx::query("DELETE FROM post_digest_entries WHERE user_id = $1 AND post_id = $2")
                    .bind(user)
                    .bind(post)
                    .execute(pool)
                    .await?;
            });
        }
        Ok(())
    }
}

impl Handler for DigestHandler {
    fn kind(&self) -> &'static str {
        DIGEST
    }

    fn run<'a>(&'a self, job: &'a Job) -> RunFuture<'a> {
        Box::pin(async move {
            let payload: DailyPayload = job.payload()?;
            match self.compose(job, &payload).await {
                Ok(Some((mail, posts))) => {
                    self.transport.send(&mail).await.inspect_err(|e| {
                        tracing::warn!(
                            to = %notify::mask_email(&mail.to_email),
                            error = %e,
                            "discussion digest not sent"
                        );
                    })?;
                    // Sent: a failure to forget the lines only risks listing them once more.
                    if let Err(e) = self.forget(&payload.user_id, &posts).await {
                        tracing::warn!(error = %e, "cannot clear the mailed digest lines");
                    }
                    Ok(Outcome::Done)
                }
                Ok(None) => Ok(Outcome::Discarded),
                Err(e) => Err(JobError::transient(format!("cannot compose: {e}"))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_digest_waits_for_the_end_of_the_local_day() {
        let cases = [
            ("2026-11-30T15:00:00Z", "UTC", "2026-12-01T00:00:00Z"),
            (
                "2026-11-30T15:00:00Z",
                "Europe/Moscow",
                "2026-11-30T21:00:00Z",
            ),
            (
                "2026-11-30T22:00:00Z",
                "Europe/Moscow",
                "2026-12-01T21:00:00Z",
            ),
            (
                "2026-11-30T15:00:00Z",
                "Nowhere/Atlantis",
                "2026-12-01T00:00:00Z",
            ),
            // Chile skips midnight when summer time starts (2026-09-06): 01:00 instead.
            (
                "2026-09-05T12:00:00Z",
                "America/Santiago",
                "2026-09-06T04:00:00Z",
            ),
        ];
        for (now, zone, expected) in cases {
            assert_eq!(
                end_of_local_day(utc(now), zone),
                utc(expected),
                "{now} {zone}"
            );
        }
    }

    #[test]
    fn digest_lines_quote_one_line_of_the_reply() {
        let row = LineRow {
            post_id: PostId::parse("01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0e").unwrap(),
            lesson_title: "Loops".into(),
            author: Some("Bob".into()),
            body: format!("Try\n\n`while`   {}", "x".repeat(200)),
        };
        let text = line(&row);
        assert!(text.starts_with("Bob — Loops: Try `while` xxx"), "{text}");
        assert!(text.ends_with('…'));
        assert!(!text.contains('\n'));
    }
}
