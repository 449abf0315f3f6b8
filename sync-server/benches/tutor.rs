//! The tutor benchmark (`cargo xtask bench tutor`):
//!
//! 1. Retrieval over a 200-lesson course: the demo courses' chapters (about fifty, each taken
//!    four times under other titles) indexed as one course, then the three best passages for each
//!    of a set of questions in English and Russian; target p99 <= 10 ms. The one-off cost of
//!    indexing the course (done again only when one of its lessons changes) is printed too.
//! 2. The time to the first streamed token, excluding the provider: the real server on SQLite and
//!    PostgreSQL, its mid tier an OpenAI-compatible loopback server that answers at once, an
//!    enrolled learner asking over HTTP; from sending the request to reading the first `delta`
//!    event. Target <= 30 ms (median; p99 printed).
//!
//! Prints medians and p99 with PASS/MISS. Run: `cargo bench -p sync-server --bench tutor`;
//! `EDU_BENCH_POSTGRES_URL` as for the other benchmarks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Not every helper: this benchmark starts its server with variables of its own.
#[allow(dead_code)]
mod support;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use shared::domain::LessonId;
use sync_server::tutor::retrieval::CourseIndex;

const RETRIEVAL_P99_TARGET: Duration = Duration::from_millis(10);
const FIRST_TOKEN_TARGET: Duration = Duration::from_millis(30);
const LESSONS: usize = 200;
const RETRIEVALS: usize = 2_000;
const ASKS: usize = 200;
const WARM_UP: usize = 20;

const QUESTIONS: &[&str] = &[
    "Who keeps the value when I borrow it?",
    "Why does every read see the latest write with w + r > n?",
    "What does a follower do when it hears no heartbeat?",
    "Why does a gap between reviews help memory?",
    "What is the dot product used for?",
    "Что такое индекс и на что он похож?",
    "Как быстро хеш-таблица находит значение по ключу?",
    "How do I handle an error with Result and the question mark?",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "MISS"
    }
}

/// Every chapter of every demo book: (title, Markdown).
fn demo_chapters() -> Vec<(String, String)> {
    let root = format!("{}/demo/courses", env!("CARGO_MANIFEST_DIR"));
    let mut books: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    books.sort();
    let mut chapters = Vec::new();
    for book in books {
        let mut files: Vec<_> = std::fs::read_dir(book.join("src"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("SUMMARY.md"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let title = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches('#')
                .trim()
                .to_owned();
            chapters.push((title, text));
        }
    }
    chapters
}

fn retrieval() {
    let chapters = demo_chapters();
    let lessons: Vec<(LessonId, String, String)> = (0..LESSONS)
        .map(|i| {
            let (title, body) = &chapters[i % chapters.len()];
            (
                LessonId::new(),
                format!("{title} ({})", i / chapters.len() + 1),
                body.clone(),
            )
        })
        .collect();
    let mut builds = Vec::new();
    let mut index = CourseIndex::default();
    for _ in 0..5 {
        let started = Instant::now();
        index = CourseIndex::build(lessons.clone());
        builds.push(started.elapsed());
    }
    builds.sort();
    let mut times = Vec::with_capacity(RETRIEVALS);
    let mut found = 0usize;
    for i in 0..RETRIEVALS {
        let question = QUESTIONS[i % QUESTIONS.len()];
        let started = Instant::now();
        let hits = index.retrieve(question, Some(i % LESSONS), 3);
        times.push(started.elapsed());
        found += usize::from(!hits.is_empty());
    }
    assert_eq!(found, RETRIEVALS, "every question finds passages");
    times.sort();
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    println!(
        "retrieval, {LESSONS}-lesson course ({} passages, {} chapters x {}): p50 {:.3} ms, \
         p99 {:.3} ms (target p99 <= {} ms) {}",
        index.passages.len(),
        chapters.len(),
        LESSONS.div_ceil(chapters.len()),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        RETRIEVAL_P99_TARGET.as_millis(),
        verdict(p99 <= RETRIEVAL_P99_TARGET)
    );
    println!(
        "  indexing the course once (until a lesson changes): median {:.1} ms",
        percentile(&builds, 0.5).as_secs_f64() * 1e3
    );
}

/// An OpenAI-compatible server on 127.0.0.1:0 that answers every request at once with a streamed
/// reply; runs on its own thread until the process ends.
fn instant_provider() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut received = Vec::new();
                let mut buf = [0u8; 16 * 1024];
                loop {
                    let Ok(n) = stream.read(&mut buf) else { return };
                    if n == 0 {
                        return;
                    }
                    received.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&received);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length: usize = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse().ok())?
                            })
                            .unwrap_or(0);
                        if received.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let mut body = String::new();
                let words = "Think about what passage [1] says happens to a value when the scope \
                             of its owner ends. What do you expect? ";
                for word in words.split_inclusive(' ') {
                    let chunk = serde_json::json!({"id": "c", "object": "chat.completion.chunk",
                        "choices": [{"index": 0, "delta": {"content": word}, "finish_reason": null}]});
                    body.push_str(&format!("data: {chunk}\n\n"));
                }
                let usage = serde_json::json!({"id": "c", "object": "chat.completion.chunk",
                    "choices": [], "usage": {"prompt_tokens": 900, "completion_tokens": 30,
                    "total_tokens": 930}});
                body.push_str(&format!("data: {usage}\n\ndata: [DONE]\n\n"));
                // One write: a provider's answer is not held back by Nagle's algorithm here.
                let _ = stream.set_nodelay(true);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
            });
        }
    });
    url
}

