//! Checks of what a person typed, run before sending so mistakes show at once, in their language.
//!
//! The rules are the server's: every verdict comes from the same `shared::validate` function the
//! server runs, so a value passes here exactly when it passes there. Only the wording is the
//! client's, in the user's language.

use shared::validate;

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
            Self::Required => texts.forms.problem_required.to_owned(),
            Self::InvalidEmail => texts.forms.problem_email.to_owned(),
            Self::TooShort { min } => texts.count(*min as u32, &texts.forms.problem_too_short),
            Self::TooLong { max } => texts.count(*max as u32, &texts.forms.problem_too_long),
            Self::CommonPassword => texts.forms.problem_common_password.to_owned(),
            Self::InvalidTimeZone => texts.forms.problem_time_zone.to_owned(),
            Self::InvalidLink => texts.forms.problem_link.to_owned(),
            Self::ControlCharacters => texts.forms.problem_control_characters.to_owned(),
            Self::WrongPassword => texts.errors.error_wrong_password.to_owned(),
            Self::Server(reason) => texts.forms.problem_server.replace("{reason}", reason),
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

/// The shared check's verdict, worded: a length problem when the (trimmed) length is out of
/// `min..=max`, else `otherwise`. The server runs the same shared check, so both sides agree.
fn worded<T>(
    verdict: Result<T, String>,
    measured: &str,
    min: usize,
    max: usize,
    otherwise: Problem,
) -> Check {
    match verdict {
        Ok(_) => Ok(()),
        Err(_) => Err(length(measured, min, max).err().unwrap_or(otherwise)),
    }
}

pub fn email(input: &str) -> Check {
    worded(
        validate::email(input),
        input.trim(),
        1,
        validate::EMAIL_MAX_CHARS,
        Problem::InvalidEmail,
    )
}

/// A password being chosen (sign-up, reset, change). Never trimmed.
pub fn new_password(input: &str) -> Check {
    worded(
        validate::password(input),
        input,
        validate::PASSWORD_MIN_CHARS,
        validate::PASSWORD_MAX_CHARS,
        Problem::CommonPassword,
    )
}

/// Whether a password is on the shared list of the most common ones (the rule the server applies).
pub fn is_common_password(input: &str) -> bool {
    validate::is_common_password(input)
}

/// A value with nothing to check on this side (a choice from a list).
pub fn anything(_input: &str) -> Check {
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
    worded(
        validate::display_name(input),
        input.trim(),
        1,
        validate::DISPLAY_NAME_MAX_CHARS,
        Problem::ControlCharacters,
    )
}

pub fn time_zone(input: &str) -> Check {
    worded(
        validate::time_zone(input),
        input.trim(),
        1,
        validate::TIME_ZONE_MAX_CHARS,
        Problem::InvalidTimeZone,
    )
}

pub fn bio(input: &str) -> Check {
    worded(
        validate::bio(input),
        input.trim(),
        validate::BIO_MIN_CHARS,
        validate::BIO_MAX_CHARS,
        Problem::ControlCharacters,
    )
}

pub fn subject(input: &str) -> Check {
    worded(
        validate::subject(input),
        input.trim(),
        validate::SUBJECT_MIN_CHARS,
        validate::SUBJECT_MAX_CHARS,
        Problem::ControlCharacters,
    )
}

pub fn link(input: &str) -> Check {
    worded(
        validate::link(input),
        input.trim(),
        1,
        validate::LINK_MAX_CHARS,
        Problem::InvalidLink,
    )
}

pub fn rejection_reason(input: &str) -> Check {
    worded(
        validate::rejection_reason(input),
        input.trim(),
        validate::REASON_MIN_CHARS,
        validate::REASON_MAX_CHARS,
        Problem::ControlCharacters,
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
            Self::TooWeak => texts.forms.strength_too_weak,
            Self::Fair => texts.forms.strength_fair,
            Self::Good => texts.forms.strength_good,
            Self::Strong => texts.forms.strength_strong,
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

// Native tests (`cargo test -p client --lib` on the host): these checks need no browser.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, RU};

    #[test]
    fn each_check_words_the_shared_verdict() {
        assert_eq!(email(" "), Err(Problem::Required));
        assert_eq!(email("ada"), Err(Problem::InvalidEmail));
        assert_eq!(email(" Ada@Example.com "), Ok(()));
        assert_eq!(new_password("short"), Err(Problem::TooShort { min: 10 }));
        assert_eq!(new_password("1234567890"), Err(Problem::CommonPassword));
        assert_eq!(current_password(""), Err(Problem::Required));
        assert_eq!(display_name("Ada\u{7}"), Err(Problem::ControlCharacters));
        assert_eq!(time_zone("Nowhere/Place; x"), Err(Problem::InvalidTimeZone));
        assert_eq!(link("example.com"), Err(Problem::InvalidLink));
        assert_eq!(rejection_reason("no"), Err(Problem::TooShort { min: 5 }));
        assert_eq!(anything(""), Ok(()));
    }

    #[test]
    fn problems_are_worded_with_plurals_in_both_languages() {
        assert_eq!(
            Problem::TooShort { min: 10 }.message(&EN),
            "Use at least 10 characters."
        );
        assert_eq!(
            Problem::TooLong { max: 1 }.message(&RU),
            "Не больше 1 символа."
        );
        assert_eq!(
            Problem::Server("email is taken".into()).message(&EN),
            "Not accepted: email is taken"
        );
    }

    #[test]
    fn strength_grows_with_length_and_variety() {
        assert_eq!(password_strength(""), Strength::TooWeak);
        assert_eq!(password_strength("abc"), Strength::TooWeak);
        assert_eq!(password_strength("1234567890"), Strength::TooWeak);
        assert_eq!(password_strength("aaaaaaaaaaaaaaaaaaaa"), Strength::Fair);
        assert_eq!(password_strength("kettleplum"), Strength::Fair);
        assert_eq!(password_strength("kettleplum77"), Strength::Good);
        assert_eq!(password_strength("Kettle-plum-77"), Strength::Strong);
        assert_eq!(
            password_strength("correct horse battery staple"),
            Strength::Strong
        );
    }
}
