//! The Socratic tutor: a learner's conversations about a lesson, each reply grounded in the lesson
//! and the course's most relevant passages, aware of the questions the learner got wrong, streamed
//! as it is written, and checked by a guard before the learner reads it.
//!
//! Owns `tutor_conversations`, `tutor_messages` and `tutor_feedback`: only a conversation's
//! learner reads, continues, retries or deletes it; the course's teacher (and admins) see what is
//! asked in aggregate (`insights`), never who asked. The replies come from the AI service's mid
//! tier (`Ai::stream`, with its budgets) with the versioned prompt `ai::prompt::TUTOR`, or, with no
//! provider configured, from the offline tutor (`socratic`), labelled as such. Either way the text
//! passes `guard::Guard` as it streams: a reply that gives a quiz answer away is replaced by a hint.
//!
//! A turn runs in its own task: the learner closing the stream (Stop) or the provider failing
//! keeps what was written as an incomplete reply that can be retried.

pub mod guard;
pub mod retrieval;
pub mod socratic;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use shared::api::courses::CourseLanguage;
use shared::api::tutor::{
    Author, Citation, Conversation, ConversationList, ConversationSummary, FrequentQuestion,
    LessonTutorStats, NewTutorMessage, Rating, ReplyStatus, TutorEvent, TutorFeedback,
    TutorInsights, TutorMessage, CONVERSATION_MAX_MESSAGES,
};
use shared::domain::{ConversationId, CourseId, LessonId, TutorMessageId, UserId};
use shared::quiz::Question;
use tokio::sync::mpsc;

use crate::ai::prompt::{self, RenderedPrompt};
use crate::ai::provider::{StreamEvent, TextStream, Usage};
use crate::ai::{Ai, AiError, Call};
use crate::catalog::course_page::{lesson_access, visible_course, LessonAccess, Viewer};
use crate::config::Tier;
use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};
use guard::{Finding, Guard};
use retrieval::{CourseIndex, Passages};

/// Passages given to the model and cited.
const CITED_PASSAGES: usize = 3;
/// Messages of the conversation so far given to the model, each cut to this many characters.
const HISTORY_MESSAGES: usize = 10;
const HISTORY_CHARS: usize = 1_000;
/// The lesson's text given to the model is cut to this many characters.
const LESSON_CHARS: usize = 12_000;
/// Questions the learner got wrong, given to the model.
const MISTAKES: usize = 5;
/// Tokens a reply may take (about 120 words asked for, with room).
const REPLY_TOKENS: u32 = 500;
/// A conversation's title is its first question cut to this many characters.
const TITLE_CHARS: usize = 80;
/// The offline tutor streams its reply this many words a piece.
const OFFLINE_WORDS_PER_DELTA: usize = 4;
/// Insights read at most this many of a course's latest questions.
const INSIGHT_QUESTIONS: i64 = 5_000;
/// Frequent questions shown per lesson.
const FREQUENT_SHOWN: usize = 5;

const FORBIDDEN: &str = "enroll in this course to ask its tutor";

/// The tutor of one app. Cheap to share (`Arc`).
#[derive(Debug)]
pub struct Tutor {
    db: Db,
    ai: Arc<Ai>,
    passages: Passages,
}

/// A reply being written: its events, `start` first.
pub type Turn = mpsc::Receiver<TutorEvent>;

/// Who is asking.
#[derive(Debug, Clone, Copy)]
pub struct Learner<'a> {
    pub id: &'a UserId,
    pub role: shared::api::accounts::Role,
}

