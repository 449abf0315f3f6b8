//! Name, language and time zone. Changing the language switches the app's too.

use shared::api::accounts::{Me, UpdateProfileRequest};
use yew::prelude::*;

use super::{Saved, Section};
use crate::api;
use crate::components::form::{language_options, FormError, SelectField, SubmitButton, TextField};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::{use_locale, use_texts};
use crate::forms::{Field, FormSpec, FormState, DISPLAY_NAME, LOCALE, TIME_ZONE};
use crate::hooks::{use_submit, Submission};
use crate::i18n::{self, Locale, LocaleExt};

const FORM: FormSpec = FormSpec {
    id: "profile-form",
    fields: &[DISPLAY_NAME, LOCALE, TIME_ZONE],
    clear: &[],
};

#[derive(Properties, PartialEq)]
pub struct ProfileSectionProps {
    pub me: Me,
}

/// Only what differs from `me` is sent.
pub fn profile_changes(me: &Me, form: &FormState) -> UpdateProfileRequest {
    let name = form.value(Field::DisplayName).trim();
    let zone = form.value(Field::TimeZone).trim();
    let locale = Locale::from_tag(form.value(Field::Locale));
    UpdateProfileRequest {
        display_name: (name != me.display_name).then(|| name.to_owned()),
        locale: locale.filter(|l| *l != me.locale),
        time_zone: (zone != me.time_zone).then(|| zone.to_owned()),
        ..UpdateProfileRequest::default()
    }
}

#[function_component(ProfileSection)]
pub fn profile_section(props: &ProfileSectionProps) -> Html {
    let texts = use_texts();
    let auth = use_auth();
    let set_locale = use_locale().set_locale;
    let me = props.me.clone();
    let initial = {
        let me = me.clone();
        move || {
            FormState::with_values(&[
                (Field::DisplayName, &me.display_name),
                (Field::Locale, me.locale.code()),
                (Field::TimeZone, &me.time_zone),
            ])
        }
    };
    let form = use_submit(&FORM, initial, move |form: &FormState| {
        let changes = profile_changes(&me, form);
        if changes == UpdateProfileRequest::default() {
            return Submission::Unchanged;
        }
        let auth = auth.clone();
        let set_locale = set_locale.clone();
        Submission::Send(async move {
            let me = api::update_profile(&changes).await?;
            if changes.locale.is_some() {
                set_locale.emit(me.locale);
            }
            auth.signed_in(me);
            Ok(())
        })
    });

    html! {
        <Section id="profile" title={texts.account.profile_title}>
            <form id={FORM.id} class="form" novalidate=true ref={form.node.clone()} onsubmit={form.onsubmit.clone()}>
                <FormError error={form.error()} />
                <TextField form={FORM.id} name={Field::DisplayName.name()} label={texts.forms.field_display_name}
                    value={form.value(Field::DisplayName)} autocomplete="name" required=true
                    error={form.problem(Field::DisplayName, texts)}
                    oninput={form.oninput(Field::DisplayName)} />
                <div class="form__row">
                    <SelectField form={FORM.id} name={Field::Locale.name()} label={texts.forms.field_language}
                        value={form.value(Field::Locale)} options={language_options()}
                        hint={texts.forms.field_language_hint}
                        error={form.problem(Field::Locale, texts)}
                        onchange={form.oninput(Field::Locale)} />
                    <SelectField form={FORM.id} name={Field::TimeZone.name()} label={texts.forms.field_time_zone}
                        value={form.value(Field::TimeZone)}
                        options={i18n::time_zones(form.state.value(Field::TimeZone))}
                        error={form.problem(Field::TimeZone, texts)}
                        onchange={form.oninput(Field::TimeZone)} />
                </div>
                <div class="form__actions">
                    <SubmitButton label={texts.common.save} busy_label={texts.common.saving} busy={form.submitting()}
                        testid="profile-save" />
                    <Saved message={form.done().then_some(AttrValue::Static(texts.common.saved))} />
                </div>
            </form>
        </Section>
    }
}
