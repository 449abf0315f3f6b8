//! `/sign-up`: create an account, then "check your email" with a way to send the link again.
//!
//! The server answers the same for a new and a taken address (it mails the owner instead), so this
//! page never tells who has an account either.

use shared::api::accounts::RegisterRequest;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::form::{
    language_options, FormError, PasswordField, SelectField, SubmitButton, TextField,
};
use crate::components::icons::MailIcon;
use crate::components::{AuthCard, ResendStatusLine};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::{use_locale, use_texts};
use crate::forms::{check, Field, FieldSpec, FormSpec, FormState, DISPLAY_NAME, LOCALE, TIME_ZONE};
use crate::hooks::{use_page_title, use_resend_verification, use_submit, ResendStatus, Submission};
use crate::i18n::{self, Locale, LocaleExt};
use crate::route::Route;

pub const FORM: FormSpec = FormSpec {
    id: "sign-up",
    fields: &[
        DISPLAY_NAME,
        FieldSpec::new(Field::Email, &[], check::email),
        FieldSpec::new(Field::Password, &[], check::new_password),
        LOCALE,
        TIME_ZONE,
    ],
    clear: &[Field::Password],
};

#[function_component(SignUpPage)]
pub fn sign_up_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.common.sign_up);
    let locale = use_locale().locale;
    // The address the link went to, once the server accepted the form.
    let done = use_state_eq(|| None::<String>);
    let initial = move || {
        let zone = i18n::browser_time_zone().unwrap_or_else(|| "UTC".to_owned());
        FormState::with_values(&[(Field::Locale, locale.code()), (Field::TimeZone, &zone)])
    };
    let form = {
        let done = done.clone();
        use_submit(&FORM, initial, move |form: &FormState| {
            let request = RegisterRequest {
                email: form.value(Field::Email).trim().to_owned(),
                password: form.value(Field::Password).to_owned(),
                display_name: form.value(Field::DisplayName).trim().to_owned(),
                locale: Locale::from_tag(form.value(Field::Locale)).unwrap_or_default(),
                time_zone: form.value(Field::TimeZone).trim().to_owned(),
            };
            let done = done.clone();
            Submission::Send(async move {
                api::register(&request).await?;
                done.set(Some(request.email));
                Ok(())
            })
        })
    };

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

    let zones = i18n::time_zones(form.state.value(Field::TimeZone));
    let footer = html! {
        <p>
            { texts.auth.have_account }{ " " }
            <Link<Route> to={Route::SignIn}>{ texts.common.sign_in }</Link<Route>>
        </p>
    };
    html! {
        <AuthCard title={texts.auth.sign_up_title} lead={texts.auth.sign_up_lead} testid="sign-up" {footer}>
            <form id={FORM.id} class="form" novalidate=true ref={form.node.clone()} onsubmit={form.onsubmit.clone()}>
                <FormError error={form.error()} />
                <TextField form={FORM.id} name={Field::DisplayName.name()} label={texts.forms.field_display_name}
                    value={form.value(Field::DisplayName)} autocomplete="name" required=true
                    error={form.problem(Field::DisplayName, texts)} oninput={form.oninput(Field::DisplayName)} />
                <TextField form={FORM.id} name={Field::Email.name()} label={texts.forms.field_email} kind="email"
                    value={form.value(Field::Email)} autocomplete="email" required=true
                    inputmode="email"
                    error={form.problem(Field::Email, texts)} oninput={form.oninput(Field::Email)} />
                <PasswordField form={FORM.id} name={Field::Password.name()} label={texts.forms.field_password}
                    value={form.value(Field::Password)} autocomplete="new-password"
                    error={form.problem(Field::Password, texts)} oninput={form.oninput(Field::Password)} />
                <div class="form__row">
                    <SelectField form={FORM.id} name={Field::Locale.name()} label={texts.forms.field_language}
                        value={form.value(Field::Locale)}
                        options={language_options()}
                        hint={texts.forms.field_language_hint}
                        error={form.problem(Field::Locale, texts)}
                        onchange={form.oninput(Field::Locale)} />
                    <SelectField form={FORM.id} name={Field::TimeZone.name()} label={texts.forms.field_time_zone}
                        value={form.value(Field::TimeZone)}
                        options={zones}
                        error={form.problem(Field::TimeZone, texts)}
                        onchange={form.oninput(Field::TimeZone)} />
                </div>
                <SubmitButton label={texts.auth.sign_up_submit} busy_label={texts.auth.sign_up_busy}
                    busy={form.submitting()} />
                <p class="form__fineprint">{ texts.auth.sign_up_fineprint }</p>
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
                <h1 class="auth-card__title">{ texts.auth.check_email_title }</h1>
                <p class="auth-card__lead">
                    { texts.auth.check_email_body.replace("{email}", &props.email) }
                </p>
                <p class="form__fineprint">{ texts.auth.check_email_spam }</p>
                <ResendStatusLine status={resend.status.clone()} />
                <div class="auth-card__actions">
                    <button type="button" class="button button--secondary" data-testid="resend"
                        disabled={resend.status == ResendStatus::Sending} onclick={on_resend}>
                        { texts.auth.resend_verification }
                    </button>
                    <Link<Route> to={Route::SignIn} classes="button button--primary">
                        { texts.common.sign_in }
                    </Link<Route>>
                </div>
                <button type="button" class="link-button" onclick={start_over}>
                    { texts.auth.check_email_wrong_address }
                </button>
            </div>
        </section>
    }
}
