//! The text side of search: words, their stems, the trigrams of stems, plain text from Markdown, and
//! snippets with the matches marked.
//!
//! Pure functions, no I/O: documents and queries go through the same tokenizer and stemmer here, so
//! both database engines only ever see finished stems (alphanumeric, lowercase, space-separated).

use std::collections::HashSet;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

use crate::notify::escape_html_into;

/// Words longer than this are not words a reader searches for (hashes, base64, URLs glued
/// together); they are left out of the index. Also keeps every token far below PostgreSQL's
/// 2 KiB lexeme limit.
pub const MAX_WORD_CHARS: usize = 40;

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
static RUSSIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Russian));

/// One word of a text: where it is (byte offsets into the text) and its normalised form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    /// Lowercase, `ё` as `е`.
    pub normal: String,
}

/// The words of `text`: maximal runs of letters and digits, lowercased, `ё` folded into `е` (Russian
/// text is written both ways). Everything else separates words, so `don't` is `don` and `t`, and
/// `snake_case` is two words.
pub fn words(text: &str) -> impl Iterator<Item = Word> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || loop {
        let (start, first) = chars.next()?;
        if !is_letter_or_digit(first) {
            continue;
        }
        let mut end = start + first.len_utf8();
        while let Some(&(at, c)) = chars.peek() {
            if !is_letter_or_digit(c) {
                break;
            }
            end = at + c.len_utf8();
            chars.next();
        }
        let mut normal = String::with_capacity(end - start);
        for c in text[start..end].chars() {
            match c {
                'A'..='Z' | 'a'..='z' | '0'..='9' => normal.push(c.to_ascii_lowercase()),
                'а'..='я' => normal.push(c),
                'Ё' | 'ё' => normal.push('е'),
                // The Russian capitals, a fixed distance from their small letters.
                'А'..='Я' => normal.extend(char::from_u32(u32::from(c) + 0x20)),
                c => normal.extend(c.to_lowercase().map(|c| if c == 'ё' { 'е' } else { c })),
            }
        }
        if normal.chars().count() > MAX_WORD_CHARS {
            continue;
        }
        return Some(Word { start, end, normal });
    })
}

/// The stem of a normalised word: Snowball Russian for a word with Cyrillic letters, Snowball
/// English otherwise. Chosen by the word's script rather than the course's language, because a
/// Russian lesson about Rust still says "borrowing".
pub fn stem(normal: &str) -> String {
    let stemmer = if normal.chars().any(is_cyrillic) {
        &*RUSSIAN
    } else {
        &*ENGLISH
    };
    stemmer.stem(normal).into_owned()
}

/// `char::is_alphanumeric`, answered at once for the Latin and Russian alphabets and digits (the
/// general case searches Unicode's tables, most of the time spent making snippets of Russian text).
fn is_letter_or_digit(c: char) -> bool {
    matches!(c, 'a'..='z' | 'A'..='Z' | '0'..='9' | 'А'..='я' | 'Ё' | 'ё')
        || (!c.is_ascii() && c.is_alphanumeric())
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

/// The stems of every word of `text`, in order, space-separated: what the index stores.
pub fn stems(text: &str) -> String {
    let mut out = String::with_capacity(text.len() / 2);
    for word in words(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&stem(&word.normal));
    }
    out
}

/// The distinct stems of a query, in the order they first appear.
pub fn query_stems(query: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    words(query)
        .map(|word| stem(&word.normal))
        .filter(|stem| seen.insert(stem.clone()))
        .collect()
}

