//! What the client keeps on the device. Components read and write it only through here.
//!
//! Course data lives in IndexedDB (`database`, opened once at start and shared through
//! `contexts::store`), read and written asynchronously; `catalog` is its first user, `progress`
//! keeps completed lessons until the learner documents of the sync loop take over, `offline` the
//! courses downloaded for offline use (outline, lessons, images), each in its own object store.
//! Two small values
//! stay in `localStorage` because the first render needs them synchronously: the chosen language
//! (`preferences`) and the last signed-in user (`session`). `downloads` hands files to the
//! browser. Nothing here may hold secrets: the session token lives only in an HttpOnly cookie.

pub mod catalog;
pub mod database;
pub mod downloads;
pub mod offline;
pub mod preferences;
pub mod progress;
pub mod session;

pub use database::Store;
