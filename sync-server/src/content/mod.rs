//! Course content as the server stores and serves it: Markdown rendered and sanitised once, when
//! saved (`markdown`).
//!
//! Owns what may reach a learner's page from an author's text. Never stores or sends HTML that
//! did not pass through `markdown::render`.

pub mod markdown;
