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

/// Largest sync message (`POST /api/sync/{doc_id}` body) the server reads, in bytes.
pub const SYNC_MESSAGE_MAX_BYTES: usize = 4 * 1024 * 1024;
/// Largest a learner document may grow to on the server (its stored bytes), in bytes.
pub const SYNC_DOC_MAX_BYTES: usize = 8 * 1024 * 1024;
/// Longest device id (`X-Device-Id`) accepted.
pub const DEVICE_ID_MAX_CHARS: usize = 64;

/// Whether `text` is a device id as sync accepts it in `X-Device-Id`: 1 to `DEVICE_ID_MAX_CHARS`
/// of `A-Z`, `a-z`, `0-9`, `_` and `-`.
pub fn is_device_id(text: &str) -> bool {
    (1..=DEVICE_ID_MAX_CHARS).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

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

/// The hour of the day reminders come at when the learner chose none (18:00 local time).
pub const REMINDER_HOUR_DEFAULT: u8 = 18;

/// The evening hour a "streak at risk" reminder comes at when the learner chose none (19:00
/// local time; checked with `reminder_hour`).
pub const STREAK_REMINDER_HOUR_DEFAULT: u8 = 19;

/// A reminder hour: a whole hour of the local day, 0 to 23.
pub fn reminder_hour(hour: u8) -> Result<u8, Invalid> {
    if hour <= 23 {
        Ok(hour)
    } else {
        Err(Invalid::OutOfRange { min: 0, max: 23 })
    }
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

/// Course title: 3 to 120 characters, one line.
pub const COURSE_TITLE_MIN_CHARS: usize = 3;
pub const COURSE_TITLE_MAX_CHARS: usize = 120;
/// Course subtitle: up to 200 characters, one line (may be empty).
pub const COURSE_SUBTITLE_MAX_CHARS: usize = 200;
/// Course description, Markdown: up to 20,000 characters (may be empty).
pub const COURSE_DESCRIPTION_MAX_CHARS: usize = 20_000;
/// Module title: 1 to 120 characters, one line.
pub const MODULE_TITLE_MAX_CHARS: usize = 120;
/// Lesson title: 1 to 200 characters, one line.
pub const LESSON_TITLE_MAX_CHARS: usize = 200;
/// Lesson body, Markdown: up to 200,000 characters (may be empty while drafting).
pub const LESSON_BODY_MAX_CHARS: usize = 200_000;
/// A lesson's estimated minutes: 1 to 600.
pub const LESSON_MINUTES_MAX: u32 = 600;
/// Largest price, in minor units (1,000,000.00).
pub const PRICE_MAX_MINOR: u32 = 100_000_000;
/// The currencies a price may be in.
pub const CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "RUB"];
/// Category slug: 2 to 40 of `a-z 0-9 -`.
pub const CATEGORY_SLUG_MAX_CHARS: usize = 40;
/// Category name (each language): 1 to 60 characters, one line.
pub const CATEGORY_NAME_MAX_CHARS: usize = 60;
/// Review text: up to 4,000 characters (may be empty).
pub const REVIEW_MAX_CHARS: usize = 4_000;
/// Teacher's reply to a review: 1 to 4,000 characters.
pub const REPLY_MAX_CHARS: usize = 4_000;
/// A discussion post (a thread's first post or a reply), in Markdown.
pub const POST_MAX_CHARS: usize = 10_000;
/// Why a discussion post is reported.
pub const POST_REPORT_MAX_CHARS: usize = 1_000;
/// Search query: 1 to 200 characters.
pub const SEARCH_QUERY_MAX_CHARS: usize = 200;
/// Longest message a learner may send the tutor, in characters.
pub const TUTOR_MESSAGE_MAX_CHARS: usize = 2_000;
/// Longest comment on a tutor reply's rating, in characters.
pub const TUTOR_COMMENT_MAX_CHARS: usize = 1_000;

/// Whether `input` is empty after trimming (optional texts may be).
fn blank(input: &str) -> bool {
    input.trim().is_empty()
}

/// A course title. Returns it trimmed.
pub fn course_title(input: &str) -> Result<String, Invalid> {
    single_line(input, COURSE_TITLE_MIN_CHARS, COURSE_TITLE_MAX_CHARS)
}

/// A course subtitle, possibly empty. Returns it trimmed.
pub fn course_subtitle(input: &str) -> Result<String, Invalid> {
    if blank(input) {
        return Ok(String::new());
    }
    single_line(input, 1, COURSE_SUBTITLE_MAX_CHARS)
}

/// A course description (Markdown), possibly empty. Returns it trimmed.
pub fn course_description(input: &str) -> Result<String, Invalid> {
    if blank(input) {
        return Ok(String::new());
    }
    multi_line(input, 1, COURSE_DESCRIPTION_MAX_CHARS)
}

/// A module title. Returns it trimmed.
pub fn module_title(input: &str) -> Result<String, Invalid> {
    single_line(input, 1, MODULE_TITLE_MAX_CHARS)
}

/// A lesson title. Returns it trimmed.
pub fn lesson_title(input: &str) -> Result<String, Invalid> {
    single_line(input, 1, LESSON_TITLE_MAX_CHARS)
}

/// A lesson body (Markdown), possibly empty. Kept as written except for trailing space.
pub fn lesson_body(input: &str) -> Result<String, Invalid> {
    if blank(input) {
        return Ok(String::new());
    }
    let body = input.trim_end();
    if body.chars().count() > LESSON_BODY_MAX_CHARS {
        return Err(Invalid::TooLong {
            max: LESSON_BODY_MAX_CHARS,
        });
    }
    if body
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Invalid::ControlCharacters);
    }
    Ok(body.to_owned())
}

