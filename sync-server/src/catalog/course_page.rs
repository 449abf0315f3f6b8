//! The course page and the lesson page, and the rule of who may see a course at all: a published
//! course is everyone's, a draft only its teacher's and admins', an archived one also its
//! enrolled learners'. Everyone else is told the course does not exist (404).
//!
//! Owns those reads and that rule (enrollment and reviews ask it too). Never writes.

use shared::api::accounts::Role;
use shared::api::courses::{
    CourseDetail, CourseStatus, CourseSummary, LessonOutline, LessonRef, LessonView, ModuleOutline,
};
use shared::domain::{CourseId, LessonId, ModuleId, UserId};

use super::{CourseRow, SUMMARY_COLUMNS};
use crate::db::{on_pool, Db};
use crate::error::{Error, Result};

/// Who is reading: nobody signed in, or a user with a role.
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    Anonymous,
    User { id: &'a UserId, role: Role },
}

impl Viewer<'_> {
    fn user_id(&self) -> Option<&UserId> {
        match self {
            Self::Anonymous => None,
            Self::User { id, .. } => Some(id),
        }
    }
}

/// What the access rules need to know about a course.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CourseHead {
    pub id: CourseId,
    pub teacher_id: UserId,
    pub title: String,
    pub status: String,
    pub price_minor: i32,
}

impl CourseHead {
    pub fn status(&self) -> CourseStatus {
        // The column's CHECK admits only the three codes; an unknown one reads as a draft,
        // the most closed state.
        CourseStatus::from_code(&self.status).unwrap_or(CourseStatus::Draft)
    }

    pub fn is_free(&self) -> bool {
        self.price_minor == 0
    }

    /// Whether `viewer` teaches this course or is an admin (sees it in any state).
    pub fn is_managed_by(&self, viewer: Viewer<'_>) -> bool {
        match viewer {
            Viewer::Anonymous => false,
            Viewer::User {
                role: Role::Admin, ..
            } => true,
            Viewer::User { id, role } => role == Role::Teacher && *id == self.teacher_id,
        }
    }
}

fn no_such_course() -> Error {
    Error::NotFound("no such course".into())
}

/// The course that `reference` (its id or its slug) names, whatever its state.
pub async fn find_course(db: &Db, reference: &str) -> Result<Option<CourseHead>> {
    // A course id is a UUID and a slug never is one, so the text says which to look up by (one
    // index lookup, no OR).
    let by = if uuid::Uuid::try_parse(reference).is_ok() {
        "id"
    } else {
        "slug"
    };
    let sql =
        format!("SELECT id, teacher_id, title, status, price_minor FROM courses WHERE {by} = $1");
    Ok(on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(reference).fetch_optional(pool).await?
    }))
}

/// Whether `user` is enrolled in `course`.
pub async fn is_enrolled(db: &Db, course: &CourseId, user: &UserId) -> Result<bool> {
    let found: Option<i32> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT 1 FROM enrollments WHERE course_id = $1 AND user_id = $2")
            .bind(course)
            .bind(user)
            .fetch_optional(pool)
            .await?
    });
    Ok(found.is_some())
}

/// The course `reference` names if `viewer` may see it, with whether they are enrolled in it;
/// 404 otherwise (a course they may not see is one that does not exist, to them).
pub async fn visible_course(
    db: &Db,
    reference: &str,
    viewer: Viewer<'_>,
) -> Result<(CourseHead, bool)> {
    let course = find_course(db, reference)
        .await?
        .ok_or_else(no_such_course)?;
    let enrolled = match viewer.user_id() {
        Some(user) => is_enrolled(db, &course.id, user).await?,
        None => false,
    };
    let visible = match course.status() {
        CourseStatus::Published => true,
        CourseStatus::Draft => course.is_managed_by(viewer),
        CourseStatus::Archived => enrolled || course.is_managed_by(viewer),
    };
    if visible {
        Ok((course, enrolled))
    } else {
        Err(no_such_course())
    }
}

/// A lesson a signed-in user may use, and whether they manage its course.
#[derive(Debug, Clone)]
pub struct LessonAccess {
    pub course: CourseHead,
    pub lesson: LessonId,
    pub lesson_title: String,
    /// The course's teacher or an admin.
    pub moderator: bool,
}

/// The lesson `lesson` names, if `viewer` may use it (its discussion, its tutor): enrolled
/// learners, the course's teacher and admins; 403 with `forbidden` for anyone else, 404 for a
/// lesson of a course they may not see at all (as the lesson page does).
pub async fn lesson_access(
    db: &Db,
    lesson: &str,
    viewer: Viewer<'_>,
    forbidden: &str,
) -> Result<LessonAccess> {
    let no_such_lesson = || Error::NotFound("no such lesson".into());
    let lesson: LessonId = lesson.parse().map_err(|_| no_such_lesson())?;
    let found: Option<(CourseId, String)> = on_pool!(db, pool => {
        sqlx::query_as("SELECT course_id, title FROM lessons WHERE id = $1")
            .bind(&lesson)
            .fetch_optional(pool)
            .await?
    });
    let (course, lesson_title) = found.ok_or_else(no_such_lesson)?;
    let (course, enrolled) = visible_course(db, course.as_str(), viewer).await?;
    let moderator = course.is_managed_by(viewer);
    if !enrolled && !moderator {
        return Err(Error::Forbidden(forbidden.into()));
    }
    Ok(LessonAccess {
        course,
        lesson,
        lesson_title,
        moderator,
    })
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    course: CourseRow,
    description_html: String,
}

