//! Name, language and time zone. Changing the language switches the app's too.

use shared::api::accounts::{Me, UpdateProfileRequest};
use yew::prelude::*;

use super::{Saved, Section};
use crate::api;
use crate::components::form::{language_options, FormError, SelectField, SubmitButton, TextField};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::{use_locale, use_texts};
use crate::forms::{check, server_field, FieldSpec, FormAction, FormState};
use crate::hooks::use_focus_first_problem;
use crate::i18n::{self, Locale};

const FORM: &str = "profile-form";
const FIELDS: &[FieldSpec] = &[
    FieldSpec::new("display_name", &["display name", "name"]),
    FieldSpec::new("locale", &["language"]),
    FieldSpec::new("time_zone", &["time zone", "timezone"]),
];

#[derive(Properties, PartialEq)]
pub struct ProfileSectionProps {
    pub me: Me,
}

/// Only what differs from `me` is sent.
pub fn profile_changes(me: &Me, form: &FormState) -> UpdateProfileRequest {
    let name = form.value("display_name").trim();
    let zone = form.value("time_zone").trim();
    let locale = Locale::from_tag(form.value("locale")).map(Into::into);
    UpdateProfileRequest {
        display_name: (name != me.display_name).then(|| name.to_owned()),
        locale: locale.filter(|l| *l != me.locale),
        time_zone: (zone != me.time_zone).then(|| zone.to_owned()),
    }
}

#[function_component(ProfileSection)]
pub fn profile_section(props: &ProfileSectionProps) -> Html {
    let texts = use_texts();
    let auth = use_auth();
    let set_locale = use_locale().set_locale;
    let me = props.me.clone();
    let form = use_reducer(|| {
        FormState::with_values(&[
            ("display_name", &me.display_name),
            ("locale", me.locale.code()),
            ("time_zone", &me.time_zone),
        ])
    });
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
        let me = props.me.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if form.submitting {
                return;
            }
            if check::display_name(form.value("display_name")).is_err()
                || check::time_zone(form.value("time_zone")).is_err()
            {
                form.dispatch(FormAction::Rejected);
                return;
            }
            let changes = profile_changes(&me, &form);
            if changes == UpdateProfileRequest::default() {
                saved.set(true);
                return;
            }
            form.dispatch(FormAction::Submitting);
            let form = form.dispatcher();
            let saved = saved.clone();
            let auth = auth.clone();
            let set_locale = set_locale.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::update_profile(&changes).await {
                    Ok(me) => {
                        form.dispatch(FormAction::Succeeded { clear: &[] });
                        if changes.locale.is_some() {
                            set_locale.emit(me.locale.into());
                        }
                        auth.signed_in(me);
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
        <Section id="profile" title={texts.profile_title}>
            <form id={FORM} class="form" novalidate=true ref={form_ref} {onsubmit}>
                <FormError error={form.error.clone()} />
                <TextField form={FORM} name="display_name" label={texts.field_display_name}
                    value={form.value("display_name").to_owned()} autocomplete="name" required=true
                    error={form.problem("display_name", check::display_name).map(|p| p.message(texts))}
                    oninput={on_input("display_name")} />
                <div class="form__row">
                    <SelectField form={FORM} name="locale" label={texts.field_language}
                        value={form.value("locale").to_owned()} options={language_options()}
                        hint={texts.field_language_hint}
                        error={form.problem("locale", |_| Ok(())).map(|p| p.message(texts))}
                        onchange={on_input("locale")} />
                    <SelectField form={FORM} name="time_zone" label={texts.field_time_zone}
                        value={form.value("time_zone").to_owned()}
                        options={i18n::time_zones(form.value("time_zone"))}
                        error={form.problem("time_zone", check::time_zone).map(|p| p.message(texts))}
                        onchange={on_input("time_zone")} />
                </div>
                <div class="form__actions">
                    <SubmitButton label={texts.save} busy_label={texts.saving} busy={form.submitting}
                        testid="profile-save" />
                    <Saved message={saved.then_some(AttrValue::Static(texts.saved))} />
                </div>
            </form>
        </Section>
    }
}
