//! Lessons a learner completed, per signed-in user and course, kept on the device (IndexedDB
//! object store `progress`). Only `learn` reads and writes it; it never talks to the server.
//!
//! A stopgap: the learner's progress document of the sync loop replaces it (see `learn`).

use serde::{Deserialize, Serialize};
use shared::domain::{CourseId, LessonId, UserId};

use super::database::{Store, PROGRESS};
use crate::error::ClientError;

/// What is kept for one (user, course): the completed lessons, in the order they were completed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseProgress {
    pub completed: Vec<LessonId>,
}

/// The key of one user's progress in one course: users sharing a device never see each other's.
pub fn key(user: &UserId, course: &CourseId) -> String {
    format!("{}/{}", user.as_str(), course.as_str())
}

/// The progress kept for `user` in `course` (empty when there is none).
pub async fn load(
    store: &Store,
    user: &UserId,
    course: &CourseId,
) -> Result<CourseProgress, ClientError> {
    Ok(store
        .get(PROGRESS, &key(user, course))
        .await?
        .unwrap_or_default())
}

/// Replaces the progress kept for `user` in `course`.
pub async fn save(
    store: &Store,
    user: &UserId,
    course: &CourseId,
    progress: &CourseProgress,
) -> Result<(), ClientError> {
    store.put(PROGRESS, &key(user, course), progress).await
}
