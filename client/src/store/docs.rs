//! Learner documents kept on the device (object store `docs` of the user's database), one record
//! per doc id: the saved Automerge bytes, the encoded sync state with the server, how many local
//! changes the server has not confirmed yet, and the server's message when it refused the doc.
//!
//! Storage only: it never merges, syncs or interprets a document (that is `sync::replica`).
//! Records are plain JS objects holding `Uint8Array`s, so a 2 MB document is not copied into text.

use js_sys::{Object, Reflect, Uint8Array};
use shared::domain::DocId;
use wasm_bindgen::{JsCast, JsValue};

use super::database::{Store, DOCS};
use crate::error::ClientError;

/// What is kept for one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocRecord {
    /// The document as `save()` wrote it.
    pub bytes: Vec<u8>,
    /// The encoded `automerge::sync::State` with the server, if a sync ever ran.
    pub sync_state: Option<Vec<u8>>,
    /// Local changes not yet confirmed by the server.
    pub pending: u32,
    /// The server's message when it last refused this document (400 / 413), until a sync succeeds.
    pub error: Option<String>,
    /// When the record was last written, in ms since the epoch.
    pub updated_at: f64,
}

const BYTES: &str = "bytes";
const SYNC_STATE: &str = "sync_state";
const PENDING: &str = "pending";
const ERROR: &str = "error";
const UPDATED_AT: &str = "updated_at";

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn bytes_of(value: JsValue) -> Option<Vec<u8>> {
    value
        .dyn_into::<Uint8Array>()
        .ok()
        .map(|array| array.to_vec())
}

impl DocRecord {
    /// The record as the JS object IndexedDB keeps.
    pub fn to_js(&self) -> Result<JsValue, ClientError> {
        let object = Object::new();
        let set = |name: &str, value: JsValue| {
            Reflect::set(&object, &JsValue::from_str(name), &value).map_err(|_| {
                ClientError::Storage {
                    detail: format!("docs: could not set {name}"),
                }
            })
        };
        set(BYTES, Uint8Array::from(self.bytes.as_slice()).into())?;
        if let Some(state) = &self.sync_state {
            set(SYNC_STATE, Uint8Array::from(state.as_slice()).into())?;
        }
        set(PENDING, f64::from(self.pending).into())?;
        if let Some(error) = &self.error {
            set(ERROR, JsValue::from_str(error))?;
        }
        set(UPDATED_AT, self.updated_at.into())?;
        Ok(object.into())
    }

    /// Reads a kept record; `None` when it is not one (no bytes).
    pub fn from_js(value: &JsValue) -> Option<Self> {
        Some(Self {
            bytes: bytes_of(field(value, BYTES))?,
            sync_state: bytes_of(field(value, SYNC_STATE)),
            pending: field(value, PENDING)
                .as_f64()
                .map_or(0, |n| n.clamp(0.0, f64::from(u32::MAX)) as u32),
            error: field(value, ERROR).as_string(),
            updated_at: field(value, UPDATED_AT).as_f64().unwrap_or_default(),
        })
    }
}

/// The record kept for `doc`, if any.
pub async fn load(store: &Store, doc: &DocId) -> Result<Option<DocRecord>, ClientError> {
    Ok(store
        .get_value(DOCS, doc.as_str())
        .await?
        .and_then(|value| DocRecord::from_js(&value)))
}

/// Replaces the record kept for `doc`; returns once it is committed.
pub async fn save(store: &Store, doc: &DocId, record: &DocRecord) -> Result<(), ClientError> {
    store.put_value(DOCS, doc.as_str(), &record.to_js()?).await
}

/// Every document kept in this database, with its record.
pub async fn all(store: &Store) -> Result<Vec<(DocId, DocRecord)>, ClientError> {
    Ok(store
        .entries(DOCS)
        .await?
        .into_iter()
        .filter_map(|(key, value)| Some((DocId::parse(&key).ok()?, DocRecord::from_js(&value)?)))
        .collect())
}
