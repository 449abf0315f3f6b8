//! Mail the learner chose: "cards are due" reminders (whether they come, and at which hour of the
//! learner's own time zone, the profile's) and the daily digest of replies in their lesson
//! discussions. Saved with the profile (`PATCH /api/me`), only what changed.

use shared::api::accounts::{Me, UpdateProfileRequest};
use yew::prelude::*;

use super::{Saved, Section};
use crate::api;
use crate::components::form::{FormError, SelectField, SubmitButton};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;

const FORM_ID: &str = "reminders-form";

#[derive(Properties, PartialEq)]
pub struct RemindersSectionProps {
    pub me: Me,
}

/// What the form sends: only the settings that differ from `me`.
pub fn reminder_changes(me: &Me, enabled: bool, hour: u8, digest: bool) -> UpdateProfileRequest {
    UpdateProfileRequest {
        card_reminders: (enabled != me.card_reminders).then_some(enabled),
        reminder_hour: (hour != me.reminder_hour).then_some(hour),
        discussion_digest: (digest != me.discussion_digest).then_some(digest),
        ..UpdateProfileRequest::default()
    }
}

/// The hours of a day as the select shows them: `18:00`.
pub fn hour_options() -> Vec<(AttrValue, AttrValue)> {
    (0..24u8)
        .map(|h| {
            (
                AttrValue::from(h.to_string()),
                AttrValue::from(format!("{h:02}:00")),
            )
        })
        .collect()
}

#[function_component(RemindersSection)]
pub fn reminders_section(props: &RemindersSectionProps) -> Html {
    let texts = use_texts();
    let auth = use_auth();
    let enabled = use_state(|| props.me.card_reminders);
    let hour = use_state(|| props.me.reminder_hour);
    let digest = use_state(|| props.me.discussion_digest);
    let busy = use_state(|| false);
    let saved = use_state(|| false);
    let error = use_state(|| None::<ClientError>);

    let on_toggle = {
        let enabled = enabled.clone();
        let saved = saved.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                enabled.set(input.checked());
                saved.set(false);
            }
        })
    };
    let on_digest = {
        let digest = digest.clone();
        let saved = saved.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                digest.set(input.checked());
                saved.set(false);
            }
        })
    };
    let on_hour = {
        let hour = hour.clone();
        let saved = saved.clone();
        Callback::from(move |value: String| {
            if let Ok(h) = value.parse::<u8>() {
                hour.set(h);
                saved.set(false);
            }
        })
    };
    let onsubmit = {
        let me = props.me.clone();
        let (enabled, hour, digest, busy, saved, error) = (
            enabled.clone(),
            hour.clone(),
            digest.clone(),
            busy.clone(),
            saved.clone(),
            error.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let changes = reminder_changes(&me, *enabled, *hour, *digest);
            if changes == UpdateProfileRequest::default() {
                saved.set(true);
                return;
            }
            busy.set(true);
            error.set(None);
            let (auth, busy, saved, error) =
                (auth.clone(), busy.clone(), saved.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::update_profile(&changes).await {
                    Ok(me) => {
                        auth.signed_in(me);
                        saved.set(true);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let lead = texts
        .account
        .reminders_lead
        .replace("{zone}", &props.me.time_zone);

    html! {
        <Section id="reminders" title={texts.account.reminders_title} lead={AttrValue::from(lead)}>
            <form id={FORM_ID} class="form" novalidate=true {onsubmit}>
                <FormError error={(*error).clone()} />
                <label class="checkbox">
                    <input type="checkbox" name="card_reminders" data-testid="reminders-enabled"
                        checked={*enabled} onchange={on_toggle} />
                    { texts.account.reminders_enabled }
                </label>
                <SelectField form={FORM_ID} name="reminder_hour" label={texts.account.reminders_hour}
                    value={AttrValue::from(hour.to_string())} options={hour_options()}
                    onchange={on_hour} />
                <label class="checkbox">
                    <input type="checkbox" name="discussion_digest" data-testid="digest-enabled"
                        checked={*digest} onchange={on_digest} />
                    { texts.account.digest_enabled }
                </label>
                <div class="form__actions">
                    <SubmitButton label={texts.common.save} busy_label={texts.common.saving} busy={*busy}
                        testid="reminders-save" />
                    <Saved message={saved.then_some(AttrValue::Static(texts.common.saved))} />
                </div>
            </form>
        </Section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::accounts::{Locale, Role};

    fn me() -> Me {
        serde_json::from_value(serde_json::json!({
            "id": "01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0e", "email": "ada@example.org",
            "display_name": "Ada", "role": Role::Student, "locale": Locale::En,
            "time_zone": "Europe/Moscow", "reminder_hour": 18, "card_reminders": true,
            "email_verified": true, "created_at": "2026-11-30T10:00:00.000Z"
        }))
        .unwrap()
    }

    #[test]
    fn only_changed_settings_are_sent() {
        let me = me();
        assert_eq!(
            reminder_changes(&me, true, 18, true),
            UpdateProfileRequest::default()
        );
        let off = reminder_changes(&me, false, 18, true);
        assert_eq!((off.card_reminders, off.reminder_hour), (Some(false), None));
        let early = reminder_changes(&me, true, 7, true);
        assert_eq!((early.card_reminders, early.reminder_hour), (None, Some(7)));
        let quiet = reminder_changes(&me, true, 18, false);
        assert_eq!(
            (quiet.discussion_digest, quiet.card_reminders),
            (Some(false), None)
        );
    }

    #[test]
    fn the_hours_of_a_day_are_offered() {
        let options = hour_options();
        assert_eq!(options.len(), 24);
        assert_eq!(options[0], ("0".into(), "00:00".into()));
        assert_eq!(options[18], ("18".into(), "18:00".into()));
    }
}
