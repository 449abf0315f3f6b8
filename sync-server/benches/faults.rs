//! `cargo xtask bench faults`: requests lost across one PostgreSQL restart and one SIGTERM, each
//! under 64 keep-alive connections of load, on SQLite and on PostgreSQL, and the time until the
//! server is ready again. Targets: 0 unanswered, 0 5xx for reads.
//!
//! The server is the real `sync-server` binary in a process of its own. The PostgreSQL restart is
//! real too: a private cluster (initdb in a temporary folder, its own port) is restarted with
//! `pg_ctl restart -m fast`, so the shared database other work uses is never touched. That needs
//! root (to run PostgreSQL's tools as the `postgres` user); without it the restart is skipped and
//! said so.
//!
//! "Unanswered" is a request sent on an open connection that got no response; a refused
//! connection (the listener closed at SIGTERM) is counted apart: the client knows nothing was
//! sent and tries another replica.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 64;
const READ_PATH: &str = "/api/courses?limit=5";

/// What the load saw.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    ok: u64,
    client_errors: u64,
    server_errors: u64,
    unanswered: u64,
    refused: u64,
}

impl Seen {
    fn add(&mut self, other: Seen) {
        self.ok += other.ok;
        self.client_errors += other.client_errors;
        self.server_errors += other.server_errors;
        self.unanswered += other.unanswered;
        self.refused += other.refused;
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The `sync-server` binary serving `database_url` on a port of its own.
struct ServerProcess {
    child: Child,
    address: SocketAddr,
}

impl ServerProcess {
    fn start(database_url: &str, media: &Path) -> Self {
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_sync-server"));
        for (key, _) in std::env::vars() {
            if key.starts_with("EDU_") {
                command.env_remove(key);
            }
        }
        let child = command
            .env("EDU_DATABASE_URL", database_url)
            .env("EDU_BIND", format!("127.0.0.1:{port}"))
            .env("EDU_DEMO_DATA", "true")
            .env("EDU_LOG", "error")
            .env("EDU_MEDIA_DIR", media)
            .env("EDU_SHUTDOWN_GRACE_SECS", "5")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sync-server");
        Self {
            child,
            address: SocketAddr::from(([127, 0, 0, 1], port)),
        }
    }

    fn terminate(&self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
    }

    /// Waits up to `limit` for the process to exit; its exit code.
    fn wait(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        None
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Time until `GET /readyz` answers 200 (polled every 20 ms, at most `limit`).
async fn until_ready(address: SocketAddr, limit: Duration) -> Option<Duration> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Ok(res) = client.get(format!("http://{address}/readyz")).send().await {
            if res.status() == 200 {
                return Some(started.elapsed());
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

/// One keep-alive connection's worth of reads until `deadline`, or until the server refuses.
async fn hammer(address: SocketAddr, deadline: Instant) -> Seen {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let mut seen = Seen::default();
    while Instant::now() < deadline {
        match client
            .get(format!("http://{address}{READ_PATH}"))
            .send()
            .await
        {
            Ok(res) => {
                let status = res.status();
                // The body must arrive whole for the request to count as answered.
                match res.bytes().await {
                    Ok(_) if status.is_server_error() => seen.server_errors += 1,
                    Ok(_) if status.is_client_error() => seen.client_errors += 1,
                    Ok(_) => seen.ok += 1,
                    Err(_) => seen.unanswered += 1,
                }
            }
            Err(e) if e.is_connect() => {
                seen.refused += 1;
                break;
            }
            Err(_) => seen.unanswered += 1,
        }
    }
    seen
}

/// Runs the load for `length`, calling `fault` once `after` has passed; what the load saw.
async fn under_load<F: std::future::Future<Output = ()>>(
    address: SocketAddr,
    length: Duration,
    after: Duration,
    fault: F,
) -> Seen {
    let deadline = Instant::now() + length;
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|_| tokio::spawn(hammer(address, deadline)))
        .collect();
    tokio::time::sleep(after).await;
    fault.await;
    let mut total = Seen::default();
    for client in clients {
        total.add(client.await.expect("load task"));
    }
    total
}

fn report(backend: &str, fault: &str, seen: Seen, extra: &str) {
    let verdict = if seen.unanswered == 0 && seen.server_errors == 0 {
        "meets target"
    } else {
        "MISSES target"
    };
    println!(
        "{backend:<10} {fault:<18} {:>7} answered 2xx, {:>3} 4xx, {:>3} 5xx (reads), {:>3} unanswered, \
         {:>3} refused  {extra}  [{verdict}]",
        seen.ok, seen.client_errors, seen.server_errors, seen.unanswered, seen.refused
    );
}

/// SIGTERM under load, then the time a new process takes to be ready on the same database.
async fn sigterm(backend: &str, database_url: &str, media: &Path) {
    let mut server = ServerProcess::start(database_url, media);
    if until_ready(server.address, Duration::from_secs(60))
        .await
        .is_none()
    {
        println!("{backend:<10} SIGTERM            the server did not become ready; skipped");
        return;
    }
    let address = server.address;
    let sent = Instant::now();
    let seen = under_load(
        address,
        Duration::from_secs(8),
        Duration::from_secs(2),
        async {
            server.terminate();
        },
    )
    .await;
    let waited = sent.elapsed();
    let code = tokio::task::block_in_place(|| server.wait(Duration::from_secs(10)));
    let exited = format!("exit {code:?} (load ran {:.1} s)", waited.as_secs_f64());
    drop(server);
    let again = ServerProcess::start(database_url, media);
    let ready = until_ready(again.address, Duration::from_secs(60)).await;
    let ready = ready.map_or("not ready within 60 s".to_owned(), |d| {
        format!("a new process ready in {} ms", d.as_millis())
    });
    report(backend, "SIGTERM", seen, &format!("{exited}; {ready}"));
}

/// A private PostgreSQL cluster in a temporary folder, run as the `postgres` user.
struct PrivateCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl PrivateCluster {
    fn start() -> Result<Self, String> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .map_err(|e| format!("no PostgreSQL server tools: {e}"))?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .find(|bin| bin.join("initdb").exists())
            .ok_or("no initdb under /usr/lib/postgresql")?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let port = free_port();
        let cluster = Self { dir, bin, port };
        let folder = cluster.dir.path().display().to_string();
        run("chmod", &["0777", &folder])?;
        cluster.as_postgres(
            "initdb",
            &[
                "-D",
                &cluster.data(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        )?;
        cluster.pg_ctl("start")?;
        Ok(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn as_postgres(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        let tool = self.bin.join(tool).display().to_string();
        let mut all = vec!["-u", "postgres", "--", tool.as_str()];
        all.extend_from_slice(args);
        run("runuser", &all)
    }

    fn pg_ctl(&self, action: &str) -> Result<(), String> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.as_postgres(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-o",
                &options,
                "-l",
                &log,
                "-m",
                "fast",
                "-w",
                action,
            ],
        )
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = self.pg_ctl("stop");
    }
}

fn run(program: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A real PostgreSQL restart under load: what the reads saw, how long PostgreSQL was away and
/// when the server was ready again.
async fn postgres_restart(cluster: &PrivateCluster, media: &Path) {
    let server = ServerProcess::start(&cluster.url(), media);
    if until_ready(server.address, Duration::from_secs(60))
        .await
        .is_none()
    {
        println!("PostgreSQL restart            the server did not become ready; skipped");
        return;
    }
    let address = server.address;
    let mut timing = String::new();
    let seen = under_load(
        address,
        Duration::from_secs(8),
        Duration::from_secs(2),
        async {
            let began = Instant::now();
            let restarted = tokio::task::block_in_place(|| cluster.pg_ctl("restart"));
            let outage = began.elapsed();
            let ready = until_ready(address, Duration::from_secs(30)).await;
            timing = match restarted {
                Ok(()) => format!(
                    "PostgreSQL back in {} ms; server ready {} ms after the restart began",
                    outage.as_millis(),
                    ready.map_or("never".to_owned(), |d| (outage + d).as_millis().to_string())
                ),
                Err(e) => format!("restart failed: {e}"),
            };
        },
    )
    .await;
    report("PostgreSQL", "restart", seen, &timing);
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "faults: {CONNECTIONS} keep-alive connections reading {READ_PATH}; a fault 2 s into 8 s \
         of load. Target: 0 unanswered, 0 5xx for reads."
    );
    let media = tempfile::tempdir().expect("media folder");
    let sqlite_dir = tempfile::tempdir().expect("SQLite folder");
    let sqlite = format!("sqlite://{}", sqlite_dir.path().join("faults.db").display());
    runtime.block_on(sigterm("SQLite", &sqlite, media.path()));
    match PrivateCluster::start() {
        Ok(cluster) => {
            runtime.block_on(postgres_restart(&cluster, media.path()));
            runtime.block_on(sigterm("PostgreSQL", &cluster.url(), media.path()));
        }
        Err(e) => println!("(PostgreSQL skipped: a private cluster could not start: {e})"),
    }
}
