//! The server's configuration: every `EDU_*` environment variable, read once at start and validated.
//!
//! Owns parsing and the error line an operator sees for a bad value. Nothing else in the server reads
//! the environment; the parsed `Config` is passed down explicitly.

use std::fmt;
use std::net::SocketAddr;

use ipnet::IpNet;
use std::path::PathBuf;
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;

/// Everything the server needs to know about its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `EDU_DATABASE_URL`: where the data lives.
    pub database_url: DatabaseUrl,
    /// `EDU_BIND`: the address to listen on (`127.0.0.1:0` picks a free port).
    pub bind: SocketAddr,
    /// `EDU_LOG_FORMAT`: human-readable or JSON log lines (on stderr).
    pub log_format: LogFormat,
    /// `EDU_LOG`: a tracing filter such as `info,sqlx=warn`.
    pub log_filter: String,
    /// `EDU_STATIC_DIR`: the built client (Trunk's `dist/`).
    pub static_dir: PathBuf,
    /// `EDU_DEMO_DATA`: fill an empty catalog with demo courses and create the demo accounts.
    pub demo_data: bool,
    /// `EDU_DEV_MODE`: development conveniences (the dev mailbox at `/dev/mailbox`). Never in production.
    pub dev_mode: bool,
    /// `EDU_PUBLIC_URL`: where users reach the app, for links in mail; http(s), no trailing slash.
    pub public_url: String,
    /// True when `EDU_PUBLIC_URL` was not set and `public_url` was made from `EDU_BIND`.
    pub public_url_from_bind: bool,
    /// `EDU_SMTP_URL`: the mail server; `None` sends mail to the dev mailbox and the log instead.
    pub smtp_url: Option<SmtpUrl>,
    /// `EDU_MAIL_FROM`: the sender of every mail, e.g. `EduPlatform <no-reply@example.org>`.
    pub mail_from: String,
    /// `EDU_TRUSTED_PROXIES`: peers whose `X-Forwarded-For` is believed (comma-separated IPs or
    /// CIDR ranges; a single IP is a /32 or /128).
    pub trusted_proxies: Vec<IpNet>,
    /// `EDU_METRICS_BIND`: the address of the listener that serves `GET /metrics`; `None` serves no
    /// metrics. Never the public port.
    pub metrics_bind: Option<SocketAddr>,
    /// Attempt limits of the account routes. Not read from the environment: tests and benchmarks
    /// change them in code.
    pub rate_limits: RateLimits,
    /// How many password hashes may be computed at once (each takes one core for tens of ms).
    /// Defaults to the number of cores less one (at least one); not read from the environment.
    pub password_hash_permits: usize,
}

/// Attempts allowed per minute for each account route, per client IP and per account (email
/// address). A limit of 0 means unlimited (benchmarks only). See `identity::rate_limit` for how
/// sign-in limits are keyed so that strangers cannot lock an owner out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// Sign-in attempts from one source (an IPv4 address or an IPv6 /64), whatever the account.
    pub sign_in_per_ip: u32,
    /// Sign-in attempts on one account from one source.
    pub sign_in_per_account: u32,
    /// Sign-in attempts on one account from all sources together, except browsers that signed in
    /// to it before: the ceiling a botnet meets.
    pub sign_in_per_account_all_sources: u32,
    /// Sign-in attempts from one browser that signed in to the account before (its device cookie).
    pub sign_in_per_known_device: u32,
    pub register_per_ip: u32,
    pub register_per_account: u32,
    /// Forgot password, resend verification, reset password.
    pub recovery_per_ip: u32,
    pub recovery_per_account: u32,
    /// A signed-in user confirming their password (change password or email, delete account).
    pub password_checks_per_user: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            sign_in_per_ip: 10,
            sign_in_per_account: 5,
            sign_in_per_account_all_sources: 20,
            sign_in_per_known_device: 10,
            register_per_ip: 10,
            register_per_account: 3,
            recovery_per_ip: 10,
            recovery_per_account: 3,
            password_checks_per_user: 5,
        }
    }
}

