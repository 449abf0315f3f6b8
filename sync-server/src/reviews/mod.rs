//! Course reviews: 1 to 5 stars and a text by an enrolled learner (one per course, editable,
//! deletable), the teacher's one reply, and the public list, newest first.
//!
//! Owns `course_reviews` and the course's `rating_count`, `rating_sum` and `rating_centi`, which
//! change in the same transaction as the review, by atomic increments. Every write first locks the
//! course row, so concurrent writes to one course's reviews queue instead of losing an update.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use shared::api::accounts::Role;
use shared::api::courses::CourseStatus;
use shared::api::reviews::{ReplyInput, Review, ReviewInput, ReviewPage, ReviewReply};
use shared::domain::{CourseId, ReviewId, UserId};
use shared::validate::Invalid;

use crate::catalog::course_page::{visible_course, Viewer};
use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};

/// Where the next page of reviews starts: after the review with this id (v7 ids are in creation
/// order). Opaque on the wire: base64url of a versioned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewCursor {
    before_id: uuid::Uuid,
}

const CURSOR_PREFIX: &str = "r1|";

impl ReviewCursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}", self.before_id.hyphenated()))
    }

    pub fn decode(text: &str) -> Result<Self> {
        let invalid = || Error::Validation {
            field: "cursor",
            reason: Invalid::NotIssued,
        };
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let id = text.strip_prefix(CURSOR_PREFIX).ok_or_else(invalid)?;
        let before_id = uuid::Uuid::try_parse(id).map_err(|_| invalid())?;
        Ok(Self { before_id })
    }
}

const REVIEW_COLUMNS: &str = "r.id, r.course_id, u.display_name AS author, r.stars, r.body, \
    r.reply, r.replied_at, r.created_at, r.updated_at";

#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: ReviewId,
    course_id: CourseId,
    author: Option<String>,
    stars: i32,
    body: String,
    reply: Option<String>,
    replied_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<ReviewRow> for Review {
    fn from(row: ReviewRow) -> Self {
        Self {
            id: row.id,
            course_id: row.course_id,
            author: row.author,
            stars: u8::try_from(row.stars).unwrap_or(0),
            body: row.body,
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
            reply: match (row.reply, row.replied_at) {
                (Some(body), Some(at)) => Some(ReviewReply {
                    body,
                    replied_at: at.into(),
                }),
                _ => None,
            },
        }
    }
}

/// One page of a course's reviews, newest first (404 for a course the viewer cannot see), with the
/// course's status: a published course's page is the same for everyone.
pub async fn list_reviews(
    db: &Db,
    reference: &str,
    viewer: Viewer<'_>,
    limit: u32,
    cursor: Option<&ReviewCursor>,
) -> Result<(ReviewPage, CourseStatus)> {
    let (course, _) = visible_course(db, reference, viewer).await?;
    // Every v7 id sorts below "g" (ids are lowercase hex with hyphens), so the first page needs
    // no second SQL text.
    let before = cursor
        .map(|c| c.before_id.hyphenated().to_string())
        .unwrap_or_else(|| "g".to_owned());
    let sql = format!(
        "SELECT {REVIEW_COLUMNS} FROM course_reviews r LEFT JOIN users u ON u.id = r.user_id \
         WHERE r.course_id = $1 AND r.id < $2 ORDER BY r.id DESC LIMIT $3"
    );
    let mut rows: Vec<ReviewRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql)
            .bind(&course.id)
            .bind(&before)
            .bind(i64::from(limit) + 1)
            .fetch_all(pool)
            .await?
    });
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = match rows.last() {
        Some(last) if has_more => {
            let before_id = uuid::Uuid::try_parse(last.id.as_str())
                .map_err(|_| Error::Internal(format!("review id {:?} is not a UUID", last.id)))?;
            Some(ReviewCursor { before_id }.encode())
        }
        _ => None,
    };
    let page = ReviewPage {
        items: rows.into_iter().map(Review::from).collect(),
        next_cursor,
    };
    Ok((page, course.status()))
}

/// The caller's review of a course; 404 when they have none.
pub async fn my_review(db: &Db, reference: &str, user: &UserId, role: Role) -> Result<Review> {
    let viewer = Viewer::User { id: user, role };
    let (course, _) = visible_course(db, reference, viewer).await?;
    let sql = format!(
        "SELECT {REVIEW_COLUMNS} FROM course_reviews r LEFT JOIN users u ON u.id = r.user_id \
         WHERE r.course_id = $1 AND r.user_id = $2"
    );
    let row: Option<ReviewRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(&course.id).bind(user).fetch_optional(pool).await?
    });
    row.map(Review::from)
        .ok_or_else(|| Error::NotFound("you have not reviewed this course".into()))
}

/// Locks the course's row for the rest of `tx` (a no-op update): writers of its ratings queue
/// here, and each then reads the others' committed reviews.
async fn lock_course(tx: &mut Tx, course: &CourseId) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE courses SET rating_count = rating_count WHERE id = $1")
            .bind(course)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Adds `count` reviews and `stars` stars to the course's ratings (negative to take away), and
/// recomputes the average in hundredths from the new totals, in one statement.
async fn add_to_ratings(tx: &mut Tx, course: &CourseId, count: i32, stars: i32) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE courses SET rating_count = rating_count + $2, rating_sum = rating_sum + $3, \
                 rating_centi = CASE WHEN rating_count + $2 > 0 \
                     THEN ((rating_sum + $3) * 100) / (rating_count + $2) ELSE 0 END \
             WHERE id = $1",
        )
        .bind(course)
        .bind(count)
        .bind(stars)
        .execute(&mut *conn)
        .await?;
    });
    tx.changed_catalog();
    Ok(())
}

