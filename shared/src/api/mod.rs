//! Request and response types of the HTTP API, one module per resource.

pub mod accounts;
pub mod authoring;
pub mod courses;
pub mod decks;
pub mod discussions;
pub mod error;
pub mod motivation;
pub mod notifications;
pub mod quiz_drafts;
pub mod quizzes;
pub mod reviews;
pub mod search;
pub mod teaching;
pub mod time;
pub mod tutor;

pub use error::{ErrorBody, ErrorDetail};
pub use time::Timestamp;

/// One page of a cursor-paginated list.
///
/// `next_cursor` is opaque: pass it back as `?cursor=` to get the following page;
/// it is `None` on the last page.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Serde for a field that can be absent (keep), `null` (clear) or a value (set): absent is the
/// outer `None` (with `#[serde(default)]`), `null` is `Some(None)`.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }

    #[cfg(test)]
    mod tests {
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        struct Changes {
            #[serde(default, skip_serializing_if = "Option::is_none", with = "super")]
            cover: Option<Option<String>>,
        }

        #[test]
        fn absent_null_and_value_are_three_things() {
            let read = |json: &str| serde_json::from_str::<Changes>(json).unwrap().cover;
            assert_eq!(read("{}"), None);
            assert_eq!(read(r#"{"cover": null}"#), Some(None));
            assert_eq!(read(r#"{"cover": "x"}"#), Some(Some("x".into())));
            for cover in [None, Some(None), Some(Some("x".to_owned()))] {
                let json = serde_json::to_string(&Changes {
                    cover: cover.clone(),
                })
                .unwrap();
                assert_eq!(read(&json), cover, "{json}");
            }
        }
    }
}
