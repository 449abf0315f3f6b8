use client::i18n::Locale;
use client::store::preferences::{clear_locale, save_locale, saved_locale, LOCALE_KEY};
use wasm_bindgen_test::wasm_bindgen_test;

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
fn locale_preference_round_trips_through_local_storage() {
    clear_locale();
    assert_eq!(saved_locale(), None);

    save_locale(Locale::Ru).unwrap();
    assert!(local_storage()
        .get_item(LOCALE_KEY)
        .unwrap()
        .unwrap()
        .contains("ru"));
    assert_eq!(saved_locale(), Some(Locale::Ru));

    save_locale(Locale::En).unwrap();
    assert_eq!(saved_locale(), Some(Locale::En));

    clear_locale();
    assert_eq!(local_storage().get_item(LOCALE_KEY).unwrap(), None);
}

#[wasm_bindgen_test]
fn an_unknown_or_garbled_saved_locale_is_ignored() {
    local_storage().set_item(LOCALE_KEY, "\"klingon\"").unwrap();
    assert_eq!(saved_locale(), None);
    local_storage().set_item(LOCALE_KEY, "not json").unwrap();
    assert_eq!(saved_locale(), None);
    clear_locale();
}