impl<'a> Learner<'a> {
    fn viewer(&self) -> Viewer<'a> {
        Viewer::User {
            id: self.id,
            role: self.role,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ConversationRow {
    id: ConversationId,
    user_id: UserId,
    lesson_id: LessonId,
    title: String,
    next_position: i32,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct SummaryRow {
    id: ConversationId,
    lesson_id: LessonId,
    title: String,
    message_count: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct MessageRow {
    id: TutorMessageId,
    position: i32,
    author: String,
    text: String,
    status: String,
    citations: String,
    guarded: bool,
    made_without_llm: bool,
    created_at: DateTime<Utc>,
    rating: Option<String>,
    comment: Option<String>,
}

impl MessageRow {
    fn view(self) -> TutorMessage {
        TutorMessage {
            id: self.id,
            author: Author::from_code(&self.author).unwrap_or(Author::Tutor),
            text: self.text,
            status: ReplyStatus::from_code(&self.status).unwrap_or(ReplyStatus::Incomplete),
            citations: serde_json::from_str(&self.citations).unwrap_or_default(),
            guarded: self.guarded,
            made_without_llm: self.made_without_llm,
            rating: self.rating.as_deref().and_then(Rating::from_code),
            comment: self.comment,
            created_at: self.created_at.into(),
        }
    }
}

const MESSAGE_COLUMNS: &str = "m.id, m.position, m.author, m.text, m.status, m.citations, \
     m.guarded, m.made_without_llm, m.created_at, f.rating, f.comment";

fn no_such_conversation() -> Error {
    Error::NotFound("no such conversation".into())
}

fn full() -> Error {
    Error::Conflict(format!(
        "this conversation holds its {CONVERSATION_MAX_MESSAGES} messages; start a new one"
    ))
}

/// Everything a reply is written from.
struct Context {
    access: LessonAccess,
    lesson_markdown: String,
    course_language: CourseLanguage,
    quiz: Vec<Question>,
    index: Arc<CourseIndex>,
}

/// What one turn writes, and where.
struct Reply {
    conversation: ConversationId,
    id: TutorMessageId,
    position: i32,
    question: String,
    citations: Vec<Citation>,
    made_without_llm: bool,
    prompt_version: Option<i32>,
    language: CourseLanguage,
    lesson_title: String,
    current: Option<usize>,
}

impl Tutor {
    pub fn new(db: Db, ai: Arc<Ai>) -> Self {
        Self {
            db,
            ai,
            passages: Passages::default(),
        }
    }

    /// Whether replies come from the offline tutor.
    pub fn made_without_llm(&self) -> bool {
        self.ai.is_offline(Tier::Mid)
    }

    /// The course index the tutor retrieves from (for benchmarks and tests).
    pub async fn course_index(&self, course: &CourseId) -> Result<Arc<CourseIndex>> {
        self.passages.of(&self.db, course).await
    }

    async fn context(&self, lesson: &str, learner: Learner<'_>) -> Result<Context> {
        let access = lesson_access(&self.db, lesson, learner.viewer(), FORBIDDEN).await?;
        let (lesson_markdown, language): (String, String) = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT l.body, c.language FROM lessons l JOIN courses c ON c.id = l.course_id \
                 WHERE l.id = $1",
            )
            .bind(&access.lesson)
            .fetch_one(pool)
            .await?
        });
        let quiz = crate::catalog::quizzes::published_quiz(&self.db, &access.lesson)
            .await?
            .map(|quiz| quiz.questions)
            .unwrap_or_default();
        let index = self.passages.of(&self.db, &access.course.id).await?;
        Ok(Context {
            access,
            lesson_markdown,
            course_language: CourseLanguage::from_code(&language).unwrap_or(CourseLanguage::En),
            quiz,
            index,
        })
    }

    /// Asks the tutor `input.text` about `lesson`, in a new conversation or the caller's own
    /// `input.conversation_id` about this lesson. The question is stored before the reply starts.
    pub async fn ask(
        &self,
        lesson: &str,
        learner: Learner<'_>,
        input: &NewTutorMessage,
    ) -> Result<Turn> {
        let text =
            shared::validate::tutor_message(&input.text).map_err(|reason| Error::Validation {
                field: "text",
                reason,
            })?;
        let context = self.context(lesson, learner).await?;
        let (conversation, history) = match &input.conversation_id {
            None => (None, Vec::new()),
            Some(id) => {
                let row = self.own_conversation(id.as_str(), learner.id).await?;
                if row.lesson_id != context.access.lesson {
                    return Err(no_such_conversation());
                }
                if row.next_position + 2 > CONVERSATION_MAX_MESSAGES as i32 {
                    return Err(full());
                }
                let history = self.messages(&row.id).await?;
                (Some(row), history)
            }
        };
        let (stream, reply_plan) = self.start_reply(&context, learner, &text, &history).await?;
        // Only now, with the reply under way, is the question kept.
        let now = Utc::now();
        let question_id = TutorMessageId::new();
        let mut tx = self.db.begin().await?;
        let (conversation_id, position) = match conversation {
            Some(row) => {
                let moved: Option<(i32,)> = on_tx!(&mut tx, conn => {
                    sqlx::query_as(
                        "UPDATE tutor_conversations SET next_position = next_position + 2, \
                             updated_at = $3 \
                         WHERE id = $1 AND next_position = $2 RETURNING next_position",
                    )
                    .bind(&row.id)
                    .bind(row.next_position)
                    .bind(now)
                    .fetch_optional(conn)
                    .await?
                });
                if moved.is_none() {
                    return Err(Error::Conflict(
                        "another message was just sent in this conversation; reload it".into(),
                    ));
                }
                (row.id, row.next_position)
            }
            None => {
                let id = ConversationId::new();
                on_tx!(&mut tx, conn => {
                    sqlx::query(
                        "INSERT INTO tutor_conversations \
                             (id, user_id, course_id, lesson_id, title, next_position, created_at, \
                              updated_at) \
                         VALUES ($1, $2, $3, $4, $5, 2, $6, $6)",
                    )
                    .bind(&id)
                    .bind(learner.id)
                    .bind(&context.access.course.id)
                    .bind(&context.access.lesson)
                    .bind(retrieval::cut(&text, TITLE_CHARS))
                    .bind(now)
                    .execute(conn)
                    .await?
                .rows_affected()
                });
                (id, 0)
            }
        };
        insert_message(
            &mut tx,
            &NewRow {
                id: &question_id,
                conversation: &conversation_id,
                position,
                author: Author::Learner,
                text: &text,
                status: ReplyStatus::Complete,
                citations: "[]",
                guarded: false,
                made_without_llm: false,
                prompt_version: None,
                at: now,
            },
        )
        .await?;
        tx.commit().await?;
        let question = TutorMessage {
            id: question_id,
            author: Author::Learner,
            text: text.clone(),
            status: ReplyStatus::Complete,
            citations: Vec::new(),
            guarded: false,
            made_without_llm: false,
            rating: None,
            comment: None,
            created_at: now.into(),
        };
        Ok(self.run(
            Reply {
                conversation: conversation_id,
                position: position + 1,
                ..reply_plan
            },
            Some(question),
            Guard::new(&context.quiz, &tutor_rules()),
            context.index,
            stream,
        ))
    }

    /// Writes the caller's conversation's last reply again (one that failed, was stopped, or did
    /// not help): the old reply, if stored, is replaced.
    pub async fn retry(&self, conversation: &str, learner: Learner<'_>) -> Result<Turn> {
        let row = self.own_conversation(conversation, learner.id).await?;
        let context = self.context(row.lesson_id.as_str(), learner).await?;
        let mut messages = self.messages(&row.id).await?;
        let replaced = match messages.last() {
            Some(last) if last.author == Author::Tutor.code() => messages.pop(),
            Some(_) => None,
            None => None,
        };
        let Some(question) = messages
            .pop()
            .filter(|m| m.author == Author::Learner.code())
        else {
            return Err(Error::Conflict(
                "this conversation has no question to answer again".into(),
            ));
        };
        let (stream, reply_plan) = self
            .start_reply(&context, learner, &question.text, &messages)
            .await?;
        if let Some(old) = &replaced {
            on_pool!(&self.db, pool => {
                sqlx::query("DELETE FROM tutor_messages WHERE id = $1")
                    .bind(&old.id)
                    .execute(pool)
                    .await?
                .rows_affected()
            });
        }
        Ok(self.run(
            Reply {
                conversation: row.id,
                position: question.position + 1,
                ..reply_plan
            },
            None,
            Guard::new(&context.quiz, &tutor_rules()),
            context.index,
            stream,
        ))
    }

    /// Retrieves the passages, renders the prompt and opens the reply's stream (the model's, or
    /// the offline tutor's). Fails before anything is stored: budget used up (429), provider down.
    async fn start_reply(
        &self,
        context: &Context,
        learner: Learner<'_>,
        text: &str,
        history: &[MessageRow],
    ) -> Result<(TextStream, Reply)> {
        let index = &context.index;
        let current = index.lesson_at(&context.access.lesson);
        let hits = index.retrieve(text, current, CITED_PASSAGES);
        let matched = !hits.is_empty();
        let cited: Vec<usize> = if matched {
            hits.iter().map(|h| h.passage).collect()
        } else {
            current.map(|at| index.opening(at, 2)).unwrap_or_default()
        };
        let citations = citations(index, &cited);
        let language = socratic::language_of(text, context.course_language);
        let offline = self.made_without_llm();
        let plan = Reply {
            conversation: ConversationId::new(),
            id: TutorMessageId::new(),
            position: 0,
            question: text.to_owned(),
            citations,
            made_without_llm: offline,
            prompt_version: (!offline).then_some(prompt::TUTOR.version as i32),
            language,
            lesson_title: context.access.lesson_title.clone(),
            current,
        };
        if offline {
            self.offline_turn_allowed(learner.id).await?;
            let reply = socratic::offline_reply(index, &cited, matched, text, language);
            return Ok((offline_stream(reply), plan));
        }
        let prompt = self
            .prompt(context, learner, text, history, &plan.citations, language)
            .await?;
        let call = Call {
            tier: Tier::Mid,
            prompt: &prompt,
            user: Some(learner.id),
            max_tokens: REPLY_TOKENS,
            cached: false,
        };
        match self.ai.stream(call).await {
            Ok(stream) => Ok((stream, plan)),
            Err(AiError::Budget(exhausted)) => Err(Error::BudgetExhausted(exhausted)),
            Err(AiError::Database(e)) => Err(Error::Database(e)),
            Err(e) => Err(Error::Upstream {
                service: "the tutor's language model",
                cause: e.to_string(),
            }),
        }
    }

    /// The offline tutor costs no tokens, but each question is stored: a learner's questions of a
    /// UTC day are capped at their daily AI request budget all the same (429 until midnight UTC).
    async fn offline_turn_allowed(&self, user: &UserId) -> Result<()> {
        let (_, resets_at) = crate::ai::budget::day_of(Utc::now());
        let since = resets_at - chrono::Duration::days(1);
        let asked: i64 = on_pool!(&self.db, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM tutor_messages m \
                 JOIN tutor_conversations c ON c.id = m.conversation_id \
                 WHERE c.user_id = $1 AND m.author = 'learner' AND m.created_at >= $2",
            )
            .bind(user)
            .bind(since)
            .fetch_one(pool)
            .await?
        });
        if u64::try_from(asked).unwrap_or(0) >= self.ai.budgets().user_requests {
            return Err(Error::BudgetExhausted(crate::ai::budget::Exhausted {
                scope: crate::ai::budget::Scope::User,
                resets_at,
            }));
        }
        Ok(())
    }

    async fn prompt(
        &self,
        context: &Context,
        learner: Learner<'_>,
        text: &str,
        history: &[MessageRow],
        citations: &[Citation],
        language: CourseLanguage,
    ) -> Result<RenderedPrompt> {
        let passages: Vec<String> = citations
            .iter()
            .map(|c| format!("[{}] ({}) {}", c.n, c.lesson_title, c.quote))
            .collect();
        let mistakes = self
            .mistakes(learner.id, &context.access.lesson, &context.quiz)
            .await?;
        let mistakes = if mistakes.is_empty() {
            "(none)".to_owned()
        } else {
            mistakes
                .iter()
                .map(|m| format!("- {m}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let start = history.len().saturating_sub(HISTORY_MESSAGES);
        let conversation: Vec<String> = history[start..]
            .iter()
            .map(|m| {
                let who = if m.author == Author::Learner.code() {
                    "Learner"
                } else {
                    "Tutor"
                };
                format!("{who}: {}", retrieval::cut(&m.text, HISTORY_CHARS))
            })
            .collect();
        let conversation = if conversation.is_empty() {
            "(this is the first message)".to_owned()
        } else {
            conversation.join("\n")
        };
        let lesson = retrieval::cut(&context.lesson_markdown, LESSON_CHARS);
        Ok(prompt::TUTOR.render(&[
            ("title", &context.access.lesson_title),
            ("lesson", &lesson),
            ("passages", &passages.join("\n")),
            ("mistakes", &mistakes),
            ("conversation", &conversation),
            ("question", text),
            ("language", crate::ai::drafts::language_name(language)),
        ]))
    }

    /// The prompts of the lesson's quiz questions the learner got wrong in their latest attempts,
    /// most recent first.
    async fn mistakes(
        &self,
        user: &UserId,
        lesson: &LessonId,
        quiz: &[Question],
    ) -> Result<Vec<String>> {
        if quiz.is_empty() {
            return Ok(Vec::new());
        }
        let attempts: Vec<(String,)> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT results FROM quiz_attempts WHERE user_id = $1 AND lesson_id = $2 \
                 ORDER BY attempted_at DESC LIMIT 3",
            )
            .bind(user)
            .bind(lesson)
            .fetch_all(pool)
            .await?
        });
        let mut wrong: Vec<String> = Vec::new();
        for (results,) in attempts {
            let results: HashMap<String, bool> = serde_json::from_str(&results).unwrap_or_default();
            for question in quiz {
                if results.get(&question.id) == Some(&false) {
                    let asked = question_text(question);
                    if !wrong.contains(&asked) {
                        wrong.push(asked);
                    }
                }
            }
        }
        wrong.truncate(MISTAKES);
        Ok(wrong)
    }

    /// Starts the task that streams, guards and stores the reply; returns its events.
    fn run(
        &self,
        reply: Reply,
        question: Option<TutorMessage>,
        guard: Guard,
        index: Arc<CourseIndex>,
        stream: TextStream,
    ) -> Turn {
        let (events, turn) = mpsc::channel(64);
        let db = self.db.clone();
        tokio::spawn(async move {
            let start = TutorEvent::Start {
                conversation_id: reply.conversation.clone(),
                question,
                reply_id: reply.id.clone(),
                citations: reply.citations.clone(),
                made_without_llm: reply.made_without_llm,
            };
            let _ = events.send(start).await;
            if let Err(e) = write_reply(&db, reply, &guard, &index, stream, &events).await {
                tracing::error!(error = %e, "a tutor reply could not be stored");
                let _ = events
                    .send(TutorEvent::Error {
                        error: "the reply could not be kept; try again".into(),
                        reply: None,
                    })
                    .await;
            }
        });
        turn
    }

    async fn own_conversation(&self, id: &str, user: &UserId) -> Result<ConversationRow> {
        let id: ConversationId = id.parse().map_err(|_| no_such_conversation())?;
        let row: Option<ConversationRow> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT id, user_id, lesson_id, title, next_position \
                 FROM tutor_conversations WHERE id = $1",
            )
            .bind(&id)
            .fetch_optional(pool)
            .await?
        });
        // Someone else's conversation does not exist, to the caller.
        row.filter(|r| &r.user_id == user)
            .ok_or_else(no_such_conversation)
    }

    async fn messages(&self, conversation: &ConversationId) -> Result<Vec<MessageRow>> {
        messages_of(&self.db, conversation).await
    }

    /// The caller's conversations about `lesson`, the latest first.
    pub async fn list(&self, lesson: &str, learner: Learner<'_>) -> Result<ConversationList> {
        let access = lesson_access(&self.db, lesson, learner.viewer(), FORBIDDEN).await?;
        let rows: Vec<SummaryRow> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT c.id, c.lesson_id, c.title, \
                        (SELECT COUNT(*) FROM tutor_messages m WHERE m.conversation_id = c.id) \
                            AS message_count, \
                        c.created_at, c.updated_at \
                 FROM tutor_conversations c WHERE c.user_id = $1 AND c.lesson_id = $2 \
                 ORDER BY c.updated_at DESC, c.id DESC",
            )
            .bind(learner.id)
            .bind(&access.lesson)
            .fetch_all(pool)
            .await?
        });
        Ok(ConversationList {
            items: rows
                .into_iter()
                .map(|row| ConversationSummary {
                    id: row.id,
                    lesson_id: row.lesson_id,
                    title: row.title,
                    message_count: u32::try_from(row.message_count).unwrap_or(0),
                    created_at: row.created_at.into(),
                    updated_at: row.updated_at.into(),
                })
                .collect(),
            made_without_llm: self.made_without_llm(),
            max_messages: CONVERSATION_MAX_MESSAGES,
        })
    }

    /// One of the caller's conversations, oldest message first.
    pub async fn conversation(&self, id: &str, user: &UserId) -> Result<Conversation> {
        let row = self.own_conversation(id, user).await?;
        let messages = self.messages(&row.id).await?;
        Ok(conversation_view(row, messages))
    }

    /// Deletes one of the caller's conversations, its messages and their ratings.
    pub async fn delete(&self, id: &str, user: &UserId) -> Result<()> {
        let row = self.own_conversation(id, user).await?;
        on_pool!(&self.db, pool => {
            sqlx::query("DELETE FROM tutor_conversations WHERE id = $1")
                .bind(&row.id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Rates one of the tutor's replies in the caller's conversations (again: replaces it).
    pub async fn rate(
        &self,
        message: &str,
        user: &UserId,
        input: &TutorFeedback,
    ) -> Result<TutorMessage> {
        let comment =
            match &input.comment {
                None => None,
                Some(text) => Some(shared::validate::tutor_comment(text).map_err(|reason| {
                    Error::Validation {
                        field: "comment",
                        reason,
                    }
                })?)
                .filter(|c| !c.is_empty()),
            };
        let no_such_reply = || Error::NotFound("no such reply".into());
        let message: TutorMessageId = message.parse().map_err(|_| no_such_reply())?;
        let owner: Option<(UserId, String)> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT c.user_id, m.author FROM tutor_messages m \
                 JOIN tutor_conversations c ON c.id = m.conversation_id WHERE m.id = $1",
            )
            .bind(&message)
            .fetch_optional(pool)
            .await?
        });
        let (owner, author) = owner.ok_or_else(no_such_reply)?;
        if &owner != user {
            return Err(no_such_reply());
        }
        if author != Author::Tutor.code() {
            return Err(Error::UnprocessableContent(
                "only the tutor's replies are rated".into(),
            ));
        }
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM tutor_messages m \
             LEFT JOIN tutor_feedback f ON f.message_id = m.id WHERE m.id = $1"
        );
        let row: MessageRow = on_pool!(&self.db, pool => {
            sqlx::query(
                "INSERT INTO tutor_feedback (message_id, rating, comment, updated_at) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (message_id) DO UPDATE SET rating = excluded.rating, \
                     comment = excluded.comment, updated_at = excluded.updated_at",
            )
            .bind(&message)
            .bind(input.rating.code())
            .bind(&comment)
            .bind(Utc::now())
            .execute(pool)
            .await?;
            sqlx::query_as(&sql).bind(&message).fetch_one(pool).await?
        });
        Ok(row.view())
    }

    /// How the tutor is used on each lesson of `course`: for its teacher and admins only.
    pub async fn insights(&self, course: &str, viewer: Viewer<'_>) -> Result<TutorInsights> {
        let (course, _) = visible_course(&self.db, course, viewer).await?;
        if !course.is_managed_by(viewer) {
            return Err(Error::Forbidden(
                "only the course's teacher and admins see how its tutor is used".into(),
            ));
        }
        let questions: Vec<(LessonId, String, UserId, String)> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT c.lesson_id, l.title, c.user_id, m.text FROM tutor_messages m \
                 JOIN tutor_conversations c ON c.id = m.conversation_id \
                 JOIN lessons l ON l.id = c.lesson_id \
                 WHERE c.course_id = $1 AND m.author = 'learner' \
                 ORDER BY m.created_at DESC LIMIT $2",
            )
            .bind(&course.id)
            .bind(INSIGHT_QUESTIONS)
            .fetch_all(pool)
            .await?
        });
        let ratings: Vec<(LessonId, String, i64)> = on_pool!(&self.db, pool => {
            sqlx::query_as(
                "SELECT c.lesson_id, f.rating, COUNT(*) FROM tutor_feedback f \
                 JOIN tutor_messages m ON m.id = f.message_id \
                 JOIN tutor_conversations c ON c.id = m.conversation_id \
                 WHERE c.course_id = $1 GROUP BY c.lesson_id, f.rating",
            )
            .bind(&course.id)
            .fetch_all(pool)
            .await?
        });
        Ok(TutorInsights {
            course_id: course.id,
            lessons: summarize_questions(questions, ratings),
        })
    }
}

