//! Finding a cited passage in the lesson body and showing it: scrolled into view and highlighted
//! for a moment. A passage is found by its words (the start of its quote, whitespace and case
//! aside; then a few words further on, in case the quote joins a heading to its paragraph) in the
//! body's blocks; failing that, by its number, the blocks counted in document order from 0. Reads
//! and marks the rendered DOM only; the lesson HTML itself is never rewritten.

use wasm_bindgen::JsCast;
use web_sys::{Element, ScrollBehavior, ScrollIntoViewOptions, ScrollLogicalPosition};

/// The elements that count as a lesson's blocks, in document order.
const BLOCKS: &str = "p, li, pre, blockquote, h1, h2, h3, h4, h5, h6, tr, dt, dd, figcaption";

/// How many characters of a quote are looked for first.
const PROBE_CHARS: usize = 40;

/// Then runs of this many words, starting at each of the quote's first `WINDOW_STARTS` words.
const WINDOW_WORDS: usize = 6;
const WINDOW_STARTS: usize = 12;

/// How long a shown passage stays highlighted.
const HIGHLIGHT_MS: u32 = 2_400;

/// Text with runs of whitespace made one space, trimmed and lowercased, so a quote and the text
/// of the HTML compare equal whatever their line breaks.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// What to look for in the blocks: the start of the quote's first line, normalised, cut to about
/// `PROBE_CHARS` characters at a word's end (a quote may run on into the next block, and may end
/// in "…"). Empty when the quote has no words.
pub fn probe(quote: &str) -> String {
    let first_line = quote
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    let text = normalise(first_line.trim_end_matches('…'));
    if text.chars().count() <= PROBE_CHARS {
        return text;
    }
    let cut: String = text.chars().take(PROBE_CHARS).collect();
    match cut.rfind(' ') {
        Some(space) if space >= PROBE_CHARS / 2 => cut[..space].to_owned(),
        _ => cut,
    }
}

/// What to look for, best first: `probe`, then runs of `WINDOW_WORDS` words of the quote from its
/// second word on (a quote may start with a heading, or mid-sentence, that no block holds as
/// such). A short first line of a longer quote (a heading's one word) comes last: it may well be
/// found in an earlier, unrelated block.
pub fn probes(quote: &str) -> Vec<String> {
    let first = probe(quote);
    let whole = normalise(&quote.replace('…', " "));
    let vague = first.chars().count() < 16 && first != whole;
    let mut probes = Vec::new();
    if !vague {
        probes.push(first.clone());
    }
    let words: Vec<&str> = whole.split(' ').collect();
    if words.len() > WINDOW_WORDS {
        let last_start = (words.len() - WINDOW_WORDS).min(WINDOW_STARTS);
        probes.extend((1..=last_start).map(|at| words[at..at + WINDOW_WORDS].join(" ")));
    }
    if vague {
        probes.push(first);
    }
    probes.retain(|p| !p.is_empty());
    probes.dedup();
    probes
}

/// The block of `body` that holds passage `passage` whose words are `quote`.
fn find(body: &Element, passage: u32, quote: &str) -> Option<Element> {
    let blocks = body.query_selector_all(BLOCKS).ok()?;
    let elements: Vec<(Element, String)> = (0..blocks.length())
        .filter_map(|i| blocks.item(i)?.dyn_into::<Element>().ok())
        .map(|element| {
            let text = normalise(&element.text_content().unwrap_or_default());
            (element, text)
        })
        .collect();
    probes(quote)
        .iter()
        .find_map(|probe| {
            elements
                .iter()
                .find(|(_, text)| text.contains(probe.as_str()))
        })
        .or_else(|| elements.get(usize::try_from(passage).ok()?))
        .map(|(element, _)| element.clone())
}

/// Scrolls the lesson body's passage into view and highlights it for a moment. Whether it was
/// found (when not, nothing moves).
pub fn show(passage: u32, quote: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Ok(Some(body)) = document.query_selector("[data-testid=\"lesson-body\"]") else {
        return false;
    };
    let Some(block) = find(&body, passage, quote) else {
        return false;
    };
    let options = ScrollIntoViewOptions::new();
    options.set_behavior(ScrollBehavior::Smooth);
    options.set_block(ScrollLogicalPosition::Center);
    block.scroll_into_view_with_scroll_into_view_options(&options);
    let classes = block.class_list();
    // Again from the start if it is still lit from an earlier click.
    let _ = classes.remove_1("is-cited");
    let _ = block.client_width();
    let _ = classes.add_1("is-cited");
    gloo_timers::callback::Timeout::new(HIGHLIGHT_MS, move || {
        let _ = classes.remove_1("is-cited");
    })
    .forget();
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_and_case_do_not_matter() {
        assert_eq!(
            normalise("  Every  value\n in Rust "),
            "every value in rust"
        );
    }

    #[test]
    fn the_probe_is_the_start_of_the_first_line_cut_at_a_word() {
        assert_eq!(probe("Short quote."), "short quote.");
        assert_eq!(
            probe("Every value in Rust has a single owner. When the owner goes out of scope…"),
            "every value in rust has a single owner."
        );
        assert_eq!(probe("\n\nFirst block\nSecond block"), "first block");
        assert_eq!(probe("   "), "");
        let russian = probe("Каждое значение в Rust имеет единственного владельца, и когда он…");
        assert!(russian.chars().count() <= PROBE_CHARS, "{russian}");
        assert!(russian.starts_with("каждое значение"));
    }

    #[test]
    fn later_windows_find_a_quote_that_starts_with_its_heading() {
        let found = probes("Ownership\nEvery value in Rust has a single owner, always.");
        assert_eq!(found[0], "every value in rust has a", "{found:?}");
        assert_eq!(found.last().map(String::as_str), Some("ownership"));
        assert_eq!(probes("Short one."), vec!["short one."]);
        assert!(probes("").is_empty());
        assert!(probes(&"word ".repeat(100)).len() <= 1 + WINDOW_STARTS);
        assert_eq!(
            probes("Every value in Rust has a single owner.")[0],
            "every value in rust has a single owner."
        );
    }
}
