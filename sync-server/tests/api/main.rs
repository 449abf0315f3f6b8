//! Integration tests: the real app on 127.0.0.1:0, a fresh database per test, HTTP through reqwest.
//!
//! Every `both_backends!` test runs once on SQLite and once on PostgreSQL
//! (`EDU_TEST_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`).
//! Set `TEST_LOG=1` to see the server's logs.

// A panic is how a test reports failure, helpers included.
#![allow(clippy::unwrap_used)]

mod helpers;

mod accounts;
mod admin_cli;
mod ai;
mod authoring;
mod authorization;
mod backup;
mod catalog;
mod categories;
mod client;
mod course_import;
mod courses;
mod decks;
mod discussions;
mod doctor;
mod enrollment;
mod errors;
mod faults;
mod health;
mod jobs;
mod media;
mod migrations;
mod motivation;
mod notifications;
mod observability;
mod quizzes;
mod reviews;
mod search;
mod security;
mod srs;
mod startup;
mod sync;
mod teaching;
mod tutor;
