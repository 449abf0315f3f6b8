//! Lesson quizzes: the teacher's working copy (questions in order, drafts among them, the pass
//! mark), its publication as immutable versions, the version learners get with the lesson, and
//! the figures about the attempts (`quiz_attempts`, written by `sync::projections`).
//!
//! Every question is checked with `shared::quiz::validate_question` before it is stored. Never
//! checks who the caller is: handlers do that with `require_course_owner` before calling in.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use shared::api::quizzes::{
    NewQuestions, PublishedQuiz, QuestionInput, QuestionOrder, QuestionSource, QuestionStats,
    QuizDraft, QuizQuestion, QuizSettings, QuizStats, QuizView,
};
use shared::domain::{CourseId, LessonId};
use shared::quiz::{validate_question, Question, QuestionBody, DEFAULT_PASS_MARK, MAX_QUESTIONS};
use shared::validate::Invalid;

use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};

/// Most questions a working copy holds, drafts included (suggestions may outnumber what is
/// published; a publication holds at most `MAX_QUESTIONS`).
pub const MAX_WORKING_QUESTIONS: usize = 2 * MAX_QUESTIONS;

fn no_such_lesson() -> Error {
    Error::NotFound("no such lesson in this course".into())
}

fn no_such_question() -> Error {
    Error::NotFound("no such question in this lesson's quiz".into())
}

/// A working copy's question as `quiz_questions` stores it.
#[derive(sqlx::FromRow)]
struct QuestionRow {
    question: String,
    draft: bool,
    source: String,
}

impl QuestionRow {
    fn into_api(self) -> Result<QuizQuestion> {
        let question: Question = serde_json::from_str(&self.question)
            .map_err(|e| Error::Internal(format!("a stored quiz question does not read: {e}")))?;
        Ok(QuizQuestion {
            question,
            draft: self.draft,
            source: QuestionSource::from_code(&self.source).unwrap_or(QuestionSource::Teacher),
        })
    }
}

/// A `quiz_versions` row.
#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i32,
    pass_mark: i32,
    questions: String,
    created_at: DateTime<Utc>,
}

impl VersionRow {
    fn into_view(self) -> Result<QuizView> {
        let questions: Vec<Question> = serde_json::from_str(&self.questions)
            .map_err(|e| Error::Internal(format!("a stored quiz version does not read: {e}")))?;
        Ok(QuizView {
            version: u32::try_from(self.version).unwrap_or(0),
            pass_mark: pass_mark_of(self.pass_mark),
            questions,
        })
    }
}

fn pass_mark_of(stored: i32) -> u8 {
    u8::try_from(stored.clamp(0, 100)).unwrap_or(DEFAULT_PASS_MARK)
}

const LATEST_VERSION_SQL: &str = "SELECT version, pass_mark, questions, created_at \
     FROM quiz_versions WHERE lesson_id = $1 ORDER BY version DESC LIMIT 1";

/// The quiz learners get with `lesson`: its latest published version, if any.
pub async fn published_quiz(db: &Db, lesson: &LessonId) -> Result<Option<QuizView>> {
    let row: Option<VersionRow> = on_pool!(db, pool => {
        sqlx::query_as(LATEST_VERSION_SQL)
            .bind(lesson)
            .fetch_optional(pool)
            .await?
    });
    row.map(VersionRow::into_view).transpose()
}

/// The quiz version `version` of `lesson`, as attempts on it are scored (`None`: no such version).
pub async fn quiz_version_in(
    tx: &mut Tx,
    lesson: &LessonId,
    version: u32,
) -> Result<Option<QuizView>> {
    let row: Option<VersionRow> = on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT version, pass_mark, questions, created_at FROM quiz_versions \
             WHERE lesson_id = $1 AND version = $2",
        )
        .bind(lesson)
        .bind(i32::try_from(version).unwrap_or(i32::MAX))
        .fetch_optional(conn)
        .await?
    });
    row.map(VersionRow::into_view).transpose()
}

