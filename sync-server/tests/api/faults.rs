//! Faults an operator meets, staged for real: the database going away for a moment (a TCP proxy
//! of the test's own between the app and PostgreSQL is cut, since the PostgreSQL server is shared
//! by every test and must not be restarted), and SIGTERM to the real binary under keep-alive load.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::both_backends;
use crate::helpers::{
    eventually, Backend, FreshDatabase, Options, RawResponse, ServerProcess, TestApp, DEMO_PASSWORD,
};

const STUDENT: &str = "student@demo.local";

async fn app_behind_a_proxy() -> TestApp {
    TestApp::spawn_with(
        Backend::Postgres,
        Options {
            database_proxy: true,
            ..Options::default()
        },
    )
    .await
}

/// Status counts of one kind of request; `0` stands for "no answer" (a transport error).
#[derive(Debug, Default)]
struct Tally(BTreeMap<u16, usize>);

impl Tally {
    fn add(&mut self, res: Result<reqwest::Response, reqwest::Error>) {
        let status = match res {
            Ok(res) => {
                if res.status() == 503 {
                    assert!(
                        res.headers().contains_key("retry-after"),
                        "a 503 says when to retry"
                    );
                }
                res.status().as_u16()
            }
            Err(_) => 0,
        };
        *self.0.entry(status).or_default() += 1;
    }

    fn total(&self) -> usize {
        self.0.values().sum()
    }
}

#[tokio::test]
async fn a_postgres_outage_under_load_fails_no_read_and_no_write_with_a_500() {
    let app = Arc::new(app_behind_a_proxy().await);
    let token = Arc::new(app.token_for(STUDENT, DEMO_PASSWORD).await);
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for n in 0..16 {
        let (app, token, stop) = (app.clone(), token.clone(), stop.clone());
        load.push(tokio::spawn(async move {
            let (mut reads, mut writes) = (Tally::default(), Tally::default());
            while !stop.load(Ordering::Relaxed) {
                if n % 4 == 0 {
                    let name = format!("Learner {n}");
                    writes.add(
                        app.bearer(Method::PATCH, "/api/me", &token)
                            .json(&serde_json::json!({ "display_name": name }))
                            .send()
                            .await,
                    );
                } else {
                    let path = ["/api/me", "/api/me/courses", "/api/notifications"][n % 3];
                    reads.add(app.bearer(Method::GET, path, &token).send().await);
                }
            }
            (reads, writes)
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // What a PostgreSQL restart does: every connection cut, connects refused for 0.3 s.
    app.db_proxy
        .as_ref()
        .unwrap()
        .cut_for(Duration::from_millis(300))
        .await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut reads, mut writes) = (Tally::default(), Tally::default());
    for task in load {
        let (r, w) = task.await.unwrap();
        for (status, n) in r.0 {
            *reads.0.entry(status).or_default() += n;
        }
        for (status, n) in w.0 {
            *writes.0.entry(status).or_default() += n;
        }
    }
    eprintln!("reads {:?}, writes {:?}", reads.0, writes.0);
    assert!(reads.total() > 50 && writes.total() > 10, "load ran");
    assert_eq!(
        reads.0.keys().collect::<Vec<_>>(),
        [&200],
        "every read answered 200"
    );
    assert!(
        writes.0.keys().all(|status| [200, 503].contains(status)),
        "a write is done or refused with 503 and Retry-After, never a 500 or no answer: {:?}",
        writes.0
    );
}

#[tokio::test]
async fn readyz_answers_503_within_a_second_of_the_database_going_away_and_200_once_back() {
    let app = app_behind_a_proxy().await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    let proxy = app.db_proxy.as_ref().unwrap();
    proxy.cut();
    let asked = Instant::now();
    let code = app.get_error_code("/readyz", 503).await;
    assert_eq!(code, "unavailable");
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "{:?}",
        asked.elapsed()
    );
    proxy.restore().await;
    eventually("ready again", || async {
        app.get("/readyz").await.status() == 200
    })
    .await;
}

#[tokio::test]
async fn during_a_long_outage_reads_and_writes_answer_503_with_retry_after_never_500() {
    let app = app_behind_a_proxy().await;
    let token = app.token_for(STUDENT, DEMO_PASSWORD).await;
    app.db_proxy.as_ref().unwrap().cut();
    let read = app
        .bearer(Method::GET, "/api/me", &token)
        .send()
        .await
        .unwrap();
    let write = app
        .bearer(Method::PATCH, "/api/me", &token)
        .json(&serde_json::json!({"display_name": "Offline"}))
        .send()
        .await
        .unwrap();
    for res in [read, write] {
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()["retry-after"], "1");
        let body: shared::api::ErrorBody = res.json().await.unwrap();
        assert_eq!(body.error.code.as_str(), "unavailable");
    }
    app.db_proxy.as_ref().unwrap().restore().await;
    assert_eq!(app.me(&token).await.status(), 200);
}

/// What one keep-alive client saw while the server shut down.
#[derive(Debug, Default)]
struct Seen {
    answered: usize,
    /// A request written whose connection closed before a whole answer came: lost.
    unanswered: usize,
    /// Answers that said `Connection: close`.
    told_to_close: usize,
}

/// Sends `GET path` on `stream` and reads the answer; `None` when the connection ended first.
async fn exchange(stream: &mut TcpStream, path: &str) -> Option<RawResponse> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: edu.test\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut received = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        if let Some(res) = RawResponse::parse(&received) {
            return Some(res);
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => received.extend_from_slice(&buf[..n]),
        }
    }
}

