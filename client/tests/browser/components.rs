use client::components::{CourseCard, LocaleSwitch, OnlineIndicator};
use client::contexts::locale::LocaleProvider;
use client::contexts::online::OnlineProvider;
use client::contexts::sync::SyncContext;
use client::i18n::Locale;
use client::pages::CatalogPage;
use client::store::preferences;
use client::sync::scheduler::SyncReport;
use client::sync::status::{Refusal, SyncStatus};
use shared::api::courses::CourseSummary;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::catalog::course;
use crate::dom::{document, mount};

#[derive(Properties, PartialEq)]
struct CardProps {
    locale: Locale,
    course: CourseSummary,
}

#[function_component(CardIn)]
fn card_in(props: &CardProps) -> Html {
    html! {
        <LocaleProvider initial={props.locale}>
            <CourseCard course={props.course.clone()} />
        </LocaleProvider>
    }
}

#[wasm_bindgen_test]
async fn course_card_renders_facts_in_russian() {
    let app = mount::<CardIn>(CardProps {
        locale: Locale::Ru,
        course: course("rust"),
    });
    let card = app.find("[data-testid=course-card]").await;
    let text = card.text_content().unwrap();
    assert!(text.contains("Course rust"), "{text}");
    assert!(text.contains("3 урока"), "{text}");
    assert!(text.contains("3 ч 20 мин"), "{text}");
    assert!(text.contains("Средний"), "{text}");
    assert_eq!(
        document()
            .document_element()
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("ru")
    );
    app.unmount();
}

#[function_component(HeaderTools)]
fn header_tools() -> Html {
    html! {
        <LocaleProvider initial={Locale::En}>
            <OnlineProvider>
                <OnlineIndicator />
                <LocaleSwitch />
            </OnlineProvider>
        </LocaleProvider>
    }
}

#[wasm_bindgen_test]
async fn switching_language_relabels_the_ui_sets_html_lang_and_is_saved() {
    preferences::clear_locale();
    let app = mount::<HeaderTools>(());
    let status = app.find("[data-testid=online-status]").await;
    assert_eq!(status.text_content().unwrap(), "Online");

    let select: HtmlSelectElement = app
        .find("[data-testid=locale-switch]")
        .await
        .dyn_into()
        .unwrap();
    assert_eq!(select.value(), "en");
    select.set_value("ru");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();

    app.until("Russian labels", |root| {
        root.text_content().unwrap_or_default().contains("В сети")
    })
    .await;
    assert_eq!(
        document()
            .document_element()
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("ru")
    );
    assert_eq!(preferences::saved_locale(), Some(Locale::Ru));
    preferences::clear_locale();
    app.unmount();
}

#[wasm_bindgen_test]
async fn online_indicator_follows_window_events() {
    let app = mount::<HeaderTools>(());
    let status = app.find("[data-testid=online-status]").await;
    assert_eq!(status.get_attribute("data-online").as_deref(), Some("true"));

    let window = web_sys::window().unwrap();
    window
        .dispatch_event(&web_sys::Event::new("offline").unwrap())
        .unwrap();
    app.until("offline", |root| {
        root.query_selector("[data-online=false]")
            .unwrap()
            .is_some()
    })
    .await;
    assert_eq!(
        app.find("[data-testid=online-status]")
            .await
            .text_content()
            .unwrap(),
        "Offline"
    );

    window
        .dispatch_event(&web_sys::Event::new("online").unwrap())
        .unwrap();
    app.until("online again", |root| {
        root.query_selector("[data-online=true]").unwrap().is_some()
    })
    .await;
    app.unmount();
}

#[function_component(Catalog)]
fn catalog() -> Html {
    html! {
        <LocaleProvider initial={Locale::En}>
            <OnlineProvider>
                <CatalogPage />
            </OnlineProvider>
        </LocaleProvider>
    }
}

