//! Course authoring: what a teacher (for their own courses) or an admin (for any) writes, and the
//! rules that keep a course consistent while they do (counters, versions, order, the search index).
//!
//! Every write runs in one transaction, renders Markdown through `content::markdown`, bumps the
//! course's version and marks the transaction as a catalog change. Never checks who the caller is:
//! handlers do that with `require_course_owner` before calling in.

use chrono::{DateTime, Utc};
use shared::api::authoring::{
    CourseChanges, CourseDraft, LessonChanges, LessonDraft, LessonDraftOutline, ModuleDraft,
    ModuleInput, NewCourse, NewLesson, OutlineOrder, Saved,
};
use shared::api::courses::{CourseLanguage, CourseLevel, CourseStatus, CourseSummary, Price};
use shared::domain::{CategoryId, CourseId, LessonId, ModuleId, UserId};
use shared::validate::{self, Invalid};

use super::{CourseRow, SUMMARY_COLUMNS};
use crate::content::markdown;
use crate::db::{on_pool, on_tx, Db, Tx};
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
    let row: Option<(i32, String, i32)> = on_tx!(tx, conn => {
        sqlx::query_as(
            "UPDATE courses SET \
                 lesson_count = (SELECT COUNT(*) FROM lessons l WHERE l.course_id = courses.id), \
                 estimated_minutes = (SELECT COALESCE(SUM(l.estimated_minutes), 0) \
                                      FROM lessons l WHERE l.course_id = courses.id), \
                 version = version + 1, updated_at = $2 \
             WHERE id = $1 RETURNING version, status, lesson_count",
        )
        .bind(course)
        .bind(now)
        .fetch_optional(conn)
        .await?
    });
    let (version, status, lesson_count) = row.ok_or_else(no_such_course)?;
    // Learners may be reading it: a published course never loses its last lesson (the caller's
    // transaction is dropped, so nothing of the write stays).
    if status == CourseStatus::Published.code() && lesson_count == 0 {
        return Err(Error::Conflict(
            "a published course keeps at least one lesson; archive it first".into(),
        ));
    }
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
        crate::ai::summaries::queue_course(tx, &id).await?;
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

// ---- The editor's writes and reads, each a whole user action (one transaction). ----

/// The teacher of `course`, or `None` when there is no such course: what `require_course_owner`
/// judges. A course's teacher never changes, so this may be read before the write's transaction.
pub async fn course_teacher(db: &Db, course: &CourseId) -> Result<Option<UserId>> {
    Ok(on_pool!(db, pool => {
        sqlx::query_scalar("SELECT teacher_id FROM courses WHERE id = $1")
            .bind(course)
            .fetch_optional(pool)
            .await?
    }))
}

/// Creates an empty draft course for `teacher`; its slug is made from the title.
pub async fn create_course(db: &Db, teacher: &UserId, new: &NewCourse) -> Result<CourseId> {
    let course = CheckedCourse {
        title: validate::course_title(&new.title).map_err(invalid("title"))?,
        subtitle: String::new(),
        description: String::new(),
        price_minor: 0,
        currency: None,
        language: new.language,
        level: new.level,
        category: None,
        cover: None,
    };
    let id = CourseId::new();
    let mut tx = db.begin().await?;
    insert_course(&mut tx, &id, teacher, &course, Utc::now()).await?;
    touch_course(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(id)
}

/// The courses a teacher authors (`Some(teacher)`) or every course (`None`, for admins), in every
/// status, most recently edited first.
pub async fn teaching_courses(db: &Db, teacher: Option<&UserId>) -> Result<Vec<CourseSummary>> {
    let from = "FROM courses c JOIN users u ON u.id = c.teacher_id";
    let order = "ORDER BY c.updated_at DESC, c.id DESC";
    let rows: Vec<CourseRow> = match teacher {
        Some(teacher) => {
            let sql = format!("SELECT {SUMMARY_COLUMNS} {from} WHERE c.teacher_id = $1 {order}");
            on_pool!(db, pool => sqlx::query_as(&sql).bind(teacher).fetch_all(pool).await?)
        }
        None => {
            let sql = format!("SELECT {SUMMARY_COLUMNS} {from} {order}");
            on_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await?)
        }
    };
    rows.into_iter().map(CourseSummary::try_from).collect()
}

