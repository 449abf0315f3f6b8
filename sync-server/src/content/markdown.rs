//! Markdown → safe HTML: `pulldown-cmark` renders (tables, strikethrough, task lists, footnotes),
//! `ammonia` keeps only an allow-list of tags and attributes.
//!
//! Links get `rel="noopener noreferrer nofollow"`; only `http`, `https` and `mailto` links and
//! relative paths survive, so a `javascript:` link or an `onerror=` attribute never reaches a page.
//! Fenced code blocks in a language `syntect` knows are highlighted here, on the server, as
//! `<span class="hl-…">` (the classes are styled by `client/styles/content.css`); every code block
//! keeps its `language-*` class.

use std::sync::OnceLock;

use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The prefix of every highlighting class: keeps them apart from the page's own classes, and is
/// the only class a `span` may carry through the sanitiser.
pub const HIGHLIGHT_CLASS_PREFIX: &str = "hl-";

/// Longer code blocks are shown without highlighting: it costs CPU on every save and preview.
const HIGHLIGHT_MAX_BYTES: usize = 64 * 1024;

/// The sanitiser, built once: its allow-lists never change at run time.
fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("noopener noreferrer nofollow"))
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("span", ["class"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tags(["input"])
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                ("code", "class") => is_language_class(value).then_some(value.into()),
                ("span", "class") => highlight_classes(value).map(Into::into),
                ("input", "type") => (value == "checkbox").then_some(value.into()),
                _ => Some(value.into()),
            });
        builder
    })
}

/// `language-rust`, `language-c++`: what pulldown-cmark writes for a fenced block's info string.
fn is_language_class(value: &str) -> bool {
    value.strip_prefix("language-").is_some_and(|lang| {
        !lang.is_empty()
            && lang.len() <= 32
            && lang
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-#_.".contains(c))
    })
}

/// Keeps the highlighting classes of a `span`'s class list (`hl-keyword hl-rust`), drops any
/// other; `None` when none is left.
fn highlight_classes(value: &str) -> Option<String> {
    let kept: Vec<&str> = value
        .split_ascii_whitespace()
        .filter(|class| {
            class
                .strip_prefix(HIGHLIGHT_CLASS_PREFIX)
                .is_some_and(|rest| {
                    !rest.is_empty()
                        && rest.len() <= 40
                        && rest
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-_+".contains(c))
                })
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}

/// The syntaxes `syntect` ships with, loaded once (tens of milliseconds) on first use.
fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// `code` highlighted as `language` (a fence's first word: `rust`, `py`, `js`), as HTML spans;
/// `None` for a language `syntect` does not know, or code too long to highlight.
fn highlight(language: &str, code: &str) -> Option<String> {
    if language.is_empty() || code.len() > HIGHLIGHT_MAX_BYTES {
        return None;
    }
    let syntaxes = syntaxes();
    let syntax = syntaxes.find_syntax_by_token(language)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        syntaxes,
        ClassStyle::SpacedPrefixed {
            prefix: HIGHLIGHT_CLASS_PREFIX,
        },
    );
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// Replaces each fenced code block in a language `syntect` knows by its highlighted HTML, inside
/// the same `<pre><code class="language-…">` pulldown-cmark writes; others pass unchanged.
fn highlight_code_blocks<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    // The open fenced block: its start event, language and code so far.
    let mut block: Option<(Event<'a>, String, String)> = None;
    for event in events {
        match (block.as_mut(), event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))) => {
                let language = info.split(' ').next().unwrap_or_default().to_owned();
                let start = Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)));
                block = Some((start, language, String::new()));
            }
            (Some((_, _, code)), Event::Text(text)) => code.push_str(&text),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                let Some((start, language, code)) = block.take() else {
                    continue;
                };
                match highlight(&language, &code) {
                    Some(spans) => {
                        // The language passed `is_language_class`, so it needs no escaping.
                        let class = format!("language-{language}");
                        let open = if is_language_class(&class) {
                            format!("<pre><code class=\"{class}\">")
                        } else {
                            "<pre><code>".to_owned()
                        };
                        out.push(Event::Html(CowStr::from(format!(
                            "{open}{spans}</code></pre>\n"
                        ))));
                    }
                    None => {
                        out.push(start);
                        if !code.is_empty() {
                            out.push(Event::Text(CowStr::from(code)));
                        }
                        out.push(Event::End(TagEnd::CodeBlock));
                    }
                }
            }
            (_, event) => out.push(event),
        }
    }
    out
}

