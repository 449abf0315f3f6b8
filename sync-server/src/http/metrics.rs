//! `GET /metrics` (served only on the `EDU_METRICS_BIND` listener) and the middleware that counts and
//! times every request.
//!
//! Owns the route label: the matched route template, carried from inside the router to the outer
//! layer in the response's extensions. Never labels with a raw path (unbounded cardinality).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::error::{Error, Result};

/// Prometheus metrics (OpenMetrics text). The job queue's gauges are read from the database now;
/// if it does not answer, they are left out and the rest is still served.
pub async fn metrics(State(state): State<AppState>) -> Result<Response> {
    match crate::jobs::stats(&state.db, chrono::Utc::now()).await {
        Ok(stats) => state.metrics.set_job_stats(&stats),
        Err(e) => {
            tracing::warn!(error = %e, "job queue metrics not read");
            state.metrics.set_job_stats(&[]);
        }
    }
    let text = state
        .metrics
        .render(&state.db)
        .map_err(|e| Error::Internal(format!("cannot encode metrics: {e}")))?;
    Ok(([(CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], text).into_response())
}

/// Runs inside the router (a route layer), where the matched path is known, and hands it outwards.
pub async fn remember_route(req: Request, next: Next) -> Response {
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let mut res = next.run(req).await;
    if let Some(matched) = matched {
        res.extensions_mut().insert(matched);
    }
    res
}

/// Wraps the whole app, so requests no route took (static files, 413s) are counted too.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let is_api = req.uri().path() == "/api" || req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let route = match res.extensions().get::<MatchedPath>() {
        Some(matched) => matched.as_str(),
        None if is_api => "unmatched",
        None => "static",
    };
    state.metrics.observe_request(
        method.as_str(),
        route,
        res.status().as_u16(),
        started.elapsed(),
    );
    res
}
