//! `learn::motivation` on the learner's own documents in the browser: a lesson completed today
//! moves the XP, the week and (once the goal is reached) the streak; the goal is a
//! `daily_goal_set` event in the profile document; every event's `at` is written in local time
//! with the browser's offset, on the learner's own day. The header's meter reads a streak at risk.

use std::rc::Rc;

use client::components::MotivationMeter;
use client::contexts::locale::LocaleProvider;
use client::i18n::Locale;
use client::learn::motivation::{self, Figures};
use client::learn::{self};
use client::store::user_database;
use client::sync::documents;
use shared::doc::{Event, EventKind};
use shared::domain::{CourseId, DocId, LessonId};
use shared::rules::day::{local_rfc3339, offset_minutes, Day, DAY_MS};
use shared::rules::xp::DailyGoal;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;

use crate::dom::mount;

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

#[derive(Properties, PartialEq)]
struct MeterProps {
    locale: Locale,
    figures: Rc<Figures>,
}

#[function_component(MeterIn)]
fn meter_in(props: &MeterProps) -> Html {
    html! {
        <LocaleProvider initial={props.locale}>
            <MotivationMeter figures={props.figures.clone()} />
        </LocaleProvider>
    }
}

#[wasm_bindgen_test]
async fn the_header_meter_marks_a_streak_at_risk_and_says_it_all_in_russian() {
    // The 10 XP goal reached yesterday, nothing yet today.
    let now = js_sys::Date::now() as i64;
    let offset = learn::utc_offset_minutes();
    let profile = vec![Event::new(
        EventKind::DailyGoalSet {
            xp: DailyGoal::Light,
        },
        local_rfc3339(now - 2 * DAY_MS, offset),
    )];
    let yesterday = vec![Event::new(
        EventKind::LessonCompleted {
            lesson_id: LessonId::parse(&uuid(3)).unwrap(),
        },
        local_rfc3339(now - DAY_MS, offset),
    )];
    let course = CourseId::parse(&uuid(4)).unwrap();
    let figures = motivation::figures(&profile, &[(course, yesterday, None)], now, offset);
    let app = mount::<MeterIn>(MeterProps {
        locale: Locale::Ru,
        figures: Rc::new(figures),
    });
    let streak = app.find("[data-testid=header-streak]").await;
    assert_eq!(
        streak.get_attribute("data-state").as_deref(),
        Some("at-risk")
    );
    assert_eq!(streak.get_attribute("data-days").as_deref(), Some("1"));
    let xp = app.find("[data-testid=header-xp]").await;
    assert_eq!(xp.get_attribute("data-xp").as_deref(), Some("15"));
    let ring = app.find("[data-testid=header-goal-ring]").await;
    assert_eq!(ring.get_attribute("data-share").as_deref(), Some("0.00"));
    let link = app.find("[data-testid=motivation-meter]").await;
    let title = link.get_attribute("title").unwrap();
    assert_eq!(
        title,
        "Всего заработано 15 XP. Серия: 1 день. Под угрозой: достигните сегодняшней цели до \
         полуночи, чтобы сохранить серию. Сегодня: 0 из 10 XP."
    );
    assert_eq!(link.get_attribute("href").as_deref(), Some("/learning"));
    assert!(
        link.text_content().unwrap().contains(&title),
        "read aloud too"
    );
    app.unmount();
}
