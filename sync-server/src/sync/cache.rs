//! The per-process cache of loaded learner documents, so an incremental sync does not load a
//! large document again: each entry is the document as of a `sync_docs.version`, with the sync
//! states of the devices that synced it last (as committed), so their next exchange reads neither.
//! It also remembers whose motivation refresh is already queued for which window.
//!
//! Owns only keeping and forgetting. Never decides freshness by itself: the caller takes an entry
//! only for the version it read under the document's lock, so a write by another server process
//! (a newer version) simply misses. A device state kept here may be older than the stored one
//! (another process answered that device without changing the document): that is safe, as a sync
//! state's shared heads only ever name changes both sides hold, so an older one costs at most a
//! longer message.

use std::sync::{Arc, Mutex};

use hashlink::{LinkedHashMap, LruCache};
use shared::doc::LearnerDoc;
use shared::domain::{DocId, UserId};

/// How many stored bytes (snapshot plus chunks) of documents the cache holds at most by default;
/// a loaded document takes several times its stored size in memory.
pub const DEFAULT_BUDGET_BYTES: usize = 16 * 1024 * 1024;

/// What the smallest entry counts for against the budget: a loaded document's memory has a floor
/// whatever its stored size, so thousands of tiny documents cannot hide under the budget.
const MIN_ENTRY_BYTES: usize = 8 * 1024;

/// How many devices' sync states one cached document keeps (a learner's phone, laptop, ...).
const STATES_PER_DOC: usize = 8;

/// How many learners' queued refresh windows are remembered.
const REFRESH_MEMORY: usize = 16_384;

/// The encoded sync states of the devices that last synced a document, by device id, the one
/// that synced longest ago first (`sync` takes a device's state out and puts it back at the end).
pub type DeviceStates = LinkedHashMap<String, Vec<u8>>;

/// Loaded documents by id, least recently used evicted first past the byte budget. Cheap to
/// clone (a shared handle).
#[derive(Clone)]
pub struct DocCache {
    inner: Arc<Mutex<Entries>>,
}

struct Entries {
    docs: LruCache<DocId, Cached>,
    /// Learner -> the latest refresh window a committed transaction queued their refresh for.
    refreshes: LruCache<UserId, i64>,
    /// The sum of the entries' stored sizes.
    bytes: usize,
    budget: usize,
}

struct Cached {
    version: i64,
    bytes: usize,
    doc: LearnerDoc,
    states: DeviceStates,
}

impl std::fmt::Debug for DocCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("DocCache")
            .field("docs", &entries.docs.len())
            .field("bytes", &entries.bytes)
            .finish()
    }
}

impl Default for DocCache {
    fn default() -> Self {
        Self::with_budget(DEFAULT_BUDGET_BYTES)
    }
}