/// The rules of the tutor's prompt: what a reply may not repeat.
fn tutor_rules() -> String {
    prompt::TUTOR.render(&[]).system
}

/// A question as the learner read it: its prompt, and a cloze's text with its gaps blank.
fn question_text(question: &Question) -> String {
    match &question.body {
        shared::quiz::QuestionBody::Cloze { text } => {
            let blanked: String = shared::quiz::cloze_parts(text)
                .into_iter()
                .map(|part| match part {
                    shared::quiz::ClozePart::Text(t) => t,
                    shared::quiz::ClozePart::Gap(_) => "____".into(),
                })
                .collect();
            format!("{} {blanked}", question.prompt).trim().to_owned()
        }
        _ => question.prompt.clone(),
    }
}

fn citations(index: &CourseIndex, cited: &[usize]) -> Vec<Citation> {
    cited
        .iter()
        .enumerate()
        .map(|(at, &passage)| {
            let p = &index.passages[passage];
            let (lesson_id, lesson_title) = index.lessons[p.lesson].clone();
            Citation {
                n: at as u32 + 1,
                lesson_id,
                lesson_title,
                passage: p.n,
                quote: p.quote(),
            }
        })
        .collect()
}

fn conversation_view(row: ConversationRow, messages: Vec<MessageRow>) -> Conversation {
    Conversation {
        full: row.next_position + 2 > CONVERSATION_MAX_MESSAGES as i32,
        id: row.id,
        lesson_id: row.lesson_id,
        title: row.title,
        messages: messages.into_iter().map(MessageRow::view).collect(),
        max_messages: CONVERSATION_MAX_MESSAGES,
    }
}

