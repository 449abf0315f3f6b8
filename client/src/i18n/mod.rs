//! Every word the UI shows, in English and Russian, checked at compile time.
//!
//! A translation is a `Texts` value: adding a field without filling it in for each language is a
//! compile error. Owns locale detection from a saved choice or the browser; never reads storage itself.

mod en;
mod ru;

use serde::Serialize;

pub use en::EN;
pub use ru::RU;

/// A language the UI is translated into: the same `Locale` the server stores and sends
/// (`shared::api::accounts::Locale`, whose `code()` is also the BCP 47 code used for
/// `<html lang>`, the switch and the saved preference; `ALL` is the order the switch lists them).
pub use shared::api::accounts::Locale;

/// What the client adds to the shared `Locale`: reading browser language tags and its strings.
pub trait LocaleExt: Sized {
    /// Parses `en`, `ru`, or a tag such as `ru-RU` / `en_GB` (case-insensitive).
    fn from_tag(tag: &str) -> Option<Self>;

    /// The strings of this locale.
    fn texts(self) -> &'static Texts;
}

impl LocaleExt for Locale {
    fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        Locale::from_code(&primary)
    }

    fn texts(self) -> &'static Texts {
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
pub fn format_datetime(at: &shared::api::Timestamp, locale: Locale) -> String {
    let rfc3339 = at.as_str();
    let date = js_sys::Date::new(&rfc3339.into());
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(locale.code(), &options).into()
}

/// A day as charts and card lists show it: "12 Mar", "12 мар." (`ms` since the epoch, the
/// browser's time zone).
pub fn format_day(ms: i64, locale: Locale) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"day".into(), &"numeric".into());
    let _ = js_sys::Reflect::set(&options, &"month".into(), &"short".into());
    date.to_locale_date_string(locale.code(), &options).into()
}

/// A date as the user reads it: "Nov 30, 2026", "30 нояб. 2026 г." (`ms` since the epoch, the
/// browser's time zone).
pub fn format_date(ms: i64, locale: Locale) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    date.to_locale_date_string(locale.code(), &options).into()
}

