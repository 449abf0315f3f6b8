//! `Email`: an address that passed `validate::email`, held in its normalised form.

use crate::validate::{self, Invalid};

/// An email address that passed `validate::email`, held normalised (trimmed, domain lowercased).
/// Made only by `Email::parse` (deserializing parses too), so holding one means it is valid.
///
/// On the wire it is a plain string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, format = Email))]
pub struct Email(String);

impl Email {
    /// Checks and normalises what someone typed; the typed reason when it is not an address.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        validate::email(input).map(Self)
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key two addresses are compared by (`validate::email_key`): `Ada@example.com` and
    /// `ada@example.com` have the same key, so they are one account.
    pub fn key(&self) -> String {
        validate::email_key(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = Invalid;

    fn try_from(input: String) -> Result<Self, Invalid> {
        Self::parse(&input)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

/// Reads a string and parses it: a value that is not an address is refused with the reason in
/// English (`Invalid` has no `Display` of its own: each side words it).
impl<'de> serde::Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let input = String::deserialize(deserializer)?;
        Self::parse(&input).map_err(|reason| serde::de::Error::custom(reason.english("email")))
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_parses_valid_addresses_into_their_normalised_form_and_key() {
        let cases = [
            ("ada@example.com", "ada@example.com", "ada@example.com"),
            ("  Ada@Example.COM ", "Ada@example.com", "ada@example.com"),
            (
                "a.b+tag@sub.example.org",
                "a.b+tag@sub.example.org",
                "a.b+tag@sub.example.org",
            ),
        ];
        for (input, normalised, key) in cases {
            let email = Email::parse(input).unwrap();
            assert_eq!(email.as_str(), normalised, "{input}");
            assert_eq!(email.key(), key, "{input}");
            assert_eq!(email.to_string(), normalised);
        }
    }

    #[test]
    fn email_refuses_what_validate_refuses_with_the_same_reason() {
        let cases = [
            ("", Invalid::Required),
            ("   ", Invalid::Required),
            ("no-at-sign", Invalid::NotEmail),
            ("a@b", Invalid::NotEmail),
            ("two words@example.com", Invalid::NotEmail),
            ("\u{212A}ate@example.com", Invalid::NotEmail),
        ];
        for (input, reason) in cases {
            assert_eq!(Email::parse(input), Err(reason), "{input:?}");
        }
        let long = format!("{}@example.com", "a".repeat(400));
        assert!(matches!(Email::parse(&long), Err(Invalid::TooLong { .. })));
    }

    #[test]
    fn email_is_a_plain_string_on_the_wire_and_parses_when_read() {
        let email = Email::parse("Ada@Example.com").unwrap();
        let json = serde_json::to_string(&email).unwrap();
        assert_eq!(json, "\"Ada@example.com\"");
        assert_eq!(serde_json::from_str::<Email>(&json).unwrap(), email);
        // Read through the same parser: normalised on the way in.
        assert_eq!(
            serde_json::from_str::<Email>("\" Ada@EXAMPLE.com\"").unwrap(),
            email
        );
        for bad in ["\"\"", "\"not an address\"", "42", "null"] {
            assert!(serde_json::from_str::<Email>(bad).is_err(), "{bad}");
        }
    }
}
