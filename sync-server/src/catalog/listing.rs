//! The catalog listing: published courses filtered by category, level, language and price, in one
//! of three orders, a page at a time behind an opaque cursor.
//!
//! Owns the listing's SQL and its cursor format. Never lists a draft or an archived course, and
//! never reads who is asking: a listing is the same for everyone (so it can be cached).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use shared::api::courses::{
    CourseLanguage, CourseLevel, CoursePage, CourseSort, CourseSummary, PriceFilter,
};
use shared::validate::Invalid;

use super::{CourseRow, SUMMARY_COLUMNS};
use crate::db::{on_pool, Db};
use crate::error::{Error, Result};

/// What a listing shows: its filters, order, page size and where the page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogQuery {
    pub sort: CourseSort,
    /// A category's slug.
    pub category: Option<String>,
    pub level: Option<CourseLevel>,
    pub language: Option<CourseLanguage>,
    pub price: Option<PriceFilter>,
    pub limit: u32,
    pub cursor: Option<Cursor>,
}

impl CatalogQuery {
    /// The query in one canonical text, whatever order or spelling the request used: the key
    /// of the listing in the catalog cache.
    pub fn cache_key(&self) -> String {
        format!(
            "courses?sort={}&category={}&level={}&language={}&price={}&limit={}&cursor={}",
            self.sort.code(),
            self.category.as_deref().unwrap_or(""),
            self.level.map_or("", CourseLevel::code),
            self.language.map_or("", CourseLanguage::code),
            self.price.map_or("", PriceFilter::code),
            self.limit,
            self.cursor.as_ref().map(Cursor::encode).unwrap_or_default(),
        )
    }
}

/// Where the next page starts: just after the course with this sort key and id, in the order
/// of `sort`. On the wire it is opaque: base64url of a versioned text naming the sort, so a
/// cursor is only ever read back in the order that issued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    sort: CourseSort,
    key: SortKey,
    after_id: uuid::Uuid,
}

/// The sort key of the last course of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    PublishedAt(DateTime<Utc>),
    Rating { centi: i32, count: i32 },
    Enrollments(i32),
}

const CURSOR_VERSION: &str = "c2";

impl Cursor {
    pub fn encode(&self) -> String {
        let key = match self.key {
            SortKey::PublishedAt(at) => at.to_rfc3339_opts(SecondsFormat::Nanos, true),
            SortKey::Rating { centi, count } => format!("{centi}.{count}"),
            SortKey::Enrollments(count) => count.to_string(),
        };
        URL_SAFE_NO_PAD.encode(format!(
            "{CURSOR_VERSION}|{}|{key}|{}",
            self.sort.code(),
            self.after_id.hyphenated()
        ))
    }

    /// Reads a cursor issued for a listing in `sort` order; anything else (another order, an
    /// older format, a forged text) is 400 `validation_failed` on `cursor`.
    pub fn decode(text: &str, sort: CourseSort) -> Result<Self> {
        let invalid = || Error::Validation {
            field: "cursor",
            reason: Invalid::NotIssued,
        };
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let parts: Vec<&str> = text.split('|').collect();
        let [CURSOR_VERSION, sort_code, key, id] = parts[..] else {
            return Err(invalid());
        };
        if sort_code != sort.code() {
            return Err(invalid());
        }
        let key = match sort {
            CourseSort::Newest => SortKey::PublishedAt(
                DateTime::parse_from_rfc3339(key)
                    .map_err(|_| invalid())?
                    .with_timezone(&Utc),
            ),
            CourseSort::TopRated => {
                let (centi, count) = key.split_once('.').ok_or_else(invalid)?;
                SortKey::Rating {
                    centi: counter(centi).ok_or_else(invalid)?,
                    count: counter(count).ok_or_else(invalid)?,
                }
            }
            CourseSort::MostEnrolled => SortKey::Enrollments(counter(key).ok_or_else(invalid)?),
        };
        let after_id = uuid::Uuid::try_parse(id).map_err(|_| invalid())?;
        Ok(Self {
            sort,
            key,
            after_id,
        })
    }
}

