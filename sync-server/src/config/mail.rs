//! `[mail]`: `EDU_SMTP_URL`, `EDU_MAIL_FROM` and `EDU_REMINDER_SWEEP_SECS`, validated; the SMTP
//! password never shows.
//!
//! Owns parsing only; choosing and building the transport is `notify::transport`'s.

use std::fmt;
use std::time::Duration;

use super::{redact, ConfigError, Vars};

pub const DEFAULT_MAIL_FROM: &str = "EduPlatform <no-reply@localhost>";
/// Every quarter of an hour: zones a half or three quarters of an hour off UTC (India, Nepal)
/// start their hours at :30 and :45.
pub const DEFAULT_REMINDER_SWEEP: Duration = Duration::from_secs(15 * 60);
const MAX_REMINDER_SWEEP_SECS: u64 = 15 * 60;

/// How mail leaves the server.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `EDU_SMTP_URL`: the mail server; `None` sends mail to the dev mailbox and the log instead.
    pub smtp_url: Option<SmtpUrl>,
    /// `EDU_MAIL_FROM`: the sender of every mail, e.g. `EduPlatform <no-reply@example.org>`.
    pub from: String,
    /// `EDU_REMINDER_SWEEP_SECS`: how often "cards are due" reminders are looked for (each user
    /// gets theirs in the first sweep of their chosen local hour). 1 to 900 seconds.
    pub reminder_sweep: Duration,
}

impl MailConfig {
    pub(super) fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let smtp_url = vars
            .get("EDU_SMTP_URL")
            .map(|v| SmtpUrl::parse(v.trim()))
            .transpose()
            .map_err(|m| ConfigError::new("EDU_SMTP_URL", m))?;
        let from = vars
            .get("EDU_MAIL_FROM")
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| DEFAULT_MAIL_FROM.into());
        check_mailbox(&from).map_err(|m| ConfigError::new("EDU_MAIL_FROM", m))?;
        let reminder_sweep = super::parse_seconds(
            vars,
            "EDU_REMINDER_SWEEP_SECS",
            DEFAULT_REMINDER_SWEEP,
            MAX_REMINDER_SWEEP_SECS,
        )?;
        Ok(Self {
            smtp_url,
            from,
            reminder_sweep,
        })
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

#[cfg(test)]
mod tests {
    use super::super::tests::parse;

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
        let url = config.mail.smtp_url.clone().unwrap();
        assert_eq!(url.expose(), "smtps://mailer:hunter2@mail.example.org:465");
        assert_eq!(url.redacted(), "smtps://mailer:***@mail.example.org:465");
        assert!(!format!("{config:?} {url}").contains("hunter2"));
        let err = parse(&[("EDU_SMTP_URL", "imap://mailer:hunter2@mail.example.org")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn reminder_sweep_table() {
        assert_eq!(
            parse(&[]).unwrap().mail.reminder_sweep,
            std::time::Duration::from_secs(900)
        );
        for (text, secs) in [("1", Some(1)), ("60", Some(60)), ("900", Some(900))] {
            let got = parse(&[("EDU_REMINDER_SWEEP_SECS", text)]).unwrap();
            assert_eq!(got.mail.reminder_sweep.as_secs(), secs.unwrap());
        }
        for text in ["0", "901", "1.5", "soon"] {
            let err = parse(&[("EDU_REMINDER_SWEEP_SECS", text)]).unwrap_err();
            assert_eq!(err.var, "EDU_REMINDER_SWEEP_SECS", "{text}");
        }
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
}
