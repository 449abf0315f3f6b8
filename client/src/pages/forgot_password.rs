//! `/forgot-password`: asks for a reset link. The answer is the same whether or not the address
//! has an account.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::form::{FormError, SubmitButton, TextField};
use crate::components::icons::MailIcon;
use crate::components::AuthCard;
use crate::contexts::locale::use_texts;
use crate::forms::{check, server_field, FieldSpec, FormAction, FormState};
use crate::hooks::use_focus_first_problem;
use crate::hooks::use_page_title;
use crate::route::Route;

const FORM: &str = "forgot-password";
const FIELDS: &[FieldSpec] = &[FieldSpec::new("email", &[])];

#[function_component(ForgotPasswordPage)]
pub fn forgot_password_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.forgot_title);
    let form = use_reducer(FormState::default);
    let sent_to = use_state_eq(|| None::<String>);
    let form_ref = use_node_ref();
    use_focus_first_problem(form_ref.clone(), form.focus_request);

    let footer = html! {
        <p><Link<Route> to={Route::SignIn}>{ texts.back_to_sign_in }</Link<Route>></p>
    };
    if let Some(email) = (*sent_to).clone() {
        return html! {
            <section class="auth" data-testid="forgot-done">
                <div class="auth-card auth-card--center">
                    <div class="state__icon"><MailIcon /></div>
                    <h1 class="auth-card__title">{ texts.check_email_title }</h1>
                    <p class="auth-card__lead">{ texts.forgot_done_body.replace("{email}", &email) }</p>
                    <p class="form__fineprint">{ texts.check_email_spam }</p>
                </div>
                <div class="auth__footer">{ footer }</div>
            </section>
        };
    }

    let oninput = {
        let form = form.dispatcher();
        Callback::from(move |value: String| {
            form.dispatch(FormAction::Input {
                name: "email",
                value,
            })
        })
    };
    let onsubmit = {
        let form = form.clone();
        let sent_to = sent_to.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if form.submitting {
                return;
            }
            if check::email(form.value("email")).is_err() {
                form.dispatch(FormAction::Rejected);
                return;
            }
            let email = form.value("email").trim().to_owned();
            form.dispatch(FormAction::Submitting);
            let form = form.dispatcher();
            let sent_to = sent_to.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::forgot_password(&email).await {
                    Ok(()) => sent_to.set(Some(email)),
                    Err(error) => form.dispatch(FormAction::Failed {
                        field: server_field(&error, FIELDS),
                        error,
                    }),
                }
            });
        })
    };
    html! {
        <AuthCard title={texts.forgot_title} lead={texts.forgot_lead} testid="forgot-password" {footer}>
            <form id={FORM} class="form" novalidate=true ref={form_ref} {onsubmit}>
                <FormError error={form.error.clone()} />
                <TextField form={FORM} name="email" label={texts.field_email} kind="email"
                    value={form.value("email").to_owned()} autocomplete="email" required=true
                    inputmode="email" autofocus=true
                    error={form.problem("email", check::email).map(|p| p.message(texts))}
                    {oninput} />
                <SubmitButton label={texts.forgot_submit} busy_label={texts.sending}
                    busy={form.submitting} />
            </form>
        </AuthCard>
    }
}
