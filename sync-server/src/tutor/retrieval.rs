//! The passages of a course that best answer a learner's question, for the tutor to ground its
//! reply in and cite.
//!
//! A lesson is cut into passages at its top-level blocks (paragraphs, lists, code, quotes, tables;
//! short ones joined to the next), each with its section heading and lesson title as context. A
//! course's passages are indexed in memory (`CourseIndex`: stems through the search module's
//! `text`, an inverted list per stem) and ranked with BM25 (`search::rank`, with the words' rarity
//! since a passage need not hold every word), passages of the lesson being read counting more. A
//! query word the course never uses is matched to its stems within the search module's typo
//! allowance. The index of a course is kept (`Passages`) until one of its lessons changes, which a
//! cheap stamp query tells.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hashlink::LruCache;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use shared::domain::{CourseId, LessonId};

use crate::ai::offline::is_content_word;
use crate::db::{on_pool, Db};
use crate::error::Result;
use crate::search::rank;
use crate::search::text::{distance, stem, typos_allowed, words};

/// A passage shorter than this is joined to the next block of its section.
const MIN_PASSAGE_CHARS: usize = 160;
/// A citation quotes at most this many characters of its passage.
pub const QUOTE_CHARS: usize = 400;
/// Passages of the lesson being read score this many times as much.
const CURRENT_LESSON_BOOST: f64 = 1.5;
/// A query word the course does not use stands for at most this many close stems.
const EXPANSIONS: usize = 3;
/// Query words beyond this many are ignored.
const MAX_QUERY_WORDS: usize = 24;
/// How many courses' indexes are kept.
const CACHED_COURSES: usize = 64;

/// One passage of a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Index into `CourseIndex::lessons`.
    pub lesson: usize,
    /// Its place in its lesson, from 0.
    pub n: u32,
    /// The heading of its section, if any.
    pub heading: String,
    /// Plain text.
    pub text: String,
}

impl Passage {
    /// The passage's text cut to `QUOTE_CHARS` characters at a word boundary.
    pub fn quote(&self) -> String {
        cut(&self.text, QUOTE_CHARS)
    }
}

/// `text` cut to about `max` characters at a space, with `…` when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let end = text
        .char_indices()
        .nth(max)
        .map_or(text.len(), |(at, _)| at);
    let head = &text[..end];
    let head = head
        .rfind(' ')
        .filter(|&at| at > end / 2)
        .map_or(head, |at| &head[..at]);
    format!("{}…", head.trim_end())
}

/// The passages of one lesson's Markdown, in order.
pub fn split(markdown: &str) -> Vec<(String, String)> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut out: Vec<(String, String)> = Vec::new();
    let mut heading = String::new();
    let mut depth = 0usize;
    let mut in_heading = false;
    let mut block = String::new();
    let mut pending = String::new();
    let flush = |pending: &mut String, heading: &str, out: &mut Vec<(String, String)>| {
        let text = pending.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            out.push((heading.to_owned(), text));
        }
        pending.clear();
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => {
                if depth == 0 && matches!(tag, Tag::Heading { .. }) {
                    in_heading = true;
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                match end {
                    TagEnd::Paragraph
                    | TagEnd::Item
                    | TagEnd::CodeBlock
                    | TagEnd::TableRow
                    | TagEnd::TableHead
                    | TagEnd::Heading(_) => block.push('\n'),
                    // Cells of a row stay apart: "Problem | What ownership does".
                    TagEnd::TableCell => block.push_str(" | "),
                    _ => {}
                }
                if depth == 0 {
                    if in_heading {
                        flush(&mut pending, &heading, &mut out);
                        heading = block.trim().to_owned();
                        in_heading = false;
                    } else {
                        if !pending.is_empty() {
                            pending.push(' ');
                        }
                        pending.push_str(&block);
                        if pending.trim().chars().count() >= MIN_PASSAGE_CHARS {
                            flush(&mut pending, &heading, &mut out);
                        }
                    }
                    block.clear();
                }
            }
            Event::Text(text) | Event::Code(text) => block.push_str(&text),
            Event::SoftBreak | Event::HardBreak => block.push(' '),
            _ => {}
        }
    }
    flush(&mut pending, &heading, &mut out);
    out
}