/// The offline tutor's reply as a stream, a few words a piece, like a model's.
fn offline_stream(reply: String) -> TextStream {
    let (tx, stream) = TextStream::channel();
    tokio::spawn(async move {
        let mut piece = String::new();
        let mut count = 0;
        for word in reply.split_inclusive(' ') {
            piece.push_str(word);
            count += 1;
            if count == OFFLINE_WORDS_PER_DELTA {
                if tx
                    .send(Ok(StreamEvent::Delta(std::mem::take(&mut piece))))
                    .await
                    .is_err()
                {
                    return;
                }
                count = 0;
            }
        }
        if !piece.is_empty() && tx.send(Ok(StreamEvent::Delta(piece))).await.is_err() {
            return;
        }
        let _ = tx.send(Ok(StreamEvent::Done(Usage::default()))).await;
    });
    stream
}

/// How a reply ended.
enum Ending {
    Complete,
    /// The guard withdrew it: this text replaces it.
    Replaced(String),
    /// The provider failed (the words for people), or the learner stopped it (`None`).
    Cut(Option<String>),
}

/// The byte index in `text` before its last `chars` characters.
fn before_last_chars(text: &str, chars: usize) -> usize {
    text.char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(at, _)| at)
}

/// Streams `stream` to `events` through the guard and stores the reply as it ended.
async fn write_reply(
    db: &Db,
    mut reply: Reply,
    guard: &Guard,
    index: &CourseIndex,
    mut stream: TextStream,
    events: &mpsc::Sender<TutorEvent>,
) -> Result<()> {
    let mut text = String::new();
    let mut sent = 0usize;
    let ending = loop {
        let next = tokio::select! {
            next = stream.next() => next,
            () = events.closed() => break Ending::Cut(None),
        };
        match next {
            Some(Ok(StreamEvent::Delta(delta))) => {
                text.push_str(&delta);
                match guard.check(&reply.question, &text) {
                    Finding::Clean => {}
                    finding => {
                        break Ending::Replaced(replacement(&mut reply, guard, index, finding))
                    }
                }
                let safe = before_last_chars(&text, guard.hold_back());
                if safe > sent {
                    let delta = TutorEvent::Delta {
                        text: text[sent..safe].to_owned(),
                    };
                    if events.send(delta).await.is_err() {
                        break Ending::Cut(None);
                    }
                    sent = safe;
                }
            }
            Some(Ok(StreamEvent::Done(_))) => break Ending::Complete,
            Some(Err(e)) => break Ending::Cut(Some(AiError::Provider(e).for_people())),
            None => {
                break Ending::Cut(Some(
                    "the language model stopped before its reply was complete; try again".into(),
                ))
            }
        }
    };
    // Dropping the stream ends the provider's call; the AI service charges what was written.
    drop(stream);
    let (stored_text, status, guarded, problem) = match ending {
        Ending::Complete => {
            if sent < text.len() {
                let _ = events
                    .send(TutorEvent::Delta {
                        text: text[sent..].to_owned(),
                    })
                    .await;
            }
            (text, ReplyStatus::Complete, false, None)
        }
        Ending::Replaced(hint) => {
            let _ = events
                .send(TutorEvent::Replace { text: hint.clone() })
                .await;
            (hint, ReplyStatus::Complete, true, None)
        }
        Ending::Cut(problem) => (text, ReplyStatus::Incomplete, false, problem),
    };
    let now = Utc::now();
    let citations = serde_json::to_string(&reply.citations)
        .map_err(|e| Error::Internal(format!("tutor citations: {e}")))?;
    let mut tx = db.begin().await?;
    insert_message(
        &mut tx,
        &NewRow {
            id: &reply.id,
            conversation: &reply.conversation,
            position: reply.position,
            author: Author::Tutor,
            text: &stored_text,
            status,
            citations: &citations,
            guarded,
            made_without_llm: reply.made_without_llm,
            prompt_version: reply.prompt_version,
            at: now,
        },
    )
    .await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE tutor_conversations SET updated_at = $2 WHERE id = $1")
            .bind(&reply.conversation)
            .bind(now)
            .execute(conn)
            .await?
                .rows_affected()
    });
    tx.commit().await?;
    let stored = TutorMessage {
        id: reply.id,
        author: Author::Tutor,
        text: stored_text,
        status,
        citations: reply.citations,
        guarded,
        made_without_llm: reply.made_without_llm,
        rating: None,
        comment: None,
        created_at: now.into(),
    };
    let event = match (status, problem) {
        (ReplyStatus::Incomplete, Some(error)) => TutorEvent::Error {
            error,
            reply: Some(stored),
        },
        _ => TutorEvent::Done { reply: stored },
    };
    let _ = events.send(event).await;
    Ok(())
}

