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

/// A course as listed in the catalog.
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
    /// Estimated time to finish, in minutes.
    pub estimated_minutes: u32,
    /// How many lessons the course has.
    pub lesson_count: u32,
}

/// `GET /api/courses` response.
pub type CoursePage = Page<CourseSummary>;

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
