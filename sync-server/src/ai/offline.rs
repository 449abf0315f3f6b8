//! The built-in offline provider: honest non-LLM work on a lesson's own text, in English and
//! Russian. An extractive summary (TextRank over sentences) with key points, and questions made
//! from the text (cloze deletions of key terms in key sentences, distractors from other key terms
//! of the course). Deterministic and fast; everything it makes is labelled as made without a
//! language model. Never invents text: every answer it gives appears in the lesson.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use shared::api::courses::CourseLanguage;
use shared::quiz::{normalize_answer, Question, QuestionBody, QuestionKind};

use crate::search::text::{stem, words};

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

/// Most sentences in a summary, and most key points.
const SUMMARY_SENTENCES: usize = 3;
const KEY_POINTS: usize = 5;
/// TextRank's damping factor and iteration bound (it converges in far fewer on lesson graphs).
const DAMPING: f64 = 0.85;
const ITERATIONS: usize = 40;
/// A sentence worth summarising or asking about has this many words.
const QUESTION_WORDS: std::ops::RangeInclusive<usize> = 7..=45;

/// An extractive summary of `lesson`: its most central sentences in reading order, and key points
/// (the next most central sentences, also in reading order).
pub fn summarize(lesson: &LessonText<'_>) -> Summary {
    let text = Analysed::new(lesson.markdown);
    let mut order = text.ranked_sentences();
    order.retain(|&i| text.sentences[i].is_statement());
    let summary_count = match order.len() {
        0..=3 => order.len(),
        n => (n / 5).clamp(2, SUMMARY_SENTENCES),
    };
    let mut summary: Vec<usize> = order.iter().copied().take(summary_count).collect();
    summary.sort_unstable();
    let mut points: Vec<usize> = order
        .iter()
        .copied()
        .skip(summary_count)
        .take(KEY_POINTS)
        .collect();
    points.sort_unstable();
    Summary {
        summary: summary
            .iter()
            .map(|&i| text.sentences[i].text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        key_points: points
            .iter()
            .map(|&i| text.sentences[i].text.clone())
            .collect(),
    }
}

/// The key terms of a lesson, most important first: the terms its author set in bold, then the
/// words its central sentences repeat. Used for gaps, and as distractors for a course's other
/// lessons.
pub fn key_terms(lesson: &LessonText<'_>, limit: usize) -> Vec<String> {
    Analysed::new(lesson.markdown)
        .terms()
        .into_iter()
        .take(limit)
        .map(|term| term.surface)
        .collect()
}

/// Up to `count` questions of the `kinds` asked for, from `lesson`'s key sentences, taking the
/// kinds in turn. Multiple choice asks which terms the lesson uses (the wrong options are key
/// terms of `course_terms`, the course's other lessons, that this lesson never uses). Wrong
/// options of single choice and false statements use the lesson's other key terms and
/// `course_terms`. Every answer is text of the lesson; every wrong option differs from the answer.
pub fn draft_questions(
    lesson: &LessonText<'_>,
    course_terms: &[String],
    count: usize,
    kinds: &[QuestionKind],
) -> Vec<Question> {
    let text = Analysed::new(lesson.markdown);
    let words = Wording::of(lesson.language);
    let terms = text.terms();
    let mut kinds: Vec<QuestionKind> = kinds.to_vec();
    kinds.dedup();
    if kinds.is_empty() {
        kinds = vec![QuestionKind::Cloze];
    }
    // Terms the course uses that this lesson never mentions: wrong options that are surely wrong.
    let lesson_stems: HashSet<&str> = text.all_stems.iter().map(String::as_str).collect();
    let foreign: Vec<&String> = course_terms
        .iter()
        .filter(|t| {
            let stems = content_stems(t);
            !stems.is_empty() && stems.iter().all(|s| !lesson_stems.contains(s.as_str()))
        })
        .collect();
    let mut pool: Vec<String> = terms.iter().map(|t| t.surface.clone()).collect();
    pool.extend(course_terms.iter().cloned());

    let mut questions = Vec::new();
    let mut used_terms: HashSet<String> = HashSet::new();
    let mut used_sentences: HashSet<usize> = HashSet::new();
    let mut gaps = text.gap_candidates(&terms);
    // Prefer a term not asked about yet: first pass takes each term once, then any.
    gaps.sort_by_key(|gap| gap.rank_position);
    let mut turn = 0usize;
    let mut stalled = 0usize;
    while questions.len() < count && stalled < kinds.len() {
        let kind = kinds[turn % kinds.len()];
        turn += 1;
        let made = if kind == QuestionKind::MultipleChoice {
            which_terms_question(lesson, &words, &terms, &foreign, &used_terms)
        } else {
            let pick = gaps
                .iter()
                .position(|g| {
                    !used_sentences.contains(&g.sentence) && !used_terms.contains(&g.term_key)
                })
                .or_else(|| {
                    gaps.iter()
                        .position(|g| !used_sentences.contains(&g.sentence))
                });
            pick.and_then(|at| {
                let gap = &gaps[at];
                let sentence = &text.sentences[gap.sentence].text;
                let question = gap_question(kind, &words, sentence, gap, &pool, questions.len())?;
                used_sentences.insert(gap.sentence);
                used_terms.insert(gap.term_key.clone());
                Some(question)
            })
        };
        match made {
            Some(question) => {
                if let QuestionBody::MultipleChoice { options, correct } = &question.body {
                    for &i in correct {
                        used_terms.insert(term_key(&options[i as usize]));
                    }
                }
                questions.push(question);
                stalled = 0;
            }
            None => stalled += 1,
        }
    }
    questions
}

/// The texts a question is worded with, in the lesson's language.
struct Wording {
    fill_gap: &'static str,
    complete: &'static str,
    type_missing: &'static str,
    true_or_false: &'static str,
    from_lesson: &'static str,
    which_terms: &'static str,
    lesson_uses: &'static str,
    open_quote: &'static str,
    close_quote: &'static str,
}

impl Wording {
    fn of(language: CourseLanguage) -> Self {
        match language {
            CourseLanguage::En => Self {
                fill_gap: "Fill in the gap.",
                complete: "Which word completes the sentence?",
                type_missing: "Type the missing word or phrase:",
                true_or_false: "True or false?",
                from_lesson: "From the lesson:",
                which_terms: "Which of these terms does the lesson use?",
                lesson_uses: "The lesson uses:",
                open_quote: "“",
                close_quote: "”",
            },
            CourseLanguage::Ru => Self {
                fill_gap: "Заполните пропуск.",
                complete: "Какое слово пропущено в предложении?",
                type_missing: "Впишите пропущенное слово или выражение:",
                true_or_false: "Верно или нет?",
                from_lesson: "Из урока:",
                which_terms: "Какие из этих терминов встречаются в уроке?",
                lesson_uses: "В уроке встречаются:",
                open_quote: "«",
                close_quote: "»",
            },
        }
    }

    fn quote(&self, text: &str) -> String {
        format!("{}{text}{}", self.open_quote, self.close_quote)
    }

    fn explanation(&self, sentence: &str) -> String {
        format!("{} {}", self.from_lesson, self.quote(sentence))
    }
}

/// A key term found in a sentence: where (byte range in the sentence's text) and how it is
/// written there.
#[derive(Debug, Clone)]
struct Gap {
    sentence: usize,
    start: usize,
    end: usize,
    /// The term's stems joined: the same term in another form has the same key.
    term_key: String,
    /// The sentence's place among the candidates: higher-ranked sentences, better terms first.
    rank_position: (usize, usize),
}

fn gap_question(
    kind: QuestionKind,
    words: &Wording,
    sentence: &str,
    gap: &Gap,
    pool: &[String],
    salt: usize,
) -> Option<Question> {
    let answer = sentence[gap.start..gap.end].to_owned();
    let before = &sentence[..gap.start];
    let after = &sentence[gap.end..];
    let blanked = format!("{before}_____{after}");
    let explanation = words.explanation(sentence);
    let wrong = distractors(&answer, &gap.term_key, sentence, pool, 3);
    let (prompt, body) = match kind {
        QuestionKind::Cloze => {
            if sentence.contains("{{") || sentence.contains("}}") || answer.contains('|') {
                return None;
            }
            (
                words.fill_gap.to_owned(),
                QuestionBody::Cloze {
                    text: format!("{before}{{{{{answer}}}}}{after}"),
                },
            )
        }
        QuestionKind::ShortAnswer => (
            format!("{} {}", words.type_missing, words.quote(&blanked)),
            QuestionBody::ShortAnswer {
                accepted: vec![answer.clone()],
            },
        ),
        QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
            if wrong.len() < 2 {
                return None;
            }
            let mut options = wrong;
            let correct = seeded(sentence, salt) % (options.len() + 1);
            options.insert(correct, answer.clone());
            (
                format!("{} {}", words.complete, words.quote(&blanked)),
                QuestionBody::SingleChoice {
                    options,
                    correct: correct as u32,
                },
            )
        }
        QuestionKind::TrueFalse => {
            // Every other true/false question states the sentence with a wrong term in the gap.
            let falsify = seeded(sentence, salt) % 2 == 1 && !wrong.is_empty();
            let statement = if falsify {
                format!("{before}{}{after}", wrong[0])
            } else {
                sentence.to_owned()
            };
            (
                format!("{} {}", words.true_or_false, words.quote(&statement)),
                QuestionBody::TrueFalse { correct: !falsify },
            )
        }
    };
    Some(Question {
        id: uuid::Uuid::now_v7().to_string(),
        prompt,
        body,
        explanation,
    })
}