/// The text that replaces a withdrawn reply: a hint at the passage that answers the question
/// (its answer masked), cited like the others; or the refusal to repeat the instructions.
fn replacement(reply: &mut Reply, guard: &Guard, index: &CourseIndex, finding: Finding) -> String {
    let Finding::Answer(question) = finding else {
        return socratic::refusal(&reply.lesson_title, reply.language);
    };
    let topic = guard.topic(question);
    let Some(hit) = index.retrieve(topic, reply.current, 1).into_iter().next() else {
        return socratic::hint(&reply.question, None, reply.language);
    };
    let passage = &index.passages[hit.passage];
    let (lesson_id, lesson_title) = index.lessons[passage.lesson].clone();
    let masked = socratic::mask(&passage.quote(), &guard.answer_stems(question));
    let n = match reply
        .citations
        .iter()
        .find(|c| c.lesson_id == lesson_id && c.passage == passage.n)
    {
        Some(cited) => cited.n,
        None => {
            let n = reply.citations.len() as u32 + 1;
            reply.citations.push(Citation {
                n,
                lesson_id,
                lesson_title,
                passage: passage.n,
                quote: masked.clone(),
            });
            n
        }
    };
    // A cited quote the hint points to is masked too.
    for citation in &mut reply.citations {
        if citation.n == n {
            citation.quote = masked.clone();
        }
    }
    socratic::hint(&reply.question, Some((n as usize, &masked)), reply.language)
}

