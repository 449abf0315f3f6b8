//! `learn` on the learner's progress documents in the signed-in user's own database: completions
//! and openings are events, read back from the document, pending until synced, and completions
//! kept the old way (app database `progress`) are moved in once.

use client::learn;
use client::store::database::Store;
use client::store::{docs, progress, session, user_database};
use shared::api::accounts::{Me, Role};
use shared::doc::EventKind;
use shared::domain::{CourseId, DocId, LessonId, UserId};
use wasm_bindgen_test::wasm_bindgen_test;

/// Signs in (as far as `learn` can tell) a user no other test run shares.
pub fn sign_in_fresh_user() -> UserId {
    let id = UserId::parse(&shared::doc::new_event_id()).unwrap();
    let me = Me {
        id: id.clone(),
        ..crate::auth::me(Role::Student)
    };
    session::save_user(&me).unwrap();
    id
}

fn uuid(n: u8) -> String {
    format!("01900000-0000-7000-8000-0000000001{n:02x}")
}

#[wasm_bindgen_test]
async fn completing_and_opening_lessons_are_events_in_the_progress_document() {
    let user = sign_in_fresh_user();
    let course = CourseId::parse(&uuid(1)).unwrap();
    let (first, second) = (
        LessonId::parse(&uuid(2)).unwrap(),
        LessonId::parse(&uuid(3)).unwrap(),
    );
    assert!(learn::completed_lessons(&course).await.unwrap().is_empty());

    learn::record_lesson_opened(&course, &first).await.unwrap();
    learn::mark_lesson_complete(&course, &first).await.unwrap();
    learn::mark_lesson_complete(&course, &first).await.unwrap();
    learn::mark_lesson_complete(&course, &second).await.unwrap();

    let done = learn::completed_lessons(&course).await.unwrap();
    assert_eq!(
        done.into_iter().collect::<Vec<_>>(),
        vec![first.clone(), second]
    );
    let counts = learn::completed_counts(std::slice::from_ref(&course))
        .await
        .unwrap();
    assert_eq!(counts.get(&course), Some(&2));

    // Saved in the user's own database, pending until a sync round confirms it.
    let store = user_database(&user).await.unwrap();
    let doc = DocId::progress(&user, &course);
    let record = docs::load(&store, &doc).await.unwrap().unwrap();
    assert_eq!(
        record.pending, 3,
        "one opening and two completions (the repeat records nothing)"
    );
    let kept = client::sync::replica::Replica::from_record(&record).unwrap();
    let kinds: Vec<_> = kept.events().into_iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&EventKind::LessonOpened { lesson_id: first }));
    session::forget_user();
}

#[wasm_bindgen_test]
async fn completions_kept_the_old_way_move_into_the_progress_document_once() {
    let user = sign_in_fresh_user();
    let course = CourseId::parse(&uuid(4)).unwrap();
    let lesson = LessonId::parse(&uuid(5)).unwrap();
    let app = Store::open().await.unwrap();
    let old = progress::CourseProgress {
        completed: vec![lesson.clone()],
    };
    progress::save(&app, &user, &course, &old).await.unwrap();

    let done = learn::completed_lessons(&course).await.unwrap();
    assert!(done.contains(&lesson));
    assert!(
        progress::kept_for(&app, &user).await.unwrap().is_empty(),
        "moved, then forgotten"
    );
    session::forget_user();
}

#[wasm_bindgen_test]
async fn nobody_signed_in_has_no_progress() {
    session::forget_user();
    let course = CourseId::parse(&uuid(6)).unwrap();
    assert_eq!(
        learn::completed_lessons(&course).await,
        Err(client::error::ClientError::Unauthorized)
    );
}
