//! In-app notifications for the bell: fetched when a user signs in and then every minute while the
//! page is visible and the browser online; marking read updates the list at once and the server
//! after. Nothing is fetched for anonymous visitors.

use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Interval;
use shared::api::notifications::{Notification, NotificationList};
use shared::domain::NotificationId;
use yew::prelude::*;

use crate::api;
use crate::contexts::auth::use_auth;
use crate::contexts::online::use_online;
use crate::error::ClientError;

/// How often the list is fetched while the page is visible and online.
pub const POLL_MS: u32 = 60_000;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct NotificationsState {
    pub items: Vec<Notification>,
    pub unread: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NotificationsAction {
    Loaded(NotificationList),
    Read(NotificationId),
    AllRead,
    /// Signed out: nothing to show.
    Cleared,
}

impl Reducible for NotificationsState {
    type Action = NotificationsAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let next = match action {
            NotificationsAction::Loaded(list) => Self {
                items: list.items,
                unread: list.unread_count,
            },
            NotificationsAction::Read(id) => {
                let mut next = (*self).clone();
                if let Some(item) = next.items.iter_mut().find(|n| n.id == id && !n.read) {
                    item.read = true;
                    next.unread = next.unread.saturating_sub(1);
                }
                next
            }
            NotificationsAction::AllRead => Self {
                items: self
                    .items
                    .iter()
                    .cloned()
                    .map(|n| Notification { read: true, ..n })
                    .collect(),
                unread: 0,
            },
            NotificationsAction::Cleared => Self::default(),
        };
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct NotificationsContext {
    pub state: NotificationsState,
    pub refresh: Callback<()>,
    pub mark_read: Callback<NotificationId>,
    pub mark_all_read: Callback<()>,
}

/// `document.visibilityState == "visible"` (true without a document).
fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

#[derive(Properties, PartialEq)]
pub struct NotificationsProviderProps {
    #[prop_or_default]
    pub children: Html,
}

#[function_component(NotificationsProvider)]
pub fn notifications_provider(props: &NotificationsProviderProps) -> Html {
    let state = use_reducer_eq(NotificationsState::default);
    let auth = use_auth();
    let online = use_online();
    let visible = use_state_eq(page_visible);
    let user_id = auth.user().map(|me| me.id.clone());

    {
        let visible = visible.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .and_then(|w| w.document())
                .map(|document| {
                    EventListener::new(&document, "visibilitychange", move |_| {
                        visible.set(page_visible())
                    })
                });
            move || drop(listener)
        });
    }

    let refresh = {
        let dispatcher = state.dispatcher();
        let auth = auth.clone();
        use_callback((), move |(), _| {
            let dispatcher = dispatcher.clone();
            let auth = auth.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::notifications().await {
                    Ok(list) => dispatcher.dispatch(NotificationsAction::Loaded(list)),
                    // The session ended (expired, signed out elsewhere): the header should say so.
                    Err(ClientError::Unauthorized) => auth.forget(),
                    // Any other failure changes nothing: the next poll tries again.
                    Err(_) => {}
                }
            });
        })
    };

    // Fetch now and every minute while signed in, visible and online; stop otherwise.
    {
        let refresh = refresh.clone();
        let dispatcher = state.dispatcher();
        use_effect_with(
            (user_id, *visible, online),
            move |(user_id, visible, online)| {
                if user_id.is_none() {
                    dispatcher.dispatch(NotificationsAction::Cleared);
                }
                let polling = (user_id.is_some() && *visible && *online).then(|| {
                    refresh.emit(());
                    Interval::new(POLL_MS, move || refresh.emit(()))
                });
                move || drop(polling)
            },
        );
    }

    let mark_read = {
        let dispatcher = state.dispatcher();
        let refresh = refresh.clone();
        use_callback((), move |id: NotificationId, _| {
            dispatcher.dispatch(NotificationsAction::Read(id.clone()));
            let refresh = refresh.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if api::mark_notification_read(&id).await.is_err() {
                    refresh.emit(());
                }
            });
        })
    };
    let mark_all_read = {
        let dispatcher = state.dispatcher();
        let refresh = refresh.clone();
        use_callback((), move |(), _| {
            dispatcher.dispatch(NotificationsAction::AllRead);
            let refresh = refresh.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if api::mark_all_notifications_read().await.is_err() {
                    refresh.emit(());
                }
            });
        })
    };

    let context = NotificationsContext {
        state: (*state).clone(),
        refresh,
        mark_read,
        mark_all_read,
    };
    html! {
        <ContextProvider<NotificationsContext> context={context}>
            { props.children.clone() }
        </ContextProvider<NotificationsContext>>
    }
}

/// The notifications; empty with no-op actions outside a provider.
#[hook]
pub fn use_notifications() -> NotificationsContext {
    use_context::<NotificationsContext>().unwrap_or_else(|| NotificationsContext {
        state: NotificationsState::default(),
        refresh: Callback::noop(),
        mark_read: Callback::noop(),
        mark_all_read: Callback::noop(),
    })
}
