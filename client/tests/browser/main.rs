//! Browser tests of the client, run in headless Chromium by wasm-bindgen-test-runner:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p client --target wasm32-unknown-unknown`.
//!
//! One test binary (one browser start, one link); each module covers one part of the client.

#![allow(clippy::unwrap_used)]

mod account_ui;
mod api;
mod auth;
mod cards;
mod catalog;
mod components;
mod dom;
mod forms;
mod i18n;
mod learn;
mod motivation;
mod offline;
mod store;
mod submit;
mod tutor;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
