//! The app's routes. One page per route lives in `pages/`.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::pages::{CatalogPage, NotFoundPage};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Routable)]
pub enum Route {
    /// The landing page is the catalog for now.
    #[at("/")]
    Home,
    #[at("/courses")]
    Catalog,
    #[not_found]
    #[at("/404")]
    NotFound,
}

pub fn switch(route: Route) -> Html {
    match route {
        Route::Home | Route::Catalog => html! { <CatalogPage /> },
        Route::NotFound => html! { <NotFoundPage /> },
    }
}