/// How long ago an RFC 3339 time was, in words: "5 minutes ago", "вчера". `now_ms` is
/// `Date.now()`; times in the future read as "now".
pub fn format_relative(time: &shared::api::Timestamp, now_ms: f64, locale: Locale) -> String {
    let rfc3339 = time.as_str();
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
        _ => return format_datetime(time, locale),
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

/// Declares a struct of UI strings: each field is `&'static str` unless it names its type, and
/// every struct can be compared and serialized (the tests walk every string of both languages).
macro_rules! strings {
    ($(
        $(#[$meta:meta])*
        pub struct $name:ident { $($(#[$field_meta:meta])* $field:ident $(: $ty:ty)?),* $(,)? }
    )*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        pub struct $name { $($(#[$field_meta])* pub $field: strings!(@type $($ty)?),)* }
    )*};
    (@type) => { &'static str };
    (@type $ty:ty) => { $ty };
}

strings! {
    /// The app shell (header, footer, navigation, online status, not found) and words every
    /// feature uses.
    pub struct CommonTexts {
        skip_to_content, brand_tagline, nav_label, nav_catalog, locale_label, online, offline,
        online_hint, offline_hint, footer_note, loading, retry, not_found_title,
        not_found_body, not_found_back, nav_teach, nav_admin, nav_account, account_menu,
        sign_in, sign_up, sign_out, save, saving, saved, sending, deleting, cancel,
        go_to_account, back_to_sign_in, forbidden_title, forbidden_body, role_student,
        role_teacher, role_admin,
    }

    /// The course catalog and course cards.
    pub struct CatalogTexts {
        catalog_title, catalog_lead, catalog_empty_title, catalog_empty_body,
        catalog_error_title, load_more, loading_more, course_language, course_level,
        course_duration, course_lessons, language_en, language_ru, level_beginner,
        level_intermediate, level_advanced,
        lessons: Plural,
        duration_minutes, duration_hours, duration_hours_minutes,
    }

    /// What went wrong, for `ClientError::message`.
    pub struct ErrorTexts {
        error_offline, error_network, error_not_found, error_unauthorized, error_forbidden,
        error_validation, error_conflict, error_rate_limited, error_server, error_unexpected,
        error_storage, error_invalid_credentials, error_email_not_verified,
        error_invalid_token, error_wrong_password, error_rate_limited_wait,
    }

    /// Form fields, password rules and strength, and the problems a field can have.
    pub struct FormTexts {
        field_display_name, field_email, field_password, field_current_password,
        field_new_password, field_new_email, field_language, field_language_hint,
        field_time_zone, field_subject, field_subject_hint, field_link, field_link_hint,
        field_bio, field_bio_hint, field_reason, password_show, password_hide,
        password_rule_length: Plural,
        password_rule_common, password_tip, strength_label, strength_too_weak, strength_fair,
        strength_good, strength_strong, problem_required, problem_email,
        problem_too_short: Plural,
        problem_too_long: Plural,
        problem_common_password, problem_time_zone, problem_link, problem_control_characters,
        problem_invisible_characters, problem_out_of_range, problem_whole_number,
        problem_one_of, problem_unchanged, problem_not_issued, problem_server,
    }

    /// Signing up, confirming the email, signing in and resetting the password.
    pub struct AuthTexts {
        sign_up_title, sign_up_lead, sign_up_submit, sign_up_busy, sign_up_fineprint,
        have_account, no_account, check_email_title, check_email_body, check_email_spam,
        check_email_wrong_address, resend_verification, resend_done,
        /// The email confirmation page's name in the browser tab.
        verify_page_title,
        verify_ok_title, verify_ok_body, verify_failed_title, verify_failed_hint,
        sign_in_title, sign_in_lead, sign_in_submit, sign_in_busy, forgot_password_link,
        forgot_title, forgot_lead, forgot_submit, forgot_done_body, reset_title, reset_lead,
        reset_submit, reset_new_link, reset_done_title, reset_done_body,
    }

    /// The account page: profile, password, email, devices, data export and deletion.
    pub struct AccountTexts {
        profile_title, password_title, password_lead, password_submit, password_changed,
        email_title, email_lead, email_submit, email_change_sent, sessions_title,
        sessions_lead, sessions_error, session_revoke, session_last_active, this_device,
        unknown_device, export_title, export_lead, export_submit, delete_title,
        delete_warning_title, delete_warning_body, delete_password_label, delete_submit,
        reminders_title, reminders_lead, reminders_enabled, reminders_hour, unsubscribe_title,
        unsubscribe_lead, unsubscribe_confirm, unsubscribe_done, unsubscribe_done_body,
        unsubscribe_failed, digest_enabled, unsubscribe_streak_title, unsubscribe_streak_lead,
        unsubscribe_streak_done_body, unsubscribe_digest_title, unsubscribe_digest_lead,
        unsubscribe_digest_done, unsubscribe_digest_done_body, streak_reminders_enabled,
    }

    /// A lesson's discussion under the lesson page: threads, replies, moderation and reports.
    pub struct DiscussionTexts {
        title, lead, empty_title, empty_body, load_error, load_more, new_label, new_placeholder,
        post, posting, reply, reply_label, send_reply, edit, save, cancel, delete, deleting,
        deleted, hidden_badge, pinned_badge, answer_badge, pin, unpin, hide, unhide, mark_answer,
        unmark_answer, report, report_reason, report_send, reported, offline, offline_kept,
        edited, markdown_hint, action_error, too_long, reports_title,
    }

    /// Applying to teach and the application's status.
    pub struct TeachTexts {
        teach_title, teach_lead, teach_error, teach_apply_title, teach_apply_again,
        teach_apply_lead, teach_submit, teach_you_are_teacher, teach_you_are_teacher_body,
        teach_admin, status_pending, status_approved, status_rejected,
        application_pending_title, application_pending_body, application_approved_title,
        application_approved_body, application_rejected_title, application_rejected_body,
        application_reason, application_sent,
    }

    /// The admins' queue of teacher applications.
    pub struct AdminTexts {
        application_decided, applications_title, applications_lead, applications_error,
        applications_empty_pending, applications_empty, approve, reject, reject_title,
        reject_lead, reject_confirm, application_approved_toast, application_rejected_toast,
    }

    /// The notification bell.
    pub struct NotificationTexts {
        notifications, notifications_empty, mark_all_read, unread,
        unread_count: Plural,
    }

    /// The AI features: the lesson summary block and the quiz drafts panel.
    pub struct AiTexts {
        summary_title, key_points, made_without_llm, made_without_llm_hint, drafts_title,
        drafts_lead, drafts_count, drafts_kinds, kind_single_choice, kind_multiple_choice,
        kind_true_false, kind_short_answer, kind_cloze, generate, working, cancel, cancelled,
        failed, no_kinds, accept, accepted, answer, true_label, false_label, drafts_error,
    }

    /// The learner's course pages: catalog filters and cards, the course page and its reviews,
    /// and "My learning".
    pub struct CourseTexts {
        nav_learning, filters_label, filter_category, any_category, filter_level, any_level,
        filter_language, any_language, filter_price, any_price, price_free, price_paid,
        sort_label, sort_newest, sort_top_rated, sort_most_enrolled, reset_filters,
        no_match_title, no_match_body, course_price, course_rating, course_learners,
        rating_out_of_five, no_ratings, ratings: Plural, learners: Plural, modules: Plural,
        course_error_title, by_teacher, about_title, syllabus_title, syllabus_empty, has_video,
        sign_in_to_enroll, enroll, enrolling, enrolled, start_learning, continue_learning,
        coming_soon, paid_note, edit_course, your_course, enroll_error, reviews_title,
        reviews_empty, reviews_error, more_reviews, former_learner, teacher_reply, your_review,
        write_review, edit_review, delete_review, stars_legend, stars: Plural, review_text,
        review_publish, review_saved, review_deleted, review_stars_required, review_error,
        review_enroll_hint, reply, reply_label, reply_publish, reply_required, learning_title,
        learning_lead, learning_error, learning_empty_title, learning_empty_body,
        browse_catalog, enrolled_on,
    }

    /// The lesson page: outline, previous / next, video link and completion.
    pub struct LessonTexts {
        outline_title, outline_show, outline_hide, position, previous, next, watch_video,
        mark_complete, marking, completed, completed_label, keys_hint, error_title,
        forbidden_title, forbidden_body, not_found_title, not_found_body, back_to_course,
        progress_error, nav_label,
    }

    /// The Socratic tutor drawer beside a lesson: conversations, the streamed reply, citations,
    /// ratings, and what it says when it cannot answer. `{when}` is when the daily budget resets.
    /// `insights_*`: the teacher's "Tutor insights" in the course editor (`{n}` in
    /// `insights_unhelpful` is a percentage).
    pub struct TutorTexts {
        ask, ask_hint, title, lead, lead_without_llm, close, conversations_title,
        conversations_empty, new_conversation, delete, delete_confirm, cancel, you, tutor,
        thinking, input_label, placeholder, send, stop, retry, chars_left, chars_over,
        incomplete, without_llm, without_llm_hint, guarded, sources, related, cite_label,
        rate_label, helpful, not_helpful, comment_label, comment_send, comment_saved,
        rating_error, needs_connection, offline_summary, no_summary, not_enrolled, budget_used,
        budget_used_later, slow_down, full, too_long, reply_failed, load_error, gone, dismiss,
        messages: Plural,
        insights_title, insights_lead, insights_privacy, insights_error, insights_empty,
        insights_chart, insights_unhelpful, insights_frequent,
        insights_questions: Plural, insights_learners: Plural, insights_asked_by: Plural,
    }

    /// The header's sync status, the sign-out warning about unsynced changes, and progress in
    /// "My learning" (all from the learner documents on the device).
    pub struct SyncTexts {
        synced, synced_hint, pending: Plural, pending_hint, offline_pending: Plural,
        offline_hint, error, error_hint, retry_sync, sign_out_unsynced: Plural, progress_label,
        progress_lessons, refused_too_large, refused_schema, refused_corrupt, refused_not_found,
        refused_bad_reply, refused_other,
    }

    /// The header's search box and the search results page.
    pub struct SearchTexts {
        search_label, search_placeholder, search_submit, search_title, results_for,
        results: Plural,
        empty_title, empty_hint, prompt, too_long, language_filter, language_all, kind_course,
        kind_lesson, in_course, error_title,
    }

    /// The admins' category management page.
    pub struct CategoryTexts {
        nav_categories, categories_title, categories_lead, field_slug, field_slug_hint,
        field_name_en, field_name_ru, create_title, create_submit, created, rename, renamed,
        delete, deleted, confirm_delete, confirm, in_use, slug_taken, empty, error_title,
        courses: Plural,
    }

    /// The teacher's authoring pages: their courses, the course and lesson editors, import.
    pub struct AuthoringTexts {
        courses_title, courses_lead, edited, courses_error, courses_empty_title, courses_empty_body,
        new_course_title, new_course_submit, creating, edit_course, status_draft, status_published,
        status_archived, import_title, import_lead, import_choose, import_checking,
        import_preview_title, import_modules, import_lessons, import_images, import_files,
        import_confirm, importing, import_failed, outcome_lesson, outcome_media, outcome_structure,
        outcome_skipped, outcome_missing, outcome_rejected, upload_too_large, upload_unsupported,
        upload_unprocessable, server_says, editor_title, editor_error, not_yours_title,
        not_yours_body, back_to_courses, details_title, field_title, field_subtitle,
        field_description, field_category, no_category, field_price, price_free, price_paid,
        field_amount, field_currency, amount_invalid, cover_title, cover_upload, cover_remove,
        cover_uploading, cover_hint, cover_alt, save_saved, save_saving, save_failed, save_conflict,
        status_title, status_lead_draft, status_lead_published, status_lead_archived, publish,
        archive, status_busy, publish_no_lessons, delete_course, delete_course_confirm,
        outline_title, outline_hint, outline_empty, outline_conflict, outline_saved, add_module,
        module_title, add_lesson, lesson_title, rename, rename_item, delete, delete_item, move_up,
        move_down, delete_module_confirm, delete_lesson_confirm, edit_lesson, lesson_editor_title,
        lesson_error, back_to_course, field_minutes, field_video, field_video_hint, field_body,
        tab_write, tab_preview, preview_loading, preview_empty, insert_image, view_as_student,
        dashboard_lead,
    }

    /// Courses downloaded for offline use: the download, its progress and size, the offline copy.
    pub struct OfflineTexts {
        download, downloading, updating, update_error, download_progress, available, remove, removing, download_error,
        remove_error, storage_used, offline_copy, offline_copy_hint, size_bytes, size_kb,
        size_mb, size_gb, decimal_separator,
    }

    /// Flashcard review: the session (`/review`), the header's due badge, the due counts on "My
    /// learning", and the words of cards made from quiz mistakes.
    pub struct ReviewTexts {
        nav, title, lead, show_answer, space_key, again, hard, good, easy, rate_label, undo,
        keys_hint, progress, progress_label, done_title, done_body, check_again,
        back_to_learning, empty_title, empty_body, next_due, due_count: Plural, due_in_course: Plural,
        review_now, error_title, wait_minutes, wait_hours, wait_days, wait_months, wait_years, true_or_false,
        cards_made: Plural, deck_title, deck_lead, deck_empty, deck_front, deck_back, deck_add,
        deck_remove, deck_save,
    }

    /// Lesson quizzes: the learner's quiz after a lesson, and the quiz editor with its statistics
    /// in the lesson editor.
    pub struct QuizTexts {
        title, intro, start, question_of, check, next, finish, right, wrong, the_answer, true_label, false_label, choose_all, answer_label, gap_label, score, passed, failed, retry, record_error, completes_hint, learning_note, editor_title, editor_lead, pass_mark, add_title, kind_label, kind_single_choice, kind_multiple_choice, kind_true_false, kind_short_answer, kind_cloze, prompt, options, correct_options, statement_true, accepted, cloze_text, explanation, add, save, cancel, edit, delete, move_up, move_down, draft_badge, source_ai, source_offline, accept, discard, publish, publishing, published, not_published, unpublished, empty, error_title, stats_title, stats_attempts, stats_learners, stats_pass_rate, stats_median, stats_accuracy, stats_none,
        invalid_text_too_long, invalid_no_prompt, invalid_correct_not_an_option, invalid_no_correct_option, invalid_correct_out_of_range, invalid_no_accepted_answer, invalid_accepted_too_long, invalid_cloze_too_long, invalid_no_gap, invalid_option_count, invalid_empty_option, invalid_option_too_long, invalid_same_options,
    }

    /// The learner's cards page (`/cards`): own and imported cards, import, export, charts.
    pub struct CardTexts {
        nav_cards, title, lead, load_error, empty_title, empty_body, search_label, search_placeholder, filter_source, source_all, source_course, source_own, filter_state, state_all, state_due, state_suspended, no_matches, add, add_title, edit_title, front, back, tags, tags_hint, save, cancel, edit, suspend, resume, delete, delete_confirm, required, too_long, action_error, badge_course, badge_own, badge_import, badge_suspended, due_now, due_on, export_title, export_json, export_csv, export_reviews_csv, export_log, export_error, import, import_title, import_lead, import_choose, import_reading, import_too_large, import_not_utf8, import_looks_utf16, import_looks_single_byte, import_save_utf8, import_apkg, import_read_as_anki, import_read_as_csv, import_over_limit, import_preview, import_report, import_more_problems, line, problem_empty, problem_missing_front, problem_missing_back, problem_extra_columns, problem_unterminated, problem_too_long, problem_tags_too_long, import_nothing, import_progress, import_cancelled, import_error, import_another, stats_title, retention_chart, reviews_chart, forecast_chart, no_reviews, no_forecast, week_value, day_value, no_data, today, desired_retention, desired_retention_hint, retention_save, retention_saved, retention_invalid, personal_schedule, personal_schedule_hint, default_schedule,
        count: Plural, import_ready: Plural, import_problems: Plural, import_empty: Plural, import_confirm: Plural, import_done: Plural, reviews: Plural,
    }

    /// XP, streaks, the daily goal and badges (the header's meter and the dashboard on "My
    /// learning"), and a course's weekly leaderboard. `{goal}` is the daily goal's XP, `{total}`
    /// how many there are, `{day}` a day.
    pub struct MotivationTexts {
        meter_label, xp_total, today_of_goal, goal_reached, streak_none, streak_broken,
        streak_at_risk, streak_kept, dashboard_title, dashboard_lead, new_title, new_body,
        week_chart, week_empty, day_value, stat_total, stat_today, stat_streak, stat_longest,
        stat_freezes, freezes_hint, counted_here, goal_title, goal_lead, goal_option,
        goal_light, goal_steady, goal_intense, goal_saved, goal_error, badges_title,
        badges_count, badge_earned, badge_locked, badge_first_lesson, badge_first_lesson_how,
        badge_first_course, badge_first_course_how, badge_streak_7, badge_streak_7_how,
        badge_streak_30, badge_streak_30_how, badge_reviews_100, badge_reviews_100_how,
        badge_reviews_1000, badge_reviews_1000_how, badge_perfect_quiz, badge_perfect_quiz_how,
        leaderboard_title, leaderboard_lead, leaderboard_join, leaderboard_privacy,
        leaderboard_joined, leaderboard_left, leaderboard_offline, leaderboard_error,
        leaderboard_empty, leaderboard_week, leaderboard_rank, leaderboard_name, leaderboard_xp,
        leaderboard_you, leaderboard_your_place, leaderboard_join_to_appear,
        streak_days: Plural, days: Plural, xp: Plural,
    }
}

/// All UI strings of one language, one struct per feature (`texts.auth.sign_in_title`).
/// Placeholders: `{n}` count, `{h}` hours, `{m}` minutes, `{s}` seconds, `{name}` a person, `{email}` an address, `{when}` a date, `{reason}` the server's words.
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
    pub courses: CourseTexts,
    pub lesson: LessonTexts,
    pub tutor: TutorTexts,
    pub discussion: DiscussionTexts,
    pub search: SearchTexts,
    pub categories: CategoryTexts,
    pub authoring: AuthoringTexts,
    pub offline: OfflineTexts,
    pub sync: SyncTexts,
    pub quiz: QuizTexts,
    pub ai: AiTexts,
    pub review: ReviewTexts,
    pub cards: CardTexts,
    pub motivation: MotivationTexts,
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

    /// A size on the device: "830 B", "12 KB", "2.3 MB", "1.5 GB" ("2,3 МБ" in Russian).
    pub fn size(&self, bytes: u64) -> String {
        const KB: f64 = 1024.0;
        let value = bytes as f64;
        let (pattern, scaled) = if bytes < 1024 {
            return self.offline.size_bytes.replace("{n}", &bytes.to_string());
        } else if value < KB * KB {
            (self.offline.size_kb, value / KB)
        } else if value < KB * KB * KB {
            (self.offline.size_mb, value / (KB * KB))
        } else {
            (self.offline.size_gb, value / (KB * KB * KB))
        };
        let number = if scaled < 10.0 {
            format!("{scaled:.1}")
        } else {
            format!("{scaled:.0}")
        };
        pattern.replace("{n}", &number.replace('.', self.offline.decimal_separator))
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

#[cfg(test)]
mod locale_tests {
    use super::*;

    #[test]
    fn browser_tags_read_as_the_shared_locale() {
        let cases = [
            ("en", Some(Locale::En)),
            ("ru", Some(Locale::Ru)),
            ("ru-RU", Some(Locale::Ru)),
            ("en_GB", Some(Locale::En)),
            ("RU-ru", Some(Locale::Ru)),
            (" en", Some(Locale::En)),
            ("uk", None),
            ("", None),
            ("english", None),
        ];
        for (tag, expected) in cases {
            assert_eq!(Locale::from_tag(tag), expected, "{tag:?}");
        }
        for &locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.code()), Some(locale));
            assert!(!locale.texts().language_name.is_empty());
        }
    }

    #[test]
    fn sizes_read_naturally_in_each_language() {
        let (en, ru) = (Locale::En.texts(), Locale::Ru.texts());
        assert_eq!(en.size(830), "830 B");
        assert_eq!(en.size(12 * 1024 + 300), "12 KB");
        assert_eq!(en.size(2_411_724), "2.3 MB");
        assert_eq!(ru.size(2_411_724), "2,3 МБ");
        assert_eq!(en.size(3 * 1024 * 1024 * 1024 / 2), "1.5 GB");
    }
}
