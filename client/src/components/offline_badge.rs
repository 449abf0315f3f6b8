//! The "Offline copy" badge of a page shown from a course downloaded for offline use.

use yew::prelude::*;

use crate::contexts::locale::use_texts;

#[function_component(OfflineCopyBadge)]
pub fn offline_copy_badge() -> Html {
    let texts = use_texts();
    html! {
        <p class="offline-copy" data-testid="offline-copy" title={texts.offline.offline_copy_hint}>
            <span class="badge badge--offline">{ texts.offline.offline_copy }</span>
            <span class="visually-hidden">{ " " }{ texts.offline.offline_copy_hint }</span>
        </p>
    }
}
