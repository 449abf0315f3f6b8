//! Typed calls to the sync server's HTTP API, one function per endpoint.
//!
//! The only module that talks HTTP. Every failure comes back as a `ClientError`; it never touches
//! the DOM or storage, and it never retries on its own (pages decide).
//!
//! Signing in sets an HttpOnly session cookie (`edu_session`, or `__Host-edu_session` under https)
//! that only the browser sees: requests go out with same-origin credentials and the client never
//! holds the token (it is dropped from the sign-in answer) nor needs the cookie's name. Writes are same-origin fetches, so the browser's `Origin` header satisfies the server's
//! CSRF check without a token of ours.
//!
//! A tutor reply streams as server-sent events: `sse` cuts the body into events, this module reads
//! the body and parses each event as a `TutorEvent`.

mod sse;

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::api::accounts::{
    ChangeEmailRequest, ChangePasswordRequest, DeleteAccountRequest, EmailRequest, Me,
    RegisterRequest, ResetPasswordRequest, SessionInfo, SignInRequest, SignInResponse,
    TokenRequest, UpdateProfileRequest,
};
use shared::api::authoring::{
    CourseChanges, CourseDraft, ImportReport, LessonChanges, LessonDraft, MarkdownPreview,
    MediaItem, ModuleDraft, ModuleInput, NewCourse, NewLesson, OutlineOrder, Saved, StatusChange,
};
use shared::api::courses::{
    Category, CategoryInput, CourseDetail, CourseLanguage, CourseLevel, CoursePage, CourseSort,
    CourseStatus, CourseSummary, EnrolledCourse, Enrollment, LessonView, PriceFilter,
};
use shared::api::decks::{CourseDeck, DeckInput};
use shared::api::discussions::{
    Moderation, NewPost, NewReport, Post, PostEdit, PostReportPage, Thread, ThreadPage,
};
use shared::api::motivation::{LeaderboardMembership, LeaderboardView};
use shared::api::notifications::NotificationList;
use shared::api::quiz_drafts::{DraftBatch, NewQuizDraft, QuizDraftCreated};
use shared::api::quizzes::{
    NewQuestions, QuestionInput, QuestionOrder, QuizDraft, QuizSettings, QuizStats, QuizView,
};
use shared::api::reviews::{ReplyInput, Review, ReviewInput, ReviewPage};
use shared::api::search::SearchResults;
use shared::api::teaching::{
    ApplicationStatus, RejectApplicationRequest, TeacherApplication, TeacherApplicationRequest,
};
use shared::api::tutor::{
    Conversation, ConversationList, NewTutorMessage, TutorEvent, TutorFeedback, TutorInsights,
    TutorMessage,
};
use shared::domain::{
    ApplicationId, CategoryId, ConversationId, CourseId, DocId, LessonId, ModuleId, NotificationId,
    PostId, QuizDraftId, ReviewId, SessionId, TutorMessageId,
};
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, ReadableStreamDefaultReader, RequestCredentials};

use crate::error::ClientError;

// Accounts (anonymous).

/// `POST /api/auth/register`: answered 202 for any valid input, taken address or not.
pub async fn register(request: &RegisterRequest) -> Result<(), ClientError> {
    write("POST", "/api/auth/register", Some(request)).await
}

/// `POST /api/auth/verify-email`: confirms the address (or an email change) the token was mailed to.
pub async fn verify_email(token: &str) -> Result<Me, ClientError> {
    let body = TokenRequest {
        token: token.to_owned(),
    };
    read_json(send_json("POST", "/api/auth/verify-email", Some(&body)).await?).await
}

/// `POST /api/reminders/unsubscribe?token=`: turns off "cards are due" reminders, with the token
/// of the reminder mail's link (no session needed).
pub async fn unsubscribe_reminders(token: &str) -> Result<(), ClientError> {
    let path = format!(
        "/api/reminders/unsubscribe?token={}",
        path_segment(token.trim())
    );
    write::<()>("POST", &path, None).await
}

/// `POST /api/auth/resend-verification`: answered 202 whether or not the address has an account.
pub async fn resend_verification(email: &str) -> Result<(), ClientError> {
    let body = EmailRequest {
        email: email.to_owned(),
    };
    write("POST", "/api/auth/resend-verification", Some(&body)).await
}

/// `POST /api/auth/sign-in`. The server sets the session cookie; only the user comes back from
/// here, the token in the body is dropped on purpose.
pub async fn sign_in(request: &SignInRequest) -> Result<Me, ClientError> {
    let response = send_json("POST", "/api/auth/sign-in", Some(request)).await?;
    let signed_in: SignInResponse = read_json(response).await?;
    Ok(signed_in.user)
}

/// `POST /api/auth/sign-out`: ends this browser's session and clears the cookie.
pub async fn sign_out() -> Result<(), ClientError> {
    write::<()>("POST", "/api/auth/sign-out", None).await
}

/// `POST /api/auth/forgot-password`: answered 202 whether or not the address has an account.
pub async fn forgot_password(email: &str) -> Result<(), ClientError> {
    let body = EmailRequest {
        email: email.to_owned(),
    };
    write("POST", "/api/auth/forgot-password", Some(&body)).await
}

/// `POST /api/auth/reset-password`: sets a new password and signs out every session.
pub async fn reset_password(request: &ResetPasswordRequest) -> Result<(), ClientError> {
    write("POST", "/api/auth/reset-password", Some(request)).await
}

// The signed-in user.