/// The content stems of `text` (stop words and words under three letters left out).
pub fn content_stems(text: &str) -> Vec<String> {
    words(text)
        .filter(|w| is_content_word(&w.normal))
        .map(|w| stem(&w.normal))
        .collect()
}

/// A course's passages, indexed by stem.
#[derive(Debug, Default)]
pub struct CourseIndex {
    /// In syllabus order: id and title.
    pub lessons: Vec<(LessonId, String)>,
    pub passages: Vec<Passage>,
    stems: HashMap<String, usize>,
    /// Per stem: (passage, how often it says it).
    postings: Vec<Vec<(u32, u32)>>,
    lengths: Vec<u32>,
    average_length: f64,
}

/// A passage that matched, and how well.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub passage: usize,
    pub score: f64,
}

impl CourseIndex {
    /// The index of `lessons` (id, title, Markdown), in syllabus order.
    pub fn build(lessons: Vec<(LessonId, String, String)>) -> Self {
        let mut index = Self::default();
        for (at, (id, title, markdown)) in lessons.into_iter().enumerate() {
            let title_stems = content_stems(&title);
            for (n, (heading, text)) in split(&markdown).into_iter().enumerate() {
                let passage = index.passages.len() as u32;
                let mut counts: HashMap<usize, u32> = HashMap::new();
                let mut length = 0u32;
                let stems = title_stems
                    .iter()
                    .cloned()
                    .chain(content_stems(&heading))
                    .chain(content_stems(&text));
                for stem in stems {
                    let next = index.stems.len();
                    let id = *index.stems.entry(stem).or_insert(next);
                    if id == index.postings.len() {
                        index.postings.push(Vec::new());
                    }
                    *counts.entry(id).or_default() += 1;
                    length += 1;
                }
                for (stem, tf) in counts {
                    index.postings[stem].push((passage, tf));
                }
                index.lengths.push(length);
                index.passages.push(Passage {
                    lesson: at,
                    n: u32::try_from(n).unwrap_or(u32::MAX),
                    heading,
                    text,
                });
            }
            index.lessons.push((id, title));
        }
        let total: u64 = index.lengths.iter().map(|&l| u64::from(l)).sum();
        index.average_length = total as f64 / index.lengths.len().max(1) as f64;
        index
    }

    /// Where `lesson` is in `lessons`.
    pub fn lesson_at(&self, lesson: &LessonId) -> Option<usize> {
        self.lessons.iter().position(|(id, _)| id == lesson)
    }

    /// The stems of the index each query word stands for: itself if the course uses it, else the
    /// course's stems within its typo allowance, closest first.
    fn query_terms(&self, query: &str) -> Vec<usize> {
        let mut terms: Vec<usize> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for stem in content_stems(query).into_iter().take(MAX_QUERY_WORDS) {
            if !seen.insert(stem.clone()) {
                continue;
            }
            if let Some(&id) = self.stems.get(&stem) {
                terms.push(id);
                continue;
            }
            let allowed = typos_allowed(&stem);
            if allowed == 0 {
                continue;
            }
            let length = stem.chars().count();
            let mut close: Vec<(usize, &str, usize)> = self
                .stems
                .iter()
                .filter(|(known, _)| known.chars().count().abs_diff(length) <= allowed)
                .map(|(known, &id)| (distance(&stem, known), known.as_str(), id))
                .filter(|(d, _, _)| *d <= allowed)
                .collect();
            close.sort_unstable();
            terms.extend(close.into_iter().take(EXPANSIONS).map(|(_, _, id)| id));
        }
        terms.sort_unstable();
        terms.dedup();
        terms
    }

