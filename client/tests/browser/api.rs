use client::error::ClientError;
use client::i18n::{EN, RU};
use shared::api::error::ErrorCode;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn error_body_maps_to_the_matching_client_error() {
    let body = r#"{"error":{"code":"invalid_limit","message":"limit must be between 1 and 100"}}"#;
    assert_eq!(
        ClientError::from_response(400, body),
        ClientError::Validation {
            code: ErrorCode::Unknown,
            message: "limit must be between 1 and 100".into(),
            field: None,
            reason: None,
        }
    );
    let body = r#"{"error":{"code":"not_found","message":"no such course"}}"#;
    assert_eq!(
        ClientError::from_response(404, body),
        ClientError::NotFound {
            message: "no such course".into()
        }
    );
    assert_eq!(
        ClientError::from_response(429, body),
        ClientError::RateLimited { retry_after: None }
    );
    assert_eq!(
        ClientError::from_response(503, "<html>Bad gateway</html>"),
        ClientError::Server { status: 503 }
    );
    assert_eq!(
        ClientError::from_response(401, ""),
        ClientError::Unauthorized
    );
    assert!(matches!(
        ClientError::from_response(418, "teapot"),
        ClientError::Unexpected { .. }
    ));
}

#[wasm_bindgen_test]
fn client_errors_speak_the_current_language() {
    let error = ClientError::Server { status: 500 };
    assert_eq!(error.message(&EN), EN.errors.error_server);
    assert_eq!(error.message(&RU), RU.errors.error_server);
    assert_ne!(error.message(&EN), error.message(&RU));
}

/// The test runner's own server has no API: a real fetch through `api` comes back as NotFound.
#[wasm_bindgen_test]
async fn a_real_request_maps_http_status_to_a_client_error() {
    let result = client::api::list_courses(Some(5), Some("abc"), &Default::default()).await;
    assert!(
        matches!(result, Err(ClientError::NotFound { .. })),
        "{result:?}"
    );
}

#[wasm_bindgen_test]
fn auth_errors_map_to_what_went_wrong() {
    let body = |code: &str| format!(r#"{{"error":{{"code":"{code}","message":"m"}}}}"#);
    assert_eq!(
        ClientError::from_response(401, &body("invalid_credentials")),
        ClientError::InvalidCredentials
    );
    assert_eq!(
        ClientError::from_response(401, &body("unauthenticated")),
        ClientError::Unauthorized
    );
    assert_eq!(
        ClientError::from_response(403, &body("email_not_verified")),
        ClientError::EmailNotVerified
    );
    assert_eq!(
        ClientError::from_response(403, &body("csrf")),
        ClientError::Forbidden
    );
    assert_eq!(
        ClientError::from_response(403, &body("forbidden")),
        ClientError::Forbidden
    );
    assert_eq!(
        ClientError::from_response(409, &body("conflict")),
        ClientError::Conflict {
            message: "m".into()
        }
    );
    assert_eq!(
        ClientError::from_response(422, &body("unprocessable")).code(),
        Some(ErrorCode::Unknown)
    );
}

#[wasm_bindgen_test]
fn rate_limits_carry_the_wait_from_retry_after() {
    let limited = || {
        ClientError::from_response(
            429,
            r#"{"error":{"code":"rate_limited","message":"slow down"}}"#,
        )
    };
    assert_eq!(
        limited().with_retry_after(Some("30"), 0.0),
        ClientError::RateLimited {
            retry_after: Some(30)
        }
    );
    // An HTTP date 90 seconds after "now".
    let now = js_sys::Date::parse("Wed, 21 Oct 2026 07:28:00 GMT");
    assert_eq!(
        limited().with_retry_after(Some("Wed, 21 Oct 2026 07:29:30 GMT"), now),
        ClientError::RateLimited {
            retry_after: Some(90)
        }
    );
    assert_eq!(
        limited().with_retry_after(Some("soon"), 0.0),
        ClientError::RateLimited { retry_after: None }
    );
    assert_eq!(
        limited().with_retry_after(None, 0.0),
        ClientError::RateLimited { retry_after: None }
    );
    // Other errors ignore the header.
    assert_eq!(
        ClientError::Forbidden.with_retry_after(Some("5"), 0.0),
        ClientError::Forbidden
    );
}

#[wasm_bindgen_test]
fn auth_error_messages_speak_both_languages_and_name_the_wait() {
    let limited = ClientError::RateLimited {
        retry_after: Some(42),
    };
    assert_eq!(
        limited.message(&EN),
        "Too many attempts. Please try again in 42 s."
    );
    assert_eq!(
        limited.message(&RU),
        "Слишком много попыток. Попробуйте снова через 42 с."
    );
    assert_eq!(
        ClientError::RateLimited { retry_after: None }.message(&EN),
        EN.errors.error_rate_limited
    );
    assert_eq!(
        ClientError::InvalidCredentials.message(&RU),
        RU.errors.error_invalid_credentials
    );
    assert_eq!(
        ClientError::EmailNotVerified.message(&EN),
        EN.errors.error_email_not_verified
    );
    let token = ClientError::Validation {
        code: ErrorCode::InvalidToken,
        message: "bad token".into(),
        field: None,
        reason: None,
    };
    assert_eq!(token.message(&EN), EN.errors.error_invalid_token);
    assert_eq!(token.message(&RU), RU.errors.error_invalid_token);
    let wrong = ClientError::from_response(
        400,
        r#"{"error":{"code":"wrong_password","message":"the current password is wrong"}}"#,
    );
    assert_eq!(wrong.message(&RU), RU.errors.error_wrong_password);
}
