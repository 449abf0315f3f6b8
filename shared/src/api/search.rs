//! Full-text search over published courses and their lessons (`GET /api/search`).

use super::courses::CourseLanguage;
use crate::domain::{CourseId, LessonId};

crate::stored_codes! {
    /// What a search hit points at.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum HitKind {
        Course = "course",
        Lesson = "lesson",
    }
}

/// One search hit. Course and lesson hits are ranked together, best first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub kind: HitKind,
    pub course_id: CourseId,
    pub course_title: String,
    /// For lesson hits.
    pub lesson_id: Option<LessonId>,
    /// The course's title for a course hit, the lesson's for a lesson hit.
    pub title: String,
    pub language: CourseLanguage,
    /// A short excerpt, HTML-escaped, with the matched words in `<mark>`…`</mark>` (no other tags).
    pub snippet: String,
    /// Higher is better; only comparable within one response.
    pub score: f32,
}

/// `GET /api/search` response.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// The query as understood (trimmed).
    pub query: String,
    pub hits: Vec<SearchHit>,
}

/// A piece of a search snippet: plain text, or words the search matched (shown highlighted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnippetPart {
    Text(String),
    Marked(String),
}

/// Splits a `SearchHit::snippet` into text and marked pieces, with the HTML escapes undone, so a
/// client can show it as text nodes and `<mark>` elements without ever parsing it as HTML.
/// Unknown entities stay as written; an unclosed `<mark>` marks the rest; empty pieces are left out.
pub fn snippet_parts(snippet: &str) -> Vec<SnippetPart> {
    const OPEN: &str = "<mark>";
    const CLOSE: &str = "</mark>";
    let mut parts = Vec::new();
    let mut rest = snippet;
    let mut push = |text: &str, marked: bool| {
        if text.is_empty() {
            return;
        }
        let text = unescape_html(text);
        parts.push(if marked {
            SnippetPart::Marked(text)
        } else {
            SnippetPart::Text(text)
        });
    };
    while let Some(start) = rest.find(OPEN) {
        push(&rest[..start], false);
        let after = &rest[start + OPEN.len()..];
        match after.find(CLOSE) {
            Some(end) => {
                push(&after[..end], true);
                rest = &after[end + CLOSE.len()..];
            }
            None => {
                push(after, true);
                rest = "";
            }
        }
    }
    push(rest, false);
    parts
}

/// Undoes the five escapes HTML text uses (`&amp;` last in spirit: each entity is read once, so
/// `&amp;lt;` becomes `&lt;`, not `<`).
fn unescape_html(text: &str) -> String {
    const ENTITIES: [(&str, char); 6] = [
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&#x27;", '\''),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match ENTITIES.iter().find(|(entity, _)| rest.starts_with(entity)) {
            Some((entity, ch)) => {
                out.push(*ch);
                rest = &rest[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> SnippetPart {
        SnippetPart::Text(s.to_owned())
    }

    fn marked(s: &str) -> SnippetPart {
        SnippetPart::Marked(s.to_owned())
    }

    #[test]
    fn snippets_split_into_text_and_marked_words() {
        let cases: Vec<(&str, Vec<SnippetPart>)> = vec![
            ("", vec![]),
            ("plain", vec![text("plain")]),
            (
                "about <mark>borrowing</mark> rules",
                vec![text("about "), marked("borrowing"), text(" rules")],
            ),
            (
                "<mark>a</mark><mark>b</mark>",
                vec![marked("a"), marked("b")],
            ),
            ("<mark></mark>x", vec![text("x")]),
            ("tail <mark>open", vec![text("tail "), marked("open")]),
            ("stray </mark> close", vec![text("stray </mark> close")]),
            (
                "&lt;script&gt; &amp; <mark>&quot;x&quot;</mark> it&#39;s it&#x27;s",
                vec![text("<script> & "), marked("\"x\""), text(" it's it's")],
            ),
            (
                "&amp;lt; stays one level",
                vec![text("&lt; stays one level")],
            ),
            (
                "&nbsp; &unknown & alone",
                vec![text("&nbsp; &unknown & alone")],
            ),
            (
                "<mark>владение</mark> памятью",
                vec![marked("владение"), text(" памятью")],
            ),
        ];
        for (snippet, expected) in cases {
            assert_eq!(snippet_parts(snippet), expected, "{snippet:?}");
        }
    }
}
