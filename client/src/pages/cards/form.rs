//! The form adding one of the learner's own cards or editing a card's text: front, back and
//! tags, checked here against the limits the document schema enforces.

use shared::doc::{CARD_TAGS_MAX_CHARS, CARD_TEXT_MAX_CHARS};
use shared::domain::DocId;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::i18n::CardTexts;
use crate::learn::cards;

/// Which card a form edits, and what it holds now.
#[derive(Debug, Clone, PartialEq)]
pub struct Editing {
    pub doc: DocId,
    pub card_id: String,
    pub front: String,
    pub back: String,
    pub tags: String,
}

#[derive(Properties, PartialEq)]
pub struct CardFormProps {
    pub title: &'static str,
    /// The card to edit; `None` adds a new own card.
    #[prop_or_default]
    pub editing: Option<Editing>,
    pub on_saved: Callback<()>,
    pub on_cancel: Callback<()>,
}

/// What is wrong with a card's text before it is saved, in the learner's language.
pub fn problem(t: &CardTexts, front: &str, back: &str, tags: &str) -> Option<String> {
    if front.trim().is_empty() || back.trim().is_empty() {
        return Some(t.required.to_owned());
    }
    let too_long = [front.trim(), back.trim()]
        .iter()
        .any(|side| side.chars().count() > CARD_TEXT_MAX_CHARS);
    if too_long {
        return Some(t.too_long.replace("{n}", &CARD_TEXT_MAX_CHARS.to_string()));
    }
    let tags_chars = tags
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .count();
    if tags_chars > CARD_TAGS_MAX_CHARS {
        return Some(
            t.problem_tags_too_long
                .replace("{n}", &tags_chars.to_string())
                .replace("{max}", &CARD_TAGS_MAX_CHARS.to_string()),
        );
    }
    None
}

#[function_component(CardForm)]
pub fn card_form(props: &CardFormProps) -> Html {
    let texts = use_texts();
    let t = &texts.cards;
    let initial = props.editing.clone();
    let front = use_state(|| {
        initial
            .as_ref()
            .map(|e| e.front.clone())
            .unwrap_or_default()
    });
    let back = use_state(|| initial.as_ref().map(|e| e.back.clone()).unwrap_or_default());
    let tags = use_state(|| initial.as_ref().map(|e| e.tags.clone()).unwrap_or_default());
    let invalid = use_state(|| None::<String>);
    let failed = use_state(|| None::<ClientError>);
    let busy = use_state(|| false);

    let bind = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let onsubmit = {
        let (front, back, tags) = (front.clone(), back.clone(), tags.clone());
        let (invalid, failed, busy) = (invalid.clone(), failed.clone(), busy.clone());
        let editing = props.editing.clone();
        let on_saved = props.on_saved.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let tags_text = tags.split_whitespace().collect::<Vec<_>>().join(" ");
            if let Some(problem) = problem(&texts.cards, &front, &back, &tags_text) {
                invalid.set(Some(problem));
                return;
            }
            invalid.set(None);
            busy.set(true);
            let (front, back) = ((*front).clone(), (*back).clone());
            let (failed, busy, editing, on_saved) = (
                failed.clone(),
                busy.clone(),
                editing.clone(),
                on_saved.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match &editing {
                    Some(e) => {
                        cards::edit_card(&e.doc, &e.card_id, &front, &back, &tags_text).await
                    }
                    None => cards::add_card(&front, &back, &tags_text).await.map(drop),
                };
                busy.set(false);
                match saved {
                    Ok(()) => on_saved.emit(()),
                    Err(error) => failed.set(Some(error)),
                }
            });
        })
    };
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(()))
    };
    let id = |field: &str| match &props.editing {
        Some(e) => format!("card-{}-{field}", e.card_id),
        None => format!("card-new-{field}"),
    };
    html! {
        <form class="panel card-form" data-testid="card-form" {onsubmit} novalidate=true>
            <h2 class="panel__title">{ props.title }</h2>
            <div class="field">
                <label class="field__label" for={id("front")}>{ t.front }</label>
                <textarea id={id("front")} class="field__input field__input--area" rows="2" data-testid="card-front"
                    value={(*front).clone()} oninput={bind(&front)} required=true />
            </div>
            <div class="field">
                <label class="field__label" for={id("back")}>{ t.back }</label>
                <textarea id={id("back")} class="field__input field__input--area" rows="3" data-testid="card-back"
                    value={(*back).clone()} oninput={bind(&back)} required=true />
            </div>
            <div class="field">
                <label class="field__label" for={id("tags")}>{ t.tags }</label>
                <textarea id={id("tags")} class="field__input" rows="1" data-testid="card-tags"
                    aria-describedby={id("tags-hint")} value={(*tags).clone()} oninput={bind(&tags)} />
                <p class="field__hint" id={id("tags-hint")}>{ t.tags_hint }</p>
            </div>
            if let Some(problem) = &*invalid {
                <p class="status-line status-line--error" role="alert" data-testid="card-form-invalid">{ problem.clone() }</p>
            }
            if let Some(error) = &*failed {
                <p class="status-line status-line--error" role="alert">{ t.action_error }{ ": " }{ error.message(texts) }</p>
            }
            <div class="form__actions">
                <button type="submit" class="button button--primary" data-testid="card-save" disabled={*busy}>{ t.save }</button>
                <button type="button" class="button button--secondary" data-testid="card-cancel" onclick={cancel}>{ t.cancel }</button>
            </div>
        </form>
    }
}