/// Whether `lesson` has a published quiz (then a passing attempt is what completes it).
pub async fn has_published_quiz(tx: &mut Tx, lesson: &LessonId) -> Result<bool> {
    let found: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT 1 FROM quiz_versions WHERE lesson_id = $1 LIMIT 1")
            .bind(lesson)
            .fetch_optional(conn)
            .await?
    });
    Ok(found.is_some())
}

/// 404 unless `lesson` is a lesson of `course`.
async fn require_lesson(tx: &mut Tx, course: &CourseId, lesson: &LessonId) -> Result<()> {
    let in_course: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT 1 FROM lessons WHERE id = $1 AND course_id = $2")
            .bind(lesson)
            .bind(course)
            .fetch_optional(conn)
            .await?
    });
    in_course.map(|_| ()).ok_or_else(no_such_lesson)
}

/// Makes sure `lesson` (of `course`) has a quiz row to edit, and claims it for this transaction
/// (PostgreSQL: a concurrent edit of the same quiz waits). 404 when the lesson is not the course's.
async fn claim_quiz(tx: &mut Tx, course: &CourseId, lesson: &LessonId) -> Result<()> {
    require_lesson(tx, course, lesson).await?;
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO quizzes (lesson_id, course_id, pass_mark, updated_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (lesson_id) DO UPDATE SET updated_at = excluded.updated_at",
        )
        .bind(lesson)
        .bind(course)
        .bind(i32::from(DEFAULT_PASS_MARK))
        .bind(Utc::now())
        .execute(conn)
        .await?;
    });
    Ok(())
}

async fn working_questions(tx: &mut Tx, lesson: &LessonId) -> Result<Vec<QuizQuestion>> {
    let rows: Vec<QuestionRow> = on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT question, draft, source FROM quiz_questions \
             WHERE lesson_id = $1 ORDER BY position, id",
        )
        .bind(lesson)
        .fetch_all(conn)
        .await?
    });
    rows.into_iter().map(QuestionRow::into_api).collect()
}

/// The working copy as the editor shows it, read in `tx` (after a write, before commit).
async fn draft_in(tx: &mut Tx, course: &CourseId, lesson: &LessonId) -> Result<QuizDraft> {
    require_lesson(tx, course, lesson).await?;
    let (pass_mark, latest) = on_tx!(tx, conn => {
        let pass_mark: Option<i32> =
            sqlx::query_scalar("SELECT pass_mark FROM quizzes WHERE lesson_id = $1")
                .bind(lesson)
                .fetch_optional(&mut *conn)
                .await?;
        let latest: Option<VersionRow> = sqlx::query_as(LATEST_VERSION_SQL)
            .bind(lesson)
            .fetch_optional(&mut *conn)
            .await?;
        (pass_mark, latest)
    });
    let pass_mark = pass_mark.map_or(DEFAULT_PASS_MARK, pass_mark_of);
    let questions = working_questions(tx, lesson).await?;
    let published_at = latest.as_ref().map(|row| row.created_at);
    let latest = latest.map(VersionRow::into_view).transpose()?;
    let accepted: Vec<&Question> = questions
        .iter()
        .filter(|q| !q.draft)
        .map(|q| &q.question)
        .collect();
    let unpublished_changes = match &latest {
        None => !accepted.is_empty(),
        Some(view) => {
            view.pass_mark != pass_mark || view.questions.iter().collect::<Vec<_>>() != accepted
        }
    };
    Ok(QuizDraft {
        lesson_id: lesson.clone(),
        pass_mark,
        questions,
        published: latest.zip(published_at).map(|(view, at)| PublishedQuiz {
            version: view.version,
            question_count: u32::try_from(view.questions.len()).unwrap_or(u32::MAX),
            published_at: at.into(),
        }),
        unpublished_changes,
    })
}

/// Commits a write and answers the working copy as it left it.
async fn commit_with_draft(mut tx: Tx, course: &CourseId, lesson: &LessonId) -> Result<QuizDraft> {
    let draft = draft_in(&mut tx, course, lesson).await?;
    tx.commit().await?;
    Ok(draft)
}