#[derive(sqlx::FromRow)]
struct DraftExtras {
    description: String,
    cover_hash: Option<String>,
    version: i32,
}

#[derive(sqlx::FromRow)]
struct OutlineLessonRow {
    id: LessonId,
    module_id: ModuleId,
    title: String,
    estimated_minutes: i32,
}

/// Everything the editor shows of a course: its summary, Markdown description, cover, outline
/// (modules and lessons in order) and version.
pub async fn course_draft(db: &Db, course: &CourseId) -> Result<CourseDraft> {
    let summary_sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM courses c JOIN users u ON u.id = c.teacher_id \
         WHERE c.id = $1"
    );
    let (row, extras, modules, lessons) = on_pool!(db, pool => {
        let row: Option<CourseRow> = sqlx::query_as(&summary_sql)
            .bind(course)
            .fetch_optional(pool)
            .await?;
        let extras: Option<DraftExtras> = sqlx::query_as(
            "SELECT description, cover_hash, version FROM courses WHERE id = $1",
        )
        .bind(course)
        .fetch_optional(pool)
        .await?;
        let modules: Vec<(ModuleId, String)> = sqlx::query_as(
            "SELECT id, title FROM course_modules WHERE course_id = $1 ORDER BY position, id",
        )
        .bind(course)
        .fetch_all(pool)
        .await?;
        let lessons: Vec<OutlineLessonRow> = sqlx::query_as(
            "SELECT id, module_id, title, estimated_minutes FROM lessons \
             WHERE course_id = $1 ORDER BY position, id",
        )
        .bind(course)
        .fetch_all(pool)
        .await?;
        (row, extras, modules, lessons)
    });
    let (Some(row), Some(extras)) = (row, extras) else {
        return Err(no_such_course());
    };
    let mut modules: Vec<ModuleDraft> = modules
        .into_iter()
        .map(|(id, title)| ModuleDraft {
            id,
            title,
            lessons: Vec::new(),
        })
        .collect();
    for lesson in lessons {
        if let Some(module) = modules.iter_mut().find(|m| m.id == lesson.module_id) {
            module.lessons.push(LessonDraftOutline {
                id: lesson.id,
                title: lesson.title,
                estimated_minutes: u32::try_from(lesson.estimated_minutes).unwrap_or(0),
            });
        }
    }
    Ok(CourseDraft {
        summary: CourseSummary::try_from(row)?,
        description: extras.description,
        cover: extras.cover_hash,
        modules,
        version: u32::try_from(extras.version).unwrap_or(0),
    })
}

