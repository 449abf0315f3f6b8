//! Quiz drafts: a teacher asks for N questions of chosen kinds about a lesson; a background job
//! (`ai_quiz_draft`) makes them with the cheap tier's model, or the offline provider when none is
//! configured, and stores them as one batch the teacher fetches.
//!
//! A model's answer must parse as `shared::quiz::Question`s of the kinds asked for and pass
//! `validate_question`; one repair request is made on an invalid answer, then the batch fails with
//! a clear error. A batch's questions are written once, whole, when it is done; a cancelled batch
//! never gets them.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;
use shared::api::courses::CourseLanguage;
use shared::api::quiz_drafts::{DraftBatch, DraftStatus, NewQuizDraft, MAX_DRAFT_QUESTIONS};
use shared::domain::{CourseId, LessonId, QuizDraftId, UserId};
use shared::quiz::{validate_question, Question, QuestionKind};

use super::offline::{self, LessonText};
use super::prompt::{RenderedPrompt, QUIZ_DRAFT, QUIZ_REPAIR};
use super::{Ai, AiError, Call};
use crate::config::Tier;
use crate::db::{on_pool, Db};
use crate::error::{Error, Result};
use crate::jobs::{self, GaveUpFuture, Handler, Job, JobError, Outcome, RunFuture};

/// The job kind that makes a batch.
pub const JOB_KIND: &str = "ai_quiz_draft";

/// Room for the answer: a question takes ~120 tokens of JSON.
fn answer_tokens(count: u8) -> u32 {
    256 + 200 * u32::from(count)
}

fn no_such_draft() -> Error {
    Error::NotFound("no such quiz draft for this lesson".into())
}

/// Checks a request: 1..=20 questions, at least one kind (repeats ignored).
fn checked_request(new: &NewQuizDraft) -> Result<(u8, Vec<QuestionKind>)> {
    if new.count == 0 || new.count > MAX_DRAFT_QUESTIONS {
        return Err(Error::BadRequest(format!(
            "count: ask for 1 to {MAX_DRAFT_QUESTIONS} questions"
        )));
    }
    let mut kinds = Vec::new();
    for kind in &new.kinds {
        if !kinds.contains(kind) {
            kinds.push(*kind);
        }
    }
    if kinds.is_empty() {
        return Err(Error::BadRequest(
            "kinds: choose at least one kind of question".into(),
        ));
    }
    Ok((new.count, kinds))
}

/// Queues a batch for `lesson` of `course`, asked for by `user`. With a language model
/// configured, a caller whose daily budget is used up is refused at once (429).
pub async fn create(
    ai: &Ai,
    course: &CourseId,
    lesson: &LessonId,
    user: &UserId,
    new: &NewQuizDraft,
) -> Result<QuizDraftId> {
    let (count, kinds) = checked_request(new)?;
    let db = ai.db();
    if !ai.is_offline(Tier::Cheap) {
        if let Err(exhausted) = super::budget::check(db, ai.budgets(), user, Utc::now()).await? {
            return Err(Error::BudgetExhausted(exhausted));
        }
    }
    let kinds_json = serde_json::to_string(&kinds)
        .map_err(|e| Error::Internal(format!("cannot encode kinds: {e}")))?;
    let id = QuizDraftId::new();
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let inserted = crate::db::on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO quiz_drafts (id, course_id, lesson_id, requested_by, count, kinds, \
                                      status, progress, made_without_llm, created_at, updated_at) \
             SELECT $1, $2, $3, $4, $5, $6, 'queued', 0, 0, $7, $7 \
             FROM lessons WHERE id = $3 AND course_id = $2",
        )
        .bind(&id)
        .bind(course)
        .bind(lesson)
        .bind(user)
        .bind(i32::from(count))
        .bind(&kinds_json)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected()
    });
    if inserted == 0 {
        return Err(Error::NotFound("no such lesson in this course".into()));
    }
    jobs::enqueue(
        &mut tx,
        JOB_KIND,
        &DraftJob { draft: id.clone() },
        jobs::Options {
            user_id: Some(user.clone()),
            ..jobs::Options::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    id: QuizDraftId,
    course_id: CourseId,
    lesson_id: LessonId,
    requested_by: Option<UserId>,
    count: i32,
    kinds: String,
    status: String,
    progress: i32,
    questions: Option<String>,
    made_without_llm: i32,
    error: Option<String>,
    created_at: DateTime<Utc>,
}

impl DraftRow {
    fn kinds(&self) -> Vec<QuestionKind> {
        serde_json::from_str(&self.kinds).unwrap_or_default()
    }

    fn status(&self) -> DraftStatus {
        DraftStatus::from_code(&self.status).unwrap_or(DraftStatus::Failed)
    }

    fn view(self) -> DraftBatch {
        let questions = self
            .questions
            .as_deref()
            .and_then(|q| serde_json::from_str(q).ok())
            .unwrap_or_default();
        DraftBatch {
            status: self.status(),
            kinds: self.kinds(),
            id: self.id,
            lesson_id: self.lesson_id,
            progress: u8::try_from(self.progress.clamp(0, 100)).unwrap_or(0),
            count: u8::try_from(self.count.clamp(0, 255)).unwrap_or(0),
            questions,
            made_without_llm: self.made_without_llm != 0,
            error: self.error,
            created_at: self.created_at.into(),
        }
    }
}

const DRAFT_COLUMNS: &str = "id, course_id, lesson_id, requested_by, count, kinds, status, \
                             progress, questions, made_without_llm, error, created_at";

async fn load(db: &Db, draft: &QuizDraftId) -> Result<Option<DraftRow>> {
    let sql = format!("SELECT {DRAFT_COLUMNS} FROM quiz_drafts WHERE id = $1");
    Ok(on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(draft).fetch_optional(pool).await?
    }))
}

