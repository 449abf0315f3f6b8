//! The binary as an operator meets it: one line on stdout when listening, one line on stderr and
//! exit code 1 when the configuration or the database is wrong.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sync-server");

/// Runs the binary with `vars` (and a clean EDU_* environment) and waits for it to exit.
fn run_to_exit(vars: &[(&str, &str)]) -> (Option<i32>, String, String, Duration) {
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars() {
        if key.starts_with("EDU_") {
            cmd.env_remove(key);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    cmd.current_dir(dir.path()).envs(vars.iter().copied());
    let started = Instant::now();
    let out = cmd.output().expect("run sync-server");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn bad_database_url_exits_1_with_one_line() {
    let (code, stdout, stderr, _) = run_to_exit(&[("EDU_DATABASE_URL", "mysql://x")]);
    assert_eq!(code, Some(1));
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "error: EDU_DATABASE_URL: expected sqlite://… or postgres://…, got \"mysql://x\"\n"
    );
}

#[test]
fn bad_bind_address_exits_1_with_one_line() {
    let (code, _, stderr, _) = run_to_exit(&[("EDU_BIND", "everywhere")]);
    assert_eq!(code, Some(1));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: EDU_BIND: "), "{stderr}");
}

#[test]
fn unreachable_postgres_exits_1_with_one_line_within_seconds() {
    let (code, stdout, stderr, took) = run_to_exit(&[
        (
            "EDU_DATABASE_URL",
            "postgres://postgres:s3cret@127.0.0.1:1/x",
        ),
        ("EDU_BIND", "127.0.0.1:0"),
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(stdout, "");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "error: cannot connect to database at postgres://postgres:***@127.0.0.1:1/x: "
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"));
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn server_prints_its_real_address_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .env("EDU_BIND", "127.0.0.1:0")
        .env("EDU_DATABASE_URL", "sqlite://nested/dir/edu.db")
        .env("EDU_LOG", "warn")
        .env("EDU_DEMO_DATA", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = listening_url(&mut child);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!url.ends_with(":0"), "the real port: {url}");
    assert!(dir.path().join("nested/dir/edu.db").exists());

    let body = reqwest::blocking_get(&format!("{url}/healthz"));
    assert_eq!(body, r#"{"status":"ok"}"#);

    terminate(&child);
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
}

/// The URL of the server's first stdout line, `EduPlatform listening on URL`.
fn listening_url(child: &mut std::process::Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.strip_prefix("EduPlatform listening on ")
        .and_then(|rest| rest.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned()
}

/// Sends SIGTERM, as `docker stop` does.
fn terminate(child: &std::process::Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
}

/// Starts the binary with `vars`, waits for its listening line, stops it, and returns its stderr.
fn stderr_of_a_start(vars: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars() {
        if key.starts_with("EDU_") {
            cmd.env_remove(key);
        }
    }
    let mut child = cmd
        .current_dir(dir.path())
        .env("EDU_DATABASE_URL", "sqlite://edu.db")
        .env("EDU_LOG", "warn")
        .envs(vars.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    listening_url(&mut child);
    terminate(&child);
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn plain_http_on_a_reachable_address_is_warned_of_once_at_start() {
    let warning = "EDU_PUBLIC_URL is plain http and EDU_BIND is reachable";
    let exposed = stderr_of_a_start(&[
        ("EDU_BIND", "0.0.0.0:0"),
        ("EDU_PUBLIC_URL", "http://edu.example.org"),
    ]);
    assert_eq!(exposed.matches(warning).count(), 1, "{exposed}");
    let local = stderr_of_a_start(&[("EDU_BIND", "127.0.0.1:0")]);
    assert!(!local.contains(warning), "{local}");
    let behind_tls = stderr_of_a_start(&[
        ("EDU_BIND", "0.0.0.0:0"),
        ("EDU_PUBLIC_URL", "https://edu.example.org"),
    ]);
    assert!(!behind_tls.contains(warning), "{behind_tls}");
}

#[test]
fn a_metrics_address_in_use_exits_1_with_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, stdout, stderr, _) = run_to_exit(&[
        ("EDU_BIND", "127.0.0.1:0"),
        ("EDU_DATABASE_URL", "sqlite://edu.db"),
        ("EDU_METRICS_BIND", addr.as_str()),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: EDU_METRICS_BIND: cannot listen on {addr}: "
        )),
        "{stderr}"
    );
}

/// reqwest's blocking client is not enabled; a small runtime does the one request.
mod reqwest {
    pub fn blocking_get(url: &str) -> String {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async { ::reqwest::get(url).await.unwrap().text().await.unwrap() })
    }
}
