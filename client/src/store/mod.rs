//! What the client keeps on the device. Components read and write it only through here.
//!
//! Two kinds of IndexedDB database (`database`, which holds the one list of their object stores):
//! the app-wide `eduplatform` (the course `catalog` cache, opened once at start and shared through
//! `contexts::store`; `progress` only to move old completions out) and one per signed-in user,
//! `eduplatform-{user_id}`, opened through `user_database`: learner documents (`docs`), this
//! device's id (`device`), the enrolled courses (`enrollments`), the courses downloaded for
//! offline use (`offline`: outline, lessons, images). Signing out keeps the user's
//! database, so the next sign-in on this device continues where it was. Two small values stay in
//! `localStorage` because the first render needs them synchronously: the chosen language
//! (`preferences`) and the last signed-in user (`session`). `downloads` hands files to the
//! browser. Nothing here may hold secrets: the session token lives only in an HttpOnly cookie.

pub mod catalog;
pub mod database;
pub mod device;
pub mod docs;
pub mod downloads;
pub mod enrollments;
pub mod offline;
pub mod preferences;
pub mod progress;
pub mod session;

pub use database::{user_database, Store};
