//! The ids the database stores: UUID v7 text (lowercase, hyphenated), one newtype per table so a
//! session id can never be passed where a user id belongs; and `DocId`, a learner document's id.

use std::fmt;

/// Whether `text` is a UUID as the server writes it: 36 characters, lowercase hexadecimal in
/// groups of 8-4-4-4-12. Any version is read (the server makes v7); uppercase or braces are not,
/// so one id has exactly one spelling.
fn is_canonical_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(b),
        })
}

/// Why a text is not an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAnId;

impl fmt::Display for NotAnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an id")
    }
}

impl std::error::Error for NotAnId {}

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        ///
        /// On the wire a plain string (`format: uuid`); deserializing parses it.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
        pub struct $name(String);

        impl $name {
            /// Reads an id as the server writes it (lowercase hyphenated UUID text).
            pub fn parse(text: &str) -> Result<Self, NotAnId> {
                if is_canonical_uuid(text) {
                    Ok(Self(text.to_owned()))
                } else {
                    Err(NotAnId)
                }
            }

            /// A new, time-ordered id (UUID v7). Server only: the client never makes ids.
            #[cfg(feature = "new-ids")]
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }

            /// The UUID text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = NotAnId;

            fn from_str(text: &str) -> Result<Self, NotAnId> {
                Self::parse(text)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        // Bound and read as TEXT; reading parses, so a corrupt row is an error, not an id.
        #[cfg(feature = "sqlx")]
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        #[cfg(feature = "sqlx")]
        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            String: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <String as sqlx::Encode<'q, DB>>::encode_by_ref(&self.0, buf)
            }
        }

        #[cfg(feature = "sqlx")]
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            String: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <String as sqlx::Decode<'r, DB>>::decode(value)?;
                Ok(Self::parse(&text)?)
            }
        }
    };
}

uuid_id! {
    /// An account (`users.id`).
    UserId
}
uuid_id! {
    /// A signed-in session (`sessions.id`).
    SessionId
}
uuid_id! {
    /// A course (`courses.id`).
    CourseId
}
uuid_id! {
    /// A teacher application (`teacher_applications.id`).
    ApplicationId
}
uuid_id! {
    /// An in-app notification (`notifications.id`).
    NotificationId
}
uuid_id! {
    /// A background job (`jobs.id`).
    JobId
}
uuid_id! {
    /// A catalog category (`categories.id`).
    CategoryId
}
uuid_id! {
    /// A module of a course: a titled group of lessons (`course_modules.id`).
    ModuleId
}
uuid_id! {
    /// A lesson (`lessons.id`).
    LessonId
}
uuid_id! {
    /// A learner's review of a course (`course_reviews.id`).
    ReviewId
}
uuid_id! {
    /// A batch of AI-drafted quiz questions (`quiz_drafts.id`).
    QuizDraftId
}
uuid_id! {
    /// A post of a lesson's discussion: a thread's first post or a reply (`lesson_posts.id`).
    PostId
}
uuid_id! {
    /// A report of a discussion post (`post_reports.id`).
    PostReportId
}
uuid_id! {
    /// A learner's conversation with the tutor about one lesson (`tutor_conversations.id`).
    ConversationId
}
uuid_id! {
    /// One message of a tutor conversation, the learner's or the tutor's (`tutor_messages.id`).
    TutorMessageId
}

/// A learner document's id (see DESIGN.md "Sync"): `profile-{user_id}` for a user's profile,
/// `progress-{user_id}-{course_id}` for their progress in one course. Made from typed ids or by
/// `parse`, which refuses anything else (other prefixes, non-UUID parts, `/`, `..`, control bytes),
/// so a `DocId` is always safe to use as a key or in a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String))]
pub struct DocId(String);

const PROFILE: &str = "profile-";
const PROGRESS: &str = "progress-";
/// The length of a UUID's text.
const UUID_LEN: usize = 36;

impl DocId {
    /// The profile document of `user`.
    pub fn profile(user: &UserId) -> Self {
        Self(format!("{PROFILE}{user}"))
    }

    /// `user`'s progress document for `course`.
    pub fn progress(user: &UserId, course: &CourseId) -> Self {
        Self(format!("{PROGRESS}{user}-{course}"))
    }

    /// Reads a document id; refuses anything that is not exactly one of the two shapes.
    pub fn parse(text: &str) -> Result<Self, NotAnId> {
        if let Some(user) = text.strip_prefix(PROFILE) {
            return Ok(Self::profile(&UserId::parse(user)?));
        }
        if let Some(rest) = text.strip_prefix(PROGRESS) {
            let user = rest.get(..UUID_LEN).ok_or(NotAnId)?;
            let course = rest
                .get(UUID_LEN..)
                .and_then(|tail| tail.strip_prefix('-'))
                .ok_or(NotAnId)?;
            return Ok(Self::progress(
                &UserId::parse(user)?,
                &CourseId::parse(course)?,
            ));
        }
        Err(NotAnId)
    }

