//! The course catalog: listing courses page by page, and the demo courses.
//!
//! Owns the catalog's SQL and its pagination cursor. Knows nothing of HTTP: callers get domain values
//! and `Error`s, and decide how to present them.

pub mod demo;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use shared::api::courses::{CourseLanguage, CourseLevel, CoursePage, CourseSummary};
use shared::domain::CourseId;

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

#[derive(sqlx::FromRow)]
struct CourseRow {
    id: CourseId,
    slug: String,
    title: String,
    subtitle: String,
    language: String,
    level: String,
    estimated_minutes: i32,
    lesson_count: i32,
}

impl TryFrom<CourseRow> for CourseSummary {
    type Error = Error;

    fn try_from(row: CourseRow) -> Result<Self> {
        let corrupt = |what: &str| Error::Internal(format!("course {}: bad {what}", row.id));
        Ok(Self {
            language: CourseLanguage::from_code(&row.language)
                .ok_or_else(|| corrupt("language"))?,
            level: CourseLevel::from_code(&row.level).ok_or_else(|| corrupt("level"))?,
            estimated_minutes: u32::try_from(row.estimated_minutes)
                .map_err(|_| corrupt("estimated_minutes"))?,
            lesson_count: u32::try_from(row.lesson_count).map_err(|_| corrupt("lesson_count"))?,
            id: row.id,
            slug: row.slug,
            title: row.title,
            subtitle: row.subtitle,
        })
    }
}

/// One page of the catalog, oldest course first, at most `limit` courses.
pub async fn list_courses(db: &Db, limit: u32, cursor: Option<&Cursor>) -> Result<CoursePage> {
    // Every id is greater than the empty string, so the first page needs no second SQL text.
    let after = cursor
        .map(|c| c.after_id.hyphenated().to_string())
        .unwrap_or_default();
    // One extra row tells whether another page follows.
    let fetch = i64::from(limit) + 1;
    let sql = "SELECT id, slug, title, subtitle, language, level, estimated_minutes, lesson_count \
               FROM courses WHERE id > $1 ORDER BY id LIMIT $2";
    let mut rows: Vec<CourseRow> = on_pool!(db, pool => {
        sqlx::query_as(sql).bind(&after).bind(fetch).fetch_all(pool).await?
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