/// `GET /api/me`: who is signed in; `ClientError::Unauthorized` when nobody is.
pub async fn me() -> Result<Me, ClientError> {
    read_json(send(get("/api/me")).await?).await
}

/// `PATCH /api/me`: changes only the fields given.
pub async fn update_profile(request: &UpdateProfileRequest) -> Result<Me, ClientError> {
    read_json(send_json("PATCH", "/api/me", Some(request)).await?).await
}

/// `POST /api/me/password`: signs out every other session.
pub async fn change_password(request: &ChangePasswordRequest) -> Result<(), ClientError> {
    write("POST", "/api/me/password", Some(request)).await
}

/// `POST /api/me/email`: mails a confirmation link to the new address.
pub async fn change_email(request: &ChangeEmailRequest) -> Result<(), ClientError> {
    write("POST", "/api/me/email", Some(request)).await
}

/// `GET /api/me/sessions`: every signed-in browser and device, this one marked `current`.
pub async fn sessions() -> Result<Vec<SessionInfo>, ClientError> {
    read_json(send(get("/api/me/sessions")).await?).await
}

/// `DELETE /api/me/sessions/{id}`: signs that device out.
pub async fn revoke_session(id: &SessionId) -> Result<(), ClientError> {
    write::<()>(
        "DELETE",
        &format!("/api/me/sessions/{}", path_segment(id.as_str())),
        None,
    )
    .await
}

/// `GET /api/me/export`: everything the server keeps about the user, as JSON text to save.
pub async fn export_my_data() -> Result<String, ClientError> {
    let response = checked(send(get("/api/me/export")).await?).await?;
    response.text().await.map_err(|e| ClientError::Unexpected {
        detail: format!("unreadable export: {e}"),
    })
}

/// `DELETE /api/me`: deletes the account; the password confirms it is the owner.
pub async fn delete_account(request: &DeleteAccountRequest) -> Result<(), ClientError> {
    write("DELETE", "/api/me", Some(request)).await
}

// Teaching.

/// `POST /api/teacher-applications` (students only; 409 while one is pending).
pub async fn apply_to_teach(
    request: &TeacherApplicationRequest,
) -> Result<TeacherApplication, ClientError> {
    read_json(send_json("POST", "/api/teacher-applications", Some(request)).await?).await
}

/// `GET /api/teacher-applications/mine`: the latest application, `None` if there is none.
pub async fn my_application() -> Result<Option<TeacherApplication>, ClientError> {
    match read_json(send(get("/api/teacher-applications/mine")).await?).await {
        Ok(application) => Ok(Some(application)),
        Err(ClientError::NotFound { .. }) => Ok(None),
        Err(error) => Err(error),
    }
}

/// `GET /api/admin/teacher-applications?status=`: the applications in one state (admins only).
pub async fn teacher_applications(
    status: ApplicationStatus,
) -> Result<Vec<TeacherApplication>, ClientError> {
    let request = get("/api/admin/teacher-applications").query([("status", status.code())]);
    read_json(send(request).await?).await
}

/// `POST /api/admin/teacher-applications/{id}/approve`: the applicant becomes a teacher.
pub async fn approve_application(id: &ApplicationId) -> Result<TeacherApplication, ClientError> {
    let path = format!(
        "/api/admin/teacher-applications/{}/approve",
        path_segment(id.as_str())
    );
    read_json(send_json::<()>("POST", &path, None).await?).await
}

/// `POST /api/admin/teacher-applications/{id}/reject` with the reason the applicant is told.
pub async fn reject_application(
    id: &ApplicationId,
    request: &RejectApplicationRequest,
) -> Result<TeacherApplication, ClientError> {
    let path = format!(
        "/api/admin/teacher-applications/{}/reject",
        path_segment(id.as_str())
    );
    read_json(send_json("POST", &path, Some(request)).await?).await
}

// Notifications.

/// `GET /api/notifications`: the newest 50 and the unread count.
pub async fn notifications() -> Result<NotificationList, ClientError> {
    read_json(send(get("/api/notifications")).await?).await
}

/// `POST /api/notifications/{id}/read`.
pub async fn mark_notification_read(id: &NotificationId) -> Result<(), ClientError> {
    let path = format!("/api/notifications/{}/read", path_segment(id.as_str()));
    write::<()>("POST", &path, None).await
}

/// `POST /api/notifications/read-all`.
pub async fn mark_all_notifications_read() -> Result<(), ClientError> {
    write::<()>("POST", "/api/notifications/read-all", None).await
}

// Courses.

/// What the catalog lists: the filters and order of `GET /api/courses`, also kept in the page's
/// query string (`/courses?language=ru&sort=top_rated`). Every field absent is the whole catalog,
/// newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogFilters {
    /// A category's slug.
    pub category: Option<String>,
    pub level: Option<CourseLevel>,
    pub language: Option<CourseLanguage>,
    pub price: Option<PriceFilter>,
    pub sort: Option<CourseSort>,
}

