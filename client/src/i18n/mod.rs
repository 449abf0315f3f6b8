//! Every word the UI shows, in English and Russian, checked at compile time.
//!
//! A translation is a `Texts` value: adding a field without filling it in for each language is a
//! compile error. Owns locale detection from a saved choice or the browser; never reads storage itself.

mod en;
mod ru;

use serde::Serialize;

pub use en::EN;
pub use ru::RU;

/// A language the UI is translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    Ru,
}

impl Locale {
    /// Every locale, in the order the language switch lists them.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Ru];

    /// The BCP 47 code used for `<html lang>`, the switch and the saved preference.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ru => "ru",
        }
    }

    /// Parses `en`, `ru`, or a tag such as `ru-RU` / `en_GB` (case-insensitive).
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "ru" => Some(Self::Ru),
            _ => None,
        }
    }

    /// The strings of this locale.
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::En => &EN,
            Self::Ru => &RU,
        }
    }
}

/// Picks the UI locale: the saved choice wins, then the first browser language we translate,
/// then English.
pub fn detect_locale<S: AsRef<str>>(saved: Option<Locale>, browser_languages: &[S]) -> Locale {
    saved
        .or_else(|| {
            browser_languages
                .iter()
                .find_map(|tag| Locale::from_tag(tag.as_ref()))
        })
        .unwrap_or_default()
}

/// The browser's preferred languages (`navigator.languages`, else `navigator.language`).
pub fn browser_languages() -> Vec<String> {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    let list: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if list.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        list
    }
}

/// How a language picks the form of a counted noun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralRule {
    /// one / other.
    English,
    /// one (1, 21), few (2-4, 22-24), many (0, 5-20, 25...).
    Russian,
}

/// The forms of a counted phrase; `{n}` is replaced by the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Plural {
    pub one: &'static str,
    pub few: &'static str,
    pub many: &'static str,
}

/// All UI strings of one language. Placeholders: `{n}` count, `{h}` hours, `{m}` minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Texts {
    #[serde(skip)]
    pub plural_rule: PluralRule,
    /// The language's own name, shown in the switch.
    pub language_name: &'static str,

    pub skip_to_content: &'static str,
    pub brand_tagline: &'static str,
    pub nav_label: &'static str,
    pub nav_catalog: &'static str,
    pub locale_label: &'static str,
    pub online: &'static str,
    pub offline: &'static str,
    pub online_hint: &'static str,
    pub offline_hint: &'static str,
    pub footer_note: &'static str,
    pub loading: &'static str,

    pub catalog_title: &'static str,
    pub catalog_lead: &'static str,
    pub catalog_empty_title: &'static str,
    pub catalog_empty_body: &'static str,
    pub catalog_error_title: &'static str,
    pub retry: &'static str,
    pub load_more: &'static str,
    pub loading_more: &'static str,

    pub course_language: &'static str,
    pub course_level: &'static str,
    pub course_duration: &'static str,
    pub course_lessons: &'static str,
    pub language_en: &'static str,
    pub language_ru: &'static str,
    pub level_beginner: &'static str,
    pub level_intermediate: &'static str,
    pub level_advanced: &'static str,
    pub lessons: Plural,
    pub duration_minutes: &'static str,
    pub duration_hours: &'static str,
    pub duration_hours_minutes: &'static str,

    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub not_found_back: &'static str,

    pub error_offline: &'static str,
    pub error_network: &'static str,
    pub error_not_found: &'static str,
    pub error_unauthorized: &'static str,
    pub error_forbidden: &'static str,
    pub error_validation: &'static str,
    pub error_conflict: &'static str,
    pub error_rate_limited: &'static str,
    pub error_server: &'static str,
    pub error_unexpected: &'static str,
    pub error_storage: &'static str,
}

impl Texts {
    /// `n` with the right form of the noun, e.g. "1 lesson", "3 урока", "5 уроков".
    pub fn count(&self, n: u32, forms: &Plural) -> String {
        let form = match self.plural_rule {
            PluralRule::English if n == 1 => forms.one,
            PluralRule::English => forms.many,
            PluralRule::Russian => match (n % 10, n % 100) {
                (1, r) if r != 11 => forms.one,
                (2..=4, r) if !(12..=14).contains(&r) => forms.few,
                _ => forms.many,
            },
        };
        form.replace("{n}", &n.to_string())
    }

    /// A course length: "45 min", "2 h", "3 h 20 min".
    pub fn duration(&self, minutes: u32) -> String {
        let (h, m) = (minutes / 60, minutes % 60);
        let pattern = match (h, m) {
            (0, _) => self.duration_minutes,
            (_, 0) => self.duration_hours,
            _ => self.duration_hours_minutes,
        };
        pattern
            .replace("{h}", &h.to_string())
            .replace("{m}", &m.to_string())
    }
}
