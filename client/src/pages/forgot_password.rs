//! `/forgot-password`: asks for a reset link. The answer is the same whether or not the address
//! has an account.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::form::{FormError, SubmitButton, TextField};
use crate::components::icons::MailIcon;
use crate::components::AuthCard;
use crate::contexts::locale::use_texts;
use crate::forms::{check, Field, FieldSpec, FormSpec, FormState};
use crate::hooks::{use_page_title, use_submit, Submission};
use crate::route::Route;

const FORM: FormSpec = FormSpec {
    id: "forgot-password",
    fields: &[FieldSpec::new(Field::Email, &[], check::email)],
    clear: &[],
};

#[function_component(ForgotPasswordPage)]
pub fn forgot_password_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.auth.forgot_title);
    let sent_to = use_state_eq(|| None::<String>);
    let form = {
        let sent_to = sent_to.clone();
        use_submit(&FORM, FormState::default, move |form: &FormState| {
            let email = form.value(Field::Email).trim().to_owned();
            let sent_to = sent_to.clone();
            Submission::Send(async move {
                api::forgot_password(&email).await?;
                sent_to.set(Some(email));
                Ok(())
            })
        })
    };

    let footer = html! {
        <p><Link<Route> to={Route::SignIn}>{ texts.common.back_to_sign_in }</Link<Route>></p>
    };
    if let Some(email) = (*sent_to).clone() {
        return html! {
            <section class="auth" data-testid="forgot-done">
                <div class="auth-card auth-card--center">
                    <div class="state__icon"><MailIcon /></div>
                    <h1 class="auth-card__title">{ texts.auth.check_email_title }</h1>
                    <p class="auth-card__lead">{ texts.auth.forgot_done_body.replace("{email}", &email) }</p>
                    <p class="form__fineprint">{ texts.auth.check_email_spam }</p>
                </div>
                <div class="auth__footer">{ footer }</div>
            </section>
        };
    }

    html! {
        <AuthCard title={texts.auth.forgot_title} lead={texts.auth.forgot_lead} testid="forgot-password" {footer}>
            <form id={FORM.id} class="form" novalidate=true ref={form.node.clone()} onsubmit={form.onsubmit.clone()}>
                <FormError error={form.error()} />
                <TextField form={FORM.id} name={Field::Email.name()} label={texts.forms.field_email} kind="email"
                    value={form.value(Field::Email)} autocomplete="email" required=true
                    inputmode="email" autofocus=true
                    error={form.problem(Field::Email, texts)}
                    oninput={form.oninput(Field::Email)} />
                <SubmitButton label={texts.auth.forgot_submit} busy_label={texts.common.sending}
                    busy={form.submitting()} />
            </form>
        </AuthCard>
    }
}