/// Saves the fields `changes` holds; the others are kept. Every field is checked first
/// (`validation_failed` names it); a category that does not exist, or a cover that is not an
/// uploaded image, is refused the same way. The slug stays: links to the course keep working.
pub async fn update_course(db: &Db, course: &CourseId, changes: &CourseChanges) -> Result<Saved> {
    let title = changes
        .title
        .as_deref()
        .map(validate::course_title)
        .transpose()
        .map_err(invalid("title"))?;
    let subtitle = changes
        .subtitle
        .as_deref()
        .map(validate::course_subtitle)
        .transpose()
        .map_err(invalid("subtitle"))?;
    let description = changes
        .description
        .as_deref()
        .map(validate::course_description)
        .transpose()
        .map_err(invalid("description"))?;
    let description_html = description.as_deref().map(markdown::render);
    let price = changes
        .price
        .as_ref()
        .map(|price| stored_price(price.as_ref()))
        .transpose()?;

    let mut tx = db.begin().await?;
    if let Some(category) = &changes.category {
        check_category(&mut tx, category.as_ref()).await?;
    }
    if let Some(cover) = &changes.cover {
        check_cover(&mut tx, cover.as_deref()).await?;
    }
    // One statement, each column kept unless its change is present: two editors saving different
    // fields at once both land (no read-modify-write).
    let (set_price, price_minor, currency) = match price {
        Some((minor, currency)) => (true, minor, currency),
        None => (false, 0, None),
    };
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE courses SET \
                 title = COALESCE($2, title), \
                 subtitle = COALESCE($3, subtitle), \
                 description = COALESCE($4, description), \
                 description_html = COALESCE($5, description_html), \
                 language = COALESCE($6, language), \
                 level = COALESCE($7, level), \
                 category_id = CASE WHEN $8 THEN $9 ELSE category_id END, \
                 cover_hash = CASE WHEN $10 THEN $11 ELSE cover_hash END, \
                 price_minor = CASE WHEN $12 THEN $13 ELSE price_minor END, \
                 currency = CASE WHEN $12 THEN $14 ELSE currency END \
             WHERE id = $1",
        )
        .bind(course)
        .bind(title.as_deref())
        .bind(subtitle.as_deref())
        .bind(description.as_deref())
        .bind(description_html.as_deref())
        .bind(changes.language.map(|l| l.code()))
        .bind(changes.level.map(|l| l.code()))
        .bind(changes.category.is_some())
        .bind(changes.category.clone().flatten())
        .bind(changes.cover.is_some())
        .bind(changes.cover.clone().flatten())
        .bind(set_price)
        .bind(price_minor)
        .bind(currency.as_deref())
        .execute(conn)
        .await?
        .rows_affected()
    });
    if updated == 0 {
        return Err(no_such_course());
    }
    let saved = touch_course(&mut tx, course).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Moves a course through its life: `draft` → `published` (needs a lesson; the first publication
/// sets `published_at`) → `archived` → `published` again. Asking for the status it has is a
/// no-op save; going back to `draft` is refused (learners may be enrolled): 409.
pub async fn change_status(db: &Db, course: &CourseId, to: CourseStatus) -> Result<Saved> {
    let mut tx = db.begin().await?;
    let current: Option<(String, i32)> = on_tx!(tx, conn => {
        sqlx::query_as("SELECT status, lesson_count FROM courses WHERE id = $1")
            .bind(course)
            .fetch_optional(conn)
            .await?
    });
    let (status, lesson_count) = current.ok_or_else(no_such_course)?;
    let from = CourseStatus::from_code(&status)
        .ok_or_else(|| Error::Internal(format!("course {course}: bad status {status:?}")))?;
    use CourseStatus::{Archived, Draft, Published};
    match (from, to) {
        (a, b) if a == b => {}
        (Draft | Archived, Published) if lesson_count == 0 => return Err(no_lessons_to_publish()),
        (Published, Archived) => {}
        (Draft, Archived) => {
            return Err(Error::Conflict(
                "only a published course can be archived; a draft can be deleted".into(),
            ))
        }
        (Published | Archived, Draft) => {
            return Err(Error::Conflict(
                "a course that was published cannot become a draft again; archive it instead"
                    .into(),
            ))
        }
        _ => {}
    }
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE courses SET status = $2, \
                 published_at = CASE WHEN $2 = 'published' THEN COALESCE(published_at, $3) \
                                     ELSE published_at END \
             WHERE id = $1",
        )
        .bind(course)
        .bind(to.code())
        .bind(Utc::now())
        .execute(conn)
        .await?;
    });
    if to == Published && from != Published {
        crate::ai::summaries::queue_course(&mut tx, course).await?;
    }
    let saved = touch_course(&mut tx, course).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Deletes a course that was never published, with its modules and lessons. One that was (even
/// if archived since) may have learners: 409, nothing deleted.
pub async fn delete_course(db: &Db, course: &CourseId) -> Result<()> {
    let mut tx = db.begin().await?;
    let published: Option<Option<DateTime<Utc>>> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT published_at FROM courses WHERE id = $1")
            .bind(course)
            .fetch_optional(conn)
            .await?
    });
    match published {
        None => return Err(no_such_course()),
        Some(Some(_)) => {
            return Err(Error::Conflict(
                "a course that was ever published cannot be deleted; archive it instead".into(),
            ))
        }
        Some(None) => {}
    }
    // Children first, whether or not the connection enforces ON DELETE CASCADE.
    for sql in [
        "DELETE FROM lessons WHERE course_id = $1",
        "DELETE FROM course_modules WHERE course_id = $1",
        "DELETE FROM enrollments WHERE course_id = $1",
        "DELETE FROM course_reviews WHERE course_id = $1",
        "DELETE FROM courses WHERE id = $1",
    ] {
        on_tx!(tx, conn => {
            sqlx::query(sql).bind(course).execute(conn).await?;
        });
    }
    tx.changed_catalog();
    // The course is gone: indexing it removes whatever the index held of it.
    crate::search::index_course(&mut tx, course).await?;
    tx.commit().await?;
    Ok(())
}

