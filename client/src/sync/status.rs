//! What the header says about syncing, and how long to wait before trying again: pure rules, so
//! they are tested natively.

/// The sync status the header shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    /// Every local change is on the server.
    Synced,
    /// `0` changes made here are not on the server yet (a round is due or running).
    Pending(u32),
    /// The server cannot be reached; `0` changes wait for it.
    Offline(u32),
    /// The server refused a document (or the round failed otherwise): its message, for the user.
    Error(String),
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
        let refused = vec!["too large".to_owned()];
        assert_eq!(
            status(3, &refused, false),
            SyncStatus::Error("too large".into())
        );
        assert_eq!(status(3, &[], false), SyncStatus::Offline(3));
        assert_eq!(status(0, &[], false), SyncStatus::Offline(0));
        assert_eq!(status(3, &[], true), SyncStatus::Pending(3));
        assert_eq!(status(0, &[], true), SyncStatus::Synced);
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
