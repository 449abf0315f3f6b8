//! The course catalog: listing courses page by page (`listing`), the course and lesson pages
//! (`course_page`), the in-process cache of public reads (`cache`), authoring, lesson quizzes
//! (`quizzes`) and the demo courses.
//!
//! Owns the catalog's SQL and its pagination cursor. Knows nothing of HTTP: callers get domain values
//! and `Error`s, and decide how to present them.

pub mod authoring;
pub mod cache;
pub mod categories;
pub mod course_page;
pub mod decks;
pub mod demo;
pub mod import;
mod listing;
pub mod quizzes;

use shared::api::courses::{
    CourseLanguage, CourseLevel, CourseStatus, CourseSummary, Price, Rating, TeacherRef,
};
use shared::domain::{CategoryId, CourseId, UserId};

use crate::db::{on_pool, Db};
use crate::error::{Error, Result};

/// The columns of `courses` (aliased `c`, joined with its teacher `u`) that make a
/// `CourseSummary`; every listing selects exactly these.
pub(crate) const SUMMARY_COLUMNS: &str = "c.id, c.slug, c.title, c.subtitle, c.language, c.level, \
    c.status, c.category_id, c.cover_hash, c.price_minor, c.currency, c.rating_count, c.rating_sum, \
    c.enrollment_count, c.teacher_id, u.display_name AS teacher_name, c.estimated_minutes, \
    c.lesson_count, c.published_at, c.updated_at";

/// A `courses` row as `SUMMARY_COLUMNS` reads it.
#[derive(sqlx::FromRow)]
pub(crate) struct CourseRow {
    pub(crate) id: CourseId,
    slug: String,
    title: String,
    subtitle: String,
    language: String,
    level: String,
    status: String,
    category_id: Option<CategoryId>,
    cover_hash: Option<String>,
    price_minor: i32,
    currency: Option<String>,
    rating_count: i32,
    rating_sum: i32,
    enrollment_count: i32,
    teacher_id: UserId,
    teacher_name: Option<String>,
    estimated_minutes: i32,
    lesson_count: i32,
    published_at: Option<chrono::DateTime<chrono::Utc>>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

impl TryFrom<CourseRow> for CourseSummary {
    type Error = Error;

    fn try_from(row: CourseRow) -> Result<Self> {
        let corrupt = |what: &str| Error::Internal(format!("course {}: bad {what}", row.id));
        let count = |value: i32, what: &str| u32::try_from(value).map_err(|_| corrupt(what));
        let price = match (row.price_minor, row.currency) {
            (0, _) | (_, None) => None,
            (amount, Some(currency)) => Some(Price {
                amount_minor: count(amount, "price_minor")?,
                currency,
            }),
        };
        let rating_count = count(row.rating_count, "rating_count")?;
        Ok(Self {
            language: CourseLanguage::from_code(&row.language)
                .ok_or_else(|| corrupt("language"))?,
            level: CourseLevel::from_code(&row.level).ok_or_else(|| corrupt("level"))?,
            status: CourseStatus::from_code(&row.status).ok_or_else(|| corrupt("status"))?,
            category: row.category_id,
            cover_url: row.cover_hash.map(|hash| format!("/media/{hash}")),
            price,
            rating: Rating {
                average: (rating_count > 0).then(|| row.rating_sum as f32 / rating_count as f32),
                count: rating_count,
            },
            enrollment_count: count(row.enrollment_count, "enrollment_count")?,
            teacher: TeacherRef {
                id: row.teacher_id,
                display_name: row.teacher_name.unwrap_or_default(),
            },
            estimated_minutes: count(row.estimated_minutes, "estimated_minutes")?,
            lesson_count: count(row.lesson_count, "lesson_count")?,
            published_at: row.published_at.map(Into::into),
            updated_at: row.updated_at.into(),
            id: row.id,
            slug: row.slug,
            title: row.title,
            subtitle: row.subtitle,
        })
    }
}

pub use listing::{list_courses, CatalogQuery, Cursor};

/// How many courses the catalog holds.
pub async fn count_courses(db: &Db) -> Result<i64> {
    let (count,): (i64,) = on_pool!(db, pool => {
        sqlx::query_as("SELECT COUNT(*) FROM courses").fetch_one(pool).await?
    });
    Ok(count)
}