impl CatalogFilters {
    /// Reads a query string (`?a=b&c=d`, with or without the `?`) leniently: unknown parameters
    /// and values that are not codes the server takes are dropped, never an error.
    pub fn from_query(query: &str) -> Self {
        let mut filters = Self::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "category" => filters.category = category_slug(value),
                "level" => filters.level = CourseLevel::from_code(value),
                "language" => filters.language = CourseLanguage::from_code(value),
                "price" => filters.price = PriceFilter::from_code(value),
                "sort" => filters.sort = CourseSort::from_code(value),
                _ => {}
            }
        }
        filters
    }

    /// The parameters that are set, as `(name, value)` pairs, in a stable order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("category", self.category.clone()),
            ("level", self.level.map(|v| v.code().to_owned())),
            ("language", self.language.map(|v| v.code().to_owned())),
            ("price", self.price.map(|v| v.code().to_owned())),
            ("sort", self.sort.map(|v| v.code().to_owned())),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key, value?)))
        .collect()
    }

    /// Whether it narrows the catalog (the order alone does not).
    pub fn narrows(&self) -> bool {
        self.category.is_some()
            || self.level.is_some()
            || self.language.is_some()
            || self.price.is_some()
    }
}

/// A category slug as the server takes it (`a-z 0-9 -`), else nothing.
fn category_slug(value: &str) -> Option<String> {
    let valid = !value.is_empty()
        && value.len() <= 40
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then(|| value.to_owned())
}

/// `GET /api/courses`: one page of the catalog as `filters` narrow and order it. `cursor` is the
/// previous page's `next_cursor` (of the same filters); `limit: None` takes the server's default
/// page size (`shared::validate::PAGE_LIMIT_DEFAULT`).
///
/// Offline copies are not this module's business: `store::catalog` keeps the pages it returns.
pub async fn list_courses(
    limit: Option<u32>,
    cursor: Option<&str>,
    filters: &CatalogFilters,
) -> Result<CoursePage, ClientError> {
    let mut query = filters.pairs();
    query.extend(limit.map(|n| ("limit", n.to_string())));
    query.extend(cursor.map(|c| ("cursor", c.to_owned())));
    let mut request = get("/api/courses");
    if !query.is_empty() {
        request = request.query(query.iter().map(|(k, v)| (*k, v.as_str())));
    }
    read_json(send(request).await?).await
}

/// `GET /api/courses/{course}/lessons/{lesson}`: a lesson as its reader sees it (403 when not
/// enrolled, 404 when there is no such lesson or course for the caller).
pub async fn lesson(course: &str, lesson: &str) -> Result<LessonView, ClientError> {
    let rest = format!("/lessons/{}", path_segment(lesson));
    read_json(send(get(&course_path(course, &rest))).await?).await
}

/// `GET /api/courses/{course}/deck`: the course's flashcard deck (enrolled learners, its teacher,
/// admins).
pub async fn course_deck(course: &str) -> Result<CourseDeck, ClientError> {
    read_json(send(get(&course_path(course, "/deck"))).await?).await
}

/// `PUT /api/courses/{course}/deck`: replaces the deck (the course's teacher or an admin).
pub async fn replace_deck(course: &CourseId, input: &DeckInput) -> Result<CourseDeck, ClientError> {
    let path = course_path(course.as_str(), "/deck");
    read_json(send_json("PUT", &path, Some(input)).await?).await
}

/// `GET /api/search?q=&language=`: course and lesson hits, best first.
pub async fn search(
    query: &str,
    language: Option<CourseLanguage>,
) -> Result<SearchResults, ClientError> {
    let mut request = get("/api/search").query([("q", query)]);
    if let Some(language) = language {
        request = request.query([("language", language.code())]);
    }
    read_json(send(request).await?).await
}

// Authoring.

/// `GET /api/teaching/courses`: the caller's courses in every status, most recently edited first
/// (an admin gets every course).
pub async fn teaching_courses() -> Result<Vec<CourseSummary>, ClientError> {
    read_json(send(get("/api/teaching/courses")).await?).await
}

/// `POST /api/courses`: a new empty draft owned by the caller.
pub async fn create_course(new: &NewCourse) -> Result<CourseDraft, ClientError> {
    read_json(send_json("POST", "/api/courses", Some(new)).await?).await
}

/// `GET /api/courses/{course}/draft`: everything the editor shows, with the version.
pub async fn course_draft(course: &CourseId) -> Result<CourseDraft, ClientError> {
    read_json(send(get(&course_path(course.as_str(), "/draft"))).await?).await
}

/// `PATCH /api/courses/{course}`: saves the fields `changes` holds.
pub async fn update_course(
    course: &CourseId,
    changes: &CourseChanges,
) -> Result<Saved, ClientError> {
    read_json(send_json("PATCH", &course_path(course.as_str(), ""), Some(changes)).await?).await
}

/// `DELETE /api/courses/{course}`: only a draft never published (409 otherwise).
pub async fn delete_course(course: &CourseId) -> Result<(), ClientError> {
    write::<()>("DELETE", &course_path(course.as_str(), ""), None).await
}

/// `PUT /api/courses/{course}/status`: publish (409 without lessons), archive, or back to draft.
pub async fn change_course_status(
    course: &CourseId,
    status: CourseStatus,
) -> Result<Saved, ClientError> {
    let path = course_path(course.as_str(), "/status");
    read_json(send_json("PUT", &path, Some(&StatusChange { status })).await?).await
}

/// `POST /api/courses/{course}/modules`: a new module at the end.
pub async fn add_module(course: &CourseId, title: &str) -> Result<ModuleDraft, ClientError> {
    let path = course_path(course.as_str(), "/modules");
    let body = ModuleInput {
        title: title.to_owned(),
    };
    read_json(send_json("POST", &path, Some(&body)).await?).await
}

/// `PATCH /api/courses/{course}/modules/{module}`.
pub async fn rename_module(
    course: &CourseId,
    module: &ModuleId,
    title: &str,
) -> Result<Saved, ClientError> {
    let body = ModuleInput {
        title: title.to_owned(),
    };
    read_json(send_json("PATCH", &module_path(course, module), Some(&body)).await?).await
}

