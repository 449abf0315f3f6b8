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
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sync-server"));
        for (key, _) in std::env::vars() {
            if key.starts_with("EDU_") {
                cmd.env_remove(key);
            }
        }
        let mut child = cmd
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
