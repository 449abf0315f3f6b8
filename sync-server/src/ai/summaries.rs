//! Lesson summaries: a short summary and key points per lesson, made in the background
//! (`ai_lesson_summary` jobs) when a published course's lesson is saved with new text, or a course
//! is published (the demo courses at start too). The cheap tier's model writes them, or the
//! offline provider when none is configured (or the model's answer cannot be used).
//!
//! A summary is stored with the hash of the text it summarises: a job for text already summarised
//! does nothing, so bursts of saves coalesce, and a job is keyed by lesson and text hash.

use std::sync::Arc;

use chrono::Utc;
use serde_json::Value;
use sha2::{Digest, Sha256};
use shared::api::courses::{CourseLanguage, LessonSummary};
use shared::domain::{CourseId, LessonId};

use super::offline::{self, LessonText, Summary};
use super::prompt::{hex, LESSON_SUMMARY};
use super::{Ai, AiError, Call};
use crate::config::Tier;
use crate::db::{on_pool, on_tx, Tx};
use crate::error::{Error, Result};
use crate::jobs::{self, Handler, Job, JobError, Outcome, RunFuture};

pub const JOB_KIND: &str = "ai_lesson_summary";

/// Most key points kept.
const MAX_KEY_POINTS: usize = 8;
/// Longest summary kept, in characters.
const MAX_SUMMARY_CHARS: usize = 1_500;

/// The hash a summary is stored with: of the title and the Markdown body.
pub fn text_hash(title: &str, body: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(title.as_bytes());
    hasher.update([0u8]);
    hasher.update(body.as_bytes());
    hex(&hasher.finalize())
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct SummaryJob {
    lesson: LessonId,
}

/// Queues a summary of `lesson` (whose text is `title` and `body`) in `tx`.
pub async fn queue_lesson(tx: &mut Tx, lesson: &LessonId, title: &str, body: &str) -> Result<()> {
    let key = format!("{JOB_KIND}:{lesson}:{}", text_hash(title, body));
    jobs::enqueue(
        tx,
        JOB_KIND,
        &SummaryJob {
            lesson: lesson.clone(),
        },
        jobs::Options {
            unique_key: Some(key),
            ..jobs::Options::default()
        },
    )
    .await?;
    Ok(())
}

/// Queues a summary of every lesson of `course` (it was just published).
pub async fn queue_course(tx: &mut Tx, course: &CourseId) -> Result<()> {
    let lessons: Vec<(LessonId, String, String)> = on_tx!(tx, conn => {
        sqlx::query_as("SELECT id, title, body FROM lessons WHERE course_id = $1")
            .bind(course)
            .fetch_all(conn)
            .await?
    });
    for (lesson, title, body) in &lessons {
        queue_lesson(tx, lesson, title, body).await?;
    }
    Ok(())
}

/// Queues a summary of `lesson` if its course is published (a lesson's text was saved).
pub async fn queue_if_published(tx: &mut Tx, course: &CourseId, lesson: &LessonId) -> Result<()> {
    let row: Option<(String, String)> = on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT l.title, l.body FROM lessons l JOIN courses c ON c.id = l.course_id \
             WHERE l.id = $1 AND c.id = $2 AND c.status = 'published'",
        )
        .bind(lesson)
        .bind(course)
        .fetch_optional(conn)
        .await?
    });
    if let Some((title, body)) = row {
        queue_lesson(tx, lesson, &title, &body).await?;
    }
    Ok(())
}

/// The stored summary as the lesson page shows it: `None` when there is none or it is empty.
pub fn view(
    summary: Option<String>,
    key_points: Option<String>,
    without_llm: Option<i32>,
) -> Option<LessonSummary> {
    let summary = summary.filter(|s| !s.trim().is_empty())?;
    Some(LessonSummary {
        summary,
        key_points: key_points
            .and_then(|k| serde_json::from_str(&k).ok())
            .unwrap_or_default(),
        made_without_llm: without_llm.unwrap_or(0) != 0,
    })
}

/// Runs `ai_lesson_summary` jobs.
#[derive(Debug, Clone)]
pub struct SummaryHandler {
    pub ai: Arc<Ai>,
}

impl Handler for SummaryHandler {
    fn kind(&self) -> &'static str {
        JOB_KIND
    }

    fn run<'a>(&'a self, job: &'a Job) -> RunFuture<'a> {
        Box::pin(async move {
            let payload: SummaryJob = job.payload()?;
            self.summarize(&payload.lesson, job.attempts).await
        })
    }
}

#[derive(sqlx::FromRow)]
struct LessonRow {
    title: String,
    body: String,
    language: String,
    stored_hash: Option<String>,
}

/// Attempts at the model before a transient failure falls back to the offline summary.
const MODEL_ATTEMPTS: u32 = 3;

