//! Sync benchmark: the learner documents' sync protocol through the real server, on SQLite and
//! PostgreSQL, against issue 17's targets.
//!
//! Starts the real app on 127.0.0.1:0 (demo data, rate limits off), makes 64 verified learners
//! directly in the database, signs them in, and measures with `shared::doc::LearnerDoc` as the
//! device (the very code the client runs):
//! - incremental sync of one new event on a document that already holds 1,000: the whole
//!   exchange until the server answers 204 (round trip on loopback, so an upper bound of the
//!   server's time), and the bytes sent and received; median and p99 over 300 syncs;
//! - initial sync of a 10,000-event document to a new device (empty document, sync until done);
//! - 64 devices (64 more learners) each appending and syncing in a loop: incremental syncs per
//!   second (the load generator's own Automerge work shares the machine's cores with the server);
//! - a year of daily use in one document (18,000 events): the bytes the server stores for it.
//!
//! Load time of that document in wasm is measured in headless Chromium by the client's browser
//! test `a_year_of_daily_use_loads_quickly` (`cargo xtask bench sync` runs both).
//!
//! Run: `cargo xtask bench sync`, or `cargo bench -p sync-server --bench sync`. Knobs:
//! `EDU_BENCH_SECONDS` (the concurrent phase, default 10), `EDU_BENCH_POSTGRES_URL` (empty to skip
//! PostgreSQL).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use automerge::sync::State;
use chrono::Utc;
use shared::doc::{decode_message, Event, EventKind, LearnerDoc};
use shared::domain::{DocId, LessonId, UserId};
use sync_server::config::RateLimits;

const DEVICES: usize = 64;
const INCREMENTAL_SYNCS: usize = 300;
const INCREMENTAL_BASE_EVENTS: usize = 1_000;
const INITIAL_EVENTS: usize = 10_000;
const YEAR_EVENTS: usize = 18_000;

