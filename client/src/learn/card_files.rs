//! Card files in and out of the learner's documents: reading a picked file into an import
//! report (`read_import`), writing its cards once the learner confirms (`import_cards`, all or
//! nothing). Never renders; the page shows the report.

use std::cell::Cell;

use shared::doc::{CardSource, Event, EventKind, NewCard};
use shared::domain::DocId;
use shared::srs::import::{self, FileProblem, ImportReport, ImportedCard};
use wasm_bindgen_futures::JsFuture;

use super::{learner_database, now};
use crate::error::ClientError;
use crate::sync::documents;

/// How many cards are appended between two progress updates (and pauses for the page to draw).
pub const IMPORT_CHUNK: usize = 200;

/// The largest file read for an import. 32 MiB holds 100,000 rows of 300 bytes: far more than one
/// import adds (`import::MAX_IMPORT_CARDS`), so a big file still gets its full report.
pub const MAX_IMPORT_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Why a picked file gives no report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportRefusal {
    /// Over `MAX_IMPORT_FILE_BYTES`.
    TooLarge { bytes: u64 },
    /// Not UTF-8 text, or an Anki package.
    File(FileProblem),
}

/// Reads `file` (picked by the learner) and what importing it would add. Writes nothing.
pub async fn read_import(
    file: &web_sys::File,
) -> Result<Result<ImportReport, ImportRefusal>, ClientError> {
    let bytes = file.size().max(0.0) as u64;
    if bytes > MAX_IMPORT_FILE_BYTES {
        return Ok(Err(ImportRefusal::TooLarge { bytes }));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| ClientError::Storage {
            detail: format!("the file could not be read: {e:?}"),
        })?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    Ok(import::import(&bytes).map_err(ImportRefusal::File))
}

/// What confirming an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportWritten {
    /// This many cards were added to the learner's profile document.
    Added(usize),
    /// Cancelled before the end: nothing was added.
    Cancelled,
}

/// The `card_created` event of an imported card (source `import`, a fresh id, no lesson).
pub fn import_event(card: &ImportedCard, at: &str) -> Event {
    let card = NewCard {
        card_id: shared::doc::new_event_id(),
        front: card.front.clone(),
        back: card.back.clone(),
        source: CardSource::Import,
        lesson_id: None,
        tags: card.tags_text(),
    };
    Event::new(EventKind::CardCreated(card), at.to_owned())
}

/// Adds `cards` to the learner's profile document as one write: built and appended in chunks of
/// `IMPORT_CHUNK` with `progress(done)` after each, taken into the document only when all are in.
/// Setting `cancelled` before that leaves the document as it was.
pub async fn import_cards(
    cards: &[ImportedCard],
    progress: impl Fn(usize),
    cancelled: &Cell<bool>,
) -> Result<ImportWritten, ClientError> {
    let (user, store) = learner_database().await?;
    let at = now();
    let events: Vec<Event> = cards.iter().map(|card| import_event(card, &at)).collect();
    let doc = DocId::profile(&user);
    let written =
        documents::append_all(&store, &doc, &events, IMPORT_CHUNK, progress, cancelled).await?;
    Ok(if written {
        ImportWritten::Added(events.len())
    } else {
        ImportWritten::Cancelled
    })
}
