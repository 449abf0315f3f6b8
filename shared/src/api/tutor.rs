//! The Socratic tutor on the wire: a learner's conversations about one lesson, the reply streamed
//! as server-sent events, ratings of replies, and what a course's teacher learns from them.
//!
//! A reply streams as `text/event-stream`, one `data:` line of JSON per event (`TutorEvent`,
//! tagged by `type`): `start` (the stored question, the reply's id and the passages it may cite),
//! any number of `delta`s, perhaps a `replace` (the guard took back what was streamed: show its
//! text instead), then `done` with the stored reply, or `error` with the partial reply kept as
//! incomplete (retry it with `POST /api/tutor/conversations/{id}/retry`).

use crate::domain::{ConversationId, CourseId, LessonId, TutorMessageId};

/// Most messages (questions and replies together) in one conversation; then a new one starts.
pub const CONVERSATION_MAX_MESSAGES: u32 = 40;

/// `POST /api/lessons/{lesson}/tutor/messages` body: a question, in a conversation or a new one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTutorMessage {
    /// The conversation to continue (of this lesson, the caller's); absent to start one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// 1 to `validate::TUTOR_MESSAGE_MAX_CHARS` characters after trimming.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub text: String,
}

crate::stored_codes! {
    /// Who wrote a message.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum Author {
        Learner = "learner",
        Tutor = "tutor",
    }
}

crate::stored_codes! {
    /// Whether a tutor reply was written to its end.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum ReplyStatus {
        /// Whole (a learner's message is always complete).
        Complete = "complete",
        /// Cut short: the provider failed, or the learner stopped it. Can be retried.
        Incomplete = "incomplete",
    }
}

crate::stored_codes! {
    /// A learner's rating of a reply.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum Rating {
        Up = "up",
        Down = "down",
    }
}

/// A passage of the course a reply may cite as `[n]`, with where to read it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Citation {
    /// The number the reply cites it by: `[1]`, `[2]`, ...
    pub n: u32,
    pub lesson_id: LessonId,
    pub lesson_title: String,
    /// The passage's place in its lesson, from 0: lessons are cut at their top-level blocks,
    /// short ones joined to the next (`tutor::retrieval::split` on the server). The lesson page
    /// finds a passage by its `quote`.
    pub passage: u32,
    /// The passage's text (plain, at most 400 characters and an ellipsis).
    pub quote: String,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TutorMessage {
    pub id: TutorMessageId,
    pub author: Author,
    /// Plain text (the client renders `[n]` as links to `citations`).
    pub text: String,
    pub status: ReplyStatus,
    /// The passages a tutor reply was given; empty for a learner's message.
    pub citations: Vec<Citation>,
    /// The guard replaced a reply that gave away a quiz answer with this hint.
    pub guarded: bool,
    /// Written without a language model (the built-in offline tutor).
    pub made_without_llm: bool,
    /// The learner's rating of a tutor reply, if any.
    pub rating: Option<Rating>,
    pub comment: Option<String>,
    pub created_at: super::Timestamp,
}

/// A conversation in a list: its first question as a title.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub lesson_id: LessonId,
    /// The first question, cut to 80 characters.
    pub title: String,
    pub message_count: u32,
    pub created_at: super::Timestamp,
    pub updated_at: super::Timestamp,
}

/// `GET /api/lessons/{lesson}/tutor/conversations`: the caller's conversations about a lesson,
/// the latest first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationList {
    pub items: Vec<ConversationSummary>,
    /// No language model is configured: replies come from the built-in offline tutor.
    pub made_without_llm: bool,
    pub max_messages: u32,
}

/// `GET /api/tutor/conversations/{conversation}`: one conversation, oldest message first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conversation {
    pub id: ConversationId,
    pub lesson_id: LessonId,
    pub title: String,
    pub messages: Vec<TutorMessage>,
    /// It holds `max_messages`: ask in a new conversation.
    pub full: bool,
    pub max_messages: u32,
}

/// `PUT /api/tutor/messages/{message}/feedback` body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TutorFeedback {
    pub rating: Rating,
    /// At most `validate::TUTOR_COMMENT_MAX_CHARS` characters; empty or absent for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub comment: Option<String>,
}

/// One event of a streamed reply (the JSON of one `data:` line).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TutorEvent {
    /// The question is stored; the reply `reply_id` begins. `question` is absent on a retry.
    Start {
        conversation_id: ConversationId,
        question: Option<TutorMessage>,
        reply_id: TutorMessageId,
        citations: Vec<Citation>,
        made_without_llm: bool,
    },
    /// More of the reply's text.
    Delta { text: String },
    /// Everything streamed so far is withdrawn: the reply is this text instead.
    Replace { text: String },
    /// The reply as stored.
    Done { reply: TutorMessage },
    /// The reply could not be finished: what was written is stored, marked incomplete.
    Error {
        error: String,
        reply: Option<TutorMessage>,
    },
}

/// A question learners keep asking about a lesson, as one of them worded it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FrequentQuestion {
    pub text: String,
    /// How many times it (or the same words in another order) was asked.
    pub asked: u32,
    /// By how many learners (only questions of two or more are shown).
    pub learners: u32,
}

/// How the tutor is used on one lesson.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonTutorStats {
    pub lesson_id: LessonId,
    pub lesson_title: String,
    /// Questions asked.
    pub questions: u32,
    /// Distinct learners who asked.
    pub learners: u32,
    pub thumbs_up: u32,
    pub thumbs_down: u32,
    /// The most asked questions, most first (each asked by two learners or more).
    pub frequent: Vec<FrequentQuestion>,
}

/// `GET /api/courses/{course}/tutor/insights`: where learners ask the tutor most, which tells the
/// teacher where a lesson is unclear. Lessons with questions only, most asked first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TutorInsights {
    pub course_id: CourseId,
    pub lessons: Vec<LessonTutorStats>,
}
