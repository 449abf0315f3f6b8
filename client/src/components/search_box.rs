//! The header's search box: `/` focuses it (unless the user is typing elsewhere), Enter opens
//! `/search?q=…`. Keeps the current language filter when searching again from the results page.

use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::contexts::locale::use_texts;
use crate::hooks::use_slash_focus;
use crate::pages::search::SearchQuery;
use crate::route::Route;

#[function_component(SearchBox)]
pub fn search_box() -> Html {
    let texts = use_texts();
    let input = use_node_ref();
    use_slash_focus(input.clone());
    let navigator = use_navigator();
    let location = use_location();
    let route = use_route::<Route>();
    // On the results page the box shows what was searched for.
    let current = (route == Some(Route::Search))
        .then(|| location.and_then(|l| l.query::<SearchQuery>().ok()))
        .flatten();
    let value = current.as_ref().map(|q| q.q.clone()).unwrap_or_default();
    {
        let input = input.clone();
        use_effect_with(value, move |value| {
            if let Some(element) = input.cast::<HtmlInputElement>() {
                element.set_value(value);
            }
        });
    }
    let onsubmit = {
        let input = input.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(element) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let q = element.value().trim().to_owned();
            if q.is_empty() {
                let _ = element.focus();
                return;
            }
            let query = SearchQuery {
                q,
                language: current.as_ref().and_then(|c| c.language.clone()),
            };
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::Search, &query);
            }
        })
    };
    html! {
        <form class="search-box" role="search" aria-label={texts.search.search_label} {onsubmit}>
            <label class="visually-hidden" for="header-search">{ texts.search.search_label }</label>
            <input ref={input} id="header-search" class="search-box__input" type="search" name="q"
                placeholder={texts.search.search_placeholder} autocomplete="off"
                aria-keyshortcuts="/" data-testid="header-search" />
            <button type="submit" class="search-box__submit" data-testid="header-search-submit">
                <span class="visually-hidden">{ texts.search.search_submit }</span>
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                    <circle cx="11" cy="11" r="7" fill="none" stroke="currentColor" stroke-width="2" />
                    <path d="M20 20l-4-4" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                </svg>
            </button>
        </form>
    }
}
