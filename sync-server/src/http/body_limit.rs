//! Request bodies are bounded to `shared::validate::MAX_BODY_BYTES` here, once, for every route.
//!
//! Owns the 413 answer, whether the client announces a large Content-Length or streams a chunked
//! body that grows past the limit. Buffers bodies (all API bodies are small and read whole anyway);
//! never interprets them.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::Response;
use shared::validate::MAX_BODY_BYTES;

use crate::error::Error;

pub async fn limit(req: Request, next: Next) -> Result<Response, Error> {
    let too_large = Error::PayloadTooLarge {
        limit: MAX_BODY_BYTES,
    };
    let announced = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        // Answer before reading a byte of it.
        return Err(too_large);
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
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
