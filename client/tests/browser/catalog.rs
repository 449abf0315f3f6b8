use std::rc::Rc;

use client::error::ClientError;
use client::pages::catalog::{CatalogAction, CatalogState, Phase};
use shared::api::courses::{
    CourseLanguage, CourseLevel, CoursePage, CourseStatus, CourseSummary, Rating, TeacherRef,
};
use wasm_bindgen_test::wasm_bindgen_test;
use yew::Reducible;

pub fn course(slug: &str) -> CourseSummary {
    let hex: String = slug.bytes().take(6).map(|b| format!("{b:02x}")).collect();
    CourseSummary {
        id: shared::domain::CourseId::parse(&format!("00000000-0000-7000-8000-{hex:0>12}"))
            .unwrap(),
        slug: slug.into(),
        title: format!("Course {slug}"),
        subtitle: "A subtitle".into(),
        language: CourseLanguage::Ru,
        level: CourseLevel::Intermediate,
        status: CourseStatus::Published,
        category: None,
        cover_url: None,
        price: None,
        rating: Rating {
            average: None,
            count: 0,
        },
        enrollment_count: 0,
        teacher: TeacherRef {
            id: shared::domain::UserId::parse("00000000-0000-7000-8000-000000000001").unwrap(),
            display_name: "Teacher".into(),
        },
        estimated_minutes: 200,
        lesson_count: 3,
        published_at: None,
        updated_at: shared::api::Timestamp::parse("2026-11-01T10:00:00.000Z").unwrap(),
    }
}

fn page(slugs: &[&str], next: Option<&str>) -> CoursePage {
    CoursePage {
        items: slugs.iter().map(|s| course(s)).collect(),
        next_cursor: next.map(str::to_owned),
    }
}

fn apply(state: Rc<CatalogState>, action: CatalogAction) -> Rc<CatalogState> {
    state.reduce(action)
}

#[wasm_bindgen_test]
fn pages_append_and_the_last_page_ends_load_more() {
    let state = Rc::new(CatalogState::default());
    assert_eq!(state.phase, Phase::Loading);

    let state = apply(
        state,
        CatalogAction::Loaded {
            cursor: None,
            page: page(&["a", "b"], Some("c1")),
        },
    );
    assert_eq!(state.phase, Phase::Ready);
    assert_eq!(state.more_cursor(), Some("c1"));

    let state = apply(
        state,
        CatalogAction::Started {
            cursor: Some("c1".into()),
        },
    );
    assert_eq!(state.phase, Phase::LoadingMore);
    assert_eq!(
        state.more_cursor(),
        None,
        "no second load while one is in flight"
    );

    let state = apply(
        state,
        CatalogAction::Loaded {
            cursor: Some("c1".into()),
            page: page(&["c"], None),
        },
    );
    let slugs: Vec<_> = state.courses.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(slugs, ["a", "b", "c"]);
    assert_eq!(state.more_cursor(), None);
}

#[wasm_bindgen_test]
fn a_failed_load_more_keeps_the_courses_and_remembers_the_cursor() {
    let state = apply(
        Rc::new(CatalogState::default()),
        CatalogAction::Loaded {
            cursor: None,
            page: page(&["a"], Some("c1")),
        },
    );
    let state = apply(
        state,
        CatalogAction::Failed {
            cursor: Some("c1".into()),
            error: ClientError::Offline,
        },
    );
    assert_eq!(state.courses.len(), 1);
    assert_eq!(
        state.phase,
        Phase::Failed {
            error: ClientError::Offline,
            cursor: Some("c1".into())
        }
    );
}

#[wasm_bindgen_test]
fn reloading_the_first_page_replaces_the_list() {
    let state = apply(
        Rc::new(CatalogState::default()),
        CatalogAction::Loaded {
            cursor: None,
            page: page(&["a", "b"], None),
        },
    );
    let state = apply(
        state,
        CatalogAction::Loaded {
            cursor: None,
            page: page(&["z"], None),
        },
    );
    assert_eq!(state.courses.len(), 1);
    assert_eq!(state.courses[0].slug, "z");
}