impl SummaryHandler {
    async fn summarize(
        &self,
        lesson: &LessonId,
        attempts: u32,
    ) -> std::result::Result<Outcome, JobError> {
        let db = self.ai.db();
        let transient = |e: Error| JobError::transient(format!("lesson summary {lesson}: {e}"));
        let row: Option<LessonRow> = on_pool!(db, pool => {
            sqlx::query_as(
                "SELECT l.title, l.body, c.language, s.text_hash AS stored_hash FROM lessons l \
                 JOIN courses c ON c.id = l.course_id \
                 LEFT JOIN lesson_summaries s ON s.lesson_id = l.id WHERE l.id = $1",
            )
            .bind(lesson)
            .fetch_optional(pool)
            .await
            .map_err(|e| transient(e.into()))?
        });
        let Some(row) = row else {
            return Ok(Outcome::Discarded);
        };
        let hash = text_hash(&row.title, &row.body);
        if row.stored_hash.as_deref() == Some(hash.as_str()) {
            return Ok(Outcome::Done);
        }
        let text = LessonText {
            title: &row.title,
            markdown: &row.body,
            language: CourseLanguage::from_code(&row.language).unwrap_or(CourseLanguage::En),
        };
        let (summary, model) = if self.ai.is_offline(Tier::Cheap) {
            (offline::summarize(&text), None)
        } else {
            match self.ask_model(&text).await {
                Ok(made) => made,
                Err(AiError::Provider(e)) if e.retryable() && attempts < MODEL_ATTEMPTS => {
                    return Err(JobError::transient(format!("lesson summary {lesson}: {e}")))
                }
                Err(AiError::Database(e)) => return Err(transient(e.into())),
                Err(e) => {
                    tracing::warn!(%lesson, error = %e, "no model summary; using the offline one");
                    (offline::summarize(&text), None)
                }
            }
        };
        store(db, lesson, &hash, &summary, model.as_deref())
            .await
            .map_err(transient)?;
        Ok(Outcome::Done)
    }

    /// The model's summary, or `Offline`/`Provider(Malformed)` when its answer is not one.
    async fn ask_model(
        &self,
        text: &LessonText<'_>,
    ) -> std::result::Result<(Summary, Option<String>), AiError> {
        let language = match text.language {
            CourseLanguage::En => "English",
            CourseLanguage::Ru => "Russian",
        };
        let prompt = LESSON_SUMMARY.render(&[
            ("title", text.title),
            ("lesson", text.markdown),
            ("language", language),
        ]);
        let answer = self
            .ai
            .complete(Call {
                tier: Tier::Cheap,
                prompt: &prompt,
                user: None,
                max_tokens: 600,
                cached: true,
            })
            .await?;
        let summary = parse_summary(&answer.completion.text).map_err(|problem| {
            AiError::Provider(super::provider::ProviderError::Malformed(problem))
        })?;
        self.ai.remember(&prompt, &answer).await?;
        Ok((summary, Some(answer.model)))
    }
}

/// Reads a model's summary: `{"summary": "...", "key_points": ["..."]}`, trimmed to the limits.
pub fn parse_summary(text: &str) -> std::result::Result<Summary, String> {
    let start = text.find('{').ok_or("no JSON object in the answer")?;
    let end = text.rfind('}').ok_or("no JSON object in the answer")?;
    let value: Value = serde_json::from_str(text.get(start..=end).unwrap_or(""))
        .map_err(|e| format!("the answer is not valid JSON: {e}"))?;
    let summary = value
        .get("summary")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or("no \"summary\" text")?;
    let key_points: Vec<String> = value
        .get("key_points")
        .and_then(Value::as_array)
        .ok_or("no \"key_points\" list")?
        .iter()
        .filter_map(Value::as_str)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .take(MAX_KEY_POINTS)
        .map(|p| p.chars().take(MAX_SUMMARY_CHARS).collect())
        .collect();
    Ok(Summary {
        summary: summary.chars().take(MAX_SUMMARY_CHARS).collect(),
        key_points,
    })
}

async fn store(
    db: &crate::db::Db,
    lesson: &LessonId,
    hash: &str,
    summary: &Summary,
    model: Option<&str>,
) -> Result<()> {
    let key_points = serde_json::to_string(&summary.key_points)
        .map_err(|e| Error::Internal(format!("cannot encode key points: {e}")))?;
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO lesson_summaries (lesson_id, text_hash, summary, key_points, \
                                           made_without_llm, model, updated_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7 FROM lessons WHERE id = $1 \
             ON CONFLICT (lesson_id) DO UPDATE SET text_hash = excluded.text_hash, \
                 summary = excluded.summary, key_points = excluded.key_points, \
                 made_without_llm = excluded.made_without_llm, model = excluded.model, \
                 updated_at = excluded.updated_at",
        )
        .bind(lesson)
        .bind(hash)
        .bind(&summary.summary)
        .bind(&key_points)
        .bind(i32::from(model.is_none()))
        .bind(model.unwrap_or("offline"))
        .bind(Utc::now())
        .execute(pool)
        .await?;
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_parse_and_stay_within_limits() {
        let long = "x".repeat(5_000);
        let text = format!(
            "Sure! {{\"summary\": \" {long} \", \"key_points\": [\"a\", \" \", 3, \"b\"]}}"
        );
        let summary = parse_summary(&text).unwrap();
        assert_eq!(summary.summary.chars().count(), MAX_SUMMARY_CHARS);
        assert_eq!(summary.key_points, ["a", "b"]);
        for bad in [
            "none",
            "{\"summary\": \"\"}",
            "{\"summary\": \"s\"}",
            "{\"summary\": 1, \"key_points\": []}",
        ] {
            assert!(parse_summary(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_hash_covers_title_and_body() {
        assert_ne!(text_hash("ab", "c"), text_hash("a", "bc"));
        assert_eq!(text_hash("a", "b"), text_hash("a", "b"));
    }
}
