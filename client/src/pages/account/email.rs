//! Change the email address: a link goes to the new address; the change happens when it is opened.

use shared::api::accounts::ChangeEmailRequest;
use yew::prelude::*;

use super::{Saved, Section};
use crate::api;
use crate::components::form::{FormError, PasswordField, SubmitButton, TextField};
use crate::contexts::locale::use_texts;
use crate::forms::{check, server_field, FieldSpec, FormAction, FormState};
use crate::hooks::use_focus_first_problem;

const FORM: &str = "email-form";
const FIELDS: &[FieldSpec] = &[
    FieldSpec::new("new_email", &["new email", "email"]),
    FieldSpec::new("current_password", &["current password", "password"]),
];

#[derive(Properties, PartialEq)]
pub struct EmailSectionProps {
    pub email: AttrValue,
}

#[function_component(EmailSection)]
pub fn email_section(props: &EmailSectionProps) -> Html {
    let texts = use_texts();
    let form = use_reducer(FormState::default);
    let sent_to = use_state_eq(|| None::<String>);
    let form_ref = use_node_ref();
    use_focus_first_problem(form_ref.clone(), form.focus_request);

    let on_input = |name: &'static str| {
        let form = form.dispatcher();
        Callback::from(move |value: String| form.dispatch(FormAction::Input { name, value }))
    };
    let onsubmit = {
        let form = form.clone();
        let sent_to = sent_to.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if form.submitting {
                return;
            }
            if check::email(form.value("new_email")).is_err()
                || check::current_password(form.value("current_password")).is_err()
            {
                form.dispatch(FormAction::Rejected);
                return;
            }
            let request = ChangeEmailRequest {
                new_email: form.value("new_email").trim().to_owned(),
                current_password: form.value("current_password").to_owned(),
            };
            form.dispatch(FormAction::Submitting);
            let form = form.dispatcher();
            let sent_to = sent_to.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::change_email(&request).await {
                    Ok(()) => {
                        form.dispatch(FormAction::Succeeded {
                            clear: &["new_email", "current_password"],
                        });
                        sent_to.set(Some(request.new_email));
                    }
                    Err(error) => form.dispatch(FormAction::Failed {
                        field: server_field(&error, FIELDS),
                        error,
                    }),
                }
            });
        })
    };

    let sent = (*sent_to)
        .as_ref()
        .map(|email| AttrValue::from(texts.email_change_sent.replace("{email}", email)));
    let lead = texts.email_lead.replace("{email}", &props.email);
    html! {
        <Section id="email" title={texts.email_title} lead={lead}>
            <form id={FORM} class="form" novalidate=true ref={form_ref} {onsubmit}>
                <FormError error={form.error.clone()} />
                <TextField form={FORM} name="new_email" label={texts.field_new_email} kind="email"
                    value={form.value("new_email").to_owned()} autocomplete="email" required=true
                    inputmode="email"
                    error={form.problem("new_email", check::email).map(|p| p.message(texts))}
                    oninput={on_input("new_email")} />
                <PasswordField form={FORM} name="current_password" label={texts.field_current_password}
                    value={form.value("current_password").to_owned()} autocomplete="current-password"
                    error={form.problem("current_password", check::current_password).map(|p| p.message(texts))}
                    oninput={on_input("current_password")} />
                <div class="form__actions">
                    <SubmitButton label={texts.email_submit} busy_label={texts.sending}
                        busy={form.submitting} testid="email-save" />
                    <Saved message={sent} />
                </div>
            </form>
        </Section>
    }
}