/// A lesson's estimated minutes, 1 to `LESSON_MINUTES_MAX`.
pub fn lesson_minutes(minutes: u32) -> Result<u32, Invalid> {
    if (1..=LESSON_MINUTES_MAX).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(Invalid::OutOfRange {
            min: 1,
            max: LESSON_MINUTES_MAX,
        })
    }
}

/// A lesson's video address: an `https://` link (videos are embedded in https pages).
pub fn video_url(input: &str) -> Result<String, Invalid> {
    let link = link(input)?;
    if !link.to_ascii_lowercase().starts_with("https://") {
        return Err(Invalid::NotLink);
    }
    Ok(link)
}

/// A price's amount in minor units, 1 to `PRICE_MAX_MINOR` (a free course has no price).
pub fn price_amount(amount_minor: u32) -> Result<u32, Invalid> {
    if (1..=PRICE_MAX_MINOR).contains(&amount_minor) {
        Ok(amount_minor)
    } else {
        Err(Invalid::OutOfRange {
            min: 1,
            max: PRICE_MAX_MINOR,
        })
    }
}

/// A price's currency: one of `CURRENCIES` (upper case). Returns it.
pub fn currency(input: &str) -> Result<String, Invalid> {
    let code = input.trim();
    if CURRENCIES.contains(&code) {
        Ok(code.to_owned())
    } else {
        Err(Invalid::NotOneOf {
            allowed: CURRENCIES.iter().map(|c| (*c).to_owned()).collect(),
        })
    }
}

/// A slug (category): 2 to 40 of `a-z 0-9 -`, not starting or ending with `-`.
pub fn category_slug(input: &str) -> Result<String, Invalid> {
    let slug = length(input, 2, CATEGORY_SLUG_MAX_CHARS)?;
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if !slug.chars().all(allowed) || slug.starts_with('-') || slug.ends_with('-') {
        return Err(Invalid::NotOneOf {
            allowed: vec!["a-z".into(), "0-9".into(), "-".into()],
        });
    }
    Ok(slug.to_owned())
}

/// A category's name in one language. Returns it trimmed.
pub fn category_name(input: &str) -> Result<String, Invalid> {
    single_line(input, 1, CATEGORY_NAME_MAX_CHARS)
}

/// A review's stars, 1 to 5.
pub fn stars(stars: u8) -> Result<u8, Invalid> {
    if (1..=5).contains(&stars) {
        Ok(stars)
    } else {
        Err(Invalid::OutOfRange { min: 1, max: 5 })
    }
}

/// A review's text, possibly empty. Returns it trimmed.
pub fn review_body(input: &str) -> Result<String, Invalid> {
    if blank(input) {
        return Ok(String::new());
    }
    multi_line(input, 1, REVIEW_MAX_CHARS)
}

/// A teacher's reply to a review. Returns it trimmed.
pub fn reply_body(input: &str) -> Result<String, Invalid> {
    multi_line(input, 1, REPLY_MAX_CHARS)
}

/// A discussion post's Markdown: 1 to `POST_MAX_CHARS` characters after trimming. Returns it
/// trimmed.
pub fn post_body(input: &str) -> Result<String, Invalid> {
    multi_line(input, 1, POST_MAX_CHARS)
}

