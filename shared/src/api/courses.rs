//! The course catalog as the API shows it.

use super::Page;

crate::stored_codes! {
    /// The language a course is taught in.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum CourseLanguage {
        En = "en",
        Ru = "ru",
    }
}

crate::stored_codes! {
    /// How much a learner should know before starting a course.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum CourseLevel {
        Beginner = "beginner",
        Intermediate = "intermediate",
        Advanced = "advanced",
    }
}

crate::stored_codes! {
    /// Where a course is in its life: only `published` courses are listed, found by search and
    /// open to enrollment; `archived` ones stay readable by those already enrolled.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum CourseStatus {
        Draft = "draft",
        Published = "published",
        Archived = "archived",
    }
}

crate::stored_codes! {
    /// The order of a catalog listing.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum CourseSort {
        /// Most recently published first (the default).
        Newest = "newest",
        /// Highest average rating first; courses without reviews last.
        TopRated = "top_rated",
        /// Most enrollments first.
        MostEnrolled = "most_enrolled",
    }
}

crate::stored_codes! {
    /// The price filter of a catalog listing.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum PriceFilter {
        Free = "free",
        Paid = "paid",
    }
}

/// What a paid course costs. A free course has no price (`null`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Price {
    /// In the currency's minor unit (cents, kopecks), 1 or more.
    pub amount_minor: u32,
    /// ISO 4217 code, one of `validate::CURRENCIES` (`USD`, `EUR`, `RUB`, ...).
    pub currency: String,
}

/// A course's ratings: the average is derived from `count` and the sum of stars, always current.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    /// Mean stars, 1.0 to 5.0; `null` while there are no reviews.
    pub average: Option<f32>,
    /// How many reviews.
    pub count: u32,
}

/// The teacher of a course, as learners see them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeacherRef {
    pub id: crate::domain::UserId,
    pub display_name: String,
}

/// A catalog category, with its name in both interface languages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub id: crate::domain::CategoryId,
    /// URL-safe unique name, e.g. `programming`.
    pub slug: String,
    pub name_en: String,
    pub name_ru: String,
    /// How many published courses it holds.
    pub course_count: u32,
}

/// `POST /api/categories` and `PATCH /api/categories/{id}` body (admins).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryInput {
    /// 2 to 40 of `a-z 0-9 -`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9-]{2,40}$"))]
    pub slug: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub name_en: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub name_ru: String,
}

/// A course as listed in the catalog (and in "My learning" and a teacher's list).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseSummary {
    /// UUID v7, as text.
    pub id: crate::domain::CourseId,
    /// URL-safe unique name, e.g. `rust-from-zero`.
    pub slug: String,
    pub title: String,
    pub subtitle: String,
    pub language: CourseLanguage,
    pub level: CourseLevel,
    pub status: CourseStatus,
    pub category: Option<crate::domain::CategoryId>,
    /// Path of the cover image (`/media/...`), if it has one.
    pub cover_url: Option<String>,
    /// `null` for a free course.
    pub price: Option<Price>,
    pub rating: Rating,
    pub enrollment_count: u32,
    pub teacher: TeacherRef,
    /// Estimated time to finish, in minutes: the sum of its lessons' estimates.
    pub estimated_minutes: u32,
    /// How many lessons the course has.
    pub lesson_count: u32,
    /// When it was first published; `null` for a draft never published.
    pub published_at: Option<super::Timestamp>,
    /// When its details, outline or a lesson last changed (the teachers' dashboard says "edited
    /// 5 minutes ago"; an offline copy older than this is refreshed). Copies of a course saved by
    /// a client before this field existed read it as 1970.
    #[serde(default = "super::Timestamp::unix_epoch")]
    pub updated_at: super::Timestamp,
}

/// `GET /api/courses` response.
pub type CoursePage = Page<CourseSummary>;

/// A lesson in a course's syllabus.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonOutline {
    pub id: crate::domain::LessonId,
    pub title: String,
    pub estimated_minutes: u32,
    /// Whether the lesson has a video.
    pub has_video: bool,
}

