//! Reads that met a broken database connection are run once more on a fresh one.
//!
//! Owns the one retry of a safe request (GET, HEAD without a body) whose answer is marked
//! `DatabaseConnectionLost`: a database restart or failover cuts every pooled connection, and the
//! reader should not see that. Never retries anything else: a write that met a broken connection
//! may or may not have landed, so it is answered 503 with `Retry-After` and the caller decides.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;
use crate::error::DatabaseConnectionLost;

/// Runs `req`; if it is a safe read and its answer says the database connection broke, notes the
/// loss (idle connections are then pinged before use) and runs it once more.
pub async fn retry_reads(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(again) = replayable(&req) else {
        return next.run(req).await;
    };
    let res = next.clone().run(req).await;
    if res.extensions().get::<DatabaseConnectionLost>().is_none() {
        return res;
    }
    tracing::warn!("a read met a broken database connection; running it again on a fresh one");
    state.db.note_connection_lost();
    next.run(again).await
}

/// A copy of `req` to run again, when it is a read without a body.
fn replayable(req: &Request) -> Option<Request> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return None;
    }
    let headers = req.headers();
    let has_body = headers.contains_key(TRANSFER_ENCODING)
        || headers
            .get(CONTENT_LENGTH)
            .is_some_and(|length| length.as_bytes() != b"0");
    if has_body {
        return None;
    }
    let mut again = Request::new(Body::empty());
    *again.method_mut() = req.method().clone();
    *again.uri_mut() = req.uri().clone();
    *again.version_mut() = req.version();
    *again.headers_mut() = req.headers().clone();
    *again.extensions_mut() = req.extensions().clone();
    Some(again)
}
