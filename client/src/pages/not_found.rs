//! Shown for any path no route matches.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::contexts::locale::use_texts;
use crate::hooks::use_page_title;
use crate::route::Route;

#[function_component(NotFoundPage)]
pub fn not_found_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.common.not_found_title);
    html! {
        <section class="state state--page" data-testid="not-found">
            <p class="state__code" aria-hidden="true">{ "404" }</p>
            <h1 class="state__title">{ texts.common.not_found_title }</h1>
            <p class="state__body">{ texts.common.not_found_body }</p>
            <Link<Route> to={Route::Catalog} classes="button button--primary">
                { texts.common.not_found_back }
            </Link<Route>>
        </section>
    }
}
