//! The load: `wrk` at 64 connections with a Lua script that walks a list of request paths and
//! prints its latency percentiles, the minimal axum server that is the ceiling, and `pgbench -S`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub const CONNECTIONS: usize = 64;

/// Walks the paths in the file named by the script's first argument, each wrk thread from its own
/// offset, and prints one line `edu-wrk key=value ...` when done (latencies in microseconds).
const SCRIPT: &str = r#"
local paths = {}
local counter = 0
local threads = 0

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  counter = ((thread_number or 0) * 7919) % #paths
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  io.write(string.format(
    "edu-wrk requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d connect_errors=%d read_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.timeout))
end
"#;

/// What one wrk run measured.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub requests_per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// Non-2xx/3xx answers, connection and read errors, timeouts.
    pub errors: u64,
}

/// Installs wrk with apt-get when it is missing (it is a Debian package, not a crate); false when
/// it cannot be had.
pub fn ensure_wrk() -> bool {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return true;
    }
    println!(
        "wrk (the HTTP load generator this benchmark drives) is not installed: installing the \
         Debian package with `apt-get install -y wrk`"
    );
    let installed = Command::new("apt-get")
        .args(["install", "-y", "wrk"])
        .status()
        .is_ok_and(|s| s.success())
        || (Command::new("apt-get")
            .arg("update")
            .status()
            .is_ok_and(|s| s.success())
            && Command::new("apt-get")
                .args(["install", "-y", "wrk"])
                .status()
                .is_ok_and(|s| s.success()));
    if !installed {
        println!("cannot install wrk: install it yourself (`apt-get install wrk`) and run again");
    }
    installed
}

/// Sends GETs of `paths` (cycled) to `base` from 64 connections for `seconds`.
pub fn wrk(base: &str, paths: &[String], seconds: u64, work_dir: &Path) -> Measured {
    let script = work_dir.join("paths.lua");
    let list = work_dir.join("paths.txt");
    std::fs::write(&script, SCRIPT).expect("write the wrk script");
    std::fs::write(&list, paths.join("\n") + "\n").expect("write the path list");
    let output = Command::new("wrk")
        .args([
            "--threads",
            "2",
            "--connections",
            &CONNECTIONS.to_string(),
            "--duration",
            &format!("{seconds}s"),
            "--timeout",
            "5s",
            "--script",
        ])
        .arg(&script)
        .arg(base)
        .arg("--")
        .arg(&list)
        .output()
        .expect("wrk runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("edu-wrk "))
        .unwrap_or_else(|| {
            panic!(
                "wrk printed no summary:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let field = |name: &str| -> u64 {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    Measured {
        requests_per_second: field("requests") as f64 / (field("duration_us") as f64 / 1e6),
        p50: Duration::from_micros(field("p50_us")),
        p99: Duration::from_micros(field("p99_us")),
        errors: field("status_errors")
            + field("connect_errors")
            + field("read_errors")
            + field("timeouts"),
    }
}

/// The ceiling: a minimal axum server answering every GET with the same `size`-byte JSON body, on
/// a runtime shaped like the app's (a multi-threaded one with a worker per core).
pub struct Ceiling {
    pub base: String,
    runtime: tokio::runtime::Runtime,
    stop: tokio::sync::oneshot::Sender<()>,
}

impl Ceiling {
    pub fn start(size: usize) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let body = axum::body::Bytes::from(vec![b'x'; size]);
        let app = axum::Router::new().fallback(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Self {
            base,
            runtime,
            stop,
        }
    }

    pub fn stop(self) {
        let _ = self.stop.send(());
        self.runtime.shutdown_timeout(Duration::from_secs(2));
    }
}

/// Raw PostgreSQL read throughput: `pgbench -S` (primary-key SELECTs) with 64 clients on two
/// threads for `seconds`, on a scratch database made for it and dropped after. Transactions per
/// second and the mean latency, or why it could not run.
pub fn pgbench(admin_url: &str, seconds: u64) -> Result<(f64, f64), String> {
    let name = format!("edu_bench_pgbench_{}", uuid::Uuid::new_v4().simple());
    let mut url = url::Url::parse(admin_url).map_err(|e| e.to_string())?;
    url.set_path(&format!("/{name}"));
    let psql = |sql: &str| {
        Command::new("psql")
            .args([admin_url, "-q", "-c", sql])
            .output()
            .map_err(|e| format!("psql: {e}"))
            .and_then(|o| {
                o.status
                    .success()
                    .then_some(())
                    .ok_or_else(|| String::from_utf8_lossy(&o.stderr).into_owned())
            })
    };
    psql(&format!(r#"CREATE DATABASE "{name}""#))?;
    let result = (|| {
        let init = Command::new("pgbench")
            .args(["-i", "-q", "-s", "10", url.as_str()])
            .output()
            .map_err(|e| format!("pgbench: {e}"))?;
        if !init.status.success() {
            return Err(String::from_utf8_lossy(&init.stderr).into_owned());
        }
        let run = Command::new("pgbench")
            .args([
                "-S",
                "-c",
                &CONNECTIONS.to_string(),
                "-j",
                "2",
                "-T",
                &seconds.to_string(),
                url.as_str(),
            ])
            .output()
            .map_err(|e| format!("pgbench: {e}"))?;
        let out = String::from_utf8_lossy(&run.stdout);
        let number_after = |label: &str| {
            out.lines()
                .find_map(|l| l.trim().strip_prefix(label))
                .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
        };
        match (number_after("tps ="), number_after("latency average =")) {
            (Some(tps), Some(latency)) => Ok((tps, latency)),
            _ => Err(format!(
                "unexpected pgbench output:\n{out}{}",
                String::from_utf8_lossy(&run.stderr)
            )),
        }
    })();
    let _ = psql(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#));
    result
}