/// A non-negative counter as a cursor writes it (digits only: no sign, no spaces).
fn counter(text: &str) -> Option<i32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A listing row: the summary plus the one sort column a summary does not carry.
#[derive(sqlx::FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    course: CourseRow,
    rating_centi: i32,
}

/// A value bound into the listing's SQL.
enum Arg {
    Text(String),
    Int(i32),
    Time(DateTime<Utc>),
}

/// Adds `arg` to the bound values; its placeholder.
fn bind(arg: Arg, args: &mut Vec<Arg>) -> String {
    args.push(arg);
    format!("${}", args.len())
}

/// One page of the catalog's published courses in the query's order, at most `limit` courses.
/// An unknown category slug is 400 on `category`.
pub async fn list_courses(db: &Db, query: &CatalogQuery) -> Result<CoursePage> {
    let mut conditions = vec!["c.status = 'published'".to_owned()];
    let mut args: Vec<Arg> = Vec::new();
    if let Some(slug) = &query.category {
        let p = bind(Arg::Text(category_id(db, slug).await?), &mut args);
        conditions.push(format!("c.category_id = {p}"));
    }
    if let Some(level) = query.level {
        let p = bind(Arg::Text(level.code().to_owned()), &mut args);
        conditions.push(format!("c.level = {p}"));
    }
    if let Some(language) = query.language {
        let p = bind(Arg::Text(language.code().to_owned()), &mut args);
        conditions.push(format!("c.language = {p}"));
    }
    match query.price {
        Some(PriceFilter::Free) => conditions.push("c.price_minor = 0".to_owned()),
        Some(PriceFilter::Paid) => conditions.push("c.price_minor > 0".to_owned()),
        None => {}
    }
    // Every order is descending with the id as the last tie-breaker, so "after the cursor" is
    // one row-value comparison that the sort's index answers.
    let (columns, order) = match query.sort {
        CourseSort::Newest => ("c.published_at, c.id", "c.published_at DESC, c.id DESC"),
        CourseSort::TopRated => (
            "c.rating_centi, c.rating_count, c.id",
            "c.rating_centi DESC, c.rating_count DESC, c.id DESC",
        ),
        CourseSort::MostEnrolled => (
            "c.enrollment_count, c.id",
            "c.enrollment_count DESC, c.id DESC",
        ),
    };
    if query.sort == CourseSort::Newest {
        // A published course always has its date; one without could never be paged past.
        conditions.push("c.published_at IS NOT NULL".to_owned());
    }
    if let Some(cursor) = &query.cursor {
        let mut values = Vec::new();
        match cursor.key {
            SortKey::PublishedAt(at) => values.push(bind(Arg::Time(at), &mut args)),
            SortKey::Rating { centi, count } => {
                values.push(bind(Arg::Int(centi), &mut args));
                values.push(bind(Arg::Int(count), &mut args));
            }
            SortKey::Enrollments(count) => values.push(bind(Arg::Int(count), &mut args)),
        }
        values.push(bind(
            Arg::Text(cursor.after_id.hyphenated().to_string()),
            &mut args,
        ));
        conditions.push(format!("({columns}) < ({})", values.join(", ")));
    }
    // One extra row tells whether another page follows.
    let limit = bind(Arg::Int(query.limit as i32 + 1), &mut args);
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, c.rating_centi FROM courses c \
         JOIN users u ON u.id = c.teacher_id WHERE {} ORDER BY {order} LIMIT {limit}",
        conditions.join(" AND ")
    );
    let mut rows: Vec<ListedRow> = on_pool!(db, pool => {
        let mut q = sqlx::query_as(&sql);
        for arg in &args {
            q = match arg {
                Arg::Text(text) => q.bind(text),
                Arg::Int(n) => q.bind(n),
                Arg::Time(at) => q.bind(at),
            };
        }
        q.fetch_all(pool).await?
    });

    let has_more = rows.len() > query.limit as usize;
    rows.truncate(query.limit as usize);
    let next_cursor = match rows.last() {
        Some(last) if has_more => Some(cursor_after(query.sort, last)?.encode()),
        _ => None,
    };
    let items = rows
        .into_iter()
        .map(|row| CourseSummary::try_from(row.course))
        .collect::<Result<Vec<_>>>()?;
    Ok(CoursePage { items, next_cursor })
}