/// Renders `markdown` to HTML that is safe to insert into a page as it is.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let events = highlight_code_blocks(Parser::new_ext(markdown, options));
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events.into_iter());
    cleaner().clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n\
             [click](javascript:alert(3)) <a href=\"javascript:alert(4)\">a</a>",
        );
        for bad in ["<script", "onerror", "javascript:", "alert(1)"] {
            assert!(!html.contains(bad), "{bad} survived in {html}");
        }
    }

    #[test]
    fn links_get_rel_and_code_keeps_its_language() {
        let html = render("[docs](https://doc.rust-lang.org)\n\n```rust\nfn main() {}\n```\n");
        assert!(
            html.contains(r#"rel="noopener noreferrer nofollow""#),
            "{html}"
        );
        assert!(html.contains(r#"<code class="language-rust">"#), "{html}");
        let html = render("```\" onmouseover=\"x\nx\n```");
        assert!(!html.contains("onmouseover"), "{html}");
    }

    #[test]
    fn known_languages_are_highlighted_with_prefixed_classes() {
        let html = render("```rust\nfn main() { let s = \"<b>\"; }\n```\n");
        assert!(
            html.contains(r#"<pre><code class="language-rust">"#),
            "{html}"
        );
        assert!(html.contains(r#"<span class="hl-"#), "{html}");
        assert!(html.contains("hl-rust"), "{html}");
        assert!(
            html.contains("&lt;b&gt;"),
            "code text stays escaped: {html}"
        );
        assert!(!html.contains("<b>"), "{html}");
        // Every class a span kept is a highlighting class.
        for class_list in html.split(r#"<span class=""#).skip(1) {
            let list = class_list.split('"').next().unwrap();
            assert!(
                list.split(' ').all(|c| c.starts_with("hl-")),
                "{list} in {html}"
            );
        }
    }

    #[test]
    fn unknown_languages_and_plain_blocks_stay_plain_text() {
        let html = render("```klingon\n<qapla'>\n```\n\n    indented <x>\n");
        assert!(
            html.contains(r#"<code class="language-klingon">"#),
            "{html}"
        );
        assert!(!html.contains("<span"), "{html}");
        assert!(
            html.contains("&lt;qapla'&gt;") || html.contains("&lt;qapla&#39;&gt;"),
            "{html}"
        );
        assert!(html.contains("indented &lt;x&gt;"), "{html}");
    }

    #[test]
    fn authors_cannot_smuggle_other_classes_or_attributes_on_spans() {
        let html = render(
            "<span class=\"hl-keyword evil\" style=\"color:red\" onclick=\"x()\">a</span> \
             <span class=\"admin-only\">b</span>",
        );
        assert!(
            html.contains(r#"<span class="hl-keyword">a</span>"#),
            "{html}"
        );
        assert!(html.contains("<span>b</span>"), "{html}");
        for bad in ["evil", "style", "onclick", "admin-only"] {
            assert!(!html.contains(bad), "{bad} survived in {html}");
        }
    }

    #[test]
    fn a_fence_that_closes_the_pre_early_cannot_inject_markup() {
        let html = render("```rust\n</code></pre><script>alert(1)</script>\n```\n");
        assert!(!html.contains("<script"), "{html}");
        // The highlighter may split the text into spans; the tags stay text either way.
        assert_eq!(html.matches("</code>").count(), 1, "{html}");
        assert_eq!(html.matches("</pre>").count(), 1, "{html}");
        assert!(html.contains("&lt;"), "{html}");
    }

    #[test]
    fn tables_and_images_render() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n![cat](/media/abc.png)");
        assert!(
            html.contains("<table>") && html.contains("<td>1</td>"),
            "{html}"
        );
        assert!(
            html.contains(r#"<img src="/media/abc.png" alt="cat">"#),
            "{html}"
        );
    }
}