/// "Which of these terms does the lesson use?": two or three of its key terms not asked about
/// yet, and two terms of the course's other lessons it never uses.
fn which_terms_question(
    lesson: &LessonText<'_>,
    words: &Wording,
    terms: &[Term],
    foreign: &[&String],
    used: &HashSet<String>,
) -> Option<Question> {
    let right: Vec<&Term> = terms
        .iter()
        .filter(|t| !used.contains(&t.key))
        .take(2)
        .collect();
    if right.len() < 2 || foreign.len() < 2 {
        return None;
    }
    let mut options: Vec<String> = Vec::new();
    let mut correct = Vec::new();
    let salt = seeded(lesson.title, right.len());
    let wrong: Vec<&String> = foreign.iter().copied().take(2).collect();
    for i in 0..4 {
        // Interleave right and wrong options in an order fixed by the lesson's title.
        let take_right = (salt >> i) & 1 == 1;
        let (from_right, from_wrong) = (correct.len(), options.len() - correct.len());
        if (take_right && from_right < right.len()) || from_wrong >= wrong.len() {
            correct.push(options.len() as u32);
            options.push(right[from_right].surface.clone());
        } else {
            options.push(wrong[from_wrong].clone());
        }
    }
    let mut seen = HashSet::new();
    if !options.iter().all(|o| seen.insert(normalize_answer(o))) {
        return None;
    }
    let named: Vec<&str> = right.iter().map(|t| t.surface.as_str()).collect();
    Some(Question {
        id: uuid::Uuid::now_v7().to_string(),
        prompt: format!("{} {}", words.which_terms, words.quote(lesson.title)),
        body: QuestionBody::MultipleChoice { options, correct },
        explanation: format!("{} {}.", words.lesson_uses, named.join(", ")),
    })
}

