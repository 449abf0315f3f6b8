//! Typed calls to the sync server's HTTP API, one function per endpoint.
//!
//! The only module that talks HTTP. Every failure comes back as a `ClientError`; it never touches
//! the DOM or storage, and it never retries on its own (pages decide).

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use shared::api::courses::CoursePage;

use crate::error::ClientError;

/// `GET /api/courses`: one page of the catalog. `cursor` is the previous page's `next_cursor`;
/// `limit: None` takes the server's default page size (`shared::validate::PAGE_LIMIT_DEFAULT`).
///
/// The first page with the default size is plain `/api/courses`: the service worker caches that
/// exact URL when it installs, so the catalog opens offline from the first visit on.
pub async fn list_courses(
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<CoursePage, ClientError> {
    let limit = limit.map(|n| n.to_string());
    let query: Vec<(&str, &str)> = [("limit", limit.as_deref()), ("cursor", cursor)]
        .into_iter()
        .filter_map(|(key, value)| Some((key, value?)))
        .collect();
    let mut request = Request::get("/api/courses").header("Accept", "application/json");
    if !query.is_empty() {
        request = request.query(query);
    }
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
