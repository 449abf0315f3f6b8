//! The learner's cards as files they keep: every card as JSON or CSV, and review logs as CSV
//! (`card_id,review_time,rating`, the form `cargo xtask srs fit` reads) or JSON. Pure: the
//! client hands the text to the browser's downloads. The README documents every format.

use serde::Serialize;

use crate::doc::cards::Card;
use crate::domain::CourseId;
use crate::srs::Phase;

/// What `cards_json` writes in `format`, with `FORMAT_VERSION` in `version`.
pub const JSON_FORMAT: &str = "eduplatform-cards";
/// The version of the JSON layout; a reader refuses one it does not know.
pub const FORMAT_VERSION: u32 = 1;

/// One card to export, with the course whose progress document holds it (`None`: the learner's
/// own or imported card, in the profile document).
#[derive(Debug, Clone, Copy)]
pub struct ExportedCard<'a> {
    pub course_id: Option<&'a CourseId>,
    pub card: &'a Card,
}

#[derive(Serialize)]
struct CardsFile<'a> {
    format: &'static str,
    version: u32,
    exported_at: String,
    cards: Vec<CardEntry<'a>>,
}

#[derive(Serialize)]
struct CardEntry<'a> {
    id: &'a str,
    front: &'a str,
    back: &'a str,
    tags: Vec<&'a str>,
    source: &'static str,
    course_id: Option<&'a str>,
    lesson_id: Option<String>,
    suspended: bool,
    created_at: String,
    state: &'static str,
    due: String,
    stability: Option<f32>,
    difficulty: Option<f32>,
    reps: u32,
    lapses: u32,
    reviews: Vec<ReviewEntry>,
}

#[derive(Serialize)]
struct ReviewEntry {
    review_time: String,
    rating: u8,
    duration_ms: u64,
}

#[derive(Serialize)]
struct ReviewLogFile<'a> {
    format: &'static str,
    version: u32,
    card_id: &'a str,
    front: &'a str,
    reviews: Vec<ReviewEntry>,
}

/// A phase as the export names it (py-fsrs's state names, lowercased).
pub fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Learning => "learning",
        Phase::Review => "review",
        Phase::Relearning => "relearning",
    }
}

fn reviews_of(card: &Card) -> Vec<ReviewEntry> {
    card.reviews
        .iter()
        .map(|r| ReviewEntry {
            review_time: millis_rfc3339(r.at_ms),
            rating: r.rating.number(),
            duration_ms: r.duration_ms,
        })
        .collect()
}

/// Every card, as the JSON document the README describes, written at `now_ms`.
pub fn cards_json(cards: &[ExportedCard<'_>], now_ms: i64) -> String {
    let file = CardsFile {
        format: JSON_FORMAT,
        version: FORMAT_VERSION,
        exported_at: millis_rfc3339(now_ms),
        cards: cards
            .iter()
            .map(|ExportedCard { course_id, card }| CardEntry {
                id: &card.id,
                front: &card.front,
                back: &card.back,
                tags: card.tags.split_whitespace().collect(),
                source: card.source.name(),
                course_id: course_id.map(CourseId::as_str),
                lesson_id: card.lesson_id.as_ref().map(ToString::to_string),
                suspended: card.suspended,
                created_at: millis_rfc3339(card.created_ms),
                state: phase_name(card.schedule.phase),
                due: millis_rfc3339(card.schedule.due_ms),
                stability: card.schedule.stability,
                difficulty: card.schedule.difficulty,
                reps: card.schedule.reps,
                lapses: card.schedule.lapses,
                reviews: reviews_of(card),
            })
            .collect(),
    };
    // Strings, numbers and lists only: serialising cannot fail.
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// The columns of `cards_csv`, in order. `front`, `back` and `tags` come first, so the file
/// imports back as cards (the importer reads a header row and ignores the other columns).
pub const CARDS_CSV_COLUMNS: [&str; 15] = [
    "front",
    "back",
    "tags",
    "card_id",
    "source",
    "course_id",
    "lesson_id",
    "suspended",
    "created_at",
    "state",
    "due",
    "stability",
    "difficulty",
    "reps",
    "lapses",
];

/// Every card, one CSV row each (RFC 4180, a header row, CRLF line ends).
pub fn cards_csv(cards: &[ExportedCard<'_>]) -> String {
    let mut out = csv_row(CARDS_CSV_COLUMNS.iter().map(|c| (*c).to_owned()));
    let number = |v: Option<f32>| v.map(|v| v.to_string()).unwrap_or_default();
    for ExportedCard { course_id, card } in cards {
        out.push_str(&csv_row([
            card.front.clone(),
            card.back.clone(),
            card.tags.clone(),
            card.id.clone(),
            card.source.name().to_owned(),
            course_id.map(|c| c.as_str().to_owned()).unwrap_or_default(),
            card.lesson_id
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            card.suspended.to_string(),
            millis_rfc3339(card.created_ms),
            phase_name(card.schedule.phase).to_owned(),
            millis_rfc3339(card.schedule.due_ms),
            number(card.schedule.stability),
            number(card.schedule.difficulty),
            card.schedule.reps.to_string(),
            card.schedule.lapses.to_string(),
        ]));
    }
    out
}

/// The reviews of `cards` as `card_id,review_time,rating` rows (a header row, CRLF line ends),
/// card by card, each card's in time order: the CSV `cargo xtask srs fit` reads.
pub fn review_log_csv<'a>(cards: impl IntoIterator<Item = &'a Card>) -> String {
    let mut out = csv_row(["card_id", "review_time", "rating"].map(str::to_owned));
    for card in cards {
        for review in &card.reviews {
            out.push_str(&csv_row([
                card.id.clone(),
                millis_rfc3339(review.at_ms),
                review.rating.number().to_string(),
            ]));
        }
    }
    out
}

/// One card's review log as JSON: `format`, `version`, `card_id`, `front` and `reviews`.
pub fn review_log_json(card: &Card) -> String {
    let file = ReviewLogFile {
        format: "eduplatform-review-log",
        version: FORMAT_VERSION,
        card_id: &card.id,
        front: &card.front,
        reviews: reviews_of(card),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// One CSV row: fields quoted when they hold a comma, a quote or a line break (quotes doubled),
/// ended by CRLF.
fn csv_row(fields: impl IntoIterator<Item = String>) -> String {
    let mut row = fields
        .into_iter()
        .map(|field| {
            if field.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    row.push_str("\r\n");
    row
}

/// Times in exports are RFC 3339 in UTC with milliseconds, the inverse of `doc::rfc3339_millis`.
pub use crate::doc::millis_rfc3339;

#[cfg(test)]
mod tests;
