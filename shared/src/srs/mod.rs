//! Spaced repetition: reading cards from other tools' files (`import`) and what the learner's
//! charts show (`stats`). Pure: no I/O, no clock (callers pass the time).

pub mod import;
pub mod stats;
