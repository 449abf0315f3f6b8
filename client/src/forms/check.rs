//! Checks of what a person typed, run before sending so mistakes show at once, in their language.
//!
//! The rules are the server's: limits come from `shared::validate` and so does the verdict on
//! email syntax, links, time zones and common passwords. Only the wording is the client's.

use super::rules as validate;

use crate::i18n::Texts;

/// One thing wrong with a field's value, worded for the user at render time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Required,
    InvalidEmail,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    CommonPassword,
    InvalidTimeZone,
    InvalidLink,
    /// Tabs, line breaks or other invisible characters where one line of text belongs.
    ControlCharacters,
    /// The current password given to confirm a change is not the account's.
    WrongPassword,
    /// The server refused the value; its reason (in English) is passed on.
    Server(String),
}

impl Problem {
    pub fn message(&self, texts: &Texts) -> String {
        match self {
            Self::Required => texts.problem_required.to_owned(),
            Self::InvalidEmail => texts.problem_email.to_owned(),
            Self::TooShort { min } => texts.count(*min as u32, &texts.problem_too_short),
            Self::TooLong { max } => texts.count(*max as u32, &texts.problem_too_long),
            Self::CommonPassword => texts.problem_common_password.to_owned(),
            Self::InvalidTimeZone => texts.problem_time_zone.to_owned(),
            Self::InvalidLink => texts.problem_link.to_owned(),
            Self::ControlCharacters => texts.problem_control_characters.to_owned(),
            Self::WrongPassword => texts.error_wrong_password.to_owned(),
            Self::Server(reason) => texts.problem_server.replace("{reason}", reason),
        }
    }
}

pub type Check = Result<(), Problem>;

/// The shortest password accepted, for the rules shown under a new password.
pub const PASSWORD_MIN_CHARS: usize = validate::PASSWORD_MIN_CHARS;
/// The longest bio accepted, for the counter under the field.
pub const BIO_MAX_CHARS: usize = validate::BIO_MAX_CHARS;
/// The longest rejection reason accepted, for the counter under the field.
pub const REASON_MAX_CHARS: usize = validate::REASON_MAX_CHARS;

fn length(input: &str, min: usize, max: usize) -> Check {
    let count = input.chars().count();
    if count == 0 {
        Err(Problem::Required)
    } else if count < min {
        Err(Problem::TooShort { min })
    } else if count > max {
        Err(Problem::TooLong { max })
    } else {
        Ok(())
    }
}

/// One line of text, `min..=max` characters after trimming.
fn single_line(input: &str, min: usize, max: usize) -> Check {
    let trimmed = input.trim();
    length(trimmed, min, max)?;
    if trimmed.chars().any(char::is_control) {
        return Err(Problem::ControlCharacters);
    }
    Ok(())
}

/// Several lines allowed, `min..=max` characters after trimming.
fn multi_line(input: &str, min: usize, max: usize) -> Check {
    let trimmed = input.trim();
    length(trimmed, min, max)?;
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Problem::ControlCharacters);
    }
    Ok(())
}

pub fn email(input: &str) -> Check {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(Problem::Required);
    }
    if trimmed.chars().count() > validate::EMAIL_MAX_CHARS {
        return Err(Problem::TooLong {
            max: validate::EMAIL_MAX_CHARS,
        });
    }
    validate::email(trimmed)
        .map(|_| ())
        .map_err(|_| Problem::InvalidEmail)
}

/// A password being chosen (sign-up, reset, change).
pub fn new_password(input: &str) -> Check {
    length(
        input,
        validate::PASSWORD_MIN_CHARS,
        validate::PASSWORD_MAX_CHARS,
    )?;
    if validate::is_common_password(input) {
        return Err(Problem::CommonPassword);
    }
    Ok(())
}

/// A password being typed to prove who one is: only "not empty" is ours to judge.
pub fn current_password(input: &str) -> Check {
    if input.is_empty() {
        Err(Problem::Required)
    } else {
        Ok(())
    }
}

pub fn display_name(input: &str) -> Check {
    single_line(input, 1, validate::DISPLAY_NAME_MAX_CHARS)
}

pub fn time_zone(input: &str) -> Check {
    if input.trim().is_empty() {
        return Err(Problem::Required);
    }
    validate::time_zone(input)
        .map(|_| ())
        .map_err(|_| Problem::InvalidTimeZone)
}

pub fn bio(input: &str) -> Check {
    multi_line(input, validate::BIO_MIN_CHARS, validate::BIO_MAX_CHARS)
}

pub fn subject(input: &str) -> Check {
    single_line(
        input,
        validate::SUBJECT_MIN_CHARS,
        validate::SUBJECT_MAX_CHARS,
    )
}

pub fn link(input: &str) -> Check {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(Problem::Required);
    }
    if trimmed.chars().count() > validate::LINK_MAX_CHARS {
        return Err(Problem::TooLong {
            max: validate::LINK_MAX_CHARS,
        });
    }
    validate::link(trimmed)
        .map(|_| ())
        .map_err(|_| Problem::InvalidLink)
}

pub fn rejection_reason(input: &str) -> Check {
    multi_line(
        input,
        validate::REASON_MIN_CHARS,
        validate::REASON_MAX_CHARS,
    )
}

/// How hard a new password looks to guess, for the meter under the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Fails a rule (too short, too long, or common): the server will refuse it.
    TooWeak,
    Fair,
    Good,
    Strong,
}

impl Strength {
    pub fn code(self) -> &'static str {
        match self {
            Self::TooWeak => "too-weak",
            Self::Fair => "fair",
            Self::Good => "good",
            Self::Strong => "strong",
        }
    }

    pub fn label(self, texts: &Texts) -> &'static str {
        match self {
            Self::TooWeak => texts.strength_too_weak,
            Self::Fair => texts.strength_fair,
            Self::Good => texts.strength_good,
            Self::Strong => texts.strength_strong,
        }
    }
}

/// Length counts most; mixing letters, digits, symbols and cases helps a little. A rough hint,
/// not a promise: the rules themselves are `new_password`'s.
pub fn password_strength(password: &str) -> Strength {
    if new_password(password).is_err() {
        return Strength::TooWeak;
    }
    let count = password.chars().count();
    let kinds = [
        password.chars().any(char::is_lowercase),
        password.chars().any(char::is_uppercase),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ]
    .into_iter()
    .filter(|&has| has)
    .count();
    let distinct = {
        let mut chars: Vec<char> = password.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        chars.len()
    };
    if distinct < 5 {
        Strength::Fair
    } else if count >= 16 || (count >= 12 && kinds >= 3) {
        Strength::Strong
    } else if count >= 12 || kinds >= 3 {
        Strength::Good
    } else {
        Strength::Fair
    }
}
