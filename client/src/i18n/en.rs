//! English strings.

use super::{Plural, PluralRule, Texts};

pub const EN: Texts = Texts {
    plural_rule: PluralRule::English,
    language_name: "English",

    skip_to_content: "Skip to content",
    brand_tagline: "Learn anywhere",
    nav_label: "Main navigation",
    nav_catalog: "Catalog",
    locale_label: "Language",
    online: "Online",
    offline: "Offline",
    online_hint: "Connected: everything is up to date",
    offline_hint: "No connection: showing what is saved on this device",
    footer_note: "Learn anywhere, even offline.",
    loading: "Loading…",

    catalog_title: "Course catalog",
    catalog_lead: "Short, practical courses you can take at your own pace, online or offline.",
    catalog_empty_title: "No courses yet",
    catalog_empty_body: "New courses are on their way. Check back soon.",
    catalog_error_title: "Could not load the courses",
    retry: "Try again",
    load_more: "Load more",
    loading_more: "Loading more…",

    course_language: "Language",
    course_level: "Level",
    course_duration: "Estimated time",
    course_lessons: "Lessons",
    language_en: "English",
    language_ru: "Russian",
    level_beginner: "Beginner",
    level_intermediate: "Intermediate",
    level_advanced: "Advanced",
    lessons: Plural {
        one: "{n} lesson",
        few: "{n} lessons",
        many: "{n} lessons",
    },
    duration_minutes: "{m} min",
    duration_hours: "{h} h",
    duration_hours_minutes: "{h} h {m} min",

    not_found_title: "Page not found",
    not_found_body: "The page you are looking for does not exist or has moved.",
    not_found_back: "Back to the catalog",

    error_offline: "You are offline and this page has not been saved on this device yet.",
    error_network: "The server cannot be reached. Check your connection and try again.",
    error_not_found: "We could not find what you asked for.",
    error_unauthorized: "Please sign in to continue.",
    error_forbidden: "You do not have access to this.",
    error_validation: "Some of the data was not accepted. Please check it and try again.",
    error_conflict: "This was changed elsewhere. Reload and try again.",
    error_rate_limited: "Too many requests. Please wait a moment and try again.",
    error_server: "Something went wrong on our side. Please try again later.",
    error_unexpected: "The server sent an unexpected answer. Please try again later.",
    error_storage: "Your browser did not let us save this on the device.",
};
