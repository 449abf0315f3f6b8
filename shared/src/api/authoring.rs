//! Course authoring as the API shows it: a teacher's (or an admin's) view of a course with its
//! Markdown sources, the edits they send, media uploads and imports.
//!
//! Every edit answers with the course's new `version`, so an editor can tell its autosave landed;
//! outline changes name the version they were made against and get 409 when it is stale.

use super::courses::{CourseLanguage, CourseLevel, CourseStatus, CourseSummary, Price};
use crate::domain::{CategoryId, LessonId, ModuleId};

/// `POST /api/courses` body: a new draft course. Everything else starts empty.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCourse {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub title: String,
    pub language: CourseLanguage,
    pub level: CourseLevel,
}

/// `PATCH /api/courses/{course}` body: the fields present are changed, absent ones kept.
/// `category`, `cover` and `price` take `null` to clear them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<CourseLanguage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<CourseLevel>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::api::double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid))]
    pub category: Option<Option<CategoryId>>,
    /// A media hash from `POST /api/media`, or `null` to remove the cover.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::api::double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub cover: Option<Option<String>>,
    /// `null` makes the course free.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::api::double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Price>))]
    pub price: Option<Option<Price>>,
}

/// `PUT /api/courses/{course}/status` body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChange {
    /// `draft` → `published` (needs at least one lesson) → `archived`; an archived course may be
    /// published again.
    pub status: CourseStatus,
}

/// A lesson in the authoring outline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonDraftOutline {
    pub id: LessonId,
    pub title: String,
    pub estimated_minutes: u32,
}

/// A module in the authoring outline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleDraft {
    pub id: ModuleId,
    pub title: String,
    pub lessons: Vec<LessonDraftOutline>,
}

/// `GET /api/courses/{course}/draft`: everything the editor shows of a course.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseDraft {
    #[serde(flatten)]
    pub summary: CourseSummary,
    /// Markdown source of the description.
    pub description: String,
    /// The media hash of the cover, as `PATCH` takes it.
    pub cover: Option<String>,
    pub modules: Vec<ModuleDraft>,
    /// Grows by one with every saved change; outline edits name it. (When it was last saved is
    /// the summary's `updated_at`.)
    pub version: u32,
}

/// The answer to every course edit: the new version and when it was saved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Saved {
    pub version: u32,
    pub updated_at: super::Timestamp,
}

/// `POST /api/courses/{course}/modules` and `PATCH .../modules/{module}` body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub title: String,
}

/// `POST /api/courses/{course}/modules/{module}/lessons` body: a new lesson at the module's end.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewLesson {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub title: String,
}

/// `PATCH /api/courses/{course}/lessons/{lesson}` body: the fields present are changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub title: Option<String>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// An `https://` address, or `null` to remove the video.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::api::double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub video_url: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_minutes: Option<u32>,
}

/// `GET`/`PATCH /api/courses/{course}/lessons/{lesson}/draft`: a lesson as its author edits it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonDraft {
    pub id: LessonId,
    pub module_id: ModuleId,
    pub title: String,
    /// Markdown source.
    pub body: String,
    /// What learners will see: `body` rendered and sanitised (the preview).
    pub html: String,
    pub video_url: Option<String>,
    pub estimated_minutes: u32,
    /// The course's version after this lesson was last saved.
    pub version: u32,
    pub updated_at: super::Timestamp,
}

/// One module's place in `PUT /api/courses/{course}/outline`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleOrder {
    pub id: ModuleId,
    /// Every lesson that belongs in this module, in order (lessons may move between modules).
    pub lessons: Vec<LessonId>,
}

/// `PUT /api/courses/{course}/outline` body: the whole new order. It must name exactly the
/// course's modules and lessons, and `version` must be the current one; otherwise 409 and nothing
/// changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutlineOrder {
    pub version: u32,
    pub modules: Vec<ModuleOrder>,
}

/// `POST /api/content/preview` body and answer: Markdown in, the sanitised HTML learners would get.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkdownPreview {
    #[serde(default)]
    pub markdown: String,
    #[serde(default)]
    pub html: String,
}

/// `POST /api/media` answer: an uploaded image, stored under the hash of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaItem {
    /// SHA-256 of the bytes, lowercase hex: the name `PATCH` takes as a cover.
    pub hash: String,
    /// Where it is served (`/media/{hash}`), for Markdown `![](...)` and `<img>`.
    pub url: String,
    /// `image/png`, `image/jpeg`, `image/webp` or `image/gif`, read from the bytes.
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

crate::stored_codes! {
    /// What an import did with one file of the folder or zip.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum ImportOutcome {
        /// Became a lesson.
        Lesson = "lesson",
        /// Stored as media a lesson refers to.
        Media = "media",
        /// Read for structure (`SUMMARY.md`, `book.toml`).
        Structure = "structure",
        /// Not used (not Markdown, not referenced).
        Skipped = "skipped",
        /// A lesson refers to it but it is not there (the lesson is imported anyway).
        Missing = "missing",
        /// Could not be used (not UTF-8, not an image, too large); the message says why.
        Rejected = "rejected",
    }
}

/// One line of an import's per-file report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportFile {
    /// Path inside the folder or zip, `/`-separated.
    pub path: String,
    pub outcome: ImportOutcome,
    /// Why, for `missing`, `rejected` and `skipped`.
    pub message: Option<String>,
}

/// A lesson an import will create (or created).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportLesson {
    pub title: String,
    /// The file it comes from.
    pub path: String,
    pub estimated_minutes: u32,
}

/// A module an import will create (or created).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportModule {
    pub title: String,
    pub lessons: Vec<ImportLesson>,
}

/// `POST /api/courses/import` answer: what was (with `?dry_run=true`: would be) created, and what
/// happened to every file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub title: String,
    pub language: CourseLanguage,
    pub modules: Vec<ImportModule>,
    pub files: Vec<ImportFile>,
    /// The new draft course; `null` for a dry run.
    pub course_id: Option<crate::domain::CourseId>,
}
