//! `/sign-up`: create an account, then "check your email" with a way to send the link again.
//!
//! The server answers the same for a new and a taken address (it mails the owner instead), so this
//! page never tells who has an account either.

use shared::api::accounts::RegisterRequest;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::form::language_options;
use crate::components::form::{FormError, PasswordField, SelectField, SubmitButton, TextField};
use crate::components::icons::MailIcon;
use crate::components::{AuthCard, ResendStatusLine};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::{use_locale, use_texts};
use crate::forms::{check, server_field, FieldSpec, FormAction, FormState};
use crate::hooks::use_focus_first_problem;
use crate::hooks::{use_page_title, use_resend_verification, ResendStatus};
use crate::i18n::{self, Locale};
use crate::route::Route;

const FORM: &str = "sign-up";
const FIELDS: &[FieldSpec] = &[
    FieldSpec::new("display_name", &["display name", "name"]),
    FieldSpec::new("email", &[]),
    FieldSpec::new("password", &[]),
    FieldSpec::new("locale", &["language"]),
    FieldSpec::new("time_zone", &["time zone", "timezone"]),
];

/// Whether any field fails its client-side check.
fn has_problems(form: &FormState) -> bool {
    check::display_name(form.value("display_name")).is_err()
        || check::email(form.value("email")).is_err()
        || check::new_password(form.value("password")).is_err()
        || check::time_zone(form.value("time_zone")).is_err()
}

#[function_component(SignUpPage)]
pub fn sign_up_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.sign_up);
    let locale = use_locale().locale;
    let form = use_reducer(|| {
        let zone = i18n::browser_time_zone().unwrap_or_else(|| "UTC".to_owned());
        FormState::with_values(&[("locale", locale.code()), ("time_zone", &zone)])
    });
    // The address the link went to, once the server accepted the form.
    let done = use_state_eq(|| None::<String>);
    let form_ref = use_node_ref();
    use_focus_first_problem(form_ref.clone(), form.focus_request);

    // Already signed in: there is nothing to sign up for.
    {
        let navigator = use_navigator();
        let signed_in = use_auth().user().is_some();
        use_effect_with(signed_in, move |signed_in| {
            if let (true, Some(navigator)) = (*signed_in, navigator) {
                navigator.replace(&Route::Account);
            }
        });
    }

    if let Some(email) = (*done).clone() {
        let start_over = {
            let done = done.clone();
            Callback::from(move |_| done.set(None))
        };
        return html! { <CheckYourEmail {email} on_start_over={start_over} /> };
    }

    let on_input = |name: &'static str| {
        let form = form.dispatcher();
        Callback::from(move |value: String| form.dispatch(FormAction::Input { name, value }))
    };
    let onsubmit = {
        let form = form.clone();
        let done = done.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if form.submitting {
                return;
            }
            if has_problems(&form) {
                form.dispatch(FormAction::Rejected);
                return;
            }
            let request = RegisterRequest {
                email: form.value("email").trim().to_owned(),
                password: form.value("password").to_owned(),
                display_name: form.value("display_name").trim().to_owned(),
                locale: Locale::from_tag(form.value("locale"))
                    .unwrap_or_default()
                    .into(),
                time_zone: form.value("time_zone").trim().to_owned(),
            };
            form.dispatch(FormAction::Submitting);
            let form = form.dispatcher();
            let done = done.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::register(&request).await {
                    Ok(()) => {
                        form.dispatch(FormAction::Succeeded {
                            clear: &["password"],
                        });
                        done.set(Some(request.email));
                    }
                    Err(error) => form.dispatch(FormAction::Failed {
                        field: server_field(&error, FIELDS),
                        error,
                    }),
                }
            });
        })
    };

    let error = |name: &str, check: fn(&str) -> check::Check| {
        form.problem(name, check).map(|p| p.message(texts))
    };
    let zones = i18n::time_zones(form.value("time_zone"));
    let footer = html! {
        <p>
            { texts.have_account }{ " " }
            <Link<Route> to={Route::SignIn}>{ texts.sign_in }</Link<Route>>
        </p>
    };
    html! {
        <AuthCard title={texts.sign_up_title} lead={texts.sign_up_lead} testid="sign-up" {footer}>
            <form id={FORM} class="form" novalidate=true ref={form_ref} {onsubmit}>
                <FormError error={form.error.clone()} />
                <TextField form={FORM} name="display_name" label={texts.field_display_name}
                    value={form.value("display_name").to_owned()} autocomplete="name" required=true
                    error={error("display_name", check::display_name)} oninput={on_input("display_name")} />
                <TextField form={FORM} name="email" label={texts.field_email} kind="email"
                    value={form.value("email").to_owned()} autocomplete="email" required=true
                    inputmode="email"
                    error={error("email", check::email)} oninput={on_input("email")} />
                <PasswordField form={FORM} name="password" label={texts.field_password}
                    value={form.value("password").to_owned()} autocomplete="new-password"
                    error={error("password", check::new_password)} oninput={on_input("password")} />
                <div class="form__row">
                    <SelectField form={FORM} name="locale" label={texts.field_language}
                        value={form.value("locale").to_owned()}
                        options={language_options()}
                        hint={texts.field_language_hint}
                        error={form.problem("locale", |_| Ok(())).map(|p| p.message(texts))}
                        onchange={on_input("locale")} />
                    <SelectField form={FORM} name="time_zone" label={texts.field_time_zone}
                        value={form.value("time_zone").to_owned()}
                        options={zones}
                        error={error("time_zone", check::time_zone)}
                        onchange={on_input("time_zone")} />
                </div>
                <SubmitButton label={texts.sign_up_submit} busy_label={texts.sign_up_busy}
                    busy={form.submitting} />
                <p class="form__fineprint">{ texts.sign_up_fineprint }</p>
            </form>
        </AuthCard>
    }
}

#[derive(Properties, PartialEq)]
struct CheckYourEmailProps {
    email: String,
    on_start_over: Callback<()>,
}

/// After signing up: where the link went, and a way to send it again.
#[function_component(CheckYourEmail)]
fn check_your_email(props: &CheckYourEmailProps) -> Html {
    let texts = use_texts();
    let resend = use_resend_verification();
    let on_resend = {
        let send = resend.send.clone();
        let email = props.email.clone();
        Callback::from(move |_: MouseEvent| send.emit(email.clone()))
    };
    let start_over = props.on_start_over.reform(|_: MouseEvent| ());
    html! {
        <section class="auth" data-testid="signup-done">
            <div class="auth-card auth-card--center">
                <div class="state__icon"><MailIcon /></div>
                <h1 class="auth-card__title">{ texts.check_email_title }</h1>
                <p class="auth-card__lead">
                    { texts.check_email_body.replace("{email}", &props.email) }
                </p>
                <p class="form__fineprint">{ texts.check_email_spam }</p>
                <ResendStatusLine status={resend.status.clone()} />
                <div class="auth-card__actions">
                    <button type="button" class="button button--secondary" data-testid="resend"
                        disabled={resend.status == ResendStatus::Sending} onclick={on_resend}>
                        { texts.resend_verification }
                    </button>
                    <Link<Route> to={Route::SignIn} classes="button button--primary">
                        { texts.sign_in }
                    </Link<Route>>
                </div>
                <button type="button" class="link-button" onclick={start_over}>
                    { texts.check_email_wrong_address }
                </button>
            </div>
        </section>
    }
}
