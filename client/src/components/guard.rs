//! Wraps a page that needs a signed-in user (or a role): shows it, a loading state, a friendly
//! 403, or sends the visitor to sign in with a way back (`/sign-in?next=/account`).

use serde::Serialize;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::icons::LockIcon;
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::route::{guard, Access, GuardDecision, Route};

#[derive(Properties, PartialEq)]
pub struct GuardProps {
    pub access: Access,
    #[prop_or_default]
    pub children: Html,
}

#[derive(Serialize)]
struct NextQuery {
    next: String,
}

#[function_component(Guard)]
pub fn guard_view(props: &GuardProps) -> Html {
    let auth = use_auth();
    let decision = guard(props.access, &auth.session);
    let navigator = use_navigator();
    let location = use_location();

    use_effect_with(decision, move |decision| {
        if let (GuardDecision::SignIn, Some(navigator), Some(location)) =
            (decision, navigator, location)
        {
            let next = format!("{}{}", location.path(), location.query_str());
            let _ = navigator.replace_with_query(&Route::SignIn, &NextQuery { next });
        }
    });

    match decision {
        GuardDecision::Allow => props.children.clone(),
        GuardDecision::Wait | GuardDecision::SignIn => html! { <PageLoading /> },
        GuardDecision::Forbidden => html! { <ForbiddenView /> },
    }
}

/// A quiet placeholder while the session (or a page's data) is on its way.
#[function_component(PageLoading)]
pub fn page_loading() -> Html {
    let texts = use_texts();
    html! {
        <div class="page-loading" role="status" aria-live="polite" data-testid="page-loading">
            <span class="spinner" aria-hidden="true"></span>
            <span>{ texts.common.loading }</span>
        </div>
    }
}

/// Shown to a signed-in user who opened a page meant for another role.
#[function_component(ForbiddenView)]
pub fn forbidden_view() -> Html {
    let texts = use_texts();
    html! {
        <section class="state state--page" data-testid="forbidden">
            <div class="state__icon"><LockIcon /></div>
            <h1 class="state__title">{ texts.common.forbidden_title }</h1>
            <p class="state__body">{ texts.common.forbidden_body }</p>
            <Link<Route> to={Route::Home} classes="button button--primary">
                { texts.common.not_found_back }
            </Link<Route>>
        </section>
    }
}