    /// The `k` passages that best answer `query`, best first; those of `current` (a lesson of
    /// this course) count more. Empty when no word of the query is in the course.
    pub fn retrieve(&self, query: &str, current: Option<usize>, k: usize) -> Vec<Hit> {
        let terms = self.query_terms(query);
        let documents = self.passages.len();
        let mut scores: HashMap<u32, f64> = HashMap::new();
        for term in terms {
            let postings = &self.postings[term];
            let idf = rank::idf(postings.len(), documents);
            for &(passage, tf) in postings {
                let length = self.lengths[passage as usize] as usize;
                *scores.entry(passage).or_default() +=
                    idf * rank::term_score(tf as usize, length, self.average_length);
            }
        }
        let mut hits: Vec<Hit> = scores
            .into_iter()
            .map(|(passage, score)| {
                let passage = passage as usize;
                let boost = if Some(self.passages[passage].lesson) == current {
                    CURRENT_LESSON_BOOST
                } else {
                    1.0
                };
                Hit {
                    passage,
                    score: score * boost,
                }
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.passage.cmp(&b.passage)));
        hits.truncate(k);
        hits
    }

    /// The first `k` passages of lesson `at`: what to show when a question matches nothing.
    pub fn opening(&self, at: usize, k: usize) -> Vec<usize> {
        self.passages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.lesson == at)
            .map(|(i, _)| i)
            .take(k)
            .collect()
    }
}

/// What tells a course's lessons changed: how many there are and when the last was written.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
struct Stamp {
    lessons: i64,
    changed: Option<String>,
}

/// Course indexes by course, each with the stamp of the lessons it was built from.
type Kept = LruCache<CourseId, (Stamp, Arc<CourseIndex>)>;

/// The courses' passage indexes, each kept while its lessons stay as they were. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Passages {
    cached: Arc<Mutex<Kept>>,
}

impl Default for Passages {
    fn default() -> Self {
        Self {
            cached: Arc::new(Mutex::new(LruCache::new(CACHED_COURSES))),
        }
    }
}

