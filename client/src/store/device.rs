//! This device's id for one user (object store `device` of the user's database): made once, on
//! first use, and sent as `X-Device-Id` so the server keeps one sync state per device.

use super::database::{Store, DEVICE};
use crate::error::ClientError;

/// The key the id is kept under.
const DEVICE_ID: &str = "id";

/// The device id kept in `store`, made (and kept) on first call. Always 1..64 characters of
/// `[A-Za-z0-9_-]`, as the server requires.
pub async fn device_id(store: &Store) -> Result<String, ClientError> {
    if let Some(id) = store.get::<String>(DEVICE, DEVICE_ID).await? {
        if is_device_id(&id) {
            return Ok(id);
        }
    }
    let id = shared::doc::new_event_id();
    store.put(DEVICE, DEVICE_ID, &id).await?;
    Ok(id)
}

/// Whether `id` is a device id the server takes.
pub fn is_device_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
