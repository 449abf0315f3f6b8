//! Form state shared by every form: values by typed `Field`, which problems to show, the
//! form-wide error, whether a submit is in flight and whether the last one succeeded.
//!
//! Client-side problems show once a submit has been tried and then follow the typing; problems the
//! server named stay on their field until it is edited. Pure: `hooks::use_submit` drives it and
//! the pages own the HTTP calls.

pub mod check;

use std::collections::BTreeMap;
use std::rc::Rc;

use shared::api::error::ErrorCode;
use shared::validate::Invalid;
use yew::Reducible;

pub use check::Problem;

use crate::error::ClientError;

/// Every field a form of the app has. Its `name` is the input's `name` attribute, the suffix of
/// its `id` and the word the server uses for it in `error.field`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Email,
    Password,
    NewEmail,
    CurrentPassword,
    NewPassword,
    DisplayName,
    Locale,
    TimeZone,
    Subject,
    Link,
    Bio,
    Reason,
}

impl Field {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Password => "password",
            Self::NewEmail => "new_email",
            Self::CurrentPassword => "current_password",
            Self::NewPassword => "new_password",
            Self::DisplayName => "display_name",
            Self::Locale => "locale",
            Self::TimeZone => "time_zone",
            Self::Subject => "subject",
            Self::Link => "link",
            Self::Bio => "bio",
            Self::Reason => "reason",
        }
    }
}

/// A field as one form has it: the check its value must pass before sending, and the other
/// words the server's messages may use for it (`"display name"`, `"password"` for `new_password`).
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub field: Field,
    pub aliases: &'static [&'static str],
    pub check: fn(&str) -> check::Check,
}

impl FieldSpec {
    pub const fn new(
        field: Field,
        aliases: &'static [&'static str],
        check: fn(&str) -> check::Check,
    ) -> Self {
        Self {
            field,
            aliases,
            check,
        }
    }
}

/// The current password confirming a change (of the email, a deletion): any "password" the
/// server names is this one.
pub const CONFIRMING_PASSWORD: FieldSpec = FieldSpec::new(
    Field::CurrentPassword,
    &["current password", "password"],
    check::current_password,
);

/// A new password being chosen (reset, change): "password" alone means this one.
pub const NEW_PASSWORD: FieldSpec = FieldSpec::new(
    Field::NewPassword,
    &["new password", "password"],
    check::new_password,
);

/// The name a person goes by (sign-up, profile).
pub const DISPLAY_NAME: FieldSpec = FieldSpec::new(
    Field::DisplayName,
    &["display name", "name"],
    check::display_name,
);

/// The UI language, chosen from a list (sign-up, profile).
pub const LOCALE: FieldSpec = FieldSpec::new(Field::Locale, &["language"], check::anything);

/// The IANA time zone, chosen from a list (sign-up, profile).
pub const TIME_ZONE: FieldSpec = FieldSpec::new(
    Field::TimeZone,
    &["time zone", "timezone"],
    check::time_zone,
);

/// One form: its element id, its fields in order, and the fields a success empties (passwords).
/// Forms are told apart by their `id`, unique in the app.
#[derive(Debug, Clone, Copy)]
pub struct FormSpec {
    pub id: &'static str,
    pub fields: &'static [FieldSpec],
    pub clear: &'static [Field],
}

impl PartialEq for FormSpec {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl FormSpec {
    /// The spec of `field` in this form.
    pub fn spec(&self, field: Field) -> Option<&FieldSpec> {
        self.fields.iter().find(|spec| spec.field == field)
    }