/// Requests `path` over and over on one keep-alive connection, reconnecting when told to close,
/// until a connect is refused (the server stopped listening) or `limit` passes.
async fn hammer(address: SocketAddr, path: &'static str, limit: Duration) -> Seen {
    let deadline = Instant::now() + limit;
    let mut seen = Seen::default();
    let mut open: Option<TcpStream> = None;
    while Instant::now() < deadline {
        let mut stream = match open.take() {
            Some(stream) => stream,
            None => match TcpStream::connect(address).await {
                Ok(stream) => stream,
                Err(_) => break,
            },
        };
        match exchange(&mut stream, path).await {
            Some(res) => {
                seen.answered += 1;
                assert!(res.status < 500, "{path}: {}", res.status);
                if res.headers.get("connection").map(String::as_str) == Some("close") {
                    seen.told_to_close += 1;
                } else {
                    open = Some(stream);
                }
            }
            None => seen.unanswered += 1,
        }
    }
    seen
}

fn server_address(server: &ServerProcess) -> SocketAddr {
    server
        .url
        .trim_start_matches("http://")
        .parse()
        .expect("an address")
}

both_backends!(
    async fn sigterm_under_keep_alive_load_leaves_no_request_unanswered(backend) {
        let database = FreshDatabase::create(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let mut server = ServerProcess::start_with(
            &database.url,
            dir.path(),
            &[("EDU_SHUTDOWN_GRACE_SECS", "5")],
        );
        let address = server_address(&server);
        let clients: Vec<_> = (0..64)
            .map(|n| {
                let path = ["/api/courses", "/readyz", "/healthz"][n % 3];
                tokio::spawn(hammer(address, path, Duration::from_secs(20)))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(700)).await;
        server.terminate();
        let mut total = Seen::default();
        for client in clients {
            let seen = client.await.unwrap();
            total.answered += seen.answered;
            total.unanswered += seen.unanswered;
            total.told_to_close += seen.told_to_close;
        }
        eprintln!("{total:?}");
        assert_eq!(total.unanswered, 0, "{total:?}");
        assert!(total.answered > 64, "{total:?}");
        assert!(total.told_to_close > 0, "open connections were told to close: {total:?}");
        assert_eq!(
            tokio::task::spawn_blocking(move || server.wait_for_exit(Duration::from_secs(8)))
                .await
                .unwrap(),
            Some(0),
            "exits 0 within the grace period"
        );
    }
);

#[tokio::test]
async fn a_keep_alive_connection_idle_at_sigterm_is_answered_with_connection_close() {
    let database = FreshDatabase::create(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start_with(
        &database.url,
        dir.path(),
        &[("EDU_SHUTDOWN_GRACE_SECS", "5")],
    );
    let address = server_address(&server);
    let mut idle = TcpStream::connect(address).await.unwrap();
    let first = exchange(&mut idle, "/healthz").await.expect("answered");
    assert_eq!(first.headers.get("connection"), None, "kept alive");
    server.terminate();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The listener is closed: a newcomer is refused, knowing nothing was sent.
    assert!(
        TcpStream::connect(address).await.is_err(),
        "new connections refused"
    );
    // The open connection still gets its answer, and is told to close.
    let second = exchange(&mut idle, "/api/courses").await.expect("answered");
    assert_eq!(second.status, 200);
    assert_eq!(second.headers["connection"], "close");
    let mut rest = Vec::new();
    assert_eq!(idle.read_to_end(&mut rest).await.unwrap(), 0, "then closed");
    assert_eq!(
        tokio::task::spawn_blocking(move || server.wait_for_exit(Duration::from_secs(8)))
            .await
            .unwrap(),
        Some(0)
    );
}
