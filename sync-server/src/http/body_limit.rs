//! Request body limits, a property of a group of routes: `limit_group(router, bytes)` bounds every
//! route of `router` (the JSON API gets `limits.body.json`, course authoring `limits.body.authoring`;
//! the sync routes, binary and larger, will get their own), and is the only limit those routes
//! have (axum's default one is lifted). Groups are bounded before they are merged, so a path may
//! hold methods of two groups (`GET /api/courses` is the catalog's, `POST` authoring's).
//!
//! Owns the 413 answer, whether the client announces a large Content-Length or streams a chunked
//! body that grows past the limit. Buffers bodies (the routes read them whole anyway); never
//! interprets them.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::{self, Next};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;

use crate::error::Error;

/// Bounds the bodies of every route of `router` to `limit` bytes. Call it once per group, after
/// the group's routes are in and before it is merged with other groups.
pub fn limit_group<S>(router: OpenApiRouter<S>, limit: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    router
        .route_layer(DefaultBodyLimit::disable())
        .route_layer(middleware::from_fn_with_state(BodyLimit(limit), enforce))
}

#[derive(Debug, Clone, Copy)]
struct BodyLimit(usize);

async fn enforce(
    State(BodyLimit(limit)): State<BodyLimit>,
    req: Request,
    next: Next,
) -> Result<Response, Error> {
    let too_large = Error::PayloadTooLarge { limit };
    let announced = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|len| len > limit as u64) {
        // Answer before reading a byte of it.
        return Err(too_large);
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(e) if is_length_limit(&e) => return Err(too_large),
        Err(_) => {
            return Err(Error::BadRequest(
                "the request body could not be read".into(),
            ))
        }
    };
    Ok(next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await)
}

fn is_length_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}
