//! The learner documents: one profile document per user and one progress document per (user,
//! course), Automerge CRDTs held by every device and by the server and merged by the standard
//! sync protocol. Owns their schema (`schema`), their events (`event`) and what is derived from
//! them (`progress`); never does I/O and never decides who may read a document.
//!
//! Layout (any Automerge implementation can read and write it; the README repeats it):
//! the root is a map with `events`, a list of maps, and `schema`, the schema version (an
//! integer, 1 today). Each event map has `id` (a UUID), `kind`, `at` (RFC 3339), then the kind's
//! own fields. A root with an empty `events` list is the minimal valid document. Events are only
//! ever appended; derived state is recomputed from the merged events, ordered by `at` then `id`.

pub mod cards;
pub mod event;
pub mod progress;
mod schema;

use std::collections::HashSet;

use automerge::sync::{self, SyncDoc};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ChangeHash, ObjType, ReadDoc, ValueRef, ROOT};

pub use event::{
    derived_card_id, millis_rfc3339, new_event_id, rfc3339_millis, rfc3339_parts, CardSource,
    Event, EventKind, FittedParameters, NewCard, QuizAttempt, CARD_TAGS_MAX_CHARS,
    CARD_TEXT_MAX_CHARS,
};
pub use schema::{validate, validate_changes_since, SchemaError};

use schema::check_new_event;

/// The schema version this build writes (the root's `schema`).
pub const SCHEMA_VERSION: u64 = 1;
/// The root's list of events.
pub const EVENTS: &str = "events";
/// The root's schema version.
pub const SCHEMA: &str = "schema";

/// The actor of the genesis change. Every peer that starts a document makes the very same first
/// change (this actor, time 0, `events` = [], `schema` = 1), so documents started on two devices
/// share one `events` list instead of two conflicting ones. (Readers still union all conflicting
/// `events` lists, so a peer that starts one its own way loses nothing either.)
pub const GENESIS_ACTOR: [u8; 16] = [0; 16];

/// What went wrong with a document or a sync message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocError {
    /// Bytes that are not an Automerge document or sync message (corrupt or truncated).
    Undecodable(String),
    /// A document, or what a message adds to it, breaks the schema; nothing was kept.
    Schema(SchemaError),
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Undecodable(detail) => write!(f, "not a valid Automerge message: {detail}"),
            Self::Schema(error) => write!(f, "breaks the learner document schema: {error}"),
        }
    }
}

impl std::error::Error for DocError {}

impl From<SchemaError> for DocError {
    fn from(error: SchemaError) -> Self {
        Self::Schema(error)
    }
}

/// Reads a sync message's bytes (`DocError::Undecodable` if they are not one).
pub fn decode_message(bytes: &[u8]) -> Result<sync::Message, DocError> {
    sync::Message::decode(bytes).map_err(|e| DocError::Undecodable(e.to_string()))
}

/// One learner document, valid by construction: made new, loaded and checked, or changed only by
/// `append` and by sync messages that pass the schema.
#[derive(Debug, Clone)]
pub struct LearnerDoc {
    doc: Automerge,
}

impl Default for LearnerDoc {
    fn default() -> Self {
        Self::new()
    }
}

impl LearnerDoc {
    /// A new document holding only the genesis change, written by a random actor from then on.
    pub fn new() -> Self {
        Self::with_actor(ActorId::random())
    }

    /// A new document whose own changes are written by `actor` (tests name their replicas).
    pub fn with_actor(actor: ActorId) -> Self {
        let mut doc = Automerge::new().with_actor(ActorId::from(GENESIS_ACTOR));
        let genesis = doc.transact_with(
            |_| CommitOptions::default().with_time(0),
            |tx| -> Result<(), automerge::AutomergeError> {
                tx.put_object(ROOT, EVENTS, ObjType::List)?;
                tx.put(ROOT, SCHEMA, SCHEMA_VERSION)?;
                Ok(())
            },
        );
        // Two operations on an empty document cannot fail; if they ever did, the document would
        // be empty, which `load` and sync still accept as "nothing yet".
        debug_assert!(genesis.is_ok());
        doc.set_actor(actor);
        Self { doc }
    }