/// `DELETE /api/courses/{course}/modules/{module}` with its lessons.
pub async fn delete_module(course: &CourseId, module: &ModuleId) -> Result<Saved, ClientError> {
    read_json(send_json::<()>("DELETE", &module_path(course, module), None).await?).await
}

/// `POST /api/courses/{course}/modules/{module}/lessons`: a new lesson at the module's end.
pub async fn add_lesson(
    course: &CourseId,
    module: &ModuleId,
    title: &str,
) -> Result<LessonDraft, ClientError> {
    let path = format!("{}/lessons", module_path(course, module));
    let body = NewLesson {
        title: title.to_owned(),
    };
    read_json(send_json("POST", &path, Some(&body)).await?).await
}

/// `GET /api/courses/{course}/lessons/{lesson}/draft`.
pub async fn lesson_draft(
    course: &CourseId,
    lesson: &LessonId,
) -> Result<LessonDraft, ClientError> {
    read_json(send(get(&format!("{}/draft", lesson_path(course, lesson)))).await?).await
}

/// `PATCH /api/courses/{course}/lessons/{lesson}/draft`: answers the lesson as saved.
pub async fn update_lesson(
    course: &CourseId,
    lesson: &LessonId,
    changes: &LessonChanges,
) -> Result<LessonDraft, ClientError> {
    let path = format!("{}/draft", lesson_path(course, lesson));
    read_json(send_json("PATCH", &path, Some(changes)).await?).await
}

// AI quiz drafts.

fn quiz_drafts_path(course: &CourseId, lesson: &LessonId) -> String {
    format!("{}/quiz-drafts", lesson_path(course, lesson))
}

/// `POST /api/courses/{course}/lessons/{lesson}/quiz-drafts`: queues a batch of draft questions
/// (429 `rate_limited` when the caller's daily AI budget is used up).
pub async fn create_quiz_draft(
    course: &CourseId,
    lesson: &LessonId,
    new: &NewQuizDraft,
) -> Result<QuizDraftCreated, ClientError> {
    let path = quiz_drafts_path(course, lesson);
    read_json(send_json("POST", &path, Some(new)).await?).await
}

/// `GET .../quiz-drafts/{draft}`: the batch's status, progress and, once done, its questions.
pub async fn draft_batch(
    course: &CourseId,
    lesson: &LessonId,
    draft: &QuizDraftId,
) -> Result<DraftBatch, ClientError> {
    let path = format!(
        "{}/{}",
        quiz_drafts_path(course, lesson),
        path_segment(draft.as_str())
    );
    read_json(send(get(&path)).await?).await
}

/// `DELETE .../quiz-drafts/{draft}`: cancels a batch still in the works.
pub async fn cancel_quiz_draft(
    course: &CourseId,
    lesson: &LessonId,
    draft: &QuizDraftId,
) -> Result<DraftBatch, ClientError> {
    let path = format!(
        "{}/{}",
        quiz_drafts_path(course, lesson),
        path_segment(draft.as_str())
    );
    read_json(send_json::<()>("DELETE", &path, None).await?).await
}

/// `DELETE /api/courses/{course}/lessons/{lesson}`.
pub async fn delete_lesson(course: &CourseId, lesson: &LessonId) -> Result<Saved, ClientError> {
    read_json(send_json::<()>("DELETE", &lesson_path(course, lesson), None).await?).await
}

/// `PUT /api/courses/{course}/outline`: the whole order, made against `order.version` (409 when
/// that is stale).
pub async fn reorder_outline(
    course: &CourseId,
    order: &OutlineOrder,
) -> Result<Saved, ClientError> {
    let path = course_path(course.as_str(), "/outline");
    read_json(send_json("PUT", &path, Some(order)).await?).await
}

// Lesson quizzes (the teacher's working copy; learners get the published quiz in `lesson`).

fn quiz_path(course: &CourseId, lesson: &LessonId, rest: &str) -> String {
    format!("{}/quiz{rest}", lesson_path(course, lesson))
}

/// `GET /api/courses/{course}/lessons/{lesson}/quiz`: the working copy.
pub async fn quiz_draft(course: &CourseId, lesson: &LessonId) -> Result<QuizDraft, ClientError> {
    read_json(send(get(&quiz_path(course, lesson, ""))).await?).await
}

/// `PUT .../quiz`: the pass mark.
pub async fn change_quiz_settings(
    course: &CourseId,
    lesson: &LessonId,
    settings: &QuizSettings,
) -> Result<QuizDraft, ClientError> {
    read_json(send_json("PUT", &quiz_path(course, lesson, ""), Some(settings)).await?).await
}

/// `POST .../quiz/questions`: questions appended in order (drafts where they say so); the AI
/// drafts panel adds its suggestions this way too.
pub async fn add_quiz_questions(
    course: &CourseId,
    lesson: &LessonId,
    questions: &NewQuestions,
) -> Result<QuizDraft, ClientError> {
    let path = quiz_path(course, lesson, "/questions");
    read_json(send_json("POST", &path, Some(questions)).await?).await
}

/// `PUT .../quiz/questions/{id}`: a question's new content (`draft: false` accepts it).
pub async fn update_quiz_question(
    course: &CourseId,
    lesson: &LessonId,
    question: &str,
    input: &QuestionInput,
) -> Result<QuizDraft, ClientError> {
    let path = quiz_path(
        course,
        lesson,
        &format!("/questions/{}", path_segment(question)),
    );
    read_json(send_json("PUT", &path, Some(input)).await?).await
}

