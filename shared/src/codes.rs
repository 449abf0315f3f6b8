//! One way to give an enum its stored codes: the text kept in the database and sent on the wire.
//!
//! Owns the `stored_codes!` macro, so no enum hand-writes a `code()`/`from_code()` pair that could
//! drift apart (or from the serde names: the same codes are used for JSON).

/// Declares a field-less enum in which every variant has one code (its name in snake_case), and
/// derives `Debug`, `Clone`,
/// `Copy`, `PartialEq`, `Eq`, `Hash` and serde with those codes. Generates `ALL` (every variant
/// in declaration order), `code()`, `from_code()` and `Display` (the code).
///
/// ```
/// shared::stored_codes! {
///     /// A traffic light.
///     pub enum Light { Red = "red", Green = "green" }
/// }
/// assert_eq!(Light::Red.code(), "red");
/// assert_eq!(Light::from_code("green"), Some(Light::Green));
/// assert_eq!(Light::from_code("blue"), None);
/// ```
#[macro_export]
macro_rules! stored_codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $code:tt),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        // The codes are the variants' names in snake_case; `rename_all` says so to schema
        // generators that read only enum-level attributes, the per-variant names to serde.
        #[serde(rename_all = "snake_case")]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database and sent on the wire.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// Parses a stored code; `None` for anything else.
            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::stored_codes! {
        #[derive(Default)]
        enum Sample { #[default] One = "one", TwoWords = "two_words" }
    }

    #[test]
    fn codes_round_trip_through_code_serde_and_display() {
        for sample in Sample::ALL {
            assert_eq!(Sample::from_code(sample.code()), Some(*sample));
            let json = serde_json::to_string(sample).unwrap();
            assert_eq!(json, format!("\"{}\"", sample.code()));
            assert_eq!(serde_json::from_str::<Sample>(&json).unwrap(), *sample);
            assert_eq!(sample.to_string(), sample.code());
        }
        assert_eq!(Sample::default(), Sample::One);
        assert_eq!(Sample::from_code("TwoWords"), None);
    }
}
