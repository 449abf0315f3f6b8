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

#[function_component(LockIcon)]
pub fn lock_icon() -> Html {
    icon(
        "icon--lock",
        html! { <><rect x="5" y="10.5" width="14" height="10" rx="2" /><path d="M8 10.5V7.5a4 4 0 0 1 8 0v3" /></> },
    )
}

#[function_component(BellIcon)]
pub fn bell_icon() -> Html {
    icon(
        "icon--bell",
        html! { <><path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15z" /><path d="M10 20.5a2 2 0 0 0 4 0" /></> },
    )
}

#[function_component(EyeIcon)]
pub fn eye_icon() -> Html {
    icon(
        "icon--eye",
        html! { <><path d="M2.5 12S6 5.5 12 5.5 21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12z" /><circle cx="12" cy="12" r="3" /></> },
    )
}

#[function_component(EyeOffIcon)]
pub fn eye_off_icon() -> Html {
    icon(
        "icon--eye-off",
        html! { <><path d="M10.6 5.6A9.6 9.6 0 0 1 12 5.5c6 0 9.5 6.5 9.5 6.5a17 17 0 0 1-2.6 3.4M6.4 6.9C3.9 8.5 2.5 12 2.5 12S6 18.5 12 18.5a9 9 0 0 0 4.3-1.1" /><path d="M9.9 9.9a3 3 0 0 0 4.2 4.2M3 3l18 18" /></> },
    )
}

#[function_component(CheckIcon)]
pub fn check_icon() -> Html {
    icon("icon--check", html! { <path d="m5 12.5 4.5 4.5L19 7.5" /> })
}

#[function_component(CrossIcon)]
pub fn cross_icon() -> Html {
    icon(
        "icon--cross",
        html! { <path d="M6.5 6.5l11 11M17.5 6.5l-11 11" /> },
    )
}

#[function_component(MailIcon)]
pub fn mail_icon() -> Html {
    icon(
        "icon--mail",
        html! { <><rect x="3" y="5.5" width="18" height="13" rx="2" /><path d="m3.5 7 8.5 6 8.5-6" /></> },
    )
}

#[function_component(DeviceIcon)]
pub fn device_icon() -> Html {
    icon(
        "icon--device",
        html! { <><rect x="3" y="4.5" width="18" height="12" rx="1.5" /><path d="M8.5 20h7M12 16.5V20" /></> },
    )
}

#[function_component(DownloadIcon)]
pub fn download_icon() -> Html {
    icon(
        "icon--download",
        html! { <path d="M12 4v11m0 0-4.5-4.5M12 15l4.5-4.5M5 19.5h14" /> },
    )
}

#[function_component(SignOutIcon)]
pub fn sign_out_icon() -> Html {
    icon(
        "icon--sign-out",
        html! { <path d="M14 4.5H6.5a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2H14M10 12h10m0 0-3.5-3.5M20 12l-3.5 3.5" /> },
    )
}

#[function_component(UserIcon)]
pub fn user_icon() -> Html {
    icon(
        "icon--user",
        html! { <><circle cx="12" cy="8.5" r="3.8" /><path d="M4.5 20a7.5 7.5 0 0 1 15 0" /></> },
    )
}

/// XP: a lightning bolt.
#[function_component(BoltIcon)]
pub fn bolt_icon() -> Html {
    icon(
        "icon--bolt",
        html! { <path d="M13 3 5 13.5h6L10 21l8-10.5h-6z" /> },
    )
}

/// A daily streak: a flame.
#[function_component(FlameIcon)]
pub fn flame_icon() -> Html {
    icon(
        "icon--flame",
        html! { <path d="M12 21c-3.9 0-6.5-2.6-6.5-6.2 0-3.3 2.3-5.3 3.6-7.6.4 1.6 1.2 2.7 2.3 3.3C11.3 7 12.6 4.6 14.8 3c-.3 2.8.9 4.6 2.2 6.3 1 1.4 1.5 2.9 1.5 4.8C18.5 18.2 15.9 21 12 21z" /> },
    )
}

/// A badge: a medal on its ribbon.
#[function_component(MedalIcon)]
pub fn medal_icon() -> Html {
    icon(
        "icon--medal",
        html! { <><path d="M8 3h8l-2.5 6h-3z" /><circle cx="12" cy="15" r="5.5" /><path d="m12 12.3.9 1.8 2 .3-1.45 1.4.35 2-1.8-.95-1.8.95.35-2L9.1 14.4l2-.3z" /></> },
    )
}

#[function_component(ChatIcon)]
pub fn chat_icon() -> Html {
    icon(
        "icon--chat",
        html! { <path d="M5 5.5h14a1.5 1.5 0 0 1 1.5 1.5v8.5a1.5 1.5 0 0 1-1.5 1.5H10l-4.5 3.5V17H5a1.5 1.5 0 0 1-1.5-1.5V7A1.5 1.5 0 0 1 5 5.5zM8.5 10.5h.01M12 10.5h.01M15.5 10.5h.01" /> },
    )
}

#[function_component(ThumbUpIcon)]
pub fn thumb_up_icon() -> Html {
    icon(
        "icon--thumb-up",
        html! { <path d="M7.5 10.5V20H5a1.5 1.5 0 0 1-1.5-1.5V12A1.5 1.5 0 0 1 5 10.5zM7.5 10.5 11 3.5a2.2 2.2 0 0 1 2.2 2.2V9h5a2 2 0 0 1 2 2.3l-1.1 6.9a2 2 0 0 1-2 1.8H7.5" /> },
    )
}

#[function_component(ThumbDownIcon)]
pub fn thumb_down_icon() -> Html {
    icon(
        "icon--thumb-down",
        html! { <path d="M16.5 13.5V4H19a1.5 1.5 0 0 1 1.5 1.5V12a1.5 1.5 0 0 1-1.5 1.5zM16.5 13.5 13 20.5a2.2 2.2 0 0 1-2.2-2.2V15h-5a2 2 0 0 1-2-2.3l1.1-6.9a2 2 0 0 1 2-1.8h9.6" /> },
    )
}
