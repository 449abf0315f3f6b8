//! The per-process cache of loaded learner documents, so an incremental sync does not load a
//! large document again: each entry is the document as of a `sync_docs.version`.
//!
//! Owns only keeping and forgetting documents. Never decides freshness by itself: the caller
//! takes an entry only for the version it read under the document's lock, so a write by another
//! server process (a newer version) simply misses.

use std::sync::{Arc, Mutex};

use hashlink::LruCache;
use shared::doc::LearnerDoc;
use shared::domain::DocId;

/// How many stored bytes (snapshot plus chunks) of documents the cache holds at most by default;
/// a loaded document takes several times its stored size in memory.
pub const DEFAULT_BUDGET_BYTES: usize = 16 * 1024 * 1024;

/// What the smallest entry counts for against the budget: a loaded document's memory has a floor
/// whatever its stored size, so thousands of tiny documents cannot hide under the budget.
const MIN_ENTRY_BYTES: usize = 8 * 1024;

/// Loaded documents by id, least recently used evicted first past the byte budget. Cheap to
/// clone (a shared handle).
#[derive(Clone)]
pub struct DocCache {
    inner: Arc<Mutex<Entries>>,
}

struct Entries {
    docs: LruCache<DocId, Cached>,
    /// The sum of the entries' stored sizes.
    bytes: usize,
    budget: usize,
}

struct Cached {
    version: i64,
    bytes: usize,
    doc: LearnerDoc,
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
                bytes: 0,
                budget,
            })),
        }
    }

    /// Takes the document out if the cache holds it as of `version`; an older copy is dropped.
    /// The caller owns it while it works on it and gives it back with `put` once committed, so a
    /// copy changed by a transaction that then failed is never seen again.
    pub fn take(&self, doc: &DocId, version: i64) -> Option<LearnerDoc> {
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let cached = entries.docs.remove(doc)?;
        entries.bytes = entries.bytes.saturating_sub(cached.bytes);
        (cached.version == version).then_some(cached.doc)
    }

    /// Keeps `doc` as of `version` (`bytes`: its stored size), evicting the least recently used
    /// documents past the budget. A document larger than the whole budget is not kept.
    pub fn put(&self, id: DocId, version: i64, bytes: i64, doc: LearnerDoc) {
        let bytes = usize::try_from(bytes)
            .unwrap_or(usize::MAX)
            .max(MIN_ENTRY_BYTES);
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if bytes > entries.budget {
            return;
        }
        if let Some(old) = entries.docs.insert(
            id,
            Cached {
                version,
                bytes,
                doc,
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
        cache.put(id(1), 3, 100, LearnerDoc::new());
        assert!(
            cache.take(&id(1), 4).is_none(),
            "another process wrote version 4"
        );
        assert!(
            cache.take(&id(1), 3).is_none(),
            "the stale copy was dropped"
        );
        cache.put(id(1), 4, 100, LearnerDoc::new());
        assert!(cache.take(&id(1), 4).is_some());
        assert!(cache.take(&id(1), 4).is_none(), "taken out while in use");
    }

    #[test]
    fn past_the_budget_the_least_recently_used_documents_go() {
        let cache = DocCache::with_budget(3 * MIN_ENTRY_BYTES);
        for n in 0..3 {
            cache.put(id(n), 1, 10, LearnerDoc::new());
        }
        cache.put(id(3), 1, 10, LearnerDoc::new());
        assert!(cache.take(&id(0), 1).is_none());
        assert!(cache.take(&id(3), 1).is_some());
        cache.put(id(9), 1, i64::MAX, LearnerDoc::new());
        assert!(
            cache.take(&id(9), 1).is_none(),
            "larger than the whole budget"
        );
        assert!(cache.take(&id(2), 1).is_some());
    }
}
