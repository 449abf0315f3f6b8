//! Lesson quizzes as the API shows them: the teacher's working copy (questions in order, drafts
//! among them, the pass mark), the published versions learners get with the lesson, and the
//! figures a teacher reads about the attempts.
//!
//! The teacher edits the working copy; publishing snapshots its accepted questions as a new,
//! immutable version. Learners only ever see published versions, with their answers: quizzes are
//! for learning, not exams.

use crate::domain::LessonId;
use crate::quiz::{Question, QuestionBody};

crate::stored_codes! {
    /// Where a draft question came from (shown as a badge until the teacher accepts it).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum QuestionSource {
        /// Written by the teacher.
        Teacher = "teacher",
        /// Drafted by an AI provider.
        Ai = "ai",
        /// Drafted by the built-in offline generator.
        Offline = "offline",
    }
}

/// A published quiz as learners get it inside `LessonView` (and so in offline downloads).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizView {
    /// 1, 2, ...: grows with every publication. An attempt names the version it was taken on.
    pub version: u32,
    /// The percentage of questions right that passes, 0 to 100.
    pub pass_mark: u8,
    /// In order, each with its answer and explanation.
    pub questions: Vec<Question>,
}

/// A question of the working copy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizQuestion {
    #[serde(flatten)]
    pub question: Question,
    /// A draft is kept out of publications until the teacher accepts it.
    pub draft: bool,
    pub source: QuestionSource,
}

/// `GET /api/courses/{course}/lessons/{lesson}/quiz`: the teacher's working copy. A lesson whose
/// quiz was never touched answers an empty one with the default pass mark.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizDraft {
    pub lesson_id: LessonId,
    pub pass_mark: u8,
    pub questions: Vec<QuizQuestion>,
    /// The latest published version, if any.
    pub published: Option<PublishedQuiz>,
    /// Whether the working copy differs from the latest publication (what "Publish" would change).
    pub unpublished_changes: bool,
}

/// A publication of a quiz, as the editor lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedQuiz {
    pub version: u32,
    pub question_count: u32,
    pub published_at: super::Timestamp,
}

/// A question to add (`POST .../quiz/questions`) or the new content of one (`PUT
/// .../quiz/questions/{id}`). The server makes the id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionInput {
    /// May be empty for a cloze.
    pub prompt: String,
    #[serde(flatten)]
    pub body: QuestionBody,
    #[serde(default)]
    pub explanation: String,
    /// Added as a draft (AI or offline suggestions) to be accepted or discarded; `PUT` with
    /// `false` accepts a draft. Absent: `false`.
    #[serde(default)]
    pub draft: bool,
    /// Who wrote it; absent: `teacher`. Kept as first given when a question is edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<QuestionSource>,
}

impl QuestionInput {
    /// The question this input makes under `id`.
    pub fn into_question(self, id: String) -> Question {
        Question {
            id,
            prompt: self.prompt,
            body: self.body,
            explanation: self.explanation,
        }
    }
}

/// `POST .../quiz/questions` body: questions appended, in order, to the working copy. Another
/// component (the AI drafts panel) adds its suggestions this way with `draft: true`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewQuestions {
    pub questions: Vec<QuestionInput>,
}

/// `PUT .../quiz` body: the quiz's own settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizSettings {
    /// 0 to 100.
    pub pass_mark: u8,
}

/// `PUT .../quiz/order` body: every question id of the working copy, each once, in the new order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionOrder {
    pub questions: Vec<String>,
}

/// `GET .../quiz/stats`: how learners did on a lesson's quiz, over every version.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizStats {
    pub attempts: u32,
    /// Distinct learners who made an attempt.
    pub learners: u32,
    /// Learners with at least one passing attempt.
    pub learners_passed: u32,
    /// Share of attempts that passed, 0.0 to 1.0 (0 with no attempts).
    pub pass_rate: f64,
    /// Median time an attempt took, in milliseconds (`null` with no attempts).
    pub median_duration_ms: Option<u64>,
    /// The latest version's questions in order, then questions only older versions had.
    pub questions: Vec<QuestionStats>,
}

/// How often one question (followed across versions by its id) was answered right.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionStats {
    pub question_id: String,
    /// The prompt as last published (for a cloze with no prompt, its text).
    pub prompt: String,
    pub answered: u32,
    pub correct: u32,
    /// `correct / answered`, 0.0 to 1.0 (0 when never answered).
    pub accuracy: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_inputs_read_the_question_wire_shape_with_draft_defaults() {
        let input: QuestionInput = serde_json::from_value(serde_json::json!({
            "prompt": "2 + 2?",
            "kind": "single_choice",
            "options": ["3", "4"],
            "correct": 1
        }))
        .unwrap();
        assert!(!input.draft);
        assert_eq!(input.source, None);
        assert_eq!(input.explanation, "");
        let question = input.into_question("q".into());
        assert_eq!(
            question.body,
            QuestionBody::SingleChoice {
                options: vec!["3".into(), "4".into()],
                correct: 1
            }
        );
        let draft: QuestionInput = serde_json::from_value(serde_json::json!({
            "prompt": "",
            "kind": "cloze",
            "text": "Rust's {{borrow}} checker",
            "draft": true,
            "source": "offline"
        }))
        .unwrap();
        assert!(draft.draft);
        assert_eq!(draft.source, Some(QuestionSource::Offline));
    }

    #[test]
    fn working_copy_questions_flatten_to_the_question_shape() {
        let question = QuizQuestion {
            question: Question {
                id: "q1".into(),
                prompt: "Sky is blue".into(),
                body: QuestionBody::TrueFalse { correct: true },
                explanation: "Rayleigh".into(),
            },
            draft: true,
            source: QuestionSource::Ai,
        };
        let json = serde_json::to_value(&question).unwrap();
        assert_eq!(json["kind"], "true_false");
        assert_eq!(json["correct"], true);
        assert_eq!(json["draft"], true);
        assert_eq!(json["source"], "ai");
        let back: QuizQuestion = serde_json::from_value(json).unwrap();
        assert_eq!(back, question);
    }
}
