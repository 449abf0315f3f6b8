//! Stand-in for the checks `shared::validate` gains on the `identity` branch, with the same names
//! and limits so `check` switches to the shared ones by changing one import. Deleted at the merge.

pub const EMAIL_MAX_CHARS: usize = 254;
pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const DISPLAY_NAME_MAX_CHARS: usize = 80;
pub const TIME_ZONE_MAX_CHARS: usize = 64;
pub const BIO_MIN_CHARS: usize = 20;
pub const BIO_MAX_CHARS: usize = 2000;
pub const SUBJECT_MIN_CHARS: usize = 2;
pub const SUBJECT_MAX_CHARS: usize = 120;
pub const LINK_MAX_CHARS: usize = 500;
pub const REASON_MIN_CHARS: usize = 5;
pub const REASON_MAX_CHARS: usize = 1000;

pub fn is_common_password(password: &str) -> bool {
    ["password123", "1234567890", "qwertyuiop", "password1234"]
        .contains(&password.to_lowercase().as_str())
}

pub fn email(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    let ok = trimmed.rsplit_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !local.contains(char::is_whitespace)
            && domain.split('.').count() >= 2
            && domain.split('.').all(|l| !l.is_empty())
    });
    if ok {
        Ok(trimmed.to_owned())
    } else {
        Err("email must look like name@example.com".into())
    }
}

pub fn time_zone(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    let ok = !trimmed.is_empty()
        && trimmed.len() <= TIME_ZONE_MAX_CHARS
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+-/".contains(c));
    ok.then(|| trimmed.to_owned())
        .ok_or_else(|| "time zone must be an IANA name".into())
}

pub fn link(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    let lower = trimmed.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !trimmed.contains(char::is_whitespace) => {
            Ok(trimmed.to_owned())
        }
        _ => Err("link must be an http:// or https:// address".into()),
    }
}
