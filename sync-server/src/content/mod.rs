//! Course content as the server stores and serves it: Markdown rendered, highlighted and sanitised
//! once, when saved (`markdown`), and uploaded images kept under the hash of their bytes (`media`).
//!
//! Owns what may reach a learner's page from an author's text or files. Never stores or sends HTML
//! that did not pass through `markdown::render`, nor serves a file `media` did not check.

pub mod markdown;
pub mod media;