fn no_such_module() -> Error {
    Error::NotFound("no such module in this course".into())
}

fn no_such_lesson() -> Error {
    Error::NotFound("no such lesson in this course".into())
}

/// Adds an empty module at the end of the course.
pub async fn add_module(db: &Db, course: &CourseId, input: &ModuleInput) -> Result<ModuleDraft> {
    let title = validate::module_title(&input.title).map_err(invalid("title"))?;
    let mut tx = db.begin().await?;
    let next: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT (SELECT COALESCE(MAX(position) + 1, 0) FROM course_modules \
                     WHERE course_id = $1) FROM courses WHERE id = $1",
        )
        .bind(course)
        .fetch_optional(conn)
        .await?
    });
    let next = next.ok_or_else(no_such_course)?;
    let id = ModuleId::new();
    insert_module(&mut tx, course, &id, &title, next, Utc::now()).await?;
    touch_course(&mut tx, course).await?;
    tx.commit().await?;
    Ok(ModuleDraft {
        id,
        title,
        lessons: Vec::new(),
    })
}

/// Renames a module of `course` (one of another course is 404).
pub async fn rename_module(
    db: &Db,
    course: &CourseId,
    module: &ModuleId,
    input: &ModuleInput,
) -> Result<Saved> {
    let title = validate::module_title(&input.title).map_err(invalid("title"))?;
    let mut tx = db.begin().await?;
    let updated = on_tx!(tx, conn => {
        sqlx::query("UPDATE course_modules SET title = $3 WHERE id = $1 AND course_id = $2")
            .bind(module)
            .bind(course)
            .bind(&title)
            .execute(conn)
            .await?
            .rows_affected()
    });
    if updated == 0 {
        return Err(no_such_module());
    }
    let saved = touch_course(&mut tx, course).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Deletes a module of `course` and its lessons.
pub async fn delete_module(db: &Db, course: &CourseId, module: &ModuleId) -> Result<Saved> {
    let mut tx = db.begin().await?;
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM lessons WHERE module_id = $1 AND course_id = $2")
            .bind(module)
            .bind(course)
            .execute(conn)
            .await?;
    });
    let deleted = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM course_modules WHERE id = $1 AND course_id = $2")
            .bind(module)
            .bind(course)
            .execute(conn)
            .await?
            .rows_affected()
    });
    if deleted == 0 {
        // Nothing was deleted above either: the module's lessons are the module's.
        return Err(no_such_module());
    }
    let saved = touch_course(&mut tx, course).await?;
    tx.commit().await?;
    Ok(saved)
}

/// The columns of `lessons` (`l`) and `courses` (`c`) that make a `LessonDraft`.
const LESSON_DRAFT_SQL: &str = "SELECT l.id, l.module_id, l.title, l.body, l.body_html, \
         l.video_url, l.estimated_minutes, c.version, l.updated_at \
     FROM lessons l JOIN courses c ON c.id = l.course_id \
     WHERE l.id = $1 AND l.course_id = $2";

#[derive(sqlx::FromRow)]
struct LessonDraftRow {
    id: LessonId,
    module_id: ModuleId,
    title: String,
    body: String,
    body_html: String,
    video_url: Option<String>,
    estimated_minutes: i32,
    version: i32,
    updated_at: DateTime<Utc>,
}

impl From<LessonDraftRow> for LessonDraft {
    fn from(row: LessonDraftRow) -> Self {
        Self {
            id: row.id,
            module_id: row.module_id,
            title: row.title,
            body: row.body,
            html: row.body_html,
            video_url: row.video_url,
            estimated_minutes: u32::try_from(row.estimated_minutes).unwrap_or(0),
            version: u32::try_from(row.version).unwrap_or(0),
            updated_at: row.updated_at.into(),
        }
    }
}

/// A lesson of `course` as its author edits it (one of another course is 404).
pub async fn lesson_draft(db: &Db, course: &CourseId, lesson: &LessonId) -> Result<LessonDraft> {
    let row: Option<LessonDraftRow> = on_pool!(db, pool => {
        sqlx::query_as(LESSON_DRAFT_SQL)
            .bind(lesson)
            .bind(course)
            .fetch_optional(pool)
            .await?
    });
    row.map(LessonDraft::from).ok_or_else(no_such_lesson)
}

