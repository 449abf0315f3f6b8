//! The current UI language: chosen at start-up, switchable, saved through `store::preferences`.

use yew::prelude::*;

use crate::i18n::{detect_locale, Locale, LocaleExt, Texts};
use crate::store::preferences;

/// What `use_locale` hands out: the locale and a way to change it.
#[derive(Clone, PartialEq)]
pub struct LocaleContext {
    pub locale: Locale,
    pub set_locale: Callback<Locale>,
}

impl LocaleContext {
    pub fn texts(&self) -> &'static Texts {
        self.locale.texts()
    }
}

/// The locale for this visit: the saved choice, else the browser's language, else English.
pub fn initial_locale() -> Locale {
    detect_locale(
        preferences::saved_locale(),
        &crate::i18n::browser_languages(),
    )
}

#[derive(Properties, PartialEq)]
pub struct LocaleProviderProps {
    pub initial: Locale,
    #[prop_or_default]
    pub children: Html,
}

/// Provides `LocaleContext`, keeps `<html lang>` in step and saves every explicit change.
#[function_component(LocaleProvider)]
pub fn locale_provider(props: &LocaleProviderProps) -> Html {
    let locale = use_state_eq(|| props.initial);

    use_effect_with(*locale, |locale| set_document_lang(*locale));

    let set_locale = {
        let locale = locale.clone();
        Callback::from(move |next: Locale| {
            if let Err(error) = preferences::save_locale(next) {
                web_sys::console::warn_1(&error.to_string().into());
            }
            locale.set(next);
        })
    };
    let context = LocaleContext {
        locale: *locale,
        set_locale,
    };
    html! {
        <ContextProvider<LocaleContext> context={context}>
            { props.children.clone() }
        </ContextProvider<LocaleContext>>
    }
}

/// The current locale; English with a no-op setter outside a provider (isolated tests).
#[hook]
pub fn use_locale() -> LocaleContext {
    use_context::<LocaleContext>().unwrap_or_else(|| LocaleContext {
        locale: Locale::default(),
        set_locale: Callback::noop(),
    })
}

/// The strings of the current locale.
#[hook]
pub fn use_texts() -> &'static Texts {
    use_locale().texts()
}

fn set_document_lang(locale: Locale) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        // Failing to set an attribute on <html> is not worth surfacing.
        let _ = root.set_attribute("lang", locale.code());
    }
}
