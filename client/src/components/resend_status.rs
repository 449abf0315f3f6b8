//! The line under a "send the link again" button: sending, sent, or what went wrong.

use yew::prelude::*;

use crate::contexts::locale::use_texts;
use crate::hooks::ResendStatus;

#[derive(Properties, PartialEq)]
pub struct ResendStatusLineProps {
    pub status: ResendStatus,
}

/// "Sent again" / the error, announced politely.
#[function_component(ResendStatusLine)]
pub fn resend_status_line(props: &ResendStatusLineProps) -> Html {
    let texts = use_texts();
    let text = match &props.status {
        ResendStatus::Idle => String::new(),
        ResendStatus::Sending => texts.common.sending.to_owned(),
        ResendStatus::Sent => texts.auth.resend_done.to_owned(),
        ResendStatus::Failed(error) => error.message(texts),
    };
    let class = match props.status {
        ResendStatus::Failed(_) => "status-line status-line--error",
        ResendStatus::Sent => "status-line status-line--ok",
        _ => "status-line",
    };
    html! { <p {class} role="status" aria-live="polite" data-testid="resend-status">{ text }</p> }
}
