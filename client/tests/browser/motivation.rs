//! `learn::motivation` on the learner's own documents in the browser: a lesson completed today
//! moves the XP, the week and (once the goal is reached) the streak; the goal is a
//! `daily_goal_set` event in the profile document; every event's `at` is written in local time
//! with the browser's offset, on the learner's own day.

use client::learn::{self, motivation};
use client::store::user_database;
use client::sync::documents;
use shared::doc::EventKind;
use shared::domain::{CourseId, DocId, LessonId};
use shared::rules::day::{offset_minutes, Day};
use shared::rules::xp::DailyGoal;
use wasm_bindgen_test::wasm_bindgen_test;

fn uuid(n: u8) -> String {
    format!("01900000-0000-7000-8000-0000000003{n:02x}")
}

#[wasm_bindgen_test]
async fn a_lesson_completed_today_moves_xp_and_reaching_the_goal_starts_the_streak() {
    let user = crate::learn::sign_in_fresh_user();
    let course = CourseId::parse(&uuid(1)).unwrap();

    let before = motivation::motivation().await.unwrap();
    assert!(before.is_new());
    assert_eq!(before.total_xp(), 0);
    assert_eq!(before.goal, DailyGoal::Steady);

    learn::mark_lesson_complete(&course, &LessonId::parse(&uuid(2)).unwrap())
        .await
        .unwrap();
    let after = motivation::motivation().await.unwrap();
    assert_eq!(after.total_xp(), 10);
    assert_eq!(after.today_xp, 10);
    let weekday = usize::from(after.today.weekday());
    assert_eq!(after.week[weekday], 10, "today's bar of the week");
    assert_eq!(after.motivation.streak.current, 0, "10 of 20 XP: not yet");
    assert!(after.awarded("first_lesson").is_some());

    // A lighter goal, from today: 10 XP is reached, the streak starts and the bonus is paid.
    motivation::set_daily_goal(DailyGoal::Light).await.unwrap();
    let light = motivation::motivation().await.unwrap();
    assert_eq!(light.goal, DailyGoal::Light);
    assert_eq!(light.motivation.streak.current, 1);
    assert!(light.motivation.streak.today_reached);
    assert_eq!(light.today_xp, 15);

    // The goal is an event of the profile document; every `at` is local time with the offset.
    let store = user_database(&user).await.unwrap();
    let profile = documents::events(&store, &DocId::profile(&user))
        .await
        .unwrap();
    assert!(profile.iter().any(|e| e.kind
        == EventKind::DailyGoalSet {
            xp: DailyGoal::Light
        }));
    let progress = documents::events(&store, &DocId::progress(&user, &course))
        .await
        .unwrap();
    for event in profile.iter().chain(&progress) {
        assert_eq!(
            offset_minutes(&event.at),
            Some(learn::utc_offset_minutes()),
            "{}",
            event.at
        );
        assert_eq!(Day::of_at(&event.at), Some(light.today), "{}", event.at);
    }
    client::store::session::forget_user();
}

#[wasm_bindgen_test]
async fn nobody_signed_in_has_no_figures() {
    client::store::session::forget_user();
    assert_eq!(
        motivation::motivation().await,
        Err(client::error::ClientError::Unauthorized)
    );
}
