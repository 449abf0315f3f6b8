//! App-wide state shared through Yew contexts: the UI language, the network status, who is signed
//! in and their notifications, the device's database, and the sync status of the learner's
//! documents.
//!
//! Providers own the browser wiring (events, `<html lang>`, saving through `store`, polling through
//! `api`); components only read the context through the `use_*` hooks.

pub mod auth;
pub mod locale;
pub mod notifications;
pub mod online;
pub mod store;
pub mod sync;
