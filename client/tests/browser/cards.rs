//! The cards page's logic on real local documents: an import is written whole or not at all,
//! the filters and search list the right cards, reviews feed the charts with their phase, and
//! the desired retention is read from what the learner types.

use std::cell::Cell;

use client::learn::card_files::{self, ImportWritten};
use client::learn::cards::{self, CardFilter, SourceFilter, StateFilter};
use client::pages::cards::form;
use client::store::session;
use shared::doc::CardSource;
use shared::domain::{CourseId, DocId, LessonId, UserId};
use shared::srs::import;
use shared::srs::Rating;
use wasm_bindgen_test::wasm_bindgen_test;

/// Signs in (as far as `learn` can tell) a user no other test run shares.
fn sign_in_fresh_user() -> UserId {
    let id = UserId::parse(&shared::doc::new_event_id()).unwrap();
    let me = shared::api::accounts::Me {
        id: id.clone(),
        ..crate::auth::me(shared::api::accounts::Role::Student)
    };
    session::save_user(&me).unwrap();
    id
}

fn uuid(n: u8) -> String {
    format!("01900000-0000-7000-8000-0000000002{n:02x}")
}

#[wasm_bindgen_test]
async fn a_confirmed_import_adds_every_card_and_a_cancelled_one_adds_none() {
    let user = sign_in_fresh_user();
    let file = "#separator:tab\n#html:true\n#tags:deck\nhola\thello<br>hi\nbad row\nadiós\tbye\n";
    let report = import::import(file.as_bytes()).unwrap();
    assert_eq!(report.cards.len(), 2);
    assert_eq!(report.error_count(), 1);

    // Cancelled at the first progress report: the document is as it was.
    let cancelled = Cell::new(false);
    let written = card_files::import_cards(&report.cards, |_| cancelled.set(true), &cancelled)
        .await
        .unwrap();
    assert_eq!(written, ImportWritten::Cancelled);
    assert!(cards::deck().await.unwrap().cards.is_empty());

    let progress = Cell::new(0);
    let written =
        card_files::import_cards(&report.cards, |done| progress.set(done), &Cell::new(false))
            .await
            .unwrap();
    assert_eq!(written, ImportWritten::Added(2));
    assert_eq!(progress.get(), 2);
    let deck = cards::deck().await.unwrap();
    let mut fronts: Vec<_> = deck.cards.iter().map(|c| c.card.front.as_str()).collect();
    fronts.sort_unstable();
    assert_eq!(fronts, ["adiós", "hola"]);
    for card in &deck.cards {
        assert_eq!(card.doc, DocId::profile(&user));
        assert_eq!(card.card.source, CardSource::Import);
        assert_eq!(card.card.tags, "deck");
    }
    let hola = deck.cards.iter().find(|c| c.card.front == "hola").unwrap();
    assert_eq!(hola.card.back, "hello\nhi");
    session::forget_user();
}

#[wasm_bindgen_test]
async fn filters_and_search_list_the_right_cards() {
    let user = sign_in_fresh_user();
    let course = CourseId::parse(&uuid(1)).unwrap();
    let lesson = LessonId::parse(&uuid(2)).unwrap();
    cards::add_key_point_cards(&course, &lesson, &["Indexes speed up reads".to_owned()])
        .await
        .unwrap();
    let own = cards::add_card("Столица Франции", "Париж", "geo europe")
        .await
        .unwrap();
    let paused = cards::add_card("Capital of Peru", "Lima", "geo")
        .await
        .unwrap();
    cards::suspend_card(&DocId::profile(&user), &paused, true)
        .await
        .unwrap();

    let deck = cards::deck().await.unwrap();
    assert_eq!(deck.cards.len(), 3);
    let now = js_sys::Date::now() as i64;
    let listed = |filter: CardFilter| -> Vec<String> {
        filter
            .apply(&deck.cards, now)
            .iter()
            .map(|c| c.card.front.clone())
            .collect()
    };
    // Suspended cards come last.
    assert_eq!(
        listed(CardFilter::default()).last().unwrap(),
        "Capital of Peru"
    );
    let course_only = CardFilter {
        source: SourceFilter::Course,
        ..CardFilter::default()
    };
    let from_course = listed(course_only);
    assert_eq!(from_course.len(), 1);
    assert!(from_course[0].contains("speed up"), "{from_course:?}");
    let own_only = CardFilter {
        source: SourceFilter::Own,
        ..CardFilter::default()
    };
    assert_eq!(listed(own_only).len(), 2);
    let suspended = CardFilter {
        state: StateFilter::Suspended,
        ..CardFilter::default()
    };
    assert_eq!(listed(suspended), ["Capital of Peru"]);
    let due = CardFilter {
        state: StateFilter::Due,
        ..CardFilter::default()
    };
    assert_eq!(
        listed(due).len(),
        2,
        "new cards are due, suspended ones never"
    );
    // Every word, any case, in the front, back or tags.
    let search = |query: &str| CardFilter {
        query: query.to_owned(),
        ..CardFilter::default()
    };
    assert_eq!(listed(search("ПАРИЖ")), ["Столица Франции"]);
    assert_eq!(listed(search("geo lima")), ["Capital of Peru"]);
    assert_eq!(listed(search("europe")), ["Столица Франции"]);
    assert!(listed(search("geo nowhere")).is_empty());
    assert!(deck.cards.iter().any(|c| c.card.id == own));
    session::forget_user();
}