async fn lesson_draft_in(tx: &mut Tx, course: &CourseId, lesson: &LessonId) -> Result<LessonDraft> {
    let row: Option<LessonDraftRow> = on_tx!(tx, conn => {
        sqlx::query_as(LESSON_DRAFT_SQL)
            .bind(lesson)
            .bind(course)
            .fetch_optional(conn)
            .await?
    });
    row.map(LessonDraft::from).ok_or_else(no_such_lesson)
}

/// Minutes a new lesson is estimated at until its author says otherwise (the column's default).
const NEW_LESSON_MINUTES: i32 = 5;

/// Adds an empty lesson at the end of a module of `course`.
pub async fn add_lesson(
    db: &Db,
    course: &CourseId,
    module: &ModuleId,
    new: &NewLesson,
) -> Result<LessonDraft> {
    let title = validate::lesson_title(&new.title).map_err(invalid("title"))?;
    let mut tx = db.begin().await?;
    let next: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT (SELECT COALESCE(MAX(position) + 1, 0) FROM lessons WHERE module_id = $1) \
             FROM course_modules WHERE id = $1 AND course_id = $2",
        )
        .bind(module)
        .bind(course)
        .fetch_optional(conn)
        .await?
    });
    let next = next.ok_or_else(no_such_module)?;
    let id = LessonId::new();
    let lesson = CheckedLesson {
        title,
        body: String::new(),
        video_url: None,
        estimated_minutes: NEW_LESSON_MINUTES,
    };
    insert_lesson(&mut tx, course, module, &id, &lesson, next, Utc::now()).await?;
    touch_course(&mut tx, course).await?;
    let draft = lesson_draft_in(&mut tx, course, &id).await?;
    tx.commit().await?;
    Ok(draft)
}

/// Saves the fields `changes` holds; the body is rendered and sanitised again. Answers the lesson
/// as saved, with the HTML learners will see.
pub async fn update_lesson(
    db: &Db,
    course: &CourseId,
    lesson: &LessonId,
    changes: &LessonChanges,
) -> Result<LessonDraft> {
    let title = changes
        .title
        .as_deref()
        .map(validate::lesson_title)
        .transpose()
        .map_err(invalid("title"))?;
    let body = changes
        .body
        .as_deref()
        .map(validate::lesson_body)
        .transpose()
        .map_err(invalid("body"))?;
    let body_html = body.as_deref().map(markdown::render);
    let video_url = changes
        .video_url
        .as_ref()
        .map(|url| url.as_deref().map(validate::video_url).transpose())
        .transpose()
        .map_err(invalid("video_url"))?;
    let minutes = changes
        .estimated_minutes
        .map(validate::lesson_minutes)
        .transpose()
        .map_err(invalid("estimated_minutes"))?
        .map(|m| i32::try_from(m).unwrap_or(i32::MAX));

    let mut tx = db.begin().await?;
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE lessons SET \
                 title = COALESCE($3, title), \
                 body = COALESCE($4, body), \
                 body_html = COALESCE($5, body_html), \
                 video_url = CASE WHEN $6 THEN $7 ELSE video_url END, \
                 estimated_minutes = COALESCE($8, estimated_minutes), \
                 updated_at = $9 \
             WHERE id = $1 AND course_id = $2",
        )
        .bind(lesson)
        .bind(course)
        .bind(title.as_deref())
        .bind(body.as_deref())
        .bind(body_html.as_deref())
        .bind(video_url.is_some())
        .bind(video_url.clone().flatten())
        .bind(minutes)
        .bind(Utc::now())
        .execute(conn)
        .await?
        .rows_affected()
    });
    if updated == 0 {
        return Err(no_such_lesson());
    }
    if title.is_some() || body.is_some() {
        crate::ai::summaries::queue_if_published(&mut tx, course, lesson).await?;
    }
    touch_course(&mut tx, course).await?;
    let draft = lesson_draft_in(&mut tx, course, lesson).await?;
    tx.commit().await?;
    Ok(draft)
}

