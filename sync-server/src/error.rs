//! The one error type of the API: every failing request ends here and leaves as a status code and
//! `{"error": {"code", "message", "field"?, "reason"?}}` (`shared::api::ErrorBody`).
//!
//! Owns the mapping from what went wrong to what the caller sees. Internal causes (database, I/O)
//! and upstream providers' answers are logged inside the request's span, which carries the request
//! id, and are never sent to the caller.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use shared::api::error::{ErrorBody, ErrorCode};
use shared::validate::Invalid;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed in a way no single field explains.
    #[error("{0}")]
    BadRequest(String),

    /// One input value is unacceptable: `field` names it (the JSON key or query parameter) and
    /// `reason` says why; both are sent, with the reason worded in English as the message.
    #[error("{}", reason.english(field))]
    Validation {
        field: &'static str,
        reason: Invalid,
    },

    #[error("{0}")]
    NotFound(String),

    /// No valid session: no token, an unknown, expired or revoked one.
    #[error("sign in to do this")]
    Unauthenticated,

    /// Signed in, but this is not for the caller's role or not the caller's to touch.
    #[error("{0}")]
    Forbidden(String),

    /// A cookie-authenticated request that did not come from this server's own pages.
    #[error("this request did not come from this site's pages; reload the page and try again")]
    Csrf,

    /// The right password for an address that was never confirmed.
    #[error("confirm your email address first: follow the link in the mail we sent")]
    EmailNotVerified,

    /// The email and password do not match an account (same answer whether or not it exists).
    #[error("the email or password is wrong")]
    InvalidCredentials,

    /// A signed-in user's confirmation of their own password failed.
    #[error("the current password is wrong")]
    WrongPassword,

    /// A mailed token that is unknown, already used or expired.
    #[error("this link is invalid or has expired; ask for a new one")]
    InvalidToken,

    /// The request clashes with the current state (a pending application, a decided one, a taken
    /// address).
    #[error("{0}")]
    Conflict(String),

    /// Too many attempts; the caller may retry after `retry_after` seconds.
    #[error("too many attempts; try again in {retry_after} s")]
    RateLimited { retry_after: u64 },

    /// A daily AI budget (the caller's or the server's) is used up; the message says when it
    /// resets, and `Retry-After` how many seconds that is.
    #[error("{0}")]
    BudgetExhausted(crate::ai::budget::Exhausted),

    /// The action needs a payment first (enrolling in a paid course); nothing was stored.
    #[error("{0}")]
    PaymentRequired(String),

    #[error("this method is not allowed here")]
    MethodNotAllowed,

    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },

    #[error("{0}")]
    UnsupportedMediaType(String),

    /// A body of an accepted type that cannot be used (an image of 40,000×40,000 pixels, an import
    /// that is not a valid book); the message names what is at fault.
    #[error("{0}")]
    UnprocessableContent(String),

    /// A sync message that is not an Automerge sync message (corrupt, truncated or empty).
    #[error("{0}")]
    InvalidSyncMessage(String),

    /// A sync message whose changes would break the learner document schema; the text says
    /// which rule.
    #[error("{0}")]
    SchemaViolation(String),

    /// A learner document that would grow past its size limit; nothing of the message was kept.
    #[error(
        "your learning record has grown past its size limit ({} MiB) and nothing new was saved; \
         contact support to have it archived",
        limit / (1024 * 1024)
    )]
    DocumentTooLarge { limit: usize },

    /// A dependency (the database) is not available right now.
    #[error("{0}")]
    Unavailable(String),

    #[error("database error")]
    Database(#[from] sqlx::Error),

    /// Anything else that is our fault; the text is logged, not sent.
    #[error("internal error")]
    Internal(String),

    /// A provider we call (the AI provider, the payment provider) failed or answered nonsense.
    /// Only `service` is sent ("the AI provider did not answer"); `cause`, which may hold the
    /// provider's own text, is logged. No route returns it yet, so no operation documents 502.
    #[error("{service} did not answer; try again later")]
    Upstream {
        service: &'static str,
        cause: String,
    },
}

impl Error {
    /// The status the caller gets: the code's own (`ErrorCode::status`).
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The stable, machine-readable code clients may match on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadRequest(_) => ErrorCode::BadRequest,
            Self::Validation { .. } => ErrorCode::ValidationFailed,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::Csrf => ErrorCode::Csrf,
            Self::EmailNotVerified => ErrorCode::EmailNotVerified,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::WrongPassword => ErrorCode::WrongPassword,
            Self::InvalidToken => ErrorCode::InvalidToken,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::RateLimited { .. } | Self::BudgetExhausted(_) => ErrorCode::RateLimited,
            Self::PaymentRequired(_) => ErrorCode::PaymentRequired,
            Self::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            Self::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            Self::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            Self::UnprocessableContent(_) => ErrorCode::UnprocessableContent,
            Self::InvalidSyncMessage(_) => ErrorCode::InvalidSyncMessage,
            Self::SchemaViolation(_) => ErrorCode::SchemaViolation,
            Self::DocumentTooLarge { .. } => ErrorCode::DocumentTooLarge,
            Self::Unavailable(_) => ErrorCode::Unavailable,
            Self::Database(e) if crate::db::is_connection_lost(e) => ErrorCode::Unavailable,
            Self::Database(_) | Self::Internal(_) => ErrorCode::Internal,
            Self::Upstream { .. } => ErrorCode::UpstreamFailed,
        }
    }

    /// The body sent to the caller: never an internal cause or a provider's text.
    pub fn body(&self) -> ErrorBody {
        match self {
            Self::Validation { field, reason } => ErrorBody::invalid(field, reason.clone()),
            Self::Database(e) if crate::db::is_connection_lost(e) => ErrorBody::new(
                ErrorCode::Unavailable,
                "the database is not reachable right now; try again in a moment".to_owned(),
            ),
            other => ErrorBody::new(other.code(), other.to_string()),
        }
    }
}

