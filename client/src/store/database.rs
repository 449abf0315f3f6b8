//! The app's IndexedDB database (`eduplatform`), opened once at start and shared through
//! `contexts::store`. Values are JSON text under a string key, one object store per kind of data.
//!
//! Versioned: `VERSION` grows by one whenever an object store is added (list it in `STORES`);
//! opening with a higher version creates the missing stores and keeps every existing one and its
//! data. One database per app for now; per-user databases come with the sync loop.

use std::rc::Rc;

use rexie::{ObjectStore, Rexie, Transaction, TransactionMode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::error::ClientError;

/// The database's name.
pub const DB_NAME: &str = "eduplatform";

/// The schema version. History: 1 — `catalog` (pages of the course catalog by cursor);
/// 2 — `progress` (lessons completed, per user and course); 3 — `offline_courses`,
/// `offline_lessons`, `offline_media` (courses downloaded for offline use, `store::offline`).
pub const VERSION: u32 = 3;

/// Pages of the course catalog, keyed by the cursor that asked for them (`""`: the first page).
pub const CATALOG: &str = "catalog";

/// The lessons a user completed in a course, keyed `{user_id}/{course_id}` (`store::progress`).
pub const PROGRESS: &str = "progress";

/// Courses downloaded for offline use: outline, size and contents, keyed by course id.
pub const OFFLINE_COURSES: &str = "offline_courses";
/// The lessons of downloaded courses as the lesson endpoint answered, keyed by lesson id.
pub const OFFLINE_LESSONS: &str = "offline_lessons";
/// The images downloaded lessons show, as `Blob`s keyed by their path (`/media/{hash}`).
pub const OFFLINE_MEDIA: &str = "offline_media";

/// Every object store of the current version.
pub const STORES: &[&str] = &[
    CATALOG,
    PROGRESS,
    OFFLINE_COURSES,
    OFFLINE_LESSONS,
    OFFLINE_MEDIA,
];

/// An opened database. Cheap to clone; equal when it is the same connection.
#[derive(Clone)]
pub struct Store {
    db: Rc<Rexie>,
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.db, &other.db)
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("name", &self.db.name())
            .finish()
    }
}

fn storage(what: &str, error: impl std::fmt::Display) -> ClientError {
    ClientError::Storage {
        detail: format!("{what}: {error}"),
    }
}

impl Store {
    /// Opens (creating or upgrading) the app's database.
    pub async fn open() -> Result<Self, ClientError> {
        Self::open_named(DB_NAME).await
    }

    /// Opens the database called `name` with the current schema (tests use their own names).
    pub async fn open_named(name: &str) -> Result<Self, ClientError> {
        let builder = STORES
            .iter()
            .fold(Rexie::builder(name).version(VERSION), |builder, store| {
                builder.add_object_store(ObjectStore::new(store))
            });
        let db = builder.build().await.map_err(|e| storage("open", e))?;
        Ok(Self { db: Rc::new(db) })
    }

    /// The schema version the database was opened with.
    pub fn version(&self) -> Option<u32> {
        self.db.version().ok()
    }

    /// The value kept under `key` in `store`; `None` when there is none or it no longer parses
    /// (an older shape: it is simply fetched again).
    pub async fn get<T: DeserializeOwned>(
        &self,
        store: &str,
        key: &str,
    ) -> Result<Option<T>, ClientError> {
        Ok(self.get_value(store, key).await?.as_ref().and_then(parse))
    }

    /// Every value kept in `store` that still parses, in key order.
    pub async fn get_all<T: DeserializeOwned>(&self, store: &str) -> Result<Vec<T>, ClientError> {
        let (_, objects) = self.open_store(store, TransactionMode::ReadOnly)?;
        let values = objects
            .get_all(None, None)
            .await
            .map_err(|e| storage(store, e))?;
        Ok(values.iter().filter_map(parse).collect())
    }

    /// Keeps `value` under `key` in `store`, replacing what was there.
    pub async fn put<T: Serialize>(
        &self,
        store: &str,
        key: &str,
        value: &T,
    ) -> Result<(), ClientError> {
        let json = serde_json::to_string(value).map_err(|e| storage(store, e))?;
        self.put_value(store, key, &JsValue::from_str(&json)).await
    }

    /// The browser value (a `Blob`, say) kept under `key` in `store`, as it was put.
    pub async fn get_value(&self, store: &str, key: &str) -> Result<Option<JsValue>, ClientError> {
        let (_, objects) = self.open_store(store, TransactionMode::ReadOnly)?;
        objects
            .get(JsValue::from_str(key))
            .await
            .map_err(|e| storage(store, e))
    }

    /// Keeps a browser value (anything IndexedDB can clone, such as a `Blob`) under `key`.
    pub async fn put_value(
        &self,
        store: &str,
        key: &str,
        value: &JsValue,
    ) -> Result<(), ClientError> {
        let (transaction, objects) = self.open_store(store, TransactionMode::ReadWrite)?;
        objects
            .put(value, Some(&JsValue::from_str(key)))
            .await
            .map_err(|e| storage(store, e))?;
        transaction.done().await.map_err(|e| storage(store, e))?;
        Ok(())
    }

    /// Forgets whatever is kept under `key` in `store` (nothing there is fine).
    pub async fn delete(&self, store: &str, key: &str) -> Result<(), ClientError> {
        let (transaction, objects) = self.open_store(store, TransactionMode::ReadWrite)?;
        objects
            .delete(JsValue::from_str(key))
            .await
            .map_err(|e| storage(store, e))?;
        transaction.done().await.map_err(|e| storage(store, e))?;
        Ok(())
    }

    /// A transaction on the one object store `store`, and that store.
    fn open_store(
        &self,
        store: &str,
        mode: TransactionMode,
    ) -> Result<(Transaction, rexie::Store), ClientError> {
        let transaction = self
            .db
            .transaction(&[store], mode)
            .map_err(|e| storage(store, e))?;
        let objects = transaction.store(store).map_err(|e| storage(store, e))?;
        Ok((transaction, objects))
    }
}

/// A value kept as JSON text, if it still parses as `T`.
fn parse<T: DeserializeOwned>(value: &JsValue) -> Option<T> {
    value
        .as_string()
        .and_then(|json| serde_json::from_str(&json).ok())
}
