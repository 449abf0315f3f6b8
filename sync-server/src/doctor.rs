//! `sync-server doctor`: what an operator checks before (or instead of) starting the server:
//! the configuration, the database (reachable, its schema version against this binary's), mail
//! (the SMTP server answers; a test mail with `--to`) and free disk for SQLite and media. One line
//! per finding.
//!
//! Never changes the database (no migration runs, SQLite is opened read-only) and never sends
//! mail unless asked with `--to`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::config::{Backend, Config};
use crate::db::latest_schema_version;

/// Free space below this fails the disk check: a backup or a migration could fill the disk.
pub const DISK_FAIL_BYTES: u64 = 100 * 1024 * 1024;
/// Free space below this is a warning.
pub const DISK_WARN_BYTES: u64 = 1024 * 1024 * 1024;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Works, but probably not what production wants.
    Warn,
    /// The server will not work as configured.
    Fail,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub status: Status,
    /// What was checked (`database`, `mail`, ...).
    pub check: &'static str,
    pub message: String,
}

impl Finding {
    fn new(status: Status, check: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            check,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match self.status {
            Status::Ok => "ok",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        };
        write!(f, "{status:<4}  {}: {}", self.check, self.message)
    }
}

/// Runs every check on `config`; `mail_to` asks for a test mail to that address.
pub async fn examine(config: &Config, mail_to: Option<&str>) -> Vec<Finding> {
    let mut findings = configuration(config);
    findings.push(database(config).await);
    findings.extend(mail(config, mail_to).await);
    findings.extend(disk(config));
    findings
}

fn configuration(config: &Config) -> Vec<Finding> {
    let mut out = vec![Finding::new(
        Status::Ok,
        "configuration",
        format!(
            "read: database {}, public URL {}, media in {}",
            config.database.url.redacted(),
            config.http.public_url.base(),
            config.media.dir.display()
        ),
    )];
    if config.dev_mode {
        out.push(Finding::new(
            Status::Warn,
            "configuration",
            "EDU_DEV_MODE is on: the dev mailbox shows mailed links to anyone; never in production",
        ));
    }
    if !config.http.public_url.is_https() && !is_loopback_url(config.http.public_url.base()) {
        out.push(Finding::new(
            Status::Warn,
            "configuration",
            "EDU_PUBLIC_URL is not https: sign-in cookies are not marked Secure",
        ));
    }
    out
}

