//! Limits and pure checks enforced by both the client (before sending) and the server (always).
//!
//! Each check takes what a person typed and returns either the value to store (trimmed, normalised)
//! or the typed reason it is refused (`Invalid`), which each side words in its own language
//! (`Invalid::english` for the server's message and logs). No I/O: the common-password list is
//! compiled in.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Why a value was refused: the typed reason both sides word in their own language.
///
/// On the wire (the `reason` of an `ErrorBody`) it is tagged by `kind` with its numbers beside:
/// `{"kind": "too_short", "min": 10}`. A client reads a kind it does not know as `Unknown`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Invalid {
    /// Nothing was given (or only spaces).
    Required,
    /// Fewer than `min` characters (after trimming, where the field is trimmed).
    TooShort { min: usize },
    /// More than `max` characters.
    TooLong { max: usize },
    /// A number outside `min..=max`.
    OutOfRange { min: u32, max: u32 },
    /// Not a whole number.
    NotWholeNumber,
    /// Not one of the listed values.
    NotOneOf { allowed: Vec<String> },
    /// Not an email address like `name@example.com`.
    NotEmail,
    /// Not an absolute `http://` or `https://` address.
    NotLink,
    /// Not an IANA time zone name like `Europe/Moscow`.
    NotTimeZone,
    /// Line breaks or other control characters where one line of text belongs.
    NotOneLine,
    /// Control characters other than line breaks and tabs.
    ControlCharacters,
    /// One of the most common passwords.
    Common,
    /// The same as the value it is meant to replace.
    Unchanged,
    /// A token (a page cursor) this server did not issue.
    NotIssued,
    /// A reason this build does not know (sent by a newer server); the message says more.
    #[serde(other, skip_serializing)]
    Unknown,
}

impl Invalid {
    /// The reason in English, starting with the field it is about (`display_name` reads
    /// "display name"): the server's `message`, its logs and the admin command's output.
    pub fn english(&self, field: &str) -> String {
        let field = field.replace('_', " ");
        match self {
            Self::Required => format!("{field} is required"),
            Self::TooShort { min } => format!("{field} must be at least {min} characters"),
            Self::TooLong { max } => format!("{field} must be at most {max} characters"),
            Self::OutOfRange { min, max } => format!("{field} must be between {min} and {max}"),
            Self::NotWholeNumber => format!("{field} must be a whole number"),
            Self::NotOneOf { allowed } => match allowed.split_last() {
                Some((last, [])) => format!("{field} must be {last}"),
                Some((last, rest)) => format!("{field} must be {} or {last}", rest.join(", ")),
                None => format!("{field} is not accepted"),
            },
            Self::NotEmail => format!("{field} must look like name@example.com"),
            Self::NotLink => format!("{field} must be an http:// or https:// address"),
            Self::NotTimeZone => {
                format!("{field} must be an IANA time zone name like Europe/Moscow")
            }
            Self::NotOneLine => format!("{field} must be one line without control characters"),
            Self::ControlCharacters => format!("{field} must not contain control characters"),
            Self::Common => format!(
                "{field} is one of the most common passwords; choose one that is harder to guess"
            ),
            Self::Unchanged => format!("{field} is the same as the current one"),
            Self::NotIssued => {
                format!("{field} is not one this server issued; start again without it")
            }
            Self::Unknown => format!("{field} is not accepted"),
        }
    }
}

/// Page size used when a list request names none.
pub const PAGE_LIMIT_DEFAULT: u32 = 20;
/// Largest page a list request may ask for.
pub const PAGE_LIMIT_MAX: u32 = 100;

/// Checks a requested page size: `None` means the default.
///
/// Returns the size to use, or `OutOfRange` when it is not in `1..=PAGE_LIMIT_MAX`.
pub fn page_limit(requested: Option<u32>) -> Result<u32, Invalid> {
    match requested {
        None => Ok(PAGE_LIMIT_DEFAULT),
        Some(n) if (1..=PAGE_LIMIT_MAX).contains(&n) => Ok(n),
        Some(_) => Err(Invalid::OutOfRange {
            min: 1,
            max: PAGE_LIMIT_MAX,
        }),
    }
}

