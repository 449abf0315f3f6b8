//! Typed calls to the sync server's HTTP API, one function per endpoint.
//!
//! The only module that talks HTTP. Every failure comes back as a `ClientError`; it never touches
//! the DOM or storage, and it never retries on its own (pages decide).

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use shared::api::courses::CoursePage;

use crate::error::ClientError;

/// `GET /api/courses`: one page of the catalog. `cursor` is the previous page's `next_cursor`.
pub async fn list_courses(limit: u32, cursor: Option<&str>) -> Result<CoursePage, ClientError> {
    let limit = limit.to_string();
    let mut query = vec![("limit", limit.as_str())];
    if let Some(cursor) = cursor {
        query.push(("cursor", cursor));
    }
    let request = Request::get("/api/courses")
        .query(query)
        .header("Accept", "application/json");
    let response = request.send().await.map_err(|e| transport_error(&e))?;
    read_json(response).await
}

/// A 2xx body decoded as `T`, or the error the status and body describe.
async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    if response.ok() {
        response
            .json::<T>()
            .await
            .map_err(|e| ClientError::Unexpected {
                detail: format!("bad JSON from {}: {e}", response.url()),
            })
    } else {
        let body = response.text().await.unwrap_or_default();
        Err(ClientError::from_response(response.status(), &body))
    }
}

/// No response at all: offline when the browser says so, otherwise the server is unreachable.
fn transport_error(error: &gloo_net::Error) -> ClientError {
    if crate::contexts::online::browser_is_online() {
        ClientError::Network {
            detail: error.to_string(),
        }
    } else {
        ClientError::Offline
    }
}
