//! Page-wide keyboard shortcuts that stay out of the way while the user types: `/` to focus a
//! search box, ← / → to go to the previous / next page of a sequence; and the two that work while
//! typing too: Alt + a letter (opening a panel) and Escape (closing it).

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

/// Alt + the key at `code` (a physical key such as `KeyT`, the same on every keyboard layout, so
/// Alt+T is Alt+T on a Russian layout too) calls `on_key`, also while the user types: no text is
/// typed with Alt alone. Ctrl or ⌘ with it (AltGr is Ctrl+Alt) leave the key alone.
#[hook]
pub fn use_alt_shortcut(code: &'static str, on_key: Callback<()>) {
    use_effect_with(on_key, move |on_key| {
        let on_key = on_key.clone();
        let listener = web_sys::window()
            .and_then(|w| w.document())
            .map(|document| {
                let options = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&document, "keydown", options, move |event| {
                    let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    let plain_alt = event.alt_key()
                        && !event.ctrl_key()
                        && !event.meta_key()
                        && !event.shift_key();
                    if plain_alt && event.code() == code && !event.repeat() {
                        event.prevent_default();
                        on_key.emit(());
                    }
                })
            });
        move || drop(listener)
    });
}

/// Escape calls `on_escape` while `active`, wherever the focus is (closing a panel from its own
/// text box too).
#[hook]
pub fn use_escape(active: bool, on_escape: Callback<()>) {
    use_effect_with((active, on_escape), |(active, on_escape)| {
        let on_escape = on_escape.clone();
        let listener = active
            .then(|| web_sys::window().and_then(|w| w.document()))
            .flatten()
            .map(|document| {
                EventListener::new(&document, "keydown", move |event| {
                    if let Some(event) = event.dyn_ref::<KeyboardEvent>() {
                        if event.key() == "Escape" && !event.default_prevented() {
                            on_escape.emit(());
                        }
                    }
                })
            });
        move || drop(listener)
    });
}
