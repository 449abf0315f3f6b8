//! Courses downloaded for offline use, kept in the signed-in user's own IndexedDB database
//! (`database::user_database`, so another account on the browser sees none of them): the course outline (the course page's
//! `CourseDetail`) in `offline_courses`, each lesson as the lesson endpoint answered it (its
//! sanitised HTML included) in `offline_lessons`, and the images those lessons show, as `Blob`s, in
//! `offline_media`. The service worker never keeps any of this (it caches only the app shell).
//!
//! Storage only: fetching a course to download it is `offline`'s (the top-level module), showing
//! it is the pages'. A course record is written last, so a course is "available offline" only once
//! every lesson and image of it is kept; an interrupted download leaves no record and is simply
//! done again (what it kept is deleted by `forget_orphans`). Never changes the HTML it keeps: it is the server's sanitised HTML, shown as is.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use shared::api::courses::{CourseDetail, LessonView};
use shared::domain::LessonId;
use wasm_bindgen::JsCast;

use super::database::{Store, OFFLINE_COURSES, OFFLINE_LESSONS, OFFLINE_MEDIA};
use crate::error::ClientError;

/// One downloaded course: what its page shows, and what else was kept for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfflineCourse {
    pub detail: CourseDetail,
    /// The lessons kept in `offline_lessons`, in course order.
    pub lessons: Vec<LessonId>,
    /// The media paths (`/media/{hash}`) kept in `offline_media` for this course.
    pub media: Vec<String>,
    /// What the download takes on the device: the JSON of the outline and lessons plus the images.
    pub bytes: u64,
    /// When it was downloaded, in milliseconds since the Unix epoch.
    pub saved_at: f64,
}

/// The downloaded course `course` (an id or a slug), if it was downloaded.
pub async fn course(store: &Store, course: &str) -> Result<Option<OfflineCourse>, ClientError> {
    if let Some(found) = store.get::<OfflineCourse>(OFFLINE_COURSES, course).await? {
        return Ok(Some(found));
    }
    Ok(courses(store)
        .await?
        .into_iter()
        .find(|kept| kept.detail.summary.slug == course))
}

/// Every downloaded course.
pub async fn courses(store: &Store) -> Result<Vec<OfflineCourse>, ClientError> {
    Ok(store
        .entries(OFFLINE_COURSES)
        .await?
        .into_iter()
        .filter_map(|(_, value)| serde_json::from_str(&value.as_string()?).ok())
        .collect())
}

/// Marks a course downloaded: its lessons and media must be kept already.
pub async fn save_course(store: &Store, course: &OfflineCourse) -> Result<(), ClientError> {
    store
        .put(OFFLINE_COURSES, course.detail.summary.id.as_str(), course)
        .await
}

/// The downloaded lesson `lesson` (by id), if any.
pub async fn lesson(store: &Store, lesson: &str) -> Result<Option<LessonView>, ClientError> {
    store.get(OFFLINE_LESSONS, lesson).await
}

/// Keeps a lesson as the server sent it; returns the bytes it takes.
pub async fn save_lesson(store: &Store, view: &LessonView) -> Result<u64, ClientError> {
    store.put(OFFLINE_LESSONS, view.id.as_str(), view).await?;
    Ok(json_size(view))
}

/// The image kept for `path` (`/media/{hash}`), if any.
pub async fn media(store: &Store, path: &str) -> Result<Option<web_sys::Blob>, ClientError> {
    Ok(store
        .get_value(OFFLINE_MEDIA, path)
        .await?
        .and_then(|value| value.dyn_into::<web_sys::Blob>().ok()))
}

/// Keeps an image's bytes under its path.
pub async fn save_media(
    store: &Store,
    path: &str,
    blob: &web_sys::Blob,
) -> Result<(), ClientError> {
    store.put_value(OFFLINE_MEDIA, path, blob).await
}