/// The batch `draft` of `lesson` in `course`.
pub async fn get(
    db: &Db,
    course: &CourseId,
    lesson: &LessonId,
    draft: &QuizDraftId,
) -> Result<DraftBatch> {
    let row = load(db, draft)
        .await?
        .filter(|row| &row.course_id == course && &row.lesson_id == lesson)
        .ok_or_else(no_such_draft)?;
    Ok(row.view())
}

/// Cancels a queued or running batch (its questions are never stored); a finished one is 409.
pub async fn cancel(
    db: &Db,
    course: &CourseId,
    lesson: &LessonId,
    draft: &QuizDraftId,
) -> Result<DraftBatch> {
    let current = get(db, course, lesson, draft).await?;
    if current.status == DraftStatus::Cancelled {
        return Ok(current);
    }
    let cancelled = on_pool!(db, pool => {
        sqlx::query(
            "UPDATE quiz_drafts SET status = 'cancelled', updated_at = $2 \
             WHERE id = $1 AND status IN ('queued', 'running')",
        )
        .bind(draft)
        .bind(Utc::now())
        .execute(pool)
        .await?
        .rows_affected()
    });
    if cancelled == 0 {
        return Err(Error::Conflict(
            "this draft is already finished; there is nothing to cancel".into(),
        ));
    }
    get(db, course, lesson, draft).await
}

/// The payload of a draft job.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct DraftJob {
    draft: QuizDraftId,
}

/// Runs `ai_quiz_draft` jobs.
#[derive(Debug, Clone)]
pub struct DraftHandler {
    pub ai: Arc<Ai>,
}

impl Handler for DraftHandler {
    fn kind(&self) -> &'static str {
        JOB_KIND
    }

    fn run<'a>(&'a self, job: &'a Job) -> RunFuture<'a> {
        Box::pin(async move {
            let payload: DraftJob = job.payload()?;
            self.make(&payload.draft)
                .await
                .map_err(|e| JobError::transient(format!("quiz draft {}: {e}", payload.draft)))
        })
    }

    /// The job failed for good (a database fault on every attempt): the batch ends as failed,
    /// with a message the teacher can act on, instead of "running" for ever.
    fn gave_up<'a>(&'a self, job: &'a Job, _error: &'a JobError) -> GaveUpFuture<'a> {
        Box::pin(async move {
            let Ok(payload) = job.payload::<DraftJob>() else {
                return;
            };
            let made = Made::Failed(
                "the server could not finish this batch (a fault on our side, logged); ask again"
                    .into(),
            );
            if let Err(e) = finish(self.ai.db(), &payload.draft, made).await {
                tracing::warn!(draft = %payload.draft, error = %e, "cannot mark a given-up quiz draft failed");
            }
        })
    }
}

