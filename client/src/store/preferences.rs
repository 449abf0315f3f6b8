//! User preferences kept in `localStorage` (one key each, namespaced `edu.`).

use gloo_storage::{LocalStorage, Storage};

use crate::error::ClientError;
use crate::i18n::{Locale, LocaleExt};

/// The `localStorage` key of the chosen UI language.
pub const LOCALE_KEY: &str = "edu.locale";

/// The language the user chose earlier, if any (and if it is one we still support).
pub fn saved_locale() -> Option<Locale> {
    LocalStorage::get::<String>(LOCALE_KEY)
        .ok()
        .and_then(|code| Locale::from_tag(&code))
}

/// Remembers the user's language for the next visit.
pub fn save_locale(locale: Locale) -> Result<(), ClientError> {
    LocalStorage::set(LOCALE_KEY, locale.code()).map_err(|e| ClientError::Storage {
        detail: e.to_string(),
    })
}

/// Forgets the chosen language (the browser's is used again).
pub fn clear_locale() {
    LocalStorage::delete(LOCALE_KEY);
}
