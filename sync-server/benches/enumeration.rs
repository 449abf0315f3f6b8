//! Enumeration by timing: do forgot-password and resend-verification answer a known address as fast
//! as an unknown one?
//!
//! Starts the real app on 127.0.0.1:0 against a temporary SQLite database and a fresh PostgreSQL
//! database, with the mail worker off (so only the request's own work is timed), and sends pairs
//! of requests, one for an address with an account and one without, alternating which goes first.
//! It prints, per route and backend, the median and p90 of each kind, the ratio of the medians
//! (1.00 means no difference) and in how many pairs the known address was the slower one (half of
//! them when the two cannot be told apart). Rate limits are off here.
//!
//! Run: `cargo bench -p sync-server --bench enumeration` (or `cargo xtask bench enumeration`).
//! `EDU_BENCH_PAIRS` (default 300), `EDU_BENCH_POSTGRES_URL` as for the auth bench.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use sync_server::config::RateLimits;
use sync_server::jobs::WorkerOptions;

/// A verified demo account (forgot-password) and an account registered unverified here (resend).
const KNOWN_VERIFIED: &str = "student@demo.local";
const KNOWN_UNVERIFIED: &str = "waiting@example.org";

fn main() {
    let pairs: usize = std::env::var("EDU_BENCH_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    support::on_each_database(|label, url| run(label, url, pairs));
}

fn run(label: &str, database_url: &str, pairs: usize) {
    let server = support::Server::start(
        database_url,
        |config| config.limits.rate = RateLimits::unlimited(),
        |app| {
            app.with_worker_options(WorkerOptions {
                enabled: false,
                ..WorkerOptions::default()
            })
        },
    );
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = server.base();
    client_runtime.block_on(async {
        let client = reqwest::Client::new();
        let res = client
            .post(format!("{base}/api/auth/register"))
            .json(&serde_json::json!({
                "email": KNOWN_UNVERIFIED, "password": "a long enough passphrase",
                "display_name": "Waiting", "locale": "en", "time_zone": "UTC"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 202);
        for (route, known) in [
            ("forgot-password", KNOWN_VERIFIED),
            ("resend-verification", KNOWN_UNVERIFIED),
        ] {
            let url = format!("{base}/api/auth/{route}");
            let post = |email: String| {
                let client = client.clone();
                let url = url.clone();
                async move {
                    let started = Instant::now();
                    let res = client
                        .post(&url)
                        .json(&serde_json::json!({ "email": email }))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), 202);
                    started.elapsed()
                }
            };
            // Warm up connections, statements and caches.
            for i in 0..20 {
                post(known.to_owned()).await;
                post(format!("warm{i}@example.net")).await;
            }
            let (mut known_times, mut unknown_times, mut known_slower) = (vec![], vec![], 0);
            for i in 0..pairs {
                let stranger = format!("nobody{i}@example.net");
                let (k, u) = if i % 2 == 0 {
                    let k = post(known.to_owned()).await;
                    (k, post(stranger).await)
                } else {
                    let u = post(stranger).await;
                    (post(known.to_owned()).await, u)
                };
                known_slower += usize::from(k > u);
                known_times.push(k);
                unknown_times.push(u);
            }
            let (km, kp) = percentiles(&mut known_times);
            let (um, up) = percentiles(&mut unknown_times);
            println!(
                "{label:<10} {route:<19} known median {:.3} ms p90 {:.3} ms | unknown median \
                 {:.3} ms p90 {:.3} ms | ratio {:.2} | known slower in {known_slower} of {pairs} \
                 pairs",
                ms(km),
                ms(kp),
                ms(um),
                ms(up),
                km.as_secs_f64() / um.as_secs_f64(),
            );
        }
    });
    server.stop();
}

/// Median and p90.
fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() * 9 / 10])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
