//! The course catalog: listing courses page by page, and the demo courses.
//!
//! Owns the catalog's SQL and its pagination cursor. Knows nothing of HTTP: callers get domain values
//! and `Error`s, and decide how to present them.

pub mod authoring;
pub mod categories;
pub mod demo;
pub mod import;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use shared::api::courses::{
    CourseLanguage, CourseLevel, CoursePage, CourseStatus, CourseSummary, Price, Rating, TeacherRef,
};
use shared::domain::{CategoryId, CourseId, UserId};

use crate::db::{on_pool, Db};
use crate::error::{Error, Result};

/// Where the next page starts: just after the course with this id (ids are UUID v7, ordered by age).
///
/// On the wire it is opaque: base64url of a versioned text, so the sort key can change later without
/// old cursors being misread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    after_id: uuid::Uuid,
}

const CURSOR_PREFIX: &str = "c1:";

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}", self.after_id.hyphenated()))
    }

    pub fn decode(text: &str) -> Result<Self> {
        let invalid = || Error::Validation {
            field: "cursor",
            reason: shared::validate::Invalid::NotIssued,
        };
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let id = text.strip_prefix(CURSOR_PREFIX).ok_or_else(invalid)?;
        let after_id = uuid::Uuid::try_parse(id).map_err(|_| invalid())?;
        Ok(Self { after_id })
    }
}

/// The columns of `courses` (aliased `c`, joined with its teacher `u`) that make a
/// `CourseSummary`; every listing selects exactly these.
pub(crate) const SUMMARY_COLUMNS: &str = "c.id, c.slug, c.title, c.subtitle, c.language, c.level, \
    c.status, c.category_id, c.cover_hash, c.price_minor, c.currency, c.rating_count, c.rating_sum, \
    c.enrollment_count, c.teacher_id, u.display_name AS teacher_name, c.estimated_minutes, \
    c.lesson_count, c.published_at";

/// A `courses` row as `SUMMARY_COLUMNS` reads it.
#[derive(sqlx::FromRow)]
pub(crate) struct CourseRow {
    id: CourseId,
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
            id: row.id,
            slug: row.slug,
            title: row.title,
            subtitle: row.subtitle,
        })
    }
}

/// One page of the catalog's published courses, oldest first, at most `limit` courses.
pub async fn list_courses(db: &Db, limit: u32, cursor: Option<&Cursor>) -> Result<CoursePage> {
    // Every id is greater than the empty string, so the first page needs no second SQL text.
    let after = cursor
        .map(|c| c.after_id.hyphenated().to_string())
        .unwrap_or_default();
    // One extra row tells whether another page follows.
    let fetch = i64::from(limit) + 1;
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM courses c JOIN users u ON u.id = c.teacher_id \
         WHERE c.status = 'published' AND c.id > $1 ORDER BY c.id LIMIT $2"
    );
    let mut rows: Vec<CourseRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(&after).bind(fetch).fetch_all(pool).await?
    });

    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let items = rows
        .into_iter()
        .map(CourseSummary::try_from)
        .collect::<Result<Vec<_>>>()?;
    let next_cursor = match items.last() {
        Some(last) if has_more => {
            let after_id = uuid::Uuid::try_parse(last.id.as_str())
                .map_err(|_| Error::Internal(format!("course id {:?} is not a UUID", last.id)))?;
            Some(Cursor { after_id }.encode())
        }
        _ => None,
    };
    Ok(CoursePage { items, next_cursor })
}

/// How many courses the catalog holds.
pub async fn count_courses(db: &Db) -> Result<i64> {
    let (count,): (i64,) = on_pool!(db, pool => {
        sqlx::query_as("SELECT COUNT(*) FROM courses").fetch_one(pool).await?
    });
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_is_url_safe() {
        let cursor = Cursor {
            after_id: uuid::Uuid::now_v7(),
        };
        let text = cursor.encode();
        assert!(text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(Cursor::decode(&text).unwrap(), cursor);
    }

    #[test]
    fn foreign_cursors_are_rejected() {
        let not_uuid = URL_SAFE_NO_PAD.encode("c1:nope");
        let no_prefix = URL_SAFE_NO_PAD.encode(uuid::Uuid::now_v7().to_string());
        for text in ["", "%%%", "not base64!", &not_uuid, &no_prefix] {
            let err = Cursor::decode(text).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Validation {
                        field: "cursor",
                        ..
                    }
                ),
                "{text}: {err:?}"
            );
        }
    }
}
