//! Course authoring: what a teacher (for their own courses) or an admin (for any) writes, and the
//! rules that keep a course consistent while they do (counters, versions, order, the search index).
//!
//! Every write runs in one transaction, renders Markdown through `content::markdown`, bumps the
//! course's version and marks the transaction as a catalog change. Never checks who the caller is:
//! handlers do that with `require_course_owner` before calling in.

use shared::api::courses::{CourseLanguage, CourseLevel, Price};
use shared::domain::CategoryId;

/// A whole course as an import or the demo loader creates it in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCourseContent {
    pub title: String,
    pub subtitle: String,
    /// Markdown.
    pub description: String,
    pub language: CourseLanguage,
    pub level: CourseLevel,
    pub category: Option<CategoryId>,
    /// A media hash already stored (`media` table and store).
    pub cover: Option<String>,
    pub price: Option<Price>,
    pub modules: Vec<NewModuleContent>,
    /// Published at once (the CLI's `--publish`, the demo loader); a draft otherwise.
    pub publish: bool,
}

/// A module of a `NewCourseContent`, its lessons in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewModuleContent {
    pub title: String,
    pub lessons: Vec<NewLessonContent>,
}

/// A lesson of a `NewModuleContent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLessonContent {
    pub title: String,
    /// Markdown; image links already point at stored media (`/media/{hash}`).
    pub body: String,
    pub video_url: Option<String>,
    pub estimated_minutes: u32,
}