/// The working copy of `lesson`'s quiz (an empty one with the default pass mark if it was never
/// edited). 404 when the lesson is not the course's.
pub async fn quiz_draft(db: &Db, course: &CourseId, lesson: &LessonId) -> Result<QuizDraft> {
    let tx = db.begin().await?;
    commit_with_draft(tx, course, lesson).await
}

/// Checks a question as given, numbered from 1 in the caller's list for the message: 422 with
/// `validate_question`'s text when it cannot be answered as written.
fn checked_question(input: QuestionInput, id: String, number: usize) -> Result<Question> {
    let question = input.into_question(id);
    validate_question(&question)
        .map_err(|invalid| Error::UnprocessableContent(format!("question {number}: {invalid}")))?;
    Ok(question)
}

fn stored_json(question: &Question) -> Result<String> {
    serde_json::to_string(question).map_err(|e| Error::Internal(e.to_string()))
}

/// Appends `new.questions`, in order, to the working copy (as drafts where they say so). All or
/// nothing: one question that cannot be answered as written is 422 and none is added.
pub async fn add_questions(
    db: &Db,
    course: &CourseId,
    lesson: &LessonId,
    new: NewQuestions,
) -> Result<QuizDraft> {
    if new.questions.is_empty() {
        return Err(Error::UnprocessableContent(
            "give at least one question".into(),
        ));
    }
    let mut checked = Vec::with_capacity(new.questions.len());
    for (index, input) in new.questions.into_iter().enumerate() {
        let (draft, source) = (input.draft, input.source.unwrap_or(QuestionSource::Teacher));
        let id = uuid::Uuid::now_v7().to_string();
        checked.push((checked_question(input, id, index + 1)?, draft, source));
    }
    let mut tx = db.begin().await?;
    claim_quiz(&mut tx, course, lesson).await?;
    let (count, next): (i64, Option<i32>) = on_tx!(tx, conn => {
        sqlx::query_as("SELECT COUNT(*), MAX(position) + 1 FROM quiz_questions WHERE lesson_id = $1")
            .bind(lesson)
            .fetch_one(conn)
            .await?
    });
    if usize::try_from(count).unwrap_or(usize::MAX) + checked.len() > MAX_WORKING_QUESTIONS {
        return Err(Error::UnprocessableContent(format!(
            "a quiz holds at most {MAX_WORKING_QUESTIONS} questions, drafts included; \
             discard some first"
        )));
    }
    let now = Utc::now();
    for (position, (question, draft, source)) in (next.unwrap_or(0)..).zip(&checked) {
        let json = stored_json(question)?;
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO quiz_questions (id, lesson_id, position, question, draft, source, \
                     created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(&question.id)
            .bind(lesson)
            .bind(position)
            .bind(&json)
            .bind(*draft)
            .bind(source.code())
            .bind(now)
            .execute(conn)
            .await?;
        });
    }
    commit_with_draft(tx, course, lesson).await
}

/// Replaces one question's content and draft flag (`draft: false` accepts a suggestion); its id,
/// place and source stay.
pub async fn update_question(
    db: &Db,
    course: &CourseId,
    lesson: &LessonId,
    question: &str,
    input: QuestionInput,
) -> Result<QuizDraft> {
    let draft = input.draft;
    let checked = checked_question(input, question.to_owned(), 1)?;
    let json = stored_json(&checked)?;
    let mut tx = db.begin().await?;
    claim_quiz(&mut tx, course, lesson).await?;
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE quiz_questions SET question = $3, draft = $4, updated_at = $5 \
             WHERE id = $1 AND lesson_id = $2",
        )
        .bind(question)
        .bind(lesson)
        .bind(&json)
        .bind(draft)
        .bind(Utc::now())
        .execute(conn)
        .await?
        .rows_affected()
    });
    if updated == 0 {
        return Err(no_such_question());
    }
    commit_with_draft(tx, course, lesson).await
}

/// Removes a question from the working copy (published versions keep it).
pub async fn delete_question(
    db: &Db,
    course: &CourseId,
    lesson: &LessonId,
    question: &str,
) -> Result<QuizDraft> {
    let mut tx = db.begin().await?;
    claim_quiz(&mut tx, course, lesson).await?;
    let deleted = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM quiz_questions WHERE id = $1 AND lesson_id = $2")
            .bind(question)
            .bind(lesson)
            .execute(conn)
            .await?
            .rows_affected()
    });
    if deleted == 0 {
        return Err(no_such_question());
    }
    commit_with_draft(tx, course, lesson).await
}

