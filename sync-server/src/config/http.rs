//! `[http]`: where the server listens and how the world reaches it: `EDU_BIND`, `EDU_PUBLIC_URL`
//! (parsed once into a `PublicUrl`), `EDU_TRUSTED_PROXIES`, `EDU_METRICS_BIND`, `EDU_STATIC_DIR`,
//! `EDU_SHUTDOWN_GRACE_SECS`.
//!
//! Owns parsing; requests never re-parse any of it.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;

use super::{ConfigError, Vars};

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_STATIC_DIR: &str = "dist";
/// Below `docker stop`'s 10 s before SIGKILL, so the drain ends before the kill.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(8);
const MAX_SHUTDOWN_GRACE_SECS: u64 = 600;

/// The HTTP side of the configuration.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// `EDU_BIND`: the address to listen on (`127.0.0.1:0` picks a free port).
    pub bind: SocketAddr,
    /// `EDU_PUBLIC_URL`: where users reach the app (links in mail, the CSRF origin, `Secure`).
    pub public_url: PublicUrl,
    /// `EDU_TRUSTED_PROXIES`: peers whose `X-Forwarded-For` is believed (comma-separated IPs or
    /// CIDR ranges; a single IP is a /32 or /128).
    pub trusted_proxies: Vec<IpNet>,
    /// `EDU_METRICS_BIND`: the address of the listener that serves `GET /metrics`; `None` serves no
    /// metrics. Never the public port.
    pub metrics_bind: Option<SocketAddr>,
    /// `EDU_STATIC_DIR`: the built client (Trunk's `dist/`).
    pub static_dir: PathBuf,
    /// `EDU_SHUTDOWN_GRACE_SECS`: after SIGTERM, how long open connections are still answered
    /// (with `Connection: close`) and requests and jobs in flight may finish.
    pub shutdown_grace: Duration,
}

impl HttpConfig {
    pub(super) fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let bind = vars.get("EDU_BIND").unwrap_or_else(|| DEFAULT_BIND.into());
        let bind = bind.trim().parse::<SocketAddr>().map_err(|_| {
            ConfigError::new(
                "EDU_BIND",
                format!("expected an address like 127.0.0.1:8080 or 0.0.0.0:8080, got {bind:?}"),
            )
        })?;

        let static_dir = PathBuf::from(
            vars.get("EDU_STATIC_DIR")
                .unwrap_or_else(|| DEFAULT_STATIC_DIR.into()),
        );

        let public_url = match vars.get("EDU_PUBLIC_URL") {
            Some(url) => PublicUrl::parse(url.trim(), false),
            None => PublicUrl::parse(&format!("http://{bind}"), true),
        }
        .map_err(|m| ConfigError::new("EDU_PUBLIC_URL", m))?;

        let trusted_proxies = match vars.get("EDU_TRUSTED_PROXIES") {
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

        let metrics_bind = vars
            .get("EDU_METRICS_BIND")
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

        let shutdown_grace = super::parse_seconds(
            vars,
            "EDU_SHUTDOWN_GRACE_SECS",
            DEFAULT_SHUTDOWN_GRACE,
            MAX_SHUTDOWN_GRACE_SECS,
        )?;

        Ok(Self {
            bind,
            public_url,
            trusted_proxies,
            metrics_bind,
            static_dir,
            shutdown_grace,
        })
    }

    /// Whether cookies must be `Secure` (the public address is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.is_https()
    }
}

/// `EDU_PUBLIC_URL`, checked and taken apart once: an absolute http(s) URL with a host, no trailing
/// slash, query, fragment or user, so `format!("{public_url}/verify-email?token=…")` is always a
/// well-formed link. Displays as the URL itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// As configured, no trailing slash.
    base: String,
    /// `scheme://host[:port]`, what browsers send in `Origin`.
    origin: String,
    https: bool,
    /// Made from `EDU_BIND` because `EDU_PUBLIC_URL` was unset: follows the port really bound.
    from_bind: bool,
}

