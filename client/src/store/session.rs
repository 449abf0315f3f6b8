//! The last user the server confirmed as signed in, kept in `localStorage` (`edu.user`).
//!
//! Only so the header can show who is signed in while offline or while `/api/me` is on its way; the
//! server stays the judge of the session. Holds the profile the user sees anyway, never the token.

use gloo_storage::{LocalStorage, Storage};
use shared::api::accounts::Me;

use crate::error::ClientError;

/// The `localStorage` key of the last confirmed user.
pub const USER_KEY: &str = "edu.user";

/// The user last confirmed by the server on this device, if any (and if it still parses).
pub fn saved_user() -> Option<Me> {
    LocalStorage::get::<Me>(USER_KEY).ok()
}

/// Remembers the signed-in user for the next start.
pub fn save_user(me: &Me) -> Result<(), ClientError> {
    LocalStorage::set(USER_KEY, me).map_err(|e| ClientError::Storage {
        detail: e.to_string(),
    })
}

/// Forgets the user (signed out, session expired, account deleted).
pub fn forget_user() {
    LocalStorage::delete(USER_KEY);
}
