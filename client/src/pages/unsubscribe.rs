//! `/unsubscribe?token=`: the link at the foot of a "cards are due", "streak at risk" or
//! discussion digest mail. Asks before it turns that mail off (a link scanner that opens it
//! changes nothing), signed in or not; the token names the one account and the one list it is for
//! (`{user}.{signature}` for cards, `{user}.streak.{signature}`, `{user}.digest.{signature}`).

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::icons::{AlertIcon, CheckIcon};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::hooks::{use_mailed_token, use_page_title};
use crate::route::Route;

/// Which mail a token turns off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Cards,
    Streak,
    Digest,
}

impl List {
    /// The list a token names (the server checks the signature; this only picks the words).
    fn of(token: &str) -> Self {
        match token.split('.').nth(1) {
            Some("streak") if token.split('.').count() == 3 => Self::Streak,
            Some("digest") if token.split('.').count() == 3 => Self::Digest,
            _ => Self::Cards,
        }
    }

    /// The signed-in account as it is once this list is off.
    fn turned_off(self, me: shared::api::accounts::Me) -> shared::api::accounts::Me {
        match self {
            Self::Cards => shared::api::accounts::Me {
                card_reminders: false,
                ..me
            },
            Self::Streak => shared::api::accounts::Me {
                streak_reminders: false,
                ..me
            },
            Self::Digest => shared::api::accounts::Me {
                discussion_digest: false,
                ..me
            },
        }
    }
}

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
    let auth = use_auth();
    let token = use_mailed_token();
    let list = token.as_deref().map_or(List::Cards, List::of);
    let account = &texts.account;
    let (title, lead, done, done_body) = match list {
        List::Cards => (
            account.unsubscribe_title,
            account.unsubscribe_lead,
            account.unsubscribe_done,
            account.unsubscribe_done_body,
        ),
        List::Streak => (
            account.unsubscribe_streak_title,
            account.unsubscribe_streak_lead,
            account.unsubscribe_done,
            account.unsubscribe_streak_done_body,
        ),
        List::Digest => (
            account.unsubscribe_digest_title,
            account.unsubscribe_digest_lead,
            account.unsubscribe_digest_done,
            account.unsubscribe_digest_done_body,
        ),
    };
    use_page_title(title);
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
                                auth.signed_in(list.turned_off(me));
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
                <h1 class="auth-card__title">{ title }</h1>
                <p class="auth-card__lead">{ lead }</p>
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
                <h1 class="auth-card__title" data-testid="unsubscribe-done">{ done }</h1>
                <p class="auth-card__lead" role="status">{ done_body }</p>
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