/// A module of the syllabus with one of its lessons (none for a module without lessons).
#[derive(sqlx::FromRow)]
struct OutlineRow {
    module_id: ModuleId,
    module_title: String,
    id: Option<LessonId>,
    title: Option<String>,
    estimated_minutes: Option<i32>,
    video_url: Option<String>,
}

/// The page of `course` (already found visible): summary, description and syllabus. The same
/// for everyone who may see it.
pub async fn course_detail(db: &Db, course: &CourseId) -> Result<CourseDetail> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, c.description_html FROM courses c \
         JOIN users u ON u.id = c.teacher_id WHERE c.id = $1"
    );
    let (row, outline): (Option<DetailRow>, Vec<OutlineRow>) = on_pool!(db, pool => {
        // One snapshot, so the syllabus matches the summary's counts.
        let mut tx = pool.begin().await?;
        let row = sqlx::query_as(&sql).bind(course).fetch_optional(&mut *tx).await?;
        // The whole syllabus in one read: modules in order, each with its lessons in order.
        let outline = sqlx::query_as(
            "SELECT m.id AS module_id, m.title AS module_title, l.id, l.title, \
                    l.estimated_minutes, l.video_url \
             FROM course_modules m \
             LEFT JOIN lessons l ON l.module_id = m.id AND l.course_id = m.course_id \
             WHERE m.course_id = $1 \
             ORDER BY m.position, m.id, l.position, l.id",
        )
        .bind(course)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        (row, outline)
    });
    let row = row.ok_or_else(no_such_course)?;
    let mut modules: Vec<ModuleOutline> = Vec::new();
    for line in outline {
        if modules.last().is_none_or(|m| m.id != line.module_id) {
            modules.push(ModuleOutline {
                id: line.module_id,
                title: line.module_title,
                lessons: Vec::new(),
            });
        }
        let (Some(id), Some(title), Some(module)) = (line.id, line.title, modules.last_mut())
        else {
            continue;
        };
        module.lessons.push(LessonOutline {
            id,
            title,
            estimated_minutes: u32::try_from(line.estimated_minutes.unwrap_or(0)).unwrap_or(0),
            has_video: line.video_url.is_some(),
        });
    }
    Ok(CourseDetail {
        summary: CourseSummary::try_from(row.course)?,
        description_html: row.description_html,
        modules,
    })
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: LessonId,
    title: String,
}

#[derive(sqlx::FromRow)]
struct LessonRow {
    module_id: ModuleId,
    module_title: String,
    title: String,
    body_html: String,
    video_url: Option<String>,
    estimated_minutes: i32,
    summary: Option<String>,
    key_points: Option<String>,
    made_without_llm: Option<i32>,
}

/// A lesson as its reader sees it. Enrolled learners, the course's teacher and admins may read
/// a course's lessons (others: 403; signed out: 401, checked by the caller); a lesson of another
/// course is 404.
pub async fn lesson_view(
    db: &Db,
    course_reference: &str,
    lesson: &str,
    viewer: Viewer<'_>,
) -> Result<LessonView> {
    let (course, enrolled) = visible_course(db, course_reference, viewer).await?;
    if !enrolled && !course.is_managed_by(viewer) {
        return Err(Error::Forbidden(
            "enroll in this course to read its lessons".into(),
        ));
    }
    let no_such_lesson = || Error::NotFound("no such lesson in this course".into());
    let lesson: LessonId = lesson.parse().map_err(|_| no_such_lesson())?;
    let (row, order): (Option<LessonRow>, Vec<OrderRow>) = on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let row = sqlx::query_as(
            "SELECT l.module_id, m.title AS module_title, l.title, l.body_html, l.video_url, \
                    l.estimated_minutes, s.summary, s.key_points, s.made_without_llm \
             FROM lessons l JOIN course_modules m ON m.id = l.module_id \
             LEFT JOIN lesson_summaries s ON s.lesson_id = l.id \
             WHERE l.id = $1 AND l.course_id = $2",
        )
        .bind(&lesson)
        .bind(&course.id)
        .fetch_optional(&mut *tx)
        .await?;
        let order = sqlx::query_as(
            "SELECT l.id, l.title FROM lessons l JOIN course_modules m ON m.id = l.module_id \
             WHERE l.course_id = $1 ORDER BY m.position, m.id, l.position, l.id",
        )
        .bind(&course.id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        (row, order)
    });
    let row = row.ok_or_else(no_such_lesson)?;
    let quiz = super::quizzes::published_quiz(db, &lesson).await?;
    let index = order
        .iter()
        .position(|l| l.id == lesson)
        .ok_or_else(no_such_lesson)?;
    let neighbour = |i: Option<usize>| {
        i.and_then(|i| order.get(i)).map(|l| LessonRef {
            id: l.id.clone(),
            title: l.title.clone(),
        })
    };
    Ok(LessonView {
        previous: neighbour(index.checked_sub(1)),
        next: neighbour(index.checked_add(1)),
        position: u32::try_from(index + 1).unwrap_or(u32::MAX),
        lesson_count: u32::try_from(order.len()).unwrap_or(u32::MAX),
        id: lesson,
        course_id: course.id,
        course_title: course.title,
        module_id: row.module_id,
        module_title: row.module_title,
        title: row.title,
        html: row.body_html,
        video_url: row.video_url,
        estimated_minutes: u32::try_from(row.estimated_minutes).unwrap_or(0),
        quiz,
        summary: crate::ai::summaries::view(row.summary, row.key_points, row.made_without_llm),
    })
}
