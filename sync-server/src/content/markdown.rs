//! Markdown → safe HTML: `pulldown-cmark` renders (tables, strikethrough, task lists, footnotes),
//! `ammonia` keeps only an allow-list of tags and attributes.
//!
//! Links get `rel="noopener noreferrer nofollow"`; only `http`, `https` and `mailto` links and
//! relative paths survive, so a `javascript:` link or an `onerror=` attribute never reaches a page.
//! Code blocks keep their `language-*` class for highlighting.

use std::sync::OnceLock;

use pulldown_cmark::{html, Options, Parser};

/// The sanitiser, built once: its allow-lists never change at run time.
fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("noopener noreferrer nofollow"))
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tags(["input"])
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                ("code", "class") => is_language_class(value).then_some(value.into()),
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

/// Renders `markdown` to HTML that is safe to insert into a page as it is.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
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
