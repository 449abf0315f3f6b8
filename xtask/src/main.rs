//! Developer commands for EduPlatform: `cargo xtask dev | test | dist | bench | srs`.
//!
//! Owns tool installation (wasm32 target, Trunk, wasm-bindgen, wasm-opt) and the order in which the
//! project is built and checked. Never holds product logic: it only runs cargo, trunk, npm and node.

mod fuzz;
mod srs;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  dev     install missing tools, build the client, run the server with demo data on http://127.0.0.1:8080
  test    fmt check, clippy, Rust tests on SQLite and PostgreSQL, wasm tests in headless Chromium,
          API fuzzing against the OpenAPI document (schemathesis, pinned, in a venv in the target
          dir; needs python3 with venv: Debian's python3-venv), browser end-to-end tests
  fuzz    build the server and run only the API fuzz step of `test`
  e2e [FILE...]
          build the client and the server and run only the browser end-to-end step of `test`
          (all of e2e/, or the files named, e.g. `e2e/courses.test.mjs`)
  dist    release build of the client (dist/) and the server (for the Dockerfile and operators)
  bench auth
          sign-in latency under 32 concurrent sign-ins, and the catalog's p99 during that flood
          against its idle p99, on SQLite and PostgreSQL (release build; EDU_BENCH_POSTGRES_URL
          names the PostgreSQL server, empty to skip it)
  bench enumeration
          forgot-password and resend-verification latency for known against unknown addresses
          (medians, p90, and how often the known one is slower), on SQLite and PostgreSQL
  bench catalog
          generates 100,000 courses and 1,000,000 lessons on SQLite and PostgreSQL and drives the
          app shell, the catalog page, course pages and search with wrk at 64 connections (installs
          wrk with apt-get if missing), beside a minimal axum server with bodies of the same size
          and pgbench -S; prints req/s, p50/p99 and PASS/MISS against issue 16's targets
          (EDU_BENCH_CATALOG_SCALE=0.1 for a quick run; EDU_BENCH_SECONDS per measurement)
  bench sync
          the learner documents' sync through the real server on SQLite and PostgreSQL:
          incremental sync of one new event (time and bytes), initial sync of a 10,000-event
          document to a new device, 64 devices syncing concurrently, and the size of a year of
          daily use (18,000 events), and the time to open that document in wasm in headless
          Chromium (release build); prints each figure with PASS/MISS against issue 17's targets
  bench ai
          the offline provider's time for a summary plus ten questions of a 2,000-word lesson
          (English and Russian; target 20 ms) and the p99 of an answer from the AI response
          cache on SQLite and PostgreSQL (target 2 ms); prints medians, p99 and PASS/MISS
  bench srs
          the FSRS parameter fit on a simulated 10,000-review log (release build; target 2 s) and
          the due queue and next states of 10,000 cards in wasm in headless Chromium (built as the
          shipped client; target 20 ms); prints medians and PASS/MISS
  bench faults
          requests lost across one real PostgreSQL restart (a private cluster made with initdb,
          restarted with pg_ctl; needs root) and one SIGTERM, each under 64 keep-alive
          connections, on SQLite and PostgreSQL, and the time until ready again (target 0
          unanswered, 0 5xx for reads)
  bench tutor
          the tutor's retrieval over a 200-lesson course (three passages for a question; target
          p99 10 ms) and the time to its first streamed token excluding the provider (the real
          server on SQLite and PostgreSQL, a loopback provider answering at once; target 30 ms);
          prints medians, p99 and PASS/MISS
  bench motivation
          recomputing XP, streak and badges from a year of one learner's events (release build;
          target 5 ms) and the weekly leaderboard of a course with 100,000 enrolled members over
          HTTP on SQLite and PostgreSQL (target p99 20 ms); prints medians, p50/p99 and PASS/MISS
  srs replay [FILE]
          replays review sequences (JSON lines with id, params?, desired_retention? and
          reviews [{t: RFC 3339, rating: 1-4}], from FILE or stdin) through the client's
          scheduler and prints per line the id and the card after each review (results), or
          the id and an error
  srs fit FILE.csv
          fits FSRS weights to a review log (card_id,review_time,rating; RFC 3339) through the
          server's fit and prints them with the log loss before and after
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev(),
        Some("test") => test(),
        Some("dist") => dist(),
        Some("fuzz") => {
            run(cargo().args(["build", "--package", "sync-server"])).and_then(|()| fuzz::api_fuzz())
        }
        Some("bench") => bench(args.get(1).map(String::as_str)),
        Some("srs") => srs::command(&args[1..]),
        Some("e2e") => tools::ensure().and_then(|tools| {
            build_client(&tools)?;
            run(cargo().args(["build", "--package", "sync-server"]))?;
            e2e(&tools, &args[1..])
        }),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown or missing command\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of `xtask/`).
