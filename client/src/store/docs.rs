//! Learner documents kept on the device (object store `docs` of the user's database), one record
//! per doc id: the saved Automerge bytes, the encoded sync state with the server, how many local
//! changes the server has not confirmed yet, and the server's refusal of the doc (a
//! `sync::status::Refusal` key).
//!
//! Each record's pending count and refusal are also kept apart in `doc_status` (written in the
//! same transaction), so the header's sync status never reads the documents themselves.
//!
//! Storage only: it never merges, syncs or interprets a document (that is `sync::replica`).
//! Records are plain JS objects holding `Uint8Array`s, so a 2 MB document is not copied into text.

use js_sys::{Object, Reflect, Uint8Array};
use shared::domain::DocId;
use wasm_bindgen::{JsCast, JsValue};

use super::database::{Store, DOCS, DOC_STATUS};
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
    /// The server's last refusal of this document (a `sync::status::Refusal` key), until a sync
    /// succeeds.
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

/// Sets `name` on `object` (a record of object store `store`).
fn set_field(object: &Object, store: &str, name: &str, value: &JsValue) -> Result<(), ClientError> {
    Reflect::set(object, &JsValue::from_str(name), value)
        .map(|_| ())
        .map_err(|_| ClientError::Storage {
            detail: format!("{store}: could not set {name}"),
        })
}

/// The pending count kept in `object` (0 when there is none).
fn pending_of(object: &JsValue) -> u32 {
    field(object, PENDING)
        .as_f64()
        .map_or(0, |n| n.clamp(0.0, f64::from(u32::MAX)) as u32)
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
        let set = |name: &str, value: JsValue| set_field(&object, DOCS, name, &value);
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
            pending: pending_of(value),
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

/// Replaces the record kept for `doc`, and its status beside it, in one transaction; returns
/// once it is committed.
pub async fn save(store: &Store, doc: &DocId, record: &DocRecord) -> Result<(), ClientError> {
    let status = DocStatus::of(record).to_js()?;
    store
        .put_values(&[
            (DOCS, doc.as_str(), &record.to_js()?),
            (DOC_STATUS, doc.as_str(), &status),
        ])
        .await
}

/// A document's pending count and refusal, kept apart from its bytes (`doc_status`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocStatus {
    /// Local changes not yet confirmed by the server.
    pub pending: u32,
    /// The server's last refusal of the document (a `sync::status::Refusal` key).
    pub error: Option<String>,
}

impl DocStatus {
    fn of(record: &DocRecord) -> Self {
        Self {
            pending: record.pending,
            error: record.error.clone(),
        }
    }

    /// The status as the JS object `doc_status` keeps.
    pub fn to_js(&self) -> Result<JsValue, ClientError> {
        let object = Object::new();
        set_field(
            &object,
            DOC_STATUS,
            PENDING,
            &f64::from(self.pending).into(),
        )?;
        if let Some(error) = &self.error {
            set_field(&object, DOC_STATUS, ERROR, &JsValue::from_str(error))?;
        }
        Ok(object.into())
    }

    /// Reads a kept status (a missing field reads as none).
    pub fn from_js(value: &JsValue) -> Self {
        Self {
            pending: pending_of(value),
            error: field(value, ERROR).as_string(),
        }
    }
}

/// The status of every document kept in this database, without reading their bytes. A
/// document kept before statuses were (an older version of the app) is read once in full and its
/// status written then.
pub async fn statuses(store: &Store) -> Result<Vec<(DocId, DocStatus)>, ClientError> {
    let mut known: std::collections::BTreeMap<String, DocStatus> = store
        .entries(DOC_STATUS)
        .await?
        .into_iter()
        .map(|(key, value)| (key, DocStatus::from_js(&value)))
        .collect();
    let mut statuses = Vec::new();
    for key in store.keys(DOCS).await? {
        let Ok(doc) = DocId::parse(&key) else {
            continue;
        };
        let status = match known.remove(&key) {
            Some(status) => status,
            None => {
                let Some(record) = load(store, &doc).await? else {
                    continue;
                };
                let status = DocStatus::of(&record);
                store
                    .put_value(DOC_STATUS, doc.as_str(), &status.to_js()?)
                    .await?;
                status
            }
        };
        statuses.push((doc, status));
    }
    Ok(statuses)
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
