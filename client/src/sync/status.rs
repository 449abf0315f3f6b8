//! What the header says about syncing, and how long to wait before trying again: pure rules, so
//! they are tested natively.

use shared::api::error::ErrorCode;

use crate::error::ClientError;

/// The sync status the header shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    /// Every local change is on the server.
    Synced,
    /// `0` changes made here are not on the server yet (a round is due or running).
    Pending(u32),
    /// The server cannot be reached; `0` changes wait for it.
    Offline(u32),
    /// The server refused a document (or the round failed otherwise): the refusal's key
    /// (`Refusal::key`), which the header words in the reader's language.
    Error(String),
}

/// Why the server refused a document, kept on the document as a stable key (`key`) rather than
/// the server's English text, so the header can say it in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 413: the document would pass its size limit.
    TooLarge,
    /// 400 `schema_violation`: a change breaks the document schema.
    Schema,
    /// 400 otherwise: the server could not read the message.
    Corrupt,
    /// 404: the server keeps no such document for this learner (the course is gone).
    NotFound,
    /// The server's reply could not be applied here.
    BadReply,
}

impl Refusal {
    const ALL: [Self; 5] = [
        Self::TooLarge,
        Self::Schema,
        Self::Corrupt,
        Self::NotFound,
        Self::BadReply,
    ];

    /// The key kept on the document.
    pub const fn key(self) -> &'static str {
        match self {
            Self::TooLarge => "refused:too_large",
            Self::Schema => "refused:schema",
            Self::Corrupt => "refused:corrupt",
            Self::NotFound => "refused:not_found",
            Self::BadReply => "refused:bad_reply",
        }
    }

    /// The refusal a kept key names; `None` for anything else (a message kept by an older
    /// version of the app).
    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|refusal| refusal.key() == key)
    }

    /// The refusal `error` is, when it is one of a document (rather than of the connection or
    /// the session).
    pub fn of(error: &ClientError) -> Option<Self> {
        match error {
            ClientError::Validation { code, .. } => Some(match code {
                ErrorCode::DocumentTooLarge | ErrorCode::PayloadTooLarge => Self::TooLarge,
                ErrorCode::SchemaViolation => Self::Schema,
                _ => Self::Corrupt,
            }),
            ClientError::NotFound { .. } => Some(Self::NotFound),
            ClientError::Unexpected { .. } => Some(Self::BadReply),
            _ => None,
        }
    }
}

/// The status for `pending` local changes, the documents' refusals, and whether the server was
/// reachable on the last try (or the browser is offline). A refusal outranks being offline: it
/// needs the learner, being offline does not.
pub fn status(pending: u32, refusals: &[String], reachable: bool) -> SyncStatus {
    if let Some(message) = refusals.first() {
        return SyncStatus::Error(message.clone());
    }
    if !reachable {
        return SyncStatus::Offline(pending);
    }
    if pending > 0 {
        SyncStatus::Pending(pending)
    } else {
        SyncStatus::Synced
    }
}

/// The first wait after a failure to reach the server, in ms.
pub const RETRY_FIRST_MS: u32 = 2_000;
/// The longest wait between tries, in ms.
pub const RETRY_MAX_MS: u32 = 5 * 60 * 1_000;

/// The wait before the next try after `failures` failures in a row (1 = the first): doubling from
/// `RETRY_FIRST_MS`, at most `RETRY_MAX_MS`.
pub fn retry_delay_ms(failures: u32) -> u32 {
    let doublings = failures.saturating_sub(1).min(16);
    RETRY_FIRST_MS
        .saturating_mul(1 << doublings)
        .min(RETRY_MAX_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_outranks_offline_which_outranks_pending() {
        let refused = vec![Refusal::TooLarge.key().to_owned()];
        assert_eq!(
            status(3, &refused, false),
            SyncStatus::Error("refused:too_large".into())
        );
        assert_eq!(status(3, &[], false), SyncStatus::Offline(3));
        assert_eq!(status(0, &[], false), SyncStatus::Offline(0));
        assert_eq!(status(3, &[], true), SyncStatus::Pending(3));
        assert_eq!(status(0, &[], true), SyncStatus::Synced);
    }

    #[test]
    fn a_refusal_is_kept_as_a_key_the_header_can_word_in_any_language() {
        let validation = |code| ClientError::Validation {
            code,
            message: "the server's English".into(),
            field: None,
            reason: None,
        };
        let cases = [
            (validation(ErrorCode::DocumentTooLarge), Refusal::TooLarge),
            (validation(ErrorCode::PayloadTooLarge), Refusal::TooLarge),
            (validation(ErrorCode::SchemaViolation), Refusal::Schema),
            (validation(ErrorCode::InvalidSyncMessage), Refusal::Corrupt),
            (
                ClientError::NotFound {
                    message: "no such document".into(),
                },
                Refusal::NotFound,
            ),
            (
                ClientError::Unexpected {
                    detail: "garbled".into(),
                },
                Refusal::BadReply,
            ),
        ];
        for (error, refusal) in cases {
            assert_eq!(Refusal::of(&error), Some(refusal), "{error:?}");
            assert_eq!(Refusal::parse(refusal.key()), Some(refusal));
        }
        for passing in [
            ClientError::Offline,
            ClientError::Unauthorized,
            ClientError::Server { status: 503 },
        ] {
            assert_eq!(Refusal::of(&passing), None, "{passing:?} is no refusal");
        }
        assert_eq!(
            Refusal::parse("the document would pass its 2 MB limit"),
            None,
            "an older app's kept message"
        );
    }

    #[test]
    fn retries_back_off_by_doubling_up_to_five_minutes() {
        assert_eq!(retry_delay_ms(0), 2_000);
        assert_eq!(retry_delay_ms(1), 2_000);
        assert_eq!(retry_delay_ms(2), 4_000);
        assert_eq!(retry_delay_ms(3), 8_000);
        assert_eq!(retry_delay_ms(8), 256_000);
        assert_eq!(retry_delay_ms(9), RETRY_MAX_MS);
        assert_eq!(retry_delay_ms(u32::MAX), RETRY_MAX_MS);
    }
}