///
/// Found from the working directory (`cargo xtask` runs in the workspace), so a build of xtask
/// reused from a shared target directory never works on another checkout; the path compiled in is
/// the fallback.
fn root() -> PathBuf {
    let is_root =
        |dir: &Path| dir.join("xtask/Cargo.toml").is_file() && dir.join("Cargo.toml").is_file();
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            cwd.ancestors()
                .find(|dir| is_root(dir))
                .map(Path::to_path_buf)
        })
        .or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where cargo puts build output: `CARGO_TARGET_DIR` or `<root>/target`.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root().join(p) })
        .unwrap_or_else(|| root().join("target"))
}

/// Runs a command to completion in the workspace root; an error names the command.
pub(crate) fn run(cmd: &mut Command) -> Result<(), String> {
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Builds the client with Trunk into `dist/` (release: wasm-opt runs too).
fn build_client(tools: &tools::Tools) -> Result<(), String> {
    run(tools
        .trunk()
        .args(["build", "--release", "--offline"])
        .env("CARGO_TARGET_DIR", target_dir()))
}

fn dev() -> Result<(), String> {
    let tools = tools::ensure()?;
    build_client(&tools)?;
    let mut server = cargo();
    server.args(["run", "--package", "sync-server"]);
    server.env("EDU_STATIC_DIR", root().join("dist"));
    if std::env::var_os("EDU_DEMO_DATA").is_none() {
        server.env("EDU_DEMO_DATA", "true");
    }
    // Mail lands in the dev mailbox (/dev/mailbox) unless an SMTP server is configured.
    if std::env::var_os("EDU_DEV_MODE").is_none() {
        server.env("EDU_DEV_MODE", "true");
    }
    println!("xtask: starting the server (Ctrl-C stops it)");
    run(&mut server)
}

fn dist() -> Result<(), String> {
    let tools = tools::ensure()?;
    build_client(&tools)?;
    run(cargo().args(["build", "--release", "--package", "sync-server"]))
}

/// Benchmarks print their figures (medians, p99, ratios against a baseline measured in the same run);
/// they are never timed tests, since these machines are noisy.
fn bench(which: Option<&str>) -> Result<(), String> {
    match which {
        Some(name @ ("auth" | "enumeration" | "catalog" | "ai" | "faults" | "tutor")) => {
            run(cargo().args(["bench", "--package", "sync-server", "--bench", name]))
        }
        Some("sync") => {
            run(cargo().args(["bench", "--package", "sync-server", "--bench", "sync"]))?;
            // The wasm half: a year of daily use opened in headless Chromium.
            wasm_bench("doc_load")
        }
        Some("motivation") => {
            // XP, streak and badges from a year of events (pure rules, release build).
            run(cargo().args(["bench", "--package", "shared", "--bench", "motivation"]))?;
            // The weekly leaderboard of 100,000 members over HTTP, on SQLite and PostgreSQL.
            run(cargo().args(["bench", "--package", "sync-server", "--bench", "motivation"]))
        }
        Some("srs") => {
            // The fit the server's job runs, on 10,000 simulated reviews (release build).
            run(cargo().args(["bench", "--package", "shared", "--bench", "srs"]))?;
            // The client's half: 10,000 cards' due queue and next states in headless Chromium.
            wasm_bench("srs_queue")
        }
        _ => Err(format!(
            "name a benchmark: auth, enumeration, catalog, sync, ai, srs, faults, motivation, \
             tutor\n\n{USAGE}"
        )),
    }
}

/// Runs the client's browser benchmark `test` (a `[[test]]` kept out of plain `cargo test`) in
/// headless Chromium, built as the shipped client is (the `wasm-release` profile); the runner
/// shows the figures the test logs (`--nocapture`).
fn wasm_bench(test: &str) -> Result<(), String> {
    let tools = tools::ensure()?;
    tools::require_chromium()?;
    run(tools
        .with_path(&mut cargo())
        .args([
            "test",
            "--package",
            "client",
            "--profile",
            "wasm-release",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            test,
            "--",
            "--nocapture",
        ])
        .env("CHROMEDRIVER", tools::CHROMEDRIVER))
}

/// One named step of `cargo xtask test`, timed for the summary.
struct Step {
    name: &'static str,
    seconds: f64,
}

fn test() -> Result<(), String> {
    let started = Instant::now();
    let mut done: Vec<Step> = Vec::new();
    let mut step = |name: &'static str, f: &mut dyn FnMut() -> Result<(), String>| {
        println!("\n==> xtask test: {name}");
        let t = Instant::now();
        let result = f();
        done.push(Step {
            name,
            seconds: t.elapsed().as_secs_f64(),
        });
        result.map_err(|e| format!("{name}: {e}"))
    };

    let tools = tools::ensure()?;
    tools::require_chromium()?;

    step("format check", &mut || {
        run(cargo().args(["fmt", "--all", "--", "--check"]))
    })?;
    step("clippy (native)", &mut || {
        run(cargo().args([
            "clippy",
            "--workspace",
            "--exclude",
            "client",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("clippy (wasm32 client)", &mut || {
        run(cargo().args([
            "clippy",
            "--package",
            "client",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("Rust tests (SQLite and PostgreSQL)", &mut || {
        run(cargo().args(["test", "--workspace", "--exclude", "client"]))
    })?;
    // The client's pure logic (form checks, error mapping, routes) needs no browser: its unit
    // tests run natively, in seconds, before the browser ones.
    step("client unit tests (native)", &mut || {
        run(cargo().args(["test", "--package", "client", "--lib"]))
    })?;
    step("wasm tests (headless Chromium)", &mut || {
        run(tools
            .with_path(&mut cargo())
            .args([
                "test",
                "--package",
                "client",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .env("CHROMEDRIVER", tools::CHROMEDRIVER))
    })?;
    step("client release build (Trunk)", &mut || build_client(&tools))?;
    step("server build (API fuzz, end-to-end tests)", &mut || {
        run(cargo().args(["build", "--package", "sync-server"]))
    })?;
    step("API fuzz (schemathesis)", &mut fuzz::api_fuzz)?;
    step("browser end-to-end tests (playwright-core)", &mut || {
        e2e(&tools, &[])
    })?;

    println!("\nxtask test: every step passed");
    for s in &done {
        println!("  {:<45} {:>7.1} s", s.name, s.seconds);
    }
    println!(
        "  {:<45} {:>7.1} s",
        "total",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Installs the end-to-end suite's npm packages (from its lock file) and runs it with Node's test
/// runner (all of `e2e/`, or only `files`). The suite starts the server binary itself, so it can
/// also stop it to test offline use.
fn e2e(tools: &tools::Tools, files: &[String]) -> Result<(), String> {
    let dir = root().join("e2e");
    // Installed again whenever the lock file changed since the last install (a copy of it is kept
    // in node_modules), so a new package such as axe-core reaches an old checkout too.
    let lock = std::fs::read(dir.join("package-lock.json"))
        .map_err(|e| format!("cannot read e2e/package-lock.json: {e}"))?;
    let installed_from = dir.join("node_modules").join(".edu-installed-lock.json");
    if std::fs::read(&installed_from).ok().as_deref() != Some(lock.as_slice()) {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir))?;
        std::fs::write(&installed_from, &lock)
            .map_err(|e| format!("cannot write {}: {e}", installed_from.display()))?;
    }
    let server = target_dir().join("debug").join("sync-server");
    run(tools
        .with_path(&mut Command::new("node"))
        .args(["--test", "--test-concurrency=1"])
        .args(if files.is_empty() {
            vec!["e2e/".to_owned()]
        } else {
            files.to_vec()
        })
        .env("EDU_E2E_SERVER_BIN", server)
        .env("EDU_E2E_STATIC_DIR", root().join("dist"))
        .env("EDU_E2E_CHROMIUM", tools::CHROMIUM))
}
