//! The in-process cache of public catalog reads: serialized bodies (and their ETags) keyed by the
//! normalised request, good for one catalog generation (`Db::catalog_generation`).
//!
//! Owns only storing and forgetting bodies. Must never hold anything that differs by who asks:
//! callers put in only answers an anonymous visitor would get byte for byte (a published course's
//! page, a listing, the categories). Any route may use it with its own key prefix.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use hashlink::LruCache;
use sha2::{Digest, Sha256};

/// How many bodies the cache holds at most; past that, the least recently used one makes room (a
/// flood of distinct queries can only churn the cache, never grow it, and what is read often
/// stays). An arbitrary victim was tried first: with a hash map's "first key" as the victim, the
/// keys in its low buckets evicted each other on every miss, and a benchmark of 38 popular searches
/// after 40,000 course pages ran at database speed.
pub const DEFAULT_CAPACITY: usize = 4096;

/// A cached public body: the JSON bytes and their strong ETag.
#[derive(Debug, Clone)]
pub struct CachedBody {
    pub body: Bytes,
    /// `"…"`, quotes included, as the `ETag` header carries it.
    pub etag: String,
}

impl CachedBody {
    /// A body with its ETag: a digest of the bytes, so equal bodies share a tag across restarts
    /// and replicas.
    pub fn new(body: Bytes) -> Self {
        let digest = Sha256::digest(&body);
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        Self {
            etag: format!("\"{hex}\""),
            body,
        }
    }
}

/// Public catalog bodies of the current catalog generation. Cheap to clone (a shared handle).
#[derive(Debug, Clone)]
pub struct CatalogCache {
    inner: Arc<Mutex<Entries>>,
}

struct Entries {
    /// The catalog generation every body in `bodies` was read at.
    generation: u64,
    /// Most recently used last; bounded by the cache's capacity.
    bodies: LruCache<String, CachedBody>,
}

impl std::fmt::Debug for Entries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entries")
            .field("generation", &self.generation)
            .field("bodies", &self.bodies.len())
            .finish()
    }
}

impl Default for CatalogCache {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl CatalogCache {
    pub fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            inner: Arc::new(Mutex::new(Entries {
                generation: 0,
                bodies: LruCache::new(capacity),
            })),
        }
    }

    /// The body stored under `key` if it was read at `generation` (the current one); a hit makes
    /// it the most recently used.
    pub fn get(&self, key: &str, generation: u64) -> Option<CachedBody> {
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if entries.generation != generation {
            return None;
        }
        entries.bodies.get(key).cloned()
    }

    /// Stores `body` under `key` as read at `generation`, which the caller took BEFORE reading
    /// the database: a write that committed meanwhile has moved the generation on, and then the
    /// body is returned but not kept. Bodies of an older generation are dropped.
    pub fn put(&self, key: String, generation: u64, body: CachedBody) -> CachedBody {
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if generation > entries.generation {
            entries.generation = generation;
            entries.bodies.clear();
        } else if generation < entries.generation {
            return body;
        }
        // Past the capacity, inserting drops the least recently used body.
        entries.bodies.insert(key, body.clone());
        body
    }

    /// How many bodies are held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .bodies
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &'static str) -> CachedBody {
        CachedBody::new(Bytes::from_static(text.as_bytes()))
    }

    #[test]
    fn a_body_is_served_only_in_the_generation_it_was_read_at() {
        let cache = CatalogCache::default();
        cache.put("a".into(), 3, body("{}"));
        assert!(cache.get("a", 3).is_some());
        assert!(cache.get("a", 4).is_none());
        // A read that started before a write committed is not kept once a newer one is.
        cache.put("b".into(), 5, body("[]"));
        cache.put("c".into(), 4, body("[1]"));
        assert!(cache.get("a", 5).is_none());
        assert!(cache.get("c", 5).is_none());
        assert!(cache.get("b", 5).is_some());
    }

    #[test]
    fn the_cache_never_grows_past_its_capacity() {
        let cache = CatalogCache::with_capacity(3);
        for i in 0..50 {
            cache.put(format!("k{i}"), 0, body("{}"));
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get("k49", 0).is_some());
    }

    #[test]
    fn what_is_read_often_survives_a_flood_of_one_off_reads() {
        let cache = CatalogCache::with_capacity(64);
        // The cache is full of pages read once (a crawl of course pages)...
        for i in 0..10_000 {
            cache.put(format!("course:{i}"), 0, body("[]"));
        }
        // ...then 38 popular searches are read over and over, with a one-off read now and then.
        let popular: Vec<String> = (0..38).map(|i| format!("search:{i}")).collect();
        let mut misses = 0;
        for i in 0..10_000 {
            let key = &popular[i % popular.len()];
            if cache.get(key, 0).is_none() {
                misses += 1;
                cache.put(key.clone(), 0, body("{}"));
            }
            if i % 4 == 0 {
                cache.put(format!("once:{i}"), 0, body("[]"));
            }
        }
        // Each popular search missed once, when first asked for.
        assert_eq!(misses, popular.len());
        assert_eq!(cache.len(), 64);
    }

    #[test]
    fn equal_bodies_have_equal_strong_etags() {
        assert_eq!(body("{\"a\":1}").etag, body("{\"a\":1}").etag);
        assert_ne!(body("{\"a\":1}").etag, body("{\"a\":2}").etag);
        let etag = body("x").etag;
        assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() == 34);
    }
}