/// Forgets a downloaded course: its record, its lessons, and the images no other downloaded
/// course shows. Removing a course that is not downloaded is fine.
pub async fn remove(store: &Store, course_id: &str) -> Result<(), ClientError> {
    let Some(removed) = store
        .get::<OfflineCourse>(OFFLINE_COURSES, course_id)
        .await?
    else {
        return Ok(());
    };
    // The record goes first: a course half removed is no longer offered as available.
    store.delete(OFFLINE_COURSES, course_id).await?;
    let still_used: BTreeSet<String> = courses(store)
        .await?
        .into_iter()
        .flat_map(|kept| kept.media)
        .collect();
    for lesson in &removed.lessons {
        store.delete(OFFLINE_LESSONS, lesson.as_str()).await?;
    }
    for path in removed.media.iter().filter(|p| !still_used.contains(*p)) {
        store.delete(OFFLINE_MEDIA, path).await?;
    }
    Ok(())
}

/// After `now` replaced the downloaded copy `earlier` of the same course: forgets the lessons it
/// no longer has, and the images that no downloaded course shows any more.
pub async fn forget_unused(
    store: &Store,
    earlier: &OfflineCourse,
    now: &OfflineCourse,
) -> Result<(), ClientError> {
    for lesson in earlier.lessons.iter().filter(|l| !now.lessons.contains(l)) {
        store.delete(OFFLINE_LESSONS, lesson.as_str()).await?;
    }
    let still_used: BTreeSet<String> = courses(store)
        .await?
        .into_iter()
        .flat_map(|kept| kept.media)
        .collect();
    for path in earlier.media.iter().filter(|p| !still_used.contains(*p)) {
        store.delete(OFFLINE_MEDIA, path).await?;
    }
    Ok(())
}

/// Forgets what an interrupted download left behind: lessons and images that no downloaded
/// course lists (a course's record is written last, so a download cut short keeps its lessons
/// and images without one). Stops, keeping the rest, as soon as `busy()` says a download has
/// started meanwhile, since what it has kept so far is not listed yet either. Returns how many
/// records it deleted.
pub async fn forget_orphans(store: &Store, busy: impl Fn() -> bool) -> Result<u32, ClientError> {
    let kept = courses(store).await?;
    let lessons: BTreeSet<String> = kept
        .iter()
        .flat_map(|course| course.lessons.iter().map(|l| l.as_str().to_owned()))
        .collect();
    let media: BTreeSet<String> = kept.into_iter().flat_map(|course| course.media).collect();
    let mut deleted = 0;
    for (object_store, listed) in [(OFFLINE_LESSONS, &lessons), (OFFLINE_MEDIA, &media)] {
        for key in store.keys(object_store).await? {
            if listed.contains(&key) {
                continue;
            }
            if busy() {
                return Ok(deleted);
            }
            store.delete(object_store, &key).await?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

/// The size of `value` as the JSON text it is kept as.
pub fn json_size<T: Serialize>(value: &T) -> u64 {
    serde_json::to_string(value).map_or(0, |json| json.len() as u64)
}

/// The same-origin media paths (`/media/{hash}`) that `<img src>` attributes of `html` name, in
/// order of first appearance, each once. The HTML is the server's sanitised HTML (ammonia writes
/// attributes double-quoted); anything else is ignored.
pub fn media_paths(html: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for (at, _) in html.match_indices("src=\"/media/") {
        let value = &html[at + "src=\"".len()..];
        let Some(end) = value.find('"') else { continue };
        let path = &value[..end];
        let hash = &path["/media/".len()..];
        let well_formed = !hash.is_empty()
            && hash
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_');
        if well_formed && !paths.iter().any(|p| p == path) {
            paths.push(path.to_owned());
        }
    }
    paths
}

// Native tests (`cargo test -p client --lib`).
#[cfg(test)]
mod tests {
    use super::media_paths;

    #[test]
    fn media_paths_are_the_images_the_html_shows_once_each() {
        let html = concat!(
            r#"<p><img src="/media/abc123" alt="a"> and <img alt="b" src="/media/def456"></p>"#,
            r#"<img src="/media/abc123"><a href="/media/link">not an image</a>"#,
            r#"<img src="https://example.com/x.png"><img src="/media/../api/me">"#,
            r#"<img src="/media/">"#,
        );
        assert_eq!(media_paths(html), ["/media/abc123", "/media/def456"]);
        assert!(media_paths("<p>no images</p>").is_empty());
    }
}
