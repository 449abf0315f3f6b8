//! What the client keeps on the device. Components read and write it only through here.
//!
//! For now: small preferences in `localStorage`. Course data and learner documents move to
//! IndexedDB in a later step; nothing here may hold secrets.

pub mod preferences;
