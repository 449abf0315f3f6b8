//! The tutor's text box: Enter sends, Shift+Enter starts a new line, a counter shows near the
//! length limit, and while a reply streams the Send button becomes Stop.

use shared::validate::TUTOR_MESSAGE_MAX_CHARS;
use yew::prelude::*;

use crate::contexts::locale::use_texts;
use crate::i18n::Texts;

/// From how much of the limit on the counter shows (80 %).
const COUNTER_FROM: usize = TUTOR_MESSAGE_MAX_CHARS * 4 / 5;

/// What the counter says about a question of `chars` characters, if anything yet.
pub fn counter(texts: &Texts, chars: usize) -> Option<String> {
    if chars < COUNTER_FROM {
        None
    } else if chars <= TUTOR_MESSAGE_MAX_CHARS {
        let left = TUTOR_MESSAGE_MAX_CHARS - chars;
        Some(texts.tutor.chars_left.replace("{n}", &left.to_string()))
    } else {
        let over = chars - TUTOR_MESSAGE_MAX_CHARS;
        Some(texts.tutor.chars_over.replace("{n}", &over.to_string()))
    }
}

#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    pub draft: AttrValue,
    /// A reply is streaming: Stop instead of Send.
    pub streaming: bool,
    /// Nothing can be asked now (a conversation loading or full).
    pub disabled: bool,
    pub input_ref: NodeRef,
    pub on_input: Callback<String>,
    pub on_send: Callback<()>,
    pub on_stop: Callback<()>,
}

#[function_component(Composer)]
pub fn composer(props: &ComposerProps) -> Html {
    let texts = use_texts();
    let t = &texts.tutor;
    let chars = props.draft.chars().count();
    let over = chars > TUTOR_MESSAGE_MAX_CHARS;
    let can_send = !props.streaming && !props.disabled && !over && !props.draft.trim().is_empty();

    let oninput = props.on_input.reform(|e: InputEvent| {
        e.target_dyn_into::<web_sys::HtmlTextAreaElement>()
            .map(|area| area.value())
            .unwrap_or_default()
    });
    let onkeydown = {
        let on_send = props.on_send.clone();
        Callback::from(move |e: KeyboardEvent| {
            // Enter while an input method composes a word picks the word; it does not send.
            if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                e.prevent_default();
                if can_send {
                    on_send.emit(());
                }
            }
        })
    };
    let onsubmit = {
        let on_send = props.on_send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if can_send {
                on_send.emit(());
            }
        })
    };
    let on_stop = props.on_stop.reform(|_: MouseEvent| ());
    let count = counter(texts, chars);

    html! {
        <form class="tutor-composer" {onsubmit} data-testid="tutor-composer">
            <label class="visually-hidden" for="tutor-input">{ t.input_label }</label>
            <textarea id="tutor-input" ref={props.input_ref.clone()} class="tutor-composer__input"
                rows="2" placeholder={t.placeholder} value={props.draft.clone()} {oninput} {onkeydown}
                disabled={props.disabled} aria-describedby="tutor-count"
                aria-invalid={over.then_some("true")} data-testid="tutor-input" />
            <div class="tutor-composer__row">
                <p id="tutor-count" class={classes!("tutor-composer__count", over.then_some("is-over"))}
                    aria-live="polite" data-testid="tutor-count">
                    { count.unwrap_or_default() }
                </p>
                if props.streaming {
                    <button type="button" class="button button--secondary button--small"
                        onclick={on_stop} data-testid="tutor-stop">
                        <span class="tutor-stop__square" aria-hidden="true"></span>{ t.stop }
                    </button>
                } else {
                    <button type="submit" class="button button--primary button--small"
                        disabled={!can_send} data-testid="tutor-send">
                        { t.send }
                    </button>
                }
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_shows_near_the_limit_and_past_it() {
        let texts = &crate::i18n::EN;
        assert_eq!(counter(texts, 10), None);
        assert_eq!(counter(texts, 1_599), None);
        assert_eq!(
            counter(texts, 1_600).as_deref(),
            Some("400 characters left")
        );
        assert_eq!(counter(texts, 2_000).as_deref(), Some("0 characters left"));
        assert_eq!(
            counter(texts, 2_013).as_deref(),
            Some("13 characters too many")
        );
    }
}