fn first_token(label: &str, database_url: &str, provider: &str) {
    let vars = [
        ("EDU_AI_OPENAI_URL", provider.to_owned()),
        ("EDU_AI_OPENAI_KEY", "sk-bench".to_owned()),
        ("EDU_AI_MID", "openai:bench-model".to_owned()),
        ("EDU_AI_USER_DAILY_REQUESTS", "1000000".to_owned()),
        ("EDU_AI_GLOBAL_DAILY_REQUESTS", "1000000".to_owned()),
        ("EDU_AI_USER_DAILY_TOKENS", "1000000000".to_owned()),
        ("EDU_AI_GLOBAL_DAILY_TOKENS", "1000000000".to_owned()),
    ];
    let server = support::Server::start_with_vars(database_url, &vars, |_| {}, |app| app);
    let base = server.base();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (median, p99) = runtime.block_on(async {
        let client = reqwest::Client::new();
        let (_, token) = support::learners(database_url, &base, 1).await.remove(0);
        let res = client
            .post(format!("{base}/api/courses/rust-from-zero/enrollment"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "enroll: {}", res.status());
        let course: serde_json::Value = client
            .get(format!("{base}/api/courses/rust-from-zero"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let lesson = course["modules"][0]["lessons"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut times = Vec::with_capacity(ASKS);
        for i in 0..WARM_UP + ASKS {
            let started = Instant::now();
            let mut res = client
                .post(format!("{base}/api/lessons/{lesson}/tutor/messages"))
                .bearer_auth(&token)
                .json(&serde_json::json!({"text": QUESTIONS[i % QUESTIONS.len()]}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            let mut seen = String::new();
            while !seen.contains("\"type\":\"delta\"") {
                let chunk = res.chunk().await.unwrap().expect("a delta before the end");
                seen.push_str(&String::from_utf8_lossy(&chunk));
            }
            let took = started.elapsed();
            // Read to the end, as a learner's browser does.
            while res.chunk().await.unwrap().is_some() {}
            if i >= WARM_UP {
                times.push(took);
            }
        }
        times.sort();
        (percentile(&times, 0.5), percentile(&times, 0.99))
    });
    println!(
        "{label}: time to the first streamed token (loopback provider answering at once), \
         {ASKS} asks: median {:.1} ms, p99 {:.1} ms (target <= {} ms) {}",
        median.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        FIRST_TOKEN_TARGET.as_millis(),
        verdict(median <= FIRST_TOKEN_TARGET)
    );
    server.stop();
}

fn main() {
    retrieval();
    let provider = instant_provider();
    support::on_each_database(|label, url| first_token(label, url, &provider));
}
