//! The AI service: every AI feature (lesson summaries, quiz drafts, later the tutor) goes through
//! here. Owns provider routing, budgets, the response cache and the built-in offline provider;
//! never lets a key or a prompt's data leave the server except to the configured provider.

pub mod offline;
