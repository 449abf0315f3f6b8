//! The learner's own progress, behind two narrow functions the pages call:
//! `mark_lesson_complete` and `completed_lessons`. Never renders, never calls the server.
//!
//! Today completions are kept on this device only, per signed-in user and course, in IndexedDB
//! (`store::progress`). The offline CRDT sync issue replaces the storage behind these two
//! functions with the learner's progress document (`progress-{user_id}-{course_id}`, a
//! `lesson_completed` event per completion) so they follow the learner across devices; their
//! signatures stay, so no page changes then. Completion is append-only, as events in that document
//! will be: there is no "un-complete".

use std::cell::RefCell;
use std::collections::BTreeSet;

use shared::domain::{CourseId, LessonId, UserId};

use crate::error::ClientError;
use crate::store::{progress, session, Store};

thread_local! {
    /// The database, opened on first use and kept for the page's life.
    static STORE: RefCell<Option<Store>> = const { RefCell::new(None) };
}

async fn device_store() -> Result<Store, ClientError> {
    if let Some(store) = STORE.with(|cell| cell.borrow().clone()) {
        return Ok(store);
    }
    let store = Store::open().await?;
    STORE.with(|cell| *cell.borrow_mut() = Some(store.clone()));
    Ok(store)
}

/// The signed-in user progress belongs to (the last one the server confirmed on this device).
fn learner() -> Result<UserId, ClientError> {
    session::saved_user()
        .map(|me| me.id)
        .ok_or(ClientError::Unauthorized)
}

/// Records that the signed-in learner completed `lesson_id` of `course_id`. Completing a lesson
/// twice is harmless.
pub async fn mark_lesson_complete(
    course_id: &CourseId,
    lesson_id: &LessonId,
) -> Result<(), ClientError> {
    let user = learner()?;
    let store = device_store().await?;
    let mut kept = progress::load(&store, &user, course_id).await?;
    if kept.completed.contains(lesson_id) {
        return Ok(());
    }
    kept.completed.push(lesson_id.clone());
    progress::save(&store, &user, course_id, &kept).await
}

/// The lessons of `course_id` the signed-in learner has completed.
pub async fn completed_lessons(course_id: &CourseId) -> Result<BTreeSet<LessonId>, ClientError> {
    let user = learner()?;
    let store = device_store().await?;
    let kept = progress::load(&store, &user, course_id).await?;
    Ok(kept.completed.into_iter().collect())
}