/// Puts the working copy's questions in the order given, which must name each of them once
/// (409 otherwise, nothing changed).
pub async fn reorder_questions(
    db: &Db,
    course: &CourseId,
    lesson: &LessonId,
    order: &QuestionOrder,
) -> Result<QuizDraft> {
    let mut tx = db.begin().await?;
    claim_quiz(&mut tx, course, lesson).await?;
    let stored: Vec<String> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT id FROM quiz_questions WHERE lesson_id = $1")
            .bind(lesson)
            .fetch_all(conn)
            .await?
    });
    let stored: HashSet<&str> = stored.iter().map(String::as_str).collect();
    let sent: HashSet<&str> = order.questions.iter().map(String::as_str).collect();
    if sent.len() != order.questions.len() || sent != stored {
        return Err(Error::Conflict(
            "the questions changed since they were loaded (the order must name every question \
             of the quiz once); reload them and try again"
                .into(),
        ));
    }
    let now = Utc::now();
    for (index, id) in order.questions.iter().enumerate() {
        on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE quiz_questions SET position = $3, updated_at = $4 \
                 WHERE id = $1 AND lesson_id = $2",
            )
            .bind(id)
            .bind(lesson)
            .bind(i32::try_from(index).unwrap_or(i32::MAX))
            .bind(now)
            .execute(conn)
            .await?;
        });
    }
    commit_with_draft(tx, course, lesson).await
}

/// Sets the pass mark (0 to 100; anything else is `validation_failed` on `pass_mark`).
pub async fn change_settings(
    db: &Db,
    course: &CourseId,
    lesson: &LessonId,
    settings: QuizSettings,
) -> Result<QuizDraft> {
    if settings.pass_mark > 100 {
        return Err(Error::Validation {
            field: "pass_mark",
            reason: Invalid::OutOfRange { min: 0, max: 100 },
        });
    }
    let mut tx = db.begin().await?;
    claim_quiz(&mut tx, course, lesson).await?;
    on_tx!(tx, conn => {
        sqlx::query("UPDATE quizzes SET pass_mark = $2, updated_at = $3 WHERE lesson_id = $1")
            .bind(lesson)
            .bind(i32::from(settings.pass_mark))
            .bind(Utc::now())
            .execute(conn)
            .await?;
    });
    commit_with_draft(tx, course, lesson).await
}

/// Publishes the working copy's accepted questions (drafts stay out) as the next version, which
/// learners get from now on; attempts already made keep the version they name. 409 with no
/// accepted question, or more than `MAX_QUESTIONS`.
pub async fn publish(db: &Db, course: &CourseId, lesson: &LessonId) -> Result<QuizView> {
    let mut tx = db.begin().await?;
    claim_quiz(&mut tx, course, lesson).await?;
    let draft = draft_in(&mut tx, course, lesson).await?;
    let questions: Vec<Question> = draft
        .questions
        .into_iter()
        .filter(|q| !q.draft)
        .map(|q| q.question)
        .collect();
    if questions.is_empty() {
        return Err(Error::Conflict(
            "a quiz needs at least one accepted question before it can be published".into(),
        ));
    }
    if questions.len() > MAX_QUESTIONS {
        return Err(Error::Conflict(format!(
            "a published quiz holds at most {MAX_QUESTIONS} questions"
        )));
    }
    let version = draft.published.map_or(1, |p| p.version + 1);
    let json = serde_json::to_string(&questions).map_err(|e| Error::Internal(e.to_string()))?;
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO quiz_versions (lesson_id, version, pass_mark, questions, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(lesson)
        .bind(i32::try_from(version).unwrap_or(i32::MAX))
        .bind(i32::from(draft.pass_mark))
        .bind(&json)
        .bind(Utc::now())
        .execute(conn)
        .await?;
    });
    // Learners' copies (and offline downloads) follow the course's version.
    super::authoring::touch_course(&mut tx, course).await?;
    tx.commit().await?;
    Ok(QuizView {
        version,
        pass_mark: draft.pass_mark,
        questions,
    })
}

