//! `/unsubscribe?token=`: the link at the foot of a "cards are due" mail. Asks before it turns the
//! reminders off (a link scanner that opens it changes nothing), signed in or not; the token
//! names the one account it is for.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::icons::{AlertIcon, CheckIcon};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::hooks::{use_mailed_token, use_page_title};
use crate::route::Route;

#[derive(Debug, Clone, PartialEq)]
enum Unsubscribing {
    Asking,
    Sending,
    Done,
    Failed(ClientError),
}

#[function_component(UnsubscribePage)]
pub fn unsubscribe_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.account.unsubscribe_title);
    let auth = use_auth();
    let token = use_mailed_token();
    let state = use_state_eq(|| match &token {
        Some(_) => Unsubscribing::Asking,
        None => Unsubscribing::Failed(ClientError::missing_token()),
    });
    let confirm = {
        let state = state.clone();
        let auth = auth.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(token) = token.clone() else {
                return;
            };
            state.set(Unsubscribing::Sending);
            let (state, auth) = (state.clone(), auth.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::unsubscribe_reminders(&token).await {
                    Ok(()) => {
                        // The signed-in account page shows the change at once.
                        if let Some(me) = auth.user().cloned() {
                            if token.starts_with(me.id.as_str()) {
                                auth.signed_in(shared::api::accounts::Me {
                                    card_reminders: false,
                                    ..me
                                });
                            }
                        }
                        state.set(Unsubscribing::Done);
                    }
                    Err(error) => state.set(Unsubscribing::Failed(error)),
                }
            });
        })
    };
    let body = match &*state {
        Unsubscribing::Asking | Unsubscribing::Sending => html! {
            <>
                <h1 class="auth-card__title">{ texts.account.unsubscribe_title }</h1>
                <p class="auth-card__lead">{ texts.account.unsubscribe_lead }</p>
                <div class="auth-card__actions">
                    <button type="button" class="button button--primary" data-testid="unsubscribe-confirm"
                        disabled={*state == Unsubscribing::Sending} onclick={confirm}>
                        { texts.account.unsubscribe_confirm }
                    </button>
                </div>
            </>
        },
        Unsubscribing::Done => html! {
            <>
                <div class="state__icon state__icon--ok"><CheckIcon /></div>
                <h1 class="auth-card__title" data-testid="unsubscribe-done">{ texts.account.unsubscribe_done }</h1>
                <p class="auth-card__lead" role="status">{ texts.account.unsubscribe_done_body }</p>
                <div class="auth-card__actions">
                    <Link<Route> to={Route::Account} classes="button">{ texts.common.go_to_account }</Link<Route>>
                </div>
            </>
        },
        Unsubscribing::Failed(error) => html! {
            <>
                <div class="state__icon state__icon--error"><AlertIcon /></div>
                <h1 class="auth-card__title">{ texts.account.unsubscribe_failed }</h1>
                <p class="auth-card__lead" role="alert" data-testid="unsubscribe-failed">{ error.message(texts) }</p>
                <div class="auth-card__actions">
                    <Link<Route> to={Route::Account} classes="button">{ texts.common.go_to_account }</Link<Route>>
                </div>
            </>
        },
    };
    html! {
        <section class="auth" data-testid="unsubscribe">
            <div class="auth-card auth-card--center">{ body }</div>
        </section>
    }
}
