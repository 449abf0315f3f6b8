//! The sync loop: brings the signed-in user's learner documents on this device and on the server
//! to the same state with the standard Automerge sync protocol over `POST /api/sync/{doc_id}`
//! (`api::sync`). `replica` holds one document's protocol state, `run` one round of messages,
//! `documents` the page's copies (saved after every change), `status` the header's wording rules,
//! `scheduler` when rounds run (load, reconnect, visible tab, local change, interval, retries).
//!
//! Never renders and never decides who may read a document (the server does); reaches the server
//! only through `api` and IndexedDB only through `store`.

pub mod documents;
pub mod replica;
pub mod run;
pub mod scheduler;
pub mod status;

use std::collections::HashSet;

use shared::domain::{DocId, UserId};

use crate::api;
use crate::error::ClientError;
use crate::store::{self, Store};
use run::{round, RoundError};

/// Syncs one document with the server. `Ok(true)`: the server holds every local change. A
/// refusal (400 / 413 / 404, or a reply that breaks the schema) is kept on the document as a
/// `status::Refusal` key and returned; the document stays as it was.
pub async fn sync_doc(store: &Store, device_id: &str, doc: &DocId) -> Result<bool, ClientError> {
    let replica = documents::open(store, doc).await?;
    let result = round(
        &replica,
        |message| async move { api::sync(doc, device_id, &message).await },
        || documents::keep(store, doc, &replica),
    )
    .await;
    let error = match result {
        Ok(settled) => return Ok(settled),
        Err(RoundError::Refused(refusal)) => ClientError::Unexpected {
            detail: format!("the server's sync reply for {doc} was refused: {refusal}"),
        },
        Err(RoundError::Failed(error)) => error,
    };
    if let Some(refusal) = status::Refusal::of(&error) {
        // The server's own words (English, for developers) go to the console; the document keeps
        // the refusal's key, which the header words in the reader's language.
        let line = format!("sync of {doc} refused: {error}");
        web_sys::console::warn_1(&line.into());
        replica.borrow_mut().refuse(refusal.key().to_owned());
        documents::keep(store, doc, &replica).await?;
    }
    Err(error)
}

/// Whether `error` means the server cannot be reached now (try again later), rather than a
/// refusal of one document.
pub fn is_unreachable(error: &ClientError) -> bool {
    matches!(
        error,
        ClientError::Offline
            | ClientError::Network { .. }
            | ClientError::Server { .. }
            | ClientError::RateLimited { .. }
    )
}

/// The documents a full round covers: the profile, the progress document of every enrolled
/// course (the list from the server, or the one kept when it cannot be reached), and every kept
/// document with changes pending.
pub async fn documents_of(user: &UserId, store: &Store) -> Result<Vec<DocId>, ClientError> {
    let mut docs = vec![DocId::profile(user)];
    let enrolled = store::enrollments::network_first(store, api::my_courses().await);
    match enrolled.await {
        Ok(list) => docs.extend(
            list.iter()
                .map(|entry| DocId::progress(user, &entry.course.id)),
        ),
        Err(error) if !is_unreachable(&error) => return Err(error),
        Err(_) => {}
    }
    for (doc, pending, _) in documents::summaries(store).await? {
        if pending > 0 && doc.owner() == *user {
            docs.push(doc);
        }
    }
    let mut seen = HashSet::new();
    docs.retain(|doc| seen.insert(doc.clone()));
    Ok(docs)
}

#[cfg(test)]
mod tests;
