//! What the client keeps on the device. Components read and write it only through here.
//!
//! For now: small preferences and the last signed-in user in `localStorage`, and files the user
//! asks to download. Course data and learner documents move to IndexedDB in a later step. Nothing
//! here may hold secrets: the session token lives only in an HttpOnly cookie the app never sees.

pub mod downloads;
pub mod preferences;
pub mod session;
