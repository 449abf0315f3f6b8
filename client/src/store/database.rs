//! The device's IndexedDB databases and the one list of their object stores: the app-wide
//! `eduplatform` (catalog cache, opened once at start and shared through `contexts::store`) and one
//! database per signed-in user, `eduplatform-{user_id}` (learner documents, device id, downloads),
//! so a second account on the same browser sees nothing of the first. Never deleted on sign-out.
//!
//! Versioned: a database's version grows by one whenever an object store is added (list it in its
//! `*_STORES`); opening with a higher version creates the missing stores and keeps every listed one
//! and its data (a store left out of the list is dropped by the upgrade). Values are JSON text
//! (`get`/`put`) or, for bytes, plain JS objects (`get_value`/`put_value`).

use std::cell::RefCell;
use std::rc::Rc;

use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use shared::domain::UserId;

use crate::error::ClientError;

/// The database's name.
pub const DB_NAME: &str = "eduplatform";

/// The app database's schema version. History: 1 — `catalog` (pages of the course catalog by
/// cursor); 2 — `progress` (lessons completed, per user and course; since the learner documents
/// only read once to move them into the user's progress documents, see `store::legacy`).
pub const VERSION: u32 = 2;

/// Pages of the course catalog, keyed by the cursor that asked for them (`""`: the first page).
pub const CATALOG: &str = "catalog";

/// Before the learner documents: the lessons a user completed in a course, keyed
/// `{user_id}/{course_id}`. Emptied as each user's completions move into their progress documents;
/// a later version can drop the store once devices have moved theirs.
pub const PROGRESS: &str = "progress";

/// Every object store of the app database's current version.
pub const STORES: &[&str] = &[CATALOG, PROGRESS];

/// The per-user database's name prefix: `eduplatform-{user_id}`.
pub const USER_DB_PREFIX: &str = "eduplatform-";

/// The per-user database's schema version. History: 1 — `docs`, `device`, `enrollments`;
/// 2 — `offline_courses`, `offline_lessons`, `offline_media` (downloaded courses, `store::offline`);
/// 3 — `doc_status` (each document's pending count and refusal apart from its bytes).
pub const USER_VERSION: u32 = 3;

/// Learner documents by doc id (`store::docs`): saved bytes, sync state, pending changes.
pub const DOCS: &str = "docs";

/// Each learner document's pending count and refusal by doc id (`store::docs`), written with its
/// `docs` record in one transaction, so the sync status reads a few numbers, not every document.
pub const DOC_STATUS: &str = "doc_status";

/// This device's id for the user, made once (`store::device`).
pub const DEVICE: &str = "device";

/// The courses the user is enrolled in, as last fetched (so "My learning" works offline).
pub const ENROLLMENTS: &str = "enrollments";

/// Courses downloaded for offline use: outline, size and contents, keyed by course id.
pub const OFFLINE_COURSES: &str = "offline_courses";

/// The lessons of downloaded courses as the lesson endpoint answered, keyed by lesson id.
pub const OFFLINE_LESSONS: &str = "offline_lessons";

/// The images downloaded lessons show, as `Blob`s keyed by their path (`/media/{hash}`).
pub const OFFLINE_MEDIA: &str = "offline_media";

/// Every object store of the per-user database's current version: the one list, so stores other
/// features add (offline courses) join here.
pub const USER_STORES: &[&str] = &[
    DOCS,
    DOC_STATUS,
    DEVICE,
    ENROLLMENTS,
    OFFLINE_COURSES,
    OFFLINE_LESSONS,
    OFFLINE_MEDIA,
];

