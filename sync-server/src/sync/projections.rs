//! Read models derived from progress documents: `lesson_completions` (a learner's first
//! completion of each lesson), `course_completions` (the moment they had completed every
//! lesson of a course, recorded once and never rewritten), for "My learning", and later
//! certificates, and `quiz_attempts` (each attempt scored again on the server against the quiz
//! version it names) for teacher statistics.
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
use shared::doc::{rfc3339_millis, Event, EventKind, QuizAttempt};
use shared::domain::{CourseId, LessonId, UserId};

use crate::catalog::quizzes;
use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};

/// Records what `events` (newly added to `user`'s progress document of `course`) complete, and
/// the quiz attempts among them.
pub async fn record(
    tx: &mut Tx,
    user: &UserId,
    course: &CourseId,
    events: &[Event],
    now: DateTime<Utc>,
) -> Result<()> {
    // A passing attempt (by the server's score) completes its lesson at the attempt's time.
    let mut completed: Vec<(LessonId, DateTime<Utc>)> = Vec::new();
    for event in events {
        if let EventKind::QuizAttempt(attempt) = &event.kind {
            let at = event_time(&event.at, now);
            if record_attempt(tx, user, course, &event.id, attempt, at).await? {
                completed.push((attempt.lesson_id.clone(), at));
            }
        }
    }
    for (lesson, at) in completed_lessons(events) {
        if !lesson_in_course(tx, &lesson, course).await? {
            tracing::warn!(
                user_id = %user,
                course_id = %course,
                lesson_id = %lesson,
                "a progress document completes a lesson that is not in its course; ignored"
            );
            continue;
        }
        // A lesson with a quiz is completed by passing it, never by the completion alone.
        if quizzes::has_published_quiz(tx, &lesson).await?
            && !has_passing_attempt(tx, user, &lesson).await?
        {
            tracing::info!(
                user_id = %user,
                course_id = %course,
                lesson_id = %lesson,
                "a lesson with a quiz is marked completed with no passing attempt; not counted"
            );
            continue;
        }
        completed.push((lesson, event_time(&at, now)));
    }
    if completed.is_empty() {
        return Ok(());
    }
    for (lesson, at) in &completed {
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO lesson_completions (user_id, course_id, lesson_id, completed_at) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, lesson_id) DO UPDATE SET completed_at = excluded.completed_at \
                 WHERE excluded.completed_at < lesson_completions.completed_at",
            )
            .bind(user)
            .bind(course)
            .bind(lesson)
            .bind(at)
            .execute(conn)
            .await?;
        });
    }
    record_course_completion(tx, user, course).await
}

/// An event's time as recorded: a device's clock only orders events, so one "in the future" is
/// recorded as now.
fn event_time(at: &str, now: DateTime<Utc>) -> DateTime<Utc> {
    rfc3339_millis(at)
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .map_or(now, |at| at.min(now))
}

/// Scores a synced quiz attempt against the version it names and records it in `quiz_attempts`
/// (once per event id). The device's own `score_percent` and `passed` are never read. An attempt
/// on a lesson not in the course, a version that does not exist or answers that do not read is
/// logged and ignored (the sync still succeeds). Answers whether it passed.
async fn record_attempt(
    tx: &mut Tx,
    user: &UserId,
    course: &CourseId,
    event_id: &str,
    attempt: &QuizAttempt,
    at: DateTime<Utc>,
) -> Result<bool> {
    let lesson = &attempt.lesson_id;
    let ignore = |why: &str| {
        tracing::warn!(
            user_id = %user,
            course_id = %course,
            lesson_id = %lesson,
            quiz_version = attempt.quiz_version,
            event_id,
            "a quiz attempt {why}; ignored"
        );
        Ok(false)
    };
    if !lesson_in_course(tx, lesson, course).await? {
        return ignore("is on a lesson that is not in its course");
    }
    let Some(quiz) = quizzes::quiz_version_in(tx, lesson, attempt.quiz_version).await? else {
        return ignore("names a quiz version that was never published");
    };
    let Some(answers) = attempt.parsed_answers() else {
        return ignore("has answers that are not an object of answers by question id");
    };
    let score = shared::quiz::score(&quiz.questions, |id| answers.get(id), quiz.pass_mark);
    let results: BTreeMap<&str, bool> = quiz
        .questions
        .iter()
        .map(|q| {
            let right = answers
                .get(&q.id)
                .is_some_and(|a| shared::quiz::is_correct(&q.body, a));
            (q.id.as_str(), right)
        })
        .collect();
    let results = serde_json::to_string(&results).map_err(|e| Error::Internal(e.to_string()))?;
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO quiz_attempts (user_id, event_id, course_id, lesson_id, version, \
                 correct, total, score_percent, passed, results, duration_ms, attempted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (user_id, event_id) DO NOTHING",
        )
        .bind(user)
        .bind(event_id)
        .bind(course)
        .bind(lesson)
        .bind(i32::try_from(attempt.quiz_version).unwrap_or(i32::MAX))
        .bind(i32::try_from(score.correct).unwrap_or(i32::MAX))
        .bind(i32::try_from(score.total).unwrap_or(i32::MAX))
        .bind(i32::from(score.percent))
        .bind(score.passed)
        .bind(&results)
        .bind(i64::try_from(attempt.duration_ms).unwrap_or(i64::MAX))
        .bind(at)
        .execute(conn)
        .await?;
    });
    Ok(score.passed)
}

async fn has_passing_attempt(tx: &mut Tx, user: &UserId, lesson: &LessonId) -> Result<bool> {
    let found: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT 1 FROM quiz_attempts WHERE user_id = $1 AND lesson_id = $2 AND passed LIMIT 1",
        )
        .bind(user)
        .bind(lesson)
        .fetch_optional(conn)
        .await?
    });
    Ok(found.is_some())
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
