//! Course authoring: what a teacher (for their own courses) or an admin (for any) writes, and the
//! rules that keep a course consistent while they do (counters, versions, order, the search index).
//!
//! Every write runs in one transaction, renders Markdown through `content::markdown`, bumps the
//! course's version and marks the transaction as a catalog change. Never checks who the caller is:
//! handlers do that with `require_course_owner` before calling in.

use chrono::{DateTime, Utc};
use shared::api::authoring::Saved;
use shared::api::courses::{CourseLanguage, CourseLevel, Price};
use shared::domain::{CategoryId, CourseId, LessonId, ModuleId, UserId};
use shared::validate::{self, Invalid};

use crate::content::markdown;
use crate::db::{on_tx, Tx};
use crate::error::{Error, Result};

/// A whole course as an import or the demo loader creates it in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCourseContent {
    pub title: String,
    pub subtitle: String,
    /// Markdown.
    pub description: String,
    pub language: CourseLanguage,
    pub level: CourseLevel,
    pub category: Option<CategoryId>,
    /// A media hash already stored (`media` table and store).
    pub cover: Option<String>,
    pub price: Option<Price>,
    pub modules: Vec<NewModuleContent>,
    /// Published at once (the CLI's `--publish`, the demo loader); a draft otherwise.
    pub publish: bool,
}

/// A module of a `NewCourseContent`, its lessons in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewModuleContent {
    pub title: String,
    pub lessons: Vec<NewLessonContent>,
}

/// A lesson of a `NewModuleContent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLessonContent {
    pub title: String,
    /// Markdown; image links already point at stored media (`/media/{hash}`).
    pub body: String,
    pub video_url: Option<String>,
    pub estimated_minutes: u32,
}

/// A module or lesson field's check failed: `field` names it for the caller.
fn invalid(field: &'static str) -> impl FnOnce(Invalid) -> Error {
    move |reason| Error::Validation { field, reason }
}

/// A price as the `courses` row stores it: `(price_minor, currency)`, `(0, None)` when free.
pub(crate) fn stored_price(price: Option<&Price>) -> Result<(i32, Option<String>)> {
    let Some(price) = price else {
        return Ok((0, None));
    };
    let amount =
        validate::price_amount(price.amount_minor).map_err(invalid("price.amount_minor"))?;
    let currency = validate::currency(&price.currency).map_err(invalid("price.currency"))?;
    let amount = i32::try_from(amount).map_err(|_| {
        invalid("price.amount_minor")(Invalid::OutOfRange {
            min: 1,
            max: validate::PRICE_MAX_MINOR,
        })
    })?;
    Ok((amount, Some(currency)))
}

/// Fails with `validation_failed` on `category` unless the category exists.
pub(crate) async fn check_category(tx: &mut Tx, category: Option<&CategoryId>) -> Result<()> {
    match category {
        Some(id) if !super::categories::category_exists(tx, id).await? => {
            // The category was deleted since the editor listed them (or never existed).
            Err(invalid("category")(Invalid::NotIssued))
        }
        _ => Ok(()),
    }
}

/// Fails with `validation_failed` on `cover` unless it names a stored image (`media` row).
pub(crate) async fn check_cover(tx: &mut Tx, cover: Option<&str>) -> Result<()> {
    let Some(hash) = cover else {
        return Ok(());
    };
    let found: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT 1 FROM media WHERE hash = $1")
            .bind(hash)
            .fetch_optional(conn)
            .await?
    });
    match found {
        Some(_) => Ok(()),
        None => Err(invalid("cover")(Invalid::NotIssued)),
    }
}

/// Longest slug made from a title (before a `-N` suffix), in ASCII characters.
const SLUG_BASE_MAX: usize = 60;

/// The slug a title starts from: transliterated to ASCII (`Основы Rust` → `osnovy-rust`), lowercase
/// words joined by `-`, cut at a word boundary; `course` when nothing is left.
pub fn slug_base(title: &str) -> String {
    let mut slug = slug::slugify(title);
    if slug.len() > SLUG_BASE_MAX {
        // slugify's output is ASCII, so any byte index is a character boundary.
        let cut = slug[..SLUG_BASE_MAX].rfind('-').unwrap_or(SLUG_BASE_MAX);
        slug.truncate(cut);
    }
    let slug = slug.trim_matches('-').to_owned();
    if slug.is_empty() {
        "course".to_owned()
    } else {
        slug
    }
}

