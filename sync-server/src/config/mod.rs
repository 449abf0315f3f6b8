//! The server's configuration: every `EDU_*` environment variable, read once at start and validated,
//! one section per concern (`database`, `http`, `mail`, `log`, `media`, `limits`, `ai`).
//!
//! Owns parsing and the error line an operator sees for a bad value. Nothing else in the server reads
//! the environment; the parsed `Config` is passed down explicitly. Room is left for payments: one
//! more section (its own file and field here), like `ai`.

mod ai;
mod database;
mod http;
mod limits;
mod log;
mod mail;
mod media;

pub use ai::{AiConfig, ApiKey, Budgets, Price, ProviderConfig, ProviderKind, Route, Tier};
pub use database::{Backend, DatabaseConfig, DatabaseUrl, SqliteDurability, DEFAULT_DATABASE_URL};
pub use http::{HttpConfig, PublicUrl, DEFAULT_BIND, DEFAULT_STATIC_DIR};
pub use limits::{
    BodyLimits, Limits, PostLimits, RateLimits, DEFAULT_CONTENT_BODY_BYTES, DEFAULT_JSON_BODY_BYTES,
};
pub use log::{LogConfig, LogFormat, DEFAULT_LOG_FILTER};
pub use mail::{MailConfig, SmtpUrl, DEFAULT_MAIL_FROM};
pub use media::{MediaConfig, DEFAULT_MEDIA_DIR, DEFAULT_MEDIA_MAX_BYTES};

/// Everything the server needs to know about its environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseConfig,
    pub http: HttpConfig,
    pub mail: MailConfig,
    pub log: LogConfig,
    pub media: MediaConfig,
    /// `EDU_AI_*`: language-model providers, tier routing, budgets; none set: the offline provider.
    pub ai: AiConfig,
    /// Not read from the environment: tests and benchmarks change them in code.
    pub limits: Limits,
    /// `EDU_DEMO_DATA`: fill an empty catalog with demo courses and create the demo accounts.
    pub demo_data: bool,
    /// `EDU_DEV_MODE`: development conveniences (the dev mailbox at `/dev/mailbox`). Never in production.
    pub dev_mode: bool,
}

/// A variable that holds a value the server cannot use. Displays as one line naming the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

impl ConfigError {
    fn new(var: &'static str, message: impl Into<String>) -> Self {
        Self {
            var,
            message: message.into(),
        }
    }
}

/// The variables a config is read from; an unset or blank one is `None`.
struct Vars<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Vars<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|v| !v.trim().is_empty())
    }
}

/// Parses a yes/no variable: true, false, 1 or 0 (any case); unset is `false`.
fn parse_bool(var: &'static str, value: Option<String>) -> Result<bool, ConfigError> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(other) => Err(ConfigError::new(
            var,
            format!("expected true, false, 1 or 0, got {other:?}"),
        )),
    }
}

/// Reads `var` as whole seconds from 1 to `max`; unset is `default`.
fn parse_seconds(
    vars: &Vars<'_>,
    var: &'static str,
    default: std::time::Duration,
    max: u64,
) -> Result<std::time::Duration, ConfigError> {
    let Some(text) = vars.get(var) else {
        return Ok(default);
    };
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|secs| (1..=max).contains(secs))
        .map(std::time::Duration::from_secs)
        .ok_or_else(|| {
            ConfigError::new(
                var,
                format!("expected whole seconds from 1 to {max}, got {text:?}"),
            )
        })
}

/// Hides the password of a URL (`postgres://user:***@host/db`); leaves other URLs alone.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Only fails for URLs that cannot have a password, and this one has one.
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        // Unparseable: show only the scheme, the rest may hold a secret.
        Err(_) => match url.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://***"),
            None => "***".to_owned(),
        },
    }
}

impl Config {
    /// Whether to warn at start that sessions travel in the clear: the public address is plain http
    /// (cookies without `Secure`, tokens and passwords readable on the way) while the server listens
    /// on an address other machines can reach.
    pub fn warns_of_plain_http(&self) -> bool {
        !self.http.secure_cookies() && !self.http.bind.ip().to_canonical().is_loopback()
    }

