//! Finds, and installs when missing, the tools that build and test the client.
//!
//! Versions come from the project's own files (Cargo.lock for wasm-bindgen, Trunk.toml for
//! wasm-opt), so there is one place to change each. Never downloads a browser: Chromium is Debian's.

use std::path::PathBuf;
use std::process::Command;

use crate::{root, run, target_dir};

/// Trunk 0.22 needs a newer rustc than the one these machines have.
const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The tools found or installed; `with_path` puts wasm-opt's folder first on PATH.
pub struct Tools {
    wasm_opt_bin_dir: PathBuf,
}

impl Tools {
    pub fn trunk(&self) -> Command {
        let mut cmd = Command::new("trunk");
        self.with_path(&mut cmd);
        cmd
    }

    pub fn with_path<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        let old = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![self.wasm_opt_bin_dir.clone()];
        paths.extend(std::env::split_paths(&old));
        match std::env::join_paths(paths) {
            Ok(joined) => cmd.env("PATH", joined),
            Err(_) => cmd,
        }
    }
}

/// Makes sure every build tool is there at the version the project pins, installing what is missing.
pub fn ensure() -> Result<Tools, String> {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    let wasm_opt_bin_dir = ensure_wasm_opt()?;
    Ok(Tools { wasm_opt_bin_dir })
}

/// Browser tests need Debian's Chromium and ChromeDriver; say how to get them if absent.
pub fn require_chromium() -> Result<(), String> {
    for path in [CHROMIUM, CHROMEDRIVER] {
        if !std::path::Path::new(path).exists() {
            return Err(format!(
                "{path} is missing; install Debian's browser with: \
                 apt-get install -y chromium chromium-driver"
            ));
        }
    }
    Ok(())
}

fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    println!("xtask: adding the wasm32-unknown-unknown target");
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn ensure_trunk() -> Result<(), String> {
    let version = output(Command::new("trunk").arg("--version")).unwrap_or_default();
    if version.split_whitespace().nth(1) == Some(TRUNK_VERSION) {
        return Ok(());
    }
    println!("xtask: installing trunk {TRUNK_VERSION} (a few minutes, once)");
    run(Command::new("cargo").args(["install", "--locked", &format!("trunk@{TRUNK_VERSION}")]))
}

/// wasm-bindgen's CLI must equal the library version in Cargo.lock, and Trunk.toml must agree.
fn ensure_wasm_bindgen() -> Result<(), String> {
    let lock = read(root().join("Cargo.lock"))?;
    let wanted = locked_version(&lock, "wasm-bindgen")
        .ok_or("Cargo.lock has no wasm-bindgen; build the client once to resolve it")?;
    let trunk_toml = read(root().join("Trunk.toml"))?;
    match toml_string(&trunk_toml, "wasm_bindgen") {
        Some(v) if v == wanted => {}
        other => {
            return Err(format!(
                "Trunk.toml [tools] wasm_bindgen is {other:?} but Cargo.lock has {wanted}; make them equal"
            ))
        }
    }
    let version = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner =
        output(Command::new("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if version.split_whitespace().nth(1) == Some(wanted.as_str())
        && runner.split_whitespace().nth(1) == Some(wanted.as_str())
    {
        return Ok(());
    }
    println!("xtask: installing wasm-bindgen-cli {wanted} (a few minutes, once)");
    // Its `--locked` install fails to build on current toolchains, so it goes without.
    run(Command::new("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &format!("={wanted}"),
    ]))
}

/// Debian's wasm-opt is too old for current wasm-bindgen output: use npm's `binaryen`, at the
/// version Trunk.toml names (`wasm_opt = "version_N"`), kept under the target directory.
fn ensure_wasm_opt() -> Result<PathBuf, String> {
    let trunk_toml = read(root().join("Trunk.toml"))?;
    let pinned = toml_string(&trunk_toml, "wasm_opt")
        .ok_or("Trunk.toml lacks [tools] wasm_opt = \"version_N\"")?;
    let number = pinned
        .strip_prefix("version_")
        .ok_or("Trunk.toml wasm_opt must look like \"version_N\"")?;
    let prefix = target_dir()
        .join("tools")
        .join(format!("binaryen-{number}"));
    let bin_dir = prefix.join("node_modules").join(".bin");
    let reported =
        output(Command::new(bin_dir.join("wasm-opt")).arg("--version")).unwrap_or_default();
    if reported.contains(&format!("({pinned})")) {
        return Ok(bin_dir);
    }
    println!("xtask: installing wasm-opt (npm binaryen@{number}.0.0)");
    std::fs::create_dir_all(&prefix).map_err(|e| format!("cannot create {prefix:?}: {e}"))?;
    run(Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--prefix",
        ])
        .arg(&prefix)
        .arg(format!("binaryen@{number}.0.0")))?;
    Ok(bin_dir)
}

fn read(path: PathBuf) -> Result<String, String> {
    std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path:?}: {e}"))
}

/// The version of a package in Cargo.lock (the first entry with that exact name).
fn locked_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            return lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_owned);
        }
    }
    None
}

/// The string value of `key = "value"` anywhere in a small TOML file.
fn toml_string(toml: &str, key: &str) -> Option<String> {
    toml.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_locked_version_of_an_exact_package_name() {
        let lock = "[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.1\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "yew"), None);
    }

    #[test]
    fn reads_a_string_key_from_toml() {
        let toml = "[tools]\nwasm_bindgen = \"0.2.130\"\nwasm_opt = \"version_132\"\n";
        assert_eq!(
            toml_string(toml, "wasm_opt").as_deref(),
            Some("version_132")
        );
        assert_eq!(toml_string(toml, "sass"), None);
    }
}