/// `DELETE .../quiz/questions/{id}`.
pub async fn delete_quiz_question(
    course: &CourseId,
    lesson: &LessonId,
    question: &str,
) -> Result<QuizDraft, ClientError> {
    let path = quiz_path(
        course,
        lesson,
        &format!("/questions/{}", path_segment(question)),
    );
    read_json(send_json::<()>("DELETE", &path, None).await?).await
}

/// `PUT .../quiz/order`: every question id, each once.
pub async fn reorder_quiz(
    course: &CourseId,
    lesson: &LessonId,
    order: &QuestionOrder,
) -> Result<QuizDraft, ClientError> {
    read_json(send_json("PUT", &quiz_path(course, lesson, "/order"), Some(order)).await?).await
}

/// `POST .../quiz/versions`: publishes the accepted questions as the next version.
pub async fn publish_quiz(course: &CourseId, lesson: &LessonId) -> Result<QuizView, ClientError> {
    let path = quiz_path(course, lesson, "/versions");
    read_json(send_json::<()>("POST", &path, None).await?).await
}

/// `GET .../quiz/stats`.
pub async fn quiz_stats(course: &CourseId, lesson: &LessonId) -> Result<QuizStats, ClientError> {
    read_json(send(get(&quiz_path(course, lesson, "/stats"))).await?).await
}

/// `POST /api/content/preview`: the sanitised HTML learners would see for `markdown`.
pub async fn preview_markdown(markdown: &str) -> Result<String, ClientError> {
    let body = MarkdownPreview {
        markdown: markdown.to_owned(),
        html: String::new(),
    };
    let preview: MarkdownPreview =
        read_json(send_json("POST", "/api/content/preview", Some(&body)).await?).await?;
    Ok(preview.html)
}

/// `POST /api/media`: uploads an image's bytes (413 too large, 415 not an image, 422 unreadable).
pub async fn upload_media(file: &web_sys::Blob) -> Result<MediaItem, ClientError> {
    read_json(send_bytes("/api/media", "application/octet-stream", file).await?).await
}

/// `POST /api/courses/import`: a zipped book; `dry_run` only previews what would be created.
pub async fn import_course(
    file: &web_sys::Blob,
    dry_run: bool,
) -> Result<ImportReport, ClientError> {
    let path = if dry_run {
        "/api/courses/import?dry_run=true"
    } else {
        "/api/courses/import"
    };
    read_json(send_bytes(path, "application/zip", file).await?).await
}

/// `GET /api/categories`: every category, with its names in both languages and its count of
/// published courses.
pub async fn categories() -> Result<Vec<Category>, ClientError> {
    read_json(send(get("/api/categories")).await?).await
}

/// `GET /api/courses/{course}` by id or slug: summary, description and syllabus.
pub async fn course(course: &str) -> Result<CourseDetail, ClientError> {
    read_json(send(get(&course_path(course, ""))).await?).await
}

/// `GET /media/{hash}`: an uploaded image's bytes, as a `Blob` of its type (for offline copies).
pub async fn media(path: &str) -> Result<web_sys::Blob, ClientError> {
    let response = checked(send(Request::get(path)).await?).await?;
    let blob = web_sys::Response::from(response)
        .blob()
        .map_err(|_| ClientError::Unexpected {
            detail: format!("no body from {path}"),
        })?;
    wasm_bindgen_futures::JsFuture::from(blob)
        .await
        .map(wasm_bindgen::JsCast::unchecked_into)
        .map_err(|_| ClientError::Network {
            detail: format!("the body of {path} did not arrive"),
        })
}

/// `GET /api/courses/{course}/enrollment`: whether the signed-in caller is enrolled.
pub async fn enrollment(course: &str) -> Result<Enrollment, ClientError> {
    read_json(send(get(&course_path(course, "/enrollment"))).await?).await
}

/// `POST /api/courses/{course}/enrollment`: joins a free course (a paid one answers 402).
pub async fn enroll(course: &str) -> Result<Enrollment, ClientError> {
    read_json(send_json::<()>("POST", &course_path(course, "/enrollment"), None).await?).await
}

/// `GET /api/me/courses`: "My learning", most recently joined first.
pub async fn my_courses() -> Result<Vec<EnrolledCourse>, ClientError> {
    read_json(send(get("/api/me/courses")).await?).await
}

/// `GET /api/courses/{course}/reviews`: one page of reviews, newest first.
pub async fn reviews(course: &str, cursor: Option<&str>) -> Result<ReviewPage, ClientError> {
    let mut request = get(&course_path(course, "/reviews"));
    if let Some(cursor) = cursor {
        request = request.query([("cursor", cursor)]);
    }
    read_json(send(request).await?).await
}

/// `GET /api/courses/{course}/reviews/mine`: the caller's review, `None` if they wrote none.
pub async fn my_review(course: &str) -> Result<Option<Review>, ClientError> {
    match read_json(send(get(&course_path(course, "/reviews/mine"))).await?).await {
        Ok(review) => Ok(Some(review)),
        Err(ClientError::NotFound { .. }) => Ok(None),
        Err(error) => Err(error),
    }
}

/// `PUT /api/courses/{course}/reviews/mine`: writes or rewrites the caller's review.
pub async fn write_review(course: &str, input: &ReviewInput) -> Result<Review, ClientError> {
    read_json(send_json("PUT", &course_path(course, "/reviews/mine"), Some(input)).await?).await
}

