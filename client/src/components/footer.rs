//! The page footer.

use yew::prelude::*;

use crate::contexts::locale::use_texts;

#[function_component(Footer)]
pub fn footer() -> Html {
    let texts = use_texts();
    html! {
        <footer class="site-footer">
            <div class="container site-footer__inner">
                <span>{ "© EduPlatform" }</span>
                <span class="site-footer__note">{ texts.common.footer_note }</span>
            </div>
        </footer>
    }
}