/// Up to `n` wrong options for `answer`: terms of `pool` that differ from it (and are not already
/// in the sentence), written in the same script, closest in length first.
fn distractors(
    answer: &str,
    answer_key: &str,
    sentence: &str,
    pool: &[String],
    n: usize,
) -> Vec<String> {
    let cyrillic = |text: &str| text.chars().any(|c| matches!(c, '\u{0400}'..='\u{04FF}'));
    let answer_normal = normalize_answer(answer);
    let sentence_stems: HashSet<String> = term_stems(sentence).into_iter().collect();
    let mut seen: HashSet<String> = HashSet::from([answer_normal.clone()]);
    let mut candidates: Vec<(usize, usize, &String)> = pool
        .iter()
        .enumerate()
        .filter(|(_, term)| {
            let key = term_key(term);
            let normal = normalize_answer(term);
            !normal.is_empty()
                && key != answer_key
                && cyrillic(term) == cyrillic(answer)
                && !term_stems(term).iter().all(|s| sentence_stems.contains(s))
                && seen.insert(normal)
        })
        .map(|(i, term)| {
            let gap = term.chars().count().abs_diff(answer.chars().count());
            (gap, i, term)
        })
        .collect();
    candidates.sort();
    candidates
        .into_iter()
        .take(n)
        .map(|(_, _, term)| term.clone())
        .collect()
}

