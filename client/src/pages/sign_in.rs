//! `/sign-in[?next=/path]`: email and password; on success back to where the visitor was going.
//!
//! An unconfirmed address gets a "send the link again" button; too many attempts say how long to
//! wait and keep the button off until then.

use gloo_timers::callback::Interval;
use serde::Deserialize;
use shared::api::accounts::SignInRequest;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::form::{FormError, ProvePasswordField, SubmitButton, TextField};
use crate::components::{AuthCard, ResendStatusLine};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::{use_locale, use_texts};
use crate::error::ClientError;
use crate::forms::{check, Field, FieldSpec, FormSpec, FormState};
use crate::hooks::{use_page_title, use_resend_verification, use_submit, ResendStatus, Submission};
use crate::route::{safe_return_path, Route};

const FORM: FormSpec = FormSpec {
    id: "sign-in",
    fields: &[
        FieldSpec::new(Field::Email, &[], check::email),
        FieldSpec::new(Field::Password, &[], check::current_password),
    ],
    clear: &[Field::Password],
};

/// `?next=/path` (where to go afterwards) and `?email=` (prefilled, e.g. from the verified page).
#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    pub next: Option<String>,
    pub email: Option<String>,
}

/// Where to go after signing in: the `next` page if it is ours, else the catalog.
pub fn destination(next: Option<&str>) -> Route {
    safe_return_path(next)
        .and_then(|path| Route::recognize(path.split(['?', '#']).next().unwrap_or("/")))
        .unwrap_or(Route::Home)
}

#[function_component(SignInPage)]
pub fn sign_in_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.common.sign_in);
    let set_locale = use_locale().set_locale;
    let auth = use_auth();
    let navigator = use_navigator();
    let query = use_location()
        .and_then(|l| l.query::<SignInQuery>().ok())
        .unwrap_or_default();
    let next = query.next;
    // A 429 keeps the button off until its deadline and counts the wait down every second.
    let deadline = use_state_eq(|| 0.0_f64);
    let now = use_state_eq(js_sys::Date::now);
    let wait = ((*deadline - *now) / 1000.0).ceil().max(0.0) as u32;
    {
        let now = now.clone();
        use_effect_with(wait > 0, move |counting| {
            let ticker =
                counting.then(|| Interval::new(1000, move || now.set(js_sys::Date::now())));
            move || drop(ticker)
        });
    }
    let initial = {
        let email = query.email.clone().unwrap_or_default();
        move || FormState::with_values(&[(Field::Email, &email)])
    };
    let form = {
        let auth = auth.clone();
        let deadline = deadline.clone();
        let now = now.clone();
        use_submit(&FORM, initial, move |form: &FormState| {
            if wait > 0 {
                return Submission::Ignore;
            }
            let request = SignInRequest {
                email: form.value(Field::Email).trim().to_owned(),
                password: form.value(Field::Password).to_owned(),
            };
            let auth = auth.clone();
            let set_locale = set_locale.clone();
            let deadline = deadline.clone();
            let now = now.clone();
            Submission::Send(async move {
                match api::sign_in(&request).await {
                    Ok(me) => {
                        set_locale.emit(me.locale);
                        // The effect below navigates once the session shows the user.
                        auth.signed_in(me);
                        Ok(())
                    }
                    Err(error) => {
                        if let ClientError::RateLimited {
                            retry_after: Some(seconds),
                        } = error
                        {
                            let at = js_sys::Date::now();
                            now.set(at);
                            deadline.set(at + f64::from(seconds) * 1000.0);
                        }
                        Err(error)
                    }
                }
            })
        })
    };
    let resend = use_resend_verification();

    // Already signed in (or just did): carry on to where the visitor was going.
    {
        let navigator = navigator.clone();
        let target = destination(next.as_deref());
        let signed_in = auth.user().is_some();
        use_effect_with(signed_in, move |signed_in| {
            if let (true, Some(navigator)) = (*signed_in, navigator) {
                navigator.replace(&target);
            }
        });
    }

    let on_resend = {
        let send = resend.send.clone();
        let email = form.state.value(Field::Email).to_owned();
        Callback::from(move |_: MouseEvent| send.emit(email.clone()))
    };
    let unverified = form.state.error == Some(ClientError::EmailNotVerified);
    // A rate limit's message counts down with the wait and goes when it is over.
    let shown_error = match &form.state.error {
        Some(ClientError::RateLimited {
            retry_after: Some(_),
        }) if wait == 0 => None,
        Some(ClientError::RateLimited {
            retry_after: Some(_),
        }) => Some(ClientError::RateLimited {
            retry_after: Some(wait),
        }),
        other => other.clone(),
    };
    let footer = html! {
        <p>
            { texts.auth.no_account }{ " " }
            <Link<Route> to={Route::SignUp}>{ texts.common.sign_up }</Link<Route>>
        </p>
    };
    html! {
        <AuthCard title={texts.auth.sign_in_title} lead={texts.auth.sign_in_lead} testid="sign-in" {footer}>
            <form id={FORM.id} class="form" novalidate=true ref={form.node.clone()} onsubmit={form.onsubmit.clone()}>
                <FormError error={shown_error}>
                    if unverified {
                        <button type="button" class="link-button" data-testid="resend"
                            disabled={resend.status == ResendStatus::Sending} onclick={on_resend}>
                            { texts.auth.resend_verification }
                        </button>
                        <ResendStatusLine status={resend.status.clone()} />
                    }
                </FormError>
                <TextField form={FORM.id} name={Field::Email.name()} label={texts.forms.field_email} kind="email"
                    value={form.value(Field::Email)} autocomplete="email" required=true
                    inputmode="email" autofocus=true
                    error={form.problem(Field::Email, texts)}
                    oninput={form.oninput(Field::Email)} />
                <ProvePasswordField form={form.clone()} field={Field::Password} label={texts.forms.field_password} />
                <p class="form__aside">
                    <Link<Route> to={Route::ForgotPassword}>{ texts.auth.forgot_password_link }</Link<Route>>
                </p>
                <SubmitButton label={texts.auth.sign_in_submit} busy_label={texts.auth.sign_in_busy}
                    busy={form.submitting()} disabled={wait > 0} />
            </form>
        </AuthCard>
    }
}