/// Longest email address accepted (RFC 5321's path limit less the angle brackets).
pub const EMAIL_MAX_CHARS: usize = 254;
/// Longest local part (before the `@`) accepted.
pub const EMAIL_LOCAL_MAX_CHARS: usize = 64;
/// Shortest password accepted, in characters.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest password accepted, in characters (bounds the hashing work one request can cause).
pub const PASSWORD_MAX_CHARS: usize = 128;
/// Display name length after trimming, in characters.
pub const DISPLAY_NAME_MAX_CHARS: usize = 80;
/// Longest IANA time zone name accepted.
pub const TIME_ZONE_MAX_CHARS: usize = 64;
/// Teacher application bio length after trimming, in characters.
pub const BIO_MIN_CHARS: usize = 20;
pub const BIO_MAX_CHARS: usize = 2000;
/// Teacher application subject length after trimming, in characters.
pub const SUBJECT_MIN_CHARS: usize = 2;
pub const SUBJECT_MAX_CHARS: usize = 120;
/// Longest link accepted on a teacher application.
pub const LINK_MAX_CHARS: usize = 500;
/// Rejection reason length after trimming, in characters.
pub const REASON_MIN_CHARS: usize = 5;
pub const REASON_MAX_CHARS: usize = 1000;

/// The bundled list of the 10,000 most common passwords (provenance in its header).
const COMMON_PASSWORDS: &str = include_str!("validate/common-passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            // Header lines are "#" or start with "# "; a password may start with '#'.
            .filter(|line| !line.is_empty() && *line != "#" && !line.starts_with("# "))
            .collect()
    })
}

/// True when `password` is on the bundled common-password list, ignoring case.
pub fn is_common_password(password: &str) -> bool {
    common_passwords().contains(password.to_lowercase().as_str())
}

/// Checks and normalises an email address: trims it and lowercases the domain (the local part is
/// kept as typed, since some servers treat it case-sensitively). Returns the address to store.
///
/// Deliberately simple: one `@`, a local part of printable characters without spaces or quotes,
/// and a domain of at least two dot-separated labels of letters, digits and hyphens.
pub fn email(input: &str) -> Result<String, Invalid> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(Invalid::Required);
    }
    if trimmed.chars().count() > EMAIL_MAX_CHARS {
        return Err(Invalid::TooLong {
            max: EMAIL_MAX_CHARS,
        });
    }
    let (local, domain) = trimmed.rsplit_once('@').ok_or(Invalid::NotEmail)?;
    let local_ok = !local.is_empty()
        && local.chars().count() <= EMAIL_LOCAL_MAX_CHARS
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && !"@\"(),:;<>[\\]".contains(c))
        && local.chars().all(folds_safely);
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.chars().count() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()));
    if !local_ok || !domain_ok {
        return Err(Invalid::NotEmail);
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

/// Whether lowercasing `c` for the email key keeps it apart from every other letter: its lowercase
/// is one character whose uppercase is `c`'s. This refuses look-alikes that fold into another
/// letter, such as the Kelvin sign `K` (U+212A, lowercase `k`) or the Ohm sign, so that
/// `\u{212A}ate@example.com` can never take the key of `kate@example.com`.
fn folds_safely(c: char) -> bool {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l.to_uppercase().eq(c.to_uppercase()),
        _ => false,
    }
}

/// The key two addresses are compared by: the whole normalised address lowercased, so
/// `Ada@example.com` and `ada@example.com` are one account.
pub fn email_key(normalised: &str) -> String {
    normalised.to_lowercase()
}

/// Checks a new password: 10 to 128 characters and not one of the 10,000 most common passwords
/// (case-insensitive). Passwords are never trimmed or otherwise changed.
pub fn password(password: &str) -> Result<(), Invalid> {
    let count = password.chars().count();
    if count == 0 {
        return Err(Invalid::Required);
    }
    if count < PASSWORD_MIN_CHARS {
        return Err(Invalid::TooShort {
            min: PASSWORD_MIN_CHARS,
        });
    }
    if count > PASSWORD_MAX_CHARS {
        return Err(Invalid::TooLong {
            max: PASSWORD_MAX_CHARS,
        });
    }
    if is_common_password(password) {
        return Err(Invalid::Common);
    }
    Ok(())
}