impl DocCache {
    pub fn with_budget(budget: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Entries {
                docs: LruCache::new_unbounded(),
                refreshes: LruCache::new(REFRESH_MEMORY),
                bytes: 0,
                budget,
            })),
        }
    }

    /// Takes the document (and its devices' sync states) out if the cache holds it as of
    /// `version`; an older copy is dropped. The caller owns it while it works on it and gives it
    /// back with `put` once committed, so a copy changed by a transaction that then failed is never
    /// seen again.
    pub fn take(&self, doc: &DocId, version: i64) -> Option<(LearnerDoc, DeviceStates)> {
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let cached = entries.docs.remove(doc)?;
        entries.bytes = entries.bytes.saturating_sub(cached.bytes);
        (cached.version == version).then_some((cached.doc, cached.states))
    }

    /// Keeps `doc` as of `version` (`bytes`: its stored size) with the committed sync `states` of
    /// its devices (of which the `STATES_PER_DOC` that synced last stay), evicting the least
    /// recently used documents past the budget. A document larger than the whole budget is not
    /// kept.
    pub fn put(&self, id: DocId, version: i64, bytes: i64, doc: LearnerDoc, states: DeviceStates) {
        let bytes = usize::try_from(bytes)
            .unwrap_or(usize::MAX)
            .max(MIN_ENTRY_BYTES);
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if bytes > entries.budget {
            return;
        }
        let mut states = states;
        // Rarely more devices than this: forget those that synced longest ago (their next
        // exchange reads the table).
        while states.len() > STATES_PER_DOC {
            states.pop_front();
        }
        if let Some(old) = entries.docs.insert(
            id,
            Cached {
                version,
                bytes,
                doc,
                states,
            },
        ) {
            entries.bytes = entries.bytes.saturating_sub(old.bytes);
        }
        entries.bytes = entries.bytes.saturating_add(bytes);
        while entries.bytes > entries.budget {
            match entries.docs.remove_lru() {
                Some((_, evicted)) => entries.bytes = entries.bytes.saturating_sub(evicted.bytes),
                None => break,
            }
        }
    }

    /// Whether a committed transaction of this process already queued `user`'s motivation
    /// refresh for `window` (then another would be coalesced into it anyway).
    pub fn refresh_queued(&self, user: &UserId, window: i64) -> bool {
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        entries.refreshes.get(user) == Some(&window)
    }

    /// Notes that `user`'s refresh for `window` is queued (call after the commit).
    pub fn note_refresh_queued(&self, user: &UserId, window: i64) {
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        entries.refreshes.insert(user.clone(), window);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> DocId {
        DocId::parse(&format!("profile-01933c5e-8000-7000-8000-0000000000{n:02}")).unwrap()
    }

    #[test]
    fn a_document_is_taken_only_at_the_version_it_was_kept_at() {
        let cache = DocCache::default();
        cache.put(id(1), 3, 100, LearnerDoc::new(), DeviceStates::new());
        assert!(
            cache.take(&id(1), 4).is_none(),
            "another process wrote version 4"
        );
        assert!(
            cache.take(&id(1), 3).is_none(),
            "the stale copy was dropped"
        );
        cache.put(id(1), 4, 100, LearnerDoc::new(), DeviceStates::new());
        assert!(cache.take(&id(1), 4).is_some());
        assert!(cache.take(&id(1), 4).is_none(), "taken out while in use");
    }

    #[test]
    fn past_the_budget_the_least_recently_used_documents_go() {
        let cache = DocCache::with_budget(3 * MIN_ENTRY_BYTES);
        for n in 0..3 {
            cache.put(id(n), 1, 10, LearnerDoc::new(), DeviceStates::new());
        }
        cache.put(id(3), 1, 10, LearnerDoc::new(), DeviceStates::new());
        assert!(cache.take(&id(0), 1).is_none());
        assert!(cache.take(&id(3), 1).is_some());
        cache.put(id(9), 1, i64::MAX, LearnerDoc::new(), DeviceStates::new());
        assert!(
            cache.take(&id(9), 1).is_none(),
            "larger than the whole budget"
        );
        assert!(cache.take(&id(2), 1).is_some());
    }

    #[test]
    fn device_states_travel_with_their_document_and_stay_bounded() {
        let cache = DocCache::default();
        let states: DeviceStates = (0..20).map(|n| (format!("device-{n}"), vec![n])).collect();
        cache.put(id(1), 7, 100, LearnerDoc::new(), states);
        let (_, kept) = cache.take(&id(1), 7).unwrap();
        assert_eq!(kept.len(), STATES_PER_DOC);
        assert!(kept
            .iter()
            .all(|(device, bytes)| *device == format!("device-{}", bytes[0])));
        let kept_devices: Vec<u8> = kept.values().map(|bytes| bytes[0]).collect();
        assert_eq!(
            kept_devices,
            (12..20).collect::<Vec<u8>>(),
            "the devices that synced last stay, the one that just synced among them"
        );
        cache.put(id(1), 7, 100, LearnerDoc::new(), kept);
        assert!(
            cache.take(&id(1), 8).is_none(),
            "a newer version drops the states too"
        );
    }

    #[test]
    fn a_queued_refresh_is_remembered_for_its_window_only() {
        let cache = DocCache::default();
        let user = UserId::parse("01933c5e-8000-7000-8000-000000000001").unwrap();
        assert!(!cache.refresh_queued(&user, 5));
        cache.note_refresh_queued(&user, 5);
        assert!(cache.refresh_queued(&user, 5));
        assert!(
            !cache.refresh_queued(&user, 6),
            "the next window queues its own"
        );
    }
}
