//! The one error type of the client: what went wrong, in terms a page can show.
//!
//! Built by `api` (HTTP, JSON, the server's `ErrorBody`) and `store` (browser storage). Pages call
//! `message` for the user-facing text in the current language; `detail` keeps the cause for logs.

use serde::Deserialize;
use shared::api::error::ErrorCode;
use shared::validate::Invalid;

use crate::i18n::Texts;

/// The server's error body, `{"error": {"code", "message", "field"?, "reason"?}}`
/// (`shared::api::ErrorBody`), read leniently: a missing or malformed part is empty (or `Unknown`)
/// rather than failing the whole body, since proxies and older servers send other shapes.
#[derive(Debug, Default, Deserialize)]
struct ServerErrorBody {
    error: ServerError,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ServerError {
    code: Option<serde_json::Value>,
    message: String,
    field: Option<serde_json::Value>,
    reason: Option<serde_json::Value>,
}

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
    /// 401 `invalid_credentials`: the email or password is wrong (the server does not say which).
    InvalidCredentials,
    /// 403 `email_not_verified`: right password, but the address is not confirmed yet.
    EmailNotVerified,
    /// 403: signed in, but not allowed (wrong role, not yours, or a cross-site request).
    Forbidden,
    /// 400 / 413 / 415 / 422: the server rejected the input (or an upload: too large, not an accepted type); `code` and `message` come from its `ErrorBody`.
    /// `field` and `reason` are its `error.field` and `error.reason` when it sends them (an older
    /// server's `validation_failed` message names the field instead: see `forms::server_field`).
    Validation {
        code: ErrorCode,
        message: String,
        field: Option<String>,
        reason: Option<Invalid>,
    },
    /// 409.
    Conflict { message: String },
    /// 429; `retry_after` is the server's `Retry-After` in seconds, when it sent one.
    RateLimited { retry_after: Option<u32> },
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
        let detail = serde_json::from_str::<ServerErrorBody>(body)
            .map(|b| b.error)
            .unwrap_or_default();
        let ServerError {
            code,
            message,
            field,
            reason,
        } = detail;
        let code = code
            .and_then(|code| serde_json::from_value(code).ok())
            .unwrap_or(ErrorCode::Unknown);
        match status {
            400 | 413 | 415 | 422 => Self::Validation {
                code,
                message,
                field: field.and_then(|f| f.as_str().map(str::to_owned)),
                reason: reason.and_then(|r| serde_json::from_value(r).ok()),
            },
            401 if code == ErrorCode::InvalidCredentials => Self::InvalidCredentials,
            401 => Self::Unauthorized,
            403 if code == ErrorCode::EmailNotVerified => Self::EmailNotVerified,
            403 => Self::Forbidden,
            404 => Self::NotFound { message },
            409 => Self::Conflict { message },
            429 => Self::RateLimited { retry_after: None },
            500..=599 => Self::Server { status },
            _ => Self::Unexpected {
                detail: format!("HTTP {status} {code}: {message}"),
            },
        }
    }

    /// Adds the wait a 429 answer asked for, from its `Retry-After` header (seconds, or an HTTP
    /// date `now_ms` is compared with). Other errors are returned as they are.
    pub fn with_retry_after(self, header: Option<&str>, now_ms: f64) -> Self {
        match self {
            Self::RateLimited { .. } => Self::RateLimited {
                retry_after: header.and_then(|value| parse_retry_after(value, now_ms)),
            },
            other => other,
        }
    }

    /// What a mailed link without its token amounts to: it reads like an invalid link.
    pub fn missing_token() -> Self {
        Self::Validation {
            code: ErrorCode::InvalidToken,
            message: String::new(),
            field: None,
            reason: None,
        }
    }

    /// The server's error code (`invalid_token`, `wrong_password`, ...) for input it rejected.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Validation { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The sentence to show the user, in the current language.
    pub fn message(&self, texts: &Texts) -> String {
        let text = match self {
            Self::Offline => texts.errors.error_offline,
            Self::Network { .. } => texts.errors.error_network,
            Self::NotFound { .. } => texts.errors.error_not_found,
            Self::Unauthorized => texts.errors.error_unauthorized,
            Self::InvalidCredentials => texts.errors.error_invalid_credentials,
            Self::EmailNotVerified => texts.errors.error_email_not_verified,
            Self::Forbidden => texts.errors.error_forbidden,
            Self::Validation { code, .. } => match code {
                ErrorCode::InvalidToken => texts.errors.error_invalid_token,
                ErrorCode::WrongPassword => texts.errors.error_wrong_password,
                _ => texts.errors.error_validation,
            },
            Self::Conflict { .. } => texts.errors.error_conflict,
            Self::RateLimited {
                retry_after: Some(seconds),
            } => {
                return texts
                    .errors
                    .error_rate_limited_wait
                    .replace("{s}", &seconds.to_string())
            }
            Self::RateLimited { retry_after: None } => texts.errors.error_rate_limited,
            Self::Server { .. } => texts.errors.error_server,
            Self::Unexpected { .. } => texts.errors.error_unexpected,
            Self::Storage { .. } => texts.errors.error_storage,
        };
        text.to_owned()
    }
}

/// `Retry-After` as whole seconds from now: either a number of seconds or an HTTP date.
/// A date in the past means "now" (0); anything unreadable is `None`.
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<u32> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u32>() {
        return Some(seconds);
    }
    let at = js_sys::Date::parse(value);
    if at.is_nan() {
        return None;
    }
    let seconds = ((at - now_ms) / 1000.0).ceil().max(0.0);
    Some(seconds.min(f64::from(u32::MAX)) as u32)
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Offline => write!(f, "offline"),
            Self::Network { detail } => write!(f, "network error: {detail}"),
            Self::NotFound { message } => write!(f, "not found: {message}"),
            Self::Unauthorized => write!(f, "unauthorized"),
            Self::InvalidCredentials => write!(f, "wrong email or password"),
            Self::EmailNotVerified => write!(f, "email not verified"),
            Self::Forbidden => write!(f, "forbidden"),
            Self::Validation { code, message, .. } => write!(f, "invalid ({code}): {message}"),
            Self::Conflict { message } => write!(f, "conflict: {message}"),
            Self::RateLimited {
                retry_after: Some(seconds),
            } => write!(f, "rate limited, retry after {seconds} s"),
            Self::RateLimited { retry_after: None } => write!(f, "rate limited"),
            Self::Server { status } => write!(f, "server error (HTTP {status})"),
            Self::Unexpected { detail } => write!(f, "unexpected response: {detail}"),
            Self::Storage { detail } => write!(f, "storage error: {detail}"),
        }
    }
}

impl std::error::Error for ClientError {}
