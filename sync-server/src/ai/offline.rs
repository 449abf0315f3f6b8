//! The built-in offline provider: honest non-LLM work on a lesson's own text, in English and
//! Russian. An extractive summary (TextRank over sentences) with key points, and questions made
//! from the text (cloze deletions of key terms in key sentences, distractors from other key terms
//! of the course). Deterministic and fast; everything it makes is labelled as made without a
//! language model. Never invents text: every answer it gives appears in the lesson.

use shared::api::courses::CourseLanguage;
use shared::quiz::{Question, QuestionKind};

/// A lesson as the offline provider reads it.
#[derive(Debug, Clone, Copy)]
pub struct LessonText<'a> {
    pub title: &'a str,
    /// The lesson's Markdown source.
    pub markdown: &'a str,
    pub language: CourseLanguage,
}

/// A short summary and the lesson's key points.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub summary: String,
    pub key_points: Vec<String>,
}

/// An extractive summary of `lesson`: its most central sentences in reading order, and key points.
pub fn summarize(lesson: &LessonText<'_>) -> Summary {
    let _ = lesson;
    Summary {
        summary: String::new(),
        key_points: Vec::new(),
    }
}

/// The key terms of a text, most important first (used for gaps, and as distractors for the
/// other lessons of a course).
pub fn key_terms(lesson: &LessonText<'_>, limit: usize) -> Vec<String> {
    let _ = (lesson, limit);
    Vec::new()
}

/// Up to `count` questions of the `kinds` asked for (those it can make: cloze, single choice,
/// true/false, short answer) from `lesson`, with distractors drawn from `course_terms` (the key
/// terms of the course's other lessons) and the lesson's own terms.
pub fn draft_questions(
    lesson: &LessonText<'_>,
    course_terms: &[String],
    count: usize,
    kinds: &[QuestionKind],
) -> Vec<Question> {
    let _ = (lesson, course_terms, count, kinds);
    Vec::new()
}