impl RateLimits {
    /// No limits at all: for load benchmarks that hammer one route from one address.
    pub fn unlimited() -> Self {
        Self {
            sign_in_per_ip: 0,
            sign_in_per_account: 0,
            sign_in_per_account_all_sources: 0,
            sign_in_per_known_device: 0,
            register_per_ip: 0,
            register_per_account: 0,
            recovery_per_ip: 0,
            recovery_per_account: 0,
            password_checks_per_user: 0,
        }
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/edu.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_LOG_FILTER: &str = "info,sqlx=warn";
pub const DEFAULT_STATIC_DIR: &str = "dist";
pub const DEFAULT_MAIL_FROM: &str = "EduPlatform <no-reply@localhost>";

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

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines for a terminal.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
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

/// A validated `smtp://` or `smtps://` URL. Its `Debug` and `Display` never show a password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    url: String,
}

impl SmtpUrl {
    /// Accepts `smtp://[user:pass@]host[:port][?…]` (STARTTLS or plain, as the query says) and
    /// `smtps://…` (TLS from the first byte).
    pub fn parse(url: &str) -> Result<Self, String> {
        let parsed = url::Url::parse(url).map_err(|_| {
            format!(
                "expected smtp://user:pass@host:587 or smtps://user:pass@host:465, got {}",
                redact(url)
            )
        })?;
        if !matches!(parsed.scheme(), "smtp" | "smtps") {
            return Err(format!(
                "expected an smtp:// or smtps:// URL, got {}",
                redact(url)
            ));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(format!("{} names no host", redact(url)));
        }
        Ok(Self {
            url: url.to_owned(),
        })
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

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SmtpUrl").field(&self.redacted()).finish()
    }
}

impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Checks `EDU_PUBLIC_URL`: an absolute http(s) URL with a host, no trailing slash, query or fragment,
/// so `format!("{public_url}/verify-email?token=…")` is always a well-formed link.
fn check_public_url(url: &str) -> Result<(), String> {
    let expected = || format!("expected a URL like https://edu.example.org, got {url:?}");
    let parsed = url::Url::parse(url).map_err(|_| expected())?;
    if !matches!(parsed.scheme(), "http" | "https")
        || parsed.host_str().is_none_or(str::is_empty)
        || parsed.query().is_some()
        || parsed.fragment().is_some()
        || !parsed.username().is_empty()
    {
        return Err(expected());
    }
    if url.ends_with('/') {
        return Err(format!("remove the trailing slash from {url:?}"));
    }
    Ok(())
}

/// Checks `EDU_MAIL_FROM`: `name@domain` or `Display Name <name@domain>`.
fn check_mailbox(text: &str) -> Result<(), String> {
    let expected =
        || format!("expected an address like EduPlatform <no-reply@example.org>, got {text:?}");
    let address = match text.rsplit_once('<') {
        Some((name, rest)) => {
            let address = rest.strip_suffix('>').ok_or_else(expected)?;
            if name.contains(['<', '>', '"', '\n', '\r']) {
                return Err(expected());
            }
            address
        }
        None => text,
    };
    let (local, domain) = address.split_once('@').ok_or_else(expected)?;
    let bad = |part: &str| {
        part.is_empty()
            || part
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>@,;:\"()[]\\".contains(c))
    };
    if bad(local) || bad(domain) || domain.starts_with('.') || domain.ends_with('.') {
        return Err(expected());
    }
    Ok(())
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

/// One `EDU_TRUSTED_PROXIES` entry: `10.0.0.5`, `::1` or a range such as `10.0.0.0/8`. A range
/// with host bits set (`10.0.0.5/8`) is refused: it is more likely a typo than a wish.
fn parse_proxy(item: &str) -> Option<IpNet> {
    if let Ok(ip) = item.parse::<std::net::IpAddr>() {
        return Some(IpNet::from(ip));
    }
    let net = item.parse::<IpNet>().ok()?;
    (net.trunc() == net).then_some(net)
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
    /// `EDU_PUBLIC_URL` (no trailing slash), ready for `format!("{base}/verify-email?…")`.
    pub fn public_base(&self) -> String {
        self.public_url.clone()
    }

    /// The origin (`scheme://host[:port]`) browsers send in `Origin` for this server's pages.
    pub fn public_origin(&self) -> String {
        // Checked when parsed, so it is a URL with a host.
        url::Url::parse(&self.public_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default()
    }

    /// Whether cookies must be `Secure` (the public address is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Whether to warn at start that sessions travel in the clear: the public address is plain http
    /// (cookies without `Secure`, tokens and passwords readable on the way) while the server listens
    /// on an address other machines can reach.
    pub fn warns_of_plain_http(&self) -> bool {
        !self.secure_cookies() && !self.bind.ip().to_canonical().is_loopback()
    }

    /// The config for a server listening on `bound`: a public URL derived from `EDU_BIND` takes the
    /// address really bound (port 0 becomes the port the OS chose). An explicit one never changes.
    pub fn with_bound_address(mut self, bound: std::net::SocketAddr) -> Self {
        if self.public_url_from_bind {
            self.public_url = format!("http://{bound}");
        }
        self
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`; an unset or empty variable takes its default.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let database_url = var("EDU_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let database_url = DatabaseUrl::parse(database_url.trim())
            .map_err(|m| ConfigError::new("EDU_DATABASE_URL", m))?;

        let bind = var("EDU_BIND").unwrap_or_else(|| DEFAULT_BIND.into());
        let bind = bind.trim().parse::<SocketAddr>().map_err(|_| {
            ConfigError::new(
                "EDU_BIND",
                format!("expected an address like 127.0.0.1:8080 or 0.0.0.0:8080, got {bind:?}"),
            )
        })?;

        let log_format = match var("EDU_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::new(
                    "EDU_LOG_FORMAT",
                    format!("expected pretty or json, got {other:?}"),
                ))
            }
        };

        let log_filter = var("EDU_LOG").unwrap_or_else(|| DEFAULT_LOG_FILTER.into());
        tracing_subscriber::EnvFilter::try_new(&log_filter).map_err(|e| {
            ConfigError::new(
                "EDU_LOG",
                format!("not a tracing filter like info,sqlx=warn: {log_filter:?}: {e}"),
            )
        })?;

        let static_dir =
            PathBuf::from(var("EDU_STATIC_DIR").unwrap_or_else(|| DEFAULT_STATIC_DIR.into()));

        let demo_data = parse_bool("EDU_DEMO_DATA", var("EDU_DEMO_DATA"))?;
        let dev_mode = parse_bool("EDU_DEV_MODE", var("EDU_DEV_MODE"))?;

        let public_url_from_bind = var("EDU_PUBLIC_URL").is_none();
        let public_url = var("EDU_PUBLIC_URL")
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| format!("http://{bind}"));
        check_public_url(&public_url).map_err(|m| ConfigError::new("EDU_PUBLIC_URL", m))?;

        let smtp_url = var("EDU_SMTP_URL")
            .map(|v| SmtpUrl::parse(v.trim()))
            .transpose()
            .map_err(|m| ConfigError::new("EDU_SMTP_URL", m))?;

        let mail_from = var("EDU_MAIL_FROM")
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| DEFAULT_MAIL_FROM.into());
        check_mailbox(&mail_from).map_err(|m| ConfigError::new("EDU_MAIL_FROM", m))?;

        let trusted_proxies = match var("EDU_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(text) => text
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| {
                    parse_proxy(item).ok_or_else(|| {
                        ConfigError::new(
                            "EDU_TRUSTED_PROXIES",
                            format!(
                                "expected comma-separated IP addresses or CIDR ranges \
                                 (10.0.0.0/8), got {item:?}"
                            ),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };

        let metrics_bind = var("EDU_METRICS_BIND")
            .map(|text| {
                text.trim().parse::<SocketAddr>().map_err(|_| {
                    ConfigError::new(
                        "EDU_METRICS_BIND",
                        format!("expected an address like 127.0.0.1:9090, got {text:?}"),
                    )
                })
            })
            .transpose()?;
        if metrics_bind.is_some_and(|m| m == bind && m.port() != 0) {
            return Err(ConfigError::new(
                "EDU_METRICS_BIND",
                format!("must differ from EDU_BIND ({bind}): metrics are never public"),
            ));
        }

        Ok(Self {
            database_url,
            bind,
            log_format,
            log_filter,
            static_dir,
            demo_data,
            dev_mode,
            public_url,
            public_url_from_bind,
            smtp_url,
            mail_from,
            trusted_proxies,
            metrics_bind,
            rate_limits: RateLimits::default(),
            // One core stays free for everything else: on 2 cores the sign-in flood benchmark
            // gets the same sign-ins/s with 1 permit as with 2, and catalog p99 stays near idle.
            password_hash_permits: std::thread::available_parallelism()
                .map(|n| usize::from(n).saturating_sub(1).max(1))
                .unwrap_or(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn empty_environment_gives_the_documented_defaults() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.database_url.expose(), "sqlite://data/edu.db");
        assert_eq!(config.database_url.backend(), Backend::Sqlite);
        assert_eq!(config.bind, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.log_format, LogFormat::Pretty);
        assert_eq!(config.log_filter, "info,sqlx=warn");
        assert_eq!(config.static_dir, PathBuf::from("dist"));
        assert!(!config.demo_data);
        assert!(!config.dev_mode);
        assert_eq!(config.public_url, "http://127.0.0.1:8080");
        assert_eq!(config.smtp_url, None);
        assert_eq!(config.mail_from, "EduPlatform <no-reply@localhost>");
        assert_eq!(config.public_base(), "http://127.0.0.1:8080");
        assert_eq!(config.public_origin(), "http://127.0.0.1:8080");
        assert!(!config.secure_cookies());
        assert!(config.trusted_proxies.is_empty());
        assert_eq!(config.metrics_bind, None);
        assert_eq!(config.rate_limits, RateLimits::default());
    }

    #[test]
    fn metrics_bind_table() {
        let config = parse(&[("EDU_METRICS_BIND", "127.0.0.1:9090")]).unwrap();
        assert_eq!(config.metrics_bind, Some("127.0.0.1:9090".parse().unwrap()));
        for value in ["9090", "localhost:9090", "127.0.0.1:8080"] {
            let err = parse(&[("EDU_METRICS_BIND", value)]).unwrap_err();
            assert_eq!(err.var, "EDU_METRICS_BIND", "{value}");
            assert!(!err.to_string().contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn plain_http_on_a_reachable_address_is_warned_of() {
        let cases: &[(&str, &str, bool)] = &[
            ("127.0.0.1:8080", "http://127.0.0.1:8080", false),
            ("[::1]:8080", "http://localhost:8080", false),
            ("[::ffff:127.0.0.1]:8080", "http://localhost:8080", false),
            ("0.0.0.0:8080", "http://localhost:8080", true),
            ("[::]:8080", "http://edu.example.org", true),
            ("192.0.2.10:8080", "http://192.0.2.10:8080", true),
            ("0.0.0.0:8080", "https://edu.example.org", false),
            ("127.0.0.1:8080", "https://edu.example.org", false),
        ];
        for (bind, public_url, warns) in cases {
            let config = parse(&[("EDU_BIND", bind), ("EDU_PUBLIC_URL", public_url)]).unwrap();
            assert_eq!(config.warns_of_plain_http(), *warns, "{bind} {public_url}");
        }
        // No EDU_PUBLIC_URL: it is made from EDU_BIND, so http.
        assert!(parse(&[("EDU_BIND", "0.0.0.0:8080")])
            .unwrap()
            .warns_of_plain_http());
    }

    #[test]
    fn a_public_url_from_the_bind_address_follows_the_port_really_bound() {
        let bound: std::net::SocketAddr = "127.0.0.1:40123".parse().unwrap();
        let derived = parse(&[("EDU_BIND", "127.0.0.1:0")]).unwrap();
        assert_eq!(
            derived.with_bound_address(bound).public_url,
            "http://127.0.0.1:40123"
        );
        let explicit = parse(&[
            ("EDU_BIND", "127.0.0.1:0"),
            ("EDU_PUBLIC_URL", "https://learn.example.org"),
        ])
        .unwrap();
        assert_eq!(
            explicit.with_bound_address(bound).public_url,
            "https://learn.example.org"
        );
    }

    #[test]
    fn public_url_defaults_to_the_bind_address() {
        let config = parse(&[("EDU_BIND", "0.0.0.0:3000")]).unwrap();
        assert_eq!(config.public_url, "http://0.0.0.0:3000");
    }

    #[test]
    fn public_urls_table() {
        let cases: &[(&str, bool)] = &[
            ("https://edu.example.org", true),
            ("http://localhost:8080", true),
            ("https://example.org/edu", true),
            ("https://edu.example.org/", false),
            ("https://example.org/edu/", false),
            ("ftp://example.org", false),
            ("edu.example.org", false),
            ("https://example.org?x=1", false),
            ("https://example.org#top", false),
            ("https://user@example.org", false),
        ];
        for (url, ok) in cases {
            let got = parse(&[("EDU_PUBLIC_URL", url)]);
            assert_eq!(got.is_ok(), *ok, "{url}: {got:?}");
            match got {
                Ok(config) => assert_eq!(config.public_url, *url),
                Err(e) => {
                    assert_eq!(e.var, "EDU_PUBLIC_URL");
                    assert!(!e.to_string().contains('\n'), "one line: {e}");
                }
            }
        }
    }

    #[test]
    fn smtp_urls_table() {
        let cases: &[(&str, bool)] = &[
            ("smtp://127.0.0.1:2525", true),
            ("smtp://user:pass@mail.example.org:587", true),
            ("smtps://user:pass@mail.example.org:465", true),
            ("smtp://127.0.0.1:2525?tls=none", true),
            ("http://mail.example.org", false),
            ("mail.example.org:25", false),
            ("smtp://", false),
        ];
        for (url, ok) in cases {
            let got = parse(&[("EDU_SMTP_URL", url)]);
            assert_eq!(got.is_ok(), *ok, "{url}: {got:?}");
            if let Err(e) = got {
                assert_eq!(e.var, "EDU_SMTP_URL");
            }
        }
    }

    #[test]
    fn smtp_password_never_shows() {
        let config = parse(&[(
            "EDU_SMTP_URL",
            "smtps://mailer:hunter2@mail.example.org:465",
        )])
        .unwrap();
        let url = config.smtp_url.clone().unwrap();
        assert_eq!(url.expose(), "smtps://mailer:hunter2@mail.example.org:465");
        assert_eq!(url.redacted(), "smtps://mailer:***@mail.example.org:465");
        assert!(!format!("{config:?} {url}").contains("hunter2"));
        let err = parse(&[("EDU_SMTP_URL", "imap://mailer:hunter2@mail.example.org")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn mail_from_table() {
        let cases: &[(&str, bool)] = &[
            ("no-reply@example.org", true),
            ("EduPlatform <no-reply@example.org>", true),
            ("Образование <info@example.org>", true),
            ("no-reply", false),
            ("EduPlatform <no-reply@example.org", false),
            ("two words@example.org", false),
            ("a@b@c", false),
            ("<@example.org>", false),
            ("x <a@.org>", false),
        ];
        for (text, ok) in cases {
            let got = parse(&[("EDU_MAIL_FROM", text)]);
            assert_eq!(got.is_ok(), *ok, "{text}: {got:?}");
            if let Err(e) = got {
                assert_eq!(e.var, "EDU_MAIL_FROM");
            }
        }
    }

    #[test]
    fn public_url_and_trusted_proxies_table() {
        let config = parse(&[
            ("EDU_PUBLIC_URL", "https://edu.example.com"),
            ("EDU_TRUSTED_PROXIES", "10.0.0.1, ::1"),
        ])
        .unwrap();
        assert_eq!(config.public_base(), "https://edu.example.com");
        assert_eq!(config.public_origin(), "https://edu.example.com");
        assert!(config.secure_cookies());
        assert_eq!(
            config.trusted_proxies,
            vec![
                "10.0.0.1/32".parse::<IpNet>().unwrap(),
                "::1/128".parse().unwrap()
            ]
        );
        let ranges = parse(&[("EDU_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8,192.0.2.7")]).unwrap();
        assert_eq!(
            ranges.trusted_proxies,
            vec![
                "10.0.0.0/8".parse::<IpNet>().unwrap(),
                "fd00::/8".parse().unwrap(),
                "192.0.2.7/32".parse().unwrap()
            ]
        );
        let sub = parse(&[("EDU_PUBLIC_URL", "http://host:9000/edu")]).unwrap();
        assert_eq!(sub.public_base(), "http://host:9000/edu");
        assert_eq!(sub.public_origin(), "http://host:9000");

        for (var, value) in [
            ("EDU_TRUSTED_PROXIES", "10.0.0.5/8"),
            ("EDU_TRUSTED_PROXIES", "10.0.0.0/33"),
            ("EDU_TRUSTED_PROXIES", "proxy.local"),
        ] {
            let err = parse(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{value}");
        }
    }

    #[test]
    fn empty_values_count_as_unset() {
        let config = parse(&[("EDU_DEMO_DATA", ""), ("EDU_BIND", " ")]).unwrap();
        assert!(!config.demo_data);
        assert_eq!(config.bind.port(), 8080);
    }

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
            let got = parse(&[("EDU_DATABASE_URL", url)]).map(|c| c.database_url.backend());
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

    #[test]
    fn other_variables_table() {
        let bad: &[(&str, &str)] = &[
            ("EDU_BIND", "localhost"),
            ("EDU_BIND", "127.0.0.1:99999"),
            ("EDU_LOG_FORMAT", "xml"),
            ("EDU_LOG", "info,[=="),
            ("EDU_DEMO_DATA", "yes please"),
            ("EDU_DEV_MODE", "on"),
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
        ])
        .unwrap();
        assert_eq!(good.bind.port(), 0);
        assert_eq!(good.log_format, LogFormat::Json);
        assert_eq!(good.log_filter, "debug");
        assert_eq!(good.static_dir, PathBuf::from("/srv/dist"));
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