/// `DELETE /api/courses/{course}/reviews/mine`.
pub async fn delete_review(course: &str) -> Result<(), ClientError> {
    write::<()>("DELETE", &course_path(course, "/reviews/mine"), None).await
}

/// `PUT /api/courses/{course}/reviews/{review}/reply`: the course's teacher answers, once.
pub async fn reply_to_review(
    course: &str,
    review: &ReviewId,
    input: &ReplyInput,
) -> Result<Review, ClientError> {
    let rest = format!("/reviews/{}/reply", path_segment(review.as_str()));
    read_json(send_json("PUT", &course_path(course, &rest), Some(input)).await?).await
}

// Lesson discussions.

/// `GET /api/lessons/{lesson}/posts`: one page of threads, pinned first.
pub async fn lesson_threads(
    lesson: &LessonId,
    cursor: Option<&str>,
) -> Result<ThreadPage, ClientError> {
    let mut request = get(&format!(
        "/api/lessons/{}/posts",
        path_segment(lesson.as_str())
    ));
    if let Some(cursor) = cursor {
        request = request.query([("cursor", cursor)]);
    }
    read_json(send(request).await?).await
}

/// `POST /api/lessons/{lesson}/posts`: a new thread, or a reply (`parent_id`).
pub async fn create_post(lesson: &LessonId, input: &NewPost) -> Result<Post, ClientError> {
    let path = format!("/api/lessons/{}/posts", path_segment(lesson.as_str()));
    read_json(send_json("POST", &path, Some(input)).await?).await
}

fn post_path(post: &PostId, rest: &str) -> String {
    format!("/api/posts/{}{rest}", path_segment(post.as_str()))
}

/// `PATCH /api/posts/{post}`: the author's new text.
pub async fn edit_post(post: &PostId, input: &PostEdit) -> Result<Post, ClientError> {
    read_json(send_json("PATCH", &post_path(post, ""), Some(input)).await?).await
}

/// `DELETE /api/posts/{post}`: the author's own post.
pub async fn delete_post(post: &PostId) -> Result<(), ClientError> {
    write::<()>("DELETE", &post_path(post, ""), None).await
}

/// `PUT /api/posts/{post}/moderation`: pin, hide, mark the answer (the course's teacher, admins).
pub async fn moderate_post(post: &PostId, input: &Moderation) -> Result<Thread, ClientError> {
    read_json(send_json("PUT", &post_path(post, "/moderation"), Some(input)).await?).await
}

/// `POST /api/posts/{post}/reports`.
pub async fn report_post(post: &PostId, input: &NewReport) -> Result<(), ClientError> {
    write("POST", &post_path(post, "/reports"), Some(input)).await
}

/// `GET /api/courses/{course}/reports`: reports of the course's posts (its teacher, admins).
pub async fn course_reports(course: &str) -> Result<PostReportPage, ClientError> {
    read_json(send(get(&course_path(course, "/reports"))).await?).await
}

// The Socratic tutor.

/// `GET /api/lessons/{lesson}/tutor/conversations`: the caller's conversations about the lesson,
/// the latest first.
pub async fn tutor_conversations(lesson: &LessonId) -> Result<ConversationList, ClientError> {
    let path = format!(
        "/api/lessons/{}/tutor/conversations",
        path_segment(lesson.as_str())
    );
    read_json(send(get(&path)).await?).await
}

fn conversation_path(conversation: &ConversationId, rest: &str) -> String {
    format!(
        "/api/tutor/conversations/{}{rest}",
        path_segment(conversation.as_str())
    )
}

/// `GET /api/tutor/conversations/{id}`: one conversation, oldest message first.
pub async fn tutor_conversation(
    conversation: &ConversationId,
) -> Result<Conversation, ClientError> {
    read_json(send(get(&conversation_path(conversation, ""))).await?).await
}

/// `DELETE /api/tutor/conversations/{id}`.
pub async fn delete_tutor_conversation(conversation: &ConversationId) -> Result<(), ClientError> {
    write::<()>("DELETE", &conversation_path(conversation, ""), None).await
}

/// `POST /api/lessons/{lesson}/tutor/messages`: asks the tutor, in a conversation or a new one.
/// `on_event` gets every event of the streamed reply as it arrives. A refusal before the reply
/// starts (403 not enrolled, 429 budget, 409 conversation full, 400 too long) is the error;
/// aborting `stop` ends the reply early and is not one.
pub async fn ask_tutor(
    lesson: &LessonId,
    message: &NewTutorMessage,
    stop: &AbortSignal,
    on_event: impl FnMut(TutorEvent),
) -> Result<(), ClientError> {
    let path = format!(
        "/api/lessons/{}/tutor/messages",
        path_segment(lesson.as_str())
    );
    let request = builder("POST", &path)
        .header("Accept", "text/event-stream")
        .abort_signal(Some(stop))
        .json(message)
        .map_err(|e| ClientError::Unexpected {
            detail: format!("could not build the request to {path}: {e}"),
        })?;
    read_events(request, stop, on_event).await
}