struct NewRow<'a> {
    id: &'a TutorMessageId,
    conversation: &'a ConversationId,
    position: i32,
    author: Author,
    text: &'a str,
    status: ReplyStatus,
    citations: &'a str,
    guarded: bool,
    made_without_llm: bool,
    prompt_version: Option<i32>,
    at: DateTime<Utc>,
}

async fn insert_message(tx: &mut Tx, row: &NewRow<'_>) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO tutor_messages (id, conversation_id, position, author, text, status, \
                 citations, guarded, made_without_llm, prompt_version, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(row.id)
        .bind(row.conversation)
        .bind(row.position)
        .bind(row.author.code())
        .bind(row.text)
        .bind(row.status.code())
        .bind(row.citations)
        .bind(row.guarded)
        .bind(row.made_without_llm)
        .bind(row.prompt_version)
        .bind(row.at)
        .execute(conn)
        .await?
                .rows_affected()
    });
    Ok(())
}

/// Per lesson: questions, learners, ratings and the questions asked by two learners or more
/// (questions with the same content words, in any order, count as one).
fn summarize_questions(
    questions: Vec<(LessonId, String, UserId, String)>,
    ratings: Vec<(LessonId, String, i64)>,
) -> Vec<LessonTutorStats> {
    struct Group {
        text: String,
        asked: u32,
        learners: HashSet<UserId>,
    }
    struct Lesson {
        title: String,
        questions: u32,
        learners: HashSet<UserId>,
        groups: HashMap<Vec<String>, Group>,
    }
    let mut lessons: HashMap<LessonId, Lesson> = HashMap::new();
    for (lesson, title, user, text) in questions {
        let entry = lessons.entry(lesson).or_insert_with(|| Lesson {
            title,
            questions: 0,
            learners: HashSet::new(),
            groups: HashMap::new(),
        });
        entry.questions += 1;
        entry.learners.insert(user.clone());
        let mut key = retrieval::content_stems(&text);
        key.sort_unstable();
        key.dedup();
        if key.is_empty() {
            continue;
        }
        let group = entry.groups.entry(key).or_insert_with(|| Group {
            text: retrieval::cut(&text, 200),
            asked: 0,
            learners: HashSet::new(),
        });
        group.asked += 1;
        group.learners.insert(user);
    }
    let mut out: Vec<LessonTutorStats> = lessons
        .into_iter()
        .map(|(lesson_id, lesson)| {
            let mut frequent: Vec<FrequentQuestion> = lesson
                .groups
                .into_values()
                .filter(|g| g.learners.len() >= 2)
                .map(|g| FrequentQuestion {
                    text: g.text,
                    asked: g.asked,
                    learners: g.learners.len() as u32,
                })
                .collect();
            frequent.sort_by(|a, b| b.asked.cmp(&a.asked).then_with(|| a.text.cmp(&b.text)));
            frequent.truncate(FREQUENT_SHOWN);
            let count = |rating: Rating| {
                ratings
                    .iter()
                    .filter(|(l, r, _)| *l == lesson_id && r == rating.code())
                    .map(|(_, _, n)| u32::try_from(*n).unwrap_or(0))
                    .sum()
            };
            LessonTutorStats {
                thumbs_up: count(Rating::Up),
                thumbs_down: count(Rating::Down),
                lesson_id,
                lesson_title: lesson.title,
                questions: lesson.questions,
                learners: lesson.learners.len() as u32,
                frequent,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.questions
            .cmp(&a.questions)
            .then_with(|| a.lesson_title.cmp(&b.lesson_title))
    });
    out
}

/// The user's conversations with their messages, for the account export.
pub async fn export_for_user(db: &Db, user: &UserId) -> Result<Vec<Conversation>> {
    let rows: Vec<ConversationRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, user_id, lesson_id, title, next_position \
             FROM tutor_conversations WHERE user_id = $1 ORDER BY created_at, id",
        )
        .bind(user)
        .fetch_all(pool)
        .await?
    });
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let messages = messages_of(db, &row.id).await?;
        out.push(conversation_view(row, messages));
    }
    Ok(out)
}

