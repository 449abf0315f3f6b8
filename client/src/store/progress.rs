//! Lessons completed before the learner documents (object store `progress` of the app database,
//! keyed `{user_id}/{course_id}`): read once per user to move them into their progress documents,
//! then deleted. Nothing writes new entries; a later app database version can drop the store.

use serde::{Deserialize, Serialize};
use shared::domain::{CourseId, LessonId, UserId};

use super::database::{Store, PROGRESS};
use crate::error::ClientError;

/// What was kept for one (user, course): the completed lessons, in the order they were completed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseProgress {
    pub completed: Vec<LessonId>,
}

/// The key of one user's progress in one course.
pub fn key(user: &UserId, course: &CourseId) -> String {
    format!("{}/{}", user.as_str(), course.as_str())
}

/// Every course `user` has old completions kept for, with them.
pub async fn kept_for(
    store: &Store,
    user: &UserId,
) -> Result<Vec<(CourseId, CourseProgress)>, ClientError> {
    let prefix = format!("{}/", user.as_str());
    Ok(store
        .entries(PROGRESS)
        .await?
        .into_iter()
        .filter_map(|(key, value)| {
            let course = CourseId::parse(key.strip_prefix(&prefix)?).ok()?;
            let progress = serde_json::from_str(&value.as_string()?).ok()?;
            Some((course, progress))
        })
        .collect())
}

/// Keeps `progress` for `user` in `course` the old way (only tests still write it).
pub async fn save(
    store: &Store,
    user: &UserId,
    course: &CourseId,
    progress: &CourseProgress,
) -> Result<(), ClientError> {
    store.put(PROGRESS, &key(user, course), progress).await
}

/// Deletes what was kept for `user` in `course` (once it lives in the progress document).
pub async fn forget(store: &Store, user: &UserId, course: &CourseId) -> Result<(), ClientError> {
    store.delete(PROGRESS, &key(user, course)).await
}
