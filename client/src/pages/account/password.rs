//! Change the password: the current one proves it is the owner; other devices are signed out.

use shared::api::accounts::ChangePasswordRequest;
use yew::prelude::*;

use super::{Saved, Section};
use crate::api;
use crate::components::form::{FormError, PasswordField, ProvePasswordField, SubmitButton};
use crate::contexts::locale::use_texts;
use crate::forms::{check, Field, FieldSpec, FormSpec, FormState, NEW_PASSWORD};
use crate::hooks::{use_submit, Submission};

pub const FORM: FormSpec = FormSpec {
    id: "password-form",
    fields: &[
        FieldSpec::new(
            Field::CurrentPassword,
            &["current password"],
            check::current_password,
        ),
        NEW_PASSWORD,
    ],
    clear: &[Field::CurrentPassword, Field::NewPassword],
};

#[derive(Properties, PartialEq)]
pub struct PasswordSectionProps {
    /// For the hidden username field password managers file the new password under.
    pub email: AttrValue,
}

#[function_component(PasswordSection)]
pub fn password_section(props: &PasswordSectionProps) -> Html {
    let texts = use_texts();
    let form = use_submit(&FORM, FormState::default, |form: &FormState| {
        let request = ChangePasswordRequest {
            current_password: form.value(Field::CurrentPassword).to_owned(),
            new_password: form.value(Field::NewPassword).to_owned(),
        };
        Submission::Send(async move { api::change_password(&request).await })
    });

    html! {
        <Section id="password" title={texts.account.password_title} lead={texts.account.password_lead}>
            <form id={FORM.id} class="form" novalidate=true ref={form.node.clone()} onsubmit={form.onsubmit.clone()}>
                <input type="email" name="username" autocomplete="username" value={props.email.clone()}
                    class="visually-hidden" tabindex="-1" aria-hidden="true" readonly=true />
                <FormError error={form.error()} />
                <ProvePasswordField form={form.clone()} field={Field::CurrentPassword} label={texts.forms.field_current_password} />
                <PasswordField form={FORM.id} name={Field::NewPassword.name()} label={texts.forms.field_new_password}
                    value={form.value(Field::NewPassword)} autocomplete="new-password"
                    error={form.problem(Field::NewPassword, texts)}
                    oninput={form.oninput(Field::NewPassword)} />
                <div class="form__actions">
                    <SubmitButton label={texts.account.password_submit} busy_label={texts.common.saving}
                        busy={form.submitting()} testid="password-save" />
                    <Saved message={form.done().then_some(AttrValue::Static(texts.account.password_changed))} />
                </div>
            </form>
        </Section>
    }
}
