//! Checks of what a person typed, run before sending so mistakes show at once, in their language.
//!
//! The rules are the server's: every verdict comes from the same `shared::validate` function the
//! server runs, so a value passes here exactly when it passes there. Only the wording is the
//! client's, in the user's language.

use shared::validate::{self, Invalid};

use crate::i18n::Texts;

/// One thing wrong with a field's value, worded for the user at render time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A rule the value breaks, found here or named by the server (`error.reason`): the same
    /// reason reads the same either way.
    Invalid(Invalid),
    /// The current password given to confirm a change is not the account's.
    WrongPassword,
    /// The server refused the value for a reason this build cannot word; its English message.
    Server(String),
}

impl Problem {
    pub fn message(&self, texts: &Texts) -> String {
        match self {
            Self::Invalid(reason) => worded(reason, texts),
            Self::WrongPassword => texts.errors.error_wrong_password.to_owned(),
            Self::Server(reason) => texts.forms.problem_server.replace("{reason}", reason),
        }
    }
}

impl From<Invalid> for Problem {
    fn from(reason: Invalid) -> Self {
        Self::Invalid(reason)
    }
}

/// A `shared::validate` reason in the user's language. The field is not named: the sentence is
/// shown under it.
pub fn worded(reason: &Invalid, texts: &Texts) -> String {
    let forms = &texts.forms;
    match reason {
        Invalid::Required => forms.problem_required.to_owned(),
        Invalid::TooShort { min } => texts.count(count(*min), &forms.problem_too_short),
        Invalid::TooLong { max } => texts.count(count(*max), &forms.problem_too_long),
        Invalid::OutOfRange { min, max } => forms
            .problem_out_of_range
            .replace("{min}", &min.to_string())
            .replace("{max}", &max.to_string()),
        Invalid::NotWholeNumber => forms.problem_whole_number.to_owned(),
        Invalid::NotOneOf { allowed } => forms
            .problem_one_of
            .replace("{allowed}", &allowed.join(", ")),
        Invalid::NotEmail => forms.problem_email.to_owned(),
        Invalid::NotLink => forms.problem_link.to_owned(),
        Invalid::NotTimeZone => forms.problem_time_zone.to_owned(),
        Invalid::NotOneLine => forms.problem_control_characters.to_owned(),
        Invalid::ControlCharacters => forms.problem_invisible_characters.to_owned(),
        Invalid::Common => forms.problem_common_password.to_owned(),
        Invalid::Unchanged => forms.problem_unchanged.to_owned(),
        Invalid::NotIssued => forms.problem_not_issued.to_owned(),
        Invalid::Unknown => texts.errors.error_validation.to_owned(),
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub type Check = Result<(), Problem>;

/// The shortest password accepted, for the rules shown under a new password.
pub const PASSWORD_MIN_CHARS: usize = validate::PASSWORD_MIN_CHARS;
/// The longest bio accepted, for the counter under the field.
pub const BIO_MAX_CHARS: usize = validate::BIO_MAX_CHARS;
/// The longest rejection reason accepted, for the counter under the field.
pub const REASON_MAX_CHARS: usize = validate::REASON_MAX_CHARS;

/// The shared check's verdict as a problem: the server runs the same check, so both sides agree
/// on the value and on the reason.
fn verdict<T>(result: Result<T, Invalid>) -> Check {
    result.map(drop).map_err(Problem::Invalid)
}

pub fn email(input: &str) -> Check {
    verdict(validate::email(input))
}

/// A password being chosen (sign-up, reset, change). Never trimmed.
pub fn new_password(input: &str) -> Check {
    verdict(validate::password(input))
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
        Err(Problem::Invalid(Invalid::Required))
    } else {
        Ok(())
    }
}

pub fn display_name(input: &str) -> Check {
    verdict(validate::display_name(input))
}

pub fn time_zone(input: &str) -> Check {
    verdict(validate::time_zone(input))
}

pub fn bio(input: &str) -> Check {
    verdict(validate::bio(input))
}

pub fn subject(input: &str) -> Check {
    verdict(validate::subject(input))
}

pub fn link(input: &str) -> Check {
    verdict(validate::link(input))
}

pub fn rejection_reason(input: &str) -> Check {
    verdict(validate::rejection_reason(input))
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

    fn invalid(reason: Invalid) -> Check {
        Err(Problem::Invalid(reason))
    }

    #[test]
    fn each_check_gives_the_shared_reason() {
        assert_eq!(email(" "), invalid(Invalid::Required));
        assert_eq!(email("ada"), invalid(Invalid::NotEmail));
        assert_eq!(email(" Ada@Example.com "), Ok(()));
        assert_eq!(
            new_password("short"),
            invalid(Invalid::TooShort { min: 10 })
        );
        assert_eq!(new_password("1234567890"), invalid(Invalid::Common));
        assert_eq!(current_password(""), invalid(Invalid::Required));
        assert_eq!(display_name("Ada\u{7}"), invalid(Invalid::NotOneLine));
        assert_eq!(time_zone("Nowhere/Place; x"), invalid(Invalid::NotTimeZone));
        assert_eq!(link("example.com"), invalid(Invalid::NotLink));
        assert_eq!(
            bio(&format!("{}\u{0}", "x".repeat(30))),
            invalid(Invalid::ControlCharacters)
        );
        assert_eq!(
            rejection_reason("no"),
            invalid(Invalid::TooShort { min: 5 })
        );
        assert_eq!(anything(""), Ok(()));
    }

    #[test]
    fn problems_are_worded_with_plurals_in_both_languages() {
        let short = Problem::Invalid(Invalid::TooShort { min: 10 });
        assert_eq!(short.message(&EN), "Use at least 10 characters.");
        assert_eq!(short.message(&RU), "Нужно не меньше 10 символов.");
        assert_eq!(
            Problem::Invalid(Invalid::TooLong { max: 1 }).message(&RU),
            "Не больше 1 символа."
        );
        assert_eq!(
            Problem::Server("email is taken".into()).message(&EN),
            "Not accepted: email is taken"
        );
    }

    /// Every reason the server can send has its own sentence in each language (none falls back
    /// on the English message), with its numbers filled in.
    #[test]
    fn every_reason_is_worded_in_both_languages() {
        let reasons = [
            Invalid::Required,
            Invalid::TooShort { min: 10 },
            Invalid::TooLong { max: 80 },
            Invalid::OutOfRange { min: 1, max: 100 },
            Invalid::NotWholeNumber,
            Invalid::NotOneOf {
                allowed: vec!["pending".into(), "approved".into()],
            },
            Invalid::NotEmail,
            Invalid::NotLink,
            Invalid::NotTimeZone,
            Invalid::NotOneLine,
            Invalid::ControlCharacters,
            Invalid::Common,
            Invalid::Unchanged,
            Invalid::NotIssued,
        ];
        for texts in [&EN, &RU] {
            let mut seen = std::collections::HashSet::new();
            for reason in &reasons {
                let text = worded(reason, texts);
                assert!(
                    !text.is_empty() && !text.contains('{'),
                    "{reason:?}: {text}"
                );
                assert!(
                    seen.insert(text.clone()),
                    "{reason:?} shares its wording: {text}"
                );
            }
        }
        assert_eq!(
            worded(&Invalid::OutOfRange { min: 1, max: 100 }, &RU),
            "Введите число от 1 до 100."
        );
        assert_eq!(
            worded(&Invalid::Common, &RU),
            RU.forms.problem_common_password
        );
        assert_eq!(worded(&Invalid::Unknown, &EN), EN.errors.error_validation);
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