/// Marks a response that failed because the database connection broke (not because of the
/// request): a read that got it may be tried once more (`http::retry`). Never sent to the caller.
#[derive(Debug, Clone, Copy)]
pub struct DatabaseConnectionLost;

/// The `Retry-After` of a 503: a database restart or failover is usually over within seconds.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 1;

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match &self {
            Self::Database(e) if crate::db::is_connection_lost(e) => {
                tracing::warn!(error = %e, "lost the database connection")
            }
            Self::Database(e) => tracing::error!(error = %e, "database error"),
            Self::Internal(e) => tracing::error!(error = %e, "internal error"),
            Self::Unavailable(e) => tracing::warn!(error = %e, "dependency unavailable"),
            Self::Upstream { service, cause } => {
                tracing::error!(service, error = %cause, "upstream failed");
            }
            _ => {}
        }
        let body = self.body();
        let mut res = (self.status(), axum::Json(body)).into_response();
        if let Self::Database(e) = &self {
            if crate::db::is_connection_lost(e) {
                res.extensions_mut().insert(DatabaseConnectionLost);
            }
        }
        if res.status() == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(UNAVAILABLE_RETRY_AFTER_SECS));
        }
        match self {
            Self::RateLimited { retry_after } => {
                res.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
            }
            Self::BudgetExhausted(exhausted) => {
                let retry_after = exhausted.retry_after(chrono::Utc::now());
                res.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(retry_after));
            }
            Self::Unauthenticated => {
                res.headers_mut().insert(
                    WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"EduPlatform\""),
                );
            }
            _ => {}
        }
        res
    }
}

impl From<QueryRejection> for Error {
    fn from(rejection: QueryRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for Error {
    fn from(rejection: PathRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

/// A JSON body we cannot use is one status, 400 `bad_request`, whether its syntax is broken or it
/// parses to the wrong shape (a missing field, a wrong type, an unknown enum value): a caller fixes
/// both the same way, and 400 is already what a value breaking a rule (`validation_failed`) and a
/// bad path or query answer, so "fix your input" is one status across the API. 415 and 413 stay
/// apart, since they name the envelope (content type, size), not the JSON.
/// The body limit axum applies to a route that `http::body_limit` does not bound (our routes all
/// are bounded: there, this 413 never happens).
const AXUM_DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => Self::BadRequest(e.body_text()),
            JsonRejection::JsonSyntaxError(e) => Self::BadRequest(e.body_text()),
            JsonRejection::MissingJsonContentType(e) => Self::UnsupportedMediaType(e.body_text()),
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::PayloadTooLarge {
                    limit: AXUM_DEFAULT_BODY_LIMIT,
                }
            }
            other => Self::BadRequest(other.body_text()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upstream_failure_names_the_service_and_never_its_cause() {
        let cause = "provider said: invalid api key sk-live-123 for org acme";
        let error = Error::Upstream {
            service: "the AI provider",
            cause: cause.into(),
        };
        assert_eq!(error.status(), StatusCode::BAD_GATEWAY);
        let body = serde_json::to_string(&error.body()).expect("serialisable");
        assert!(
            !body.contains("sk-live") && !body.contains("acme"),
            "{body}"
        );
        assert_eq!(
            error.body(),
            ErrorBody::new(
                ErrorCode::UpstreamFailed,
                "the AI provider did not answer; try again later"
            )
        );
    }

    #[test]
    fn internal_causes_are_never_sent() {
        let body = Error::Internal("disk /var/lib/edu full".into()).body();
        assert_eq!(body, ErrorBody::new(ErrorCode::Internal, "internal error"));
    }

    #[test]
    fn a_validation_error_sends_its_field_and_reason() {
        let error = Error::Validation {
            field: "password",
            reason: Invalid::TooShort { min: 10 },
        };
        let body = error.body();
        assert_eq!(body.error.field.as_deref(), Some("password"));
        assert_eq!(body.error.reason, Some(Invalid::TooShort { min: 10 }));
        assert_eq!(
            body.error.message,
            "password must be at least 10 characters"
        );
        assert_eq!(Error::NotFound("x".into()).body().error.field, None);
    }
}
