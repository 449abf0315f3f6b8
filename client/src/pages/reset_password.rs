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
use crate::forms::{check, server_field, FieldSpec, FormAction, FormState};
use crate::hooks::use_focus_first_problem;
use crate::hooks::{use_mailed_token, use_page_title};
use crate::route::Route;

const FORM: &str = "reset-password";
const FIELDS: &[FieldSpec] = &[FieldSpec::new(
    "new_password",
    &["new password", "password"],
)];

#[function_component(ResetPasswordPage)]
pub fn reset_password_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.reset_title);
    let auth = use_auth();
    let token = use_mailed_token();
    let form = use_reducer(FormState::default);
    let done = use_state_eq(|| false);
    let form_ref = use_node_ref();
    use_focus_first_problem(form_ref.clone(), form.focus_request);

    let footer = html! {
        <p><Link<Route> to={Route::ForgotPassword}>{ texts.reset_new_link }</Link<Route>></p>
    };
    if *done {
        return html! {
            <section class="auth" data-testid="reset-done">
                <div class="auth-card auth-card--center">
                    <div class="state__icon state__icon--ok"><CheckIcon /></div>
                    <h1 class="auth-card__title">{ texts.reset_done_title }</h1>
                    <p class="auth-card__lead">{ texts.reset_done_body }</p>
                    <div class="auth-card__actions">
                        <Link<Route> to={Route::SignIn} classes="button button--primary">
                            { texts.sign_in }
                        </Link<Route>>
                    </div>
                </div>
            </section>
        };
    }

    let oninput = {
        let form = form.dispatcher();
        Callback::from(move |value: String| {
            form.dispatch(FormAction::Input {
                name: "new_password",
                value,
            })
        })
    };
    let onsubmit = {
        let form = form.clone();
        let done = done.clone();
        let token = token.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if form.submitting {
                return;
            }
            let Some(token) = token.clone() else {
                let error = ClientError::missing_token();
                form.dispatch(FormAction::Failed { error, field: None });
                return;
            };
            if check::new_password(form.value("new_password")).is_err() {
                form.dispatch(FormAction::Rejected);
                return;
            }
            let request = ResetPasswordRequest {
                token,
                new_password: form.value("new_password").to_owned(),
            };
            form.dispatch(FormAction::Submitting);
            let form = form.dispatcher();
            let done = done.clone();
            let auth = auth.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::reset_password(&request).await {
                    Ok(()) => {
                        // Every session ended, this one included.
                        auth.forget();
                        done.set(true);
                    }
                    Err(error) => form.dispatch(FormAction::Failed {
                        field: server_field(&error, FIELDS),
                        error,
                    }),
                }
            });
        })
    };
    html! {
        <AuthCard title={texts.reset_title} lead={texts.reset_lead} testid="reset-password" {footer}>
            <form id={FORM} class="form" novalidate=true ref={form_ref} {onsubmit}>
                <FormError error={form.error.clone()} />
                <PasswordField form={FORM} name="new_password" label={texts.field_new_password}
                    value={form.value("new_password").to_owned()} autocomplete="new-password"
                    autofocus=true
                    error={form.problem("new_password", check::new_password).map(|p| p.message(texts))}
                    {oninput} />
                <SubmitButton label={texts.reset_submit} busy_label={texts.saving}
                    busy={form.submitting} />
            </form>
        </AuthCard>
    }
}
