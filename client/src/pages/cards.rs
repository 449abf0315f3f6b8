//! "My cards" (`/cards`, signed in): the learner's flashcards. For now the import panel: pick an
//! Anki or CSV/TSV file and see its preview and per-row report, on this device alone (so offline
//! too). The card list, export and charts come with the card events.

mod import;

use yew::prelude::*;

use crate::contexts::locale::use_texts;
use crate::hooks::use_page_title;
use import::CardImport;

#[function_component(CardsPage)]
pub fn cards_page() -> Html {
    let texts = use_texts();
    let t = &texts.cards;
    use_page_title(t.title);
    html! {
        <section class="cards-page" data-testid="cards" aria-labelledby="cards-title">
            <header class="page-hero">
                <h1 id="cards-title" class="page-hero__title">{ t.title }</h1>
                <p class="page-hero__lead">{ t.lead }</p>
            </header>
            <CardImport />
        </section>
    }
}
