//! Learner document sync (README "Sync"): one Automerge sync message in, the server's next
//! message out, for the caller's own profile and progress documents. Owns who may sync which
//! document, the per-document write order, storage (`storage`, snapshot plus chunks, compacted),
//! the per-process cache of loaded documents (`cache`) and the read models derived from progress
//! documents (`projections`).
//!
//! Never keeps a message that breaks the schema or the size limit (the transaction is dropped,
//! nothing is written), and never answers before the change is committed: a reply the client
//! gets describes only what is durable.

mod cache;
pub mod projections;
mod storage;

use chrono::Utc;
use shared::api::accounts::Role;
use shared::doc::{decode_message, DocError};
use shared::domain::{CourseId, DocId, UserId};
use shared::validate::{is_device_id, SYNC_DOC_MAX_BYTES, SYNC_MESSAGE_MAX_BYTES};

pub use cache::{DeviceStates, DocCache};
pub use storage::{export_for_user, forget_user, ExportedDoc};

use crate::catalog::course_page::{visible_course, Viewer};
use crate::db::Db;
use crate::error::{Error, Result};

/// Past this many chunks since the snapshot, the next accepted message writes a new snapshot.
pub const COMPACT_AFTER_CHANGES: i32 = 64;

/// A device's own id for its sync state (`X-Device-Id`): 1 to 64 of `A-Za-z0-9_-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId(String);

