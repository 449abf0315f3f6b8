//! A reply's text with its `[n]` markers as links to the passages it cites, and the list of those
//! passages under it. The markers are found by a pure function (tested natively); a marker whose
//! number no citation has stays plain text.

use shared::api::tutor::Citation;
use yew::prelude::*;

use crate::contexts::locale::use_texts;

/// A piece of a reply's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    /// A marker `[n]` (one of `[1, 2]` gives one each).
    Cite(u32),
}

/// The numbers of a marker starting at `text[0] == '['` (`[1]`, `[1, 2]`), and its length in
/// bytes, when every number is one `known` accepts.
fn marker(text: &str, known: &impl Fn(u32) -> bool) -> Option<(Vec<u32>, usize)> {
    let end = text.find(']')?;
    let inside = &text[1..end];
    if inside.is_empty() || inside.len() > 24 {
        return None;
    }
    let numbers = inside
        .split(',')
        .map(|part| {
            let part = part.trim();
            let valid =
                !part.is_empty() && part.len() <= 3 && part.bytes().all(|b| b.is_ascii_digit());
            valid
                .then(|| part.parse::<u32>().ok())
                .flatten()
                .filter(|n| known(*n))
        })
        .collect::<Option<Vec<u32>>>()?;
    Some((numbers, end + 1))
}

/// Cuts `text` into plain text and citation markers whose numbers `known` accepts.
pub fn segments(text: &str, known: impl Fn(u32) -> bool) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut at = 0;
    while let Some(offset) = text[at..].find('[') {
        let open = at + offset;
        match marker(&text[open..], &known) {
            Some((numbers, len)) => {
                if plain_from < open {
                    out.push(Segment::Text(&text[plain_from..open]));
                }
                out.extend(numbers.into_iter().map(Segment::Cite));
                at = open + len;
                plain_from = at;
            }
            None => at = open + 1,
        }
    }
    if plain_from < text.len() {
        out.push(Segment::Text(&text[plain_from..]));
    }
    out
}

/// The citations `text` refers to, in the order it first does.
pub fn cited<'c>(text: &str, citations: &'c [Citation]) -> Vec<&'c Citation> {
    let mut seen: Vec<&Citation> = Vec::new();
    for segment in segments(text, |n| citations.iter().any(|c| c.n == n)) {
        if let Segment::Cite(n) = segment {
            if !seen.iter().any(|c| c.n == n) {
                seen.extend(citations.iter().find(|c| c.n == n));
            }
        }
    }
    seen
}

#[derive(Properties, PartialEq)]
pub struct ReplyTextProps {
    pub text: AttrValue,
    pub citations: Vec<Citation>,
    pub on_cite: Callback<Citation>,
}

/// A message's text, its markers as small links.
#[function_component(ReplyText)]
pub fn reply_text(props: &ReplyTextProps) -> Html {
    let texts = use_texts();
    let citations = &props.citations;
    let parts = segments(&props.text, |n| citations.iter().any(|c| c.n == n))
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(text) => html! { { text.to_owned() } },
            Segment::Cite(n) => {
                let Some(citation) = citations.iter().find(|c| c.n == n).cloned() else {
                    return html! {};
                };
                let label = texts
                    .tutor
                    .cite_label
                    .replace("{n}", &n.to_string())
                    .replace("{name}", &citation.lesson_title);
                let onclick = props.on_cite.reform(move |_: MouseEvent| citation.clone());
                html! {
                    <button type="button" class="tutor-cite" {onclick} aria-label={label.clone()}
                        title={label} data-testid="tutor-cite" data-n={n.to_string()}>
                        { format!("[{n}]") }
                    </button>
                }
            }
        });
    html! { <>{ for parts }</> }
}

#[derive(Properties, PartialEq)]
pub struct PassagesProps {
    /// The passages to list, in order.
    pub citations: Vec<Citation>,
    /// The heading: "Sources" for cited ones, "Related passages" when the reply cites none.
    pub title: &'static str,
    pub on_cite: Callback<Citation>,
}

/// The passages a reply rests on: each its number, its lesson's title and its words, a link to
/// the place in the lesson.
#[function_component(Passages)]
pub fn passages(props: &PassagesProps) -> Html {
    if props.citations.is_empty() {
        return html! {};
    }
    html! {
        <section class="tutor-passages" data-testid="tutor-citations">
            <h3 class="tutor-passages__title">{ props.title }</h3>
            <ol class="tutor-passages__list">
                { for props.citations.iter().map(|citation| {
                    let onclick = {
                        let citation = citation.clone();
                        props.on_cite.reform(move |_: MouseEvent| citation.clone())
                    };
                    html! {
                        <li key={citation.n} class="tutor-passages__item">
                            <button type="button" class="tutor-passage" {onclick}
                                data-testid="tutor-citation" data-lesson={citation.lesson_id.to_string()}
                                data-passage={citation.passage.to_string()}>
                                <span class="tutor-passage__n">{ format!("[{}]", citation.n) }</span>
                                <span class="tutor-passage__lesson">{ citation.lesson_title.clone() }</span>
                                <span class="tutor-passage__quote">{ citation.quote.clone() }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use shared::domain::LessonId;

    use super::*;

    fn known(n: u32) -> bool {
        (1..=3).contains(&n)
    }

    #[test]
    fn markers_become_citations_and_the_rest_stays_text() {
        assert_eq!(
            segments("Who owns it [1]? See [2][3].", known),
            vec![
                Segment::Text("Who owns it "),
                Segment::Cite(1),
                Segment::Text("? See "),
                Segment::Cite(2),
                Segment::Cite(3),
                Segment::Text("."),
            ]
        );
        assert_eq!(
            segments("[1, 2] say so", known),
            vec![Segment::Cite(1), Segment::Cite(2), Segment::Text(" say so")]
        );
    }

    #[test]
    fn unknown_or_malformed_markers_stay_text() {
        for text in [
            "a[9]", "v[0]", "x[i]", "[1", "[]", "[1,]", "arr[1 2]", "[ ] [-1]",
        ] {
            assert_eq!(segments(text, known), vec![Segment::Text(text)], "{text}");
        }
        assert_eq!(segments("", known), Vec::<Segment>::new());
        assert_eq!(
            segments("Владение [2] — это…", known),
            vec![
                Segment::Text("Владение "),
                Segment::Cite(2),
                Segment::Text(" — это…")
            ]
        );
        assert_eq!(
            segments("[[1]]", known),
            vec![Segment::Text("["), Segment::Cite(1), Segment::Text("]")]
        );
    }

    #[test]
    fn cited_lists_each_passage_once_in_reading_order() {
        let citation = |n: u32| Citation {
            n,
            lesson_id: LessonId::parse("0190c2d4-5a6b-7c8d-9e0f-aaaaaaaaaaaa").unwrap(),
            lesson_title: "Ownership".into(),
            passage: n,
            quote: format!("passage {n}"),
        };
        let all = vec![citation(1), citation(2), citation(3)];
        let order: Vec<u32> = cited("[3] and [1], again [3]; not [7]", &all)
            .iter()
            .map(|c| c.n)
            .collect();
        assert_eq!(order, vec![3, 1]);
        assert!(cited("no markers", &all).is_empty());
    }
}