/// How a batch ended.
enum Made {
    Questions {
        questions: Vec<Question>,
        without_llm: bool,
    },
    Failed(String),
}

/// The lesson a batch is about.
#[derive(sqlx::FromRow)]
struct LessonRow {
    title: String,
    body: String,
    language: String,
}

impl DraftHandler {
    async fn make(&self, draft: &QuizDraftId) -> Result<Outcome> {
        let db = self.ai.db();
        let Some(row) = load(db, draft).await? else {
            return Ok(Outcome::Discarded);
        };
        if !row.status().is_pending() {
            return Ok(Outcome::Done);
        }
        set_progress(db, draft, "running", 10).await?;
        let lesson: Option<LessonRow> = on_pool!(db, pool => {
            sqlx::query_as(
                "SELECT l.title, l.body, c.language FROM lessons l \
                 JOIN courses c ON c.id = l.course_id WHERE l.id = $1",
            )
            .bind(&row.lesson_id)
            .fetch_optional(pool)
            .await?
        });
        let Some(lesson) = lesson else {
            return Ok(Outcome::Discarded);
        };
        let language = CourseLanguage::from_code(&lesson.language).unwrap_or(CourseLanguage::En);
        let text = LessonText {
            title: &lesson.title,
            markdown: &lesson.body,
            language,
        };
        let count = u8::try_from(row.count).unwrap_or(1);
        let kinds = row.kinds();
        let made = if self.ai.is_offline(Tier::Cheap) {
            let course_terms =
                other_lesson_terms(db, &row.course_id, &row.lesson_id, language).await?;
            let questions = offline::draft_questions(&text, &course_terms, count.into(), &kinds);
            if questions.is_empty() {
                Made::Failed(
                    "no questions could be made from this lesson's text without a language model"
                        .into(),
                )
            } else {
                Made::Questions {
                    questions,
                    without_llm: true,
                }
            }
        } else {
            self.ask_model(draft, &text, count, &kinds, row.requested_by.as_ref())
                .await?
        };
        finish(db, draft, made).await?;
        Ok(Outcome::Done)
    }

    /// The model's questions, with one repair request when the first answer is not a valid quiz.
    async fn ask_model(
        &self,
        draft: &QuizDraftId,
        lesson: &LessonText<'_>,
        count: u8,
        kinds: &[QuestionKind],
        user: Option<&UserId>,
    ) -> Result<Made> {
        let prompt = draft_prompt(lesson, count, kinds);
        let call = Call {
            tier: Tier::Cheap,
            prompt: &prompt,
            user,
            max_tokens: answer_tokens(count),
            cached: true,
        };
        let first = match self.ai.complete(call).await {
            Ok(answer) => answer,
            Err(e) => return failed(e),
        };
        let problem = match parse_questions(&first.completion.text, count, kinds) {
            Ok(questions) => {
                self.ai.remember(&prompt, &first).await.map_err(internal)?;
                return Ok(Made::Questions {
                    questions,
                    without_llm: false,
                });
            }
            Err(problem) => problem,
        };
        tracing::info!(draft = %draft, problem = %problem, "quiz draft answer invalid; asking once more");
        if !still_pending(self.ai.db(), draft).await? {
            return Ok(Made::Failed("cancelled".into()));
        }
        set_progress(self.ai.db(), draft, "running", 50).await?;
        let repair = repair_prompt(&prompt, &first.completion.text, &problem);
        let second = match self
            .ai
            .complete(Call {
                prompt: &repair,
                cached: false,
                ..call
            })
            .await
        {
            Ok(answer) => answer,
            Err(e) => return failed(e),
        };
        match parse_questions(&second.completion.text, count, kinds) {
            Ok(questions) => Ok(Made::Questions {
                questions,
                without_llm: false,
            }),
            Err(problem) => Ok(Made::Failed(format!(
                "the language model did not write a valid quiz, twice ({problem}); try again \
                 or ask for fewer questions"
            ))),
        }
    }
}

fn internal(e: AiError) -> Error {
    match e {
        AiError::Database(e) => Error::Database(e),
        other => Error::Internal(other.to_string()),
    }
}

