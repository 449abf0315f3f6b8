//! The top bar: brand, navigation, network status and language switch.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{LocaleSwitch, Logo, OnlineIndicator};
use crate::contexts::locale::use_texts;
use crate::route::Route;

#[function_component(Header)]
pub fn header() -> Html {
    let texts = use_texts();
    let route = use_route::<Route>();
    let catalog_current = matches!(route, Some(Route::Home | Route::Catalog));
    html! {
        <header class="site-header" data-testid="app-header">
            <div class="site-header__inner container">
                <Link<Route> to={Route::Home} classes="brand">
                    <Logo />
                    <span class="brand__text">
                        <span class="brand__name">{ "EduPlatform" }</span>
                        <span class="brand__tagline">{ texts.brand_tagline }</span>
                    </span>
                </Link<Route>>
                <nav class="site-nav" aria-label={texts.nav_label}>
                    <Link<Route>
                        to={Route::Catalog}
                        classes={classes!("site-nav__link", catalog_current.then_some("is-active"))}
                    >
                        { texts.nav_catalog }
                    </Link<Route>>
                </nav>
                <div class="site-header__status">
                    <OnlineIndicator />
                </div>
                <div class="site-header__locale">
                    <LocaleSwitch />
                </div>
            </div>
        </header>
    }
}
