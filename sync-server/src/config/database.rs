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

/// A validated database URL. Its `Debug` and `Display` never show a password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    url: String,
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
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
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
    fn database_urls_table() {
        let cases: &[(&str, Option<Backend>)] = &[
            ("sqlite://data/edu.db", Some(Backend::Sqlite)),
            ("sqlite:///var/lib/edu/edu.db", Some(Backend::Sqlite)),
            ("sqlite::memory:", Some(Backend::Sqlite)),
            ("sqlite://edu.db?mode=rwc", Some(Backend::Sqlite)),
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
