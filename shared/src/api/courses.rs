//! The course catalog as the API shows it.

use super::Page;

/// The language a course is taught in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CourseLanguage {
    En,
    Ru,
}

/// How much a learner should know before starting a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CourseLevel {
    Beginner,
    Intermediate,
    Advanced,
}

impl CourseLanguage {
    /// The code stored in the database and sent on the wire (`en`, `ru`).
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ru => "ru",
        }
    }

    /// Parses a stored code; `None` for anything else.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "en" => Some(Self::En),
            "ru" => Some(Self::Ru),
            _ => None,
        }
    }
}

impl CourseLevel {
    /// The code stored in the database and sent on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Self::Beginner => "beginner",
            Self::Intermediate => "intermediate",
            Self::Advanced => "advanced",
        }
    }

    /// Parses a stored code; `None` for anything else.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "beginner" => Some(Self::Beginner),
            "intermediate" => Some(Self::Intermediate),
            "advanced" => Some(Self::Advanced),
            _ => None,
        }
    }
}

/// A course as listed in the catalog.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseSummary {
    /// UUID v7, as text.
    pub id: String,
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
