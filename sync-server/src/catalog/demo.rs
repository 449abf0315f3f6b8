//! Demo courses for a fresh installation (`EDU_DEMO_DATA=true`): the mdBook folders under
//! `sync-server/demo/courses/`, compiled into the binary and imported as the demo teacher's
//! published courses, with the categories they name, and a few lessons' quizzes
//! (`sync-server/demo/quizzes.json`, published).
//!
//! Owns only this sample content and the rule for loading it: into an empty catalog, through the
//! same import every teacher uses. Never touches a catalog that already has courses.

use include_dir::{include_dir, Dir, DirEntry};
use shared::api::courses::CategoryInput;

use super::categories::{category_by_slug, create_category};
use super::import::{import_course, BookFiles, ImageStore, ImportOptions};
use crate::db::{on_pool, Db};
use crate::error::{Error, Result};

/// The demo books, one folder each.
static BOOKS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/demo/courses");

/// `(slug, English name, Russian name)` of the categories the demo books name.
const CATEGORIES: &[(&str, &str, &str)] = &[
    ("programming", "Programming", "Программирование"),
    ("learning-science", "Learning science", "Как учиться"),
    ("mathematics", "Mathematics", "Математика"),
    ("data", "Data", "Данные"),
    ("computer-science", "Computer science", "Информатика"),
];

/// The demo books as import reads them: `(folder name, files)`.
pub(crate) fn books() -> Result<Vec<BookFiles>> {
    let mut books = Vec::new();
    for folder in BOOKS.dirs() {
        let name = folder
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned);
        let mut book = BookFiles::named(name);
        let mut pending: Vec<&Dir<'_>> = vec![folder];
        while let Some(dir) = pending.pop() {
            for entry in dir.entries() {
                match entry {
                    DirEntry::Dir(sub) => pending.push(sub),
                    DirEntry::File(file) => {
                        let path = file
                            .path()
                            .strip_prefix(folder.path())
                            .ok()
                            .and_then(|p| p.to_str())
                            .ok_or_else(|| Error::Internal("demo book path".into()))?;
                        book.add(path, file.contents().to_vec())?;
                    }
                }
            }
        }
        books.push(book);
    }
    Ok(books)
}

/// Loads the demo courses if the catalog is empty; returns how many were created.
///
/// Safe to run on every start: a non-empty catalog is left alone, and a demo course whose title the
/// demo teacher already has is skipped.
pub async fn load_if_empty(db: &Db, images: ImageStore<'_>) -> Result<usize> {
    if super::count_courses(db).await? > 0 {
        return Ok(0);
    }
    let teacher: Option<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT id FROM users WHERE email_key = $1")
            .bind(crate::identity::demo::TEACHER_EMAIL)
            .fetch_optional(pool)
            .await?
    });
    let teacher = teacher
        .and_then(|id| shared::domain::UserId::parse(&id).ok())
        .ok_or_else(|| Error::Internal("the demo teacher account does not exist".into()))?;
    for (slug, name_en, name_ru) in CATEGORIES {
        if category_by_slug(db, slug).await?.is_none() {
            let mut tx = db.begin().await?;
            let input = CategoryInput {
                slug: (*slug).into(),
                name_en: (*name_en).into(),
                name_ru: (*name_ru).into(),
            };
            match create_category(&mut tx, &input).await {
                Ok(_) => tx.commit().await?,
                // Another replica created it first.
                Err(Error::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    let options = ImportOptions {
        publish: true,
        dry_run: false,
    };
    let mut created = 0;
    for book in books()? {
        let report = import_course(db, &teacher, &book, options, images).await?;
        if let Some(course) = &report.course_id {
            add_demo_quizzes(db, course).await?;
            created += 1;
        }
    }
    Ok(created)
}

/// A demo lesson's quiz: the lesson is named by its title.
#[derive(serde::Deserialize)]
struct DemoQuiz {
    lesson: String,
    questions: Vec<shared::api::quizzes::QuestionInput>,
}

fn demo_quizzes() -> Result<Vec<DemoQuiz>> {
    serde_json::from_str(include_str!("../../demo/quizzes.json"))
        .map_err(|e| Error::Internal(format!("demo quizzes: {e}")))
}

/// Adds and publishes the demo quizzes of `course`'s lessons (those whose titles they name).
async fn add_demo_quizzes(db: &Db, course: &shared::domain::CourseId) -> Result<()> {
    for quiz in demo_quizzes()? {
        let lesson: Option<String> = on_pool!(db, pool => {
            sqlx::query_scalar("SELECT id FROM lessons WHERE course_id = $1 AND title = $2")
                .bind(course)
                .bind(&quiz.lesson)
                .fetch_optional(pool)
                .await?
        });
        let Some(lesson) = lesson.and_then(|id| shared::domain::LessonId::parse(&id).ok()) else {
            continue;
        };
        let new = shared::api::quizzes::NewQuestions {
            questions: quiz.questions,
        };
        super::quizzes::add_questions(db, course, &lesson, new).await?;
        super::quizzes::publish(db, course, &lesson).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_book_parses_into_a_course_of_eight_lessons_or_more() {
        let books = books().unwrap();
        assert!(books.len() >= 6, "{}", books.len());
        let no_images = |_: &[u8]| -> std::result::Result<(), String> { Ok(()) };
        let mut russian = 0;
        for book in &books {
            let parsed = super::super::import::parse_book(book, &no_images).unwrap();
            let lessons: usize = parsed.content.modules.iter().map(|m| m.lessons.len()).sum();
            assert!(lessons >= 8, "{}: {lessons} lessons", parsed.content.title);
            let slug = parsed.category_slug.as_deref().unwrap_or_default();
            assert!(
                CATEGORIES.iter().any(|(s, _, _)| *s == slug),
                "{}: category {slug:?}",
                parsed.content.title
            );
            russian +=
                usize::from(parsed.content.language == shared::api::courses::CourseLanguage::Ru);
        }
        assert!(russian >= 2, "{russian} Russian courses");
    }

    #[test]
    fn every_demo_quiz_names_a_demo_lesson_and_its_questions_are_valid() {
        let no_images = |_: &[u8]| -> std::result::Result<(), String> { Ok(()) };
        let titles: Vec<String> = books()
            .unwrap()
            .iter()
            .flat_map(|book| {
                let parsed = super::super::import::parse_book(book, &no_images).unwrap();
                parsed
                    .content
                    .modules
                    .into_iter()
                    .flat_map(|m| m.lessons.into_iter().map(|l| l.title))
                    .collect::<Vec<_>>()
            })
            .collect();
        let quizzes = demo_quizzes().unwrap();
        assert!(quizzes.len() >= 3);
        for quiz in quizzes {
            assert!(titles.contains(&quiz.lesson), "{}", quiz.lesson);
            for input in quiz.questions {
                let question = input.into_question("q".into());
                assert_eq!(
                    shared::quiz::validate_question(&question),
                    Ok(()),
                    "{question:?}"
                );
            }
        }
    }
}