/// A small deterministic number from a text: where the right option goes, which statements are
/// false. (FNV-1a.)
fn seeded(text: &str, salt: usize) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ salt as u64;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash >> 17) as usize
}

fn term_stems(text: &str) -> Vec<String> {
    words(text).map(|w| stem(&w.normal)).collect()
}

/// The stems of a text's content words (no stop words): what `Analysed::all_stems` holds.
fn content_stems(text: &str) -> Vec<String> {
    words(text)
        .filter(|w| is_content_word(&w.normal))
        .map(|w| stem(&w.normal))
        .collect()
}

fn term_key(text: &str) -> String {
    term_stems(text).join(" ")
}

/// One sentence of the lesson's prose.
#[derive(Debug)]
struct Sentence {
    text: String,
    /// Stems of its content words (no stop words), with repeats.
    stems: Vec<String>,
    /// Words in all.
    word_count: usize,
}

impl Sentence {
    /// A sentence that states something: not a question, not an introduction to a list or code.
    fn is_statement(&self) -> bool {
        let end = self.text.trim_end();
        QUESTION_WORDS.contains(&self.word_count) && !end.ends_with(['?', ':', ';'])
    }
}

/// A key term with its score and the form the lesson writes it in.
#[derive(Debug, Clone)]
struct Term {
    surface: String,
    key: String,
    score: f64,
}

/// A lesson's prose read once: sentences, their TextRank, the author's bold terms.
struct Analysed {
    sentences: Vec<Sentence>,
    ranks: Vec<f64>,
    bold: Vec<String>,
    all_stems: HashSet<String>,
}

impl Analysed {
    fn new(markdown: &str) -> Self {
        let (blocks, bold) = prose(markdown);
        let mut sentences = Vec::new();
        for block in &blocks {
            for text in split_sentences(block) {
                let all: Vec<_> = words(&text).collect();
                let stems = all
                    .iter()
                    .filter(|w| is_content_word(&w.normal))
                    .map(|w| stem(&w.normal))
                    .collect();
                sentences.push(Sentence {
                    word_count: all.len(),
                    stems,
                    text,
                });
            }
        }
        let all_stems = sentences
            .iter()
            .flat_map(|s| s.stems.iter().cloned())
            .collect();
        let ranks = text_rank(&sentences);
        Self {
            sentences,
            ranks,
            bold,
            all_stems,
        }
    }

