//! How long the client takes to build the review queue of 10,000 cards and the next states (what
//! each rating button would give) of every one of them, in wasm, in headless Chromium. `cargo
//! xtask bench srs` runs it built as the shipped client is (`cargo test -p client --profile
//! wasm-release --target wasm32-unknown-unknown --test srs_queue`) and prints the figures against
//! issue 19's target (20 ms). Not part of `cargo xtask test`: a timing on a noisy 2-core machine is
//! a benchmark, never a test.

#![allow(clippy::unwrap_used)]

use shared::doc::cards::{cards, due_queue};
use shared::doc::{millis_rfc3339, CardSource, Event, EventKind, NewCard};
use shared::srs::{Rating, Scheduler};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const CARDS: usize = 10_000;
const RUNS: usize = 7;
const TARGET_MS: f64 = 20.0;
const DAY_MS: i64 = 86_400_000;
/// 2026-11-30T08:00:00Z.
const NOW_MS: i64 = 1_796_025_600_000;

fn now_ms() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

/// 10,000 cards made over the past year, each reviewed one to eight times when it came due, with
/// ratings in the proportions learners give (Again 15%, Hard 10%, Good 65%, Easy 10%).
fn year_of_cards(scheduler: &Scheduler) -> Vec<Event> {
    let mut events = Vec::new();
    let mut seed: u64 = 19;
    let mut random = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    for i in 0..CARDS {
        let card_id = format!("01933c5e-8000-7000-8000-{i:012}");
        let created_ms = NOW_MS - 365 * DAY_MS + (i as i64) * (300 * DAY_MS / CARDS as i64);
        events.push(Event::new(
            EventKind::CardCreated(NewCard {
                card_id: card_id.clone(),
                front: format!("Question {i}"),
                back: format!("Answer {i}"),
                source: CardSource::Own,
                lesson_id: None,
                tags: String::new(),
            }),
            millis_rfc3339(created_ms),
        ));
        let mut schedule = shared::srs::Schedule::new(created_ms);
        let mut at_ms = created_ms;
        for _ in 0..=random(8) {
            if at_ms > NOW_MS {
                break;
            }
            let rating = match random(100) {
                0..15 => Rating::Again,
                15..25 => Rating::Hard,
                25..90 => Rating::Good,
                _ => Rating::Easy,
            };
            events.push(Event::new(
                EventKind::CardReviewed {
                    card_id: card_id.clone(),
                    rating,
                    duration_ms: 4_000,
                },
                millis_rfc3339(at_ms),
            ));
            schedule = scheduler.review(&schedule, rating, at_ms).schedule;
            at_ms = schedule.due_ms + random(DAY_MS as u64) as i64;
        }
    }
    // As `LearnerDoc::events` gives them.
    events.sort_by(|a, b| (a.at_millis(), &a.id).cmp(&(b.at_millis(), &b.id)));
    events
}

#[wasm_bindgen_test]
fn the_due_queue_and_next_states_of_ten_thousand_cards_build_quickly() {
    let scheduler = Scheduler::default();
    let events = year_of_cards(&scheduler);
    let reviews = events.len() - CARDS;
    let (mut derive, mut queue) = (Vec::new(), Vec::new());
    let mut due = 0;
    for _ in 0..RUNS {
        let started = now_ms();
        let all = cards(&events, &scheduler, NOW_MS);
        let derived_at = now_ms();
        let due_cards = due_queue(&all, NOW_MS);
        let next_states: Vec<_> = all
            .iter()
            .map(|card| scheduler.preview(&card.schedule, NOW_MS))
            .collect();
        let queued_at = now_ms();
        assert_eq!(all.len(), CARDS);
        assert_eq!(next_states.len(), CARDS);
        due = due_cards.len();
        derive.push(derived_at - started);
        queue.push(queued_at - derived_at);
    }
    derive.sort_by(f64::total_cmp);
    queue.sort_by(f64::total_cmp);
    let median = |v: &[f64]| v[v.len() / 2];
    let verdict = if median(&queue) <= TARGET_MS {
        "PASS"
    } else {
        "MISS"
    };
    console_log!(
        "wasm  due queue ({due} due) and next states of {CARDS} cards: median {:.1} ms of {RUNS} \
         (min {:.1}, max {:.1}; target <= {TARGET_MS} ms) {verdict}",
        median(&queue),
        queue[0],
        queue[RUNS - 1],
    );
    console_log!(
        "wasm  deriving those {CARDS} cards from {} events ({reviews} reviews): median {:.1} ms \
         of {RUNS} (min {:.1}, max {:.1}; no target)",
        events.len(),
        median(&derive),
        derive[0],
        derive[RUNS - 1],
    );
}
