//! `/reset-password?token=`: choose a new password from the reset mail's link. Every session of
//! the account ends, this browser's too, so the page ends with "sign in".

use shared::api::accounts::ResetPasswordRequest;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::form::{FormError, PasswordField, SubmitButton};
use crate::components::icons::CheckIcon;
use crate::components::AuthCard;
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::forms::{Field, FormSpec, FormState, NEW_PASSWORD};
use crate::hooks::{use_mailed_token, use_page_title, use_submit, Submission};
use crate::route::Route;

const FORM: FormSpec = FormSpec {
    id: "reset-password",
    fields: &[NEW_PASSWORD],
    clear: &[],
};

#[function_component(ResetPasswordPage)]
pub fn reset_password_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.auth.reset_title);
    let auth = use_auth();
    let token = use_mailed_token();
    let done = use_state_eq(|| false);
    let form = {
        let done = done.clone();
        use_submit(&FORM, FormState::default, move |form: &FormState| {
            let Some(token) = token.clone() else {
                return Submission::Refuse(ClientError::missing_token());
            };
            let (done, auth) = (done.clone(), auth.clone());
            let request = ResetPasswordRequest {
                token,
                new_password: form.value(Field::NewPassword).to_owned(),
            };
            Submission::Send(async move {
                api::reset_password(&request).await?;
                // Every session ended, this one included.
                auth.forget();
                done.set(true);
                Ok(())
            })
        })
    };

    let footer = html! {
        <p><Link<Route> to={Route::ForgotPassword}>{ texts.auth.reset_new_link }</Link<Route>></p>
    };
    if *done {
        return html! {
            <section class="auth" data-testid="reset-done">
                <div class="auth-card auth-card--center">
                    <div class="state__icon state__icon--ok"><CheckIcon /></div>
                    <h1 class="auth-card__title">{ texts.auth.reset_done_title }</h1>
                    <p class="auth-card__lead">{ texts.auth.reset_done_body }</p>
                    <div class="auth-card__actions">
                        <Link<Route> to={Route::SignIn} classes="button button--primary">
                            { texts.common.sign_in }
                        </Link<Route>>
                    </div>
                </div>
            </section>
        };
    }

    html! {
        <AuthCard title={texts.auth.reset_title} lead={texts.auth.reset_lead} testid="reset-password" {footer}>
            <form id={FORM.id} class="form" novalidate=true ref={form.node.clone()} onsubmit={form.onsubmit.clone()}>
                <FormError error={form.error()} />
                <PasswordField form={FORM.id} name={Field::NewPassword.name()} label={texts.forms.field_new_password}
                    value={form.value(Field::NewPassword)} autocomplete="new-password"
                    autofocus=true
                    error={form.problem(Field::NewPassword, texts)}
                    oninput={form.oninput(Field::NewPassword)} />
                <SubmitButton label={texts.auth.reset_submit} busy_label={texts.common.saving}
                    busy={form.submitting()} />
            </form>
        </AuthCard>
    }
}