impl PublicUrl {
    fn parse(url: &str, from_bind: bool) -> Result<Self, String> {
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
        Ok(Self {
            base: url.to_owned(),
            origin: parsed.origin().ascii_serialization(),
            https: parsed.scheme() == "https",
            from_bind,
        })
    }

    /// The URL (no trailing slash), ready for `format!("{base}/verify-email?…")`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The origin (`scheme://host[:port]`) browsers send in `Origin` for this server's pages.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The URL for a server really bound to `bound`: one made from `EDU_BIND` takes that address
    /// (port 0 becomes the port the OS chose); an explicit one never changes.
    pub fn with_bound_address(self, bound: SocketAddr) -> Self {
        if !self.from_bind {
            return self;
        }
        // An address always makes a valid http URL; keep the old one if that ever failed.
        Self::parse(&format!("http://{bound}"), true).unwrap_or(self)
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
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

#[cfg(test)]
mod tests {
    use super::super::tests::parse;
    use super::*;

    #[test]
    fn metrics_bind_table() {
        let config = parse(&[("EDU_METRICS_BIND", "127.0.0.1:9090")]).unwrap();
        assert_eq!(
            config.http.metrics_bind,
            Some("127.0.0.1:9090".parse().unwrap())
        );
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
        let bound: SocketAddr = "127.0.0.1:40123".parse().unwrap();
        let derived = parse(&[("EDU_BIND", "127.0.0.1:0")]).unwrap();
        let derived = derived.with_bound_address(bound).http.public_url;
        assert_eq!(derived.base(), "http://127.0.0.1:40123");
        assert_eq!(derived.origin(), "http://127.0.0.1:40123");
        let explicit = parse(&[
            ("EDU_BIND", "127.0.0.1:0"),
            ("EDU_PUBLIC_URL", "https://learn.example.org"),
        ])
        .unwrap();
        assert_eq!(
            explicit.with_bound_address(bound).http.public_url.base(),
            "https://learn.example.org"
        );
    }

    #[test]
    fn public_url_defaults_to_the_bind_address() {
        let config = parse(&[("EDU_BIND", "0.0.0.0:3000")]).unwrap();
        assert_eq!(config.http.public_url.base(), "http://0.0.0.0:3000");
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
                Ok(config) => assert_eq!(config.http.public_url.to_string(), *url),
                Err(e) => {
                    assert_eq!(e.var, "EDU_PUBLIC_URL");
                    assert!(!e.to_string().contains('\n'), "one line: {e}");
                }
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
        assert_eq!(config.http.public_url.base(), "https://edu.example.com");
        assert_eq!(config.http.public_url.origin(), "https://edu.example.com");
        assert!(config.http.secure_cookies());
        assert_eq!(
            config.http.trusted_proxies,
            vec![
                "10.0.0.1/32".parse::<IpNet>().unwrap(),
                "::1/128".parse().unwrap()
            ]
        );
        let ranges = parse(&[("EDU_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8,192.0.2.7")]).unwrap();
        assert_eq!(
            ranges.http.trusted_proxies,
            vec![
                "10.0.0.0/8".parse::<IpNet>().unwrap(),
                "fd00::/8".parse().unwrap(),
                "192.0.2.7/32".parse().unwrap()
            ]
        );
        let sub = parse(&[("EDU_PUBLIC_URL", "http://host:9000/edu")]).unwrap();
        assert_eq!(sub.http.public_url.base(), "http://host:9000/edu");
        assert_eq!(sub.http.public_url.origin(), "http://host:9000");

        for (var, value) in [
            ("EDU_TRUSTED_PROXIES", "10.0.0.5/8"),
            ("EDU_TRUSTED_PROXIES", "10.0.0.0/33"),
            ("EDU_TRUSTED_PROXIES", "proxy.local"),
        ] {
            let err = parse(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{value}");
        }
    }
}