/// A module in a course's syllabus, its lessons in order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleOutline {
    pub id: crate::domain::ModuleId,
    pub title: String,
    pub lessons: Vec<LessonOutline>,
}

/// `GET /api/courses/{course}`: the course page, the same for everyone who may see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseDetail {
    #[serde(flatten)]
    pub summary: CourseSummary,
    /// The description, rendered from Markdown and sanitised on the server.
    pub description_html: String,
    pub modules: Vec<ModuleOutline>,
}

/// A neighbouring lesson, for previous / next links.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonRef {
    pub id: crate::domain::LessonId,
    pub title: String,
}

/// `GET /api/courses/{course}/lessons/{lesson}`: a lesson as an enrolled learner (or the
/// course's teacher, or an admin) reads it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonView {
    pub id: crate::domain::LessonId,
    pub course_id: crate::domain::CourseId,
    pub course_title: String,
    pub module_id: crate::domain::ModuleId,
    pub module_title: String,
    pub title: String,
    /// Rendered from Markdown and sanitised on the server: safe to insert as HTML.
    pub html: String,
    /// An `https://` video address, if the lesson has one.
    pub video_url: Option<String>,
    pub estimated_minutes: u32,
    /// 1-based place of the lesson in the whole course, and the course's lesson count.
    pub position: u32,
    pub lesson_count: u32,
    pub previous: Option<LessonRef>,
    pub next: Option<LessonRef>,
    /// The lesson's quiz as last published (questions with their answers: quizzes are for
    /// learning, not exams), `null` when it has none. Absent in lessons saved offline before
    /// quizzes existed.
    #[serde(default)]
    pub quiz: Option<super::quizzes::QuizView>,
    /// A short summary and key points, made in the background after the lesson was published or
    /// changed; `None` until then. Travels with the lesson into the offline download.
    #[serde(default)]
    pub summary: Option<LessonSummary>,
}

/// A lesson's summary block.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonSummary {
    pub summary: String,
    pub key_points: Vec<String>,
    /// Made by the built-in offline provider (sentences picked from the lesson), not by a
    /// language model: the page says so.
    pub made_without_llm: bool,
}

/// The caller's enrollment in one course (`GET`/`POST /api/courses/{course}/enrollment`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrollment {
    pub course_id: crate::domain::CourseId,
    /// `null` when the caller is not enrolled.
    pub enrolled_at: Option<super::Timestamp>,
}

/// An entry of "My learning" (`GET /api/me/courses`): a course the caller is enrolled in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolledCourse {
    pub course: CourseSummary,
    pub enrolled_at: super::Timestamp,
    /// Lessons of the course the learner has completed, as the server last synced their progress
    /// document (the client's own document may be ahead offline).
    #[serde(default)]
    pub lessons_completed: u32,
    /// When the learner had completed every lesson (recorded once); null until then.
    #[serde(default)]
    pub completed_at: Option<super::Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for lang in [CourseLanguage::En, CourseLanguage::Ru] {
            assert_eq!(CourseLanguage::from_code(lang.code()), Some(lang));
        }
        for level in [
            CourseLevel::Beginner,
            CourseLevel::Intermediate,
            CourseLevel::Advanced,
        ] {
            assert_eq!(CourseLevel::from_code(level.code()), Some(level));
        }
        assert_eq!(CourseLevel::from_code("expert"), None);
        assert_eq!(CourseLanguage::from_code("EN"), None);
    }

    #[test]
    fn wire_codes_match_stored_codes() {
        let json = serde_json::to_string(&CourseLevel::Intermediate).unwrap();
        assert_eq!(json, format!("\"{}\"", CourseLevel::Intermediate.code()));
        let json = serde_json::to_string(&CourseLanguage::Ru).unwrap();
        assert_eq!(json, format!("\"{}\"", CourseLanguage::Ru.code()));
    }
}
