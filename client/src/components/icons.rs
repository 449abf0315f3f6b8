//! Inline SVG icons (no icon font, no request), drawn with `currentColor` so they follow the text.

use yew::prelude::*;

fn icon(class: &'static str, paths: Html) -> Html {
    html! {
        <svg class={classes!("icon", class)} viewBox="0 0 24 24" width="16" height="16"
            fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"
            stroke-linejoin="round" aria-hidden="true" focusable="false">
            { paths }
        </svg>
    }
}

#[function_component(ClockIcon)]
pub fn clock_icon() -> Html {
    icon(
        "icon--clock",
        html! { <><circle cx="12" cy="12" r="8.5" /><path d="M12 7.5V12l3 2" /></> },
    )
}

#[function_component(LessonsIcon)]
pub fn lessons_icon() -> Html {
    icon(
        "icon--lessons",
        html! { <path d="M4 5.5A1.5 1.5 0 0 1 5.5 4H11v16H5.5A1.5 1.5 0 0 1 4 18.5zM13 4h5.5A1.5 1.5 0 0 1 20 5.5v13a1.5 1.5 0 0 1-1.5 1.5H13z" /> },
    )
}

#[function_component(GlobeIcon)]
pub fn globe_icon() -> Html {
    icon(
        "icon--globe",
        html! { <><circle cx="12" cy="12" r="9" /><path d="M3 12h18M12 3c2.5 2.6 3.7 5.6 3.7 9s-1.2 6.4-3.7 9c-2.5-2.6-3.7-5.6-3.7-9S9.5 5.6 12 3z" /></> },
    )
}

#[function_component(BooksIcon)]
pub fn books_icon() -> Html {
    icon(
        "icon--books",
        html! { <><path d="M5 4h4v16H5zM10 4h4v16h-4z" /><path d="m15 5 3.8-1 2.7 15.4-3.8 1z" /></> },
    )
}

#[function_component(AlertIcon)]
pub fn alert_icon() -> Html {
    icon(
        "icon--alert",
        html! { <><path d="M10.3 4.3 2.6 17.6A2 2 0 0 0 4.3 20.6h15.4a2 2 0 0 0 1.7-3L13.7 4.3a2 2 0 0 0-3.4 0z" /><path d="M12 9.5v4M12 17h.01" /></> },
    )
}
