//! The app's IndexedDB database (`eduplatform`), opened once at start and shared through
//! `contexts::store`. Values are JSON text under a string key, one object store per kind of data.
//!
//! Versioned: `VERSION` grows by one whenever an object store is added (list it in `STORES`);
//! opening with a higher version creates the missing stores and keeps every existing one and its
//! data. One database per app for now; per-user databases come with the sync loop.

use std::rc::Rc;

use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::error::ClientError;

/// The database's name.
pub const DB_NAME: &str = "eduplatform";

/// The schema version. History: 1 — `catalog` (pages of the course catalog by cursor);
/// 2 — `progress` (lessons completed, per user and course).
pub const VERSION: u32 = 2;

/// Pages of the course catalog, keyed by the cursor that asked for them (`""`: the first page).
pub const CATALOG: &str = "catalog";

/// The lessons a user completed in a course, keyed `{user_id}/{course_id}` (`store::progress`).
pub const PROGRESS: &str = "progress";

/// Every object store of the current version.
pub const STORES: &[&str] = &[CATALOG, PROGRESS];

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
        let transaction = self
            .db
            .transaction(&[store], TransactionMode::ReadOnly)
            .map_err(|e| storage(store, e))?;
        let value = transaction
            .store(store)
            .map_err(|e| storage(store, e))?
            .get(JsValue::from_str(key))
            .await
            .map_err(|e| storage(store, e))?;
        Ok(value
            .and_then(|v| v.as_string())
            .and_then(|json| serde_json::from_str(&json).ok()))
    }

    /// Keeps `value` under `key` in `store`, replacing what was there.
    pub async fn put<T: Serialize>(
        &self,
        store: &str,
        key: &str,
        value: &T,
    ) -> Result<(), ClientError> {
        let json = serde_json::to_string(value).map_err(|e| storage(store, e))?;
        let transaction = self
            .db
            .transaction(&[store], TransactionMode::ReadWrite)
            .map_err(|e| storage(store, e))?;
        transaction
            .store(store)
            .map_err(|e| storage(store, e))?
            .put(&JsValue::from_str(&json), Some(&JsValue::from_str(key)))
            .await
            .map_err(|e| storage(store, e))?;
        transaction.done().await.map_err(|e| storage(store, e))?;
        Ok(())
    }
}