fn main() {
    let seconds: u64 = std::env::var("EDU_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    support::on_each_database(|label, url| run(label, url, seconds));
}

/// One learner's device: its document, its sync state with the server, and its session.
struct Device {
    doc: LearnerDoc,
    state: State,
    doc_id: DocId,
    token: String,
    device_id: String,
}

/// What one full exchange cost.
#[derive(Default, Clone, Copy)]
struct Exchange {
    took: Duration,
    sent: usize,
    received: usize,
    round_trips: usize,
}

impl Device {
    fn new(user: &UserId, token: String, n: usize) -> Self {
        Self {
            doc: LearnerDoc::new(),
            state: State::new(),
            doc_id: DocId::profile(user),
            token,
            device_id: format!("bench-device-{n}"),
        }
    }

    /// Appends `count` lesson events (alternately opened and completed) at consecutive minutes.
    fn record(&mut self, count: usize) {
        for i in 0..count {
            self.doc.append(&event(i)).unwrap();
        }
    }

    /// Syncs until the server answers 204 and this side has nothing to send.
    async fn sync(&mut self, client: &reqwest::Client, base: &str) -> Exchange {
        let started = Instant::now();
        let mut exchange = Exchange::default();
        for _ in 0..50 {
            let body = match self.doc.generate_sync_message(&mut self.state) {
                Some(message) => message.encode(),
                // Nothing new to say, but ask whether the server has something: an empty-need
                // message is what a device sends on an interval; once the server has answered 204
                // to our last message, we are done.
                None if exchange.round_trips > 0 => break,
                None => {
                    // A fresh state re-announces our heads; only happens on a first sync.
                    self.state = State::new();
                    self.doc
                        .generate_sync_message(&mut self.state)
                        .unwrap()
                        .encode()
                }
            };
            exchange.sent += body.len();
            exchange.round_trips += 1;
            let res = client
                .post(format!("{base}/api/sync/{}", self.doc_id))
                .bearer_auth(&self.token)
                .header("x-device-id", &self.device_id)
                .header("content-type", "application/octet-stream")
                .body(body)
                .send()
                .await
                .unwrap();
            match res.status().as_u16() {
                204 => {
                    if self.doc.generate_sync_message(&mut self.state).is_none() {
                        break;
                    }
                }
                200 => {
                    let bytes = res.bytes().await.unwrap();
                    exchange.received += bytes.len();
                    let message = decode_message(&bytes).unwrap();
                    self.doc
                        .receive_trusted_sync_message(&mut self.state, message)
                        .unwrap();
                }
                status => panic!("sync answered {status}: {}", res.text().await.unwrap()),
            }
        }
        exchange.took = started.elapsed();
        exchange
    }
}

fn event(i: usize) -> Event {
    let lesson_id = LessonId::parse(&format!("01933c5e-8000-7000-8000-{:012}", i % 500)).unwrap();
    let at = (Utc::now() - chrono::Duration::minutes((YEAR_EVENTS - i % YEAR_EVENTS) as i64))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let kind = if i % 2 == 0 {
        EventKind::LessonOpened { lesson_id }
    } else {
        EventKind::LessonCompleted { lesson_id }
    };
    Event::new(kind, at)
}

fn run(label: &str, database_url: &str, seconds: u64) {
    let server = support::Server::start(
        database_url,
        |config| config.limits.rate = RateLimits::unlimited(),
        |app| app,
    );
    let base = server.base();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("load")
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::new();
    // Three learners for the single-device figures, then one per concurrent device.
    let learners = runtime.block_on(support::learners(database_url, &base, DEVICES + 3));
    println!("sync bench on {label}");

    // Incremental: one new event on a document of 1,000.
    let (user, token) = learners[0].clone();
    let mut device = Device::new(&user, token, 0);
    device.record(INCREMENTAL_BASE_EVENTS);
    runtime.block_on(device.sync(&client, &base));
    let mut exchanges = Vec::new();
    for i in 0..INCREMENTAL_SYNCS {
        device.doc.append(&event(i)).unwrap();
        exchanges.push(runtime.block_on(device.sync(&client, &base)));
    }
    let times = summary(exchanges.iter().map(|e| e.took).collect());
    let mut bytes: Vec<usize> = exchanges.iter().map(|e| e.sent + e.received).collect();
    bytes.sort_unstable();
    let median_bytes = bytes[bytes.len() / 2];
    let round_trips = exchanges.iter().map(|e| e.round_trips).max().unwrap_or(0);
    println!(
        "  incremental sync of one new event (doc of {INCREMENTAL_BASE_EVENTS} events, {INCREMENTAL_SYNCS} syncs): \
         median {:.2} ms, p99 {:.2} ms (target <= 2 ms) {}; bytes both ways median {median_bytes} \
         (sent {} + received {}; target <= 500 B) {}; at most {round_trips} round trips",
        ms(times.0),
        ms(times.1),
        verdict(times.0 <= Duration::from_millis(2)),
        exchanges[exchanges.len() / 2].sent,
        exchanges[exchanges.len() / 2].received,
        verdict(median_bytes <= 500),
    );

    // Initial sync of a 10,000-event document to a new device.
    let (user, token) = learners[1].clone();
    let mut first = Device::new(&user, token.clone(), 1);
    first.record(INITIAL_EVENTS);
    runtime.block_on(first.sync(&client, &base));
    let mut initial = Vec::new();
    for n in 0..5 {
        let mut fresh = Device::new(&user, token.clone(), 100 + n);
        fresh.doc = LearnerDoc::empty();
        let exchange = runtime.block_on(fresh.sync(&client, &base));
        assert_eq!(fresh.doc.events().len(), INITIAL_EVENTS);
        initial.push(exchange);
    }
    let initial_times = summary(initial.iter().map(|e| e.took).collect());
    println!(
        "  initial sync of a {INITIAL_EVENTS}-event doc to a new device (5 devices): median {:.0} ms \
         (target <= 300 ms) {}; {} bytes received, {} round trips",
        ms(initial_times.0),
        verdict(initial_times.0 <= Duration::from_millis(300)),
        initial[0].received,
        initial[0].round_trips,
    );

    // 64 devices syncing concurrently, each its own learner's document.
    let mut devices: Vec<Device> = learners
        .iter()
        .enumerate()
        .skip(3)
        .map(|(n, (user, token))| Device::new(user, token.clone(), n))
        .collect();
    runtime.block_on(async {
        for device in &mut devices {
            device.record(10);
            device.sync(&client, &base).await;
        }
    });
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let handles: Vec<_> = devices
        .into_iter()
        .map(|mut device| {
            let (client, base, done, stop) =
                (client.clone(), base.clone(), done.clone(), stop.clone());
            runtime.spawn(async move {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    device.doc.append(&event(i)).unwrap();
                    device.sync(&client, &base).await;
                    done.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    runtime.block_on(async {
        for handle in handles {
            handle.await.unwrap();
        }
    });
    let rate = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    println!(
        "  {DEVICES} devices syncing concurrently: {rate:.0} incremental syncs/s (target >= 2,000) {}",
        verdict(rate >= 2_000.0)
    );

    // A year of daily use in one document.
    let (user, token) = learners[2].clone();
    let mut year = Device::new(&user, token, 9_999);
    year.record(YEAR_EVENTS);
    let saved = year.doc.save().len();
    runtime.block_on(year.sync(&client, &base));
    let stored = runtime.block_on(support::stored_bytes(database_url, year.doc_id.as_str()));
    println!(
        "  a year of daily use ({YEAR_EVENTS} events): {:.2} MB saved on the device, {:.2} MB stored \
         by the server (target <= 2 MB) {}",
        saved as f64 / 1e6,
        stored as f64 / 1e6,
        verdict(stored <= 2_000_000 && saved <= 2_000_000)
    );
    drop(runtime);
    server.stop();
}

fn summary(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "MISS"
    }
}