/// The cursor of the page that starts after `row`.
fn cursor_after(sort: CourseSort, row: &ListedRow) -> Result<Cursor> {
    let course = &row.course;
    let key = match sort {
        CourseSort::Newest => SortKey::PublishedAt(course.published_at.ok_or_else(|| {
            Error::Internal(format!("published course {} has no date", course.id))
        })?),
        CourseSort::TopRated => SortKey::Rating {
            centi: row.rating_centi,
            count: course.rating_count,
        },
        CourseSort::MostEnrolled => SortKey::Enrollments(course.enrollment_count),
    };
    let after_id = uuid::Uuid::try_parse(course.id.as_str())
        .map_err(|_| Error::Internal(format!("course id {:?} is not a UUID", course.id)))?;
    Ok(Cursor {
        sort,
        key,
        after_id,
    })
}

/// The id of the category with `slug`; 400 on `category` naming the slugs there are otherwise.
async fn category_id(db: &Db, slug: &str) -> Result<String> {
    let found: Option<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT id FROM categories WHERE slug = $1")
            .bind(slug)
            .fetch_optional(pool)
            .await?
    });
    if let Some(id) = found {
        return Ok(id);
    }
    let allowed: Vec<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT slug FROM categories ORDER BY slug")
            .fetch_all(pool)
            .await?
    });
    Err(Error::Validation {
        field: "category",
        reason: Invalid::NotOneOf { allowed },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursors() -> Vec<Cursor> {
        let id = uuid::Uuid::now_v7();
        vec![
            Cursor {
                sort: CourseSort::Newest,
                key: SortKey::PublishedAt(Utc::now()),
                after_id: id,
            },
            Cursor {
                sort: CourseSort::TopRated,
                key: SortKey::Rating {
                    centi: 433,
                    count: 3,
                },
                after_id: id,
            },
            Cursor {
                sort: CourseSort::MostEnrolled,
                key: SortKey::Enrollments(12),
                after_id: id,
            },
        ]
    }

    #[test]
    fn cursors_round_trip_in_their_own_order_and_are_url_safe() {
        for cursor in cursors() {
            let text = cursor.encode();
            assert!(text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
            assert_eq!(Cursor::decode(&text, cursor.sort).unwrap(), cursor);
        }
    }

    #[test]
    fn a_cursor_from_another_order_is_refused() {
        for cursor in cursors() {
            let text = cursor.encode();
            for sort in [
                CourseSort::Newest,
                CourseSort::TopRated,
                CourseSort::MostEnrolled,
            ] {
                if sort != cursor.sort {
                    assert!(Cursor::decode(&text, sort).is_err(), "{sort:?}");
                }
            }
        }
    }

    #[test]
    fn foreign_cursors_are_rejected() {
        let id = uuid::Uuid::now_v7();
        let forged = [
            URL_SAFE_NO_PAD.encode("c1:nope"),
            URL_SAFE_NO_PAD.encode(format!("c1:{id}")),
            URL_SAFE_NO_PAD.encode(id.to_string()),
            URL_SAFE_NO_PAD.encode(format!("c2|most_enrolled|-1|{id}")),
            URL_SAFE_NO_PAD.encode(format!("c2|most_enrolled| 1|{id}")),
            URL_SAFE_NO_PAD.encode(format!("c2|most_enrolled|1|{id}|x")),
            URL_SAFE_NO_PAD.encode("c2|most_enrolled|1|not-a-uuid"),
            URL_SAFE_NO_PAD.encode(format!("c3|most_enrolled|1|{id}")),
        ];
        for text in ["", "%%%", "not base64!"]
            .into_iter()
            .chain(forged.iter().map(String::as_str))
        {
            let err = Cursor::decode(text, CourseSort::MostEnrolled).unwrap_err();
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
