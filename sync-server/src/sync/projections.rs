//! Read models derived from progress documents: `lesson_completions` (a learner's first
//! completion of each lesson) and `course_completions` (the moment they had completed every
//! lesson of a course, recorded once and never rewritten), for "My learning", and later
//! certificates and teacher analytics.
//!
//! Derived inline, in the transaction that accepts the message, from the events that message
//! added (`LearnerDoc::events_since`; the schema lets a message only add events): the read
//! models commit with the document, never lag behind it, and cost what the message carries, not
//! the document's size. (A job would have to load the whole document again, and the queue's
//! unique keys stay taken after a job ran, so bursts could not coalesce on them.) Never trusts
//! an event: a lesson that is not in the course changes nothing and is logged.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use shared::doc::progress::completed_lessons;
use shared::doc::{rfc3339_millis, Event};
use shared::domain::{CourseId, LessonId, UserId};

use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::Result;

/// Records what `events` (newly added to `user`'s progress document of `course`) complete.
pub async fn record(
    tx: &mut Tx,
    user: &UserId,
    course: &CourseId,
    events: &[Event],
    now: DateTime<Utc>,
) -> Result<()> {
    let completed = completed_lessons(events);
    if completed.is_empty() {
        return Ok(());
    }
    let mut recorded = false;
    for (lesson, at) in completed {
        // A device's clock only orders events; a completion "in the future" is recorded as now.
        let at = rfc3339_millis(&at)
            .and_then(DateTime::<Utc>::from_timestamp_millis)
            .map_or(now, |at| at.min(now));
        if !lesson_in_course(tx, &lesson, course).await? {
            tracing::warn!(
                user_id = %user,
                course_id = %course,
                lesson_id = %lesson,
                "a progress document completes a lesson that is not in its course; ignored"
            );
            continue;
        }
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO lesson_completions (user_id, course_id, lesson_id, completed_at) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, lesson_id) DO UPDATE SET completed_at = excluded.completed_at \
                 WHERE excluded.completed_at < lesson_completions.completed_at",
            )
            .bind(user)
            .bind(course)
            .bind(&lesson)
            .bind(at)
            .execute(conn)
            .await?;
        });
        recorded = true;
    }
    if recorded {
        record_course_completion(tx, user, course).await?;
    }
    Ok(())
}

async fn lesson_in_course(tx: &mut Tx, lesson: &LessonId, course: &CourseId) -> Result<bool> {
    let found: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT 1 FROM lessons WHERE id = $1 AND course_id = $2")
            .bind(lesson)
            .bind(course)
            .fetch_optional(conn)
            .await?
    });
    Ok(found.is_some())
}

/// Records the course as completed, at its last lesson's first completion, once every lesson of
/// the course is completed; a recorded completion is never rewritten (lessons added later do not
/// take it back).
async fn record_course_completion(tx: &mut Tx, user: &UserId, course: &CourseId) -> Result<()> {
    let (total, done, last): (i64, i64, Option<DateTime<Utc>>) = on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM lessons WHERE course_id = $2), \
                    COUNT(*), MAX(c.completed_at) \
             FROM lesson_completions c JOIN lessons l ON l.id = c.lesson_id \
             WHERE c.user_id = $1 AND l.course_id = $2",
        )
        .bind(user)
        .bind(course)
        .fetch_one(conn)
        .await?
    });
    let Some(last) = last else {
        return Ok(());
    };
    if total == 0 || done < total {
        return Ok(());
    }
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO course_completions (user_id, course_id, completed_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, course_id) DO NOTHING",
        )
        .bind(user)
        .bind(course)
        .bind(last)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// A learner's figures in one course, as the read models hold them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CourseProgress {
    pub lessons_completed: u32,
    pub completed_at: Option<DateTime<Utc>>,
}

/// `user`'s figures in each course they have any (for "My learning").
pub async fn progress_of(db: &Db, user: &UserId) -> Result<BTreeMap<CourseId, CourseProgress>> {
    let rows: Vec<(CourseId, i64, Option<DateTime<Utc>>)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT c.course_id, COUNT(*), \
                    (SELECT cc.completed_at FROM course_completions cc \
                     WHERE cc.user_id = $1 AND cc.course_id = c.course_id) \
             FROM lesson_completions c WHERE c.user_id = $1 GROUP BY c.course_id",
        )
        .bind(user)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(course, done, completed_at)| {
            (
                course,
                CourseProgress {
                    lessons_completed: u32::try_from(done).unwrap_or(u32::MAX),
                    completed_at,
                },
            )
        })
        .collect())
}
