//! Types and pure logic used by both the browser client and the sync server.
//!
//! Owns the wire contract (`api`), the learner documents (`doc`), quiz checking (`quiz`), the XP, streak and badge rules (`rules`) and the
//! limits both sides enforce (`validate`).
//! Never does I/O, never awaits, never depends on a web framework.

pub mod api;
pub mod codes;
pub mod doc;
pub mod domain;
pub mod quiz;
pub mod rules;
pub mod srs;
pub mod validate;
