//! Page-wide keyboard shortcuts that stay out of the way while the user types: `/` to focus a
//! search box, ← / → to go to the previous / next page of a sequence.

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

/// Whether a key press belongs to something else: typed into a field (input, text area, select,
/// editable text) or held with a modifier (a browser or system shortcut).
pub fn is_typing_or_shortcut(event: &KeyboardEvent) -> bool {
    if event.ctrl_key() || event.meta_key() || event.alt_key() || event.default_prevented() {
        return true;
    }
    let Some(element) = event
        .target()
        .and_then(|target| target.dyn_into::<HtmlElement>().ok())
    else {
        return false;
    };
    matches!(
        element.tag_name().to_ascii_uppercase().as_str(),
        "INPUT" | "TEXTAREA" | "SELECT"
    ) || element.is_content_editable()
}

fn on_document_keydown(handler: impl Fn(&KeyboardEvent) + 'static) -> Option<EventListener> {
    let document = web_sys::window()?.document()?;
    // Not passive: the handler must be able to keep the key from typing (`/`) or scrolling (← →).
    let options = EventListenerOptions::enable_prevent_default();
    Some(EventListener::new_with_options(
        &document,
        "keydown",
        options,
        move |event| {
            if let Some(event) = event.dyn_ref::<KeyboardEvent>() {
                if !is_typing_or_shortcut(event) {
                    handler(event);
                }
            }
        },
    ))
}

/// ← opens `previous`, → opens `next` (when there is one), unless the user is typing.
#[hook]
pub fn use_arrow_navigation(previous: Option<Route>, next: Option<Route>) {
    let navigator = use_navigator();
    use_effect_with((previous, next), move |(previous, next)| {
        let (previous, next) = (previous.clone(), next.clone());
        let listener = on_document_keydown(move |event| {
            let target = match event.key().as_str() {
                "ArrowLeft" => previous.as_ref(),
                "ArrowRight" => next.as_ref(),
                _ => None,
            };
            if let (Some(route), Some(navigator)) = (target, &navigator) {
                event.prevent_default();
                navigator.push(route);
            }
        });
        move || drop(listener)
    });
}

/// `/` moves the focus to `input`, unless the user is typing elsewhere.
#[hook]
pub fn use_slash_focus(input: NodeRef) {
    use_effect_with(input, |input| {
        let input = input.clone();
        let listener = on_document_keydown(move |event| {
            if event.key() != "/" {
                return;
            }
            if let Some(element) = input.cast::<HtmlElement>() {
                event.prevent_default();
                let _ = element.focus();
            }
        });
        move || drop(listener)
    });
}

/// Calls `on_key` with every key pressed on the page while the user is not typing (a page's own
/// shortcuts, such as the review session's Space and 1–4).
#[hook]
pub fn use_page_keydown(on_key: Callback<KeyboardEvent>) {
    use_effect_with(on_key, |on_key| {
        let on_key = on_key.clone();
        let listener = on_document_keydown(move |event| on_key.emit(event.clone()));
        move || drop(listener)
    });
}
