//! Sign-in flood benchmark: does a storm of password hashing starve the rest of the server?
//!
//! Starts the real app on 127.0.0.1:0 against a temporary SQLite database and a fresh PostgreSQL
//! database, and on each sends `GET /api/courses` at a steady pace (one every 2 ms, like many
//! users browsing) for ~10 s idle, then again while 32 loops sign in as fast as they can, three
//! times over. It prints each round's catalog p99s, then over all rounds: sign-in latency and
//! throughput, catalog median and p99 idle and under the flood, and the p99 ratio (target: at most
//! 2x). Rate limits are off here: this measures CPU isolation, not the limiter.
//!
//! The catalog is paced rather than sent back to back: a closed loop would itself be a flood that
//! takes a whole core, and on a small machine it would measure how two floods share the cores, not
//! whether the sign-ins starve a request. Latency is timed from each send.
//!
//! Run: `cargo bench -p sync-server --bench auth` (or `cargo xtask bench auth`). Knobs:
//! `EDU_BENCH_SECONDS` (each phase's length, default 10), `EDU_BENCH_HASH_PERMITS` (concurrent
//! hashes, default: the server's default), `EDU_BENCH_POSTGRES_URL` (a server that allows CREATE
//! DATABASE; default `postgres://postgres@127.0.0.1:5432/postgres`, empty to skip PostgreSQL).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use sync_server::config::RateLimits;
use sync_server::identity::demo::DEMO_PASSWORD;

/// The flood runs this long before the catalog is timed under it.
const FLOOD_RAMP_UP: Duration = Duration::from_millis(500);
const SIGN_IN_LOOPS: usize = 32;
/// The catalog probe sends one request this often (500 a second).
const PROBE_INTERVAL: Duration = Duration::from_millis(2);
/// Idle and flood phases alternate this many times; percentiles are taken over all of them.
const ROUNDS: u8 = 3;
const USER: &str = "student@demo.local";

