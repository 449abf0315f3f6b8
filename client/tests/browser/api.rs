use client::error::ClientError;
use client::i18n::{EN, RU};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn error_body_maps_to_the_matching_client_error() {
    let body = r#"{"error":{"code":"invalid_limit","message":"limit must be between 1 and 100"}}"#;
    assert_eq!(
        ClientError::from_response(400, body),
        ClientError::Validation {
            code: "invalid_limit".into(),
            message: "limit must be between 1 and 100".into(),
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
    assert_eq!(error.message(&EN), EN.error_server);
    assert_eq!(error.message(&RU), RU.error_server);
    assert_ne!(error.message(&EN), error.message(&RU));
}

/// The test runner's own server has no API: a real fetch through `api` comes back as NotFound.
#[wasm_bindgen_test]
async fn a_real_request_maps_http_status_to_a_client_error() {
    let result = client::api::list_courses(Some(5), Some("abc")).await;
    assert!(
        matches!(result, Err(ClientError::NotFound { .. })),
        "{result:?}"
    );
}
