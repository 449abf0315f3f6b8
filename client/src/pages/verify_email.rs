//! `/verify-email?token=`: the link from a verification (or email-change) mail. Confirms on
//! arrival, then offers to sign in (or, when already signed in, goes on to the account).

use shared::api::accounts::Me;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::icons::{AlertIcon, CheckIcon};
use crate::components::PageLoading;
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::hooks::{use_mailed_token, use_page_title};
use crate::route::Route;

/// `/sign-in?email=`: the confirmed address, prefilled.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
struct EmailQuery {
    email: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Verification {
    Checking,
    Confirmed(Me),
    Failed(ClientError),
}

#[function_component(VerifyEmailPage)]
pub fn verify_email_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.auth.verify_page_title);
    let auth = use_auth();
    let token = use_mailed_token();
    let state = use_state_eq(|| Verification::Checking);

    {
        let state = state.clone();
        let auth = auth.clone();
        use_effect_with(token, move |token| {
            let Some(token) = token.clone() else {
                state.set(Verification::Failed(ClientError::missing_token()));
                return;
            };
            wasm_bindgen_futures::spawn_local(async move {
                match api::verify_email(&token).await {
                    Ok(me) => {
                        // An email change confirmed in the signed-in browser: show the new address.
                        if auth.user().is_some_and(|user| user.id == me.id) {
                            auth.signed_in(me.clone());
                        }
                        state.set(Verification::Confirmed(me));
                    }
                    Err(error) => state.set(Verification::Failed(error)),
                }
            });
        });
    }

    match &*state {
        Verification::Checking => html! { <PageLoading /> },
        Verification::Confirmed(me) => {
            let signed_in = auth.user().is_some_and(|user| user.id == me.id);
            html! {
                <section class="auth" data-testid="verify-ok">
                    <div class="auth-card auth-card--center">
                        <div class="state__icon state__icon--ok"><CheckIcon /></div>
                        <h1 class="auth-card__title">{ texts.auth.verify_ok_title }</h1>
                        <p class="auth-card__lead">
                            { texts.auth.verify_ok_body.replace("{email}", &me.email) }
                        </p>
                        <div class="auth-card__actions">
                            if signed_in {
                                <Link<Route> to={Route::Account} classes="button button--primary">
                                    { texts.common.go_to_account }
                                </Link<Route>>
                            } else {
                                <Link<Route, EmailQuery> to={Route::SignIn} query={Some(EmailQuery { email: me.email.clone() })}
                                    classes="button button--primary">
                                    { texts.common.sign_in }
                                </Link<Route, EmailQuery>>
                            }
                        </div>
                    </div>
                </section>
            }
        }
        Verification::Failed(error) => html! {
            <section class="auth" data-testid="verify-failed">
                <div class="auth-card auth-card--center">
                    <div class="state__icon state__icon--error"><AlertIcon /></div>
                    <h1 class="auth-card__title">{ texts.auth.verify_failed_title }</h1>
                    <p class="auth-card__lead" role="alert">{ error.message(texts) }</p>
                    <p class="form__fineprint">{ texts.auth.verify_failed_hint }</p>
                    <div class="auth-card__actions">
                        <Link<Route> to={Route::SignIn} classes="button button--primary">
                            { texts.common.sign_in }
                        </Link<Route>>
                    </div>
                </div>
            </section>
        },
    }
}
