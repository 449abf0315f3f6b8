//! The EduPlatform mark, inline so it needs no request and follows the theme colours.

use yew::prelude::*;

#[function_component(Logo)]
pub fn logo() -> Html {
    html! {
        <svg class="logo" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="9" fill="var(--color-brand)" />
            <path d="M6 13.5 16 8l10 5.5-10 5.5z" fill="#fff" />
            <path d="M10 16.6v4.6c0 1.6 2.7 3.3 6 3.3s6-1.7 6-3.3v-4.6l-6 3.3z" fill="#fff" fill-opacity=".78" />
            <path d="M25 14.2v6.3" stroke="#fff" stroke-width="1.6" stroke-linecap="round" />
        </svg>
    }
}
