//! `ServerProcess`: the real `sync-server` binary, for tests of what only a process shows (SIGKILL
//! mid-sync, SIGTERM under load). Killed with SIGKILL when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::{Duration, Instant};

pub struct ServerProcess {
    child: std::process::Child,
    pub url: String,
}

impl ServerProcess {
    /// Starts the binary on `database_url` in `dir` with demo data, and more `EDU_*` `vars`;
    /// returns once it prints its listening line.
    pub fn start(database_url: &str, dir: &Path) -> Self {
        Self::start_with(database_url, dir, &[])
    }

    pub fn start_with(database_url: &str, dir: &Path, vars: &[(&str, &str)]) -> Self {
        let mut child = command()
            .current_dir(dir)
            .env("EDU_DATABASE_URL", database_url)
            .env("EDU_BIND", "127.0.0.1:0")
            .env("EDU_DEMO_DATA", "true")
            .env("EDU_LOG", "warn")
            .envs(vars.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .strip_prefix("EduPlatform listening on ")
            .and_then(|rest| rest.strip_suffix('\n'))
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Self { child, url }
    }

    /// SIGKILL: no shutdown, no flushing, whatever was in flight is cut.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, as `docker stop` sends.
    pub fn terminate(&self) {
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Waits up to `limit` for the process to exit; its exit code, or `None` if it is still running.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status.code().unwrap_or(-1));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `sync-server <args>` on the database `url` with `stdin` piped in and more `env`, and waits
/// for it: `(exit code, stdout, stderr)`. Blocking: call it from `spawn_blocking` in async tests.
pub fn run_command(
    url: &str,
    args: &[String],
    stdin: &str,
    env: &[(String, String)],
) -> (i32, String, String) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command()
        .args(args)
        .env("EDU_DATABASE_URL", url)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sync-server");
    // The command may exit without reading (bad usage): a closed pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The `sync-server` binary with none of this process's `EDU_*` variables.
fn command() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sync-server"));
    for (key, _) in std::env::vars() {
        if key.starts_with("EDU_") {
            cmd.env_remove(key);
        }
    }
    cmd
}
