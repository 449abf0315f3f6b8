//! Русские строки.

use super::{Plural, PluralRule, Texts};

pub const RU: Texts = Texts {
    plural_rule: PluralRule::Russian,
    language_name: "Русский",

    skip_to_content: "Перейти к содержимому",
    brand_tagline: "Учитесь где угодно",
    nav_label: "Основная навигация",
    nav_catalog: "Каталог",
    locale_label: "Язык",
    online: "В сети",
    offline: "Не в сети",
    online_hint: "Подключено: всё актуально",
    offline_hint: "Нет связи: показано то, что сохранено на устройстве",
    footer_note: "Учитесь где угодно, даже без интернета.",
    loading: "Загрузка…",

    catalog_title: "Каталог курсов",
    catalog_lead: "Короткие практичные курсы в удобном темпе, с интернетом и без.",
    catalog_empty_title: "Курсов пока нет",
    catalog_empty_body: "Новые курсы уже готовятся. Загляните чуть позже.",
    catalog_error_title: "Не удалось загрузить курсы",
    retry: "Повторить",
    load_more: "Показать ещё",
    loading_more: "Загружаем…",

    course_language: "Язык",
    course_level: "Уровень",
    course_duration: "Время",
    course_lessons: "Уроки",
    language_en: "Английский",
    language_ru: "Русский",
    level_beginner: "Начальный",
    level_intermediate: "Средний",
    level_advanced: "Продвинутый",
    lessons: Plural {
        one: "{n} урок",
        few: "{n} урока",
        many: "{n} уроков",
    },
    duration_minutes: "{m} мин",
    duration_hours: "{h} ч",
    duration_hours_minutes: "{h} ч {m} мин",

    not_found_title: "Страница не найдена",
    not_found_body: "Такой страницы нет или она переехала.",
    not_found_back: "Вернуться в каталог",

    error_offline: "Нет подключения, а эта страница ещё не сохранена на устройстве.",
    error_network: "Сервер недоступен. Проверьте подключение и попробуйте снова.",
    error_not_found: "Не удалось найти то, что вы искали.",
    error_unauthorized: "Войдите, чтобы продолжить.",
    error_forbidden: "У вас нет доступа.",
    error_validation: "Часть данных не принята. Проверьте их и попробуйте снова.",
    error_conflict: "Данные изменились в другом месте. Обновите страницу и попробуйте снова.",
    error_rate_limited: "Слишком много запросов. Подождите немного и попробуйте снова.",
    error_server: "У нас что-то сломалось. Попробуйте позже.",
    error_unexpected: "Сервер ответил неожиданно. Попробуйте позже.",
    error_storage: "Браузер не разрешил сохранить это на устройстве.",
};
