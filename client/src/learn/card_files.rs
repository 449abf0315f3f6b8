//! Card files in and out of the learner's documents: reading a picked file into an import
//! report (`read_import`). Never renders and never writes before the learner confirms; the page
//! shows the report.

use shared::srs::import::{self, FileProblem, ImportReport};
use wasm_bindgen_futures::JsFuture;

use crate::error::ClientError;

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
