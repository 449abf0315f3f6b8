//! Full-text search over published courses and their lessons (`GET /api/search`).

use super::courses::CourseLanguage;
use crate::domain::{CourseId, LessonId};

crate::stored_codes! {
    /// What a search hit points at.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum HitKind {
        Course = "course",
        Lesson = "lesson",
    }
}

/// One search hit. Course and lesson hits are ranked together, best first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub kind: HitKind,
    pub course_id: CourseId,
    pub course_title: String,
    /// For lesson hits.
    pub lesson_id: Option<LessonId>,
    /// The course's title for a course hit, the lesson's for a lesson hit.
    pub title: String,
    pub language: CourseLanguage,
    /// A short excerpt, HTML-escaped, with the matched words in `<mark>`…`</mark>` (no other tags).
    pub snippet: String,
    /// Higher is better; only comparable within one response.
    pub score: f32,
}

/// `GET /api/search` response.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// The query as understood (trimmed).
    pub query: String,
    pub hits: Vec<SearchHit>,
}
