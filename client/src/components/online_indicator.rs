//! A pill showing whether the browser is online, fed by the network context.

use yew::prelude::*;

use crate::contexts::locale::use_texts;
use crate::contexts::online::use_online;

#[function_component(OnlineIndicator)]
pub fn online_indicator() -> Html {
    let texts = use_texts();
    let online = use_online();
    let (label, hint) = if online {
        (texts.common.online, texts.common.online_hint)
    } else {
        (texts.common.offline, texts.common.offline_hint)
    };
    html! {
        <span
            class={classes!("status-pill", if online { "is-online" } else { "is-offline" })}
            data-testid="online-status"
            data-online={online.to_string()}
            role="status"
            title={hint}
        >
            <span class="status-pill__dot" aria-hidden="true"></span>
            <span class="status-pill__label">{ label }</span>
        </span>
    }
}
