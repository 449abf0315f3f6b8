//! `[database]`: `EDU_DATABASE_URL`, validated and never shown with its password.
//!
//! Owns only the URL; connecting is `db::Db::connect`'s.

use std::fmt;
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;

use super::{redact, ConfigError, Vars};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/edu.db";

/// Where the data lives.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// `EDU_DATABASE_URL`.
    pub url: DatabaseUrl,
}

impl DatabaseConfig {
    pub(super) fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let url = vars
            .get("EDU_DATABASE_URL")
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let url =
            DatabaseUrl::parse(url.trim()).map_err(|m| ConfigError::new("EDU_DATABASE_URL", m))?;
        Ok(Self { url })
    }
}

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// When a SQLite commit is on the disk (the `synchronous` pragma, WAL journal), chosen by the
/// URL's own `synchronous=normal|full` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SqliteDurability {
    /// A commit survives the server process dying at any moment (SIGKILL, a crash); the WAL is
    /// synced to the disk at checkpoints, so a power cut or kernel crash may lose the last
    /// moments' commits (never the database's integrity). SQLite's own advice for WAL, and the
    /// default: a commit costs no `fsync`. Learner documents lost that way come back from the
    /// devices, which still hold them: the document and its sync states roll back together, so
    /// the next exchange sends what the server lacks.
    #[default]
    Normal,
    /// Every commit is synced to the disk before it is answered (an `fsync` per write
    /// transaction): also survives a power cut, at a fraction of the write rate.
    Full,
}

/// A validated database URL. Its `Debug` and `Display` never show a password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// For the driver: without our own `synchronous` parameter.
    url: String,
    durability: SqliteDurability,
}

impl DatabaseUrl {
    /// Accepts `sqlite://…`, `sqlite::memory:` and `postgres://`/`postgresql://` URLs.
    pub fn parse(url: &str) -> Result<Self, String> {
        let expected = || format!("expected sqlite://… or postgres://…, got {url:?}");
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(expected());
        };
        let (url, durability) = match backend {
            Backend::Sqlite => sqlite_durability(url)?,
            Backend::Postgres => (url.to_owned(), SqliteDurability::default()),
        };
        let url = url.as_str();
        match backend {
            Backend::Sqlite => {
                if !(url.starts_with("sqlite://") || url.starts_with("sqlite::memory:")) {
                    return Err(expected());
                }
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|e| format!("not a usable SQLite URL {url:?}: {e}"))?;
                if options.get_filename().as_os_str().is_empty() {
                    return Err(format!("{url:?} names no database file"));
                }
            }
            Backend::Postgres => {
                let parsed = url::Url::parse(url)
                    .map_err(|e| format!("not a usable PostgreSQL URL: {e}"))?;
                if parsed.host_str().is_none_or(str::is_empty) {
                    return Err(format!("{} names no host", redact(url)));
                }
            }
        }
        Ok(Self {
            backend,
            url: url.to_owned(),
            durability,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// For SQLite: when a commit is on the disk (`?synchronous=`).
    pub fn sqlite_durability(&self) -> SqliteDurability {
        self.durability
    }

    /// The full URL, password included: only for opening connections.
    pub fn expose(&self) -> &str {
        &self.url
    }

    /// The URL with any password replaced by `***`, safe for logs and error messages.
    pub fn redacted(&self) -> String {
        redact(&self.url)
    }
}

/// Takes the `synchronous=normal|full` parameter out of a SQLite URL (the driver knows no such
/// parameter); `normal` when absent.
fn sqlite_durability(url: &str) -> Result<(String, SqliteDurability), String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), SqliteDurability::default()));
    };
    let mut durability = SqliteDurability::default();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("synchronous", value)) => {
                durability = match value.to_ascii_lowercase().as_str() {
                    "normal" => SqliteDurability::Normal,
                    "full" => SqliteDurability::Full,
                    other => {
                        return Err(format!(
                            "synchronous={other} in the SQLite URL: expected normal or full"
                        ))
                    }
                }
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, durability))
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::parse;
    use super::*;

    #[test]
    fn the_sqlite_durability_comes_out_of_the_url() {
        let url = |text: &str| DatabaseUrl::parse(text).expect(text);
        let plain = url("sqlite://data/edu.db");
        assert_eq!(plain.sqlite_durability(), SqliteDurability::Normal);
        assert_eq!(plain.expose(), "sqlite://data/edu.db");
        let full = url("sqlite://data/edu.db?mode=rwc&synchronous=full");
        assert_eq!(full.sqlite_durability(), SqliteDurability::Full);
        assert_eq!(full.expose(), "sqlite://data/edu.db?mode=rwc");
        let error = DatabaseUrl::parse("sqlite://data/edu.db?synchronous=extra").unwrap_err();
        assert!(error.contains("expected normal or full"), "{error}");
    }

    #[test]
    fn database_urls_table() {
        let cases: &[(&str, Option<Backend>)] = &[
            ("sqlite://data/edu.db", Some(Backend::Sqlite)),
            ("sqlite:///var/lib/edu/edu.db", Some(Backend::Sqlite)),
            ("sqlite::memory:", Some(Backend::Sqlite)),
            ("sqlite://edu.db?mode=rwc", Some(Backend::Sqlite)),
            ("sqlite://edu.db?synchronous=full", Some(Backend::Sqlite)),
            (
                "sqlite://edu.db?mode=rwc&synchronous=NORMAL",
                Some(Backend::Sqlite),
            ),
            ("sqlite://edu.db?synchronous=off", None),
            ("postgres://edu:secret@db:5432/edu", Some(Backend::Postgres)),
            ("postgresql://localhost/edu", Some(Backend::Postgres)),
            ("mysql://x", None),
            ("edu.db", None),
            ("sqlite:edu.db", None),
            ("postgres://", None),
            ("http://localhost/db", None),
        ];
        for (url, expected) in cases {
            let got = parse(&[("EDU_DATABASE_URL", url)]).map(|c| c.database.url.backend());
            assert_eq!(got.as_ref().ok(), expected.as_ref(), "{url}: {got:?}");
            if let Err(e) = got {
                assert_eq!(e.var, "EDU_DATABASE_URL");
            }
        }
    }

    #[test]
    fn bad_database_url_message_names_the_variable_and_the_value() {
        let err = parse(&[("EDU_DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"EDU_DATABASE_URL: expected sqlite://… or postgres://…, got "mysql://x""#
        );
    }

    #[test]
    fn database_password_never_shows() {
        let url = DatabaseUrl::parse("postgres://edu:hunter2@db:5432/edu").unwrap();
        assert_eq!(url.redacted(), "postgres://edu:***@db:5432/edu");
        assert!(!format!("{url:?} {url}").contains("hunter2"));
        let no_password = DatabaseUrl::parse("postgres://postgres@127.0.0.1:1/x").unwrap();
        assert_eq!(no_password.redacted(), "postgres://postgres@127.0.0.1:1/x");
    }
}