/// A conversation's messages with their ratings, oldest first.
async fn messages_of(db: &Db, conversation: &ConversationId) -> Result<Vec<MessageRow>> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM tutor_messages m \
         LEFT JOIN tutor_feedback f ON f.message_id = m.id \
         WHERE m.conversation_id = $1 ORDER BY m.position"
    );
    Ok(on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(conversation).fetch_all(pool).await?
    }))
}

/// Deletes the user's conversations (with their messages and ratings) with their account.
pub async fn forget_user(tx: &mut Tx, user: &UserId) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM tutor_conversations WHERE user_id = $1")
            .bind(user)
            .execute(conn)
            .await?
                .rows_affected()
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequent_questions_need_two_learners_and_ignore_word_order() {
        let lesson = LessonId::new();
        let (a, b) = (UserId::new(), UserId::new());
        let q = |user: &UserId, text: &str| {
            (
                lesson.clone(),
                "L".to_owned(),
                user.clone(),
                text.to_owned(),
            )
        };
        let stats = summarize_questions(
            vec![
                q(&a, "What is a borrow checker?"),
                q(&b, "borrow checker: what is it"),
                q(&a, "A private question only I asked about my passport"),
            ],
            vec![
                (lesson.clone(), "up".into(), 2),
                (lesson.clone(), "down".into(), 1),
            ],
        );
        assert_eq!(stats.len(), 1);
        let s = &stats[0];
        assert_eq!(
            (s.questions, s.learners, s.thumbs_up, s.thumbs_down),
            (3, 2, 2, 1)
        );
        assert_eq!(s.frequent.len(), 1, "{:?}", s.frequent);
        assert_eq!((s.frequent[0].asked, s.frequent[0].learners), (2, 2));
        assert!(!s.frequent.iter().any(|f| f.text.contains("passport")));
    }

    #[test]
    fn held_back_text_ends_on_a_character() {
        let text = "привет мир";
        let at = before_last_chars(text, 3);
        assert_eq!(&text[at..], "мир");
        assert_eq!(before_last_chars("ab", 5), 0);
    }
}
