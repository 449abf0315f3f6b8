//! Extractors that reject with our `Error` (JSON body, right status) instead of axum's plain text.
//!
//! Handlers use `extract::Json` and `extract::Query` in place of axum's. Owns no validation beyond
//! the shape of the input: rules on values belong to the domain modules.

use axum::extract::{FromRequest, FromRequestParts};

use crate::error::Error;

/// A JSON request body; malformed → 400, wrong shape → 422, wrong content type → 415, too big → 413.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct Json<T>(pub T);

/// Path parameters; ones that do not parse → 400.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct Path<T>(pub T);

/// A query string; one that does not parse → 400.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct Query<T>(pub T);

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use axum::Router;
    use tower::ServiceExt;

    #[derive(serde::Deserialize)]
    struct Named {
        #[allow(dead_code)]
        name: String,
    }

    async fn status_and_code(content_type: &str, body: &str) -> (StatusCode, String) {
        let app = Router::new().route("/", post(|Json(_): Json<Named>| async { "ok" }));
        let req = Request::post("/")
            .header("content-type", content_type)
            .body(Body::from(body.to_owned()))
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        if status == StatusCode::OK {
            return (status, String::new());
        }
        let body: shared::api::ErrorBody = serde_json::from_slice(&bytes).unwrap();
        (status, body.error.code)
    }

    #[tokio::test]
    async fn bad_json_bodies_get_json_errors_with_fitting_statuses() {
        let cases = [
            ("application/json", r#"{"name":"Ada"}"#, StatusCode::OK, ""),
            (
                "application/json",
                r#"{"name":"#,
                StatusCode::BAD_REQUEST,
                "bad_request",
            ),
            (
                "application/json",
                r#"{"name":42}"#,
                StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable",
            ),
            (
                "text/plain",
                r#"{"name":"Ada"}"#,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
        ];
        for (content_type, body, status, code) in cases {
            assert_eq!(
                status_and_code(content_type, body).await,
                (status, code.to_owned()),
                "{content_type} {body}"
            );
        }
    }
}
