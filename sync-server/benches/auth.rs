//! Sign-in flood benchmark: does a storm of password hashing starve the rest of the server?
//!
//! Starts the real app on 127.0.0.1:0 against a temporary SQLite database (and a fresh PostgreSQL
//! database when `EDU_BENCH_POSTGRES_URL` names a server that allows CREATE DATABASE), measures
//! `GET /api/courses` idle, then again while 32 loops sign in as fast as they can for ~10 s, and
//! prints sign-in latency and throughput, catalog p99 idle and under the flood, and their ratio
//! (target: at most 2x). Rate limits are off here: this measures CPU isolation, not the limiter.
//!
//! Run: `cargo bench -p sync-server --bench auth` (or `cargo xtask bench auth`). Knobs:
//! `EDU_BENCH_SECONDS` (flood length, default 10), `EDU_BENCH_HASH_PERMITS` (concurrent hashes,
//! default: the server's default).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sqlx::{Connection, Executor, PgConnection};
use sync_server::config::RateLimits;
use sync_server::identity::demo::DEMO_PASSWORD;
use sync_server::{App, Config};

/// The flood runs this long before the catalog is timed under it.
const FLOOD_RAMP_UP: Duration = Duration::from_millis(500);
const SIGN_IN_LOOPS: usize = 32;
const USER: &str = "student@demo.local";

fn main() {
    let seconds: u64 = std::env::var("EDU_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let permits: Option<usize> = std::env::var("EDU_BENCH_HASH_PERMITS")
        .ok()
        .and_then(|v| v.parse().ok());
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    run("SQLite", &sqlite, seconds, permits);

    if let Some(admin_url) = std::env::var("EDU_BENCH_POSTGRES_URL")
        .ok()
        .filter(|v| !v.is_empty())
    {
        let name = format!("edu_bench_{}", uuid::Uuid::new_v4().simple());
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let mut url = url::Url::parse(&admin_url).expect("EDU_BENCH_POSTGRES_URL is a URL");
        runtime.block_on(async {
            let mut admin = PgConnection::connect(&admin_url)
                .await
                .expect("reach PostgreSQL");
            admin
                .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
                .await
                .expect("CREATE DATABASE");
        });
        url.set_path(&format!("/{name}"));
        run("PostgreSQL", url.as_str(), seconds, permits);
        runtime.block_on(async {
            let mut admin = PgConnection::connect(&admin_url)
                .await
                .expect("reach PostgreSQL");
            let _ = admin
                .execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
                .await;
        });
    } else {
        println!("(PostgreSQL skipped: set EDU_BENCH_POSTGRES_URL to include it)");
    }
}

/// One full measurement against one database.
fn run(label: &str, database_url: &str, seconds: u64, permits: Option<usize>) {
    // The server gets its own runtime (threads) so the load generator does not share its workers.
    let server = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener = server
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let address = listener.local_addr().unwrap();
    let vars = HashMap::from([
        ("EDU_DATABASE_URL", database_url.to_owned()),
        ("EDU_BIND", address.to_string()),
        ("EDU_DEMO_DATA", "true".to_owned()),
        ("EDU_LOG", "error".to_owned()),
    ]);
    let mut config = Config::from_lookup(|name| vars.get(name).cloned()).unwrap();
    config.rate_limits = RateLimits::unlimited();
    if let Some(permits) = permits {
        config.password_hash_permits = permits;
    }
    let permits = config.password_hash_permits;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = server.block_on(App::build(&config)).expect("app starts");
    let serving = server.spawn(app.run(listener, async {
        let _ = stopped.await;
    }));

    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let base = format!("http://{address}");
    client_runtime.block_on(async {
        let client = reqwest::Client::new();
        // The demo student is the verified user; warm up both routes.
        for _ in 0..20 {
            get_catalog(&client, &base).await;
        }
        sign_in(&client, &base).await;

        // The idle baseline is measured exactly as the flooded figure is: one request after another
        // for as long as the flood is measured. A few hundred requests (a tenth of a second) would
        // miss the rare stalls a 10 s window always holds (timers, checkpoints), and the ratio would
        // compare a short calm sample with a long one.
        let window = Duration::from_secs(seconds).saturating_sub(FLOOD_RAMP_UP);
        let idle = catalog_latencies(&client, &base, Instant::now() + window).await;

        let flood_until = Instant::now() + Duration::from_secs(seconds);
        let mut loops = Vec::new();
        for _ in 0..SIGN_IN_LOOPS {
            let client = reqwest::Client::new();
            let base = base.clone();
            loops.push(tokio::spawn(async move {
                let mut took = Vec::new();
                while Instant::now() < flood_until {
                    let started = Instant::now();
                    sign_in(&client, &base).await;
                    took.push(started.elapsed());
                }
                took
            }));
        }
        // Let the flood build up before measuring the catalog under it.
        tokio::time::sleep(FLOOD_RAMP_UP).await;
        let flooded = catalog_latencies(&client, &base, flood_until).await;
        let mut sign_ins = Vec::new();
        for handle in loops {
            sign_ins.extend(handle.await.unwrap());
        }
        let flood_seconds = seconds as f64;

        let idle = Summary::of(idle);
        let flooded = Summary::of(flooded);
        let signs = Summary::of(sign_ins);
        println!("auth bench on {label} ({permits} concurrent hashes, {SIGN_IN_LOOPS} sign-in loops, {seconds} s)");
        println!(
            "  sign-in           median {:>8.1} ms   p99 {:>8.1} ms   {:>6.1} sign-ins/s ({} total)",
            ms(signs.p50),
            ms(signs.p99),
            signs.count as f64 / flood_seconds,
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
    });
    let _ = stop.send(());
    let _ = server.block_on(serving);
}

/// Times `GET /api/courses`, one request after another, until `until`.
async fn catalog_latencies(client: &reqwest::Client, base: &str, until: Instant) -> Vec<Duration> {
    let mut took = Vec::new();
    while Instant::now() < until {
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
