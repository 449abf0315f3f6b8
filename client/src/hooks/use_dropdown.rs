//! The open/closed state shared by the header's pop-up menus (the bell, the user menu): a click or
//! tap anywhere outside the menu's root element closes it.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Returns the menu's open flag and the ref to put on its root element. While open, a pointer
/// press outside that element closes it; the document listener exists only while the menu is open.
#[hook]
pub fn use_dropdown() -> (UseStateHandle<bool>, NodeRef) {
    let open = use_state_eq(|| false);
    let root = use_node_ref();
    {
        let open = open.clone();
        let root = root.clone();
        use_effect_with(*open, move |is_open| {
            let listener = (*is_open)
                .then(|| web_sys::window().and_then(|w| w.document()))
                .flatten()
                .map(|document| {
                    EventListener::new(&document, "pointerdown", move |event| {
                        let inside = event
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                            .zip(root.cast::<web_sys::Node>())
                            .is_some_and(|(target, root)| root.contains(Some(&target)));
                        if !inside {
                            open.set(false);
                        }
                    })
                });
            move || drop(listener)
        });
    }
    (open, root)
}
