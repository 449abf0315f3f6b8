//! Enrollment: a learner joining and leaving a course, and "My learning" (the caller's courses).
//!
//! Owns the `enrollments` rows and the course's `enrollment_count`, which changes in the same
//! transaction as the row it counts. Never takes a payment: a paid course is refused (402) with
//! nothing stored, until payments exist. Stores no lesson progress (learner documents do; `sync::projections` derives the figures).

use chrono::{DateTime, Utc};
use shared::api::accounts::Role;
use shared::api::courses::{CourseStatus, CourseSummary, EnrolledCourse, Enrollment};
use shared::domain::{CourseId, UserId};

use crate::catalog::course_page::{visible_course, Viewer};
use crate::catalog::{CourseRow, SUMMARY_COLUMNS};
use crate::db::{on_pool, on_tx, Db};
use crate::error::{Error, Result};

/// Whether an `enroll` made a new enrollment or found one already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enrolled {
    Now,
    Already,
}

/// The viewer's enrollment in the course `reference` names (404 if they may not see it).
pub async fn enrollment(db: &Db, reference: &str, user: &UserId, role: Role) -> Result<Enrollment> {
    let (course, _) = visible_course(db, reference, Viewer::User { id: user, role }).await?;
    let enrolled_at = enrolled_at(db, &course.id, user).await?;
    Ok(Enrollment {
        course_id: course.id,
        enrolled_at: enrolled_at.map(Into::into),
    })
}

async fn enrolled_at(db: &Db, course: &CourseId, user: &UserId) -> Result<Option<DateTime<Utc>>> {
    Ok(on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT created_at FROM enrollments WHERE course_id = $1 AND user_id = $2",
        )
        .bind(course)
        .bind(user)
        .fetch_optional(pool)
        .await?
    }))
}

/// Enrolls the viewer in a free published course at once; again is no change (`Already`). A
/// paid course is 402 `payment_required` and a course they cannot see 404, with nothing stored;
/// an archived course takes no new learners (409).
pub async fn enroll(
    db: &Db,
    reference: &str,
    user: &UserId,
    role: Role,
) -> Result<(Enrollment, Enrolled)> {
    let (course, enrolled) = visible_course(db, reference, Viewer::User { id: user, role }).await?;
    if !enrolled {
        if course.status() != CourseStatus::Published {
            return Err(Error::Conflict("this course takes no new learners".into()));
        }
        if !course.is_free() {
            return Err(Error::PaymentRequired(
                "this course is paid; paying for courses is coming soon".into(),
            ));
        }
    }
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let added = on_tx!(tx, conn => {
        let added = sqlx::query(
            "INSERT INTO enrollments (user_id, course_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, course_id) DO NOTHING",
        )
        .bind(user)
        .bind(&course.id)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if added == 1 {
            sqlx::query("UPDATE courses SET enrollment_count = enrollment_count + 1 WHERE id = $1")
                .bind(&course.id)
                .execute(&mut *conn)
                .await?;
        }
        added
    });
    if added == 1 {
        tx.changed_catalog();
    }
    tx.commit().await?;
    let enrolled_at = enrolled_at(db, &course.id, user).await?;
    let outcome = if added == 1 {
        Enrolled::Now
    } else {
        Enrolled::Already
    };
    Ok((
        Enrollment {
            course_id: course.id,
            enrolled_at: enrolled_at.map(Into::into),
        },
        outcome,
    ))
}

/// Takes the viewer out of the course; not enrolled is no change. Their review stays.
pub async fn leave(db: &Db, reference: &str, user: &UserId, role: Role) -> Result<()> {
    let (course, enrolled) = visible_course(db, reference, Viewer::User { id: user, role }).await?;
    if !enrolled {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    let removed = on_tx!(tx, conn => {
        let removed = sqlx::query("DELETE FROM enrollments WHERE user_id = $1 AND course_id = $2")
            .bind(user)
            .bind(&course.id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if removed == 1 {
            sqlx::query(
                "UPDATE courses SET enrollment_count = enrollment_count - 1 \
                 WHERE id = $1 AND enrollment_count > 0",
            )
            .bind(&course.id)
            .execute(&mut *conn)
            .await?;
        }
        removed
    });
    if removed == 1 {
        tx.changed_catalog();
    }
    // Leaving the course takes the learner off its leaderboard at once.
    crate::motivation::leaderboard::leave_in(&mut tx, &course.id, user).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EnrolledRow {
    #[sqlx(flatten)]
    course: CourseRow,
    enrolled_at: DateTime<Utc>,
}

/// "My learning": the courses `user` is enrolled in, most recently joined first, with the lessons
/// completed as the sync read models hold them. A course gone back to draft is left out (it is
/// not readable until published again).
pub async fn my_courses(db: &Db, user: &UserId) -> Result<Vec<EnrolledCourse>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, e.created_at AS enrolled_at FROM enrollments e \
         JOIN courses c ON c.id = e.course_id JOIN users u ON u.id = c.teacher_id \
         WHERE e.user_id = $1 AND c.status <> 'draft' \
         ORDER BY e.created_at DESC, e.course_id DESC"
    );
    let rows: Vec<EnrolledRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(user).fetch_all(pool).await?
    });
    let mut progress = crate::sync::projections::progress_of(db, user).await?;
    rows.into_iter()
        .map(|row| {
            let course = CourseSummary::try_from(row.course)?;
            let figures = progress.remove(&course.id).unwrap_or_default();
            Ok(EnrolledCourse {
                course,
                enrolled_at: row.enrolled_at.into(),
                lessons_completed: figures.lessons_completed,
                completed_at: figures.completed_at.map(Into::into),
            })
        })
        .collect()
}