    /// Sentence indexes, most central first (ties in reading order).
    fn ranked_sentences(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.sentences.len()).collect();
        order.sort_by(|&a, &b| self.ranks[b].total_cmp(&self.ranks[a]).then(a.cmp(&b)));
        order
    }

    /// Key terms, best first: bold terms (weighted up: the author marked them) and content words
    /// of five letters or more that appear at least three times, scored by the rank of the sentences they appear in.
    fn terms(&self) -> Vec<Term> {
        let mut weight: HashMap<&str, f64> = HashMap::new();
        for (sentence, rank) in self.sentences.iter().zip(&self.ranks) {
            for stem in &sentence.stems {
                *weight.entry(stem.as_str()).or_default() += rank;
            }
        }
        let mut count: HashMap<&str, usize> = HashMap::new();
        let mut surfaces: HashMap<String, HashMap<String, usize>> = HashMap::new();
        for sentence in &self.sentences {
            for word in words(&sentence.text) {
                if !is_content_word(&word.normal) || word.normal.chars().count() < 5 {
                    continue;
                }
                if word.normal.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                let stem = stem(&word.normal);
                *surfaces
                    .entry(stem)
                    .or_default()
                    .entry(word.normal.clone())
                    .or_default() += 1;
            }
            for stem in &sentence.stems {
                *count.entry(stem.as_str()).or_default() += 1;
            }
        }
        let mut terms: Vec<Term> = Vec::new();
        let mut seen = HashSet::new();
        for bold in &self.bold {
            let key = term_key(bold);
            let stems = term_stems(bold);
            let meaningful = words(bold).any(|w| is_content_word(&w.normal));
            if !meaningful || stems.len() > 4 || !seen.insert(key.clone()) {
                continue;
            }
            let score: f64 = stems
                .iter()
                .map(|s| weight.get(s.as_str()).copied().unwrap_or(0.0))
                .sum::<f64>()
                / stems.len() as f64;
            terms.push(Term {
                surface: bold.clone(),
                key,
                score: 10.0 + score,
            });
        }
        for (stem, forms) in &surfaces {
            if count.get(stem.as_str()).copied().unwrap_or(0) < 3 || !seen.insert(stem.clone()) {
                continue;
            }
            // The form the lesson uses most (ties: the shorter, then the first alphabetically).
            let Some((surface, _)) = forms.iter().max_by(|a, b| {
                a.1.cmp(b.1)
                    .then(b.0.len().cmp(&a.0.len()))
                    .then(b.0.cmp(a.0))
            }) else {
                continue;
            };
            terms.push(Term {
                surface: surface.clone(),
                key: stem.clone(),
                score: weight.get(stem.as_str()).copied().unwrap_or(0.0),
            });
        }
        terms.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.key.cmp(&b.key)));
        terms
    }

    /// Every (statement sentence, key term it contains), best sentences and terms first.
    fn gap_candidates(&self, terms: &[Term]) -> Vec<Gap> {
        let mut gaps = Vec::new();
        for (position, &index) in self.ranked_sentences().iter().enumerate() {
            let sentence = &self.sentences[index];
            if !sentence.is_statement() {
                continue;
            }
            let found: Vec<_> = words(&sentence.text).collect();
            let stems: Vec<String> = found.iter().map(|w| stem(&w.normal)).collect();
            for (term_rank, term) in terms.iter().enumerate() {
                let wanted: Vec<&str> = term.key.split(' ').collect();
                let Some(at) = stems
                    .windows(wanted.len())
                    .position(|window| window.iter().zip(&wanted).all(|(a, b)| a == b))
                else {
                    continue;
                };
                let (start, end) = (found[at].start, found[at + wanted.len() - 1].end);
                // A gap at the very start would give away the sentence's capital letter.
                if start == 0 {
                    continue;
                }
                gaps.push(Gap {
                    sentence: index,
                    start,
                    end,
                    term_key: term.key.clone(),
                    rank_position: (position, term_rank),
                });
                break;
            }
        }
        gaps
    }
}

/// The lesson's prose blocks (paragraphs, list items, table cells and quotes; no headings, no
/// code blocks) as plain text, and the texts its author set in bold.
fn prose(markdown: &str) -> (Vec<String>, Vec<String>) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut blocks = Vec::new();
    let mut bold = Vec::new();
    let mut current = String::new();
    let mut strong: Option<String> = None;
    let mut skip = 0usize;
    let flush = |current: &mut String, blocks: &mut Vec<String>| {
        let text = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            blocks.push(text);
        }
        current.clear();
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::Heading { .. } | Tag::Image { .. }) => {
                skip += 1;
            }
            Event::End(TagEnd::CodeBlock | TagEnd::Heading(_) | TagEnd::Image) => {
                skip = skip.saturating_sub(1);
                flush(&mut current, &mut blocks);
            }
            _ if skip > 0 => {}
            Event::Start(Tag::Strong) => strong = Some(String::new()),
            Event::End(TagEnd::Strong) => {
                if let Some(term) = strong.take() {
                    let term = term.trim().trim_end_matches([':', '.', ',', ';']).trim();
                    if !term.is_empty() && term.chars().count() <= 40 {
                        bold.push(term.to_owned());
                    }
                }
            }
            Event::Text(text) | Event::Code(text) => {
                current.push_str(&text);
                if let Some(term) = strong.as_mut() {
                    term.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            Event::Start(Tag::Item) | Event::Start(Tag::Paragraph) => {
                flush(&mut current, &mut blocks)
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) => flush(&mut current, &mut blocks),
            _ => {}
        }
    }
    flush(&mut current, &mut blocks);
    (blocks, bold)
}

/// Abbreviations after which a full stop does not end a sentence (lowercase, without the stop).
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "cf", "mr", "mrs", "dr", "st", "no", "fig", "approx", "т.е", "т.д",
    "т.п", "т.к", "др", "см", "стр", "напр", "рис", "гл", "им", "г", "гг", "в", "вв",
];