/// `POST /api/tutor/conversations/{id}/retry`: writes the conversation's last reply again,
/// streamed like `ask_tutor`'s (its `start` carries no question).
pub async fn retry_tutor_reply(
    conversation: &ConversationId,
    stop: &AbortSignal,
    on_event: impl FnMut(TutorEvent),
) -> Result<(), ClientError> {
    let path = conversation_path(conversation, "/retry");
    let request = builder("POST", &path)
        .header("Accept", "text/event-stream")
        .abort_signal(Some(stop))
        .build()
        .map_err(|e| ClientError::Unexpected {
            detail: format!("could not build the request to {path}: {e}"),
        })?;
    read_events(request, stop, on_event).await
}

/// `PUT /api/tutor/messages/{id}/feedback`: the learner's rating of a reply (and a comment).
pub async fn rate_tutor_reply(
    message: &TutorMessageId,
    feedback: &TutorFeedback,
) -> Result<TutorMessage, ClientError> {
    let path = format!(
        "/api/tutor/messages/{}/feedback",
        path_segment(message.as_str())
    );
    read_json(send_json("PUT", &path, Some(feedback)).await?).await
}

/// `GET /api/courses/{course}/tutor/insights`: how learners use the tutor on each lesson of the
/// course, most asked first (its teacher and admins; 403 for anyone else).
pub async fn tutor_insights(course: &str) -> Result<TutorInsights, ClientError> {
    read_json(send(get(&course_path(course, "/tutor/insights"))).await?).await
}

/// Sends `request` and hands `on_event` each `TutorEvent` of its `text/event-stream` answer as
/// the body arrives. Returns when the stream ends, or at once (`Ok`) when `stop` was aborted.
/// An event this build cannot read (a newer server's) is skipped.
async fn read_events(
    request: Request,
    stop: &AbortSignal,
    mut on_event: impl FnMut(TutorEvent),
) -> Result<(), ClientError> {
    let response = match request.send().await {
        Ok(response) => response,
        Err(_) if stop.aborted() => return Ok(()),
        Err(error) => return Err(transport_error(&error)),
    };
    let response = checked(response).await?;
    let body = response.body().ok_or_else(|| ClientError::Unexpected {
        detail: format!("no body from {}", response.url()),
    })?;
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut decoder = sse::EventStreamDecoder::new();
    let mut emit = |data: String| match serde_json::from_str::<TutorEvent>(&data) {
        Ok(event) => on_event(event),
        Err(error) => {
            web_sys::console::warn_1(&format!("tutor event skipped ({error}): {data}").into())
        }
    };
    loop {
        let chunk = match wasm_bindgen_futures::JsFuture::from(reader.read()).await {
            Ok(chunk) => chunk,
            Err(_) if stop.aborted() => return Ok(()),
            Err(error) => {
                return Err(if crate::contexts::online::browser_is_online() {
                    ClientError::Network {
                        detail: format!("the reply stream broke: {error:?}"),
                    }
                } else {
                    ClientError::Offline
                })
            }
        };
        let field = |name: &str| js_sys::Reflect::get(&chunk, &name.into()).ok();
        if field("done").and_then(|done| done.as_bool()) != Some(false) {
            break;
        }
        let Some(value) = field("value").filter(|v| v.is_instance_of::<js_sys::Uint8Array>())
        else {
            continue;
        };
        let bytes = js_sys::Uint8Array::new(&value).to_vec();
        decoder.push(&bytes).into_iter().for_each(&mut emit);
    }
    decoder.finish().into_iter().for_each(emit);
    Ok(())
}

/// `/api/courses/{course}` followed by `rest`, the course's id or slug made safe for a path.
/// `GET /api/courses/{course}/leaderboard`: this week's XP in the course of the learners who
/// joined its leaderboard (enrolled learners only).
pub async fn leaderboard(course: &str) -> Result<LeaderboardView, ClientError> {
    read_json(send(get(&course_path(course, "/leaderboard"))).await?).await
}

/// `PUT /api/courses/{course}/leaderboard/membership`: joins (`true`) or leaves the course's
/// leaderboard; leaving takes the caller off it at once.
pub async fn set_leaderboard_membership(
    course: &str,
    joined: bool,
) -> Result<LeaderboardMembership, ClientError> {
    let path = course_path(course, "/leaderboard/membership");
    let body = LeaderboardMembership { joined };
    read_json(send_json("PUT", &path, Some(&body)).await?).await
}

fn course_path(course: &str, rest: &str) -> String {
    format!("/api/courses/{}{rest}", path_segment(course))
}

/// `POST /api/categories` (admins; 409 when the slug is taken).
pub async fn create_category(input: &CategoryInput) -> Result<Category, ClientError> {
    read_json(send_json("POST", "/api/categories", Some(input)).await?).await
}

/// `PATCH /api/categories/{id}`: new slug and names (admins).
pub async fn update_category(
    id: &CategoryId,
    input: &CategoryInput,
) -> Result<Category, ClientError> {
    let path = format!("/api/categories/{}", path_segment(id.as_str()));
    read_json(send_json("PATCH", &path, Some(input)).await?).await
}

/// `DELETE /api/categories/{id}` (admins; 409 while a course uses it).
pub async fn delete_category(id: &CategoryId) -> Result<(), ClientError> {
    let path = format!("/api/categories/{}", path_segment(id.as_str()));
    write::<()>("DELETE", &path, None).await
}

fn module_path(course: &CourseId, module: &ModuleId) -> String {
    let rest = format!("/modules/{}", path_segment(module.as_str()));
    course_path(course.as_str(), &rest)
}

fn lesson_path(course: &CourseId, lesson: &LessonId) -> String {
    let rest = format!("/lessons/{}", path_segment(lesson.as_str()));
    course_path(course.as_str(), &rest)
}