/// The name of `user`'s own database.
pub fn user_db_name(user: &UserId) -> String {
    format!("{USER_DB_PREFIX}{user}")
}

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

    /// Opens the database called `name` with the app database's schema (tests use their own names).
    pub async fn open_named(name: &str) -> Result<Self, ClientError> {
        Self::open_schema(name, VERSION, STORES).await
    }

    /// Opens (creating or upgrading) `user`'s own database. Prefer `store::user_database`, which
    /// keeps the connection for the page's life.
    pub async fn open_user(user: &UserId) -> Result<Self, ClientError> {
        Self::open_schema(&user_db_name(user), USER_VERSION, USER_STORES).await
    }

    async fn open_schema(name: &str, version: u32, stores: &[&str]) -> Result<Self, ClientError> {
        let builder = stores
            .iter()
            .fold(Rexie::builder(name).version(version), |builder, store| {
                builder.add_object_store(ObjectStore::new(store))
            });
        let db = builder.build().await.map_err(|e| storage("open", e))?;
        Ok(Self { db: Rc::new(db) })
    }

    /// The database's name.
    pub fn name(&self) -> String {
        self.db.name()
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
        let value = self.get_value(store, key).await?;
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
        self.put_value(store, key, &JsValue::from_str(&json)).await
    }

    /// Network first: a value `fetched` from the server is kept under `key` in `store` and
    /// returned; when the server could not be reached (offline, or no answer), the copy kept earlier
    /// stands in for it. Any other failure is returned as it is.
    pub async fn network_first<T: Serialize + DeserializeOwned>(
        &self,
        store: &str,
        key: &str,
        fetched: Result<T, ClientError>,
    ) -> Result<T, ClientError> {
        match fetched {
            Ok(value) => {
                if let Err(error) = self.put(store, key, &value).await {
                    web_sys::console::warn_1(&error.to_string().into());
                }
                Ok(value)
            }
            Err(error @ (ClientError::Offline | ClientError::Network { .. })) => {
                self.get(store, key).await.ok().flatten().ok_or(error)
            }
            Err(error) => Err(error),
        }
    }

    /// A new transaction over `store` alone, and that object store in it.
    fn open_store(
        &self,
        store: &str,
        mode: TransactionMode,
    ) -> Result<(rexie::Transaction, rexie::Store), ClientError> {
        let transaction = self
            .db
            .transaction(&[store], mode)
            .map_err(|e| storage(store, e))?;
        let object_store = transaction.store(store).map_err(|e| storage(store, e))?;
        Ok((transaction, object_store))
    }

    /// The JS value kept under `key` in `store`, as it is (objects holding `Uint8Array`s).
    pub async fn get_value(&self, store: &str, key: &str) -> Result<Option<JsValue>, ClientError> {
        let (_transaction, object_store) = self.open_store(store, TransactionMode::ReadOnly)?;
        object_store
            .get(JsValue::from_str(key))
            .await
            .map_err(|e| storage(store, e))
    }

    /// Keeps the JS `value` under `key` in `store`, replacing what was there; returns once the
    /// write is committed.
    pub async fn put_value(
        &self,
        store: &str,
        key: &str,
        value: &JsValue,
    ) -> Result<(), ClientError> {
        let (transaction, object_store) = self.open_store(store, TransactionMode::ReadWrite)?;
        object_store
            .put(value, Some(&JsValue::from_str(key)))
            .await
            .map_err(|e| storage(store, e))?;
        transaction.done().await.map_err(|e| storage(store, e))?;
        Ok(())
    }

    /// Keeps JS values, each under its key in its store, in one transaction: all of them or, if
    /// it fails, none. Returns once committed.
    pub async fn put_values(&self, writes: &[(&str, &str, &JsValue)]) -> Result<(), ClientError> {
        let mut names: Vec<&str> = writes.iter().map(|(store, _, _)| *store).collect();
        names.sort_unstable();
        names.dedup();
        let what = names.join("+");
        let transaction = self
            .db
            .transaction(&names, TransactionMode::ReadWrite)
            .map_err(|e| storage(&what, e))?;
        for (store, key, value) in writes {
            transaction
                .store(store)
                .map_err(|e| storage(store, e))?
                .put(value, Some(&JsValue::from_str(key)))
                .await
                .map_err(|e| storage(store, e))?;
        }
        transaction.done().await.map_err(|e| storage(&what, e))?;
        Ok(())
    }

    /// Every key of `store`, in key order, without reading the values.
    pub async fn keys(&self, store: &str) -> Result<Vec<String>, ClientError> {
        let (_transaction, object_store) = self.open_store(store, TransactionMode::ReadOnly)?;
        let keys = object_store
            .get_all_keys(None, None)
            .await
            .map_err(|e| storage(store, e))?;
        Ok(keys.into_iter().filter_map(|key| key.as_string()).collect())
    }

    /// Every (key, value) of `store`, in key order.
    pub async fn entries(&self, store: &str) -> Result<Vec<(String, JsValue)>, ClientError> {
        let (_transaction, object_store) = self.open_store(store, TransactionMode::ReadOnly)?;
        let pairs = object_store
            .scan(None, None, None, None)
            .await
            .map_err(|e| storage(store, e))?;
        Ok(pairs
            .into_iter()
            .filter_map(|(key, value)| Some((key.as_string()?, value)))
            .collect())
    }

    /// Removes what is kept under `key` in `store` (nothing there is fine).
    pub async fn delete(&self, store: &str, key: &str) -> Result<(), ClientError> {
        let (transaction, object_store) = self.open_store(store, TransactionMode::ReadWrite)?;
        object_store
            .delete(JsValue::from_str(key))
            .await
            .map_err(|e| storage(store, e))?;
        transaction.done().await.map_err(|e| storage(store, e))?;
        Ok(())
    }
}

thread_local! {
    /// The signed-in user's database, opened on first use and kept for the page's life.
    static USER_DB: RefCell<Option<(UserId, Store)>> = const { RefCell::new(None) };
}

/// `user`'s own database, opened once per page and reused (a different user opens theirs). The
/// one way in for every feature that keeps per-user data (learner documents, offline courses).
pub async fn user_database(user: &UserId) -> Result<Store, ClientError> {
    let kept = USER_DB.with(|cell| {
        cell.borrow()
            .as_ref()
            .filter(|(owner, _)| owner == user)
            .map(|(_, store)| store.clone())
    });
    if let Some(store) = kept {
        return Ok(store);
    }
    let store = Store::open_user(user).await?;
    USER_DB.with(|cell| *cell.borrow_mut() = Some((user.clone(), store.clone())));
    Ok(store)
}
