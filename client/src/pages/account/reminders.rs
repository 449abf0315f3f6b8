//! Mail the learner chose: "cards are due" reminders and "your streak is at risk" warnings
//! (whether each comes, and at which hour of the learner's own time zone, the profile's) and the
//! daily digest of replies in their lesson discussions. Saved with the profile (`PATCH /api/me`),
//! only what changed.

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

/// What the form holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choices {
    pub cards: bool,
    pub cards_hour: u8,
    pub streak: bool,
    pub streak_hour: u8,
    pub digest: bool,
}

impl Choices {
    fn of(me: &Me) -> Self {
        Self {
            cards: me.card_reminders,
            cards_hour: me.reminder_hour,
            streak: me.streak_reminders,
            streak_hour: me.streak_reminder_hour,
            digest: me.discussion_digest,
        }
    }
}

/// What the form sends: only the settings that differ from `me`.
pub fn reminder_changes(me: &Me, chosen: Choices) -> UpdateProfileRequest {
    let was = Choices::of(me);
    let changed = |now: bool, before: bool| (now != before).then_some(now);
    let changed_hour = |now: u8, before: u8| (now != before).then_some(now);
    UpdateProfileRequest {
        card_reminders: changed(chosen.cards, was.cards),
        reminder_hour: changed_hour(chosen.cards_hour, was.cards_hour),
        streak_reminders: changed(chosen.streak, was.streak),
        streak_reminder_hour: changed_hour(chosen.streak_hour, was.streak_hour),
        discussion_digest: changed(chosen.digest, was.digest),
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
    let chosen = use_state(|| Choices::of(&props.me));
    let busy = use_state(|| false);
    let saved = use_state(|| false);
    let error = use_state(|| None::<ClientError>);

    // A box or an hour of the form: each change goes into `chosen` and clears "Saved".
    let toggle = |set: fn(&mut Choices, bool)| {
        let (chosen, saved) = (chosen.clone(), saved.clone());
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                let mut next = *chosen;
                set(&mut next, input.checked());
                chosen.set(next);
                saved.set(false);
            }
        })
    };
    let pick_hour = |set: fn(&mut Choices, u8)| {
        let (chosen, saved) = (chosen.clone(), saved.clone());
        Callback::from(move |value: String| {
            if let Ok(h) = value.parse::<u8>() {
                let mut next = *chosen;
                set(&mut next, h);
                chosen.set(next);
                saved.set(false);
            }
        })
    };
    let onsubmit = {
        let me = props.me.clone();
        let (chosen, busy, saved, error) =
            (chosen.clone(), busy.clone(), saved.clone(), error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let changes = reminder_changes(&me, *chosen);
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
                        checked={chosen.cards} onchange={toggle(|c, on| c.cards = on)} />
                    { texts.account.reminders_enabled }
                </label>
                <SelectField form={FORM_ID} name="reminder_hour" label={texts.account.reminders_hour}
                    value={AttrValue::from(chosen.cards_hour.to_string())} options={hour_options()}
                    onchange={pick_hour(|c, h| c.cards_hour = h)} />
                <label class="checkbox">
                    <input type="checkbox" name="streak_reminders" data-testid="streak-reminders-enabled"
                        checked={chosen.streak} onchange={toggle(|c, on| c.streak = on)} />
                    { texts.account.streak_reminders_enabled }
                </label>
                <SelectField form={FORM_ID} name="streak_reminder_hour" label={texts.account.reminders_hour}
                    value={AttrValue::from(chosen.streak_hour.to_string())} options={hour_options()}
                    onchange={pick_hour(|c, h| c.streak_hour = h)} />
                <label class="checkbox">
                    <input type="checkbox" name="discussion_digest" data-testid="digest-enabled"
                        checked={chosen.digest} onchange={toggle(|c, on| c.digest = on)} />
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
        let same = Choices::of(&me);
        assert_eq!(
            (
                same.cards,
                same.cards_hour,
                same.streak,
                same.streak_hour,
                same.digest
            ),
            (true, 18, true, 19, true)
        );
        assert_eq!(reminder_changes(&me, same), UpdateProfileRequest::default());
        let off = reminder_changes(
            &me,
            Choices {
                cards: false,
                ..same
            },
        );
        assert_eq!((off.card_reminders, off.reminder_hour), (Some(false), None));
        let early = reminder_changes(
            &me,
            Choices {
                cards_hour: 7,
                ..same
            },
        );
        assert_eq!((early.card_reminders, early.reminder_hour), (None, Some(7)));
        let quiet = reminder_changes(
            &me,
            Choices {
                digest: false,
                ..same
            },
        );
        assert_eq!(
            (quiet.discussion_digest, quiet.card_reminders),
            (Some(false), None)
        );
        let late = reminder_changes(
            &me,
            Choices {
                streak: false,
                streak_hour: 21,
                ..same
            },
        );
        assert_eq!(
            (
                late.streak_reminders,
                late.streak_reminder_hour,
                late.reminder_hour
            ),
            (Some(false), Some(21), None)
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
