//! One learner document as this device holds it, with what syncing it needs: the document, the
//! sync state with the server, the count of local changes the server has not confirmed, and the
//! server's last refusal. Pure (no I/O, no browser), so the sync protocol's steps are tested
//! natively; `documents` keeps and saves replicas, `run` carries their messages.

use automerge::{sync, ActorId, ChangeHash};
use shared::doc::{decode_message, DocError, Event, LearnerDoc};

use crate::store::docs::DocRecord;

/// A document and its sync bookkeeping.
#[derive(Debug, Clone)]
pub struct Replica {
    doc: LearnerDoc,
    state: sync::State,
    pending: u32,
    error: Option<String>,
}

impl Default for Replica {
    fn default() -> Self {
        Self::new()
    }
}

impl Replica {
    /// A document this device has never held: empty (no changes at all), so the first sync takes
    /// everything from the server and the first local event starts it.
    pub fn new() -> Self {
        Self {
            doc: LearnerDoc::empty(),
            state: sync::State::new(),
            pending: 0,
            error: None,
        }
    }

    /// The replica a kept record describes; a sync state that no longer decodes starts afresh
    /// (the protocol recovers from that with one more round trip).
    pub fn from_record(record: &DocRecord) -> Result<Self, DocError> {
        let doc = if record.bytes.is_empty() {
            LearnerDoc::empty()
        } else {
            LearnerDoc::load(&record.bytes)?
        };
        let state = record
            .sync_state
            .as_deref()
            .and_then(|bytes| sync::State::decode(bytes).ok())
            .unwrap_or_default();
        Ok(Self {
            doc,
            state,
            pending: record.pending,
            error: record.error.clone(),
        })
    }

    /// The record to keep for it, written at `now_ms`.
    pub fn to_record(&self, now_ms: f64) -> DocRecord {
        DocRecord {
            bytes: if self.doc.is_empty() {
                Vec::new()
            } else {
                self.doc.save()
            },
            sync_state: Some(self.state.encode()),
            pending: self.pending,
            error: self.error.clone(),
            updated_at: now_ms,
        }
    }

    /// The document.
    pub fn doc(&self) -> &LearnerDoc {
        &self.doc
    }

    /// Every event, in the order derived state reads them.
    pub fn events(&self) -> Vec<Event> {
        self.doc.events()
    }

    /// Local changes the server has not confirmed yet.
    pub fn pending(&self) -> u32 {
        self.pending
    }

    /// The server's message when it last refused this document.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Records this device's own `event` (one more pending change).
    pub fn append(&mut self, event: &Event) -> Result<(), DocError> {
        self.doc.append(event)?;
        self.pending = self.pending.saturating_add(1);
        Ok(())
    }

    /// A batch of this device's own events to be written all at once: appended to a copy of the
    /// document, which nothing syncs, and taken in by `commit` (or dropped: nothing was written).
    pub fn start_batch(&self) -> Batch {
        let mut doc = self.doc.clone();
        // An actor of its own, so events appended here meanwhile never share its sequence numbers.
        doc.set_actor(ActorId::random());
        Batch {
            from: doc.heads(),
            doc,
            count: 0,
        }
    }

    /// Takes in every event of `batch` (checked against the schema like any change), as that many
    /// more pending changes. On a refusal the document is as it was.
    pub fn commit(&mut self, batch: &Batch) -> Result<(), DocError> {
        if batch.count == 0 {
            return Ok(());
        }
        self.doc
            .load_incremental(&batch.doc.save_after(&batch.from))?;
        self.pending = self.pending.saturating_add(batch.count);
        Ok(())
    }

    /// The next message for the server, encoded (`None`: nothing to send).
    pub fn next_message(&mut self) -> Option<Vec<u8>> {
        self.doc
            .generate_sync_message(&mut self.state)
            .map(sync::Message::encode)
    }

    /// Applies the server's reply. On a refusal the document and sync state are as they were.
    pub fn receive(&mut self, reply: &[u8]) -> Result<(), DocError> {
        let message = decode_message(reply)?;
        self.doc.receive_sync_message(&mut self.state, message)
    }

    /// Ends a sync round: when the server is known to hold every change this device has, nothing
    /// is pending any more and an earlier refusal is over. Returns whether that is so.
    pub fn settle(&mut self) -> bool {
        let mut ours = self.doc.heads();
        let mut shared = self.state.shared_heads.clone();
        ours.sort();
        shared.sort();
        let in_sync = ours == shared;
        if in_sync {
            self.pending = 0;
            self.error = None;
        }
        in_sync
    }

    /// Remembers the server's refusal of this document (shown until a sync succeeds).
    pub fn refuse(&mut self, message: String) {
        self.error = Some(message);
    }

    /// Forgets the sync state (after a round broke off midway, so the next starts cleanly).
    pub fn reset_sync(&mut self) {
        self.state = sync::State::decode(&self.state.encode()).unwrap_or_default();
    }
}

/// Events appended apart from the document (`Replica::start_batch`), until committed.
#[derive(Debug, Clone)]
pub struct Batch {
    doc: LearnerDoc,
    from: Vec<ChangeHash>,
    count: u32,
}

impl Batch {
    /// Appends one more event to the batch (the document does not see it yet).
    pub fn append(&mut self, event: &Event) -> Result<(), DocError> {
        self.doc.append(event)?;
        self.count = self.count.saturating_add(1);
        Ok(())
    }

    /// How many events the batch holds.
    pub fn len(&self) -> u32 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}
