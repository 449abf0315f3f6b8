//! Whether the browser has a network: `navigator.onLine`, kept current by `online`/`offline` events.

use gloo_events::EventListener;
use yew::prelude::*;

/// `navigator.onLine` now (true when there is no window, e.g. in a worker).
pub fn browser_is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

#[derive(Properties, PartialEq)]
pub struct OnlineProviderProps {
    #[prop_or_default]
    pub children: Html,
}

/// The network status as the context carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkStatus {
    pub online: bool,
}

/// Provides `NetworkStatus`, updated on every `online`/`offline` window event.
#[function_component(OnlineProvider)]
pub fn online_provider(props: &OnlineProviderProps) -> Html {
    let online = use_state_eq(browser_is_online);
    {
        let online = online.clone();
        use_effect_with((), move |_| {
            let listeners = web_sys::window().map(|window| {
                let up = online.clone();
                let down = online.clone();
                [
                    EventListener::new(&window, "online", move |_| up.set(true)),
                    EventListener::new(&window, "offline", move |_| down.set(false)),
                ]
            });
            // Dropping the listeners unsubscribes them.
            move || drop(listeners)
        });
    }
    html! {
        <ContextProvider<NetworkStatus> context={NetworkStatus { online: *online }}>
            { props.children.clone() }
        </ContextProvider<NetworkStatus>>
    }
}

/// `true` while the browser reports a network (and outside a provider).
#[hook]
pub fn use_online() -> bool {
    use_context::<NetworkStatus>().is_none_or(|status| status.online)
}
