//! The bell in the header: the unread count on a badge and, when opened, the latest notifications
//! with "mark all read". Opening a notification marks it read and follows its link.

use shared::api::notifications::Notification;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::icons::BellIcon;
use crate::contexts::locale::{use_locale, use_texts};
use crate::hooks::use_dropdown;
use crate::i18n::format_relative;

#[derive(Properties, PartialEq)]
pub struct NotificationBellProps {
    pub items: Vec<Notification>,
    pub unread: u32,
    /// A notification was opened (clicked): mark it read and go where it points.
    pub on_open_item: Callback<Notification>,
    pub on_mark_all_read: Callback<()>,
    /// The list was opened: a chance to fetch it fresh.
    #[prop_or_default]
    pub on_open: Callback<()>,
}

/// The badge text: the count, or "9+" past nine.
pub fn badge_text(unread: u32) -> Option<String> {
    match unread {
        0 => None,
        1..=9 => Some(unread.to_string()),
        _ => Some("9+".to_owned()),
    }
}

#[function_component(NotificationBell)]
pub fn notification_bell(props: &NotificationBellProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let (open, root) = use_dropdown();

    let toggle = {
        let open = open.clone();
        let on_open = props.on_open.clone();
        Callback::from(move |_: MouseEvent| {
            if !*open {
                on_open.emit(());
            }
            open.set(!*open);
        })
    };
    let onkeydown = {
        let open = open.clone();
        let root = root.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" && *open {
                open.set(false);
                if let Some(button) = root
                    .cast::<web_sys::Element>()
                    .and_then(|r| {
                        r.query_selector("[data-testid=notifications-bell]")
                            .ok()
                            .flatten()
                    })
                    .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = button.focus();
                }
            }
        })
    };
    let mark_all = props.on_mark_all_read.reform(|_: MouseEvent| ());
    let badge = badge_text(props.unread);
    let label = match props.unread {
        0 => texts.notifications.notifications.to_owned(),
        n => format!(
            "{} ({})",
            texts.notifications.notifications,
            texts.count(n, &texts.notifications.unread_count)
        ),
    };
    let now = js_sys::Date::now();
    html! {
        <div class="bell" ref={root} {onkeydown}>
            <button type="button" class="icon-button bell__button" data-testid="notifications-bell"
                aria-haspopup="true" aria-expanded={open.to_string()} aria-controls="notifications-panel"
                aria-label={label.clone()} title={label} onclick={toggle}>
                <BellIcon />
                if let Some(badge) = badge {
                    <span class="bell__badge" data-testid="notifications-count" aria-hidden="true">{ badge }</span>
                }
            </button>
            if *open {
                <div id="notifications-panel" class="bell__panel" data-testid="notifications-panel">
                    <div class="bell__head">
                        <h2 class="bell__title">{ texts.notifications.notifications }</h2>
                        if props.unread > 0 {
                            <button type="button" class="link-button" data-testid="mark-all-read" onclick={mark_all}>
                                { texts.notifications.mark_all_read }
                            </button>
                        }
                    </div>
                    if props.items.is_empty() {
                        <p class="bell__empty">{ texts.notifications.notifications_empty }</p>
                    } else {
                        <ul class="bell__list" role="list">
                            { for props.items.iter().map(|item| {
                                let onclick = {
                                    let on_open_item = props.on_open_item.clone();
                                    let open = open.clone();
                                    let item = item.clone();
                                    Callback::from(move |_: MouseEvent| {
                                        open.set(false);
                                        on_open_item.emit(item.clone());
                                    })
                                };
                                html! {
                                    <li key={item.id.to_string()}>
                                        <button type="button"
                                            class={classes!("bell__item", (!item.read).then_some("is-unread"))}
                                            data-testid="notification-item" data-read={item.read.to_string()} {onclick}>
                                            if !item.read {
                                                <span class="bell__dot" aria-label={texts.notifications.unread}></span>
                                            }
                                            <span class="bell__item-title">{ item.title.clone() }</span>
                                            <span class="bell__item-body">{ item.body.clone() }</span>
                                            <span class="bell__item-time">{ format_relative(&item.created_at, now, locale) }</span>
                                        </button>
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                </div>
            }
        </div>
    }
}