/// POSTs a file's bytes as they are, with `content_type`.
async fn send_bytes(
    path: &str,
    content_type: &str,
    file: &web_sys::Blob,
) -> Result<Response, ClientError> {
    let request = builder("POST", path)
        .header("Content-Type", content_type)
        .body(file.clone())
        .map_err(|e| ClientError::Unexpected {
            detail: format!("could not build the request to {path}: {e}"),
        })?;
    request.send().await.map_err(|e| transport_error(&e))
}

// Sync.

/// `POST /api/sync/{doc_id}`: one Automerge sync message from this device (`X-Device-Id`), the
/// server's next message back (`Some`, 200) or `None` when it has nothing to send (204). Refusals
/// are `Validation` (400 `invalid_sync_message` / `schema_violation`, 413 `document_too_large`,
/// with the server's message), `NotFound`, `Unauthorized`.
pub async fn sync(
    doc: &DocId,
    device_id: &str,
    message: &[u8],
) -> Result<Option<Vec<u8>>, ClientError> {
    let path = format!("/api/sync/{}", path_segment(doc.as_str()));
    let request = Request::post(&path)
        .credentials(RequestCredentials::SameOrigin)
        .header("Accept", "application/octet-stream")
        .header("Content-Type", "application/octet-stream")
        .header("X-Device-Id", device_id)
        .body(js_sys::Uint8Array::from(message))
        .map_err(|e| ClientError::Unexpected {
            detail: format!("could not build the request to {path}: {e}"),
        })?;
    let response = checked(send_request(request).await?).await?;
    if response.status() == 204 {
        return Ok(None);
    }
    let reply = response.binary().await.map_err(|e| transport_error(&e))?;
    Ok((!reply.is_empty()).then_some(reply))
}

// Plumbing.

fn get(path: &str) -> RequestBuilder {
    Request::get(path)
        .credentials(RequestCredentials::SameOrigin)
        .header("Accept", "application/json")
}

fn builder(method: &str, path: &str) -> RequestBuilder {
    let request = match method {
        "POST" => Request::post(path),
        "PATCH" => Request::patch(path),
        "PUT" => Request::put(path),
        "DELETE" => Request::delete(path),
        _ => Request::get(path),
    };
    request
        .credentials(RequestCredentials::SameOrigin)
        .header("Accept", "application/json")
}

async fn send(request: RequestBuilder) -> Result<Response, ClientError> {
    request.send().await.map_err(|e| transport_error(&e))
}

async fn send_request(request: Request) -> Result<Response, ClientError> {
    request.send().await.map_err(|e| transport_error(&e))
}

/// Sends `body` as JSON (or no body at all) with `method` to `path`.
async fn send_json<B: Serialize>(
    method: &str,
    path: &str,
    body: Option<&B>,
) -> Result<Response, ClientError> {
    let request = builder(method, path);
    let request = match body {
        Some(body) => request.json(body),
        None => request.build(),
    }
    .map_err(|e| ClientError::Unexpected {
        detail: format!("could not build the request to {path}: {e}"),
    })?;
    send_request(request).await
}

/// A write whose success has no body worth reading (202, 204).
async fn write<B: Serialize>(
    method: &str,
    path: &str,
    body: Option<&B>,
) -> Result<(), ClientError> {
    checked(send_json(method, path, body).await?)
        .await
        .map(|_| ())
}

/// The response when it is a 2xx, else the error its status, body and `Retry-After` describe.
async fn checked(response: Response) -> Result<Response, ClientError> {
    if response.ok() {
        return Ok(response);
    }
    let retry_after = response.headers().get("Retry-After");
    let body = response.text().await.unwrap_or_default();
    Err(ClientError::from_response(response.status(), &body)
        .with_retry_after(retry_after.as_deref(), js_sys::Date::now()))
}

/// A 2xx body decoded as `T`, or the error the status and body describe.
async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    let response = checked(response).await?;
    response
        .json::<T>()
        .await
        .map_err(|e| ClientError::Unexpected {
            detail: format!("bad JSON from {}: {e}", response.url()),
        })
}

/// An id made safe to put in a path: anything but unreserved characters is percent-encoded.
fn path_segment(id: &str) -> String {
    String::from(js_sys::encode_uri_component(id))
}

/// No response at all: offline when the browser says so, otherwise the server is unreachable.
fn transport_error(error: &gloo_net::Error) -> ClientError {
    if crate::contexts::online::browser_is_online() {
        ClientError::Network {
            detail: error.to_string(),
        }
    } else {
        ClientError::Offline
    }
}

// Native tests (`cargo test -p client --lib`): the catalog's query string needs no browser.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_filters_round_trip_through_the_query_string() {
        let filters = CatalogFilters {
            category: Some("data".into()),
            level: Some(CourseLevel::Beginner),
            language: Some(CourseLanguage::Ru),
            price: Some(PriceFilter::Free),
            sort: Some(CourseSort::TopRated),
        };
        let query: Vec<String> = filters
            .pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(CatalogFilters::from_query(&query.join("&")), filters);
        assert!(filters.narrows());
    }

    #[test]
    fn bad_catalog_query_values_are_dropped() {
        let filters =
            CatalogFilters::from_query("?level=expert&language=RU&category=Bad%20One&sort=&x=1");
        assert_eq!(filters, CatalogFilters::default());
        assert!(!filters.narrows());
        assert!(
            CatalogFilters::from_query("?sort=newest").pairs()
                == vec![("sort", "newest".to_owned())]
        );
    }
}