/// Splits a block into sentences at `.`, `!`, `?` or `…` followed by a space and a capital letter,
/// digit, quote or bracket, never after a known abbreviation or a single letter (initials).
fn split_sentences(block: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = block.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // The end may carry closing quotes or brackets.
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j].1, '"' | '»' | '”' | ')' | '\'') {
            j += 1;
        }
        if j >= chars.len() || !chars[j].1.is_whitespace() {
            continue;
        }
        let next = chars[j..].iter().find(|(_, c)| !c.is_whitespace());
        let Some(&(_, next)) = next else { continue };
        if !(next.is_uppercase() || next.is_ascii_digit() || matches!(next, '"' | '«' | '“' | '('))
        {
            continue;
        }
        if c == '.' {
            let word: String = block[start..at]
                .rsplit(|c: char| c.is_whitespace() || c == '(')
                .next()
                .unwrap_or("")
                .to_lowercase();
            if ABBREVIATIONS.contains(&word.as_str()) || word.chars().count() == 1 {
                continue;
            }
        }
        let end = if j < chars.len() {
            chars[j].0
        } else {
            block.len()
        };
        let sentence = block[start..end].trim();
        if !sentence.is_empty() {
            sentences.push(sentence.to_owned());
        }
        start = end;
    }
    let rest = block[start..].trim();
    if !rest.is_empty() {
        sentences.push(rest.to_owned());
    }
    sentences
}

/// TextRank over sentences: edges weighted by shared content stems, normalised by the sentences'
/// lengths (Mihalcea and Tarau, 2004), scores by PageRank.
fn text_rank(sentences: &[Sentence]) -> Vec<f64> {
    let n = sentences.len();
    if n == 0 {
        return Vec::new();
    }
    let sets: Vec<HashSet<&str>> = sentences
        .iter()
        .map(|s| s.stems.iter().map(String::as_str).collect())
        .collect();
    let mut weights = vec![vec![0.0f64; n]; n];
    for i in 0..n {
        for j in i + 1..n {
            let shared = sets[i].intersection(&sets[j]).count();
            if shared == 0 {
                continue;
            }
            let norm = ((sets[i].len() + 1) as f64).ln() + ((sets[j].len() + 1) as f64).ln();
            let w = shared as f64 / norm;
            weights[i][j] = w;
            weights[j][i] = w;
        }
    }
    let out: Vec<f64> = weights.iter().map(|row| row.iter().sum()).collect();
    let mut scores = vec![1.0f64; n];
    for _ in 0..ITERATIONS {
        let mut next = vec![1.0 - DAMPING; n];
        for (i, score) in next.iter_mut().enumerate() {
            let inflow: f64 = (0..n)
                .filter(|&j| out[j] > 0.0)
                .map(|j| weights[j][i] / out[j] * scores[j])
                .sum();
            *score += DAMPING * inflow;
        }
        let change: f64 = next.iter().zip(&scores).map(|(a, b)| (a - b).abs()).sum();
        scores = next;
        if change < 1e-6 {
            break;
        }
    }
    scores
}

/// A word that carries meaning: three letters or more, not a stop word (English or Russian).
pub fn is_content_word(normal: &str) -> bool {
    normal.chars().count() >= 3 && !STOP_WORDS.contains(normal)
}

