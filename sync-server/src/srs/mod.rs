//! Spaced repetition on the server: the read models of learners' cards and review log (`cards`),
//! "cards are due" reminders at each learner's own hour (`reminders`), and the job that fits a
//! learner's personal FSRS parameters to their synced reviews (`fit`).
//!
//! Never schedules a card by rules of its own: schedules come from `shared::doc::cards` (the code
//! every device runs), so the server's due times are the devices' due times.

pub mod cards;
pub mod fit;
pub mod reminders;
