//! How long the client takes to open a year of daily use (18,000 events in one learner
//! document) in wasm, in headless Chromium. `cargo xtask bench sync` runs it built as the shipped
//! client is (`cargo test -p client --profile wasm-release --target wasm32-unknown-unknown
//! --test doc_load`) and prints the figures against issue 17's target (load <= 200 ms). Not part
//! of `cargo xtask test`: a timing on a noisy 2-core machine is a benchmark, never a test.

#![allow(clippy::unwrap_used)]

use shared::doc::{Event, EventKind, LearnerDoc};
use shared::domain::LessonId;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const EVENTS: usize = 18_000;
const RUNS: usize = 7;

fn now_ms() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

#[wasm_bindgen_test]
fn a_year_of_daily_use_loads_quickly() {
    let mut doc = LearnerDoc::new();
    for i in 0..EVENTS {
        let lesson_id =
            LessonId::parse(&format!("01933c5e-8000-7000-8000-{:012}", i % 500)).unwrap();
        let at = format!(
            "2026-{:02}-{:02}T{:02}:{:02}:00Z",
            1 + (i / 1_500) % 12,
            1 + (i / 50) % 28,
            (i / 60) % 24,
            i % 60
        );
        let kind = if i % 2 == 0 {
            EventKind::LessonOpened { lesson_id }
        } else {
            EventKind::LessonCompleted { lesson_id }
        };
        doc.append(&Event::new(kind, at)).unwrap();
    }
    let bytes = doc.save();
    let (mut load, mut read) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let started = now_ms();
        let loaded = LearnerDoc::load_trusted(&bytes).unwrap();
        let loaded_at = now_ms();
        let events = loaded.events();
        let read_at = now_ms();
        assert_eq!(events.len(), EVENTS);
        load.push(loaded_at - started);
        read.push(read_at - loaded_at);
    }
    load.sort_by(f64::total_cmp);
    read.sort_by(f64::total_cmp);
    let median = |v: &[f64]| v[v.len() / 2];
    let verdict = if median(&load) <= 200.0 {
        "PASS"
    } else {
        "MISS"
    };
    console_log!(
        "wasm doc load: a year of daily use ({EVENTS} events, {:.2} MB saved): load median {:.0} ms \
         (target <= 200 ms) {verdict}; reading every event median {:.0} ms; {RUNS} runs",
        bytes.len() as f64 / 1e6,
        median(&load),
        median(&read)
    );
}