/// A call that failed: a database failure is retried by the job; any other ends the batch.
fn failed(e: AiError) -> Result<Made> {
    match e {
        AiError::Database(e) => Err(Error::Database(e)),
        other => Ok(Made::Failed(other.for_people())),
    }
}

pub(crate) fn language_name(language: CourseLanguage) -> &'static str {
    match language {
        CourseLanguage::En => "English",
        CourseLanguage::Ru => "Russian",
    }
}

/// The quiz prompt for `lesson`.
pub fn draft_prompt(lesson: &LessonText<'_>, count: u8, kinds: &[QuestionKind]) -> RenderedPrompt {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
    QUIZ_DRAFT.render(&[
        ("title", lesson.title),
        ("lesson", lesson.markdown),
        ("language", language_name(lesson.language)),
        ("count", &count.to_string()),
        ("kinds", &kinds.join(", ")),
    ])
}

/// The repair request after `answer` to `prompt` was refused for `problem`.
pub fn repair_prompt(prompt: &RenderedPrompt, answer: &str, problem: &str) -> RenderedPrompt {
    let user = QUIZ_REPAIR.render(&[
        ("error", problem),
        ("answer", answer),
        ("request", &prompt.user),
    ]);
    RenderedPrompt {
        system: prompt.system.clone(),
        ..user
    }
}

/// The JSON object in a model's answer: the text itself, or inside a ``` fence, or from its first
/// `{` to its last `}`.
fn json_object(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    (start < end).then(|| &text[start..=end])
}