/// Trims `input` and checks its length in characters: `Required` when nothing is left,
/// `TooShort`/`TooLong` outside `min..=max`.
fn length(input: &str, min: usize, max: usize) -> Result<&str, Invalid> {
    let trimmed = input.trim();
    let count = trimmed.chars().count();
    if count == 0 {
        Err(Invalid::Required)
    } else if count < min {
        Err(Invalid::TooShort { min })
    } else if count > max {
        Err(Invalid::TooLong { max })
    } else {
        Ok(trimmed)
    }
}

/// Trims `input` and checks its length in characters and that it is one line of printable text.
fn single_line(input: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let trimmed = length(input, min, max)?;
    if trimmed.chars().any(char::is_control) {
        return Err(Invalid::NotOneLine);
    }
    Ok(trimmed.to_owned())
}

/// Trims `input` and checks its length; line breaks and tabs are allowed, other control
/// characters are not.
fn multi_line(input: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let trimmed = length(input, min, max)?;
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Invalid::ControlCharacters);
    }
    Ok(trimmed.to_owned())
}

/// A display name: 1 to 80 characters after trimming, one line. Returns the trimmed name.
pub fn display_name(input: &str) -> Result<String, Invalid> {
    single_line(input, 1, DISPLAY_NAME_MAX_CHARS)
}

/// An IANA time zone name such as `Europe/Moscow` or `Etc/GMT+3`: 1 to 64 characters of
/// `A-Z a-z 0-9 _ + - /`. The name is not checked against the tz database (clients may know newer
/// zones than the server). Returns the trimmed name.
pub fn time_zone(input: &str) -> Result<String, Invalid> {
    let trimmed = length(input, 1, TIME_ZONE_MAX_CHARS)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_+-/".contains(c);
    if !trimmed.chars().all(allowed) || trimmed.starts_with('/') || trimmed.contains("..") {
        return Err(Invalid::NotTimeZone);
    }
    Ok(trimmed.to_owned())
}

/// A teacher applicant's bio: 20 to 2000 characters after trimming; several lines allowed.
pub fn bio(input: &str) -> Result<String, Invalid> {
    multi_line(input, BIO_MIN_CHARS, BIO_MAX_CHARS)
}

/// What a teacher applicant will teach: 2 to 120 characters after trimming, one line.
pub fn subject(input: &str) -> Result<String, Invalid> {
    single_line(input, SUBJECT_MIN_CHARS, SUBJECT_MAX_CHARS)
}

/// A link to an applicant's work: an absolute `http://` or `https://` URL with a host, without
/// spaces, at most 500 characters. Returns the trimmed link.
pub fn link(input: &str) -> Result<String, Invalid> {
    let trimmed = length(input, 1, LINK_MAX_CHARS)?;
    let lower = trimmed.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or(Invalid::NotLink)?;
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .rsplit('@')
        .next()
        .unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    if host.is_empty()
        || trimmed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == '"')
    {
        return Err(Invalid::NotLink);
    }
    Ok(trimmed.to_owned())
}

