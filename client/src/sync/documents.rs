//! The signed-in user's learner documents on this device: one in-memory `Replica` per doc id,
//! loaded from `store::docs` on first use and saved there after every change, so the page and the
//! sync loop always work on the same copy (two copies would overwrite each other's events).
//! Tells the sync loop about local changes (`subscribe`); never calls the server itself.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use shared::doc::Event;
use shared::domain::DocId;

use super::replica::Replica;
use crate::error::ClientError;
use crate::store::{docs, Store};

/// A replica shared by everything on the page that reads or changes that document.
pub type SharedReplica = Rc<RefCell<Replica>>;

/// Something that hears about local changes.
type Listener = Rc<dyn Fn(&DocId)>;

thread_local! {
    /// Replicas already loaded, by doc id (a doc id names its owner, so users never mix).
    static OPEN: RefCell<HashMap<DocId, SharedReplica>> = RefCell::new(HashMap::new());
    /// Who hears about local changes (the sync loop), by subscription id.
    static LISTENERS: RefCell<Vec<(u32, Listener)>> = const { RefCell::new(Vec::new()) };
    static NEXT_LISTENER: RefCell<u32> = const { RefCell::new(0) };
}

fn storage(doc: &DocId, error: impl std::fmt::Display) -> ClientError {
    ClientError::Storage {
        detail: format!("{doc}: {error}"),
    }
}

/// The replica of `doc`, loaded from `store` the first time (a new, empty one when the device has
/// never held it).
pub async fn open(store: &Store, doc: &DocId) -> Result<SharedReplica, ClientError> {
    if let Some(open) = OPEN.with(|map| map.borrow().get(doc).cloned()) {
        return Ok(open);
    }
    let replica = match docs::load(store, doc).await? {
        Some(record) => Replica::from_record(&record).map_err(|e| storage(doc, e))?,
        None => Replica::new(),
    };
    // Another caller may have loaded it while this one waited: the first one in wins.
    Ok(OPEN.with(|map| {
        map.borrow_mut()
            .entry(doc.clone())
            .or_insert_with(|| Rc::new(RefCell::new(replica)))
            .clone()
    }))
}

/// Saves `replica` as it is now under `doc`.
pub async fn keep(store: &Store, doc: &DocId, replica: &SharedReplica) -> Result<(), ClientError> {
    let record = replica.borrow().to_record(js_sys::Date::now());
    docs::save(store, doc, &record).await
}

/// Records this device's own `event` in `doc`, saves it, and tells the sync loop.
pub async fn append(store: &Store, doc: &DocId, event: &Event) -> Result<(), ClientError> {
    let replica = open(store, doc).await?;
    replica
        .borrow_mut()
        .append(event)
        .map_err(|e| storage(doc, e))?;
    keep(store, doc, &replica).await?;
    notify(doc);
    Ok(())
}

/// Records many of this device's own `events` in `doc` as one write: they are appended apart from
/// the document in chunks of `chunk`, with `progress(done)` after each and a pause so the page can
/// draw, and only when all are in are they taken into the document, saved and synced. When
/// `cancelled` is set before that, nothing is written. Answers whether they were written.
pub async fn append_all(
    store: &Store,
    doc: &DocId,
    events: &[Event],
    chunk: usize,
    progress: impl Fn(usize),
    cancelled: &std::cell::Cell<bool>,
) -> Result<bool, ClientError> {
    let replica = open(store, doc).await?;
    let mut batch = replica.borrow().start_batch();
    for (i, part) in events.chunks(chunk.max(1)).enumerate() {
        for event in part {
            batch.append(event).map_err(|e| storage(doc, e))?;
        }
        progress((i * chunk.max(1) + part.len()).min(events.len()));
        gloo_timers::future::TimeoutFuture::new(0).await;
        if cancelled.get() {
            return Ok(false);
        }
    }
    replica
        .borrow_mut()
        .commit(&batch)
        .map_err(|e| storage(doc, e))?;
    keep(store, doc, &replica).await?;
    notify(doc);
    Ok(true)
}

/// The events of `doc` as this device holds them (none when it has never held it).
pub async fn events(store: &Store, doc: &DocId) -> Result<Vec<Event>, ClientError> {
    Ok(open(store, doc).await?.borrow().events())
}

/// Every document kept in `store`, with its pending count and refusal, as last saved (read
/// without the documents' bytes).
pub async fn summaries(store: &Store) -> Result<Vec<(DocId, u32, Option<String>)>, ClientError> {
    let kept = docs::statuses(store).await?;
    Ok(kept
        .into_iter()
        .map(|(doc, status)| {
            // The in-memory copy is newer than the saved one while a save is on its way.
            let open = OPEN.with(|map| map.borrow().get(&doc).cloned());
            match open {
                Some(replica) => {
                    let replica = replica.borrow();
                    let error = replica.error().map(str::to_owned);
                    (doc, replica.pending(), error)
                }
                None => (doc, status.pending, status.error),
            }
        })
        .collect())
}

/// A subscription to local changes; dropping it unsubscribes.
pub struct Subscription(u32);

impl Drop for Subscription {
    fn drop(&mut self) {
        LISTENERS.with(|list| list.borrow_mut().retain(|(id, _)| *id != self.0));
    }
}

/// Calls `listener` after every local change, with the document changed.
pub fn subscribe(listener: impl Fn(&DocId) + 'static) -> Subscription {
    let id = NEXT_LISTENER.with(|next| {
        let mut next = next.borrow_mut();
        *next += 1;
        *next
    });
    LISTENERS.with(|list| list.borrow_mut().push((id, Rc::new(listener))));
    Subscription(id)
}

fn notify(doc: &DocId) {
    let listeners: Vec<_> =
        LISTENERS.with(|list| list.borrow().iter().map(|(_, f)| f.clone()).collect());
    for listener in listeners {
        listener(doc);
    }
}
