use proptest::prelude::*;

use super::*;
use crate::doc::cards::{cards, Card};
use crate::doc::{rfc3339_millis, CardSource, Event, EventKind, NewCard};
use crate::srs::import;
use crate::srs::{Rating, Scheduler};

const C1: &str = "01933c5e-8000-7000-8000-0000000000c1";
const C2: &str = "01933c5e-8000-7000-8000-0000000000c2";
const COURSE: &str = "01933c5e-8000-7000-8000-0000000000aa";

fn created(card_id: &str, front: &str, back: &str, tags: &str, at: &str) -> Event {
    Event::new(
        EventKind::CardCreated(NewCard {
            card_id: card_id.to_owned(),
            front: front.to_owned(),
            back: back.to_owned(),
            source: CardSource::Own,
            lesson_id: None,
            tags: tags.to_owned(),
        }),
        at,
    )
}

fn reviewed(card_id: &str, rating: Rating, at: &str) -> Event {
    Event::new(
        EventKind::CardReviewed {
            card_id: card_id.to_owned(),
            rating,
            duration_ms: 4_200,
        },
        at,
    )
}

/// Two cards, the first reviewed twice, as the document derives them.
fn sample() -> Vec<Card> {
    let mut events = vec![
        created(
            C1,
            "Hello, \"world\"",
            "Привет,\nмир",
            "greet ru",
            "2026-03-01T08:00:00Z",
        ),
        created(C2, "plain", "text", "", "2026-03-01T08:01:00Z"),
        reviewed(C1, Rating::Good, "2026-03-01T08:05:00Z"),
        reviewed(C1, Rating::Again, "2026-03-02T09:00:00Z"),
    ];
    events.sort_by_key(|e| e.at_millis());
    let now = rfc3339_millis("2026-03-03T00:00:00Z").unwrap();
    let mut list = cards(&events, &Scheduler::default(), now);
    list.sort_by(|a, b| a.id.cmp(&b.id));
    list
}

fn exported(cards: &[Card]) -> Vec<ExportedCard<'_>> {
    cards
        .iter()
        .map(|card| ExportedCard {
            course_id: None,
            card,
        })
        .collect()
}

#[test]
fn times_are_written_as_rfc3339_and_read_back() {
    let table = [
        (0, "1970-01-01T00:00:00.000Z"),
        (1_796_026_500_123, "2026-11-30T08:15:00.123Z"),
        (1_709_164_800_000, "2024-02-29T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (253_402_300_799_000, "9999-12-31T23:59:59.000Z"),
    ];
    for (ms, text) in table {
        assert_eq!(millis_rfc3339(ms), text);
        assert_eq!(rfc3339_millis(text), Some(ms), "{text}");
    }
}

#[test]
fn cards_csv_imports_back_as_the_same_cards() {
    let cards = sample();
    let csv = cards_csv(&exported(&cards));
    assert!(csv.starts_with("front,back,tags,card_id,source,"), "{csv}");
    let report = import::import(csv.as_bytes()).unwrap();
    assert!(report.layout.header_row);
    assert_eq!(report.problem_count, 0, "{:?}", report.problems);
    let read: Vec<(String, String, String)> = report
        .cards
        .iter()
        .map(|c| (c.front.clone(), c.back.clone(), c.tags_text()))
        .collect();
    let written: Vec<(String, String, String)> = cards
        .iter()
        .map(|c| (c.front.clone(), c.back.clone(), c.tags.clone()))
        .collect();
    assert_eq!(read, written);
}

#[test]
fn cards_json_holds_each_card_with_its_schedule_and_reviews() {
    let cards = sample();
    let course = CourseId::parse(COURSE).unwrap();
    let mut list = exported(&cards);
    list[1].course_id = Some(&course);
    let now = rfc3339_millis("2026-03-03T00:00:00Z").unwrap();
    let json: serde_json::Value = serde_json::from_str(&cards_json(&list, now)).unwrap();
    assert_eq!(json["format"], JSON_FORMAT);
    assert_eq!(json["version"], FORMAT_VERSION);
    assert_eq!(json["exported_at"], "2026-03-03T00:00:00.000Z");
    let first = &json["cards"][0];
    assert_eq!(first["id"], C1);
    assert_eq!(first["front"], "Hello, \"world\"");
    assert_eq!(first["tags"], serde_json::json!(["greet", "ru"]));
    assert_eq!(first["source"], "own");
    assert_eq!(first["course_id"], serde_json::Value::Null);
    assert_eq!(first["created_at"], "2026-03-01T08:00:00.000Z");
    assert_eq!(first["state"], phase_name(cards[0].schedule.phase));
    assert_eq!(first["reps"], 2);
    let ratings: Vec<u64> = first["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rating"].as_u64().unwrap())
        .collect();
    assert_eq!(ratings, vec![3, 1]);
    assert_eq!(
        first["reviews"][1]["review_time"],
        "2026-03-02T09:00:00.000Z"
    );
    assert_eq!(first["reviews"][0]["duration_ms"], 4_200);
    assert_eq!(json["cards"][1]["course_id"], COURSE);
    assert_eq!(json["cards"][1]["reviews"], serde_json::json!([]));
}

#[test]
fn the_review_log_csv_is_what_the_fit_reads() {
    let cards = sample();
    let csv = review_log_csv(&cards);
    assert_eq!(
        csv,
        format!(
            "card_id,review_time,rating\r\n{C1},2026-03-01T08:05:00.000Z,3\r\n\
             {C1},2026-03-02T09:00:00.000Z,1\r\n"
        )
    );
    let json: serde_json::Value = serde_json::from_str(&review_log_json(&cards[0])).unwrap();
    assert_eq!(json["card_id"], C1);
    assert_eq!(json["reviews"].as_array().map(Vec::len), Some(2));
}

proptest! {
    #[test]
    fn any_time_round_trips(ms in -62_135_596_800_000_i64..253_402_300_799_999) {
        prop_assert_eq!(rfc3339_millis(&millis_rfc3339(ms)), Some(ms));
    }
}