/// Deletes a lesson of `course`.
pub async fn delete_lesson(db: &Db, course: &CourseId, lesson: &LessonId) -> Result<Saved> {
    let mut tx = db.begin().await?;
    let deleted = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM lessons WHERE id = $1 AND course_id = $2")
            .bind(lesson)
            .bind(course)
            .execute(conn)
            .await?
            .rows_affected()
    });
    if deleted == 0 {
        return Err(no_such_lesson());
    }
    let saved = touch_course(&mut tx, course).await?;
    tx.commit().await?;
    Ok(saved)
}

fn outline_conflict(why: &str) -> Error {
    Error::Conflict(format!(
        "the outline changed since it was loaded ({why}); reload it and try again"
    ))
}

/// Rewrites the order of a course's modules and lessons (lessons may move between modules). The
/// order must carry the course's current version and name exactly its modules and lessons, each
/// once; otherwise 409 and nothing changes.
pub async fn reorder_outline(db: &Db, course: &CourseId, order: &OutlineOrder) -> Result<Saved> {
    let mut tx = db.begin().await?;
    // Claims the course row (PostgreSQL: a concurrent reorder waits, then finds the version moved)
    // and checks the version in one statement.
    let claimed = on_tx!(tx, conn => {
        sqlx::query("UPDATE courses SET version = version WHERE id = $1 AND version = $2")
            .bind(course)
            .bind(i64::from(order.version))
            .execute(conn)
            .await?
            .rows_affected()
    });
    if claimed == 0 {
        return match course_version_in(&mut tx, course).await? {
            None => Err(no_such_course()),
            Some(current) => Err(outline_conflict(&format!(
                "version {} was sent, the course is at {current}",
                order.version
            ))),
        };
    }
    let (modules, lessons) = on_tx!(tx, conn => {
        let modules: Vec<ModuleId> =
            sqlx::query_scalar("SELECT id FROM course_modules WHERE course_id = $1")
                .bind(course)
                .fetch_all(&mut *conn)
                .await?;
        let lessons: Vec<LessonId> =
            sqlx::query_scalar("SELECT id FROM lessons WHERE course_id = $1")
                .bind(course)
                .fetch_all(&mut *conn)
                .await?;
        (modules, lessons)
    });
    let sent_modules: Vec<&ModuleId> = order.modules.iter().map(|m| &m.id).collect();
    let sent_lessons: Vec<&LessonId> = order.modules.iter().flat_map(|m| &m.lessons).collect();
    if !same_set(&modules, &sent_modules) {
        return Err(outline_conflict(
            "it must name every module of the course once",
        ));
    }
    if !same_set(&lessons, &sent_lessons) {
        return Err(outline_conflict(
            "it must name every lesson of the course once",
        ));
    }
    for (module_position, module) in order.modules.iter().enumerate() {
        on_tx!(tx, conn => {
            sqlx::query("UPDATE course_modules SET position = $3 WHERE id = $1 AND course_id = $2")
                .bind(&module.id)
                .bind(course)
                .bind(position(module_position))
                .execute(conn)
                .await?;
        });
        for (lesson_position, lesson) in module.lessons.iter().enumerate() {
            on_tx!(tx, conn => {
                sqlx::query(
                    "UPDATE lessons SET module_id = $3, position = $4 \
                     WHERE id = $1 AND course_id = $2",
                )
                .bind(lesson)
                .bind(course)
                .bind(&module.id)
                .bind(position(lesson_position))
                .execute(conn)
                .await?;
            });
        }
    }
    let saved = touch_course(&mut tx, course).await?;
    tx.commit().await?;
    Ok(saved)
}

async fn course_version_in(tx: &mut Tx, course: &CourseId) -> Result<Option<i32>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT version FROM courses WHERE id = $1")
            .bind(course)
            .fetch_optional(conn)
            .await?
    }))
}

/// Whether `sent` names exactly the ids of `stored`, each once.
fn same_set<T: Ord>(stored: &[T], sent: &[&T]) -> bool {
    let mut stored: Vec<&T> = stored.iter().collect();
    let mut sent = sent.to_vec();
    stored.sort();
    sent.sort();
    let no_repeats = sent.windows(2).all(|pair| pair[0] != pair[1]);
    no_repeats && stored == sent
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
