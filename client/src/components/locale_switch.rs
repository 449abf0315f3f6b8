//! The language picker: a native `<select>` with the value `en` or `ru`.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::contexts::locale::use_locale;
use crate::i18n::Locale;

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
            <span class="visually-hidden">{ texts.locale_label }</span>
            <svg class="locale-switch__icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
                <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.8" />
                <path d="M3 12h18M12 3c2.5 2.6 3.7 5.6 3.7 9s-1.2 6.4-3.7 9c-2.5-2.6-3.7-5.6-3.7-9S9.5 5.6 12 3z" fill="none" stroke="currentColor" stroke-width="1.8" />
            </svg>
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
