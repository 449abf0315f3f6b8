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

impl From<shared::api::accounts::Locale> for Locale {
    fn from(locale: shared::api::accounts::Locale) -> Self {
        match locale {
            shared::api::accounts::Locale::En => Self::En,
            shared::api::accounts::Locale::Ru => Self::Ru,
        }
    }
}

impl From<Locale> for shared::api::accounts::Locale {
    fn from(locale: Locale) -> Self {
        match locale {
            Locale::En => Self::En,
            Locale::Ru => Self::Ru,
        }
    }
}

/// The browser's time zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`), e.g.
/// `Europe/Moscow`.
pub fn browser_time_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .filter(|zone| !zone.is_empty())
}

/// Time zones to pick from as `<select>` options (`Intl.supportedValuesOf("timeZone")`, where the
/// browser has it), always including `current` and UTC. Labels read "Europe/Moscow" as
/// "Europe / Moscow" and "America/New_York" as "America / New York".
pub fn time_zones(current: &str) -> Vec<(yew::AttrValue, yew::AttrValue)> {
    let mut zones: Vec<String> = supported_time_zones();
    for zone in [current, "UTC"] {
        if !zone.is_empty() && !zones.iter().any(|z| z == zone) {
            zones.push(zone.to_owned());
        }
    }
    zones.sort();
    zones
        .into_iter()
        .map(|zone| {
            let label = zone.replace('_', " ").replace('/', " / ");
            (zone.into(), label.into())
        })
        .collect()
}

fn supported_time_zones() -> Vec<String> {
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok();
    let supported = intl
        .as_ref()
        .and_then(|intl| js_sys::Reflect::get(intl, &"supportedValuesOf".into()).ok())
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok());
    let (Some(intl), Some(supported)) = (intl, supported) else {
        return Vec::new();
    };
    supported
        .call1(&intl, &"timeZone".into())
        .ok()
        .map(|list| {
            js_sys::Array::from(&list)
                .iter()
                .filter_map(|z| z.as_string())
                .collect()
        })
        .unwrap_or_default()
}

/// An RFC 3339 time as the user reads dates: "12 Mar 2026, 14:05" in their language and the
/// browser's time zone. Unparseable input comes back as it is.
pub fn format_datetime(rfc3339: &str, locale: Locale) -> String {
    let date = js_sys::Date::new(&rfc3339.into());
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(locale.code(), &options).into()
}

/// How long ago an RFC 3339 time was, in words: "5 minutes ago", "вчера". `now_ms` is
/// `Date.now()`; times in the future read as "now".
pub fn format_relative(rfc3339: &str, now_ms: f64, locale: Locale) -> String {
    let at = js_sys::Date::parse(rfc3339);
    if at.is_nan() {
        return rfc3339.to_owned();
    }
    let seconds = ((now_ms - at) / 1000.0).max(0.0);
    let (value, unit) = match seconds {
        s if s < 60.0 => (0.0, "second"),
        s if s < 3600.0 => ((s / 60.0).floor(), "minute"),
        s if s < 86_400.0 => ((s / 3600.0).floor(), "hour"),
        s if s < 30.0 * 86_400.0 => ((s / 86_400.0).floor(), "day"),
        _ => return format_datetime(rfc3339, locale),
    };
    let locales = js_sys::Array::of1(&locale.code().into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"numeric".into(), &"auto".into());
    js_sys::Intl::RelativeTimeFormat::new(&locales, &options)
        .format(-value, unit)
        .into()
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

/// The app shell (header, footer, navigation, online status, not found) and words every feature uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommonTexts {
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
    pub retry: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub not_found_back: &'static str,
    pub nav_teach: &'static str,
    pub nav_admin: &'static str,
    pub nav_account: &'static str,
    pub account_menu: &'static str,
    pub sign_in: &'static str,
    pub sign_up: &'static str,
    pub sign_out: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub sending: &'static str,
    pub deleting: &'static str,
    pub cancel: &'static str,
    pub go_to_account: &'static str,
    pub back_to_sign_in: &'static str,
    pub forbidden_title: &'static str,
    pub forbidden_body: &'static str,
    pub role_student: &'static str,
    pub role_teacher: &'static str,
    pub role_admin: &'static str,
}

/// The course catalog and course cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogTexts {
    pub catalog_title: &'static str,
    pub catalog_lead: &'static str,
    pub catalog_empty_title: &'static str,
    pub catalog_empty_body: &'static str,
    pub catalog_error_title: &'static str,
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
}

/// What went wrong, for `ClientError::message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorTexts {
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
    pub error_invalid_credentials: &'static str,
    pub error_email_not_verified: &'static str,
    pub error_invalid_token: &'static str,
    pub error_wrong_password: &'static str,
    pub error_rate_limited_wait: &'static str,
}

/// Form fields, password rules and strength, and the problems a field can have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormTexts {
    pub field_display_name: &'static str,
    pub field_email: &'static str,
    pub field_password: &'static str,
    pub field_current_password: &'static str,
    pub field_new_password: &'static str,
    pub field_new_email: &'static str,
    pub field_language: &'static str,
    pub field_language_hint: &'static str,
    pub field_time_zone: &'static str,
    pub field_subject: &'static str,
    pub field_subject_hint: &'static str,
    pub field_link: &'static str,
    pub field_link_hint: &'static str,
    pub field_bio: &'static str,
    pub field_bio_hint: &'static str,
    pub field_reason: &'static str,
    pub password_show: &'static str,
    pub password_hide: &'static str,
    pub password_rule_length: Plural,
    pub password_rule_common: &'static str,
    pub password_tip: &'static str,
    pub strength_label: &'static str,
    pub strength_too_weak: &'static str,
    pub strength_fair: &'static str,
    pub strength_good: &'static str,
    pub strength_strong: &'static str,
    pub problem_required: &'static str,
    pub problem_email: &'static str,
    pub problem_too_short: Plural,
    pub problem_too_long: Plural,
    pub problem_common_password: &'static str,
    pub problem_time_zone: &'static str,
    pub problem_link: &'static str,
    pub problem_control_characters: &'static str,
    pub problem_server: &'static str,
}