impl Passages {
    /// The index of `course`'s lessons as they are now.
    pub async fn of(&self, db: &Db, course: &CourseId) -> Result<Arc<CourseIndex>> {
        let stamp: Stamp = on_pool!(db, pool => {
            sqlx::query_as(
                "SELECT COUNT(*) AS lessons, CAST(MAX(updated_at) AS TEXT) AS changed \
                 FROM lessons WHERE course_id = $1",
            )
            .bind(course)
            .fetch_one(pool)
            .await?
        });
        if let Some((kept, index)) = self.lock().get(course) {
            if *kept == stamp {
                return Ok(index.clone());
            }
        }
        let lessons: Vec<(LessonId, String, String)> = on_pool!(db, pool => {
            sqlx::query_as(
                "SELECT l.id, l.title, l.body FROM lessons l \
                 JOIN course_modules m ON m.id = l.module_id \
                 WHERE l.course_id = $1 ORDER BY m.position, m.id, l.position, l.id",
            )
            .bind(course)
            .fetch_all(pool)
            .await?
        });
        // Stemming a large course takes tens of milliseconds: off the request threads.
        let index = tokio::task::spawn_blocking(move || CourseIndex::build(lessons))
            .await
            .map_err(|e| crate::error::Error::Internal(format!("tutor passages: {e}")))?;
        let index = Arc::new(index);
        self.lock().insert(course.clone(), (stamp, index.clone()));
        Ok(index)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "# Ownership\n\nRust manages memory through ownership. Each value has \
        one owner.\n\nWhen the owner goes out of scope, the value is dropped and its memory is \
        freed at once, without a garbage collector running in the background.\n\n## Borrowing\n\n\
        A reference borrows a value without taking ownership of it. References must always be \
        valid, which the borrow checker proves when the program compiles.\n\n```rust\nlet s = \
        String::from(\"hi\");\nlet r = &s;\n```\n";

    fn course() -> CourseIndex {
        let other = "# Structs\n\nA struct groups named fields into one type. Methods are \
            defined in an impl block and take self as their first parameter.";
        CourseIndex::build(vec![
            (LessonId::new(), "Ownership".into(), LESSON.into()),
            (LessonId::new(), "Structs".into(), other.into()),
        ])
    }

    #[test]
    fn lessons_split_at_blocks_with_their_headings() {
        let passages = split(LESSON);
        assert_eq!(passages.len(), 2, "{passages:?}");
        assert_eq!(passages[0].0, "Ownership");
        assert!(
            passages[0].1.starts_with("Rust manages memory"),
            "{passages:?}"
        );
        assert!(
            passages[0].1.contains("garbage collector"),
            "a short block joins the next"
        );
        assert_eq!(passages[1].0, "Borrowing");
        assert!(passages[1].1.contains("borrow checker proves"));
        assert!(
            passages[1].1.contains("let r = &s;"),
            "short, so joined by the code"
        );
        // A long block stands alone.
        let long = format!("# A\n\n{}\n\n{}", "word ".repeat(40), "other ".repeat(40));
        assert_eq!(split(&long).len(), 2);
    }

    #[test]
    fn the_passage_that_answers_ranks_first_even_with_a_typo() {
        let index = course();
        let hits = index.retrieve("What does the borow checker prove?", Some(0), 3);
        assert!(!hits.is_empty());
        assert!(index.passages[hits[0].passage]
            .text
            .contains("borrow checker"));
        let hits = index.retrieve("How are methods defined?", Some(0), 3);
        assert!(index.passages[hits[0].passage].text.contains("impl block"));
        assert!(index.retrieve("квантовая физика", Some(0), 3).is_empty());
    }

    /// Every demo course as an index, by its title.
    fn demo_courses() -> HashMap<String, CourseIndex> {
        let no_images = |_: &[u8]| -> std::result::Result<(), String> { Ok(()) };
        crate::catalog::demo::books()
            .unwrap()
            .iter()
            .map(|book| {
                let parsed = crate::catalog::import::parse_book(book, &no_images).unwrap();
                let lessons = parsed
                    .content
                    .modules
                    .into_iter()
                    .flat_map(|m| m.lessons)
                    .map(|l| (LessonId::new(), l.title, l.body))
                    .collect();
                (parsed.content.title, CourseIndex::build(lessons))
            })
            .collect()
    }

    #[test]
    fn the_passage_that_answers_is_retrieved_on_the_demo_courses() {
        let courses = demo_courses();
        // (course title starts with, question, words of the passage that answers it), asked from
        // the course's first lesson, so only the words lead to the passage.
        let cases = [
            (
                "Rust",
                "Who keeps the value when I borrow it?",
                "the owner keeps it",
            ),
            (
                "Rust",
                "How do I create a new project with cargo?",
                "cargo new",
            ),
            (
                "Distributed",
                "Why does every read see the latest write with w + r > n?",
                "overlaps every write set",
            ),
            (
                "Distributed",
                "What does a follower do when it hears no heartbeat?",
                "election timeout",
            ),
            (
                "How memory",
                "Why does a gap between reviews help?",
                "effortful recall",
            ),
            (
                "Linear",
                "What is the dot product used for?",
                "angles, projections",
            ),
            (
                "SQL",
                "Что такое индекс и на что он похож?",
                "предметный указатель",
            ),
            (
                "Алгоритмы",
                "Как быстро хеш-таблица находит значение по ключу?",
                "по ключу",
            ),
        ];
        let mut found = 0;
        for (course, question, answer) in cases {
            let (_, index) = courses
                .iter()
                .find(|(title, _)| title.starts_with(course))
                .unwrap_or_else(|| panic!("no demo course {course}: {:?}", courses.keys()));
            let hits = index.retrieve(question, Some(0), 3);
            let texts: Vec<&str> = hits
                .iter()
                .map(|h| index.passages[h.passage].text.as_str())
                .collect();
            if texts.iter().any(|t| t.contains(answer)) {
                found += 1;
            } else {
                eprintln!("{question}: {answer:?} not in {texts:#?}");
            }
        }
        assert_eq!(
            found,
            cases.len(),
            "every answering passage is among the 3 retrieved"
        );
    }

    #[test]
    fn quotes_are_cut_at_a_word() {
        let long = "word ".repeat(200);
        let quote = cut(&long, 50);
        assert!(
            quote.ends_with('…') && quote.chars().count() <= 51,
            "{quote}"
        );
        assert_eq!(cut("short", 50), "short");
    }
}
