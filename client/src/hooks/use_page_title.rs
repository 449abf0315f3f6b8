//! The browser tab's title for the page shown.

use yew::prelude::*;

/// Sets the browser tab's title to "`title` · EduPlatform" while the page is shown. `title` comes from
/// the current `Texts`, so the tab follows a change of language too.
#[hook]
pub fn use_page_title(title: &'static str) {
    use_effect_with(title, |title| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&format!("{title} · EduPlatform"));
        }
    });
}
