//! Body, path and query extractors that reject with our `Error` (JSON body, right status) instead
//! of axum's plain text.
//!
//! Handlers use `extract::Json`, `extract::Path` and `extract::Query` in place of axum's. Owns no
//! validation beyond the shape of the input: rules on values belong to the domain modules.

use axum::extract::{FromRequest, FromRequestParts, Request};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::Error;

/// A JSON request body, always an object; malformed or of the wrong shape → 400 `bad_request` (one
/// status for both: see `From<JsonRejection> for Error`), missing or wrong content type → 415, too
/// big → 413.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        // Every request body of this API is an object (its OpenAPI schema says so). Read as one
        // first: serde's derived `Deserialize` would also take a struct from an array of its
        // fields in order (`[null, null]` as a profile update), which no client means to send.
        let axum::Json(object) = axum::Json::<Map<String, Value>>::from_request(req, state).await?;
        let mut body = Value::Object(object);
        whole_numbers_as_integers(&mut body);
        T::deserialize(body).map(Json).map_err(|e| {
            Error::BadRequest(format!(
                "Failed to deserialize the JSON body into the target type: {e}"
            ))
        })
    }
}

/// JSON has one number type: `2.0` and `2` are the same number (JSON Schema calls both an
/// integer), but serde refuses a float where an integer field is. Every whole float in the body,
/// within the range a double holds exactly, becomes an integer before the typed read.
fn whole_numbers_as_integers(value: &mut Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        Value::Number(number) if !number.is_i64() && !number.is_u64() => {
            if let Some(float) = number.as_f64() {
                if float.fract() == 0.0 && float.abs() <= EXACT {
                    // In range and whole, so the conversion is exact.
                    #[allow(clippy::cast_possible_truncation)]
                    let whole = float as i64;
                    *value = Value::from(whole);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// Path parameters; ones that do not parse → 400.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct Path<T>(pub T);

/// Reads an id from a path: one that is not an id names nothing, so it is the same 404 (with
/// `missing` as the message) as an id that names nothing.
pub fn path_id<T: std::str::FromStr>(text: &str, missing: &str) -> Result<T, Error> {
    text.parse()
        .map_err(|_| Error::NotFound(missing.to_owned()))
}

/// A `limit` query parameter, kept as text by the query structs so that a bad one gets a message
/// naming the field rather than serde's: absent is the default page size; anything but a whole
/// number from 1 to `PAGE_LIMIT_MAX` (an empty `limit=` too) is 400 `validation_failed`.
pub fn page_limit(text: Option<&str>) -> Result<u32, Error> {
    let requested = match text {
        None => None,
        Some(text) => Some(text.parse::<u32>().map_err(|_| Error::Validation {
            field: "limit",
            reason: shared::validate::Invalid::NotWholeNumber,
        })?),
    };
    shared::validate::page_limit(requested).map_err(|reason| Error::Validation {
        field: "limit",
        reason,
    })
}

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

    async fn status_and_code(content_type: Option<&str>, body: String) -> (StatusCode, String) {
        let app = Router::new().route("/", post(|Json(_): Json<Named>| async { "ok" }));
        let mut req = Request::post("/");
        if let Some(content_type) = content_type {
            req = req.header("content-type", content_type);
        }
        let res = app
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        if status == StatusCode::OK {
            return (status, String::new());
        }
        let body: shared::api::ErrorBody = serde_json::from_slice(&bytes).unwrap();
        (status, body.error.code.to_string())
    }

    #[tokio::test]
    async fn bad_json_bodies_get_json_errors_with_one_status_per_kind_of_fault() {
        const JSON: Option<&str> = Some("application/json");
        const BAD: StatusCode = StatusCode::BAD_REQUEST;
        // Past axum's own default limit (2 MiB), which is what this bare router has.
        let huge = format!(r#"{{"name":"{}"}}"#, "a".repeat(3 * 1024 * 1024));
        let cases = [
            (JSON, r#"{"name":"Ada"}"#.to_owned(), StatusCode::OK, ""),
            (
                Some("application/json; charset=utf-8"),
                r#"{"name":"Ada"}"#.to_owned(),
                StatusCode::OK,
                "",
            ),
            // Broken syntax and the wrong shape are the same fault for the caller: 400.
            (JSON, r#"{"name":"#.to_owned(), BAD, "bad_request"),
            (JSON, String::new(), BAD, "bad_request"),
            (JSON, r#"{"name":42}"#.to_owned(), BAD, "bad_request"),
            (JSON, "{}".to_owned(), BAD, "bad_request"),
            (JSON, "[]".to_owned(), BAD, "bad_request"),
            (JSON, "null".to_owned(), BAD, "bad_request"),
            // serde would read a struct from an array of its fields; the API takes objects only.
            (JSON, r#"["Ada"]"#.to_owned(), BAD, "bad_request"),
            (
                Some("text/plain"),
                r#"{"name":"Ada"}"#.to_owned(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
            (
                None,
                r#"{"name":"Ada"}"#.to_owned(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
            (
                None,
                String::new(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
            (
                JSON,
                huge,
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
            ),
        ];
        for (content_type, body, status, code) in cases {
            let shown = format!("{content_type:?} {}", &body[..body.len().min(40)]);
            assert_eq!(
                status_and_code(content_type, body).await,
                (status, code.to_owned()),
                "{shown}"
            );
        }
    }

    #[tokio::test]
    async fn a_whole_float_is_read_as_an_integer_and_nothing_else_is() {
        #[derive(serde::Deserialize)]
        struct Counted {
            stars: u8,
            #[serde(default)]
            spread: Vec<i64>,
        }
        async fn read(body: &str) -> Result<(u8, Vec<i64>), Error> {
            let req = Request::post("/")
                .header("content-type", "application/json")
                .body(Body::from(body.to_owned()))
                .unwrap();
            let Json(counted) = Json::<Counted>::from_request(req, &()).await?;
            Ok((counted.stars, counted.spread))
        }
        assert_eq!(read(r#"{"stars": 2.0}"#).await.unwrap(), (2, vec![]));
        assert_eq!(
            read(r#"{"stars": 4, "spread": [-3.0, 1e3]}"#)
                .await
                .unwrap(),
            (4, vec![-3, 1000])
        );
        for refused in [
            r#"{"stars": 2.5}"#,
            r#"{"stars": 256.0}"#,
            r#"{"stars": -1.0}"#,
            r#"{"stars": 1e300}"#,
            r#"{"stars": 1, "spread": [0.5]}"#,
        ] {
            assert!(
                matches!(read(refused).await, Err(Error::BadRequest(_))),
                "{refused}"
            );
        }
    }
}