/// Signing up, confirming the email, signing in and resetting the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthTexts {
    pub sign_up_title: &'static str,
    pub sign_up_lead: &'static str,
    pub sign_up_submit: &'static str,
    pub sign_up_busy: &'static str,
    pub sign_up_fineprint: &'static str,
    pub have_account: &'static str,
    pub no_account: &'static str,
    pub check_email_title: &'static str,
    pub check_email_body: &'static str,
    pub check_email_spam: &'static str,
    pub check_email_wrong_address: &'static str,
    pub resend_verification: &'static str,
    pub resend_done: &'static str,
    /// The email confirmation page's name in the browser tab.
    pub verify_page_title: &'static str,
    pub verify_ok_title: &'static str,
    pub verify_ok_body: &'static str,
    pub verify_failed_title: &'static str,
    pub verify_failed_hint: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_lead: &'static str,
    pub sign_in_submit: &'static str,
    pub sign_in_busy: &'static str,
    pub forgot_password_link: &'static str,
    pub forgot_title: &'static str,
    pub forgot_lead: &'static str,
    pub forgot_submit: &'static str,
    pub forgot_done_body: &'static str,
    pub reset_title: &'static str,
    pub reset_lead: &'static str,
    pub reset_submit: &'static str,
    pub reset_new_link: &'static str,
    pub reset_done_title: &'static str,
    pub reset_done_body: &'static str,
}

/// The account page: profile, password, email, devices, data export and deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountTexts {
    pub profile_title: &'static str,
    pub password_title: &'static str,
    pub password_lead: &'static str,
    pub password_submit: &'static str,
    pub password_changed: &'static str,
    pub email_title: &'static str,
    pub email_lead: &'static str,
    pub email_submit: &'static str,
    pub email_change_sent: &'static str,
    pub sessions_title: &'static str,
    pub sessions_lead: &'static str,
    pub sessions_error: &'static str,
    pub session_revoke: &'static str,
    pub session_last_active: &'static str,
    pub this_device: &'static str,
    pub unknown_device: &'static str,
    pub export_title: &'static str,
    pub export_lead: &'static str,
    pub export_submit: &'static str,
    pub delete_title: &'static str,
    pub delete_warning_title: &'static str,
    pub delete_warning_body: &'static str,
    pub delete_password_label: &'static str,
    pub delete_submit: &'static str,
}

/// Applying to teach and the application's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeachTexts {
    pub teach_title: &'static str,
    pub teach_lead: &'static str,
    pub teach_error: &'static str,
    pub teach_apply_title: &'static str,
    pub teach_apply_again: &'static str,
    pub teach_apply_lead: &'static str,
    pub teach_submit: &'static str,
    pub teach_you_are_teacher: &'static str,
    pub teach_you_are_teacher_body: &'static str,
    pub teach_admin: &'static str,
    pub status_pending: &'static str,
    pub status_approved: &'static str,
    pub status_rejected: &'static str,
    pub application_pending_title: &'static str,
    pub application_pending_body: &'static str,
    pub application_approved_title: &'static str,
    pub application_approved_body: &'static str,
    pub application_rejected_title: &'static str,
    pub application_rejected_body: &'static str,
    pub application_reason: &'static str,
    pub application_sent: &'static str,
}

/// The admins' queue of teacher applications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdminTexts {
    pub application_decided: &'static str,
    pub applications_title: &'static str,
    pub applications_lead: &'static str,
    pub applications_error: &'static str,
    pub applications_empty_pending: &'static str,
    pub applications_empty: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub reject_title: &'static str,
    pub reject_lead: &'static str,
    pub reject_confirm: &'static str,
    pub application_approved_toast: &'static str,
    pub application_rejected_toast: &'static str,
}

/// The notification bell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationTexts {
    pub notifications: &'static str,
    pub notifications_empty: &'static str,
    pub mark_all_read: &'static str,
    pub unread: &'static str,
    pub unread_count: Plural,
}

/// All UI strings of one language, one struct per feature (`texts.auth.sign_in_title`). Placeholders: `{n}` count, `{h}` hours, `{m}` minutes, `{s}`
/// seconds, `{name}` a person, `{email}` an address, `{when}` a date, `{reason}` the server's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Texts {
    #[serde(skip)]
    pub plural_rule: PluralRule,
    /// The language's own name, shown in the switch.
    pub language_name: &'static str,
    pub common: CommonTexts,
    pub catalog: CatalogTexts,
    pub errors: ErrorTexts,
    pub forms: FormTexts,
    pub auth: AuthTexts,
    pub account: AccountTexts,
    pub teach: TeachTexts,
    pub admin: AdminTexts,
    pub notifications: NotificationTexts,
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
            (0, _) => self.catalog.duration_minutes,
            (_, 0) => self.catalog.duration_hours,
            _ => self.catalog.duration_hours_minutes,
        };
        pattern
            .replace("{h}", &h.to_string())
            .replace("{m}", &m.to_string())
    }
}
