//! `/search?q=&language=`: course and lesson hits for the words typed in the header's search
//! box, ranked as the server ranks them, with the matched words highlighted.
//!
//! Snippets are shown as text and `<mark>` elements (`shared::api::search::snippet_parts`),
//! never parsed as HTML.

use serde::{Deserialize, Serialize};
use shared::api::courses::CourseLanguage;
use shared::api::search::{snippet_parts, HitKind, SearchHit, SearchResults, SnippetPart};
use shared::validate::SEARCH_QUERY_MAX_CHARS;
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::icons::BooksIcon;
use crate::components::{ErrorNotice, PageLoading};
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::hooks::use_page_title;
use crate::i18n::Texts;
use crate::route::Route;

/// The page's address query: what to look for and in which language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Results {
    /// Nothing asked yet.
    Idle,
    TooLong,
    Loading,
    Ready(SearchResults),
    Failed(ClientError),
}

/// The snippet as text nodes and `<mark>` elements: no HTML parsing at all.
fn snippet_view(snippet: &str) -> Html {
    html! {
        { for snippet_parts(snippet).into_iter().map(|part| match part {
            SnippetPart::Text(text) => html! { { text } },
            SnippetPart::Marked(text) => html! { <mark>{ text }</mark> },
        }) }
    }
}

fn hit_view(texts: &Texts, hit: &SearchHit) -> Html {
    let course = hit.course_id.to_string();
    let lesson = hit
        .lesson_id
        .as_ref()
        .filter(|_| hit.kind == HitKind::Lesson);
    let (kind, link) = match lesson {
        Some(lesson) => {
            let to = Route::Lesson {
                course,
                lesson: lesson.to_string(),
            };
            (
                texts.search.kind_lesson,
                html! { <Link<Route> {to}>{ hit.title.clone() }</Link<Route>> },
            )
        }
        None => (
            texts.search.kind_course,
            html! {
                <Link<Route> to={Route::Course { course: course.to_string() }}>
                    { hit.title.clone() }
                </Link<Route>>
            },
        ),
    };
    html! {
        <li class="search-hit" data-testid="search-hit" data-kind={hit.kind.code()} data-language={hit.language.code()}>
            <p class="search-hit__kind">
                <span class="badge">{ kind }</span>
                <span class="search-hit__lang">{ hit.language.code().to_uppercase() }</span>
                if hit.kind == HitKind::Lesson {
                    <span class="search-hit__course">{ texts.search.in_course.replace("{course}", &hit.course_title) }</span>
                }
            </p>
            <h2 class="search-hit__title">{ link }</h2>
            <p class="search-hit__snippet" data-testid="search-snippet">{ snippet_view(&hit.snippet) }</p>
        </li>
    }
}

#[function_component(SearchPage)]
pub fn search_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.search.search_title);
    let location = use_location();
    let navigator = use_navigator();
    let query = location
        .and_then(|l| l.query::<SearchQuery>().ok())
        .unwrap_or_default();
    let words = query.q.trim().to_owned();
    let language = query
        .language
        .as_deref()
        .and_then(CourseLanguage::from_code);
    let results = use_state(|| Results::Idle);
    let attempt = use_state_eq(|| 0_u32);
    // Which request is the latest: an answer to an older query is dropped.
    let latest = use_mut_ref(|| 0_u32);

    {
        let results = results.clone();
        let latest = latest.clone();
        use_effect_with(
            (words.clone(), language, *attempt),
            move |(words, language, _)| {
                let (words, language) = (words.clone(), *language);
                let request = {
                    let mut latest = latest.borrow_mut();
                    *latest += 1;
                    *latest
                };
                if words.is_empty() {
                    results.set(Results::Idle);
                } else if words.chars().count() > SEARCH_QUERY_MAX_CHARS {
                    results.set(Results::TooLong);
                } else {
                    results.set(Results::Loading);
                    wasm_bindgen_futures::spawn_local(async move {
                        let answer = api::search(&words, language).await;
                        if *latest.borrow() != request {
                            return;
                        }
                        results.set(match answer {
                            Ok(found) => Results::Ready(found),
                            Err(ClientError::Validation {
                                field: Some(field), ..
                            }) if field == "q" => Results::TooLong,
                            Err(error) => Results::Failed(error),
                        });
                    });
                }
            },
        );
    }

    let on_language = {
        let words = words.clone();
        Callback::from(move |event: Event| {
            let code = event.target_unchecked_into::<HtmlSelectElement>().value();
            let next = SearchQuery {
                q: words.clone(),
                language: (!code.is_empty()).then_some(code),
            };
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(&Route::Search, &next);
            }
        })
    };
    let selected = language.map(|l| l.code()).unwrap_or_default();
    let options = [
        ("", texts.search.language_all),
        ("en", texts.catalog.language_en),
        ("ru", texts.catalog.language_ru),
    ];

    let body = match &*results {
        Results::Idle => html! {
            <p class="state__body" data-testid="search-prompt">{ texts.search.prompt }</p>
        },
        Results::TooLong => html! {
            <p class="status-line status-line--error" role="alert" data-testid="search-too-long">
                { texts.search.too_long.replace("{n}", &SEARCH_QUERY_MAX_CHARS.to_string()) }
            </p>
        },
        Results::Loading => html! { <PageLoading /> },
        Results::Failed(error) => {
            let attempt = attempt.clone();
            let retry = Callback::from(move |()| attempt.set(*attempt + 1));
            html! { <ErrorNotice testid="search-error" title={texts.search.error_title} error={error.clone()} on_retry={retry} /> }
        }
        Results::Ready(found) if found.hits.is_empty() => html! {
            <div class="state" data-testid="search-empty">
                <div class="state__icon"><BooksIcon /></div>
                <h2 class="state__title">{ texts.search.empty_title.replace("{q}", &found.query) }</h2>
                <p class="state__body">{ texts.search.empty_hint }</p>
            </div>
        },
        Results::Ready(found) => {
            let count = u32::try_from(found.hits.len()).unwrap_or(u32::MAX);
            html! {
                <>
                    <p class="search-results__count" role="status" data-testid="search-count">
                        { texts.count(count, &texts.search.results) }
                    </p>
                    <ol class="search-results" data-testid="search-results">
                        { for found.hits.iter().map(|hit| hit_view(texts, hit)) }
                    </ol>
                </>
            }
        }
    };

    html! {
        <section class="search-page" data-testid="search-page" aria-labelledby="search-title">
            <header class="page-hero">
                <h1 id="search-title" class="page-hero__title">
                    { if words.is_empty() { texts.search.search_title.to_owned() } else { texts.search.results_for.replace("{q}", &words) } }
                </h1>
            </header>
            <div class="search-filters">
                <label class="field__label" for="search-language">{ texts.search.language_filter }</label>
                <select id="search-language" class="field__input field__input--select" data-testid="search-language" onchange={on_language}>
                    { for options.iter().map(|(code, label)| html! {
                        <option value={*code} selected={*code == selected}>{ *label }</option>
                    }) }
                </select>
            </div>
            { body }
        </section>
    }
}