/// An attempt as the statistics read it: (user, passed, results JSON, duration in ms).
type AttemptRow = (String, bool, String, i64);

/// What a question is called in the statistics: its prompt, or a cloze's text.
fn question_label(question: &Question) -> String {
    match &question.body {
        QuestionBody::Cloze { text } if question.prompt.trim().is_empty() => text.clone(),
        _ => question.prompt.clone(),
    }
}

/// How learners did on `lesson`'s quiz, over every version (each attempt scored on the server).
pub async fn quiz_stats(db: &Db, course: &CourseId, lesson: &LessonId) -> Result<QuizStats> {
    let mut tx = db.begin().await?;
    require_lesson(&mut tx, course, lesson).await?;
    let (attempts, versions): (Vec<AttemptRow>, Vec<VersionRow>) = on_tx!(tx, conn => {
        let attempts = sqlx::query_as(
            "SELECT user_id, passed, results, duration_ms FROM quiz_attempts \
             WHERE lesson_id = $1",
        )
        .bind(lesson)
        .fetch_all(&mut *conn)
        .await?;
        let versions = sqlx::query_as(
            "SELECT version, pass_mark, questions, created_at FROM quiz_versions \
             WHERE lesson_id = $1 ORDER BY version DESC",
        )
        .bind(lesson)
        .fetch_all(&mut *conn)
        .await?;
        (attempts, versions)
    });
    tx.commit().await?;

    // Questions by id, the latest version's first and in its order, then older ones.
    let mut labels: Vec<(String, String)> = Vec::new();
    for version in versions {
        for question in version.into_view()?.questions {
            if !labels.iter().any(|(id, _)| *id == question.id) {
                labels.push((question.id.clone(), question_label(&question)));
            }
        }
    }
    let mut tally: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let mut learners = HashSet::new();
    let mut passed_learners = HashSet::new();
    let mut passed = 0u32;
    let mut durations = Vec::with_capacity(attempts.len());
    for (user, did_pass, results, duration) in &attempts {
        learners.insert(user.as_str());
        if *did_pass {
            passed += 1;
            passed_learners.insert(user.as_str());
        }
        durations.push(u64::try_from(*duration).unwrap_or(0));
        let results: BTreeMap<String, bool> = serde_json::from_str(results).unwrap_or_default();
        for (question, right) in results {
            let entry = tally.entry(question).or_default();
            entry.0 += 1;
            entry.1 += u32::from(right);
        }
    }
    let count = u32::try_from(attempts.len()).unwrap_or(u32::MAX);
    let ratio = |part: u32, whole: u32| {
        if whole == 0 {
            0.0
        } else {
            f64::from(part) / f64::from(whole)
        }
    };
    Ok(QuizStats {
        attempts: count,
        learners: u32::try_from(learners.len()).unwrap_or(u32::MAX),
        learners_passed: u32::try_from(passed_learners.len()).unwrap_or(u32::MAX),
        pass_rate: ratio(passed, count),
        median_duration_ms: median(&mut durations),
        questions: labels
            .into_iter()
            .map(|(id, prompt)| {
                let (answered, correct) = tally.get(&id).copied().unwrap_or_default();
                QuestionStats {
                    question_id: id,
                    prompt,
                    answered,
                    correct,
                    accuracy: ratio(correct, answered),
                }
            })
            .collect(),
    })
}

/// The median of `values` (the lower middle one of an even count); `None` when empty.
fn median(values: &mut [u64]) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_value_or_the_lower_of_two() {
        let table: [(&[u64], Option<u64>); 5] = [
            (&[], None),
            (&[7], Some(7)),
            (&[9, 1], Some(1)),
            (&[30, 10, 20], Some(20)),
            (&[4, 1, 3, 2], Some(2)),
        ];
        for (values, expected) in table {
            assert_eq!(median(&mut values.to_vec()), expected, "{values:?}");
        }
    }
}
