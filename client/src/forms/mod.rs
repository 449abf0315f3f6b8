//! Form state shared by every form page: values by field name, which problems to show, the
//! form-wide error and whether a submit is in flight.
//!
//! Client-side problems show once a submit has been tried and then follow the typing; problems the
//! server named stay on their field until it is edited. Pure: pages own the HTTP calls.

pub mod check;

use std::collections::BTreeMap;
use std::rc::Rc;

use yew::Reducible;

pub use check::Problem;

use crate::error::ClientError;

/// A field of a form as the server's messages may name it: the form's `name` attribute first,
/// then other words the server uses for it (`"display name"`, `"password"` for `new_password`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
}

impl FieldSpec {
    pub const fn new(name: &'static str, aliases: &'static [&'static str]) -> Self {
        Self { name, aliases }
    }
}

/// The field a server error is about, with what to say there; `None` for form-wide errors.
///
/// `validation_failed` messages start with the field they are about ("display name must be...",
/// "password is one of the most common..."): the longest matching name or alias wins, so
/// "new password" beats "password". `wrong_password` belongs to `current_password`.
pub fn server_field(error: &ClientError, fields: &[FieldSpec]) -> Option<(&'static str, Problem)> {
    let ClientError::Validation { code, message } = error else {
        return None;
    };
    if code == "wrong_password" {
        return fields
            .iter()
            .find(|f| f.name == "current_password")
            .map(|f| (f.name, Problem::WrongPassword));
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
    let mut best: Option<(&'static str, usize)> = None;
    for field in fields {
        let spaced = field.name.replace('_', " ");
        let words = [field.name, spaced.as_str()]
            .into_iter()
            .chain(field.aliases.iter().copied());
        for word in words {
            let better = best.is_none_or(|(_, len)| word.len() > len);
            if names_field(word) && better {
                best = Some((field.name, word.len()));
            }
        }
        // A code naming the field (`invalid_email`, `email_taken`) counts too.
        if best.is_none() && code.split('_').any(|part| part == field.name) {
            best = Some((field.name, 0));
        }
    }
    best.map(|(name, _)| (name, Problem::Server(message.trim().to_owned())))
}

/// One form's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormState {
    values: BTreeMap<&'static str, String>,
    /// A submit was tried: client-side problems are shown from now on.
    pub attempted: bool,
    /// Problems the server named, each until its field is edited.
    server_problems: BTreeMap<&'static str, Problem>,
    /// What went wrong with the whole form (no field to pin it on).
    pub error: Option<ClientError>,
    pub submitting: bool,
    /// Bumped whenever focus should move to the first field with a problem (or the form error).
    pub focus_request: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FormAction {
    Input {
        name: &'static str,
        value: String,
    },
    /// A submit found client-side problems: show them and move focus.
    Rejected,
    Submitting,
    /// The server refused; `field` when its answer names one of the form's fields.
    Failed {
        error: ClientError,
        field: Option<(&'static str, Problem)>,
    },
    /// Sent and accepted; the values stay unless `clear` names fields to empty (passwords).
    Succeeded {
        clear: &'static [&'static str],
    },
    /// Back to empty (a dialog opened again).
    Reset,
}

impl FormState {
    /// A form with these starting values.
    pub fn with_values(values: &[(&'static str, &str)]) -> Self {
        Self {
            values: values.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
            ..Self::default()
        }
    }

    pub fn value(&self, name: &str) -> &str {
        self.values
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The problem to show on `name`: the server's, else (once a submit was tried) `check`'s.
    pub fn problem(&self, name: &str, check: impl Fn(&str) -> check::Check) -> Option<Problem> {
        if let Some(problem) = self.server_problems.get(name) {
            return Some(problem.clone());
        }
        if self.attempted {
            check(self.value(name)).err()
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
            FormAction::Input { name, value } => {
                next.server_problems.remove(name);
                next.values.insert(name, value);
            }
            FormAction::Rejected => {
                next.attempted = true;
                next.error = None;
                next.focus_request += 1;
            }
            FormAction::Submitting => {
                next.attempted = true;
                next.submitting = true;
                next.error = None;
                next.server_problems.clear();
            }
            FormAction::Failed { error, field } => {
                next.submitting = false;
                match field {
                    Some((name, problem)) => {
                        next.server_problems.insert(name, problem);
                    }
                    None => next.error = Some(error),
                }
                next.focus_request += 1;
            }
            FormAction::Succeeded { clear } => {
                next.submitting = false;
                next.attempted = false;
                next.error = None;
                for name in clear {
                    next.values.insert(name, String::new());
                }
            }
            FormAction::Reset => next = Self::default(),
        }
        Rc::new(next)
    }
}
