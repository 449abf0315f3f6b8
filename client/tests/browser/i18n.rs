use client::i18n::{detect_locale, Locale, LocaleExt, Texts, EN, RU};
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn browser_language_ru_ru_picks_russian() {
    assert_eq!(detect_locale(None, &["ru-RU"]), Locale::Ru);
    assert_eq!(detect_locale(None, &["de-DE", "ru"]), Locale::Ru);
    assert_eq!(detect_locale(None, &["en_GB"]), Locale::En);
}

#[wasm_bindgen_test]
fn saved_choice_beats_browser_language_and_english_is_the_fallback() {
    assert_eq!(detect_locale(Some(Locale::En), &["ru-RU"]), Locale::En);
    assert_eq!(detect_locale(None, &["fr-FR", "de"]), Locale::En);
    assert_eq!(detect_locale::<&str>(None, &[]), Locale::En);
}

#[wasm_bindgen_test]
fn locale_codes_round_trip() {
    for &locale in Locale::ALL {
        assert_eq!(Locale::from_tag(locale.code()), Some(locale));
    }
    assert_eq!(Locale::from_tag("RU-ru"), Some(Locale::Ru));
    assert_eq!(Locale::from_tag("uk"), None);
}

/// Every string leaf of a translation, with its path (`lessons.few`).
fn leaves(texts: &Texts) -> Vec<(String, String)> {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => map.iter().for_each(|(key, v)| {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                walk(&path, v, out)
            }),
            Value::String(s) => out.push((prefix.to_owned(), s.clone())),
            other => panic!("{prefix}: unexpected {other}"),
        }
    }
    let mut out = Vec::new();
    walk("", &serde_json::to_value(texts).unwrap(), &mut out);
    out
}

#[wasm_bindgen_test]
fn every_text_is_filled_in_both_languages() {
    let (en, ru) = (leaves(&EN), leaves(&RU));
    assert!(
        en.len() > 40,
        "expected the whole struct, got {} fields",
        en.len()
    );
    assert_eq!(en.len(), ru.len());
    for ((path, en_text), (ru_path, ru_text)) in en.iter().zip(&ru) {
        assert_eq!(path, ru_path);
        assert!(!en_text.trim().is_empty(), "EN {path} is empty");
        assert!(!ru_text.trim().is_empty(), "RU {path} is empty");
    }
}

#[wasm_bindgen_test]
fn translations_keep_the_same_placeholders() {
    for ((path, en_text), (_, ru_text)) in leaves(&EN).iter().zip(&leaves(&RU)) {
        for placeholder in [
            "{n}", "{h}", "{m}", "{s}", "{name}", "{email}", "{when}", "{reason}",
        ] {
            assert_eq!(
                en_text.contains(placeholder),
                ru_text.contains(placeholder),
                "{path}: {placeholder} in one language only"
            );
        }
    }
}

#[wasm_bindgen_test]
fn lesson_counts_use_each_languages_plural_rules() {
    let cases = [
        (1, "1 lesson", "1 урок"),
        (2, "2 lessons", "2 урока"),
        (5, "5 lessons", "5 уроков"),
        (11, "11 lessons", "11 уроков"),
        (12, "12 lessons", "12 уроков"),
        (21, "21 lessons", "21 урок"),
        (22, "22 lessons", "22 урока"),
        (0, "0 lessons", "0 уроков"),
    ];
    for (n, en, ru) in cases {
        assert_eq!(EN.count(n, &EN.catalog.lessons), en);
        assert_eq!(RU.count(n, &RU.catalog.lessons), ru);
    }
}

#[wasm_bindgen_test]
fn durations_read_naturally() {
    assert_eq!(EN.duration(45), "45 min");
    assert_eq!(EN.duration(120), "2 h");
    assert_eq!(EN.duration(200), "3 h 20 min");
    assert_eq!(RU.duration(200), "3 ч 20 мин");
}