fn main() {
    let seconds: u64 = std::env::var("EDU_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let permits: Option<usize> = std::env::var("EDU_BENCH_HASH_PERMITS")
        .ok()
        .and_then(|v| v.parse().ok());
    support::on_each_database(|label, url| run(label, url, seconds, permits));
}

/// One full measurement against one database.
fn run(label: &str, database_url: &str, seconds: u64, permits: Option<usize>) {
    let server = support::Server::start(
        database_url,
        |config| {
            config.limits.rate = RateLimits::unlimited();
            if let Some(permits) = permits {
                config.limits.password_hash_permits = permits;
            }
        },
        |app| app,
    );
    let permits = server.config.limits.password_hash_permits;

    // The sign-in loops get a runtime of their own, and the catalog probe a thread of its own
    // (see `Probe`), so neither queues behind the other inside the load generator.
    let flood_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let base = server.base();
    let probe = Probe::start(base.clone());
    flood_runtime.block_on(sign_in(&reqwest::Client::new(), &base));

    println!(
        "auth bench on {label} ({permits} concurrent hashes, {SIGN_IN_LOOPS} sign-in loops, \
         {ROUNDS} rounds of {seconds} s idle + {seconds} s flood)"
    );
    let (mut idle, mut flooded, mut sign_ins) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=ROUNDS {
        // The idle baseline is measured exactly as the flooded figure is: the same pace for as
        // long as the flood is measured, and in turns with it, so a drift of the machine (another
        // process, a checkpoint) lands on both.
        let window = Duration::from_secs(seconds).saturating_sub(FLOOD_RAMP_UP);
        let calm = probe.measure(Instant::now() + window);

        let flood_until = Instant::now() + Duration::from_secs(seconds);
        let loops: Vec<_> = (0..SIGN_IN_LOOPS)
            .map(|_| {
                let client = reqwest::Client::new();
                let base = base.clone();
                flood_runtime.spawn(async move {
                    let mut took = Vec::new();
                    while Instant::now() < flood_until {
                        let started = Instant::now();
                        sign_in(&client, &base).await;
                        took.push(started.elapsed());
                    }
                    took
                })
            })
            .collect();
        // Let the flood build up before measuring the catalog under it.
        std::thread::sleep(FLOOD_RAMP_UP);
        let stormy = probe.measure(flood_until);
        let signed: Vec<Duration> = flood_runtime.block_on(async {
            let mut all = Vec::new();
            for handle in loops {
                all.extend(handle.await.unwrap());
            }
            all
        });
        let (calm_p99, stormy_p99) = (
            Summary::of(calm.clone()).p99,
            Summary::of(stormy.clone()).p99,
        );
        println!(
            "  round {round}: catalog p99 idle {:.2} ms, in flood {:.2} ms ({:.2}x); {} sign-ins",
            ms(calm_p99),
            ms(stormy_p99),
            stormy_p99.as_secs_f64() / calm_p99.as_secs_f64(),
            signed.len()
        );
        idle.extend(calm);
        flooded.extend(stormy);
        sign_ins.extend(signed);
    }
    drop(probe);

    let idle = Summary::of(idle);
    let flooded = Summary::of(flooded);
    let signs = Summary::of(sign_ins);
    println!("  all rounds together:");
    println!(
        "  sign-in           median {:>8.1} ms   p99 {:>8.1} ms   {:>6.1} sign-ins/s ({} total)",
        ms(signs.p50),
        ms(signs.p99),
        signs.count as f64 / (seconds * u64::from(ROUNDS)) as f64,
        signs.count
    );
    println!(
        "  catalog idle      median {:>8.2} ms   p99 {:>8.2} ms   ({} requests)",
        ms(idle.p50),
        ms(idle.p99),
        idle.count
    );
    println!(
        "  catalog in flood  median {:>8.2} ms   p99 {:>8.2} ms   ({} requests)",
        ms(flooded.p50),
        ms(flooded.p99),
        flooded.count
    );
    let ratio = flooded.p99.as_secs_f64() / idle.p99.as_secs_f64();
    println!(
        "  catalog p99 under flood / idle = {ratio:.2}x (target <= 2x: {})",
        if ratio <= 2.0 { "met" } else { "NOT met" }
    );
    server.stop();
}

/// The catalog probe: a thread with a single-threaded runtime and an HTTP client of its own, like a
/// separate user's browser, which times `GET /api/courses` on request.
struct Probe {
    requests: std::sync::mpsc::Sender<(Instant, std::sync::mpsc::Sender<Vec<Duration>>)>,
}

impl Probe {
    /// Starts the thread and warms the route up.
    fn start(base: String) -> Self {
        let (requests, incoming) =
            std::sync::mpsc::channel::<(Instant, std::sync::mpsc::Sender<Vec<Duration>>)>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let client = reqwest::Client::new();
            runtime.block_on(async {
                for _ in 0..20 {
                    get_catalog(&client, &base).await;
                }
            });
            for (until, answer) in incoming {
                let took = runtime.block_on(catalog_latencies(&client, &base, until));
                let _ = answer.send(took);
            }
        });
        Self { requests }
    }

    /// The latencies of the catalog requests sent from now until `until`.
    fn measure(&self, until: Instant) -> Vec<Duration> {
        let (answer, took) = std::sync::mpsc::channel();
        self.requests
            .send((until, answer))
            .expect("the probe thread runs");
        took.recv().expect("the probe thread answers")
    }
}

/// Times `GET /api/courses`, one request every [`PROBE_INTERVAL`] (or as soon as the previous one
/// answers, if it took longer), until `until`.
async fn catalog_latencies(client: &reqwest::Client, base: &str, until: Instant) -> Vec<Duration> {
    let mut took = Vec::new();
    let mut pace = tokio::time::interval(PROBE_INTERVAL);
    pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while Instant::now() < until {
        pace.tick().await;
        let started = Instant::now();
        get_catalog(client, base).await;
        took.push(started.elapsed());
    }
    took
}

async fn get_catalog(client: &reqwest::Client, base: &str) {
    let res = client
        .get(format!("{base}/api/courses"))
        .send()
        .await
        .expect("GET /api/courses");
    assert_eq!(res.status(), 200);
    res.bytes().await.unwrap();
}

async fn sign_in(client: &reqwest::Client, base: &str) {
    let res = client
        .post(format!("{base}/api/auth/sign-in"))
        .json(&serde_json::json!({"email": USER, "password": DEMO_PASSWORD}))
        .send()
        .await
        .expect("POST /api/auth/sign-in");
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
}

struct Summary {
    count: usize,
    p50: Duration,
    p99: Duration,
}

impl Summary {
    fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let at = |q: f64| {
            let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
            samples.get(i).copied().unwrap_or_default()
        };
        Self {
            count: samples.len(),
            p50: at(0.50),
            p99: at(0.99),
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