    /// The config for a server listening on `bound`: a public URL derived from `EDU_BIND` takes the
    /// address really bound (port 0 becomes the port the OS chose). An explicit one never changes.
    pub fn with_bound_address(mut self, bound: std::net::SocketAddr) -> Self {
        self.http.public_url = self.http.public_url.with_bound_address(bound);
        self
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`; an unset or empty variable takes its default.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars { lookup: &lookup };
        let database = DatabaseConfig::from_vars(&vars)?;
        let http = HttpConfig::from_vars(&vars)?;
        let log = LogConfig::from_vars(&vars)?;
        let demo_data = parse_bool("EDU_DEMO_DATA", vars.get("EDU_DEMO_DATA"))?;
        let dev_mode = parse_bool("EDU_DEV_MODE", vars.get("EDU_DEV_MODE"))?;
        let mail = MailConfig::from_vars(&vars)?;
        let media = MediaConfig::from_vars(&vars)?;
        let ai = AiConfig::from_vars(&vars)?;
        Ok(Self {
            ai,
            database,
            http,
            mail,
            log,
            media,
            limits: Limits::default(),
            demo_data,
            dev_mode,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::PathBuf;

    pub(crate) fn parse(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn empty_environment_gives_the_documented_defaults() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.database.url.expose(), "sqlite://data/edu.db");
        assert_eq!(config.database.url.backend(), Backend::Sqlite);
        assert_eq!(config.http.bind, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.log.format, LogFormat::Pretty);
        assert_eq!(config.log.filter, "info,sqlx=warn");
        assert_eq!(config.http.static_dir, PathBuf::from("dist"));
        assert!(!config.demo_data);
        assert!(!config.dev_mode);
        assert_eq!(config.http.public_url.base(), "http://127.0.0.1:8080");
        assert_eq!(config.mail.smtp_url, None);
        assert_eq!(config.mail.from, "EduPlatform <no-reply@localhost>");
        assert_eq!(config.http.public_url.origin(), "http://127.0.0.1:8080");
        assert!(!config.http.secure_cookies());
        assert!(config.http.trusted_proxies.is_empty());
        assert_eq!(config.http.metrics_bind, None);
        assert_eq!(config.limits.rate, RateLimits::default());
        assert_eq!(config.limits.body.json, 64 * 1024);
    }

    #[test]
    fn empty_values_count_as_unset() {
        let config = parse(&[("EDU_DEMO_DATA", ""), ("EDU_BIND", " ")]).unwrap();
        assert!(!config.demo_data);
        assert_eq!(config.http.bind.port(), 8080);
    }

    #[test]
    fn other_variables_table() {
        let bad: &[(&str, &str)] = &[
            ("EDU_BIND", "localhost"),
            ("EDU_BIND", "127.0.0.1:99999"),
            ("EDU_LOG_FORMAT", "xml"),
            ("EDU_LOG", "info,[=="),
            ("EDU_DEMO_DATA", "yes please"),
            ("EDU_DEV_MODE", "on"),
            ("EDU_SHUTDOWN_GRACE_SECS", "0"),
            ("EDU_SHUTDOWN_GRACE_SECS", "2.5"),
            ("EDU_SHUTDOWN_GRACE_SECS", "601"),
        ];
        for (var, value) in bad {
            let err = parse(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, *var, "{value}");
            assert!(!err.to_string().contains('\n'), "one line: {err}");
        }

        let good = parse(&[
            ("EDU_BIND", "0.0.0.0:0"),
            ("EDU_LOG_FORMAT", "json"),
            ("EDU_LOG", "debug"),
            ("EDU_STATIC_DIR", "/srv/dist"),
            ("EDU_DEMO_DATA", "TRUE"),
            ("EDU_DEV_MODE", "1"),
            ("EDU_SHUTDOWN_GRACE_SECS", "3"),
        ])
        .unwrap();
        assert_eq!(good.http.shutdown_grace, std::time::Duration::from_secs(3));
        assert_eq!(good.http.bind.port(), 0);
        assert_eq!(good.log.format, LogFormat::Json);
        assert_eq!(good.log.filter, "debug");
        assert_eq!(good.http.static_dir, PathBuf::from("/srv/dist"));
        assert!(good.demo_data);
        assert!(good.dev_mode);
        for (value, expected) in [("1", true), ("0", false), ("false", false)] {
            assert_eq!(
                parse(&[("EDU_DEMO_DATA", value)]).unwrap().demo_data,
                expected
            );
        }
    }
}