fn is_loopback_url(url: &str) -> bool {
    let authority = url.split("://").nth(1).unwrap_or(url);
    let authority = authority.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

async fn database(config: &Config) -> Finding {
    let url = &config.database.url;
    let backend = url.backend();
    let found = match backend {
        Backend::Postgres => crate::backup::postgres_schema_version(url)
            .await
            .map(Some)
            .map_err(|e| e.to_string()),
        Backend::Sqlite => sqlite_schema_version(url.expose()).await,
    };
    let latest = latest_schema_version(backend);
    match found {
        Err(reason) => Finding::new(Status::Fail, "database", reason),
        Ok(None) => Finding::new(
            Status::Ok,
            "database",
            format!(
                "{} does not exist yet: the server creates it at start",
                url.redacted()
            ),
        ),
        Ok(Some(found)) if found > latest => Finding::new(
            Status::Fail,
            "database",
            format!(
                "{} has schema version {found}, newer than this server knows ({latest}): \
                 run the newer sync-server, or restore a backup made before the upgrade",
                url.redacted()
            ),
        ),
        Ok(Some(found)) if found < latest => Finding::new(
            Status::Ok,
            "database",
            format!(
                "{} answers; schema version {found}, the server migrates it to {latest} at start",
                url.redacted()
            ),
        ),
        Ok(Some(found)) => Finding::new(
            Status::Ok,
            "database",
            format!(
                "{} answers; schema version {found} (up to date)",
                url.redacted()
            ),
        ),
    }
}

/// The schema version of the SQLite database at `url`, opened read-only: `None` when the file
/// does not exist, `Some(0)` when it holds no migration.
async fn sqlite_schema_version(url: &str) -> Result<Option<i64>, String> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::ConnectOptions as _;
    let options = SqliteConnectOptions::from_str(url).map_err(|e| format!("{url}: {e}"))?;
    if url.starts_with("sqlite::memory:") || url.contains("mode=memory") {
        return Ok(None);
    }
    let path = options.get_filename().to_path_buf();
    if !path.exists() {
        return Ok(None);
    }
    let mut conn = options
        .read_only(true)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(|e| format!("{}: cannot open: {e}", path.display()))?;
    let migrated: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(&mut conn)
    .await
    .map_err(|e| format!("{}: not a readable SQLite database: {e}", path.display()))?;
    let version = match migrated {
        None => 0,
        Some(_) => sqlx::query_scalar::<_, Option<i64>>(
            "SELECT MAX(version) FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(&mut conn)
        .await
        .map_err(|e| format!("{}: {e}", path.display()))?
        .unwrap_or(0),
    };
    let _ = sqlx::Connection::close(conn).await;
    Ok(Some(version))
}

async fn mail(config: &Config, mail_to: Option<&str>) -> Vec<Finding> {
    use crate::notify::transport::SmtpTransport;
    let Some(url) = &config.mail.smtp_url else {
        let mut out = vec![if config.dev_mode {
            Finding::new(
                Status::Ok,
                "mail",
                "no EDU_SMTP_URL: mail goes to the dev mailbox at /dev/mailbox (dev mode)",
            )
        } else {
            Finding::new(
                Status::Warn,
                "mail",
                "no EDU_SMTP_URL: mail is not sent, so people get no verification or reset links",
            )
        }];
        if mail_to.is_some() {
            out.push(Finding::new(
                Status::Fail,
                "mail",
                "--to: no EDU_SMTP_URL is set, so no test mail can be sent",
            ));
        }
        return out;
    };
    let transport = match lettre::message::Mailbox::from_str(&config.mail.from)
        .map_err(|e| format!("EDU_MAIL_FROM: {e}"))
        .and_then(|from| SmtpTransport::new(url, from))
    {
        Ok(transport) => transport,
        Err(reason) => return vec![Finding::new(Status::Fail, "mail", reason)],
    };
    let mut out = vec![match transport.check().await {
        Ok(()) => Finding::new(Status::Ok, "mail", format!("{url} answers")),
        Err(reason) => Finding::new(Status::Fail, "mail", format!("{url}: {reason}")),
    }];
    if let Some(to) = mail_to {
        let mail = crate::notify::transport::Mail {
            job_id: shared::domain::JobId::new(),
            user_id: None,
            to_email: to.to_owned(),
            to_name: String::new(),
            template: "doctor".into(),
            subject: "EduPlatform: test mail from sync-server doctor".into(),
            text: "This is a test mail sent by `sync-server doctor --to`. Mail works.\n".into(),
            html: "<p>This is a test mail sent by <code>sync-server doctor --to</code>. \
                   Mail works.</p>"
                .into(),
            list_unsubscribe: None,
        };
        use crate::notify::transport::Transport as _;
        out.push(match transport.send(&mail).await {
            Ok(()) => Finding::new(
                Status::Ok,
                "mail",
                format!(
                    "test mail to {} accepted by the SMTP server",
                    crate::notify::mask_email(to)
                ),
            ),
            Err(e) => Finding::new(Status::Fail, "mail", format!("test mail not sent: {e}")),
        });
    }
    out
}

fn disk(config: &Config) -> Vec<Finding> {
    let mut out = Vec::new();
    if config.database.url.backend() == Backend::Sqlite {
        if let Ok(options) =
            sqlx::sqlite::SqliteConnectOptions::from_str(config.database.url.expose())
        {
            let file = options.get_filename();
            if !file.as_os_str().is_empty() && !config.database.url.expose().contains(":memory:") {
                out.push(free_space("disk (database)", file));
            }
        }
    }
    out.push(free_space("disk (media)", &config.media.dir));
    out.push(writable("media", &config.media.dir));
    out
}

/// The nearest existing folder holding `path` (the path itself if it is a folder).
fn existing_folder(path: &Path) -> Option<PathBuf> {
    let mut at = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()?.to_path_buf()
    };
    if at.as_os_str().is_empty() {
        at = PathBuf::from(".");
    }
    loop {
        if at.is_dir() {
            return Some(at);
        }
        at = at.parent()?.to_path_buf();
        if at.as_os_str().is_empty() {
            at = PathBuf::from(".");
        }
    }
}