#[wasm_bindgen_test]
async fn edits_and_deletes_change_the_card_in_its_document() {
    let user = sign_in_fresh_user();
    let id = cards::add_card("front", "back", "").await.unwrap();
    let profile = DocId::profile(&user);
    cards::edit_card(&profile, &id, "new front", "new back", "tag")
        .await
        .unwrap();
    let deck = cards::deck().await.unwrap();
    let card = &deck.cards[0].card;
    assert_eq!(
        (card.front.as_str(), card.back.as_str(), card.tags.as_str()),
        ("new front", "new back", "tag")
    );
    cards::delete_card(&profile, &id).await.unwrap();
    assert!(cards::deck().await.unwrap().cards.is_empty());
    session::forget_user();
}

#[wasm_bindgen_test]
async fn only_reviews_of_cards_in_review_count_for_true_retention() {
    let user = sign_in_fresh_user();
    let id = cards::add_card("q", "a", "").await.unwrap();
    let profile = DocId::profile(&user);
    // Easy graduates a new card to Review at once; the next review is in the review phase.
    cards::review_card(&profile, &id, Rating::Easy, 1_000)
        .await
        .unwrap();
    // Events are ordered by their time: the second review must be a later millisecond.
    gloo_timers::future::TimeoutFuture::new(5).await;
    cards::review_card(&profile, &id, Rating::Again, 1_000)
        .await
        .unwrap();
    let deck = cards::deck().await.unwrap();
    let facts = deck.review_facts();
    assert_eq!(facts.len(), 2);
    assert_eq!(
        facts
            .iter()
            .map(|f| (f.rating, f.review_phase))
            .collect::<Vec<_>>(),
        [(4, false), (1, true)]
    );
    session::forget_user();
}

#[wasm_bindgen_test]
async fn the_desired_retention_is_chosen_in_percent_and_saved_in_the_profile() {
    assert_eq!(cards::retention_from_percent("85"), Some(0.85));
    assert_eq!(cards::retention_from_percent(" 92,5 % "), Some(0.925));
    assert_eq!(cards::retention_from_percent("70"), Some(0.7));
    assert_eq!(cards::retention_from_percent("97"), Some(0.97));
    for bad in ["69", "98", "", "abc", "NaN", "inf", "-80"] {
        assert_eq!(cards::retention_from_percent(bad), None, "{bad}");
    }
    sign_in_fresh_user();
    cards::set_desired_retention(0.8).await.unwrap();
    let deck = cards::deck().await.unwrap();
    assert_eq!(deck.params.desired_retention, 0.8);
    assert!(deck.fitted.is_none());
    session::forget_user();
}

#[wasm_bindgen_test]
fn the_card_form_refuses_empty_and_overlong_text() {
    let t = &client::i18n::EN.cards;
    assert!(form::problem(t, "q", "a", "x y").is_none());
    assert!(form::problem(t, "  ", "a", "").is_some());
    assert!(form::problem(t, "q", "", "").is_some());
    let long = "x".repeat(shared::doc::CARD_TEXT_MAX_CHARS + 1);
    assert!(form::problem(t, &long, "a", "").is_some());
    let tags = "t".repeat(shared::doc::CARD_TAGS_MAX_CHARS + 1);
    assert!(form::problem(t, "q", "a", &tags).is_some());
}

#[derive(yew::Properties)]
struct StatsProps {
    locale: client::i18n::Locale,
    deck: std::rc::Rc<cards::Deck>,
}

impl PartialEq for StatsProps {
    fn eq(&self, other: &Self) -> bool {
        self.locale == other.locale && std::rc::Rc::ptr_eq(&self.deck, &other.deck)
    }
}

#[yew::function_component(StatsIn)]
fn stats_in(props: &StatsProps) -> yew::Html {
    yew::html! {
        <client::contexts::locale::LocaleProvider initial={props.locale}>
            <client::pages::cards::stats::CardStats deck={props.deck.clone()} on_changed={yew::Callback::noop()} />
        </client::contexts::locale::LocaleProvider>
    }
}

#[wasm_bindgen_test]
async fn the_statistics_show_the_personal_schedule_and_its_log_loss_once_fitted() {
    let fitted = shared::doc::FittedParameters {
        weights: shared::srs::DEFAULT_WEIGHTS.to_vec(),
        log_loss_before: 0.33412,
        log_loss_after: 0.31056,
        review_count: 2_468,
    };
    let params = shared::srs::Params {
        weights: fitted.weights.clone(),
        desired_retention: 0.9,
    };
    let deck = |fitted: Option<shared::doc::FittedParameters>| {
        std::rc::Rc::new(cards::Deck {
            cards: Vec::new(),
            scheduler: shared::doc::cards::scheduler(&params),
            params: params.clone(),
            fitted,
        })
    };
    let schedule = "[data-testid=personal-schedule]";
    for (locale, fitted, expected) in [
        (
            client::i18n::Locale::En,
            Some(fitted.clone()),
            "Your personal schedule: log loss 0.334 → 0.311",
        ),
        (
            client::i18n::Locale::Ru,
            Some(fitted.clone()),
            "Ваше личное расписание: логарифмическая ошибка 0,334 → 0,311",
        ),
        (client::i18n::Locale::En, None, "Default schedule"),
    ] {
        let app = crate::dom::mount::<StatsIn>(StatsProps {
            locale,
            deck: deck(fitted.clone()),
        });
        let line = app.find(schedule).await.text_content().unwrap();
        assert!(line.contains(expected), "{locale:?}: {line}");
        if fitted.is_some() {
            assert!(
                line.contains("2468"),
                "the reviews it was fitted to: {line}"
            );
        }
        app.unmount();
    }
}