    /// The user whose document it is.
    pub fn owner(&self) -> UserId {
        let after_prefix = self
            .0
            .strip_prefix(PROFILE)
            .or_else(|| self.0.strip_prefix(PROGRESS))
            .unwrap_or_default();
        // Both shapes start with the owner's id, checked when the `DocId` was made.
        UserId(after_prefix.chars().take(UUID_LEN).collect())
    }

    /// The course of a progress document; `None` for a profile document.
    pub fn course(&self) -> Option<CourseId> {
        let rest = self.0.strip_prefix(PROGRESS)?;
        // `progress-{user}-{course}`: the course's id follows the owner's and a `-`.
        rest.get(UUID_LEN + 1..)
            .map(|course| CourseId(course.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for DocId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: &str = "01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0e";
    const C: &str = "01933c5e-8000-7000-8000-000000000001";

    #[test]
    fn ids_accept_only_lowercase_hyphenated_uuid_text() {
        let valid = [U, C, "00000000-0000-0000-0000-000000000000"];
        for text in valid {
            assert_eq!(UserId::parse(text).unwrap().as_str(), text);
            assert_eq!(SessionId::parse(text).unwrap().to_string(), text);
            assert_eq!(text.parse::<CourseId>().unwrap().as_str(), text);
        }
        let invalid = [
            "",
            "42",
            "not-a-uuid",
            "01933C5E-7F2A-7B3C-9D4E-5F6A7B8C9D0E",
            "01933c5e7f2a7b3c9d4e5f6a7b8c9d0e",
            "{01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0e}",
            "01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0",
            "01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0e0",
            "01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0g",
            " 01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0",
            "01933c5e_7f2a_7b3c_9d4e_5f6a7b8c9d0e",
            "../../../../etc/passwd/aaaaaaaaaaaaaa",
        ];
        for text in invalid {
            assert_eq!(UserId::parse(text), Err(NotAnId), "{text:?}");
            assert_eq!(NotificationId::parse(text), Err(NotAnId), "{text:?}");
        }
    }

    #[cfg(feature = "new-ids")]
    #[test]
    fn new_ids_are_ordered_v7_text_that_parses_back() {
        let (first, second) = (UserId::new(), UserId::new());
        assert_eq!(UserId::parse(first.as_str()), Ok(first.clone()));
        assert_eq!(&first.as_str()[14..15], "7");
        assert!(first < second);
    }

    #[test]
    fn ids_are_plain_strings_on_the_wire_and_parse_when_read() {
        let id = UserId::parse(U).unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{U}\""));
        assert_eq!(serde_json::from_str::<UserId>(&json).unwrap(), id);
        for bad in [
            "\"\"",
            "\"nope\"",
            "42",
            "null",
            "\"01933C5E-7F2A-7B3C-9D4E-5F6A7B8C9D0E\"",
        ] {
            assert!(serde_json::from_str::<ApplicationId>(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<JobId>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn doc_ids_are_made_from_typed_ids_and_name_their_owner() {
        let user = UserId::parse(U).unwrap();
        let course = CourseId::parse(C).unwrap();
        let profile = DocId::profile(&user);
        assert_eq!(profile.as_str(), format!("profile-{U}"));
        assert_eq!(profile.owner(), user);
        let progress = DocId::progress(&user, &course);
        assert_eq!(progress.to_string(), format!("progress-{U}-{C}"));
        assert_eq!(progress.owner(), user);
        assert_eq!(progress.course(), Some(course.clone()));
        assert_eq!(profile.course(), None);
        for doc in [profile, progress] {
            assert_eq!(DocId::parse(doc.as_str()).unwrap(), doc);
            let json = serde_json::to_string(&doc).unwrap();
            assert_eq!(json, format!("\"{doc}\""));
            assert_eq!(serde_json::from_str::<DocId>(&json).unwrap(), doc);
        }
    }

    #[test]
    fn doc_id_parse_refuses_everything_but_the_two_shapes() {
        let refused = [
            String::new(),
            "profile-".into(),
            "progress-".into(),
            U.into(),
            format!("profile-{U}-{C}"),
            format!("progress-{U}"),
            format!("progress-{U}-"),
            format!("progress-{U}{C}"),
            format!("progress-{U}--{C}"),
            format!("progress-{U}-{C}-"),
            format!("Profile-{U}"),
            format!("settings-{U}"),
            format!("profile-{}", U.to_uppercase()),
            format!("profile-{U}/"),
            format!("profile-{U}/../x"),
            format!("../profile-{U}"),
            format!("profile-..{}", &U[2..]),
            format!("profile-{U}\n"),
            format!("profile-{U}\0"),
            format!("profile-\u{7f}{}", &U[1..]),
            format!(" profile-{U}"),
            format!("progress-{U}-{C}/x"),
            format!("progress-{}-{C}", &U[..35]),
            "progress-ééééééééééééééééééééééééééééééééééééé-x".into(),
        ];
        for text in &refused {
            assert_eq!(DocId::parse(text), Err(NotAnId), "{text:?}");
            let json = serde_json::to_string(text).unwrap();
            assert!(serde_json::from_str::<DocId>(&json).is_err(), "{text:?}");
        }
    }
}