/// Bytes an unprivileged process may still write on the file system holding `folder`.
pub fn available_bytes(folder: &Path) -> Result<u64, String> {
    let stat = rustix::fs::statvfs(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    Ok(stat.f_bavail.saturating_mul(stat.f_frsize))
}

fn free_space(check: &'static str, path: &Path) -> Finding {
    let Some(folder) = existing_folder(path) else {
        return Finding::new(
            Status::Fail,
            check,
            format!("{}: no such folder", path.display()),
        );
    };
    match available_bytes(&folder) {
        Err(reason) => Finding::new(Status::Fail, check, reason),
        Ok(free) => {
            let status = if free < DISK_FAIL_BYTES {
                Status::Fail
            } else if free < DISK_WARN_BYTES {
                Status::Warn
            } else {
                Status::Ok
            };
            Finding::new(
                status,
                check,
                format!("{} free where {} lives", human_bytes(free), path.display()),
            )
        }
    }
}

/// Whether the server could write media under `dir` (made at the first upload if missing).
fn writable(check: &'static str, dir: &Path) -> Finding {
    if !dir.exists() {
        return match existing_folder(dir) {
            Some(parent) if !is_read_only(&parent) => Finding::new(
                Status::Ok,
                check,
                format!(
                    "{} does not exist yet: made at the first upload",
                    dir.display()
                ),
            ),
            _ => Finding::new(
                Status::Fail,
                check,
                format!("{} does not exist and cannot be made", dir.display()),
            ),
        };
    }
    let probe = dir.join(format!(".doctor-{}", std::process::id()));
    match std::fs::write(&probe, b"doctor").and_then(|()| std::fs::remove_file(&probe)) {
        Ok(()) => Finding::new(Status::Ok, check, format!("{} is writable", dir.display())),
        Err(e) => Finding::new(
            Status::Fail,
            check,
            format!("{} is not writable: {e}", dir.display()),
        ),
    }
}

fn is_read_only(folder: &Path) -> bool {
    std::fs::metadata(folder).is_ok_and(|m| m.permissions().readonly())
}

/// `1.5 GiB`, `300 MiB`.
fn human_bytes(bytes: u64) -> String {
    const GIB: u64 = 1024 * 1024 * 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= GIB {
        format!("{:.1} GiB", bytes as f64 / GIB as f64)
    } else {
        format!("{} MiB", bytes / MIB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_bytes(300 * 1024 * 1024), "300 MiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024 / 2), "1.5 GiB");
    }

    #[test]
    fn loopback_public_urls_need_no_https() {
        for url in [
            "http://localhost:8080",
            "http://127.0.0.1:3000/",
            "http://[::1]:80",
        ] {
            assert!(is_loopback_url(url), "{url}");
        }
        for url in [
            "http://edu.example.org",
            "http://[2001:db8::1]:80",
            "http://10.0.0.1",
        ] {
            assert!(!is_loopback_url(url), "{url}");
        }
    }

    #[test]
    fn a_missing_folder_is_measured_where_it_would_be_made() {
        let here = std::env::temp_dir();
        let deep = here.join("no-such-doctor-dir/a/b/file.db");
        assert_eq!(existing_folder(&deep), Some(here.clone()));
        assert!(available_bytes(&here).is_ok_and(|b| b > 0));
    }
}
