//! Change the password: the current one proves it is the owner; other devices are signed out.

use shared::api::accounts::ChangePasswordRequest;
use yew::prelude::*;

use super::{Saved, Section};
use crate::api;
use crate::components::form::{FormError, PasswordField, SubmitButton};
use crate::contexts::locale::use_texts;
use crate::forms::{check, server_field, FieldSpec, FormAction, FormState};
use crate::hooks::use_focus_first_problem;

const FORM: &str = "password-form";
const FIELDS: &[FieldSpec] = &[
    FieldSpec::new("current_password", &["current password"]),
    FieldSpec::new("new_password", &["new password", "password"]),
];

#[derive(Properties, PartialEq)]
pub struct PasswordSectionProps {
    /// For the hidden username field password managers file the new password under.
    pub email: AttrValue,
}

#[function_component(PasswordSection)]
pub fn password_section(props: &PasswordSectionProps) -> Html {
    let texts = use_texts();
    let form = use_reducer(FormState::default);
    let saved = use_state_eq(|| false);
    let form_ref = use_node_ref();
    use_focus_first_problem(form_ref.clone(), form.focus_request);

    let on_input = |name: &'static str| {
        let form = form.dispatcher();
        let saved = saved.clone();
        Callback::from(move |value: String| {
            saved.set(false);
            form.dispatch(FormAction::Input { name, value })
        })
    };
    let onsubmit = {
        let form = form.clone();
        let saved = saved.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if form.submitting {
                return;
            }
            if check::current_password(form.value("current_password")).is_err()
                || check::new_password(form.value("new_password")).is_err()
            {
                form.dispatch(FormAction::Rejected);
                return;
            }
            let request = ChangePasswordRequest {
                current_password: form.value("current_password").to_owned(),
                new_password: form.value("new_password").to_owned(),
            };
            form.dispatch(FormAction::Submitting);
            let form = form.dispatcher();
            let saved = saved.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::change_password(&request).await {
                    Ok(()) => {
                        form.dispatch(FormAction::Succeeded {
                            clear: &["current_password", "new_password"],
                        });
                        saved.set(true);
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
        <Section id="password" title={texts.password_title} lead={texts.password_lead}>
            <form id={FORM} class="form" novalidate=true ref={form_ref} {onsubmit}>
                <input type="email" name="username" autocomplete="username" value={props.email.clone()}
                    class="visually-hidden" tabindex="-1" aria-hidden="true" readonly=true />
                <FormError error={form.error.clone()} />
                <PasswordField form={FORM} name="current_password" label={texts.field_current_password}
                    value={form.value("current_password").to_owned()} autocomplete="current-password"
                    error={form.problem("current_password", check::current_password).map(|p| p.message(texts))}
                    oninput={on_input("current_password")} />
                <PasswordField form={FORM} name="new_password" label={texts.field_new_password}
                    value={form.value("new_password").to_owned()} autocomplete="new-password"
                    error={form.problem("new_password", check::new_password).map(|p| p.message(texts))}
                    oninput={on_input("new_password")} />
                <div class="form__actions">
                    <SubmitButton label={texts.password_submit} busy_label={texts.saving}
                        busy={form.submitting} testid="password-save" />
                    <Saved message={saved.then_some(AttrValue::Static(texts.password_changed))} />
                </div>
            </form>
        </Section>
    }
}
