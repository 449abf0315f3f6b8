//! Background jobs: one database-backed queue for every kind of work that must not run inside a
//! request (mail, and later sync projections, AI drafts, reminders, webhooks).
//!
//! Owns the `jobs` table's life (queueing, claiming, retrying, purging) and the doorbell that wakes
//! this process's runner. Never runs a job inside the transaction that queued it.

use tokio::sync::watch;

/// Wakes this process's job runner: rung by `Tx::commit` after a transaction that queued a job.
/// Other server processes find the job at their next poll. Cheap to clone.
///
/// A counter in a `watch` channel rather than a `Notify`: every runner listening (tests run several
/// on one database) sees each ring, and a ring while a runner is busy is not lost.
#[derive(Debug, Clone)]
pub struct Waker {
    rings: std::sync::Arc<watch::Sender<u64>>,
}

impl Default for Waker {
    fn default() -> Self {
        Self::new()
    }
}

impl Waker {
    pub fn new() -> Self {
        Self {
            rings: std::sync::Arc::new(watch::channel(0).0),
        }
    }

    /// Tells the runner new work is waiting (it looks at once, or again when it is done).
    pub fn wake(&self) {
        self.rings.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A handle that completes `woken` once per ring since it last did.
    pub fn listen(&self) -> watch::Receiver<u64> {
        self.rings.subscribe()
    }
}
