//! The one error type of the client: what went wrong, in terms a page can show.
//!
//! Built by `api` (HTTP, JSON, the server's `ErrorBody`) and `store` (browser storage). Pages call
//! `message` for the user-facing text in the current language; `detail` keeps the cause for logs.

use shared::api::ErrorBody;

use crate::i18n::Texts;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The browser reports no network and nothing was cached for this request.
    Offline,
    /// The request never got an answer (server down, DNS, CORS, aborted).
    Network { detail: String },
    /// 404.
    NotFound { message: String },
    /// 401: no or expired session.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 400 / 422: the server rejected the input; `code` and `message` come from its `ErrorBody`.
    Validation { code: String, message: String },
    /// 409.
    Conflict { message: String },
    /// 429.
    RateLimited,
    /// 5xx.
    Server { status: u16 },
    /// A 2xx we could not decode, or a status we do not expect.
    Unexpected { detail: String },
    /// Browser storage refused to read or write (private mode, quota).
    Storage { detail: String },
}

impl ClientError {
    /// Builds the error for a failed HTTP response from its status and body text.
    ///
    /// The status decides the variant; the server's `{"error": {"code", "message"}}` body, when it
    /// parses, supplies the code and message. Any other body is tolerated (proxies send HTML).
    pub fn from_response(status: u16, body: &str) -> Self {
        let parsed = serde_json::from_str::<ErrorBody>(body).ok();
        let code = parsed
            .as_ref()
            .map(|b| b.error.code.clone())
            .unwrap_or_default();
        let message = parsed.map(|b| b.error.message).unwrap_or_default();
        match status {
            400 | 422 => Self::Validation { code, message },
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound { message },
            409 => Self::Conflict { message },
            429 => Self::RateLimited,
            500..=599 => Self::Server { status },
            _ => Self::Unexpected {
                detail: format!("HTTP {status} {code}: {message}"),
            },
        }
    }

    /// The sentence to show the user, in the current language.
    pub fn message(&self, texts: &Texts) -> &'static str {
        match self {
            Self::Offline => texts.error_offline,
            Self::Network { .. } => texts.error_network,
            Self::NotFound { .. } => texts.error_not_found,
            Self::Unauthorized => texts.error_unauthorized,
            Self::Forbidden => texts.error_forbidden,
            Self::Validation { .. } => texts.error_validation,
            Self::Conflict { .. } => texts.error_conflict,
            Self::RateLimited => texts.error_rate_limited,
            Self::Server { .. } => texts.error_server,
            Self::Unexpected { .. } => texts.error_unexpected,
            Self::Storage { .. } => texts.error_storage,
        }
    }
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Offline => write!(f, "offline"),
            Self::Network { detail } => write!(f, "network error: {detail}"),
            Self::NotFound { message } => write!(f, "not found: {message}"),
            Self::Unauthorized => write!(f, "unauthorized"),
            Self::Forbidden => write!(f, "forbidden"),
            Self::Validation { code, message } => write!(f, "invalid ({code}): {message}"),
            Self::Conflict { message } => write!(f, "conflict: {message}"),
            Self::RateLimited => write!(f, "rate limited"),
            Self::Server { status } => write!(f, "server error (HTTP {status})"),
            Self::Unexpected { detail } => write!(f, "unexpected response: {detail}"),
            Self::Storage { detail } => write!(f, "storage error: {detail}"),
        }
    }
}

impl std::error::Error for ClientError {}
