//! The one error body every failing API call returns, and the codes it may carry.
//!
//! Both sides read these types: the server builds them, the client matches on `code` and words
//! `reason` in the user's language. Never holds an internal cause (those stay in the server's log).

use crate::validate::Invalid;

/// `{"error": {"code": "...", "message": "...", "field"?: "...", "reason"?: {...}}}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong: a machine-readable `code`, an English `message` for people and logs, and for
/// `validation_failed` the input `field` at fault and the typed `reason` (which a client words in
/// its own language). `field` and `reason` are absent, not null, when the error has none.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// The request's field (JSON key or query parameter) the error is about, e.g. `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "password"))]
    pub field: Option<String>,
    /// Why `field` was refused, e.g. `{"kind": "too_short", "min": 10}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Invalid>,
}

/// The stable, machine-readable error codes, sent as snake_case strings (`"rate_limited"`).
///
/// A client built before a code was added reads it as `Unknown` instead of failing, and falls back
/// on the status and `message`; the server never sends `Unknown` (it cannot be serialised).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed in a way no single field explains (broken JSON, a bad path).
    BadRequest,
    /// One input value breaks a rule; `field` and `reason` say which and why.
    ValidationFailed,
    NotFound,
    /// No valid session.
    Unauthenticated,
    /// Signed in, but not allowed.
    Forbidden,
    /// A cookie-authenticated request that did not come from this site's pages.
    Csrf,
    EmailNotVerified,
    /// The email and password do not match an account.
    InvalidCredentials,
    /// A signed-in user's confirmation of their own password failed.
    WrongPassword,
    /// A mailed link's token is unknown, used or expired.
    InvalidToken,
    Conflict,
    /// Too many attempts; see `Retry-After`.
    RateLimited,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    /// The body is of an accepted type but cannot be used as it is (an image too large in pixels,
    /// or one whose header cannot be read; an import that is not a valid book, or an archive
    /// entry that escapes its folder).
    UnprocessableContent,
    /// A dependency of the server (the database) is not available right now.
    Unavailable,
    /// Our fault; the cause is in the server's log under the request id.
    Internal,
    /// A provider the server relies on (AI, payments) failed; its answer is never passed on.
    UpstreamFailed,
    /// The action needs a payment first (enrolling in a paid course); nothing was stored.
    PaymentRequired,
    /// A sync message that is not an Automerge sync message (corrupt, truncated or empty); the
    /// stored document is untouched.
    InvalidSyncMessage,
    /// A sync message whose changes would break the learner document schema (see the README's
    /// "Sync"); refused, the stored document is untouched.
    SchemaViolation,
    /// The learner document would grow past its size limit; nothing was stored.
    DocumentTooLarge,
    /// A code this build does not know (sent by a newer server).
    #[serde(other, skip_serializing)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status every error with this code is sent with (one status per code, so the
    /// server derives its status from the code and the two can never disagree).
    pub const fn status(self) -> u16 {
        match self {
            Self::BadRequest
            | Self::ValidationFailed
            | Self::WrongPassword
            | Self::InvalidToken
            | Self::InvalidSyncMessage
            | Self::SchemaViolation => 400,
            Self::Unauthenticated | Self::InvalidCredentials => 401,
            Self::PaymentRequired => 402,
            Self::Forbidden | Self::Csrf | Self::EmailNotVerified => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict => 409,
            Self::PayloadTooLarge | Self::DocumentTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::UnprocessableContent => 422,
            Self::RateLimited => 429,
            Self::Internal | Self::Unknown => 500,
            Self::UpstreamFailed => 502,
            Self::Unavailable => 503,
        }
    }

    /// The wire string, e.g. `"validation_failed"` (`"unknown"` for `Unknown`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::ValidationFailed => "validation_failed",
            Self::NotFound => "not_found",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::Csrf => "csrf",
            Self::EmailNotVerified => "email_not_verified",
            Self::InvalidCredentials => "invalid_credentials",
            Self::WrongPassword => "wrong_password",
            Self::InvalidToken => "invalid_token",
            Self::Conflict => "conflict",
            Self::RateLimited => "rate_limited",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::UnprocessableContent => "unprocessable_content",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
            Self::UpstreamFailed => "upstream_failed",
            Self::PaymentRequired => "payment_required",
            Self::InvalidSyncMessage => "invalid_sync_message",
            Self::SchemaViolation => "schema_violation",
            Self::DocumentTooLarge => "document_too_large",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ErrorBody {
    /// An error body with no field (anything but a validation error).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code,
                message: message.into(),
                field: None,
                reason: None,
            },
        }
    }

    /// A `validation_failed` body: `field` was refused for `reason`, worded in English.
    pub fn invalid(field: &str, reason: Invalid) -> Self {
        Self {
            error: ErrorDetail {
                code: ErrorCode::ValidationFailed,
                message: reason.english(field),
                field: Some(field.to_owned()),
                reason: Some(reason),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_body_has_the_documented_shape() {
        let json =
            serde_json::to_value(ErrorBody::new(ErrorCode::NotFound, "no such course")).unwrap();
        assert_eq!(
            json,
            json!({"error": {"code": "not_found", "message": "no such course"}}),
            "no field and no reason keys when there are none"
        );
    }

    #[test]
    fn a_validation_body_names_its_field_and_reason() {
        let body = ErrorBody::invalid("password", Invalid::TooShort { min: 10 });
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            json!({"error": {
                "code": "validation_failed",
                "message": "password must be at least 10 characters",
                "field": "password",
                "reason": {"kind": "too_short", "min": 10}
            }})
        );
        assert_eq!(serde_json::from_value::<ErrorBody>(json).unwrap(), body);
    }

    #[test]
    fn every_code_goes_on_the_wire_as_its_snake_case_name() {
        let codes = [
            ErrorCode::BadRequest,
            ErrorCode::ValidationFailed,
            ErrorCode::NotFound,
            ErrorCode::Unauthenticated,
            ErrorCode::Forbidden,
            ErrorCode::Csrf,
            ErrorCode::EmailNotVerified,
            ErrorCode::InvalidCredentials,
            ErrorCode::WrongPassword,
            ErrorCode::InvalidToken,
            ErrorCode::Conflict,
            ErrorCode::RateLimited,
            ErrorCode::MethodNotAllowed,
            ErrorCode::PayloadTooLarge,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::UnprocessableContent,
            ErrorCode::Unavailable,
            ErrorCode::Internal,
            ErrorCode::UpstreamFailed,
            ErrorCode::PaymentRequired,
            ErrorCode::InvalidSyncMessage,
            ErrorCode::SchemaViolation,
            ErrorCode::DocumentTooLarge,
        ];
        for code in codes {
            let wire = serde_json::to_value(code).unwrap();
            assert_eq!(wire, json!(code.as_str()));
            assert_eq!(serde_json::from_value::<ErrorCode>(wire).unwrap(), code);
        }
        assert!(serde_json::to_value(ErrorCode::Unknown).is_err());
    }

    #[test]
    fn an_unknown_code_or_reason_is_read_not_refused() {
        let body: ErrorBody = serde_json::from_value(json!({"error": {
            "code": "quota_exceeded",
            "message": "a newer server's error",
            "field": "title",
            "reason": {"kind": "too_shiny", "shine": 3}
        }}))
        .unwrap();
        assert_eq!(body.error.code, ErrorCode::Unknown);
        assert_eq!(body.error.reason, Some(Invalid::Unknown));
        assert_eq!(body.error.field.as_deref(), Some("title"));
    }
}