/// Reads a model's answer as 1..=`count` questions of `kinds`, each valid, each with a new id.
/// The error says what is wrong, for the repair request and the teacher.
pub fn parse_questions(
    text: &str,
    count: u8,
    kinds: &[QuestionKind],
) -> std::result::Result<Vec<Question>, String> {
    let json = json_object(text).ok_or("the answer holds no JSON object")?;
    let value: Value =
        serde_json::from_str(json).map_err(|e| format!("the answer is not valid JSON: {e}"))?;
    let items = value
        .get("questions")
        .and_then(Value::as_array)
        .ok_or("the JSON object has no \"questions\" list")?;
    if items.is_empty() {
        return Err("the \"questions\" list is empty".into());
    }
    if items.len() > usize::from(count) {
        return Err(format!(
            "{} questions were written, {count} were asked for",
            items.len()
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let n = i + 1;
            let mut item = item.clone();
            let object = item
                .as_object_mut()
                .ok_or_else(|| format!("question {n} is not a JSON object"))?;
            // Never the model's: ids are ours.
            object.insert("id".into(), Value::String(uuid::Uuid::now_v7().to_string()));
            object
                .entry("explanation")
                .or_insert_with(|| Value::String(String::new()));
            let question: Question = serde_json::from_value(item)
                .map_err(|e| format!("question {n} does not match the schema: {e}"))?;
            if !kinds.contains(&question.body.kind()) {
                return Err(format!(
                    "question {n} is a {}, which was not asked for",
                    question.body.kind().code()
                ));
            }
            validate_question(&question).map_err(|e| format!("question {n}: {e}"))?;
            Ok(question)
        })
        .collect()
}

async fn set_progress(db: &Db, draft: &QuizDraftId, status: &str, progress: i32) -> Result<()> {
    on_pool!(db, pool => {
        sqlx::query(
            "UPDATE quiz_drafts SET status = $2, progress = $3, updated_at = $4 \
             WHERE id = $1 AND status IN ('queued', 'running')",
        )
        .bind(draft)
        .bind(status)
        .bind(progress)
        .bind(Utc::now())
        .execute(pool)
        .await?;
    });
    Ok(())
}

async fn still_pending(db: &Db, draft: &QuizDraftId) -> Result<bool> {
    Ok(load(db, draft)
        .await?
        .is_some_and(|row| row.status().is_pending()))
}

/// Writes the batch's end in one statement, only if it was not cancelled meanwhile.
async fn finish(db: &Db, draft: &QuizDraftId, made: Made) -> Result<()> {
    let (status, questions, without_llm, error) = match made {
        Made::Questions {
            questions,
            without_llm,
        } => {
            let json = serde_json::to_string(&questions)
                .map_err(|e| Error::Internal(format!("cannot encode questions: {e}")))?;
            ("done", Some(json), without_llm, None)
        }
        Made::Failed(error) => ("failed", None, false, Some(error)),
    };
    on_pool!(db, pool => {
        sqlx::query(
            "UPDATE quiz_drafts SET status = $2, progress = 100, questions = $3, \
                 made_without_llm = $4, error = $5, updated_at = $6 \
             WHERE id = $1 AND status IN ('queued', 'running')",
        )
        .bind(draft)
        .bind(status)
        .bind(questions)
        .bind(i32::from(without_llm))
        .bind(error)
        .bind(Utc::now())
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Key terms of the course's other lessons: distractors for the offline provider.
async fn other_lesson_terms(
    db: &Db,
    course: &CourseId,
    lesson: &LessonId,
    language: CourseLanguage,
) -> Result<Vec<String>> {
    let others: Vec<(String, String)> = on_pool!(db, pool => {
        sqlx::query_as("SELECT title, body FROM lessons WHERE course_id = $1 AND id <> $2")
            .bind(course)
            .bind(lesson)
            .fetch_all(pool)
            .await?
    });
    let mut terms: Vec<String> = Vec::new();
    for (title, body) in &others {
        let text = LessonText {
            title,
            markdown: body,
            language,
        };
        for term in offline::key_terms(&text, 10) {
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[QuestionKind] = QuestionKind::ALL;

    #[test]
    fn a_valid_answer_parses_with_new_ids_even_inside_a_fence() {
        let text = "Here you are:\n```json\n{\"questions\": [\
            {\"id\": \"mine\", \"kind\": \"single_choice\", \"prompt\": \"2+2?\", \
             \"options\": [\"3\", \"4\"], \"correct\": 1, \"explanation\": \"Sums.\"},\
            {\"kind\": \"cloze\", \"prompt\": \"\", \"text\": \"Paris is in {{France}}.\", \
             \"explanation\": \"Geography.\"}]}\n```";
        let questions = parse_questions(text, 2, ALL).unwrap();
        assert_eq!(questions.len(), 2);
        assert_ne!(questions[0].id, "mine");
        assert!(questions.iter().all(|q| q.id.len() == 36));
    }

    #[test]
    fn invalid_answers_say_what_is_wrong() {
        let cases: &[(&str, &[QuestionKind], &str)] = &[
            ("no json here", ALL, "no JSON object"),
            ("{\"questions\": [", ALL, "no JSON object"),
            ("{\"questions\": [}", ALL, "not valid JSON"),
            ("{\"items\": []}", ALL, "no \"questions\""),
            ("{\"questions\": []}", ALL, "empty"),
            (
                "{\"questions\": [{\"kind\": \"essay\", \"prompt\": \"x\"}]}",
                ALL,
                "does not match the schema",
            ),
            (
                "{\"questions\": [{\"kind\": \"true_false\", \"prompt\": \"x\", \"correct\": true}]}",
                &[QuestionKind::Cloze],
                "not asked for",
            ),
            (
                "{\"questions\": [{\"kind\": \"single_choice\", \"prompt\": \"x\", \
                  \"options\": [\"a\", \"a\"], \"correct\": 0}]}",
                ALL,
                "say the same",
            ),
            (
                "{\"questions\": [{\"kind\": \"true_false\", \"prompt\": \"x\", \"correct\": true}, \
                  {\"kind\": \"true_false\", \"prompt\": \"y\", \"correct\": false}]}",
                ALL,
                "2 questions were written, 1 were asked for",
            ),
        ];
        for (text, kinds, expected) in cases {
            let count = 1;
            let err = parse_questions(text, count, kinds).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn requests_are_checked() {
        let ok = NewQuizDraft {
            count: 20,
            kinds: vec![QuestionKind::Cloze, QuestionKind::Cloze],
        };
        assert_eq!(
            checked_request(&ok).unwrap(),
            (20, vec![QuestionKind::Cloze])
        );
        for bad in [
            NewQuizDraft {
                count: 0,
                kinds: vec![QuestionKind::Cloze],
            },
            NewQuizDraft {
                count: 21,
                kinds: vec![QuestionKind::Cloze],
            },
            NewQuizDraft {
                count: 3,
                kinds: vec![],
            },
        ] {
            assert!(checked_request(&bad).is_err(), "{bad:?}");
        }
    }
}
