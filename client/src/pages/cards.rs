//! "My cards" (`/cards`, signed in): every flashcard of the learner, from their courses' progress
//! documents and their own profile document, with search and filters; their own cards can be
//! added, edited and deleted, any card suspended and resumed. Export (all cards as JSON or CSV,
//! all reviews as CSV, one card's review log), the import panel and the statistics. Works
//! offline: everything goes through `learn::cards` and `learn::card_files`.

pub mod form;
mod import;
mod item;
pub mod stats;

use std::rc::Rc;

use shared::srs::export::{self, ExportedCard};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::{ErrorNotice, PageLoading};
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::hooks::use_page_title;
use crate::learn::cards::{self, CardFilter, Deck, SourceFilter, StateFilter};
use crate::store::downloads;
use form::CardForm;
use import::CardImport;
use item::CardItem;
use stats::CardStats;

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The day as file names carry it: `2026-03-02`.
fn today() -> String {
    export::millis_rfc3339(now_ms())[..10].to_owned()
}

#[derive(Clone)]
enum View {
    Loading,
    Failed(ClientError),
    Ready(Rc<Deck>),
}

#[function_component(CardsPage)]
pub fn cards_page() -> Html {
    let texts = use_texts();
    let t = &texts.cards;
    use_page_title(t.title);
    let view = use_state(|| View::Loading);
    let version = use_state(|| 0_u32);
    let filter = use_state(CardFilter::default);
    let adding = use_state(|| false);
    let export_error = use_state(|| None::<ClientError>);

    {
        let view = view.clone();
        use_effect_with(*version, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                view.set(match cards::deck().await {
                    Ok(deck) => View::Ready(Rc::new(deck)),
                    Err(error) => View::Failed(error),
                });
            });
        });
    }
    let reload = {
        let version = version.clone();
        Callback::from(move |()| version.set(*version + 1))
    };

    let on_query = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let query = e.target_unchecked_into::<HtmlInputElement>().value();
            filter.set(CardFilter {
                query,
                ..(*filter).clone()
            });
        })
    };
    let on_source = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let source = match e
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .as_str()
            {
                "course" => SourceFilter::Course,
                "own" => SourceFilter::Own,
                _ => SourceFilter::All,
            };
            filter.set(CardFilter {
                source,
                ..(*filter).clone()
            });
        })
    };
    let on_state = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let state = match e
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .as_str()
            {
                "due" => StateFilter::Due,
                "suspended" => StateFilter::Suspended,
                _ => StateFilter::All,
            };
            filter.set(CardFilter {
                state,
                ..(*filter).clone()
            });
        })
    };

    let deck = match &*view {
        View::Loading => return page(t.title, t.lead, html! { <PageLoading /> }),
        View::Failed(error) => {
            let body = html! {
                <ErrorNotice testid="cards-error" title={t.load_error} error={error.clone()} on_retry={reload.clone()} />
            };
            return page(t.title, t.lead, body);
        }
        View::Ready(deck) => deck.clone(),
    };

    let export_json = {
        let deck = deck.clone();
        let export_error = export_error.clone();
        Callback::from(move |_: MouseEvent| {
            let text = export::cards_json(&exported(&deck), now_ms());
            report(
                &export_error,
                &format!("cards-{}.json", today()),
                "application/json",
                &text,
            );
        })
    };
    let export_csv = {
        let deck = deck.clone();
        let export_error = export_error.clone();
        Callback::from(move |_: MouseEvent| {
            let text = export::cards_csv(&exported(&deck));
            report(
                &export_error,
                &format!("cards-{}.csv", today()),
                "text/csv",
                &text,
            );
        })
    };
    let export_reviews = {
        let deck = deck.clone();
        let export_error = export_error.clone();
        Callback::from(move |_: MouseEvent| {
            let text = export::review_log_csv(deck.cards.iter().map(|c| &c.card));
            report(
                &export_error,
                &format!("reviews-{}.csv", today()),
                "text/csv",
                &text,
            );
        })
    };
    let export_log = {
        let export_error = export_error.clone();
        Callback::from(move |card: Rc<shared::doc::cards::Card>| {
            let text = export::review_log_json(&card);
            let name = format!("card-{}-reviews.json", card.id);
            report(&export_error, &name, "application/json", &text);
        })
    };

    let now = now_ms();
    let listed = filter.apply(&deck.cards, now);
    let toggle_add = {
        let adding = adding.clone();
        Callback::from(move |_: MouseEvent| adding.set(!*adding))
    };
    let added = {
        let (adding, reload) = (adding.clone(), reload.clone());
        Callback::from(move |()| {
            adding.set(false);
            reload.emit(());
        })
    };
    let close_add = {
        let adding = adding.clone();
        Callback::from(move |()| adding.set(false))
    };

    let list = if deck.cards.is_empty() {
        html! {
            <div class="state" data-testid="cards-empty">
                <h2 class="state__title">{ t.empty_title }</h2>
                <p class="state__body">{ t.empty_body }</p>
            </div>
        }
    } else if listed.is_empty() {
        html! { <p class="status-line" data-testid="cards-no-matches">{ t.no_matches }</p> }
    } else {
        html! {
            <ul class="card-list" role="list" data-testid="card-list" data-count={listed.len().to_string()}>
                { for listed.iter().map(|c| html! {
                    <CardItem key={c.card.id.clone()} card={Rc::new((*c).clone())}
                        on_changed={reload.clone()} on_export_log={export_log.clone()} />
                }) }
            </ul>
        }
    };

    let body = html! {
        <>
            <div class="cards-toolbar">
                <button type="button" class="button button--primary" data-testid="card-add"
                    aria-expanded={adding.to_string()} onclick={toggle_add}>{ t.add }</button>
                <span class="cards-toolbar__count" data-testid="cards-count">
                    { texts.count(deck.cards.len() as u32, &t.count) }
                </span>
            </div>
            if *adding {
                <CardForm title={t.add_title} on_saved={added} on_cancel={close_add} />
            }
            <div class="cards-filters" role="search">
                <div class="field">
                    <label class="field__label" for="cards-search">{ t.search_label }</label>
                    <input id="cards-search" type="search" class="field__input" data-testid="cards-search"
                        placeholder={t.search_placeholder} value={filter.query.clone()} oninput={on_query} />
                </div>
                <div class="field">
                    <label class="field__label" for="cards-source">{ t.filter_source }</label>
                    <select id="cards-source" class="field__input" data-testid="cards-source" onchange={on_source}>
                        <option value="all" selected={filter.source == SourceFilter::All}>{ t.source_all }</option>
                        <option value="course" selected={filter.source == SourceFilter::Course}>{ t.source_course }</option>
                        <option value="own" selected={filter.source == SourceFilter::Own}>{ t.source_own }</option>
                    </select>
                </div>
                <div class="field">
                    <label class="field__label" for="cards-state">{ t.filter_state }</label>
                    <select id="cards-state" class="field__input" data-testid="cards-state" onchange={on_state}>
                        <option value="all" selected={filter.state == StateFilter::All}>{ t.state_all }</option>
                        <option value="due" selected={filter.state == StateFilter::Due}>{ t.state_due }</option>
                        <option value="suspended" selected={filter.state == StateFilter::Suspended}>{ t.state_suspended }</option>
                    </select>
                </div>
            </div>
            { list }
            <section class="panel" aria-labelledby="cards-export-title" data-testid="cards-export">
                <h2 id="cards-export-title" class="panel__title">{ t.export_title }</h2>
                <div class="cards-toolbar">
                    <button type="button" class="button button--secondary" data-testid="export-json" onclick={export_json}>{ t.export_json }</button>
                    <button type="button" class="button button--secondary" data-testid="export-csv" onclick={export_csv}>{ t.export_csv }</button>
                    <button type="button" class="button button--secondary" data-testid="export-reviews" onclick={export_reviews}>{ t.export_reviews_csv }</button>
                </div>
                if let Some(error) = &*export_error {
                    <p class="status-line status-line--error" role="alert">{ t.export_error }{ ": " }{ error.message(texts) }</p>
                }
            </section>
            <CardImport on_imported={reload.clone()} />
            <CardStats deck={deck.clone()} on_changed={reload} />
        </>
    };
    page(t.title, t.lead, body)
}

/// Every card of `deck` as the export writes it.
fn exported(deck: &Deck) -> Vec<ExportedCard<'_>> {
    deck.cards
        .iter()
        .map(|c| ExportedCard {
            course_id: c.course.as_ref(),
            card: &c.card,
        })
        .collect()
}

/// Offers `text` as a download, keeping any failure for the export panel to show.
fn report(error: &UseStateHandle<Option<ClientError>>, name: &str, mime: &str, text: &str) {
    error.set(downloads::save_file(name, mime, text).err());
}

fn page(title: &'static str, lead: &'static str, body: Html) -> Html {
    html! {
        <section class="cards-page" data-testid="cards" aria-labelledby="cards-title">
            <header class="page-hero">
                <h1 id="cards-title" class="page-hero__title">{ title }</h1>
                <p class="page-hero__lead">{ lead }</p>
            </header>
            { body }
        </section>
    }
}
