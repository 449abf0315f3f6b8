//! Where focus goes after a failed submit: the first field with a problem, else the form error.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

/// Moves focus to the first invalid field of `form` (or its form-wide error) whenever
/// `request` changes after the first render, so a failed submit lands where the fix is.
#[hook]
pub fn use_focus_first_problem(form: NodeRef, request: u32) {
    use_effect_with(request, move |request| {
        if *request == 0 {
            return;
        }
        let Some(form) = form.cast::<web_sys::Element>() else {
            return;
        };
        let target = form
            .query_selector("[aria-invalid=true]")
            .ok()
            .flatten()
            .or_else(|| {
                form.query_selector("[data-testid=form-error]")
                    .ok()
                    .flatten()
            });
        if let Some(element) = target.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
}