/// Why a post is reported: 1 to `POST_REPORT_MAX_CHARS` characters after trimming.
pub fn post_report_reason(input: &str) -> Result<String, Invalid> {
    multi_line(input, 1, POST_REPORT_MAX_CHARS)
}

/// A learner's message to the tutor: 1 to `TUTOR_MESSAGE_MAX_CHARS` characters after trimming.
/// Returns it trimmed.
pub fn tutor_message(input: &str) -> Result<String, Invalid> {
    multi_line(input, 1, TUTOR_MESSAGE_MAX_CHARS)
}

/// A comment on a tutor reply's rating: at most `TUTOR_COMMENT_MAX_CHARS` characters after
/// trimming (empty is no comment). Returns it trimmed.
pub fn tutor_comment(input: &str) -> Result<String, Invalid> {
    if input.trim().is_empty() {
        return Ok(String::new());
    }
    multi_line(input, 1, TUTOR_COMMENT_MAX_CHARS)
}

/// A search query. Returns it trimmed.
pub fn search_query(input: &str) -> Result<String, Invalid> {
    single_line(input, 1, SEARCH_QUERY_MAX_CHARS)
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
    fn reminder_hours_are_the_hours_of_a_day() {
        for hour in 0..=23 {
            assert_eq!(reminder_hour(hour), Ok(hour));
        }
        for hour in [24, 25, 255] {
            assert_eq!(
                reminder_hour(hour),
                Err(Invalid::OutOfRange { min: 0, max: 23 })
            );
        }
        assert_eq!(reminder_hour(REMINDER_HOUR_DEFAULT), Ok(18));
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

    #[test]
    fn course_texts_table() {
        assert_eq!(course_title("  Rust  "), Ok("Rust".into()));
        assert_eq!(course_title("ab"), Err(Invalid::TooShort { min: 3 }));
        assert_eq!(
            course_title(&"x".repeat(121)),
            Err(Invalid::TooLong { max: 120 })
        );
        assert_eq!(course_title("a\nb c"), Err(Invalid::NotOneLine));
        assert_eq!(course_subtitle("   "), Ok(String::new()));
        assert_eq!(course_description(""), Ok(String::new()));
        assert_eq!(lesson_body("# Hi\n\ntext  \n"), Ok("# Hi\n\ntext".into()));
        assert_eq!(lesson_body("a\u{0}b"), Err(Invalid::ControlCharacters));
        assert_eq!(
            lesson_body(&"x".repeat(LESSON_BODY_MAX_CHARS + 1)),
            Err(Invalid::TooLong {
                max: LESSON_BODY_MAX_CHARS
            })
        );
        assert_eq!(
            lesson_minutes(0),
            Err(Invalid::OutOfRange { min: 1, max: 600 })
        );
        assert_eq!(lesson_minutes(600), Ok(600));
        assert_eq!(video_url("http://example.com/v"), Err(Invalid::NotLink));
        assert_eq!(
            video_url("https://example.com/v"),
            Ok("https://example.com/v".into())
        );
        assert_eq!(stars(0), Err(Invalid::OutOfRange { min: 1, max: 5 }));
        assert_eq!(stars(5), Ok(5));
        assert_eq!(review_body(" "), Ok(String::new()));
        assert_eq!(reply_body(" "), Err(Invalid::Required));
    }

    #[test]
    fn prices_and_slugs_table() {
        assert_eq!(
            price_amount(0),
            Err(Invalid::OutOfRange {
                min: 1,
                max: PRICE_MAX_MINOR
            })
        );
        assert_eq!(price_amount(1999), Ok(1999));
        assert_eq!(currency("RUB"), Ok("RUB".into()));
        assert!(matches!(currency("rub"), Err(Invalid::NotOneOf { .. })));
        assert_eq!(category_slug("data-science"), Ok("data-science".into()));
        for bad in ["-x", "x-", "Data", "a b", "ü-x"] {
            assert!(category_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(category_slug("x"), Err(Invalid::TooShort { min: 2 }));
    }

    #[test]
    fn device_ids_are_short_and_plain() {
        for good in ["a", "device_1-A", &"x".repeat(DEVICE_ID_MAX_CHARS)] {
            assert!(is_device_id(good), "{good}");
        }
        for bad in [
            "",
            "a b",
            "a/b",
            "..",
            "é",
            "a\u{0}",
            &"x".repeat(DEVICE_ID_MAX_CHARS + 1),
        ] {
            assert!(!is_device_id(bad), "{bad:?}");
        }
    }
}
