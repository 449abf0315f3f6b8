//! `[log]`: `EDU_LOG_FORMAT` and `EDU_LOG`, checked here so a bad filter stops the start with one
//! line instead of being ignored.
//!
//! Owns parsing only; installing the subscriber is `telemetry`'s.

use super::{ConfigError, Vars};

pub const DEFAULT_LOG_FILTER: &str = "info,sqlx=warn";

/// How and what the server logs (on stderr).
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// `EDU_LOG_FORMAT`: human-readable or JSON log lines.
    pub format: LogFormat,
    /// `EDU_LOG`: a tracing filter such as `info,sqlx=warn`.
    pub filter: String,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines for a terminal.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

impl LogConfig {
    pub(super) fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let format = match vars.get("EDU_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::new(
                    "EDU_LOG_FORMAT",
                    format!("expected pretty or json, got {other:?}"),
                ))
            }
        };
        let filter = vars
            .get("EDU_LOG")
            .unwrap_or_else(|| DEFAULT_LOG_FILTER.into());
        tracing_subscriber::EnvFilter::try_new(&filter).map_err(|e| {
            ConfigError::new(
                "EDU_LOG",
                format!("not a tracing filter like info,sqlx=warn: {filter:?}: {e}"),
            )
        })?;
        Ok(Self { format, filter })
    }
}