/// The trigrams of a stem as the vocabulary indexes them: the stem padded with two spaces in front
/// and one behind (as `pg_trgm` does), so short stems and their first letters count too.
pub fn trigrams(stem: &str) -> Vec<String> {
    let padded: Vec<char> = format!("  {stem} ").chars().collect();
    let mut out: Vec<String> = padded
        .windows(3)
        .map(|window| window.iter().collect())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// How many typos a query stem of this length may hold and still find a stem of the index: none in
/// a short stem (too many short words are one letter apart), one from four letters, two from eight.
pub fn typos_allowed(stem: &str) -> usize {
    match stem.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Edit distance in characters (not bytes) between two stems.
pub fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// The readable text of a Markdown source: text and code, without markup, link targets or raw HTML
/// tags (those would be noise to search and show), blocks separated by line breaks.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, TagEnd};
    // The extensions `content::markdown::render` enables, so the text is the text readers see.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// About how many characters of text a snippet shows.
pub const SNIPPET_CHARS: usize = 200;

/// A short excerpt of `text` around its first word whose stem is in `matched`, HTML-escaped, with
/// every matching word wrapped in `<mark>`…`</mark>` (no other markup). Without a match it is the
/// start of the text. `…` marks text cut off at either end.
pub fn snippet(text: &str, matched: &HashSet<String>) -> String {
    // Stemming every word of a long lesson for every hit would be the slow part of a search; a
    // stem is (nearly always) a prefix of its word, so only words that start like a matched stem
    // are stemmed.
    let prefixes: Vec<String> = matched
        .iter()
        .map(|stem| stem.chars().take(3).collect())
        .collect();
    let is_match = |word: &Word| {
        prefixes.iter().any(|p| word.normal.starts_with(p.as_str()))
            && matched.contains(&stem(&word.normal))
    };
    let first = words(text).find(|word| is_match(word));
    // Start a little before the first match, at a word's start, so the match has some context.
    let from = match &first {
        None => 0,
        Some(word) => {
            let lead = floor_char_boundary(text, word.start.saturating_sub(SNIPPET_CHARS / 3));
            if lead == 0 {
                0
            } else {
                // The first whole word at or after `lead` (not the tail of one cut in two).
                let cut = text[..lead]
                    .chars()
                    .next_back()
                    .is_some_and(is_letter_or_digit);
                words(&text[lead..])
                    .nth(usize::from(cut))
                    .map_or(word.start, |w| lead + w.start)
                    .min(word.start)
            }
        }
    };
    let to = {
        let end = text[from..]
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(text.len(), |(at, _)| from + at);
        // End after a whole word rather than inside one.
        if end < text.len() {
            match text[from..end].rfind(|c: char| !is_letter_or_digit(c)) {
                Some(at) if at > 0 => from + at,
                _ => end,
            }
        } else {
            end
        }
    };

    let excerpt = &text[from..to];
    let mut out = String::with_capacity(excerpt.len() + 32);
    if from > 0 {
        out.push('…');
    }
    let mut at = 0;
    for word in words(excerpt).filter(|word| is_match(word)) {
        escape_html_into(&mut out, &excerpt[at..word.start]);
        out.push_str("<mark>");
        escape_html_into(&mut out, &excerpt[word.start..word.end]);
        out.push_str("</mark>");
        at = word.end;
    }
    escape_html_into(&mut out, excerpt[at..].trim_end());
    if to < text.len() {
        out.push('…');
    }
    // Line breaks between blocks read as spaces in a one-line excerpt.
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(stems: &[&str]) -> HashSet<String> {
        stems.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_fast_alphabets_split_and_lowercase_as_unicode_does() {
        // What `words` did before its Latin and Russian shortcuts: Unicode's own rules.
        fn by_unicode(text: &str) -> Vec<String> {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| {
                    w.chars()
                        .flat_map(char::to_lowercase)
                        .map(|c| if c == 'ё' { 'е' } else { c })
                        .collect()
                })
                .collect()
        }
        let text =
            "Ёлка ЁЖ ёж АЯ аяЯА Zz09 İstanbul ΣΟΦΊΑ x²y ½ Ǆemal ӁӂҐґ Їжак, don't snake_case \
                    «Владение» — ПАМЯТЬ!";
        let ours: Vec<String> = words(text).map(|w| w.normal).collect();
        assert_eq!(ours, by_unicode(text));
        assert!(ours.contains(&"елка".to_owned()) && ours.contains(&"аяяа".to_owned()));
    }

    #[test]
    fn words_are_lowercase_runs_of_letters_and_digits_with_yo_folded() {
        let found: Vec<String> = words("Ёжик's SNAKE_case, v2.0 — ёлка!")
            .map(|w| w.normal)
            .collect();
        assert_eq!(found, ["ежик", "s", "snake", "case", "v2", "0", "елка"]);
        let word = words("  Ownership").next().unwrap();
        assert_eq!((word.start, word.end), (2, 11));
    }

    #[test]
    fn overlong_words_are_left_out() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(stems(&format!("rust {long} code")), "rust code");
    }

    #[test]
    fn grammatical_forms_share_a_stem_in_english_and_russian() {
        assert_eq!(stem("borrowing"), stem("borrowed"));
        assert_eq!(stem("borrowing"), "borrow");
        assert_eq!(stem("владение"), stem("владения"));
        assert_eq!(stem("владение"), stem("владением"));
        // Script, not course language, picks the stemmer.
        assert_eq!(stems("Заимствование borrowing"), "заимствован borrow");
    }

    #[test]
    fn typos_stay_within_the_allowed_distance_of_the_right_stem() {
        let typo = stem("владенние");
        let right = stem("владения");
        assert!(
            distance(&typo, &right) <= typos_allowed(&typo),
            "{typo} vs {right}"
        );
        let typo = stem("borowing");
        assert!(distance(&typo, "borrow") <= typos_allowed(&typo), "{typo}");
        assert_eq!(typos_allowed("cat"), 0);
    }

    #[test]
    fn trigrams_are_padded_and_distinct() {
        assert_eq!(trigrams("aa"), ["  a", " aa", "aa "]);
        assert_eq!(trigrams("ёж").len(), 3);
    }

    #[test]
    fn plain_text_keeps_text_and_code_and_drops_markup() {
        let text = plain_text(
            "# Title\n\nSome **bold** [link](http://x.example) and `code`.\n\n<div>raw</div>\n\n```rust\nlet x = 1;\n```",
        );
        assert_eq!(text, "Title\nSome bold link and code.\nlet x = 1;");
        assert!(!text.contains("http"));
    }

    #[test]
    fn snippet_marks_every_form_of_the_matched_stems_and_escapes_the_rest() {
        let text = "Borrowing <b>rules</b>: a value is borrowed & returned.";
        assert_eq!(
            snippet(text, &set(&["borrow"])),
            "<mark>Borrowing</mark> &lt;b&gt;rules&lt;/b&gt;: a value is <mark>borrowed</mark> &amp; returned."
        );
    }

    #[test]
    fn snippet_shows_the_text_around_a_late_match() {
        let filler = "lorem ipsum dolor sit amet ".repeat(40);
        let text = format!("{filler}the владения clause {filler}");
        let snip = snippet(&text, &set(&[&stem("владение")]));
        assert!(snip.starts_with('…') && snip.ends_with('…'), "{snip}");
        assert!(snip.contains("<mark>владения</mark> clause"), "{snip}");
        assert!(snip.chars().count() < SNIPPET_CHARS + 40, "{snip}");
    }

    #[test]
    fn snippet_without_a_match_is_the_start_of_the_text() {
        assert_eq!(
            snippet("<script>x</script>", &set(&["zzz"])),
            "&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(snippet("", &set(&["a"])), "");
    }
}