    /// A document from saved bytes (a whole save, or a save followed by incremental saves),
    /// checked against the schema.
    pub fn load(bytes: &[u8]) -> Result<Self, DocError> {
        let mut doc = Automerge::load(bytes).map_err(|e| DocError::Undecodable(e.to_string()))?;
        validate(&doc)?;
        doc.set_actor(ActorId::random());
        Ok(Self { doc })
    }

    /// A document that was already checked (the server's own stored copy), without checking it
    /// again. Empty bytes give an empty document (no changes at all).
    pub fn load_trusted(bytes: &[u8]) -> Result<Self, DocError> {
        let doc = if bytes.is_empty() {
            Automerge::new()
        } else {
            // Our own bytes: the change hashes were checked when the changes arrived, so they are
            // not recomputed on every load (the largest part of opening a big document).
            Automerge::load_with_options(
                bytes,
                automerge::LoadOptions::new()
                    .verification_mode(automerge::VerificationMode::DontCheck),
            )
            .map_err(|e| DocError::Undecodable(e.to_string()))?
        };
        Ok(Self { doc })
    }

    /// An empty document (no changes at all, not even the genesis): what a peer that has never
    /// seen the document syncs from, so that everything comes from the other side.
    pub fn empty() -> Self {
        Self {
            doc: Automerge::new(),
        }
    }

    /// Sets the actor this peer's own changes are written by.
    pub fn set_actor(&mut self, actor: ActorId) {
        self.doc.set_actor(actor);
    }

    /// The whole document, compacted.
    pub fn save(&self) -> Vec<u8> {
        self.doc.save()
    }

    /// The changes made since `heads`, as bytes to append to an earlier save.
    pub fn save_after(&self, heads: &[ChangeHash]) -> Vec<u8> {
        self.doc.save_after(heads)
    }

    /// Applies bytes from `save_after` (or a whole save) and checks what they added; on a
    /// refusal the document is as it was.
    pub fn load_incremental(&mut self, bytes: &[u8]) -> Result<(), DocError> {
        let before = self.doc.get_heads();
        let mut next = self.doc.clone();
        next.load_incremental(bytes)
            .map_err(|e| DocError::Undecodable(e.to_string()))?;
        validate_changes_since(&next, &before)?;
        self.doc = next;
        Ok(())
    }

    /// The document's current heads.
    pub fn heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// Whether the document has no changes at all.
    pub fn is_empty(&self) -> bool {
        self.doc.is_empty()
    }

    /// The underlying Automerge document (read only).
    pub fn automerge(&self) -> &Automerge {
        &self.doc
    }

    /// Appends `event` (a device's own action) as one change at `event.at`'s time. Refused,
    /// leaving the document as it was, if the event would break the schema (a bad `at` or id).
    pub fn append(&mut self, event: &Event) -> Result<(), DocError> {
        // Checked before writing, so the document is changed in place (no copy of a large one).
        check_new_event(event)?;
        if self.doc.is_empty() {
            let actor = self.doc.get_actor().clone();
            *self = Self::with_actor(actor);
        }
        let seconds = event.at_millis().unwrap_or(0).div_euclid(1000);
        let list = match self.doc.get(ROOT, EVENTS) {
            Ok(Some((automerge::Value::Object(ObjType::List), list))) => list,
            _ => return Err(SchemaError("the document has no `events` list".into()).into()),
        };
        let result = self.doc.transact_with(
            |_| CommitOptions::default().with_time(seconds),
            |tx| -> Result<(), automerge::AutomergeError> {
                let index = tx.length(&list);
                let map = tx.insert_object(&list, index, ObjType::Map)?;
                tx.put(&map, "id", event.id.as_str())?;
                tx.put(&map, "kind", event.kind.name())?;
                tx.put(&map, "at", event.at.as_str())?;
                for (field, value) in event.kind.fields() {
                    tx.put(&map, field, value)?;
                }
                Ok(())
            },
        );
        // A failed transaction is rolled back by automerge: nothing was written.
        result
            .map(|_| ())
            .map_err(|failure| DocError::Undecodable(failure.error.to_string()))
    }

