//! The learner's own progress, behind narrow functions the pages call: `mark_lesson_complete`,
//! `record_quiz_attempt`, `record_lesson_opened`, `completed_lessons` and `completed_counts`. Never renders, never calls
//! the server: it reads and appends events of the learner's progress documents
//! (`progress-{user_id}-{course_id}`) on this device, through `sync::documents`, which tells the
//! sync loop. Completion is append-only: there is no "un-complete". Flashcards are in `cards`.

pub mod cards;

pub mod motivation;

pub mod card_files;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use shared::api::quizzes::QuizView;
use shared::doc::progress;
use shared::doc::{Event, EventKind, QuizAttempt};
use shared::domain::{CourseId, DocId, LessonId, UserId};
use shared::quiz::{Answer, Score};

use crate::error::ClientError;
use crate::store::{self, session, Store};
use crate::sync::documents;

thread_local! {
    /// Users whose completions from before the learner documents were already looked for.
    static ADOPTED: RefCell<HashSet<UserId>> = RefCell::new(HashSet::new());
}

/// The signed-in user progress belongs to (the last one the server confirmed on this device).
fn learner() -> Result<UserId, ClientError> {
    session::saved_user()
        .map(|me| me.id)
        .ok_or(ClientError::Unauthorized)
}

/// The learner and their own database, with old completions moved into it.
async fn learner_database() -> Result<(UserId, Store), ClientError> {
    let user = learner()?;
    let store = store::user_database(&user).await?;
    adopt_old_completions(&user, &store).await;
    Ok((user, store))
}

/// The browser's offset from UTC now, in minutes east (Moscow +180, New York -300 or -240).
pub fn utc_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// The time now as an event's `at`: RFC 3339 in the learner's local time with its UTC offset
/// (`2026-11-30T23:15:00.000+03:00`), so the motivation rules count it on the learner's own
/// calendar day. Every event this device writes takes its `at` from here.
pub fn now() -> String {
    shared::rules::day::local_rfc3339(js_sys::Date::now() as i64, utc_offset_minutes())
}

/// Moves `user`'s completions kept the old way (app database, `store::progress`) into their
/// progress documents, once per page: each becomes a `lesson_completed` event, then the old entry
/// is deleted. Failures are logged and tried again on the next page load; nothing is lost.
pub async fn adopt_old_completions(user: &UserId, store: &Store) {
    if !ADOPTED.with(|set| set.borrow_mut().insert(user.clone())) {
        return;
    }
    let moved = async {
        let app = Store::open().await?;
        for (course, kept) in store::progress::kept_for(&app, user).await? {
            let doc = DocId::progress(user, &course);
            let done = progress::completed_lessons(&documents::events(store, &doc).await?);
            for lesson_id in kept.completed {
                if !done.contains_key(&lesson_id) {
                    let event = Event::new(EventKind::LessonCompleted { lesson_id }, now());
                    documents::append(store, &doc, &event).await?;
                }
            }
            store::progress::forget(&app, user, &course).await?;
        }
        Ok::<(), ClientError>(())
    };
    if let Err(error) = moved.await {
        web_sys::console::warn_1(&format!("old completions not moved: {error}").into());
        ADOPTED.with(|set| set.borrow_mut().remove(user));
    }
}

/// Records that the signed-in learner completed `lesson_id` of `course_id`. Completing a lesson
/// twice is harmless (and records nothing the second time).
pub async fn mark_lesson_complete(
    course_id: &CourseId,
    lesson_id: &LessonId,
) -> Result<(), ClientError> {
    let (user, store) = learner_database().await?;
    let doc = DocId::progress(&user, course_id);
    let done = progress::completed_lessons(&documents::events(&store, &doc).await?);
    if done.contains_key(lesson_id) {
        return Ok(());
    }
    let kind = EventKind::LessonCompleted {
        lesson_id: lesson_id.clone(),
    };
    documents::append(&store, &doc, &Event::new(kind, now())).await
}

/// Records the signed-in learner's finished attempt at a lesson's quiz (version `quiz.version`),
/// scored on this device with `shared::quiz::score`, and when it passes, the lesson's completion:
/// a lesson with a quiz is completed by passing it. Both events sync with the progress document;
/// the server scores the answers again itself. Answers the score.
pub async fn record_quiz_attempt(
    course_id: &CourseId,
    lesson_id: &LessonId,
    quiz: &QuizView,
    answers: &BTreeMap<String, Answer>,
    duration_ms: u64,
) -> Result<Score, ClientError> {
    let score = shared::quiz::score(&quiz.questions, |id| answers.get(id), quiz.pass_mark);
    let answers = serde_json::to_string(answers).map_err(|e| ClientError::Unexpected {
        detail: format!("answers not written: {e}"),
    })?;
    let (user, store) = learner_database().await?;
    let doc = DocId::progress(&user, course_id);
    let attempt = EventKind::QuizAttempt(QuizAttempt {
        lesson_id: lesson_id.clone(),
        quiz_version: quiz.version,
        answers,
        score_percent: score.percent,
        passed: score.passed,
        duration_ms,
    });
    documents::append(&store, &doc, &Event::new(attempt, now())).await?;
    if score.passed {
        mark_lesson_complete(course_id, lesson_id).await?;
    }
    Ok(score)
}

/// Records that the signed-in learner opened `lesson_id` of `course_id` (once per page view).
pub async fn record_lesson_opened(
    course_id: &CourseId,
    lesson_id: &LessonId,
) -> Result<(), ClientError> {
    let (user, store) = learner_database().await?;
    let kind = EventKind::LessonOpened {
        lesson_id: lesson_id.clone(),
    };
    let doc = DocId::progress(&user, course_id);
    documents::append(&store, &doc, &Event::new(kind, now())).await
}

/// The lessons of `course_id` the signed-in learner has completed, on any device this one has
/// synced with.
pub async fn completed_lessons(course_id: &CourseId) -> Result<BTreeSet<LessonId>, ClientError> {
    let (user, store) = learner_database().await?;
    let events = documents::events(&store, &DocId::progress(&user, course_id)).await?;
    Ok(progress::completed_lessons(&events).into_keys().collect())
}

/// How many lessons of each of `courses` the signed-in learner has completed, from this device's
/// documents alone (so right offline too).
pub async fn completed_counts(
    courses: &[CourseId],
) -> Result<HashMap<CourseId, usize>, ClientError> {
    let (user, store) = learner_database().await?;
    let mut counts = HashMap::new();
    for course in courses {
        let events = documents::events(&store, &DocId::progress(&user, course)).await?;
        counts.insert(course.clone(), progress::completed_lessons(&events).len());
    }
    Ok(counts)
}

/// The share of a course of `lesson_count` lessons that `completed` lessons cover, 0.0 to 1.0
/// (lessons completed and since removed from the course can make `completed` larger: capped).
pub fn completion(completed: usize, lesson_count: u32) -> f64 {
    if lesson_count == 0 {
        return 0.0;
    }
    (completed as f64 / f64::from(lesson_count)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::completion;

    #[test]
    fn completion_is_a_share_capped_at_one() {
        assert_eq!(completion(0, 0), 0.0);
        assert_eq!(completion(3, 0), 0.0);
        assert_eq!(completion(0, 4), 0.0);
        assert_eq!(completion(1, 4), 0.25);
        assert_eq!(completion(4, 4), 1.0);
        assert_eq!(completion(6, 4), 1.0);
    }
}
