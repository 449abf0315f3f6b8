//! Log output: a tracing subscriber writing to stderr, human-readable or JSON.
//!
//! Owns the subscriber set-up only; stdout is reserved for the one "listening" line tools parse.
//! Request ids enter log lines through the per-request span made in `http`.

use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat};

/// Installs the global subscriber. Call once, from `main`; tests use their own (or none).
pub fn init(config: &Config) {
    // The filter was validated when the config was parsed; fall back rather than panic anyway.
    let filter = EnvFilter::try_new(&config.log.filter)
        .unwrap_or_else(|_| EnvFilter::new(crate::config::DEFAULT_LOG_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match config.log.format {
        LogFormat::Pretty => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            // Every enclosing span, so the request span (and its id) shows under handler spans too.
            .with_current_span(false)
            .with_span_list(true)
            .init(),
    }
}