/// Why an admin rejected an application: 5 to 1000 characters after trimming.
pub fn rejection_reason(input: &str) -> Result<String, Invalid> {
    multi_line(input, REASON_MIN_CHARS, REASON_MAX_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_limit_table() {
        let cases = [
            (None, Ok(PAGE_LIMIT_DEFAULT)),
            (Some(1), Ok(1)),
            (Some(PAGE_LIMIT_MAX), Ok(PAGE_LIMIT_MAX)),
            (Some(0), Err(())),
            (Some(PAGE_LIMIT_MAX + 1), Err(())),
        ];
        for (input, expected) in cases {
            assert_eq!(page_limit(input).map_err(|_| ()), expected, "{input:?}");
        }
    }
    #[test]
    fn email_table() {
        let long_local = "a".repeat(65);
        let too_long = format!("{}@example.com", "a.".repeat(124));
        let cases: Vec<(&str, Result<&str, ()>)> = vec![
            ("ada@example.com", Ok("ada@example.com")),
            (
                "  Ada.Lovelace@Example.COM ",
                Ok("Ada.Lovelace@example.com"),
            ),
            ("ada+edu@mail.example.org", Ok("ada+edu@mail.example.org")),
            ("пользователь@пример.рф", Ok("пользователь@пример.рф")),
            ("Пользователь@пример.рф", Ok("Пользователь@пример.рф")),
            // Letters that fold into another letter (Kelvin sign, Ohm sign, Angstrom sign,
            // dotted capital I) would share a key with a different address.
            ("\u{212A}ate@example.com", Err(())),
            ("\u{2126}mega@example.com", Err(())),
            ("\u{212B}ngstrom@example.com", Err(())),
            ("\u{0130}van@example.com", Err(())),
            ("", Err(())),
            ("   ", Err(())),
            ("ada", Err(())),
            ("ada@", Err(())),
            ("@example.com", Err(())),
            ("ada@localhost", Err(())),
            ("ada@example..com", Err(())),
            ("ada@-example.com", Err(())),
            ("ada@example.com.", Err(())),
            ("ada@10.0.0.1", Err(())),
            ("a da@example.com", Err(())),
            ("ada@exa mple.com", Err(())),
            ("ada@example.com\n", Ok("ada@example.com")),
            ("ada\u{0}@example.com", Err(())),
            (".ada@example.com", Err(())),
            ("a..da@example.com", Err(())),
            ("a@b@example.com", Err(())),
            ("<ada@example.com>", Err(())),
            (long_local.as_str(), Err(())),
            (too_long.as_str(), Err(())),
        ];
        for (input, expected) in cases {
            let got = email(input);
            assert_eq!(
                got.as_deref().map_err(|_| ()),
                expected,
                "{input:?}: {got:?}"
            );
        }
        assert_eq!(email_key("Ada@example.com"), "ada@example.com");
        assert_eq!(
            email_key(&email("Kate@Example.com").unwrap()),
            email_key(&email("kate@example.com").unwrap())
        );
    }

    #[test]
    fn password_table() {
        let cases: Vec<(String, bool)> = vec![
            ("demo-password-2026".into(), true),
            ("correct horse battery staple".into(), true),
            (format!("q7{}", "x".repeat(PASSWORD_MIN_CHARS - 2)), true),
            (format!("q7{}", "x".repeat(PASSWORD_MAX_CHARS - 2)), true),
            ("ё".repeat(PASSWORD_MIN_CHARS), true),
            ("x".repeat(PASSWORD_MIN_CHARS - 1), false),
            ("x".repeat(PASSWORD_MAX_CHARS + 1), false),
            ("ё".repeat(PASSWORD_MIN_CHARS - 1), false),
            (String::new(), false),
            ("1234567890".into(), false),
            ("qwertyuiop".into(), false),
            ("QwertyUIOP".into(), false),
            ("password123".into(), false),
            ("PASSWORD123".into(), false),
        ];
        for (input, ok) in cases {
            assert_eq!(
                password(&input).is_ok(),
                ok,
                "{input:?}: {:?}",
                password(&input)
            );
        }
    }

    #[test]
    fn common_password_list_holds_ten_thousand_lowercase_entries() {
        let set = common_passwords();
        assert_eq!(set.len(), 10_000);
        assert!(set.iter().all(|p| *p == p.to_lowercase() && !p.is_empty()));
        assert!(is_common_password("123456") && is_common_password("PassWord"));
        assert!(!is_common_password("demo-password-2026"));
    }

    #[test]
    fn display_name_table() {
        let cases: Vec<(String, Result<String, ()>)> = vec![
            ("Ada".into(), Ok("Ada".into())),
            ("  Ада Лавлейс  ".into(), Ok("Ада Лавлейс".into())),
            (
                "x".repeat(DISPLAY_NAME_MAX_CHARS),
                Ok("x".repeat(DISPLAY_NAME_MAX_CHARS)),
            ),
            ("x".repeat(DISPLAY_NAME_MAX_CHARS + 1), Err(())),
            ("".into(), Err(())),
            ("   ".into(), Err(())),
            ("Ada\nLovelace".into(), Err(())),
            ("Ada\u{7}".into(), Err(())),
        ];
        for (input, expected) in cases {
            assert_eq!(display_name(&input).map_err(|_| ()), expected, "{input:?}");
        }
    }

    #[test]
    fn time_zone_table() {
        let cases: Vec<(String, bool)> = vec![
            ("UTC".into(), true),
            ("Europe/Moscow".into(), true),
            ("America/Argentina/Buenos_Aires".into(), true),
            ("Etc/GMT+3".into(), true),
            ("Etc/GMT-14".into(), true),
            (" Asia/Tokyo ".into(), true),
            ("x".repeat(TIME_ZONE_MAX_CHARS), true),
            ("x".repeat(TIME_ZONE_MAX_CHARS + 1), false),
            ("".into(), false),
            ("Europe/Mos cow".into(), false),
            ("../etc/passwd".into(), false),
            ("/Europe".into(), false),
            ("Europe;DROP".into(), false),
            ("Европа/Москва".into(), false),
        ];
        for (input, ok) in cases {
            assert_eq!(time_zone(&input).is_ok(), ok, "{input:?}");
        }
        assert_eq!(time_zone(" Asia/Tokyo ").unwrap(), "Asia/Tokyo");
    }

    #[test]
    fn application_fields_table() {
        let bio_ok = "I have taught Rust to students for five years.";
        assert_eq!(bio(&format!("  {bio_ok}\n")).unwrap(), bio_ok);
        assert!(bio("Line one of my bio\nline two of it").is_ok());
        assert!(bio("too short").is_err());
        assert!(bio(&"x".repeat(BIO_MAX_CHARS)).is_ok());
        assert!(bio(&"x".repeat(BIO_MAX_CHARS + 1)).is_err());
        assert!(bio(&format!("{bio_ok}\u{0}")).is_err());

        assert_eq!(subject(" Rust ").unwrap(), "Rust");
        assert!(subject("R").is_err());
        assert!(subject(&"x".repeat(SUBJECT_MAX_CHARS + 1)).is_err());
        assert!(subject("Rust\nGo").is_err());

        let links: Vec<(String, bool)> = vec![
            ("https://example.com".into(), true),
            ("http://example.com/me?tab=1#x".into(), true),
            (" HTTPS://Example.com/Ada ".into(), true),
            ("https://user@example.com:8443/x".into(), true),
            (
                format!("https://example.com/{}", "x".repeat(LINK_MAX_CHARS)),
                false,
            ),
            ("javascript:alert(1)".into(), false),
            ("ftp://example.com".into(), false),
            ("example.com".into(), false),
            ("https://".into(), false),
            ("https:///path".into(), false),
            ("https://exa mple.com".into(), false),
            ("https://example.com/\"><script>".into(), false),
            ("".into(), false),
        ];
        for (input, ok) in links {
            assert_eq!(link(&input).is_ok(), ok, "{input:?}");
        }

        assert_eq!(
            rejection_reason("  Not enough detail. ").unwrap(),
            "Not enough detail."
        );
        assert!(rejection_reason("no").is_err());
        assert!(rejection_reason(&"x".repeat(REASON_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn each_validator_gives_its_reason() {
        let too_long_email = format!("{}@example.com", "a".repeat(250));
        let cases: Vec<(&str, Result<(), Invalid>)> = vec![
            ("page_limit", page_limit(Some(0)).map(drop)),
            ("page_limit", page_limit(Some(101)).map(drop)),
            ("email", email(" ").map(drop)),
            ("email", email(&too_long_email).map(drop)),
            ("email", email("ada@localhost").map(drop)),
            ("password", password("")),
            ("password", password("short")),
            ("password", password(&"x".repeat(129))),
            ("password", password("qwertyuiop")),
            ("display_name", display_name("   ").map(drop)),
            ("display_name", display_name(&"x".repeat(81)).map(drop)),
            ("display_name", display_name("Ada\nLovelace").map(drop)),
            ("time_zone", time_zone("").map(drop)),
            ("time_zone", time_zone(&"x".repeat(65)).map(drop)),
            ("time_zone", time_zone("Europe/Mos cow").map(drop)),
            ("bio", bio("").map(drop)),
            ("bio", bio("too short").map(drop)),
            ("bio", bio(&"x".repeat(2001)).map(drop)),
            ("bio", bio(&format!("{}\u{0}x", "x".repeat(20))).map(drop)),
            ("subject", subject("R").map(drop)),
            ("subject", subject("Rust\tGo").map(drop)),
            ("link", link("").map(drop)),
            ("link", link("ftp://example.com").map(drop)),
            (
                "link",
                link(&format!("https://{}", "x".repeat(500))).map(drop),
            ),
            ("reason", rejection_reason("no").map(drop)),
        ];
        let expected = [
            Invalid::OutOfRange { min: 1, max: 100 },
            Invalid::OutOfRange { min: 1, max: 100 },
            Invalid::Required,
            Invalid::TooLong { max: 254 },
            Invalid::NotEmail,
            Invalid::Required,
            Invalid::TooShort { min: 10 },
            Invalid::TooLong { max: 128 },
            Invalid::Common,
            Invalid::Required,
            Invalid::TooLong { max: 80 },
            Invalid::NotOneLine,
            Invalid::Required,
            Invalid::TooLong { max: 64 },
            Invalid::NotTimeZone,
            Invalid::Required,
            Invalid::TooShort { min: 20 },
            Invalid::TooLong { max: 2000 },
            Invalid::ControlCharacters,
            Invalid::TooShort { min: 2 },
            Invalid::NotOneLine,
            Invalid::Required,
            Invalid::NotLink,
            Invalid::TooLong { max: 500 },
            Invalid::TooShort { min: 5 },
        ];
        assert_eq!(cases.len(), expected.len());
        for ((field, got), want) in cases.into_iter().zip(expected) {
            assert_eq!(got, Err(want.clone()), "{field}");
            let english = want.english(field);
            assert!(
                english.starts_with(&field.replace('_', " ")),
                "{english} names {field}"
            );
        }
    }

    #[test]
    fn english_names_the_field_and_the_numbers() {
        assert_eq!(
            Invalid::TooShort { min: 10 }.english("password"),
            "password must be at least 10 characters"
        );
        assert!(Invalid::Common.english("password").contains("common"));
        assert_eq!(
            Invalid::OutOfRange { min: 1, max: 100 }.english("limit"),
            "limit must be between 1 and 100"
        );
        assert_eq!(
            Invalid::NotOneOf {
                allowed: vec!["pending".into(), "approved".into(), "rejected".into()]
            }
            .english("status"),
            "status must be pending, approved or rejected"
        );
        assert_eq!(
            Invalid::Required.english("display_name"),
            "display name is required"
        );
    }

    #[test]
    fn reasons_are_tagged_by_kind_on_the_wire() {
        let cases = [
            (Invalid::Required, serde_json::json!({"kind": "required"})),
            (
                Invalid::TooShort { min: 10 },
                serde_json::json!({"kind": "too_short", "min": 10}),
            ),
            (
                Invalid::OutOfRange { min: 1, max: 100 },
                serde_json::json!({"kind": "out_of_range", "min": 1, "max": 100}),
            ),
            (
                Invalid::NotOneOf {
                    allowed: vec!["a".into()],
                },
                serde_json::json!({"kind": "not_one_of", "allowed": ["a"]}),
            ),
            (Invalid::Common, serde_json::json!({"kind": "common"})),
        ];
        for (reason, wire) in cases {
            assert_eq!(serde_json::to_value(&reason).unwrap(), wire);
            assert_eq!(serde_json::from_value::<Invalid>(wire).unwrap(), reason);
        }
    }
}
