//! `store::offline`: downloaded courses in the user's own database: a course, its lessons and
//! images are found again (by id or slug), another user sees none of them, and removing a course
//! frees its lessons and the images no other downloaded course shows; what an interrupted
//! download kept without a course record is deleted, and only that.

use client::store::database::Store;
use client::store::offline::{self, OfflineCourse};
use shared::api::courses::{CourseDetail, LessonView};
use shared::domain::{LessonId, UserId};
use wasm_bindgen_test::wasm_bindgen_test;

/// A user id no other test run shares (a fresh database each run).
fn fresh_user() -> UserId {
    UserId::parse(&shared::doc::new_event_id()).unwrap()
}

/// A course of `lessons` (ids), with a fresh id and the slug `slug`.
fn course(slug: &str, lessons: &[&LessonId]) -> CourseDetail {
    let lessons: Vec<_> = lessons
        .iter()
        .map(|id| serde_json::json!({"id": id, "title": "A lesson", "estimated_minutes": 5, "has_video": false}))
        .collect();
    serde_json::from_value(serde_json::json!({
        "id": shared::doc::new_event_id(), "slug": slug, "title": "Offline", "subtitle": "",
        "language": "en", "level": "beginner", "status": "published", "category": null,
        "cover_url": null, "price": null, "rating": {"average": null, "count": 0},
        "enrollment_count": 1, "teacher": {"id": shared::doc::new_event_id(), "display_name": "T"},
        "estimated_minutes": 5, "lesson_count": lessons.len(), "published_at": null,
        "description_html": "<p>About</p>",
        "modules": [{"id": shared::doc::new_event_id(), "title": "M", "lessons": lessons}],
    }))
    .unwrap()
}

fn lesson(detail: &CourseDetail, id: &LessonId, image: &str) -> LessonView {
    serde_json::from_value(serde_json::json!({
        "id": id, "course_id": detail.summary.id, "course_title": "Offline",
        "module_id": detail.modules[0].id, "module_title": "M", "title": "A lesson",
        "html": format!(r#"<p>Text</p><img src="{image}" alt="">"#), "video_url": null,
        "estimated_minutes": 5, "position": 1, "lesson_count": 1, "previous": null, "next": null,
    }))
    .unwrap()
}

fn lesson_id() -> LessonId {
    LessonId::parse(&shared::doc::new_event_id()).unwrap()
}

fn blob() -> web_sys::Blob {
    web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&js_sys::Uint8Array::from(
        &[1_u8, 2, 3][..],
    )))
    .unwrap()
}

async fn keep(store: &Store, slug: &str, image: &str) -> OfflineCourse {
    let id = lesson_id();
    let detail = course(slug, &[&id]);
    let view = lesson(&detail, &id, image);
    let bytes = offline::save_lesson(store, &view).await.unwrap();
    offline::save_media(store, image, &blob()).await.unwrap();
    let kept = OfflineCourse {
        detail,
        lessons: vec![id],
        media: offline::media_paths(&view.html),
        bytes: bytes + 3,
        saved_at: 0.0,
    };
    offline::save_course(store, &kept).await.unwrap();
    kept
}

#[wasm_bindgen_test]
async fn a_downloaded_course_is_found_by_id_or_slug_and_only_by_its_user() {
    let (alice, bob) = (fresh_user(), fresh_user());
    let alices = Store::open_user(&alice).await.unwrap();
    let bobs = Store::open_user(&bob).await.unwrap();
    let kept = keep(&alices, "offline-a", "/media/aaaa").await;
    let id = kept.detail.summary.id.to_string();
    assert_eq!(
        offline::course(&alices, &id).await.unwrap(),
        Some(kept.clone())
    );
    assert_eq!(
        offline::course(&alices, "offline-a").await.unwrap(),
        Some(kept.clone())
    );
    assert!(offline::lesson(&alices, kept.lessons[0].as_str())
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        offline::media(&alices, "/media/aaaa")
            .await
            .unwrap()
            .unwrap()
            .size(),
        3.0
    );
    assert_eq!(
        offline::course(&bobs, &id).await.unwrap(),
        None,
        "bob sees none of it"
    );
    assert!(offline::courses(&bobs).await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn removing_a_course_frees_its_lessons_and_the_images_no_other_course_shows() {
    let store = Store::open_user(&fresh_user()).await.unwrap();
    let first = keep(&store, "offline-one", "/media/shared").await;
    let second = keep(&store, "offline-two", "/media/shared").await;
    offline::save_media(&store, "/media/only-first", &blob())
        .await
        .unwrap();
    let mut first = first;
    first.media.push("/media/only-first".into());
    offline::save_course(&store, &first).await.unwrap();

    offline::remove(&store, first.detail.summary.id.as_str())
        .await
        .unwrap();
    assert_eq!(offline::course(&store, "offline-one").await.unwrap(), None);
    assert!(offline::lesson(&store, first.lessons[0].as_str())
        .await
        .unwrap()
        .is_none());
    assert!(offline::media(&store, "/media/only-first")
        .await
        .unwrap()
        .is_none());
    assert!(
        offline::media(&store, "/media/shared")
            .await
            .unwrap()
            .is_some(),
        "the other course still shows it"
    );
    assert_eq!(
        offline::courses(&store).await.unwrap(),
        vec![second.clone()]
    );

    offline::remove(&store, second.detail.summary.id.as_str())
        .await
        .unwrap();
    assert!(offline::media(&store, "/media/shared")
        .await
        .unwrap()
        .is_none());
    offline::remove(&store, "not-downloaded").await.unwrap();
}

#[wasm_bindgen_test]
async fn what_an_interrupted_download_left_is_deleted_and_nothing_a_course_lists() {
    let store = Store::open_user(&fresh_user()).await.unwrap();
    let whole = keep(&store, "offline-whole", "/media/whole").await;
    // A download cut short: a lesson and an image kept, no course record written.
    let cut = lesson_id();
    let cut_course = course("offline-cut", &[&cut]);
    offline::save_lesson(&store, &lesson(&cut_course, &cut, "/media/cut"))
        .await
        .unwrap();
    offline::save_media(&store, "/media/cut", &blob())
        .await
        .unwrap();

    // A download that starts meanwhile stops the cleanup before it deletes anything.
    assert_eq!(offline::forget_orphans(&store, || true).await.unwrap(), 0);
    assert!(offline::lesson(&store, cut.as_str())
        .await
        .unwrap()
        .is_some());

    assert_eq!(offline::forget_orphans(&store, || false).await.unwrap(), 2);
    assert!(offline::lesson(&store, cut.as_str())
        .await
        .unwrap()
        .is_none());
    assert!(offline::media(&store, "/media/cut")
        .await
        .unwrap()
        .is_none());
    assert!(
        offline::lesson(&store, whole.lessons[0].as_str())
            .await
            .unwrap()
            .is_some(),
        "a downloaded course's lesson stays"
    );
    assert!(offline::media(&store, "/media/whole")
        .await
        .unwrap()
        .is_some());
    assert_eq!(offline::forget_orphans(&store, || false).await.unwrap(), 0);
}
