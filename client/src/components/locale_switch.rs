//! The language picker: a native `<select>` with the value `en` or `ru`.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::icons::GlobeIcon;
use crate::contexts::locale::use_locale;
use crate::i18n::{Locale, LocaleExt};

#[function_component(LocaleSwitch)]
pub fn locale_switch() -> Html {
    let context = use_locale();
    let texts = context.texts();
    let onchange = {
        let set_locale = context.set_locale.clone();
        Callback::from(move |event: Event| {
            let chosen = event
                .target_dyn_into::<HtmlSelectElement>()
                .and_then(|select| Locale::from_tag(&select.value()));
            if let Some(locale) = chosen {
                set_locale.emit(locale);
            }
        })
    };
    html! {
        <label class="locale-switch">
            <span class="visually-hidden">{ texts.common.locale_label }</span>
            <span class="locale-switch__icon"><GlobeIcon /></span>
            <select class="locale-switch__select" data-testid="locale-switch" {onchange}>
                { for Locale::ALL.iter().map(|locale| html! {
                    <option value={locale.code()} selected={*locale == context.locale}>
                        { locale.texts().language_name }
                    </option>
                }) }
            </select>
        </label>
    }
}