    /// Every event, once each (by id, across all conflicting `events` lists), ordered by `at`
    /// then `id`, so every device derives the same state from the same set whatever its clock.
    pub fn events(&self) -> Vec<Event> {
        let mut seen = HashSet::new();
        let mut events = Vec::new();
        let lists = self.doc.get_all(ROOT, EVENTS).unwrap_or_default();
        for (value, list) in lists {
            if !matches!(value, automerge::Value::Object(ObjType::List)) {
                continue;
            }
            for item in self.doc.list_range(&list, ..) {
                if !matches!(item.value, ValueRef::Object(ObjType::Map)) {
                    continue;
                }
                if let Some(event) = read_event(&self.doc, &item.id()) {
                    if seen.insert(event.id.clone()) {
                        events.push(event);
                    }
                }
            }
        }
        events.sort_by_cached_key(|e| (e.at_millis().unwrap_or(i64::MIN), e.id.clone()));
        events
    }

    /// The events added since `heads` (what a sync message brought), once each by id, in the
    /// order their changes hold them. Reads only the new changes, so the cost follows what was
    /// added, not the document's size. Events are append-only (the schema refuses anything else),
    /// so these are exactly the events the document did not have at `heads`.
    pub fn events_since(&self, heads: &[ChangeHash]) -> Vec<Event> {
        let mut seen = HashSet::new();
        let mut events = Vec::new();
        for change in self.doc.get_changes(heads) {
            let expanded = change.decode();
            let start = expanded.start_op.get();
            for (i, op) in expanded.operations.iter().enumerate() {
                if !(op.insert
                    && matches!(op.action, automerge::legacy::OpType::Make(ObjType::Map)))
                {
                    continue;
                }
                let id = format!("{}@{}", start + i as u64, expanded.actor_id);
                let Ok(map) = self.doc.import_obj(&id) else {
                    continue;
                };
                if let Some(event) = read_event(&self.doc, &map) {
                    if seen.insert(event.id.clone()) {
                        events.push(event);
                    }
                }
            }
        }
        events
    }

    /// The next sync message for the peer whose state is `state` (`None`: nothing to send).
    pub fn generate_sync_message(&self, state: &mut sync::State) -> Option<sync::Message> {
        self.doc.generate_sync_message(state)
    }

    /// Applies a peer's sync message and checks what it added. On a refusal the document and
    /// `state` are exactly as they were.
    pub fn receive_sync_message(
        &mut self,
        state: &mut sync::State,
        message: sync::Message,
    ) -> Result<(), DocError> {
        let before = self.doc.get_heads();
        let state_before = state.clone();
        let applied = self.doc.receive_sync_message(state, message);
        let checked = applied
            .map_err(|e| DocError::Undecodable(e.to_string()))
            .and_then(|()| validate_changes_since(&self.doc, &before).map_err(DocError::from));
        if let Err(error) = checked {
            *state = state_before;
            self.roll_back(&before);
            return Err(error);
        }
        Ok(())
    }

    /// Applies a sync message from a peer that checked everything it holds (the server, which
    /// refuses any message that breaks the schema), without checking it again: a new device's
    /// first sync of a large document costs the load, not a second validation.
    pub fn receive_trusted_sync_message(
        &mut self,
        state: &mut sync::State,
        message: sync::Message,
    ) -> Result<(), DocError> {
        self.doc
            .receive_sync_message(state, message)
            .map_err(|e| DocError::Undecodable(e.to_string()))
    }

    /// Returns the document to `heads` (after a refused message).
    fn roll_back(&mut self, heads: &[ChangeHash]) {
        if self.doc.get_heads() == heads {
            return;
        }
        let actor = self.doc.get_actor().clone();
        if let Ok(mut doc) = self.doc.fork_at(heads) {
            doc.set_actor(actor);
            self.doc = doc;
        }
    }
}

fn read_event(doc: &Automerge, map: &automerge::ObjId) -> Option<Event> {
    let mut fields: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for item in doc.map_range(map, ..) {
        if let ValueRef::Scalar(automerge::ScalarValueRef::Str(text)) = item.value {
            fields.insert(item.key.into_owned(), text.into_owned());
        }
    }
    let kind = EventKind::read(fields.get("kind")?, |name| fields.get(name).cloned())?;
    Some(Event {
        id: fields.get("id")?.clone(),
        at: fields.get("at")?.clone(),
        kind,
    })
}

#[cfg(test)]
mod tests;