/// How many numbered suffixes (`-2`, `-3`, ...) are tried before a random one.
const SLUG_NUMBERED_TRIES: u32 = 20;

/// The candidates for a course's slug, in the order they are tried: the base, numbered suffixes,
/// then a random one that is all but certainly free.
fn slug_candidates(base: &str) -> impl Iterator<Item = String> + '_ {
    std::iter::once(base.to_owned())
        .chain((2..=SLUG_NUMBERED_TRIES).map(move |n| format!("{base}-{n}")))
        .chain(std::iter::once_with(move || {
            let random = uuid::Uuid::new_v4().simple().to_string();
            format!("{base}-{}", &random[..8])
        }))
}

/// The course's own fields, checked.
struct CheckedCourse {
    title: String,
    subtitle: String,
    description: String,
    price_minor: i32,
    currency: Option<String>,
    language: CourseLanguage,
    level: CourseLevel,
    category: Option<CategoryId>,
    cover: Option<String>,
}

/// Inserts a draft course with a slug made from its title (unique: a taken one gets a suffix).
async fn insert_course(
    tx: &mut Tx,
    id: &CourseId,
    teacher: &UserId,
    course: &CheckedCourse,
    now: DateTime<Utc>,
) -> Result<()> {
    let description_html = markdown::render(&course.description);
    let base = slug_base(&course.title);
    for slug in slug_candidates(&base) {
        // ON CONFLICT: a slug taken meanwhile by another transaction moves on to the next
        // candidate instead of failing the request.
        let inserted = on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO courses (id, slug, teacher_id, category_id, title, subtitle, \
                     description, description_html, language, level, cover_hash, price_minor, \
                     currency, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'draft', $14, $14) \
                 ON CONFLICT (slug) DO NOTHING",
            )
            .bind(id)
            .bind(&slug)
            .bind(teacher)
            .bind(course.category.as_ref())
            .bind(&course.title)
            .bind(&course.subtitle)
            .bind(&course.description)
            .bind(&description_html)
            .bind(course.language.code())
            .bind(course.level.code())
            .bind(course.cover.as_deref())
            .bind(course.price_minor)
            .bind(course.currency.as_deref())
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if inserted == 1 {
            return Ok(());
        }
    }
    Err(Error::Conflict(
        "no free address could be made from this title; change the title and try again".into(),
    ))
}

/// A lesson's fields, checked.
struct CheckedLesson {
    title: String,
    body: String,
    video_url: Option<String>,
    estimated_minutes: i32,
}

fn check_lesson(lesson: &NewLessonContent) -> Result<CheckedLesson> {
    let minutes =
        validate::lesson_minutes(lesson.estimated_minutes).map_err(invalid("estimated_minutes"))?;
    Ok(CheckedLesson {
        title: validate::lesson_title(&lesson.title).map_err(invalid("title"))?,
        body: validate::lesson_body(&lesson.body).map_err(invalid("body"))?,
        video_url: lesson
            .video_url
            .as_deref()
            .map(validate::video_url)
            .transpose()
            .map_err(invalid("video_url"))?,
        // At most LESSON_MINUTES_MAX, so it fits.
        estimated_minutes: i32::try_from(minutes).unwrap_or(i32::MAX),
    })
}

