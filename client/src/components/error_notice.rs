//! An error box with the user-facing message and a Retry button.

use yew::prelude::*;

use crate::components::icons::AlertIcon;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;

#[derive(Properties, PartialEq)]
pub struct ErrorNoticeProps {
    pub title: AttrValue,
    pub error: ClientError,
    pub on_retry: Callback<()>,
    /// `data-testid` of the box, so tests can tell one page's error from another's.
    #[prop_or(AttrValue::Static("error"))]
    pub testid: AttrValue,
    /// A slim inline variant, for errors below content that stays visible.
    #[prop_or_default]
    pub compact: bool,
}

#[function_component(ErrorNotice)]
pub fn error_notice(props: &ErrorNoticeProps) -> Html {
    let texts = use_texts();
    let onclick = props.on_retry.reform(|_: MouseEvent| ());
    html! {
        <div
            class={classes!("state", "state--error", props.compact.then_some("state--compact"))}
            data-testid={props.testid.clone()}
            role="alert"
        >
            <div class="state__icon"><AlertIcon /></div>
            <h2 class="state__title">{ props.title.clone() }</h2>
            <p class="state__body">{ props.error.message(texts) }</p>
            <button class="button button--primary" data-testid="retry" {onclick}>{ texts.common.retry }</button>
        </div>
    }
}
