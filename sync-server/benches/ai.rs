//! AI service benchmark: how fast the paths that need no language model are.
//!
//! 1. The offline provider: a summary plus ten questions of a 2,000-word lesson (English, from
//!    the demo book "Rust from zero"; Russian, from "SQL за неделю"), target ≤ 20 ms a lesson.
//! 2. A cached answer: `Ai::complete` for a prompt whose answer is in the response cache (the
//!    lookup by task, model, prompt version and input hash), on SQLite and PostgreSQL, target p99
//!    ≤ 2 ms. The provider is configured but never called (its address refuses connections).
//!
//! Prints medians and p99 with PASS/MISS. Run: `cargo bench -p sync-server --bench ai` (or
//! `cargo xtask bench ai`); `EDU_BENCH_POSTGRES_URL` as for the other benchmarks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Only its databases: this benchmark calls the AI service in-process, not over HTTP.
#[allow(dead_code)]
mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use shared::api::courses::CourseLanguage;
use shared::quiz::QuestionKind;
use sync_server::ai::offline::{self, LessonText};
use sync_server::ai::prompt::LESSON_SUMMARY;
use sync_server::ai::provider::{Completion, Usage};
use sync_server::ai::{cache, Ai, Call};
use sync_server::config::Tier;
use sync_server::metrics::Metrics;
use sync_server::{Config, Db};

const OFFLINE_TARGET: Duration = Duration::from_millis(20);
const CACHED_P99_TARGET: Duration = Duration::from_millis(2);
const OFFLINE_RUNS: usize = 50;
const CACHED_CALLS: usize = 5_000;
const LESSON_WORDS: usize = 2_000;

/// The first `LESSON_WORDS` words of a demo book's chapters, paragraphs kept.
fn lesson_from_book(book: &str) -> String {
    let dir = format!("{}/demo/courses/{book}/src", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("demo book")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("SUMMARY.md"))
        .collect();
    files.sort();
    let mut text = String::new();
    let mut words = 0;
    'files: for file in files {
        for line in std::fs::read_to_string(file).expect("chapter").lines() {
            text.push_str(line);
            text.push('\n');
            words += line.split_whitespace().count();
            if words >= LESSON_WORDS {
                break 'files;
            }
        }
    }
    assert!(words >= LESSON_WORDS, "{book} has only {words} words");
    text
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn verdict(value: Duration, target: Duration) -> &'static str {
    if value <= target {
        "PASS"
    } else {
        "MISS"
    }
}

fn offline_provider() {
    let kinds = [
        QuestionKind::Cloze,
        QuestionKind::SingleChoice,
        QuestionKind::TrueFalse,
        QuestionKind::ShortAnswer,
    ];
    for (label, book, language) in [
        ("English", "rust-from-zero", CourseLanguage::En),
        ("Russian", "sql-za-nedelyu", CourseLanguage::Ru),
    ] {
        let markdown = lesson_from_book(book);
        let lesson = LessonText {
            title: "Benchmark lesson",
            markdown: &markdown,
            language,
        };
        // Distractors from the course's other lessons are gathered once per course, not per lesson.
        let course_terms = offline::key_terms(&lesson, 40);
        let mut times = Vec::with_capacity(OFFLINE_RUNS);
        let mut made = (0, 0);
        for _ in 0..OFFLINE_RUNS {
            let started = Instant::now();
            let summary = offline::summarize(&lesson);
            let questions = offline::draft_questions(&lesson, &course_terms, 10, &kinds);
            times.push(started.elapsed());
            made = (summary.key_points.len(), questions.len());
        }
        times.sort();
        let p50 = percentile(&times, 0.5);
        let p99 = percentile(&times, 0.99);
        // Nothing made is nothing measured (the offline provider's bodies are missing).
        let outcome = if made.1 == 0 {
            "NOT MEASURED (no questions were made)"
        } else {
            verdict(p50, OFFLINE_TARGET)
        };
        println!(
            "offline provider, {label} 2,000-word lesson, summary + 10 questions: median {p50:.2?}, \
             p99 {p99:.2?} ({} key points, {} questions made) — target ≤ {OFFLINE_TARGET:?}: \
             {outcome}",
            made.0, made.1,
        );
    }
}

fn cached_answers(label: &str, database_url: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let vars = HashMap::from([
        ("EDU_DATABASE_URL", database_url.to_owned()),
        // Never called: every answer below comes from the cache.
        ("EDU_AI_OPENAI_URL", "http://127.0.0.1:9/v1".to_owned()),
        ("EDU_AI_CHEAP", "openai:bench-model".to_owned()),
    ]);
    let config = Config::from_lookup(|name| vars.get(name).cloned()).expect("config");
    runtime.block_on(async {
        let db = Db::connect(&config.database.url).await.expect("database");
        let ai = Arc::new(Ai::new(db.clone(), &config.ai, Metrics::new().ai.clone()).unwrap());
        let lesson = lesson_from_book("rust-from-zero");
        let prompt = LESSON_SUMMARY.render(&[
            ("title", "Benchmark lesson"),
            ("lesson", &lesson),
            ("language", "English"),
        ]);
        let answer = Completion {
            text: "{\"summary\": \"s\", \"key_points\": [\"k\"]}".into(),
            usage: Usage {
                input_tokens: 3_000,
                output_tokens: 200,
            },
        };
        cache::store(&db, "bench-model", &prompt, &answer)
            .await
            .unwrap();
        let call = Call {
            tier: Tier::Cheap,
            prompt: &prompt,
            user: None,
            max_tokens: 600,
            cached: true,
        };
        for _ in 0..200 {
            ai.complete(call).await.unwrap();
        }
        let mut times = Vec::with_capacity(CACHED_CALLS);
        for _ in 0..CACHED_CALLS {
            let started = Instant::now();
            let got = ai.complete(call).await.unwrap();
            times.push(started.elapsed());
            assert!(got.from_cache);
        }
        times.sort();
        let p50 = percentile(&times, 0.5);
        let p99 = percentile(&times, 0.99);
        println!(
            "cached answer on {label} (prompt of a 2,000-word lesson, hashed each call): median \
             {p50:.2?}, p99 {p99:.2?} — target p99 ≤ {CACHED_P99_TARGET:?}: {}",
            verdict(p99, CACHED_P99_TARGET)
        );
        db.close().await;
    });
}

fn main() {
    offline_provider();
    support::on_each_database(cached_answers);
}