/// Inserts a module at `position` of `course`.
async fn insert_module(
    tx: &mut Tx,
    course: &CourseId,
    id: &ModuleId,
    title: &str,
    position: i32,
    now: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO course_modules (id, course_id, position, title, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(course)
        .bind(position)
        .bind(title)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Inserts a lesson at `position` of `module`, its body rendered to sanitised HTML.
async fn insert_lesson(
    tx: &mut Tx,
    course: &CourseId,
    module: &ModuleId,
    id: &LessonId,
    lesson: &CheckedLesson,
    position: i32,
    now: DateTime<Utc>,
) -> Result<()> {
    let html = markdown::render(&lesson.body);
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO lessons (id, course_id, module_id, position, title, body, body_html, \
                 video_url, estimated_minutes, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(id)
        .bind(course)
        .bind(module)
        .bind(position)
        .bind(&lesson.title)
        .bind(&lesson.body)
        .bind(&html)
        .bind(lesson.video_url.as_deref())
        .bind(lesson.estimated_minutes)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Recounts a course's lessons and minutes from its rows, bumps its version and `updated_at`,
/// marks the catalog changed and re-indexes it: the end of every authoring write. Returns what
/// the editor is told.
pub(crate) async fn touch_course(tx: &mut Tx, course: &CourseId) -> Result<Saved> {
    let now = Utc::now();
    let version: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "UPDATE courses SET \
                 lesson_count = (SELECT COUNT(*) FROM lessons l WHERE l.course_id = courses.id), \
                 estimated_minutes = (SELECT COALESCE(SUM(l.estimated_minutes), 0) \
                                      FROM lessons l WHERE l.course_id = courses.id), \
                 version = version + 1, updated_at = $2 \
             WHERE id = $1 RETURNING version",
        )
        .bind(course)
        .bind(now)
        .fetch_optional(conn)
        .await?
    });
    let version = version.ok_or_else(no_such_course)?;
    tx.changed_catalog();
    crate::search::index_course(tx, course).await?;
    Ok(Saved {
        version: u32::try_from(version).unwrap_or(0),
        updated_at: now.into(),
    })
}

pub(crate) fn no_such_course() -> Error {
    Error::NotFound("no such course".into())
}

/// Creates a whole course (modules and lessons in order) for `teacher` in `tx`: what an import and
/// the demo loader do. Every field is checked as the editor's would be (`validation_failed` names
/// it), the category and cover must exist, and `publish` needs at least one lesson (409).
pub async fn create_course_with_content(
    tx: &mut Tx,
    teacher: &UserId,
    content: &NewCourseContent,
) -> Result<CourseId> {
    let (price_minor, currency) = stored_price(content.price.as_ref())?;
    let course = CheckedCourse {
        title: validate::course_title(&content.title).map_err(invalid("title"))?,
        subtitle: validate::course_subtitle(&content.subtitle).map_err(invalid("subtitle"))?,
        description: validate::course_description(&content.description)
            .map_err(invalid("description"))?,
        price_minor,
        currency,
        language: content.language,
        level: content.level,
        category: content.category.clone(),
        cover: content.cover.clone(),
    };
    // Check everything before the first write, so a bad lesson deep inside fails fast.
    let modules = content
        .modules
        .iter()
        .map(|module| {
            let title = validate::module_title(&module.title).map_err(invalid("module_title"))?;
            let lessons = module
                .lessons
                .iter()
                .map(check_lesson)
                .collect::<Result<Vec<_>>>()?;
            Ok((title, lessons))
        })
        .collect::<Result<Vec<_>>>()?;
    if content.publish && modules.iter().all(|(_, lessons)| lessons.is_empty()) {
        return Err(no_lessons_to_publish());
    }
    check_category(tx, content.category.as_ref()).await?;
    check_cover(tx, content.cover.as_deref()).await?;

    let id = CourseId::new();
    let now = Utc::now();
    insert_course(tx, &id, teacher, &course, now).await?;
    for (module_position, (title, lessons)) in modules.iter().enumerate() {
        let module_id = ModuleId::new();
        insert_module(tx, &id, &module_id, title, position(module_position), now).await?;
        for (lesson_position, lesson) in lessons.iter().enumerate() {
            let lesson_id = LessonId::new();
            insert_lesson(
                tx,
                &id,
                &module_id,
                &lesson_id,
                lesson,
                position(lesson_position),
                now,
            )
            .await?;
        }
    }
    if content.publish {
        on_tx!(tx, conn => {
            sqlx::query("UPDATE courses SET status = 'published', published_at = $2 WHERE id = $1")
                .bind(&id)
                .bind(now)
                .execute(conn)
                .await?;
        });
    }
    touch_course(tx, &id).await?;
    Ok(id)
}

pub(crate) fn no_lessons_to_publish() -> Error {
    Error::Conflict("a course needs at least one lesson before it can be published".into())
}

/// A 0-based place as the database stores it (lists are far shorter than `i32::MAX`).
fn position(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_transliterate_titles_and_stay_short() {
        assert_eq!(slug_base("Rust from Zero"), "rust-from-zero");
        assert_eq!(slug_base("Основы Rust: владение"), "osnovy-rust-vladenie");
        assert_eq!(slug_base("!!!"), "course");
        let long = slug_base(&"word ".repeat(40));
        assert!(
            long.len() <= SLUG_BASE_MAX && !long.ends_with('-'),
            "{long}"
        );
        let candidates: Vec<String> = slug_candidates("a").take(3).collect();
        assert_eq!(candidates, ["a", "a-2", "a-3"]);
    }
}
