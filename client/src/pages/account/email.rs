//! Change the email address: a link goes to the new address; the change happens when it is opened.

use shared::api::accounts::ChangeEmailRequest;
use yew::prelude::*;

use super::{Saved, Section};
use crate::api;
use crate::components::form::{FormError, ProvePasswordField, SubmitButton, TextField};
use crate::contexts::locale::use_texts;
use crate::forms::{check, Field, FieldSpec, FormSpec, FormState, CONFIRMING_PASSWORD};
use crate::hooks::{use_submit, Submission};

const FORM: FormSpec = FormSpec {
    id: "email-form",
    fields: &[
        FieldSpec::new(Field::NewEmail, &["new email", "email"], check::email),
        CONFIRMING_PASSWORD,
    ],
    clear: &[Field::NewEmail, Field::CurrentPassword],
};

#[derive(Properties, PartialEq)]
pub struct EmailSectionProps {
    pub email: AttrValue,
}

#[function_component(EmailSection)]
pub fn email_section(props: &EmailSectionProps) -> Html {
    let texts = use_texts();
    let sent_to = use_state_eq(|| None::<String>);
    let form = {
        let sent_to = sent_to.clone();
        use_submit(&FORM, FormState::default, move |form: &FormState| {
            let request = ChangeEmailRequest {
                new_email: form.value(Field::NewEmail).trim().to_owned(),
                current_password: form.value(Field::CurrentPassword).to_owned(),
            };
            let sent_to = sent_to.clone();
            Submission::Send(async move {
                api::change_email(&request).await?;
                sent_to.set(Some(request.new_email));
                Ok(())
            })
        })
    };

    let sent = (*sent_to)
        .as_ref()
        .map(|email| AttrValue::from(texts.account.email_change_sent.replace("{email}", email)));
    let lead = texts.account.email_lead.replace("{email}", &props.email);
    html! {
        <Section id="email" title={texts.account.email_title} lead={lead}>
            <form id={FORM.id} class="form" novalidate=true ref={form.node.clone()} onsubmit={form.onsubmit.clone()}>
                <FormError error={form.error()} />
                <TextField form={FORM.id} name={Field::NewEmail.name()} label={texts.forms.field_new_email} kind="email"
                    value={form.value(Field::NewEmail)} autocomplete="email" required=true
                    inputmode="email"
                    error={form.problem(Field::NewEmail, texts)}
                    oninput={form.oninput(Field::NewEmail)} />
                <ProvePasswordField form={form.clone()} field={Field::CurrentPassword} label={texts.forms.field_current_password} />
                <div class="form__actions">
                    <SubmitButton label={texts.account.email_submit} busy_label={texts.common.sending}
                        busy={form.submitting()} testid="email-save" />
                    <Saved message={sent} />
                </div>
            </form>
        </Section>
    }
}