/// Words too common to carry a lesson's meaning, English and Russian (lowercase, `ё` as `е`).
static STOP_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("stop_words.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;
    use shared::quiz::{cloze_gaps, is_correct, validate_question, Answer};

    const OWNERSHIP: &str = include_str!("../../demo/courses/rust-from-zero/src/ch03-ownership.md");
    const BORROWING: &str = include_str!("../../demo/courses/rust-from-zero/src/ch04-borrowing.md");
    const HASHING: &str =
        include_str!("../../demo/courses/algoritmy-i-struktury-dannyh/src/ch04-hesh-tablicy.md");
    const SORTING: &str =
        include_str!("../../demo/courses/algoritmy-i-struktury-dannyh/src/ch03-sortirovki.md");

    /// Every demo course's lessons (Markdown, in file order) with the course's language.
    fn demo_lessons() -> Vec<(CourseLanguage, Vec<String>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/courses");
        let mut courses = Vec::new();
        let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().collect();
        dirs.sort_by_key(|d| d.file_name());
        for dir in dirs {
            let book = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
            let language = if book.contains("language = \"ru\"") {
                CourseLanguage::Ru
            } else {
                CourseLanguage::En
            };
            let mut files: Vec<_> = std::fs::read_dir(dir.path().join("src"))
                .unwrap()
                .flatten()
                .map(|f| f.path())
                .filter(|p| p.file_name().is_some_and(|n| n != "SUMMARY.md"))
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .collect();
            files.sort();
            let lessons = files
                .iter()
                .map(|f| std::fs::read_to_string(f).unwrap())
                .collect();
            courses.push((language, lessons));
        }
        courses
    }

    /// The text a prompt quotes: from its first opening quote to its last closing one.
    fn quoted(prompt: &str) -> &str {
        let start = prompt.find(['“', '«']).unwrap();
        let open = prompt[start..].chars().next().unwrap().len_utf8();
        let end = prompt.rfind(['”', '»']).unwrap();
        &prompt[start + open..end]
    }

    fn lesson(markdown: &str, language: CourseLanguage) -> LessonText<'_> {
        LessonText {
            title: "Lesson",
            markdown,
            language,
        }
    }

    #[test]
    fn sentences_split_at_stops_but_not_after_abbreviations_or_decimals() {
        assert_eq!(
            split_sentences(
                "Rust is fast. It is safe, e.g. no data races! Pi is 3.14 here. т.е. так. Да?"
            ),
            vec![
                "Rust is fast.",
                "It is safe, e.g. no data races!",
                "Pi is 3.14 here. т.е. так.",
                "Да?"
            ]
        );
        assert_eq!(
            split_sentences("Он сказал «да». Потом ушёл…  Конец"),
            vec!["Он сказал «да».", "Потом ушёл…", "Конец"]
        );
    }

    #[test]
    fn summaries_are_sentences_of_the_lesson_in_reading_order() {
        for (markdown, language) in [
            (OWNERSHIP, CourseLanguage::En),
            (HASHING, CourseLanguage::Ru),
        ] {
            let summary = summarize(&lesson(markdown, language));
            assert!(!summary.summary.is_empty());
            assert!(!summary.key_points.is_empty());
            let plain = prose(markdown).0.join(" ");
            let mut last = 0;
            for sentence in split_sentences(&summary.summary) {
                let at = plain
                    .find(&sentence)
                    .unwrap_or_else(|| panic!("{sentence}"));
                assert!(at >= last, "reading order: {sentence}");
                last = at;
            }
            for point in &summary.key_points {
                assert!(plain.contains(point.as_str()), "{point}");
                assert!(!summary.summary.contains(point.as_str()), "{point}");
            }
        }
    }

    #[test]
    fn key_terms_start_with_what_the_author_set_in_bold() {
        let terms = key_terms(&lesson(OWNERSHIP, CourseLanguage::En), 8);
        let (_, bold) = prose(OWNERSHIP);
        assert!(bold.len() >= 4, "{bold:?}");
        for term in &terms[..4] {
            assert!(bold.contains(term), "{term} in {terms:?}");
        }
        assert!(terms.contains(&"ownership".to_owned()), "{terms:?}");
        let terms = key_terms(&lesson(HASHING, CourseLanguage::Ru), 8);
        assert!(terms.iter().any(|t| t == "Хеш-функция"), "{terms:?}");
        assert!(terms.len() == 8, "{terms:?}");
    }

    #[test]
    fn every_answer_is_lesson_text_and_every_wrong_option_differs() {
        let all = [
            QuestionKind::Cloze,
            QuestionKind::SingleChoice,
            QuestionKind::TrueFalse,
            QuestionKind::ShortAnswer,
            QuestionKind::MultipleChoice,
        ];
        let courses = demo_lessons();
        assert!(courses.len() >= 6);
        for (language, lessons) in &courses {
            let language = *language;
            let terms_of: Vec<Vec<String>> = lessons
                .iter()
                .map(|l| key_terms(&lesson(l, language), 10))
                .collect();
            for (at, markdown) in lessons.iter().enumerate() {
                let markdown = markdown.as_str();
                let course_terms: Vec<String> = terms_of
                    .iter()
                    .enumerate()
                    .filter(|(other, _)| *other != at)
                    .flat_map(|(_, terms)| terms.iter().cloned())
                    .collect();
                let this = lesson(markdown, language);
                let questions = draft_questions(&this, &course_terms, 10, &all);
                assert!(questions.len() >= 8, "{questions:#?}");
                let plain = prose(markdown).0.join(" ");
                let kinds: HashSet<QuestionKind> =
                    questions.iter().map(|q| q.body.kind()).collect();
                assert!(kinds.len() >= 4, "{kinds:?}");
                for question in &questions {
                    validate_question(question).unwrap_or_else(|e| panic!("{e}: {question:#?}"));
                    match &question.body {
                        QuestionBody::Cloze { text } => {
                            for gap in cloze_gaps(text) {
                                assert!(plain.contains(gap[0].as_str()), "{gap:?}");
                            }
                            let sentence = text.replace("{{", "").replace("}}", "");
                            assert!(plain.contains(&sentence), "{sentence}");
                        }
                        QuestionBody::ShortAnswer { accepted } => {
                            assert!(plain.contains(accepted[0].as_str()), "{accepted:?}");
                        }
                        QuestionBody::SingleChoice { options, correct } => {
                            let answer = &options[*correct as usize];
                            assert!(plain.contains(answer.as_str()), "{answer}");
                            let blanked = quoted(&question.prompt);
                            assert!(plain.contains(&blanked.replace("_____", answer)));
                            for (i, option) in options.iter().enumerate() {
                                if i != *correct as usize {
                                    assert_ne!(normalize_answer(option), normalize_answer(answer));
                                    assert!(!is_correct(&question.body, &Answer::Choice(i as u32)));
                                }
                            }
                        }
                        QuestionBody::MultipleChoice { options, correct } => {
                            let lesson_stems = &Analysed::new(markdown).all_stems;
                            for (i, option) in options.iter().enumerate() {
                                let uses = content_stems(option)
                                    .iter()
                                    .all(|s| lesson_stems.contains(s));
                                assert_eq!(
                                    uses,
                                    correct.contains(&(i as u32)),
                                    "{option}: {question:?}"
                                );
                            }
                        }
                        QuestionBody::TrueFalse { correct } => {
                            let statement = quoted(&question.prompt);
                            assert_eq!(plain.contains(statement), *correct, "{statement}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    #[ignore = "prints what the offline provider makes of two demo lessons, for a human to read"]
    fn show_demo_output() {
        for (markdown, other, language) in [
            (OWNERSHIP, BORROWING, CourseLanguage::En),
            (HASHING, SORTING, CourseLanguage::Ru),
        ] {
            let this = lesson(markdown, language);
            println!("{:#?}", summarize(&this));
            println!("{:?}", key_terms(&this, 12));
            let course_terms = key_terms(&lesson(other, language), 20);
            let all = [
                QuestionKind::Cloze,
                QuestionKind::SingleChoice,
                QuestionKind::TrueFalse,
                QuestionKind::ShortAnswer,
                QuestionKind::MultipleChoice,
            ];
            for q in draft_questions(&this, &course_terms, 10, &all) {
                println!("{}\n  {:?}\n  {}", q.prompt, q.body, q.explanation);
            }
        }
    }

    #[test]
    fn drafts_are_deterministic_and_never_more_than_the_text_allows() {
        let this = lesson(OWNERSHIP, CourseLanguage::En);
        let strip = |qs: Vec<Question>| {
            qs.into_iter()
                .map(|q| (q.prompt, q.body))
                .collect::<Vec<_>>()
        };
        let a = strip(draft_questions(&this, &[], 6, &[QuestionKind::Cloze]));
        let b = strip(draft_questions(&this, &[], 6, &[QuestionKind::Cloze]));
        assert_eq!(a, b);
        let tiny = lesson("Just one short line.", CourseLanguage::En);
        assert!(draft_questions(&tiny, &[], 5, &[QuestionKind::Cloze]).is_empty());
        assert_eq!(summarize(&lesson("", CourseLanguage::En)).summary, "");
    }
}