    /// Whether any field fails its client-side check.
    pub fn has_problems(&self, state: &FormState) -> bool {
        self.fields
            .iter()
            .any(|spec| (spec.check)(state.value(spec.field)).is_err())
    }
}

/// The field a server error is about, with what to say there; `None` for form-wide errors.
///
/// The server's `error.field`, when it sends one naming a field of this form, decides, and its
/// `error.reason` is worded in the user's language like the client's own checks (the English
/// message only when the reason is missing or unknown to this build). Without a field (an older
/// server), `validation_failed` messages start with the field they are about ("display name must
/// be..."): the longest matching name or alias wins, so "new password" beats "password".
/// `wrong_password` belongs to `current_password`.
pub fn server_field(error: &ClientError, fields: &[FieldSpec]) -> Option<(Field, Problem)> {
    let ClientError::Validation {
        code,
        message,
        field: named,
        reason,
    } = error
    else {
        return None;
    };
    let code = *code;
    let problem = || match reason {
        _ if code == ErrorCode::WrongPassword => Problem::WrongPassword,
        Some(reason) if *reason != Invalid::Unknown => Problem::Invalid(reason.clone()),
        _ => Problem::Server(message.trim().to_owned()),
    };
    if let Some(spec) = named
        .as_deref()
        .and_then(|name| fields.iter().find(|f| f.field.name() == name))
    {
        return Some((spec.field, problem()));
    }
    if code == ErrorCode::WrongPassword {
        return fields
            .iter()
            .find(|f| f.field == Field::CurrentPassword)
            .map(|f| (f.field, Problem::WrongPassword));
    }
    let lower = message.trim().to_lowercase();
    let names_field = |word: &str| {
        let word = word.to_lowercase();
        lower.starts_with(&word)
            && lower[word.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_')
    };
    let mut best: Option<(Field, usize)> = None;
    for spec in fields {
        let name = spec.field.name();
        let spaced = name.replace('_', " ");
        let words = [name, spaced.as_str()]
            .into_iter()
            .chain(spec.aliases.iter().copied());
        for word in words {
            let better = best.is_none_or(|(_, len)| word.len() > len);
            if names_field(word) && better {
                best = Some((spec.field, word.len()));
            }
        }
        // A code naming the field (`invalid_email`, `email_taken`) counts too.
        if best.is_none() && code.as_str().split('_').any(|part| part == name) {
            best = Some((spec.field, 0));
        }
    }
    best.map(|(field, _)| (field, problem()))
}

/// One form's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormState {
    values: BTreeMap<Field, String>,
    /// A submit was tried: client-side problems are shown from now on.
    pub attempted: bool,
    /// Problems the server named, each until its field is edited.
    server_problems: BTreeMap<Field, Problem>,
    /// What went wrong with the whole form (no field to pin it on).
    pub error: Option<ClientError>,
    pub submitting: bool,
    /// The last submit succeeded and nothing was typed since (for a quiet "Saved").
    pub done: bool,
    /// Bumped whenever focus should move to the first field with a problem (or the form error).
    pub focus_request: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FormAction {
    Input {
        field: Field,
        value: String,
    },
    /// A submit found client-side problems: show them and move focus.
    Rejected,
    Submitting,
    /// The server refused; `field` when its answer names one of the form's fields.
    Failed {
        error: ClientError,
        field: Option<(Field, Problem)>,
    },
    /// Sent and accepted; the values stay unless `clear` names fields to empty (passwords).
    Succeeded {
        clear: &'static [Field],
    },
    /// Back to empty (a dialog opened again).
    Reset,
}

impl FormState {
    /// A form with these starting values.
    pub fn with_values(values: &[(Field, &str)]) -> Self {
        Self {
            values: values.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
            ..Self::default()
        }
    }

    pub fn value(&self, field: Field) -> &str {
        self.values
            .get(&field)
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The problem to show on `field`: the server's, else (once a submit was tried) `check`'s.
    pub fn problem(&self, field: Field, check: impl Fn(&str) -> check::Check) -> Option<Problem> {
        if let Some(problem) = self.server_problems.get(&field) {
            return Some(problem.clone());
        }
        if self.attempted {
            check(self.value(field)).err()
        } else {
            None
        }
    }
}

impl Reducible for FormState {
    type Action = FormAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FormAction::Input { field, value } => {
                next.server_problems.remove(&field);
                next.values.insert(field, value);
                next.done = false;
            }
            FormAction::Rejected => {
                next.attempted = true;
                next.error = None;
                next.focus_request += 1;
            }
            FormAction::Submitting => {
                next.attempted = true;
                next.submitting = true;
                next.done = false;
                next.error = None;
                next.server_problems.clear();
            }
            FormAction::Failed { error, field } => {
                next.submitting = false;
                match field {
                    Some((field, problem)) => {
                        next.server_problems.insert(field, problem);
                    }
                    None => next.error = Some(error),
                }
                next.focus_request += 1;
            }
            FormAction::Succeeded { clear } => {
                next.submitting = false;
                next.attempted = false;
                next.done = true;
                next.error = None;
                for field in clear {
                    next.values.insert(*field, String::new());
                }
            }
            FormAction::Reset => next = Self::default(),
        }
        Rc::new(next)
    }
}

// Native tests (`cargo test -p client --lib` on the host): error mapping needs no browser.
#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[FieldSpec] = &[
        FieldSpec::new(Field::NewEmail, &["new email", "email"], check::email),
        FieldSpec::new(
            Field::CurrentPassword,
            &["current password", "password"],
            check::current_password,
        ),
    ];

    fn placed(status: u16, body: &str) -> Option<Field> {
        server_field(&ClientError::from_response(status, body), FIELDS).map(|(field, _)| field)
    }

    #[test]
    fn the_servers_field_wins_over_the_message() {
        let body = r#"{"error":{"code":"validation_failed","message":"email is taken","field":"current_password"}}"#;
        assert_eq!(placed(422, body), Some(Field::CurrentPassword));
    }

    #[test]
    fn without_a_field_the_message_or_code_names_it() {
        let message =
            r#"{"error":{"code":"validation_failed","message":"new email must look like a@b.c"}}"#;
        assert_eq!(placed(400, message), Some(Field::NewEmail));
        let wrong = r#"{"error":{"code":"wrong_password","message":"wrong"}}"#;
        assert_eq!(placed(400, wrong), Some(Field::CurrentPassword));
        let elsewhere = r#"{"error":{"code":"validation_failed","message":"something else"}}"#;
        assert_eq!(placed(400, elsewhere), None);
        assert_eq!(
            placed(403, wrong),
            None,
            "only validation errors have fields"
        );
        assert_eq!(placed(422, "<html>proxy</html>"), None);
    }

    #[test]
    fn a_success_empties_only_the_fields_it_names_and_typing_hides_it() {
        let state = Rc::new(FormState::with_values(&[
            (Field::NewEmail, "a@b.co"),
            (Field::CurrentPassword, "secret"),
        ]));
        let state = state.reduce(FormAction::Succeeded {
            clear: &[Field::CurrentPassword],
        });
        assert!(state.done);
        assert_eq!(state.value(Field::CurrentPassword), "");
        assert_eq!(state.value(Field::NewEmail), "a@b.co");
        let state = state.reduce(FormAction::Input {
            field: Field::NewEmail,
            value: "c@d.co".into(),
        });
        assert!(!state.done);
    }
}