/// No API behind the test runner: the catalog must end in its error state with a Retry button.
#[wasm_bindgen_test]
async fn catalog_shows_an_error_with_retry_when_the_api_fails() {
    let app = mount::<Catalog>(());
    app.find("[data-testid=catalog]").await;
    let error = app.find("[data-testid=catalog-error]").await;
    assert!(error
        .text_content()
        .unwrap()
        .contains("Could not load the courses"));
    assert!(error.query_selector("button").unwrap().is_some());
    app.unmount();
}

#[derive(Properties, PartialEq)]
struct SyncPillProps {
    report: SyncReport,
    locale: Locale,
}

#[function_component(SyncPill)]
fn sync_pill(props: &SyncPillProps) -> Html {
    let context = SyncContext {
        report: Some(props.report.clone()),
        retry: Callback::noop(),
    };
    html! {
        <LocaleProvider initial={props.locale}>
            <OnlineProvider>
                <ContextProvider<SyncContext> context={context}>
                    <OnlineIndicator />
                </ContextProvider<SyncContext>>
            </OnlineProvider>
        </LocaleProvider>
    }
}

#[wasm_bindgen_test]
async fn the_header_pill_shows_the_sync_status_in_both_languages() {
    let cases = [
        (SyncStatus::Synced, 0, Locale::En, "synced", "Synced"),
        (
            SyncStatus::Pending(3),
            3,
            Locale::En,
            "pending",
            "3 changes pending",
        ),
        (
            SyncStatus::Pending(1),
            1,
            Locale::Ru,
            "pending",
            "1 изменение ожидает",
        ),
        (
            SyncStatus::Offline(5),
            5,
            Locale::Ru,
            "offline",
            "Не в сети · 5 изменений ждут",
        ),
        (
            SyncStatus::Error("too large".into()),
            2,
            Locale::En,
            "error",
            "Sync error",
        ),
    ];
    for (status, pending, locale, state, label) in cases {
        let report = SyncReport { status, pending };
        let app = mount::<SyncPill>(SyncPillProps { report, locale });
        let pill = app.find("[data-testid=online-status]").await;
        assert_eq!(pill.get_attribute("data-sync").as_deref(), Some(state));
        assert_eq!(
            pill.get_attribute("data-pending"),
            Some(pending.to_string())
        );
        assert_eq!(pill.text_content().unwrap(), label);
        let retry = document()
            .query_selector("[data-testid=sync-retry]")
            .unwrap();
        assert_eq!(
            retry.is_some(),
            state == "error",
            "{state}: Retry only on an error"
        );
        app.unmount();
    }
    preferences::clear_locale();
}

#[wasm_bindgen_test]
async fn a_refused_document_is_explained_in_the_readers_language() {
    let too_large = Refusal::TooLarge.key().to_owned();
    let cases = [
        (too_large.clone(), Locale::En, "grown past the 8 MB"),
        (too_large, Locale::Ru, "превысила 8 МБ"),
        (
            Refusal::NotFound.key().to_owned(),
            Locale::Ru,
            "сервер больше не хранит этот курс",
        ),
        // What an older version of the app kept: the server's English, never shown as is.
        (
            "the document would pass its limit".to_owned(),
            Locale::Ru,
            "остаётся на этом устройстве",
        ),
    ];
    for (reason, locale, words) in cases {
        let report = SyncReport {
            status: SyncStatus::Error(reason.clone()),
            pending: 1,
        };
        let app = mount::<SyncPill>(SyncPillProps { report, locale });
        let pill = app.find("[data-testid=online-status]").await;
        let said = app.find("[data-testid=sync-error-reason]").await;
        let text = said.text_content().unwrap();
        assert!(text.contains(words), "{reason}: {text}");
        assert!(!text.contains("refused:"), "no key shown: {text}");
        assert!(
            pill.get_attribute("title").unwrap().contains(text.trim()),
            "the pill's hint says it too"
        );
        app.unmount();
    }
    preferences::clear_locale();
}