impl DeviceId {
    pub fn parse(text: &str) -> Result<Self> {
        if is_device_id(text) {
            Ok(Self(text.to_owned()))
        } else {
            Err(Error::BadRequest(
                "X-Device-Id must be 1 to 64 of A-Z, a-z, 0-9, _ and -".into(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who is syncing: the caller and their role (teachers and admins may keep progress documents
/// of courses they manage).
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub id: &'a UserId,
    pub role: Role,
}

impl From<DocError> for Error {
    fn from(error: DocError) -> Self {
        match error {
            DocError::Undecodable(detail) => {
                Error::InvalidSyncMessage(format!("not an Automerge sync message: {detail}"))
            }
            DocError::Schema(rule) => {
                Error::SchemaViolation(format!("the message breaks the document schema: {rule}"))
            }
        }
    }
}

/// Applies one sync `message` from `device` to `doc` and returns the server's next message for
/// that device (`None`: in sync, nothing to send). The caller's first valid message to one of
/// their own document ids creates the document.
///
/// 404 for a document that is not the caller's, or a progress document of a course that does
/// not exist or that they may not read (unless the document already exists: what a learner
/// recorded stays syncable after they leave the course); 400 for a message that is not one or
/// breaks the schema; 413 when the document would grow past `SYNC_DOC_MAX_BYTES`.
pub async fn sync(
    db: &Db,
    cache: &DocCache,
    caller: Caller<'_>,
    doc_id: &DocId,
    device: &DeviceId,
    message: &[u8],
) -> Result<Option<Vec<u8>>> {
    let course = authorize(db, caller, doc_id).await?;
    if message.is_empty() {
        return Err(Error::InvalidSyncMessage(
            "the body must be one Automerge sync message; it was empty".into(),
        ));
    }
    if message.len() > SYNC_MESSAGE_MAX_BYTES {
        return Err(Error::PayloadTooLarge {
            limit: SYNC_MESSAGE_MAX_BYTES,
        });
    }
    let message = decode_message(message)?;

    let now = Utc::now();
    let mut tx = db.begin().await?;
    // Taken under the document's lock: every later step sees the committed document as it is.
    let row = storage::create_and_lock(&mut tx, doc_id, caller.id, course.as_ref(), now).await?;
    let (mut doc, mut states) = match cache.take(doc_id, row.version) {
        Some(cached) => cached,
        None => (
            storage::load_doc(&mut tx, doc_id).await?,
            DeviceStates::new(),
        ),
    };
    let (mut state, stored_state) = match states.remove(device.as_str()) {
        Some(bytes) => (storage::decode_state(&bytes), Some(bytes)),
        None => storage::load_state(&mut tx, doc_id, device).await?,
    };

    let heads_before = doc.heads();
    let their_heads = message.heads.clone();
    let their_last_sync: Vec<Vec<automerge::ChangeHash>> = message
        .have
        .iter()
        .map(|have| have.last_sync.clone())
        .collect();
    doc.receive_sync_message(&mut state, message)?;
    let changed = doc.heads() != heads_before;
    let mut queued_refresh = None;
    if changed {
        // The read models first; what the document gained is stored with the device's new sync
        // state below (in one statement where the engine allows).
        let new_events = doc.events_since(&heads_before);
        if let Some(course) = &course {
            projections::record(&mut tx, caller.id, course, &new_events, now).await?;
        }
        crate::srs::cards::record(&mut tx, caller.id, doc_id, &doc, &new_events, now).await?;
        if !new_events.is_empty() {
            // The clock as the transaction is about to commit names the refresh's window; one
            // queued by this process for that window already covers these events.
            let at = Utc::now();
            let window = crate::motivation::refresh_window(at);
            if !cache.refresh_queued(caller.id, window) {
                crate::motivation::queue_refresh(&mut tx, caller.id, at).await?;
                queued_refresh = Some(window);
            }
        }
    }
    // In sync only when the device holds exactly this document AND already knows that we do (its
    // last-sync heads are ours): then there is nothing to send (204). Otherwise the reply, even
    // with no changes in it, is what moves the device's shared heads forward; without it the
    // device would summarise every change since its last acknowledged sync in each message, and
    // its messages would grow without end. Asking Automerge alone would answer every time, since
    // only the shared heads of a sync state outlive a request (`State::encode`).
    let heads = doc.heads();
    let mut their_heads = their_heads;
    their_heads.sort();
    let acknowledged = !their_last_sync.is_empty()
        && their_last_sync.iter().all(|last_sync| {
            let mut last_sync = last_sync.clone();
            last_sync.sort();
            last_sync == heads
        });
    let reply = if their_heads == heads && acknowledged {
        None
    } else {
        doc.generate_sync_message(&mut state)
    };
    // Only the shared heads are kept, and an exchange that changed nothing leaves them as they
    // were: then there is nothing to write.
    let encoded = state.encode();
    let state_changed = stored_state.as_deref() != Some(encoded.as_slice());
    let mut row = row;
    let mut state_written = false;
    if changed {
        let device_state = state_changed.then_some((device, encoded.as_slice()));
        (row, state_written) = storage::store_changes(
            &mut tx,
            doc_id,
            &row,
            &doc,
            &heads_before,
            device_state,
            now,
        )
        .await?;
    }
    if state_changed && !state_written {
        storage::store_state(&mut tx, doc_id, device, &encoded, now).await?;
    }
    tx.commit().await?;
    if let Some(window) = queued_refresh {
        cache.note_refresh_queued(caller.id, window);
    }
    states.insert(device.as_str().to_owned(), encoded);
    cache.put(doc_id.clone(), row.version, row.bytes_total, doc, states);
    Ok(reply.map(|m| m.encode()))
}

/// The actor of every change the server itself writes to a learner document (the personal FSRS
/// parameters): devices can tell those changes from their own, and since the server writes only
/// under the document's lock to the stored latest version, its changes never fork.
pub const SERVER_ACTOR: [u8; 16] = *b"eduplatform-srv\0";

/// Appends `event` to `doc_id` (owned by `owner`) as the server, in one transaction under the
/// document's lock, so it is serialized with every other write to it in any process; devices get
/// it by the normal sync. Makes the document if the owner has none yet. Refused, nothing written,
/// when the event breaks the schema or the document would pass its size limit.
pub async fn append_as_server(
    db: &Db,
    cache: &DocCache,
    doc_id: &DocId,
    owner: &UserId,
    event: &shared::doc::Event,
) -> Result<()> {
    if doc_id.owner() != *owner {
        return Err(Error::Internal(format!("{doc_id} is not {owner}'s")));
    }
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let course = doc_id.course();
    let row = storage::create_and_lock(&mut tx, doc_id, owner, course.as_ref(), now).await?;
    let (mut doc, states) = match cache.take(doc_id, row.version) {
        Some(cached) => cached,
        None => (
            storage::load_doc(&mut tx, doc_id).await?,
            DeviceStates::new(),
        ),
    };
    doc.set_actor(automerge::ActorId::from(SERVER_ACTOR));
    let heads_before = doc.heads();
    doc.append(event)?;
    let (row, _) =
        storage::store_changes(&mut tx, doc_id, &row, &doc, &heads_before, None, now).await?;
    crate::srs::cards::record(
        &mut tx,
        owner,
        doc_id,
        &doc,
        std::slice::from_ref(event),
        now,
    )
    .await?;
    tx.commit().await?;
    cache.put(doc_id.clone(), row.version, row.bytes_total, doc, states);
    Ok(())
}

/// The events of the stored document `doc_id`, read in `tx`; `None` when there is none.
pub(crate) async fn stored_events(
    tx: &mut crate::db::Tx,
    doc_id: &DocId,
) -> Result<Option<Vec<shared::doc::Event>>> {
    if !storage::exists_in(tx, doc_id).await? {
        return Ok(None);
    }
    Ok(Some(storage::load_doc(tx, doc_id).await?.events()))
}

/// The course of a progress document (`None` for a profile document), once the caller may sync
/// `doc_id`; 404 otherwise.
async fn authorize(db: &Db, caller: Caller<'_>, doc_id: &DocId) -> Result<Option<CourseId>> {
    let not_found = || Error::NotFound("no such document".into());
    if doc_id.owner() != *caller.id {
        return Err(not_found());
    }
    let Some(course) = doc_id.course() else {
        return Ok(None);
    };
    if storage::exists(db, doc_id).await? {
        return Ok(Some(course));
    }
    let viewer = Viewer::User {
        id: caller.id,
        role: caller.role,
    };
    match visible_course(db, course.as_str(), viewer).await {
        Ok((head, enrolled)) if enrolled || head.is_managed_by(viewer) => Ok(Some(course)),
        Ok(_) | Err(Error::NotFound(_)) => Err(not_found()),
        Err(other) => Err(other),
    }
}

/// Whether `bytes_total` stored bytes are over the document limit.
fn over_limit(bytes_total: usize) -> bool {
    bytes_total > SYNC_DOC_MAX_BYTES
}
