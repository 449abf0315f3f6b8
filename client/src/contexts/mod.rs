//! App-wide state shared through Yew contexts: the UI language and the network status.
//!
//! Providers own the browser wiring (events, `<html lang>`, saving through `store`); components only
//! read the context through the `use_*` hooks.

pub mod locale;
pub mod online;