/// Writes or rewrites the caller's review. Only learners enrolled in the course may (403), and
/// never its own teacher.
pub async fn write_review(
    db: &Db,
    reference: &str,
    user: &UserId,
    role: Role,
    input: &ReviewInput,
) -> Result<Review> {
    let stars = shared::validate::stars(input.stars).map_err(|reason| Error::Validation {
        field: "stars",
        reason,
    })?;
    let body = shared::validate::review_body(&input.body).map_err(|reason| Error::Validation {
        field: "body",
        reason,
    })?;
    let viewer = Viewer::User { id: user, role };
    let (course, enrolled) = visible_course(db, reference, viewer).await?;
    if course.teacher_id == *user {
        return Err(Error::Forbidden("you cannot review your own course".into()));
    }
    if !enrolled {
        return Err(Error::Forbidden(
            "only learners enrolled in this course may review it".into(),
        ));
    }
    let stars = i32::from(stars);
    let now = Utc::now();
    let mut tx = db.begin().await?;
    lock_course(&mut tx, &course.id).await?;
    let previous: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT stars FROM course_reviews WHERE course_id = $1 AND user_id = $2")
            .bind(&course.id)
            .bind(user)
            .fetch_optional(&mut *conn)
            .await?
    });
    match previous {
        Some(old) => {
            on_tx!(tx, conn => {
                sqlx::query(
                    "UPDATE course_reviews SET stars = $3, body = $4, updated_at = $5 \
                     WHERE course_id = $1 AND user_id = $2",
                )
                .bind(&course.id)
                .bind(user)
                .bind(stars)
                .bind(&body)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            });
            add_to_ratings(&mut tx, &course.id, 0, stars - old).await?;
        }
        None => {
            on_tx!(tx, conn => {
                sqlx::query(
                    "INSERT INTO course_reviews \
                         (id, course_id, user_id, stars, body, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6)",
                )
                .bind(ReviewId::new())
                .bind(&course.id)
                .bind(user)
                .bind(stars)
                .bind(&body)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            });
            add_to_ratings(&mut tx, &course.id, 1, stars).await?;
        }
    }
    tx.commit().await?;
    my_review(db, course.id.as_str(), user, role).await
}

/// Deletes the caller's review of a course (404 when they have none).
pub async fn delete_review(db: &Db, reference: &str, user: &UserId, role: Role) -> Result<()> {
    let viewer = Viewer::User { id: user, role };
    let (course, _) = visible_course(db, reference, viewer).await?;
    let mut tx = db.begin().await?;
    lock_course(&mut tx, &course.id).await?;
    let removed: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "DELETE FROM course_reviews WHERE course_id = $1 AND user_id = $2 RETURNING stars",
        )
        .bind(&course.id)
        .bind(user)
        .fetch_optional(&mut *conn)
        .await?
    });
    let Some(stars) = removed else {
        return Err(Error::NotFound("you have not reviewed this course".into()));
    };
    add_to_ratings(&mut tx, &course.id, -1, -stars).await?;
    tx.commit().await?;
    Ok(())
}

/// The course's teacher's (or an admin's) one reply to a review: 409 once it has one, 404 for
/// a review of another course, 403 for anyone else.
pub async fn reply(
    db: &Db,
    reference: &str,
    review: &str,
    user: &UserId,
    role: Role,
    input: &ReplyInput,
) -> Result<Review> {
    let viewer = Viewer::User { id: user, role };
    let (course, _) = visible_course(db, reference, viewer).await?;
    if !course.is_managed_by(viewer) {
        return Err(Error::Forbidden(
            "only the course's teacher may reply to its reviews".into(),
        ));
    }
    let no_such_review = || Error::NotFound("no such review of this course".into());
    let review: ReviewId = review.parse().map_err(|_| no_such_review())?;
    let body = shared::validate::reply_body(&input.body).map_err(|reason| Error::Validation {
        field: "body",
        reason,
    })?;
    let mut tx = db.begin().await?;
    let (replied, exists) = on_tx!(tx, conn => {
        let replied = sqlx::query(
            "UPDATE course_reviews SET reply = $3, replied_at = $4 \
             WHERE id = $1 AND course_id = $2 AND reply IS NULL",
        )
        .bind(&review)
        .bind(&course.id)
        .bind(&body)
        .bind(Utc::now())
        .execute(&mut *conn)
        .await?
        .rows_affected();
        let exists: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM course_reviews WHERE id = $1 AND course_id = $2",
        )
        .bind(&review)
        .bind(&course.id)
        .fetch_optional(&mut *conn)
        .await?;
        (replied, exists.is_some())
    });
    if !exists {
        return Err(no_such_review());
    }
    if replied == 0 {
        return Err(Error::Conflict("this review already has a reply".into()));
    }
    tx.changed_catalog();
    tx.commit().await?;
    let sql = format!(
        "SELECT {REVIEW_COLUMNS} FROM course_reviews r LEFT JOIN users u ON u.id = r.user_id \
         WHERE r.id = $1"
    );
    let row: Option<ReviewRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(&review).fetch_optional(pool).await?
    });
    row.map(Review::from).ok_or_else(no_such_review)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_cursors_round_trip_and_forged_ones_are_refused() {
        let cursor = ReviewCursor {
            before_id: uuid::Uuid::now_v7(),
        };
        assert_eq!(ReviewCursor::decode(&cursor.encode()).unwrap(), cursor);
        let forged = URL_SAFE_NO_PAD.encode("r1|x");
        for text in ["", "!!", forged.as_str()] {
            assert!(ReviewCursor::decode(text).is_err(), "{text}");
        }
    }
}
