//! AI quiz drafts (`/api/courses/{course}/lessons/{lesson}/quiz-drafts`): a teacher asks for
//! questions about a lesson; a background job makes them; the teacher fetches the batch, reviews
//! it and copies what they keep into the lesson's quiz.

use crate::domain::{LessonId, QuizDraftId};
use crate::quiz::{Question, QuestionKind};

/// Most questions one draft batch may ask for.
pub const MAX_DRAFT_QUESTIONS: u8 = 20;

/// `POST .../quiz-drafts`: how many questions, of which kinds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewQuizDraft {
    /// 1 to 20.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20))]
    pub count: u8,
    /// At least one kind; each question is one of them.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub kinds: Vec<QuestionKind>,
}

/// The answer to `POST .../quiz-drafts` (202): the batch to poll.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizDraftCreated {
    pub id: QuizDraftId,
}

crate::stored_codes! {
    /// Where a draft batch is in its life.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum DraftStatus {
        Queued = "queued",
        Running = "running",
        Done = "done",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

impl DraftStatus {
    /// Whether the batch can still change (poll again).
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }
}

/// A draft batch as the teacher sees it (`GET .../quiz-drafts/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftBatch {
    pub id: QuizDraftId,
    pub lesson_id: LessonId,
    pub status: DraftStatus,
    /// 0 to 100.
    pub progress: u8,
    pub count: u8,
    pub kinds: Vec<QuestionKind>,
    /// Empty until `done`; never a part of a batch.
    pub questions: Vec<Question>,
    /// Made by the built-in offline provider (cloze deletions and the like from the lesson's own
    /// text), not by a language model: the editor says so.
    pub made_without_llm: bool,
    /// Why a `failed` batch failed, in words for the teacher.
    pub error: Option<String>,
    pub created_at: super::Timestamp,
}
